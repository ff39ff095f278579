-- Completed work in the period and how much of it is linked to an active goal.
SELECT
    count(DISTINCT item_id) AS completed_items,
    count(DISTINCT item_id) FILTER (WHERE goal_active) AS aligned_items,
    coalesce(sum(linked_effort), 0) AS completed_effort,
    coalesce(sum(linked_effort) FILTER (WHERE goal_active), 0) AS aligned_effort
FROM marts.item_effort
WHERE is_completed AND completed_at >= $start AND completed_at < $end;
