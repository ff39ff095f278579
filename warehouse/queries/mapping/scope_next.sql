-- One step downstream of the frontier: live items whose parent or epic is in it, items with a
-- stored 'mentions' link to it, and (first step, $first) items whose texts name a changed
-- item's key (meta.mapping_mentions), since a new or re-keyed item is named by texts that
-- linked to nothing before. Items already in scope are not visited again.
CREATE OR REPLACE TEMP TABLE scope_frontier AS
WITH downstream AS (
    SELECT w.item_id
    FROM core.work_items AS w
    WHERE NOT w.is_deleted
      AND (w.parent_id IN (SELECT item_id FROM scope_frontier) OR w.epic_id IN (SELECT item_id FROM scope_frontier))
    UNION
    SELECT l.from_item_id
    FROM core.work_item_links AS l
    WHERE l.link_type = 'mentions' AND l.to_item_id IN (SELECT item_id FROM scope_frontier)
    UNION
    SELECT m.item_id
    FROM meta.mapping_mentions AS m
    WHERE $first AND m.target_key IN (SELECT key FROM mapping_changed)
)
SELECT d.item_id FROM downstream AS d ANTI JOIN mapping_scope_ids AS s ON s.item_id = d.item_id;

INSERT INTO mapping_scope_ids SELECT item_id FROM scope_frontier;

