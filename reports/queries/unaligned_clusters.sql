-- Where work completed in the period off an active goal gathers (report_unexplained:
-- unexplained.sql): by reason, by container, by label. Work set aside on purpose (`unaligned:`
-- rules and overrides) is planned, not unexplained, and is shown in the investment balance
-- instead; work on goals outside their period is here (reason goal_inactive), and
-- `unexplained_effort` is the part of each cluster that is not, so that "most unexplained work is
-- in X" is said of the unexplained work alone. Three separate rankings.
SELECT 'reason' AS dimension, reason AS value, count(*) AS items, sum(effort) AS effort,
       coalesce(sum(effort) FILTER (WHERE reason <> 'goal_inactive'), 0) AS unexplained_effort
FROM report_unexplained GROUP BY reason
UNION ALL
SELECT 'container', container, count(*), sum(effort),
       coalesce(sum(effort) FILTER (WHERE reason <> 'goal_inactive'), 0)
FROM report_unexplained GROUP BY container
UNION ALL
SELECT 'label', coalesce(label, '(no label)'), count(*), sum(effort),
       coalesce(sum(effort) FILTER (WHERE reason <> 'goal_inactive'), 0)
FROM (SELECT unnest(CASE WHEN len(labels) = 0 THEN [NULL] ELSE labels END) AS label, effort, reason
      FROM report_unexplained)
GROUP BY label
ORDER BY dimension, effort DESC, value;
