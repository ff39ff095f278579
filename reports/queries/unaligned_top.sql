-- The largest pieces of unexplained work completed in the period (planned non-goal work is
-- left out: it is explained).
SELECT key, title, url, source, container, team, reason, effort, completed_at
FROM marts.unaligned_work
WHERE completed_at >= $start AND completed_at < $end
  AND reason NOT IN ('ignored_by_rule', 'override_unaligned')
ORDER BY effort DESC, completed_at DESC, key
LIMIT $limit;
