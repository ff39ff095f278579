-- Where unexplained work completed in the period gathers: by reason, by container, by label.
-- Work set aside on purpose (`unaligned:` rules and overrides) is planned, not unexplained,
-- and is shown in the investment balance instead. Three separate rankings.
WITH unexplained AS (
    SELECT * FROM marts.unaligned_work
    WHERE completed_at >= $start AND completed_at < $end
      AND reason NOT IN ('ignored_by_rule', 'override_unaligned')
)
SELECT 'reason' AS dimension, reason AS value, count(*) AS items, sum(effort) AS effort
FROM unexplained GROUP BY reason
UNION ALL
SELECT 'container', container, count(*), sum(effort)
FROM unexplained GROUP BY container
UNION ALL
SELECT 'label', coalesce(label, '(no label)'), count(*), sum(effort)
FROM (SELECT unnest(CASE WHEN len(labels) = 0 THEN [NULL] ELSE labels END) AS label, effort FROM unexplained)
GROUP BY label
ORDER BY dimension, effort DESC, value;
