-- Metric 4, goal health: the one definition the report, Dagster and the daily snapshot read.
-- Judged as of window_end (NULL: now), with funding measured over [window_start, window_end).
--
-- pace:   progress (marts.goal_progress) against elapsed, the share of the goal's period gone
--         by: on_track within 10 points, at_risk within 25, else off_track; no_period if the
--         goal has no start and end.
-- starved: no completed linked work below the goal in the last starved_days
--         (meta.metric_settings, from report.starved_days), judged only while the goal's period
--         covers the day: a programme that ended (or has not begun) is not starved, and the
--         `starved` column, the report's count and the history say so alike.
-- under-funded: the goal's share of aligned effort in the window (marts.effort_allocation_between)
--         is below underfunded_below (default half) of its target_share.
-- health: no_work (nothing linked), done (progress 100%), else the pace lowered one step
--         (on_track / no_period -> at_risk -> off_track) for each of starved and under-funded.
--         Starvation and funding are judged only while the goal's period covers the day.
--         So a starved or badly under-funded goal is never on_track. health_reason says why.
-- rows: what goal_figures counts (marts.item_effort; the daily snapshot: marts.snapshot_effort).
CREATE OR REPLACE MACRO marts.goal_health_between(window_start, window_end, rows := 'marts.item_effort') AS TABLE
WITH settings AS (
    SELECT starved_days, underfunded_below, coalesce(CAST(window_end AS TIMESTAMPTZ), now()) AS as_of
    FROM meta.metric_settings LIMIT 1
),
-- progress, allocation over the window and the newest completion as of the day: marts.goal_figures
-- (one pass over the items; goal_progress and effort_allocation_between read the same columns)
judged AS (
    SELECT
        f.goal_id, f.parent_id, f.level, f.title, f.owner, f.team, f.period_start, f.period_end, f.weight,
        f.target_share, f.linked_effort, f.done_effort, f.progress,
        f.share, f.effort AS aligned_effort, f.pillar_id, f.depth AS goal_depth,
        -- the as-of newest completion (goal_progress's last_completed_at is of all time, without dropped work)
        f.last_done_at AS last_completed_at,
        s.starved_days, s.underfunded_below,
        CASE WHEN f.period_start IS NOT NULL AND f.period_end IS NOT NULL AND f.period_end > f.period_start
             THEN greatest(0.0, least(1.0, (CAST(s.as_of AS DATE) - f.period_start) / (f.period_end - f.period_start)::DOUBLE))
        END AS elapsed,
        date_diff('day', CAST(f.last_done_at AS DATE), CAST(s.as_of AS DATE)) AS days_since_completed,
        -- in whole days, as days_since_completed counts them and health_reason says them: work
        -- done 21 days ago is within a 21-day limit, whatever the hour
        (f.last_done_at IS NULL
            OR date_diff('day', CAST(f.last_done_at AS DATE), CAST(s.as_of AS DATE)) > s.starved_days) AS starved,
        (f.period_start IS NULL OR CAST(s.as_of AS DATE) >= f.period_start)
            AND (f.period_end IS NULL OR CAST(s.as_of AS DATE) <= f.period_end) AS active
    FROM marts.goal_figures(window_start, window_end, coalesce(CAST(window_end AS TIMESTAMPTZ), now()), rows := rows) AS f
    CROSS JOIN settings AS s
    WHERE f.in_tree
),
flagged AS (
    SELECT *,
        CASE
            WHEN linked_effort = 0 THEN 'no_work'
            -- compared at 9 decimals: a roll-up of ten 10% shares sums to 0.9999999999999999, and
            -- 0.4 - 0.10 is 0.30000000000000004 in floating point; "within 10 points" includes 10
            WHEN round(progress, 9) >= 1 THEN 'done'
            WHEN elapsed IS NULL THEN 'no_period'
            WHEN round(elapsed - progress, 9) <= 0.10 THEN 'on_track'
            WHEN round(elapsed - progress, 9) <= 0.25 THEN 'at_risk'
            ELSE 'off_track'
        END AS pace,
        coalesce(active AND starved, false) AS starved_now,
        coalesce(active AND target_share > 0 AND round(share - underfunded_below * target_share, 9) < 0, false) AS underfunded
    FROM judged
),
ranked AS (
    SELECT *,
        least(2, CASE pace WHEN 'at_risk' THEN 1 WHEN 'off_track' THEN 2 ELSE 0 END
                 + CAST(starved_now AS INTEGER) + CAST(underfunded AS INTEGER)) AS risk
    FROM flagged
)
SELECT
    goal_id, parent_id, level, title, owner, team, period_start, period_end, weight,
    pillar_id, goal_depth,
    linked_effort, done_effort, progress, elapsed,
    aligned_effort, share, target_share, share / nullif(target_share, 0) AS funded_ratio, underfunded,
    last_completed_at, days_since_completed, starved_now AS starved,
    CASE
        WHEN pace IN ('no_work', 'done') THEN pace
        WHEN risk = 0 THEN pace
        WHEN risk = 1 THEN 'at_risk'
        ELSE 'off_track'
    END AS health,
    CASE
        WHEN pace = 'no_work' THEN 'no work linked'
        WHEN pace = 'done' THEN 'all linked work done'
        -- percentages rounded as by hand, halves up (62.5% is 63%; printf alone rounds half to even)
        ELSE concat_ws('; ',
            CASE WHEN pace = 'no_period' THEN 'no period to pace against'
                 ELSE printf('progress %.0f%% with %.0f%% of the period gone', round(round(100 * progress, 9)), round(round(100 * elapsed, 9))) END,
            CASE WHEN starved_now AND last_completed_at IS NULL THEN 'starved: nothing completed yet'
                 WHEN starved_now THEN printf('starved: nothing completed in %d days (limit %d)', days_since_completed, starved_days) END,
            CASE WHEN underfunded THEN printf('under-funded: %.0f%% of aligned effort against a %.0f%% target',
                                              round(round(100 * share, 9)), round(round(100 * target_share, 9))) END)
    END AS health_reason
FROM ranked;

-- Health now, funding over the last window_weeks (meta.metric_settings): the view, over the live
-- items; the daily snapshot calls the macro with rows := 'marts.snapshot_effort'.
CREATE OR REPLACE MACRO marts.goal_health_recent(rows := 'marts.item_effort') AS TABLE
SELECT * FROM marts.goal_health_between(
    now() - to_weeks((SELECT window_weeks FROM meta.metric_settings LIMIT 1)), now(), rows := rows);

CREATE OR REPLACE VIEW marts.goal_health AS
SELECT * FROM marts.goal_health_recent();
