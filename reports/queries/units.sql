-- Reads report_completed (completed.sql): marts.item_effort of the completed work the report covers.
-- What effort means per source in this period: the configured unit and conversion
-- (meta.effort_defaults), and how many completed items carried an estimate.
WITH done AS (
    SELECT source, item_id, any_value(has_estimate) AS has_estimate, sum(linked_effort) AS effort
    FROM report_completed
    WHERE is_completed AND completed_at >= $start AND completed_at < $end
    GROUP BY source, item_id
)
SELECT d.source, count(*) AS items, count(*) FILTER (WHERE d.has_estimate) AS estimated_items,
       sum(d.effort) AS effort,
       any_value(m.default_effort) AS default_effort, any_value(m.estimate_rate) AS estimate_rate,
       any_value(m.estimate_unit) AS estimate_unit
FROM done AS d
LEFT JOIN meta.effort_defaults AS m ON m.source = d.source
GROUP BY d.source
ORDER BY effort DESC;
