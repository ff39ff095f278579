-- One row per applied migration. Key: version.
CREATE TABLE IF NOT EXISTS meta.schema_version (
    version    INTEGER NOT NULL,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
);
