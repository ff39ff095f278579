-- What the stored mapping (core.work_item_goals) was computed from, so the next `map` can
-- recompute only what changed since (warehouse/incremental.py). One row, replaced by every
-- mapping in its transaction.
CREATE TABLE meta.mapping_state (
    fingerprint   VARCHAR NOT NULL,    -- goals, rules, overrides and mapping code it used
    watermark     TIMESTAMPTZ,         -- newest synced_at / deleted_at of core.work_items it saw
    loop_broken   BOOLEAN NOT NULL,    -- some item was decided by breaking an inheritance loop
    aligned_effort DOUBLE,             -- aligned effort after it (for the guard), when known
    goal_rows     BIGINT NOT NULL,     -- rows of core.work_item_goals after it (a table emptied since: full map)
    mapped_at     TIMESTAMPTZ NOT NULL,
    full_map      BOOLEAN NOT NULL     -- whether it recomputed every item
);
