-- Dated snapshots of alignment (core.alignment_history): aligned share of the 28 days of
-- completed effort before each snapshot, as the mapping of that day saw it.
SELECT snapshot_date, aligned_effort_28d / nullif(completed_effort_28d, 0) AS alignment_28d
FROM core.alignment_history
WHERE snapshot_date >= CAST($trend_start AS DATE) AND snapshot_date <= CAST($end AS DATE)
ORDER BY snapshot_date;
