-- Where unexplained work completed in the period gathers (report_unexplained: unexplained.sql):
-- by reason, by container, by label. Work set aside on purpose (`unaligned:` rules and
-- overrides) is planned, not unexplained, and is shown in the investment balance instead.
-- Three separate rankings.
SELECT 'reason' AS dimension, reason AS value, count(*) AS items, sum(effort) AS effort
FROM report_unexplained GROUP BY reason
UNION ALL
SELECT 'container', container, count(*), sum(effort)
FROM report_unexplained GROUP BY container
UNION ALL
SELECT 'label', coalesce(label, '(no label)'), count(*), sum(effort)
FROM (SELECT unnest(CASE WHEN len(labels) = 0 THEN [NULL] ELSE labels END) AS label, effort FROM report_unexplained)
GROUP BY label
ORDER BY dimension, effort DESC, value;
