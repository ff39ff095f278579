-- A 128-bit fingerprint of each row's content (every column but mapped_at and itself). The
-- mapping compares fingerprints to rewrite only the rows that changed, so a row keeps its
-- mapped_at while it holds. Rows written before this column existed have none and are rewritten
-- once by the next mapping.
ALTER TABLE core.work_item_goals ADD COLUMN fingerprint UHUGEINT;
