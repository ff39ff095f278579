-- Replace today's snapshot (so re-mapping during the day keeps the latest picture).
DELETE FROM core.goal_history WHERE snapshot_date = CAST($taken_at AS DATE);

INSERT INTO core.goal_history BY NAME
SELECT CAST($taken_at AS DATE) AS snapshot_date, goal_id, linked_effort, done_effort, progress, elapsed,
       health, health_reason, starved, CAST($taken_at AS TIMESTAMPTZ) AS taken_at
FROM marts.goal_health;

DELETE FROM core.alignment_history WHERE snapshot_date = CAST($taken_at AS DATE);

INSERT INTO core.alignment_history
-- An item is aligned when it is linked to a goal active on the day it was completed (the day of
-- the snapshot, if open), as marts.item_effort.goal_active says; work on a programme that ended
-- is linked, not aligned. Counted without grouping a million rows by item: an item's rows share
-- one method and their weights sum to 1 (so a method's weights add up to its items, and a row
-- of weight 1 is its item's only row), and only rows of goals with a period need the item's
-- completion day.
WITH linked AS (
    SELECT m.item_id, m.method, m.weight, m.goal_id, g.period_start, g.period_end
    FROM core.work_item_goals AS m
    LEFT JOIN core.goals AS g ON g.goal_id = m.goal_id
),
active AS (
    SELECT item_id, weight FROM linked
    WHERE goal_id IS NOT NULL AND period_start IS NULL AND period_end IS NULL
    UNION ALL
    SELECT l.item_id, l.weight
    FROM linked AS l
    JOIN core.work_items AS w USING (item_id)
    WHERE l.goal_id IS NOT NULL AND (l.period_start IS NOT NULL OR l.period_end IS NOT NULL)
      AND (l.period_start IS NULL OR CAST(coalesce(w.completed_at, CAST($taken_at AS TIMESTAMPTZ)) AS DATE) >= l.period_start)
      AND (l.period_end IS NULL OR CAST(coalesce(w.completed_at, CAST($taken_at AS TIMESTAMPTZ)) AS DATE) <= l.period_end)
),
methods AS (SELECT method, CAST(round(sum(weight)) AS BIGINT) AS n FROM linked GROUP BY method),
recent AS (
    SELECT sum(linked_effort) AS completed, sum(linked_effort) FILTER (WHERE goal_active) AS aligned
    FROM marts.item_effort
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
