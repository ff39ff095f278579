-- For every item that had no goal decision of its own (it inherited, or its upstream items were
-- unaligned), the items it looked at to inherit from (parent, epic, Jira items it names): an
-- incremental map follows these edges down from what changed. Key: (item_id, up_item_id).
CREATE TABLE meta.mapping_upstream (
    item_id    VARCHAR NOT NULL,
    up_item_id VARCHAR NOT NULL
);
