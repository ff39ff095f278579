-- The aligned effort of the stored mapping (the denominator of the map guard), counted as
-- unalign_loss.sql counts it, over every live item.
SELECT coalesce(sum(g.weight * e.effort), 0)
FROM core.work_item_goals AS g
JOIN marts.configured_effort($sources, $defaults, $rates) AS e USING (item_id)
WHERE g.goal_id IS NOT NULL;
