-- Effort of every live item, as the marts count it (one definition, marts.effort_of), with the
-- configuration's defaults and rates ($sources / $defaults / $rates).
CREATE OR REPLACE TEMP TABLE diff_effort AS
WITH defaults AS (
    SELECT unnest(CAST($sources AS VARCHAR[])) AS source, unnest(CAST($defaults AS DOUBLE[])) AS default_effort,
           unnest(CAST($rates AS DOUBLE[])) AS estimate_rate
)
SELECT w.item_id, marts.effort_of(w.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) AS effort
FROM core.work_items AS w
LEFT JOIN defaults AS d ON d.source = w.source
WHERE NOT w.is_deleted;
