-- The aligned effort of the computed mapping (goal_rows), counted as unalign_loss.sql counts
-- it, for a first mapping: nothing is stored to compare with, so only this total is needed
-- (joined on row numbers, not on a million item ids).
WITH configured AS (
    SELECT unnest(CAST($sources AS VARCHAR[])) AS source,
           unnest(CAST($defaults AS DOUBLE[])) AS default_effort,
           unnest(CAST($rates AS DOUBLE[])) AS estimate_rate
),
effort AS (
    SELECT i.rowid AS n, marts.effort_of(i.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) AS effort
    FROM core.work_items AS i
    LEFT JOIN configured AS d ON d.source = i.source
    WHERE NOT i.is_deleted
)
SELECT coalesce(sum(g.weight * e.effort), 0)
FROM goal_rows AS g
JOIN effort AS e ON e.n = g.n
WHERE g.goal_id IS NOT NULL;
