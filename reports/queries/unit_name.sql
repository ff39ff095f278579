-- The name of one unit of effort, as configured (threadline.yaml `effort.unit`).
SELECT coalesce((SELECT any_value(unit) FROM meta.effort_defaults), 'points') AS unit;
