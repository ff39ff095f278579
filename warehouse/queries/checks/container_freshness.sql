-- Per container of one source: hours since its last successful incremental sync (NULL: never),
-- for the Dagster freshness check. Containers are passed in ($containers: the partitions).
WITH wanted AS (SELECT unnest(CAST($containers AS VARCHAR[])) AS container),
good AS (
    SELECT container, max(finished_at) AS last_success
    FROM meta.sync_runs
    WHERE source_name = $source_name AND stream = 'items' AND status = 'success'
    GROUP BY container
)
SELECT w.container, g.last_success, date_diff('second', g.last_success, now()) / 3600.0 AS hours_since
FROM wanted AS w LEFT JOIN good AS g USING (container)
ORDER BY w.container;
