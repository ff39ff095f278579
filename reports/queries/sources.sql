-- Per source: when it last synced successfully and how many of its records sit in quarantine,
-- for the report's footer (readers should know how fresh and how complete the numbers are).
WITH synced AS (
    SELECT source_name, source, instance, max(finished_at) AS last_success
    FROM meta.sync_runs WHERE status = 'success' AND stream = 'items'
    GROUP BY source_name, source, instance
),
quarantined AS (
    SELECT source, instance, count(*) AS rejected FROM meta.rejected_records
    WHERE severity = 'error'  -- warnings are about items that were kept
    GROUP BY source, instance
)
SELECT s.source_name, s.source, s.last_success, coalesce(q.rejected, 0) AS rejected
FROM synced AS s LEFT JOIN quarantined AS q USING (source, instance)
ORDER BY s.source_name;
