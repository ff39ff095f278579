-- Precedence: explicit > rule > unaligned. One row per (item, goal); an unaligned item has one
-- row with goal_id NULL and its reason. Replaces the whole table: mapping is a pure function
-- of items + config, so running it twice gives the same rows.
DELETE FROM core.work_item_goals;

INSERT INTO core.work_item_goals BY NAME
WITH explicit_items AS (
    SELECT item_id, count(*) AS n FROM explicit_hits GROUP BY item_id
),
explicit_rows AS (
    SELECT h.item_id, h.goal_id, 'explicit' AS method, NULL AS rule_id, NULL AS rule_origin,
           1.0 / x.n AS weight, 1.0 AS confidence,
           h.via || ' names goal ''' || h.goal_id || '''' AS evidence, NULL AS reason
    FROM explicit_hits AS h JOIN explicit_items AS x USING (item_id)
),
rule_rows AS (
    SELECT m.item_id,
           CASE WHEN r.unaligned IS NULL THEN r.goal_id END AS goal_id,
           CASE WHEN r.unaligned IS NULL THEN 'rule' ELSE 'unaligned' END AS method,
           r.rule_id, r.origin AS rule_origin,
           CASE WHEN r.unaligned IS NULL THEN r.weight ELSE 1.0 END AS weight,
           r.confidence,
           m.evidence || ' matched rule ' || r.rule_id || ' (' || r.origin || ')'
               || CASE WHEN r.unaligned IS NOT NULL THEN ': ' || r.unaligned ELSE '' END AS evidence,
           CASE WHEN r.unaligned IS NOT NULL THEN 'ignored_by_rule' END AS reason
    FROM rule_hits AS m
    JOIN mapping_rules AS r ON r.rule_pos = m.rule_pos
    WHERE m.item_id NOT IN (SELECT item_id FROM explicit_items)
),
unmatched AS (
    SELECT i.item_id, NULL AS goal_id, 'unaligned' AS method, NULL AS rule_id, NULL AS rule_origin,
           1.0 AS weight, 1.0 AS confidence, 'no rule matched' AS evidence, 'no_rule_matched' AS reason
    FROM mapping_items AS i
    WHERE i.item_id NOT IN (SELECT item_id FROM explicit_items)
      AND i.item_id NOT IN (SELECT item_id FROM rule_hits)
)
SELECT *, NULL AS via_item_id, CAST($mapped_at AS TIMESTAMPTZ) AS mapped_at
FROM (SELECT * FROM explicit_rows UNION ALL BY NAME SELECT * FROM rule_rows UNION ALL BY NAME SELECT * FROM unmatched);
