-- How the period's completed work got its goals.
SELECT method, count(DISTINCT item_id) AS items, sum(linked_effort) AS effort,
       sum(linked_effort) FILTER (WHERE confidence < 0.7) AS low_confidence_effort
FROM marts.item_effort
WHERE is_completed AND completed_at >= $start AND completed_at < $end
GROUP BY method
ORDER BY effort DESC;
