-- Completed effort in the period per goal, rolled up the tree, against the target share
-- (the warehouse's own definition: marts.effort_allocation over the report's period).
SELECT goal_id, title, level, parent_id, pillar_id, depth, effort, share, target_share
FROM marts.effort_allocation_between(CAST($start AS TIMESTAMPTZ), CAST($end AS TIMESTAMPTZ))
ORDER BY pillar_id, depth, effort DESC;
