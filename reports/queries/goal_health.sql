-- Goal health as the warehouse defines it (marts.goal_health_between), as of the period's end
-- with funding measured over the period. The report reads health only from here, and the
-- allocation too (aligned_effort, share: marts.effort_allocation_between over the period, which
-- goal health funds by), so that macro runs once. It counts report_goal_rows (goal_rows.sql: the
-- goal rows of marts.item_effort, its default `rows`, joined once for this and goal_weekly.sql).
SELECT goal_id, parent_id, title, level, owner, period_start, period_end, weight,
       linked_effort, done_effort, progress, elapsed,
       aligned_effort, share, target_share, underfunded, health, health_reason, last_completed_at, days_since_completed, starved,
       goal_depth AS depth, pillar_id
FROM marts.goal_health_between(CAST($start AS TIMESTAMPTZ), CAST($end AS TIMESTAMPTZ), rows := 'report_goal_rows')
ORDER BY pillar_id, depth, goal_id;
