-- The upstream edges of the items mapped (meta.mapping_upstream, for the next incremental map's
-- scope): replaced for every item ($scoped: for the scope's items only).
DELETE FROM meta.mapping_upstream
WHERE NOT $scoped OR item_id IN (SELECT item_id FROM mapping_scope_ids);

INSERT INTO meta.mapping_upstream
SELECT DISTINCT i.item_id, u.up_item_id
FROM mapping_upstream AS u
JOIN mapping_items AS i ON i.n = u.n;
