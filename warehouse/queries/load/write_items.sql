-- The new versions of changed items, and their raw payloads (replace_items.sql removed the old).
INSERT INTO core.work_items BY NAME
SELECT b.*, CAST($synced_at AS TIMESTAMPTZ) AS synced_at, $run_id AS run_id, FALSE AS is_deleted, NULL AS deleted_at
FROM batch_items AS b
WHERE b.item_id IN (SELECT item_id FROM changed_items);

INSERT INTO {raw_table} BY NAME
SELECT r.item_id, $instance AS instance, r.container, r.native_id, r.updated_at,
       CAST(r.payload AS JSON) AS payload, CAST($synced_at AS TIMESTAMPTZ) AS fetched_at, $run_id AS run_id
FROM batch_raw AS r
WHERE r.item_id IN (SELECT item_id FROM changed_items);
