-- Live items with no mapping row, and items whose goal weights do not sum to 1.
SELECT
    (SELECT count(*) FROM core.work_items AS w
     WHERE NOT w.is_deleted
       AND NOT EXISTS (SELECT 1 FROM core.work_item_goals AS m WHERE m.item_id = w.item_id)) AS unmapped,
    (SELECT count(*) FROM (
        SELECT item_id FROM core.work_item_goals GROUP BY item_id HAVING abs(sum(weight) - 1) > 1e-9
    )) AS bad_weights;
