-- The thresholds the marts judge goals by, from the `report:` section of threadline.yaml, so
-- the health view (read by the report, Dagster and the daily snapshot) has one definition and
-- no hard-coded numbers. One row, replaced by every mapping and report run.
CREATE TABLE meta.metric_settings (
    starved_days     INTEGER NOT NULL, -- no completed linked work for this many days = starved
    underfunded_below DOUBLE NOT NULL, -- share below this fraction of target_share = under-funded
    window_weeks     INTEGER NOT NULL  -- the funding window of marts.goal_health (the report's weeks)
);

INSERT INTO meta.metric_settings VALUES (21, 0.5, 12);
