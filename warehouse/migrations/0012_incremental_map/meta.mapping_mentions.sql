-- Every key an item's title, branch or description names (the linker's candidates, resolved
-- or not), so that when an item with that key appears, changes or goes, the incremental map
-- finds the items that name it without searching every text again. Key: (item_id, target_key).
CREATE TABLE meta.mapping_mentions (
    item_id    VARCHAR NOT NULL,
    target_key VARCHAR NOT NULL
);
