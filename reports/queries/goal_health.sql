SELECT p.goal_id, p.title, p.level, p.owner, p.period_end, p.linked_effort, p.done_effort, p.progress,
       p.elapsed, p.health, p.days_since_completed,
       (p.last_completed_at IS NULL OR p.last_completed_at < CAST($end AS TIMESTAMPTZ) - to_days(CAST($starved_days AS INTEGER))) AS starved,
       gp.goal_depth AS depth, gp.pillar_id
FROM marts.goal_progress AS p
LEFT JOIN marts.goal_paths AS gp ON gp.goal_id = p.goal_id AND gp.depth = 0
ORDER BY gp.pillar_id, depth, p.goal_id;
