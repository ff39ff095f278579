-- Item ids of one source stored more than once (core.work_items is keyed by item_id).
SELECT count(*) FROM (
    SELECT item_id FROM core.work_items WHERE source = $source GROUP BY item_id HAVING count(*) > 1
);
