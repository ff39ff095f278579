-- What the numbers were computed with: effort of an item without an estimate per source, and
-- the health thresholds (both written from threadline.yaml), for the report's method text;
-- and the name of one unit of effort, as configured (`effort.unit`).
SELECT
    coalesce((SELECT any_value(unit) FROM meta.effort_defaults), 'points') AS unit,
    (SELECT starved_days FROM meta.metric_settings LIMIT 1) AS starved_days,
    (SELECT underfunded_below FROM meta.metric_settings LIMIT 1) AS underfunded_below,
    (SELECT coalesce(list(struct_pack(source := source, effort := default_effort, rate := estimate_rate) ORDER BY source), [])
     FROM meta.effort_defaults) AS effort_defaults;
