-- GitHub issue and pull-request payloads, as 0001-0004 made them, with the payload column compressed by ZSTD. What DuckDB picks
-- by itself for JSON text of a few KB (dictionary + FSST) is what a sync's checkpoints spent
-- most of their time on; ZSTD writes it in about half the CPU and an eighth of the space (50k
-- GitHub payloads, 115 MB of text: 1.3 -> 0.65 CPU-s, 64 -> 8 MB). A column's compression is
-- set when its table is made (no ALTER for it): the table is made again with the same rows.
CREATE TABLE raw.github_issues_zstd (
    item_id    VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    container  VARCHAR NOT NULL,
    native_id  VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    payload    JSON USING COMPRESSION zstd NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR NOT NULL
);

INSERT INTO raw.github_issues_zstd SELECT * FROM raw.github_issues;

DROP TABLE raw.github_issues;

ALTER TABLE raw.github_issues_zstd RENAME TO github_issues;
