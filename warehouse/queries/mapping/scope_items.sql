-- An incremental map computes the scope's live items only (mapping_scope_ids, from
-- scope_next.sql): mapping_items becomes a small table of them, with the row numbers of the
-- warehouse. Lookups of other items (the upstream items inherited from, the items a text names)
-- still read every live item (mapping_all_items).
DROP VIEW IF EXISTS mapping_items;

CREATE OR REPLACE TEMP TABLE mapping_items AS
SELECT i.* FROM mapping_all_items AS i SEMI JOIN mapping_scope_ids AS s ON s.item_id = i.item_id;
