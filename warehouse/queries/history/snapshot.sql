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
-- is linked, not aligned.
WITH per_item AS (
    SELECT m.item_id, any_value(m.method) AS method,
           bool_or(m.goal_id IS NOT NULL
                   AND (g.period_start IS NULL OR CAST(coalesce(w.completed_at, CAST($taken_at AS TIMESTAMPTZ)) AS DATE) >= g.period_start)
                   AND (g.period_end IS NULL OR CAST(coalesce(w.completed_at, CAST($taken_at AS TIMESTAMPTZ)) AS DATE) <= g.period_end)) AS aligned
    FROM core.work_item_goals AS m
    JOIN core.work_items AS w USING (item_id)
    LEFT JOIN core.goals AS g ON g.goal_id = m.goal_id
    GROUP BY m.item_id
),
methods AS (SELECT method, count(*) AS n FROM per_item GROUP BY method),
recent AS (
    SELECT sum(linked_effort) AS completed, sum(linked_effort) FILTER (WHERE goal_active) AS aligned
    FROM marts.item_effort
    WHERE completed_at >= CAST($taken_at AS TIMESTAMPTZ) - INTERVAL 28 DAY AND completed_at < CAST($taken_at AS TIMESTAMPTZ)
)
SELECT CAST($taken_at AS DATE),
       (SELECT count(*) FROM per_item),
       (SELECT count(*) FILTER (WHERE aligned) FROM per_item),
       coalesce((SELECT CAST(json_group_object(method, n) AS JSON) FROM methods), CAST('{}' AS JSON)),
       (SELECT completed FROM recent),
       (SELECT aligned FROM recent),
       CAST($taken_at AS TIMESTAMPTZ);
