-- Pages each container's last successful items run fetched: what its next fetch is likely to
-- take, so that a parallel sync starts the longest fetches first.
SELECT container, arg_max(pages, started_at) AS pages
FROM meta.sync_runs
WHERE source_name = $source_name AND stream = 'items' AND status = 'success'
GROUP BY container;
