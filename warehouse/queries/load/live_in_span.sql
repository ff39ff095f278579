-- The live items whose updated_at lies in a batch's span (at most $most of them): those the
-- batch may hold unchanged (load.live_versions matches them to the batch). A listing in update
-- order spans a row group or two, which the scan reads alone.
SELECT item_id, updated_at
FROM core.work_items
WHERE NOT is_deleted AND updated_at BETWEEN $earliest AND $latest
LIMIT $most;
