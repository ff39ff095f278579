-- The item rows stamped exactly at the mapping state's watermark, by content hash: a later sync
-- stamped in the same instant (a fixed clock, a coarse one) is told apart from what the mapping
-- saw, without recomputing the whole last batch every time. Usually the last sync's last batch.
CREATE TABLE meta.mapping_watermark_rows (
    item_id  VARCHAR NOT NULL,
    row_hash UBIGINT NOT NULL
);
