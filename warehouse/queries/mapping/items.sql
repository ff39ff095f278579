-- What mapping sees: every live item (deleted items are not mapped). A view, not a copy: each
-- step reads only the columns it needs, straight from core.work_items. `n` (the row id) is the
-- integer the engine joins on; item ids come back once, for the result (result.sql).
-- mapping_items are the items being mapped (an incremental map narrows it to its scope:
-- scope_items.sql); mapping_all_items every live item, for looking up the ones they point at.
CREATE OR REPLACE TEMP VIEW mapping_all_items AS
SELECT rowid AS n, item_id, source, instance, key, container, team, item_type, status_category, milestone,
       assignee, title, description, custom, goal_refs, labels, components, parent_id, epic_id,
       estimate, created_at, completed_at, synced_at
FROM core.work_items
WHERE NOT is_deleted;

CREATE OR REPLACE TEMP VIEW mapping_items AS SELECT * FROM mapping_all_items;
