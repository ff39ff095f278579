-- Where each stream resumes. Key: (source, instance, container, stream).
-- Written in the same transaction as the rows it covers.
CREATE TABLE meta.sync_state (
    source     VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    container  VARCHAR NOT NULL,
    stream     VARCHAR NOT NULL,
    cursor     VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
);
