-- The linker's result: one row per 'mentions' link, filled by links.sql once per tool whose keys
-- others name. from_n / to_n are the items' row numbers, for inheritance.
CREATE OR REPLACE TEMP TABLE mapping_links (
    from_n BIGINT, to_n BIGINT, from_item_id VARCHAR, to_item_id VARCHAR, link_type VARCHAR, evidence VARCHAR
);
