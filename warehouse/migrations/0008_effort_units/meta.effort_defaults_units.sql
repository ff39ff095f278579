-- What effort means per source (threadline.yaml `effort:`), so no report adds unlike units
-- silently: how many units one estimate is worth (NULL: estimates are ignored and every item
-- counts its default), what the source's estimate counts, and the unit's name in reports.
ALTER TABLE meta.effort_defaults ADD COLUMN estimate_rate DOUBLE DEFAULT 1.0;
ALTER TABLE meta.effort_defaults ADD COLUMN estimate_unit VARCHAR DEFAULT 'estimate';
ALTER TABLE meta.effort_defaults ADD COLUMN unit VARCHAR DEFAULT 'points';
