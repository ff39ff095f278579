-- The effort of every live item as the marts would count it (marts.effort_of) under the
-- configuration's defaults and rates, before they are written to meta.effort_defaults: parallel
-- lists, one entry per source kind (source_kinds / default_efforts / estimate_rates). `map`'s
-- unalign guard and `rules diff` read it.
-- marts.configured_defaults: those lists as rows, shaped as meta.effort_defaults (unalign_loss.sql
-- joins them to the items it maps only).
CREATE OR REPLACE MACRO marts.configured_defaults(source_kinds, default_efforts, estimate_rates) AS TABLE
SELECT unnest(CAST(source_kinds AS VARCHAR[])) AS source,
       unnest(CAST(default_efforts AS DOUBLE[])) AS default_effort,
       unnest(CAST(estimate_rates AS DOUBLE[])) AS estimate_rate;

CREATE OR REPLACE MACRO marts.configured_effort(source_kinds, default_efforts, estimate_rates) AS TABLE
SELECT w.item_id, marts.effort_of(w.estimate, d.source IS NOT NULL, d.estimate_rate, d.default_effort) AS effort
FROM core.work_items AS w
LEFT JOIN marts.configured_defaults(source_kinds, default_efforts, estimate_rates) AS d ON d.source = w.source
WHERE NOT w.is_deleted;
