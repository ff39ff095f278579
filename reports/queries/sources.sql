-- When each source last synced successfully, for the report's footer.
SELECT source_name, source, max(finished_at) AS last_success, sum(items_written) AS items_written
FROM meta.sync_runs WHERE status = 'success' AND stream = 'items'
GROUP BY source_name, source ORDER BY source_name;
