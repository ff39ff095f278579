-- The linker's result: one row per 'mentions' link, filled by links_resolve.sql from the keys
-- links.sql finds (mapping_named, once per tool whose keys others name). from_n / to_n are the
-- items' row numbers, for inheritance.
CREATE OR REPLACE TEMP TABLE mapping_named (
    n BIGINT, item_id VARCHAR, place INTEGER, field VARCHAR, target VARCHAR, target_key VARCHAR
);

CREATE OR REPLACE TEMP TABLE mapping_links (
    from_n BIGINT, to_n BIGINT, from_item_id VARCHAR, to_item_id VARCHAR, link_type VARCHAR, evidence VARCHAR
);
