-- Asana task and subtask payloads: the payload column compressed by ZSTD, as raw.github_issues.sql says why.
CREATE TABLE raw.asana_tasks_zstd (
    item_id    VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    container  VARCHAR NOT NULL,
    native_id  VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    payload    JSON USING COMPRESSION zstd NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR NOT NULL
);

INSERT INTO raw.asana_tasks_zstd SELECT * FROM raw.asana_tasks;

DROP TABLE raw.asana_tasks;

ALTER TABLE raw.asana_tasks_zstd RENAME TO asana_tasks;
