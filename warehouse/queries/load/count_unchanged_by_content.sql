-- count_unchanged.sql for a batch compared by content (load.Batch.compare_content: the source
-- changes items without moving updated_at): an item counts as unchanged only when every column
-- of its stored row equals the batch's, so a re-read unchanged page still writes nothing and
-- skips the whole-table statement, while a task moved to another section or project is written.
SELECT count(*)  -- batch_items holds one row per item (load._newest)
FROM batch_items AS b
JOIN core.work_items AS w ON w.item_id = b.item_id AND w.updated_at = b.updated_at
WHERE NOT w.is_deleted
  AND (b.source, b.instance, b.native_id, b.key, b.url, b.title, b.description, b.item_type,
       b.status, b.status_category, b.container, b.team, b.labels, b.components, b.parent_id,
       b.epic_id, b.milestone, b.assignee, b.estimate, b.created_at, b.completed_at, b.custom,
       b.goal_refs)
      IS NOT DISTINCT FROM
      (w.source, w.instance, w.native_id, w.key, w.url, w.title, w.description, w.item_type,
       w.status, w.status_category, w.container, w.team, w.labels, w.components, w.parent_id,
       w.epic_id, w.milestone, w.assignee, w.estimate, w.created_at, w.completed_at,
       CAST(w.custom AS VARCHAR), w.goal_refs);
