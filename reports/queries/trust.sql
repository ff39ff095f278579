-- Reads report_completed (completed.sql): marts.item_effort of the completed work the report covers.
-- How the period's completed work got its goals.
SELECT method, count(DISTINCT item_id) AS items, sum(linked_effort) AS effort,
       sum(linked_effort) FILTER (WHERE confidence < 0.7) AS low_confidence_effort
FROM report_completed
WHERE is_completed AND completed_at >= $start AND completed_at < $end
GROUP BY method
ORDER BY effort DESC;
