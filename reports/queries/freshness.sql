-- Data freshness, per synced container: the latest item sync, its status and error, and the
-- last successful one. A container whose latest run failed is stale: its numbers stop there.
WITH runs AS (
    SELECT source_name, container, status, error, started_at, finished_at,
           row_number() OVER (PARTITION BY source_name, container ORDER BY started_at DESC) AS latest
    FROM meta.sync_runs
    WHERE stream = 'items'
),
good AS (
    SELECT source_name, container, max(finished_at) AS last_success
    FROM meta.sync_runs WHERE stream = 'items' AND status = 'success'
    GROUP BY ALL
)
SELECT r.source_name, r.container, r.status AS last_status, r.error AS last_error,
       r.started_at AS last_run, g.last_success
FROM runs AS r LEFT JOIN good AS g USING (source_name, container)
WHERE r.latest = 1
ORDER BY r.status = 'success', r.source_name, r.container;
