-- Health per goal: the warehouse's definition (marts.goal_progress), read here only, so the
-- report never computes health itself. health_reason: why, in words.
SELECT p.goal_id, p.parent_id, p.title, p.level, p.owner, p.period_start, p.period_end, p.weight,
       p.linked_effort, p.done_effort, p.progress, p.elapsed, p.health,
       CAST(NULL AS VARCHAR) AS health_reason,
       p.last_completed_at, p.days_since_completed,
       (p.last_completed_at IS NULL
        OR p.last_completed_at < CAST($end AS TIMESTAMPTZ) - to_days(CAST($starved_days AS INTEGER))) AS starved,
       gp.goal_depth AS depth, gp.pillar_id
FROM marts.goal_progress AS p
LEFT JOIN marts.goal_paths AS gp ON gp.goal_id = p.goal_id AND gp.depth = 0
ORDER BY gp.pillar_id, depth, p.goal_id;
