-- A full map has no scope: every item is mapped (the tables exist for the statements that read them).
CREATE OR REPLACE TEMP TABLE mapping_scope_ids (item_id VARCHAR);
