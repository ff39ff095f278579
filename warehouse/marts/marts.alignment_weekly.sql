-- Metric 1, alignment rate: share of completed effort linked to an active goal,
-- per week of completion, source and team. Sum the effort columns before dividing when rolling up.
CREATE OR REPLACE VIEW marts.alignment_weekly AS
SELECT
    completed_week AS week,
    source,
    coalesce(team, '(no team)') AS team,
    sum(linked_effort) AS completed_effort,
    sum(linked_effort) FILTER (WHERE goal_active) AS aligned_effort,
    coalesce(sum(linked_effort) FILTER (WHERE goal_active), 0) / nullif(sum(linked_effort), 0) AS alignment_rate
FROM marts.item_effort
WHERE is_completed
GROUP BY ALL;
