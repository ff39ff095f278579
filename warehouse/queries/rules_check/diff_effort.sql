-- Effort of every live item, as the marts count it: the estimate, else the source's default
-- from the configuration ($sources / $defaults), else 1.
CREATE OR REPLACE TEMP TABLE diff_effort AS
WITH defaults AS (
    SELECT unnest(CAST($sources AS VARCHAR[])) AS source, unnest(CAST($defaults AS DOUBLE[])) AS default_effort
)
SELECT w.item_id, coalesce(w.estimate, d.default_effort, 1.0) AS effort
FROM core.work_items AS w
LEFT JOIN defaults AS d ON d.source = w.source
WHERE NOT w.is_deleted;
