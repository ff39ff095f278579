-- Payloads that could not be normalised, with the reason. Key: (source, instance, native_id).
-- A row leaves this table when a later sync loads the same record cleanly.
CREATE TABLE meta.rejected_records (
    source      VARCHAR NOT NULL,
    instance    VARCHAR NOT NULL,
    container   VARCHAR NOT NULL,
    native_id   VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    payload     JSON,
    run_id      VARCHAR NOT NULL,
    rejected_at TIMESTAMPTZ NOT NULL
);
