-- What effort means for one source: the effort of an item without an estimate, how many units
-- one estimate is worth, and the names of both units (marts.item_effort, report labels).
INSERT INTO meta.effort_defaults (source, default_effort, estimate_rate, estimate_unit, unit)
VALUES ($source, $default_effort, $estimate_rate, $estimate_unit, $unit);
