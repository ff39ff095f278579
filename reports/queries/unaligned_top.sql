-- The largest pieces of unexplained work completed in the period (report_unexplained:
-- unexplained.sql; planned non-goal work is left out: it is explained).
SELECT key, title, url, source, container, team, reason, effort, completed_at
FROM report_unexplained
ORDER BY effort DESC, completed_at DESC, key
LIMIT $limit;
