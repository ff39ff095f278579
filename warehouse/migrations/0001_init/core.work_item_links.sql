-- Links between items: parent, epic, subtask, and cross-source mentions. Key: (from_item_id, to_item_id, link_type).
CREATE TABLE core.work_item_links (
    from_item_id VARCHAR NOT NULL,
    to_item_id   VARCHAR NOT NULL,
    link_type    VARCHAR NOT NULL,   -- parent, epic, mentions
    evidence     VARCHAR
);
