-- Staged batches already merged into the warehouse (warehouse/staging.py). A batch is loaded and
-- its id recorded here in one transaction, then its file is deleted: a kill between the commit
-- and the delete leaves a file the next merge recognises and deletes without loading it twice.
-- Rows whose file is gone are pruned by the next merge of the stream.
CREATE TABLE meta.merged_batches (
    batch_id  VARCHAR PRIMARY KEY,
    source    VARCHAR NOT NULL,
    instance  VARCHAR NOT NULL,
    container VARCHAR NOT NULL,
    stream    VARCHAR NOT NULL,
    run_id    VARCHAR,
    merged_at TIMESTAMPTZ NOT NULL
);
