-- Containers (repositories, projects) whose latest sync did not succeed, with their last good
-- sync: the report's numbers are missing what changed there since then.
WITH attempts AS (
    SELECT source_name, container,
           arg_max(status, started_at) AS last_status,
           max(started_at) AS last_attempt,
           max(finished_at) FILTER (WHERE status = 'success') AS last_success
    FROM meta.sync_runs
    WHERE stream = 'items'
    GROUP BY source_name, container
)
SELECT source_name, container, last_success, last_attempt
FROM attempts
WHERE last_status <> 'success'
ORDER BY source_name, container;
