-- The goals the report shows (those under a pillar: marts.goal_figures' in_tree, the rows of
-- goal_health.sql), with what the trend reconstruction reads, in goal_health.sql's order: the
-- trends are computed, and their charts drawn, while goal health's pass over the items runs.
SELECT g.goal_id, g.parent_id, g.title, g.weight
FROM core.goals AS g
JOIN marts.goal_paths AS gp ON gp.goal_id = g.goal_id AND gp.depth = 0
ORDER BY gp.pillar_id, gp.goal_depth, g.goal_id;
