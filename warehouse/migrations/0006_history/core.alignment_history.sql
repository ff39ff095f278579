-- A dated snapshot of the whole mapping, taken by each mapping run (the last run of a day
-- wins): how many live items, how they were linked, and the alignment of the last 28 days.
-- Key: snapshot_date.
CREATE TABLE core.alignment_history (
    snapshot_date          DATE NOT NULL,
    live_items             INTEGER NOT NULL,
    aligned_items          INTEGER NOT NULL,
    items_by_method        JSON NOT NULL,
    completed_effort_28d   DOUBLE,
    aligned_effort_28d     DOUBLE,
    taken_at               TIMESTAMPTZ NOT NULL
);
