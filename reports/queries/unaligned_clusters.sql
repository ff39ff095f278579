-- Where unaligned work completed in the period gathers: by reason, by container, by label.
SELECT 'reason' AS dimension, reason AS value, count(*) AS items, sum(effort) AS effort
FROM marts.unaligned_work WHERE completed_at >= $start AND completed_at < $end GROUP BY reason
UNION ALL
SELECT 'container', container, count(*), sum(effort)
FROM marts.unaligned_work WHERE completed_at >= $start AND completed_at < $end GROUP BY container
UNION ALL
SELECT 'label', coalesce(label, '(no label)'), count(*), sum(effort)
FROM (SELECT unnest(CASE WHEN len(labels) = 0 THEN [NULL] ELSE labels END) AS label, effort
      FROM marts.unaligned_work WHERE completed_at >= $start AND completed_at < $end)
GROUP BY label
ORDER BY dimension, effort DESC, value;
