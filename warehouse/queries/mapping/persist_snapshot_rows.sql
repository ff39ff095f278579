-- meta.snapshot_rows: the mapping's rows with their items' facts, for the daily snapshot
-- (migrations/0016_snapshot_rows). Replaced for every item ($scoped: for the scope's items only,
-- deleted ones included; every other item is unchanged since the last mapping, facts and rows).
-- The facts come from the item's row by its row number (goal_rows.n), not by joining item ids.
DELETE FROM meta.snapshot_rows
WHERE NOT $scoped OR item_id IN (SELECT item_id FROM mapping_scope_ids);

INSERT INTO meta.snapshot_rows
SELECT w.item_id, g.goal_id, g.weight, w.source, w.estimate, w.completed_at,
       marts.is_dropped(w.status_category, w.completed_at)
FROM goal_rows AS g
JOIN core.work_items AS w ON w.rowid = g.n;
