-- Completed work in the period and how much of it is linked to an active goal; effort linked
-- only to goals outside their period is its own line (marts.effort_totals_between).
SELECT
    i.completed_items, i.aligned_items,
    t.completed_effort, t.aligned_effort, t.inactive_goal_effort, t.unlinked_effort
FROM (
    SELECT count(DISTINCT item_id) AS completed_items,
           count(DISTINCT item_id) FILTER (WHERE goal_active) AS aligned_items
    FROM marts.item_effort
    WHERE is_completed AND completed_at >= $start AND completed_at < $end
) AS i
CROSS JOIN marts.effort_totals_between(CAST($start AS TIMESTAMPTZ), CAST($end AS TIMESTAMPTZ)) AS t;
