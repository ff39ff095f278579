-- The scope grows from the changed items (mapping_changed) downstream, in two steps:
--   1. items pointing at a changed item: live items whose parent or epic it is (a changed key
--      changes `epic:` / `parent:` conditions; a changed item may change what they inherit),
--      items with a stored 'mentions' link to it, and items whose texts name its key
--      (meta.mapping_mentions: a new or re-keyed item is named by texts that linked to nothing);
--   2. then, repeatedly, items that inherited through an item in scope (meta.mapping_upstream:
--      the upstream items of every item that had no decision of its own). An item with its own
--      decision and no change of its own keeps it, whatever its parent does.
-- Each way in is its own semi join: a join on one column lets DuckDB filter the scan by the
-- changed ids (a Bloom filter), so only the few matching rows of the million fetch their item_id.
CREATE OR REPLACE TEMP TABLE scope_frontier AS
WITH pointing AS (
    SELECT w.item_id
    FROM core.work_items AS w SEMI JOIN mapping_changed AS c ON c.item_id = w.parent_id
    WHERE NOT w.is_deleted
    UNION ALL
    SELECT w.item_id
    FROM core.work_items AS w SEMI JOIN mapping_changed AS c ON c.item_id = w.epic_id
    WHERE NOT w.is_deleted
    UNION ALL
    SELECT l.from_item_id
    FROM core.work_item_links AS l SEMI JOIN mapping_changed AS c ON c.item_id = l.to_item_id
    WHERE l.link_type = 'mentions'
    UNION ALL
    SELECT m.item_id
    FROM meta.mapping_mentions AS m SEMI JOIN mapping_changed AS c ON c.key = m.target_key
)
SELECT DISTINCT p.item_id FROM pointing AS p ANTI JOIN mapping_scope_ids AS s ON s.item_id = p.item_id;
