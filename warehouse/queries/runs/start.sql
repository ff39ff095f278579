INSERT INTO meta.sync_runs (run_id, source, source_name, instance, container, stream, status, started_at, cursor_before)
VALUES ($run_id, $source, $source_name, $instance, $container, $stream, 'running', CAST($started_at AS TIMESTAMPTZ), $cursor_before);
