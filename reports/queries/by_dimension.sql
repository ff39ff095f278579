-- Alignment per team and per source over the period.
SELECT 'team' AS dimension, team AS value, sum(completed_effort) AS completed_effort,
       coalesce(sum(aligned_effort), 0) AS aligned_effort
FROM marts.alignment_weekly
WHERE week >= date_trunc('week', CAST($start AS TIMESTAMPTZ)) AND week < $end
GROUP BY team
UNION ALL
SELECT 'source', source, sum(completed_effort), coalesce(sum(aligned_effort), 0)
FROM marts.alignment_weekly
WHERE week >= date_trunc('week', CAST($start AS TIMESTAMPTZ)) AND week < $end
GROUP BY source
ORDER BY dimension, completed_effort DESC;
