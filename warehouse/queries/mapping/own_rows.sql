-- Each item's own decision, by precedence: override > explicit > rule. A rule or override that
-- says `unaligned` is a decision too (reason ignored_by_rule / override_unaligned): such items
-- do not inherit. Items with no own decision are left to inheritance (inherit_*.sql).
-- Rows carry the row number n (for inheritance) and the item id (for the result). The rule rows
-- (a million, at scale) become goal_rows as they are; overrides and explicit goals, a few, take
-- their items over.
DROP TABLE IF EXISTS goal_rows;

ALTER TABLE rule_rows RENAME TO goal_rows;

DELETE FROM goal_rows
WHERE n IN (SELECT n FROM override_winners) OR n IN (SELECT n FROM explicit_hits);

INSERT INTO goal_rows BY NAME
SELECT w.n, i.item_id, o.goal_id,
       CASE WHEN o.unaligned IS NULL THEN 'override' ELSE 'unaligned' END AS method,
       NULL AS rule_id, o.origin AS rule_origin, NULL AS via_item_id, o.weight, 1.0 AS confidence,
       'key ''' || i.key || ''' pinned by override (' || o.origin || ')'
           || coalesce(': ' || coalesce(o.unaligned, o.note), '') AS evidence,
       CASE WHEN o.unaligned IS NOT NULL THEN 'override_unaligned' END AS reason
FROM override_winners AS w
JOIN override_outcomes AS o USING (position)
JOIN mapping_items AS i ON i.n = w.n
UNION ALL BY NAME
SELECT h.n, i.item_id, h.goal_id, 'explicit' AS method, NULL AS rule_id, NULL AS rule_origin, NULL AS via_item_id,
       1.0 / count(*) OVER (PARTITION BY h.n) AS weight, 1.0 AS confidence,
       h.via || ' names goal ''' || h.goal_id || '''' AS evidence, NULL AS reason
FROM explicit_hits AS h
JOIN mapping_items AS i ON i.n = h.n
ANTI JOIN override_winners AS o ON o.n = h.n;
