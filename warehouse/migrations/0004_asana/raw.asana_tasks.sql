-- Asana task and subtask payloads as fetched (the opt_fields the connector asks for). Key: item_id.
CREATE TABLE raw.asana_tasks (
    item_id    VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    container  VARCHAR NOT NULL,
    native_id  VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    payload    JSON NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR NOT NULL
);
