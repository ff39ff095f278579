-- The scope grows from the changed items (mapping_changed) downstream, in two steps:
--   1. items pointing at a changed item: live items whose parent or epic it is (a changed key
--      changes `epic:` / `parent:` conditions; a changed item may change what they inherit),
--      items with a stored 'mentions' link to it, and items whose texts name its key
--      (meta.mapping_mentions: a new or re-keyed item is named by texts that linked to nothing);
--   2. then, repeatedly, items that inherited through an item in scope (meta.mapping_upstream:
--      the upstream items of every item that had no decision of its own). An item with its own
--      decision and no change of its own keeps it, whatever its parent does.
CREATE OR REPLACE TEMP TABLE scope_frontier AS
WITH pointing AS (
    SELECT w.item_id
    FROM core.work_items AS w
    WHERE NOT w.is_deleted
      AND (w.parent_id IN (SELECT item_id FROM mapping_changed) OR w.epic_id IN (SELECT item_id FROM mapping_changed))
    UNION
    SELECT l.from_item_id
    FROM core.work_item_links AS l
    WHERE l.link_type = 'mentions' AND l.to_item_id IN (SELECT item_id FROM mapping_changed)
    UNION
    SELECT m.item_id
    FROM meta.mapping_mentions AS m
    WHERE m.target_key IN (SELECT key FROM mapping_changed)
)
SELECT p.item_id FROM pointing AS p ANTI JOIN mapping_scope_ids AS s ON s.item_id = p.item_id;
