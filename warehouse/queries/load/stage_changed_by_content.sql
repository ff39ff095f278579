-- stage_changed.sql for a batch compared by content (load.Batch.compare_content): a row held at
-- the same updated_at is written when any column differs (a task moved to another section or
-- project keeps Asana's modified_at), and skipped when none does, so re-reading an unchanged
-- boundary page still writes nothing. custom is compared as the JSON text the loader stores.
CREATE OR REPLACE TEMP TABLE changed_items AS
SELECT b.item_id, w.item_id IS NOT NULL AS stored
FROM batch_items AS b
LEFT JOIN core.work_items AS w USING (item_id)
WHERE w.item_id IS NULL
   OR w.updated_at <> b.updated_at
   OR w.is_deleted
   OR (b.source, b.instance, b.native_id, b.key, b.url, b.title, b.description, b.item_type,
       b.status, b.status_category, b.container, b.team, b.labels, b.components, b.parent_id,
       b.epic_id, b.milestone, b.assignee, b.estimate, b.created_at, b.completed_at, b.custom,
       b.goal_refs)
      IS DISTINCT FROM
      (w.source, w.instance, w.native_id, w.key, w.url, w.title, w.description, w.item_type,
       w.status, w.status_category, w.container, w.team, w.labels, w.components, w.parent_id,
       w.epic_id, w.milestone, w.assignee, w.estimate, w.created_at, w.completed_at,
       CAST(w.custom AS VARCHAR), w.goal_refs);

-- How many rows to write, and how many of them replace stored ones (none: nothing to delete).
SELECT count(*) AS written, count(*) FILTER (WHERE stored) AS stored FROM changed_items;
