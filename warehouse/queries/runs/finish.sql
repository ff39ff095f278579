UPDATE meta.sync_runs
SET status = $status, finished_at = CAST($finished_at AS TIMESTAMPTZ), cursor_after = $cursor_after,
    pages = $pages, items_seen = $items_seen, items_written = $items_written, items_deleted = $items_deleted,
    rejected = $rejected, requests = $requests, retries = $retries, error = $error
WHERE run_id = $run_id AND source_name = $source_name AND container = $container AND stream = $stream;
