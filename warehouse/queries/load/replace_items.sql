-- Replace-by-key, first half: the stored versions of changed items go (write_items.sql inserts
-- the new ones in the same transaction, see load.py). Skipped when every changed item is new.
DELETE FROM core.work_items WHERE item_id IN (SELECT item_id FROM changed_items WHERE stored);

DELETE FROM {raw_table} WHERE item_id IN (SELECT item_id FROM changed_items WHERE stored);
