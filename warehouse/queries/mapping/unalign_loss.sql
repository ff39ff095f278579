-- What a new mapping (mapping_result) would take away from the stored one: the effort of live
-- items aligned now (core.work_item_goals) that would be unaligned, in part or whole, and how
-- many items. Effort as the marts count it (marts.effort_of), with the configuration's defaults
-- and rates ($sources / $defaults / $rates, not yet written to meta.effort_defaults).
-- Moving between goals is not a loss; only the aligned weight an item gives up counts.
WITH defaults AS (
    SELECT unnest(CAST($sources AS VARCHAR[])) AS source, unnest(CAST($defaults AS DOUBLE[])) AS default_effort,
           unnest(CAST($rates AS DOUBLE[])) AS estimate_rate
),
effort AS (
    SELECT w.item_id, marts.effort_of(w.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) AS effort
    FROM core.work_items AS w LEFT JOIN defaults AS d ON d.source = w.source
    WHERE NOT w.is_deleted
),
stored AS (
    SELECT item_id, sum(weight) FILTER (WHERE goal_id IS NOT NULL) AS aligned
    FROM core.work_item_goals GROUP BY item_id
),
computed AS (
    SELECT item_id, sum(weight) FILTER (WHERE goal_id IS NOT NULL) AS aligned
    FROM mapping_result GROUP BY item_id
),
compared AS (
    SELECT e.effort, s.aligned AS before, coalesce(c.aligned, 0) AS after
    FROM stored AS s
    JOIN effort AS e USING (item_id)
    LEFT JOIN computed AS c USING (item_id)
    WHERE s.aligned > 0
)
SELECT coalesce(sum(before * effort), 0) AS aligned_effort,
       coalesce(sum(greatest(0, before - after) * effort), 0) AS unaligned_effort,
       count(*) FILTER (WHERE after < before - 1e-9) AS items
FROM compared;
