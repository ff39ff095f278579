-- Two facts of an item and its goal row, defined once: marts.item_effort reads them from the
-- live items, marts.snapshot_effort from the rows the last mapping kept (meta.snapshot_rows).
-- dropped: closed without being done (GitHub not_planned/duplicate, a PR closed unmerged).
CREATE OR REPLACE MACRO marts.is_dropped(status_category, completed_at) AS
    status_category = 'done' AND completed_at IS NULL;

-- goal_active: the row has a goal and the goal's period contains the day the item was completed
-- (or today, if open).
CREATE OR REPLACE MACRO marts.goal_active(goal_id, completed_at, period_start, period_end) AS
    goal_id IS NOT NULL
    AND (period_start IS NULL OR CAST(coalesce(completed_at, current_date) AS DATE) >= period_start)
    AND (period_end IS NULL OR CAST(coalesce(completed_at, current_date) AS DATE) <= period_end);
