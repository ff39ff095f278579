-- Replace today's snapshot (so re-mapping during the day keeps the latest picture).
DELETE FROM core.goal_history WHERE snapshot_date = CAST($taken_at AS DATE);

INSERT INTO core.goal_history BY NAME
SELECT CAST($taken_at AS DATE) AS snapshot_date, goal_id, linked_effort, done_effort, progress, elapsed,
       health, health_reason, starved, CAST($taken_at AS TIMESTAMPTZ) AS taken_at
FROM marts.goal_health;

DELETE FROM core.alignment_history WHERE snapshot_date = CAST($taken_at AS DATE);

INSERT INTO core.alignment_history
WITH per_item AS (
    SELECT item_id, any_value(method) AS method, bool_or(goal_id IS NOT NULL) AS aligned
    FROM core.work_item_goals GROUP BY item_id
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
