-- The items written or marked deleted since the last mapping ($watermark: the newest
-- synced_at / deleted_at it saw; marts.items_changed_since says how they are found). The scope
-- starts as them and grows downstream (scope_next.sql). Deleted items stay in: their rows must go.
CREATE OR REPLACE TEMP TABLE mapping_changed AS
SELECT item_id, key FROM marts.items_changed_since(CAST($watermark AS TIMESTAMPTZ));

CREATE OR REPLACE TEMP TABLE mapping_scope_ids AS
SELECT DISTINCT item_id FROM mapping_changed;
