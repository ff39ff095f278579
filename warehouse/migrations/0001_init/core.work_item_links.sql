-- Links between items that are not item fields (parent and epic are core.work_items columns):
-- today the linker's cross-source 'mentions'. Key: (from_item_id, to_item_id, link_type).
CREATE TABLE core.work_item_links (
    from_item_id VARCHAR NOT NULL,
    to_item_id   VARCHAR NOT NULL,
    link_type    VARCHAR NOT NULL,   -- mentions
    evidence     VARCHAR
);
