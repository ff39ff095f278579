-- The keys each mapped item's texts name (meta.mapping_mentions, for the next incremental map's
-- scope): replaced for every item ($scoped: for the scope's items only).
DELETE FROM meta.mapping_mentions
WHERE NOT $scoped OR item_id IN (SELECT item_id FROM mapping_scope_ids);

INSERT INTO meta.mapping_mentions
SELECT DISTINCT item_id, target_key FROM mapping_named;
