-- One row per item of a batch that holds some item more than once: the newest version, and of
-- two with one updated_at the later row (_pos: the row's place in the batch).
SELECT * EXCLUDE (_pos) FROM batch_numbered
QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY updated_at DESC, _pos DESC) = 1;
