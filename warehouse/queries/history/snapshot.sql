-- Replace today's snapshot (so re-mapping during the day keeps the latest picture).
-- Counted from core.work_item_goals alone (the mapping just written, with its items' facts as
-- of it; through marts.snapshot_effort): the same figures marts.goal_health and marts.item_effort
-- give right after a mapping, without joining a million items with their goal rows in every `map`.
DELETE FROM core.goal_history WHERE snapshot_date = CAST($taken_at AS DATE);

INSERT INTO core.goal_history BY NAME
SELECT CAST($taken_at AS DATE) AS snapshot_date, goal_id, linked_effort, done_effort, progress, elapsed,
       health, health_reason, starved, CAST($taken_at AS TIMESTAMPTZ) AS taken_at
-- marts.goal_health (its window: the last window_weeks), over the snapshot's rows
FROM marts.goal_health_recent(rows := 'marts.snapshot_effort');

DELETE FROM core.alignment_history WHERE snapshot_date = CAST($taken_at AS DATE);

INSERT INTO core.alignment_history
-- An item is aligned when it is linked to a goal active on the day it was completed (the day of
-- the snapshot, if open), as marts.item_effort.goal_active says; work on a programme that ended
-- is linked, not aligned. Counted without grouping a million rows by item: an item's rows share
-- one method and their weights sum to 1 (so a method's weights add up to its items, and a row
-- of weight 1 is its item's only row).
WITH active AS (
    SELECT m.item_id, m.weight
    FROM core.work_item_goals AS m
    LEFT JOIN marts.goal_periods AS g ON g.goal_id = m.goal_id
    WHERE marts.goal_active(m.goal_id, m.item_completed_at, g.active_from, g.active_until,
                            open_at := CAST($taken_at AS TIMESTAMPTZ))
),
methods AS (SELECT method, CAST(round(sum(weight)) AS BIGINT) AS n FROM core.work_item_goals GROUP BY method),
recent AS (
    SELECT sum(linked_effort) AS completed, sum(linked_effort) FILTER (WHERE goal_active) AS aligned
    FROM marts.snapshot_effort
    WHERE completed_at >= CAST($taken_at AS TIMESTAMPTZ) - INTERVAL 28 DAY AND completed_at < CAST($taken_at AS TIMESTAMPTZ)
)
SELECT CAST($taken_at AS DATE),
       (SELECT coalesce(sum(n), 0) FROM methods),
       -- the distinct count only over split rows: DISTINCT with a FILTER groups every row
       (SELECT count(*) FROM active WHERE weight = 1) + (SELECT count(DISTINCT item_id) FROM active WHERE weight < 1),
       coalesce((SELECT CAST(json_group_object(method, n) AS JSON) FROM methods), CAST('{}' AS JSON)),
       (SELECT completed FROM recent),
       (SELECT aligned FROM recent),
       CAST($taken_at AS TIMESTAMPTZ);
