-- Effort of every live item, as the marts count it (one definition, marts.effort_of), with the
-- configuration's defaults and rates ($sources / $defaults / $rates).
CREATE OR REPLACE TEMP TABLE diff_effort AS
SELECT item_id, effort FROM marts.configured_effort($sources, $defaults, $rates);
