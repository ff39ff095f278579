-- Inheritance, set up. Items with no own decision and no upstream item (no live parent, epic or
-- mentioned Jira issue) are unaligned at once; the rest wait for their upstream items. The
-- upstream items of each waiting item are ranked: parent, then epic (the items' own fields),
-- then the Jira items it names (mapping_links), by key in natural order (PAY-2 before PAY-10).
-- All keyed on the row number n.
CREATE OR REPLACE TEMP TABLE undecided AS
SELECT i.n, i.item_id, i.parent_id, i.epic_id
FROM mapping_items AS i
ANTI JOIN goal_rows AS g ON g.n = i.n;

CREATE OR REPLACE TEMP TABLE mapping_upstream AS
WITH pointers AS (
    SELECT n, parent_id AS target, 'parent' AS link_type, 1 AS kind, NULL AS evidence FROM undecided WHERE parent_id IS NOT NULL
    UNION ALL
    SELECT n, epic_id, 'epic', 2, NULL FROM undecided WHERE epic_id IS NOT NULL
),
edges AS (
    SELECT p.n, t.n AS up_n, t.item_id AS up_item_id, t.key AS up_key, p.link_type, p.kind, p.evidence
    FROM pointers AS p
    JOIN mapping_all_items AS t ON t.item_id = p.target
    UNION ALL
    SELECT l.from_n, l.to_n, l.to_item_id, u.key, l.link_type, 3, l.evidence
    FROM mapping_links AS l
    SEMI JOIN undecided AS x ON x.n = l.from_n
    JOIN mapping_all_items AS u ON u.n = l.to_n
)
SELECT n, up_n, up_item_id,
       CASE link_type WHEN 'mentions' THEN up_key || ' (' || evidence || ')' ELSE link_type || ' ' || up_key END AS how,
       -- keys in their natural order (PAY-2 before PAY-10): the prefix, then its trailing number,
       -- only named issues need it (an item has one parent and one epic)
       row_number() OVER (PARTITION BY n ORDER BY kind,
                          CASE WHEN kind = 3 THEN regexp_extract(up_key, '^(.*?)([0-9]*)$', 1) END,
                          CASE WHEN kind = 3 THEN TRY_CAST(nullif(regexp_extract(up_key, '^(.*?)([0-9]*)$', 2), '') AS HUGEINT) END NULLS FIRST,
                          up_key, up_item_id) AS rank
FROM edges;

INSERT INTO goal_rows BY NAME
SELECT x.n, x.item_id, NULL AS goal_id, 'unaligned' AS method, NULL AS rule_id, NULL AS rule_origin,
       NULL AS via_item_id, 1.0 AS weight, 1.0 AS confidence,
       CASE WHEN x.parent_id IS NULL AND x.epic_id IS NULL THEN 'no rule matched and nothing to inherit from'
            ELSE 'no rule matched; its parent or epic ' || coalesce(x.parent_id, x.epic_id) || ' is not in the warehouse'
       END AS evidence,
       CASE WHEN x.parent_id IS NULL AND x.epic_id IS NULL THEN 'no_rule_matched' ELSE 'orphan_no_parent' END AS reason
FROM undecided AS x
ANTI JOIN mapping_upstream AS u ON u.n = x.n;

CREATE OR REPLACE TEMP TABLE pending AS
SELECT x.n, x.item_id FROM undecided AS x SEMI JOIN mapping_upstream AS u ON u.n = x.n;

-- The rows of upstream items, the only ones inheritance reads (a small table, not all rows).
CREATE OR REPLACE TEMP TABLE upstream_rows AS
SELECT g.* FROM goal_rows AS g SEMI JOIN mapping_upstream AS u ON u.up_n = g.n;

