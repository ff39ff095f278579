-- Each item's own decision, by precedence: override > explicit > rule. A rule or override that
-- says `unaligned` is a decision too (reason ignored_by_rule / override_unaligned): such items
-- do not inherit. Items with no own decision are left to inheritance (inherit_*.sql).
-- Rows carry the row number n (for inheritance) and the item id (for the result).
CREATE OR REPLACE TEMP TABLE goal_rows AS
WITH overridden AS (
    SELECT w.n, i.item_id, o.goal_id,
           CASE WHEN o.unaligned IS NULL THEN 'override' ELSE 'unaligned' END AS method,
           NULL AS rule_id, o.origin AS rule_origin, o.weight, 1.0 AS confidence,
           'key ''' || i.key || ''' pinned by override (' || o.origin || ')'
               || coalesce(': ' || coalesce(o.unaligned, o.note), '') AS evidence,
           CASE WHEN o.unaligned IS NOT NULL THEN 'override_unaligned' END AS reason
    FROM override_winners AS w
    JOIN override_outcomes AS o USING (position)
    JOIN mapping_items AS i ON i.n = w.n
),
explicit AS (
    SELECT h.n, i.item_id, h.goal_id, 'explicit' AS method, NULL AS rule_id, NULL AS rule_origin,
           1.0 / count(*) OVER (PARTITION BY h.n) AS weight, 1.0 AS confidence,
           h.via || ' names goal ''' || h.goal_id || '''' AS evidence, NULL AS reason
    FROM explicit_hits AS h
    JOIN mapping_items AS i ON i.n = h.n
    ANTI JOIN override_winners AS o ON o.n = h.n
),
ruled AS (
    SELECT m.n, m.item_id,
           r.goal_id,
           CASE WHEN r.unaligned IS NULL THEN 'rule' ELSE 'unaligned' END AS method,
           r.rule_id, r.origin AS rule_origin, r.weight, r.confidence,
           m.evidence || ' matched rule ' || r.rule_id || ' (' || r.origin || ')'
               || coalesce(': ' || r.unaligned, '') AS evidence,
           CASE WHEN r.unaligned IS NOT NULL THEN 'ignored_by_rule' END AS reason
    FROM rule_winners AS m
    JOIN rule_outcomes AS r ON r.rule_pos = m.rule_pos
    ANTI JOIN override_winners AS o ON o.n = m.n
    ANTI JOIN (SELECT DISTINCT n FROM explicit_hits) AS x ON x.n = m.n
)
SELECT *, NULL::VARCHAR AS via_item_id FROM overridden
UNION ALL BY NAME SELECT *, NULL::VARCHAR AS via_item_id FROM explicit
UNION ALL BY NAME SELECT *, NULL::VARCHAR AS via_item_id FROM ruled;
