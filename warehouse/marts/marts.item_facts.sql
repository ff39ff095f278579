-- Facts of an item and its goal row, defined once: marts.item_effort reads them from the live
-- items, marts.snapshot_effort from the facts core.work_item_goals keeps as of the last mapping.
-- dropped: closed without being done (GitHub not_planned/duplicate, a PR closed unmerged).
CREATE OR REPLACE MACRO marts.is_dropped(status_category, completed_at) AS
    status_category = 'done' AND completed_at IS NULL;

-- Each goal's period as instants (session time zone): the midnight its first day starts and the
-- one after its last day. A day is in the period exactly when its instants are, and today exactly
-- when now() is, so goal_active compares timestamps instead of casting a million items' to dates
-- (a TIMESTAMPTZ to DATE cast goes through the time zone; DuckDB evaluates both sides of an OR).
-- Columns qualified: table macros with a period_start parameter read views that read this one.
CREATE OR REPLACE VIEW marts.goal_periods AS
SELECT p.goal_id, p.title, p.period_start, p.period_end,
       CAST(p.period_start AS TIMESTAMPTZ) AS active_from,
       CAST(p.period_end + 1 AS TIMESTAMPTZ) AS active_until
FROM core.goals AS p;

-- goal_active: the row has a goal and the goal's period (marts.goal_periods' instants) contains
-- the day the item was completed, or today if it is open (open_at: the moment an open item is
-- judged at; the daily snapshot judges at its own moment).
CREATE OR REPLACE MACRO marts.goal_active(goal_id, completed_at, active_from, active_until, open_at := now()) AS
    goal_id IS NOT NULL
    AND (active_from IS NULL OR coalesce(completed_at, open_at) >= active_from)
    AND (active_until IS NULL OR coalesce(completed_at, open_at) < active_until);
