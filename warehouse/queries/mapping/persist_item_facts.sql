-- Rows a mapping kept as they were (their goals unchanged) still carry their item's facts as of
-- this mapping: those of the items mapped (mapping_items: every live item, or an incremental
-- map's scope; no other item changed since the last mapping) are brought up to date where they
-- differ. Rows written by this mapping have them already (persist_goals_insert.sql).
-- Every mapping leaves every row's facts current as of its watermark (meta.mapping_state, still
-- the last mapping's here), so only items stamped since need looking at: a full map after a
-- rules change does not join a million items again. No state (a first mapping, or one after
-- migration 0016 or 0018): all of them.
UPDATE core.work_item_goals AS g
SET item_source = i.source,
    item_estimate = i.estimate,
    item_completed_at = i.completed_at,
    item_dropped = marts.is_dropped(i.status_category, i.completed_at),
    item_team = i.team,
    item_created_at = i.created_at
FROM mapping_items AS i
WHERE g.item_id = i.item_id
  AND coalesce(i.synced_at >= (SELECT max(watermark) FROM meta.mapping_state), true)
  AND (g.item_source IS DISTINCT FROM i.source
       OR g.item_estimate IS DISTINCT FROM i.estimate
       OR g.item_completed_at IS DISTINCT FROM i.completed_at
       OR g.item_dropped IS DISTINCT FROM marts.is_dropped(i.status_category, i.completed_at)
       OR g.item_team IS DISTINCT FROM i.team
       OR g.item_created_at IS DISTINCT FROM i.created_at);
