-- Reads report_completed (completed.sql): marts.item_effort of the completed work the report covers.
-- Completed effort per week of completion and kind of work (see balance.sql), over the trend
-- weeks: today's items under today's mapping, so a new install has a trend on day one.
SELECT
    completed_week AS week,
    CASE
        WHEN goal_id IS NOT NULL AND goal_active THEN 'goal'
        WHEN goal_id IS NOT NULL THEN 'inactive_goal'
        WHEN reason IN ('ignored_by_rule', 'override_unaligned') THEN 'planned'
        ELSE 'unexplained'
    END AS kind,
    sum(linked_effort) AS effort
FROM report_completed
WHERE is_completed AND completed_at >= $trend_start AND completed_at < $end
GROUP BY ALL
ORDER BY week, kind;
