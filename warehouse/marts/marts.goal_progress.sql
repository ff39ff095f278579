-- Metric 4, goal progress (its health: marts.goal_health).
-- progress: done effort / linked effort for a goal's own items, leaving out dropped work (closed
--   without being done: GitHub not_planned/duplicate, PRs closed unmerged), which will never be
--   done and would keep a goal below 100% for good; a parent's progress is the
--   weighted mean (goals.yaml `weight`) of its children's progress, its own items counting as
--   one more child of weight 1. Goals with no linked work anywhere below them are left out of
--   their parent's mean.
-- Health (progress against time, starvation, funding) is judged from this in marts.goal_health.
-- Counted in marts.goal_figures (one pass over the items for progress, allocation and health).
CREATE OR REPLACE VIEW marts.goal_progress AS
SELECT
    goal_id, parent_id, level, title, owner, team, period_start, period_end, weight, target_share,
    linked_effort, done_effort, progress, last_completed_at
FROM marts.goal_figures(NULL, NULL, NULL)
WHERE in_tree;
