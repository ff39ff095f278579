-- The largest pieces of unaligned work touched in the period (completed in it, or still open).
SELECT key, title, url, source, container, team, reason, effort, status_category, completed_at
FROM marts.unaligned_work
WHERE (completed_at >= $start AND completed_at < $end) OR completed_at IS NULL
ORDER BY effort DESC, completed_at DESC NULLS LAST, key
LIMIT $limit;
