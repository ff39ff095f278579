-- The stored rows an incremental map replaces: those of its scope (mapping_scope_ids, deleted
-- items included, so their rows go); every other row stands as it is.
-- Goal rows: from stored_near (inherit_outside.sql), which holds them with their row ids.
CREATE OR REPLACE TEMP VIEW stored_goal_rows AS
SELECT g.* FROM stored_near AS g SEMI JOIN mapping_scope_ids AS s ON s.item_id = g.item_id;

CREATE OR REPLACE TEMP VIEW stored_link_rows AS
SELECT l.rowid AS r, l.*
FROM core.work_item_links AS l SEMI JOIN mapping_scope_ids AS s ON s.item_id = l.from_item_id
WHERE l.link_type = 'mentions';
