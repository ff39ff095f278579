-- Hours since a container was last swept, or, never swept, since its first successful sync
-- (NULL: never synced). Dagster sweeps a container when this passes a day.
SELECT date_diff('second', coalesce(
           max(finished_at) FILTER (WHERE stream = 'sweep'),
           min(finished_at) FILTER (WHERE stream = 'items')), now()) / 3600.0
FROM meta.sync_runs
WHERE source_name = $source_name AND container = $container AND status = 'success';
