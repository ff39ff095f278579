-- Effort of an item without an estimate, per source (DESIGN §5: "else 1, configurable per
-- source"). Written from threadline.yaml by every mapping run. Key: source.
CREATE TABLE meta.effort_defaults (
    source         VARCHAR NOT NULL,
    default_effort DOUBLE NOT NULL
);
