SELECT week, sum(completed_effort) AS completed_effort, coalesce(sum(aligned_effort), 0) AS aligned_effort
FROM marts.alignment_weekly
WHERE week >= date_trunc('week', CAST($start AS TIMESTAMPTZ)) AND week < $end
GROUP BY week
ORDER BY week;
