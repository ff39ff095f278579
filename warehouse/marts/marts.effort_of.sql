-- The effort of one item, defined once (marts.item_effort and `rules diff` call it), from its
-- estimate and its source's row of meta.effort_defaults (all NULL when the source has none):
-- estimate x estimate_rate (rate NULL = estimates ignored, every item counts its default),
-- else the source's default effort, else 1.
CREATE OR REPLACE MACRO marts.effort_of(estimate, has_defaults, estimate_rate, default_effort) AS
    coalesce(estimate * CASE WHEN has_defaults THEN estimate_rate ELSE 1.0 END, default_effort, 1.0);
