-- Dated snapshots of goal progress (core.goal_history, one per mapping day) over the trend
-- weeks: what the mapping said at the time, shown beside the reconstruction.
SELECT goal_id, snapshot_date, progress, health
FROM core.goal_history
WHERE snapshot_date >= CAST($trend_start AS DATE) AND snapshot_date <= CAST($end AS DATE)
ORDER BY goal_id, snapshot_date;
