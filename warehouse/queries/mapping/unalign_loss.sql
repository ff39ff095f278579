-- What a new mapping (mapping_result) would take away from the stored one: the effort of live
-- items aligned now (core.work_item_goals) that would be unaligned, in part or whole, and how
-- many items. Effort as the marts count it (marts.configured_effort), with the configuration's
-- defaults and rates ($sources / $defaults / $rates, not yet written to meta.effort_defaults).
-- Moving between goals is not a loss; only the aligned weight an item gives up counts.
-- Stored rows are stored_goal_rows: an incremental map compares its scope only (the caller adds
-- the aligned effort of the rest). after_effort: the aligned effort of the new rows.
-- Effort is that of marts.configured_effort, for the items mapped only (mapping_items: every
-- live item, or an incremental map's scope, whose live items are all the rows compared have):
-- an incremental map does not count the effort of a million items to weigh a few thousand.
WITH effort AS (
    SELECT i.item_id, marts.effort_of(i.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) AS effort
    FROM mapping_items AS i
    LEFT JOIN marts.configured_defaults($sources, $defaults, $rates) AS d ON d.source = i.source
),
stored AS (
    SELECT item_id, sum(weight) FILTER (WHERE goal_id IS NOT NULL) AS aligned
    FROM stored_goal_rows GROUP BY item_id
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
       count(*) FILTER (WHERE after < before - 1e-9) AS items,
       (SELECT coalesce(sum(c.aligned * e.effort), 0) FROM computed AS c JOIN effort AS e USING (item_id)) AS after_effort
FROM compared;
