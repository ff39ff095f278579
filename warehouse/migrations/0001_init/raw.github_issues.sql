-- GitHub issue and pull-request payloads as fetched. Key: item_id.
CREATE TABLE raw.github_issues (
    item_id    VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    container  VARCHAR NOT NULL,
    native_id  VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    payload    JSON NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR NOT NULL
);
