-- Per goal (its own items) and week: effort of items created and completed that week, under
-- today's mapping. The report sums these up to each week's end to reconstruct progress, and
-- reads the weekly completed effort as the goal's trend. Deleted items are not mapped, so
-- they are not in here; nor is dropped work. From report_goal_rows (goal_rows.sql: marts.item_effort's
-- goal rows), in one pass (grouping sets), weeks in UTC.
WITH own AS (
    SELECT goal_id,
           -- make_timestamp(epoch_us(...)): the UTC wall time without a time zone lookup per item
           CAST(date_trunc('week', make_timestamp(epoch_us(created_at))) AS DATE) AS created_week,
           CASE WHEN completed_at < $end
                THEN CAST(date_trunc('week', make_timestamp(epoch_us(completed_at))) AS DATE) END AS completed_week,
           linked_effort
    FROM report_goal_rows
    WHERE created_at < $end
      AND NOT is_dropped  -- out of progress, as marts.goal_progress leaves it out
),
weekly AS (
    SELECT goal_id, created_week, completed_week, sum(linked_effort) AS effort
    FROM own
    GROUP BY GROUPING SETS ((goal_id, created_week), (goal_id, completed_week))
)
SELECT goal_id, coalesce(created_week, completed_week) AS week,
       coalesce(sum(effort) FILTER (WHERE created_week IS NOT NULL), 0) AS created_effort,
       coalesce(sum(effort) FILTER (WHERE completed_week IS NOT NULL), 0) AS completed_effort
FROM weekly
WHERE created_week IS NOT NULL OR completed_week IS NOT NULL  -- the open items' empty completion group
GROUP BY ALL
ORDER BY goal_id, week;
