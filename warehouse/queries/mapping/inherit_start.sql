-- Inheritance, set up. Items with no own decision and no upstream item (no live parent, epic or
-- mentioned Jira issue) are unaligned at once; the rest wait for their upstream items. The
-- upstream items of each waiting item are ranked: parent, then epic, then mentioned Jira items
-- by key. All keyed on the row number n.
CREATE OR REPLACE TEMP TABLE mapping_upstream AS
SELECT l.from_n AS n, l.to_n AS up_n, l.to_item_id AS up_item_id,
       CASE l.link_type
           WHEN 'parent' THEN 'parent ' || u.key
           WHEN 'epic' THEN 'epic ' || u.key
           ELSE u.key || ' (' || l.evidence || ')'
       END AS how,
       row_number() OVER (
           PARTITION BY l.from_n
           ORDER BY CASE l.link_type WHEN 'parent' THEN 1 WHEN 'epic' THEN 2 ELSE 3 END, u.key, u.item_id
       ) AS rank
FROM mapping_links AS l
ANTI JOIN goal_rows AS g ON g.n = l.from_n
JOIN mapping_items AS u ON u.n = l.to_n;

INSERT INTO goal_rows BY NAME
SELECT i.n, i.item_id, NULL AS goal_id, 'unaligned' AS method, NULL AS rule_id, NULL AS rule_origin,
       NULL AS via_item_id, 1.0 AS weight, 1.0 AS confidence,
       CASE WHEN i.parent_id IS NULL AND i.epic_id IS NULL THEN 'no rule matched and nothing to inherit from'
            ELSE 'no rule matched; its parent or epic ' || coalesce(i.parent_id, i.epic_id) || ' is not in the warehouse'
       END AS evidence,
       CASE WHEN i.parent_id IS NULL AND i.epic_id IS NULL THEN 'no_rule_matched' ELSE 'orphan_no_parent' END AS reason
FROM mapping_items AS i
ANTI JOIN goal_rows AS g ON g.n = i.n
ANTI JOIN mapping_upstream AS u ON u.n = i.n;

CREATE OR REPLACE TEMP TABLE pending AS
SELECT DISTINCT u.n, i.item_id FROM mapping_upstream AS u JOIN mapping_items AS i ON i.n = u.n;

CREATE OR REPLACE TEMP TABLE resolved AS
SELECT g.n, bool_or(g.goal_id IS NOT NULL) AS aligned
FROM goal_rows AS g
SEMI JOIN mapping_upstream AS u ON u.up_n = g.n
GROUP BY g.n;
