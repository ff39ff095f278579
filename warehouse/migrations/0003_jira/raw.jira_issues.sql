-- Jira issue payloads (REST v3, only the fields a sync asks for) as fetched. Key: item_id.
CREATE TABLE raw.jira_issues (
    item_id    VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    container  VARCHAR NOT NULL,
    native_id  VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    payload    JSON NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR NOT NULL
);
