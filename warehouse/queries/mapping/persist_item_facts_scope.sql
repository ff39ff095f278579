-- persist_item_facts.sql for an incremental map: the rows it kept of its scope's live items are
-- found in stored_near (inherit_outside.sql, with their row ids and facts) rather than by joining
-- every stored row; the rows persist_goals.sql deleted are not among them.
UPDATE core.work_item_goals AS g
SET item_source = i.source,
    item_estimate = i.estimate,
    item_completed_at = i.completed_at,
    item_dropped = marts.is_dropped(i.status_category, i.completed_at),
    item_team = i.team,
    item_created_at = i.created_at
FROM stored_near AS s
JOIN mapping_items AS i ON i.item_id = s.item_id
ANTI JOIN mapping_row_changes AS c ON c.old_r = s.old_r
WHERE g.rowid = s.old_r
  AND coalesce(i.synced_at >= (SELECT max(watermark) FROM meta.mapping_state), true)
  AND (s.item_source IS DISTINCT FROM i.source
       OR s.item_estimate IS DISTINCT FROM i.estimate
       OR s.item_completed_at IS DISTINCT FROM i.completed_at
       OR s.item_dropped IS DISTINCT FROM marts.is_dropped(i.status_category, i.completed_at)
       OR s.item_team IS DISTINCT FROM i.team
       OR s.item_created_at IS DISTINCT FROM i.created_at);
