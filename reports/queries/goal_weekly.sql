-- Per goal (its own items) and week: effort of items created and completed that week, under
-- today's mapping. The report sums these up to each week's end to reconstruct progress, and
-- reads the weekly completed effort as the goal's trend. Deleted items are not mapped, so
-- they are not in here.
WITH own AS (
    SELECT goal_id, created_at, completed_at, linked_effort
    FROM marts.item_effort
    WHERE goal_id IS NOT NULL AND created_at < $end
),
events AS (
    SELECT goal_id, date_trunc('week', created_at) AS week, linked_effort AS created, 0.0 AS completed FROM own
    UNION ALL
    SELECT goal_id, date_trunc('week', completed_at), 0.0, linked_effort
    FROM own WHERE completed_at IS NOT NULL AND completed_at < $end
)
SELECT goal_id, CAST(week AS DATE) AS week, sum(created) AS created_effort, sum(completed) AS completed_effort
FROM events
GROUP BY ALL
ORDER BY goal_id, week;
