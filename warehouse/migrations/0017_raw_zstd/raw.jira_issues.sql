-- Jira issue payloads: the payload column compressed by ZSTD, as raw.github_issues.sql says why.
CREATE TABLE raw.jira_issues_zstd (
    item_id    VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    container  VARCHAR NOT NULL,
    native_id  VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    payload    JSON USING COMPRESSION zstd NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR NOT NULL
);

INSERT INTO raw.jira_issues_zstd SELECT * FROM raw.jira_issues;

DROP TABLE raw.jira_issues;

ALTER TABLE raw.jira_issues_zstd RENAME TO jira_issues;
