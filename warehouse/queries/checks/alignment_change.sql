-- The 28-day alignment rate of the latest snapshot and of the one before it (NULL when missing).
WITH rates AS (
    SELECT row_number() OVER (ORDER BY snapshot_date DESC) AS age,
           aligned_effort_28d / nullif(completed_effort_28d, 0) AS rate
    FROM core.alignment_history
)
SELECT max(rate) FILTER (WHERE age = 1) AS latest, max(rate) FILTER (WHERE age = 2) AS previous
FROM rates;
