-- A synthetic organisation of $n work items, generated inside DuckDB (a million rows in about a
-- second). Deterministic: every choice is a hash of the item number. Items come in blocks of 20:
--   0      Jira epic            1-7  Jira stories (most in the block's epic)   8  Jira subtask of 7
--   9-12   GitHub issues        13-16 GitHub pull requests (many name a Jira key of the block)
--   17-18  Asana tasks          19   Asana subtask of 18
-- Vocabularies ($words, $labels, ...) come from bench/generate.py; skewed picks (u^2) make some
-- values common and most rare, as in real trackers.
CREATE OR REPLACE MACRO bench_u(n, salt) AS (hash(n, salt) % 1000003) / 1000003.0;
CREATE OR REPLACE MACRO bench_skew(size, n, salt) AS CAST(floor(pow(bench_u(n, salt), 2) * size) AS INTEGER) + 1;
CREATE OR REPLACE MACRO bench_pick(vocab, n, salt) AS vocab[bench_skew(len(vocab), n, salt)];
CREATE OR REPLACE MACRO bench_flat(vocab, n, salt) AS vocab[CAST(floor(bench_u(n, salt) * len(vocab)) AS INTEGER) + 1];
CREATE OR REPLACE MACRO bench_jira_key(projects, m) AS bench_flat(projects, m - m % 20, 'project') || '-' || m;

INSERT INTO core.work_items BY NAME
WITH base AS (
    SELECT range AS n, range % 20 AS slot,
           CASE WHEN range % 20 < 9 THEN 'jira' WHEN range % 20 < 17 THEN 'github' ELSE 'asana' END AS source
    FROM range($n)
),
shaped AS (
    SELECT *,
        CASE source
            WHEN 'jira' THEN bench_flat(CAST($projects AS VARCHAR[]), n - slot, 'project')
            WHEN 'github' THEN bench_flat(CAST($repos AS VARCHAR[]), n - slot, 'repo')
            ELSE bench_flat(CAST($asana_projects AS VARCHAR[]), n - slot, 'asana')
        END AS container,
        CASE WHEN slot BETWEEN 13 AND 16 AND bench_u(n, 'mentions') < 0.6
             THEN bench_jira_key(CAST($projects AS VARCHAR[]), n - slot + 1 + CAST(floor(bench_u(n, 'which') * 7) AS INTEGER))
        END AS mentioned,
        array_to_string(list_select(CAST($words AS VARCHAR[]), list_transform(range(4 + CAST(floor(bench_u(n, 'len') * 4) AS INTEGER)),
            lambda k: bench_skew($n_words, n, 'w' || k))), ' ') AS words
    FROM base
)
SELECT
    source || ':' || CASE source WHEN 'jira' THEN 'acme.atlassian.net' WHEN 'github' THEN 'github.com' ELSE 'app.asana.com' END
        || ':' || n AS item_id,
    source,
    CASE source WHEN 'jira' THEN 'acme.atlassian.net' WHEN 'github' THEN 'github.com' ELSE 'app.asana.com' END AS instance,
    CAST(n AS VARCHAR) AS native_id,
    CASE source WHEN 'jira' THEN container || '-' || n WHEN 'github' THEN container || '#' || n ELSE CAST(n AS VARCHAR) END AS key,
    NULL AS url,
    CASE WHEN mentioned IS NOT NULL AND bench_u(n, 'where') < 0.5 THEN words || ' (' || mentioned || ')' ELSE words END AS title,
    array_to_string(list_select(CAST($words AS VARCHAR[]), list_transform(range(12), lambda k: bench_skew($n_words, n, 'd' || k))), ' ') AS description,
    CASE
        WHEN slot = 0 THEN 'epic' WHEN slot = 8 THEN 'subtask' WHEN slot = 19 THEN 'subtask'
        WHEN source = 'jira' THEN ['story', 'story', 'bug', 'task'][CAST(floor(bench_u(n, 'type') * 4) AS INTEGER) + 1]
        WHEN source = 'github' THEN CASE WHEN slot >= 13 THEN 'pull_request' ELSE 'issue' END
        ELSE 'task'
    END AS item_type,
    'whatever' AS status,
    ['todo', 'todo', 'in_progress', 'done', 'done', 'done'][CAST(floor(bench_u(n, 'status') * 6) AS INTEGER) + 1] AS status_category,
    container,
    bench_flat(CAST($teams AS VARCHAR[]), hash(container) % 1000, 'team') AS team,
    list_distinct(list_select(CAST($labels AS VARCHAR[]), list_transform(range(CAST(floor(bench_u(n, 'nlabels') * 4) AS INTEGER)),
        lambda k: bench_skew($n_labels, n, 'l' || k)))) AS labels,
    CASE WHEN source = 'jira' AND bench_u(n, 'hascomp') < 0.5
         THEN [bench_pick(CAST($components AS VARCHAR[]), n, 'comp')] ELSE [] END AS components,
    CASE
        WHEN slot = 8 THEN 'jira:acme.atlassian.net:' || (n - 1)
        WHEN slot = 19 THEN 'asana:app.asana.com:' || (n - 1)
    END AS parent_id,
    CASE WHEN slot BETWEEN 1 AND 7 AND bench_u(n, 'inepic') < 0.7 THEN 'jira:acme.atlassian.net:' || (n - slot) END AS epic_id,
    CASE WHEN source = 'github' AND bench_u(n, 'ms') < 0.3 THEN bench_flat(CAST($milestones AS VARCHAR[]), n, 'milestone') END AS milestone,
    CASE WHEN bench_u(n, 'assigned') < 0.8 THEN bench_pick(CAST($assignees AS VARCHAR[]), n, 'assignee') END AS assignee,
    CASE WHEN source = 'jira' AND bench_u(n, 'est') < 0.6 THEN [1, 2, 3, 5, 8][CAST(floor(bench_u(n, 'pts') * 5) AS INTEGER) + 1] END AS estimate,
    TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(CAST(n % 20000000 AS BIGINT)) AS created_at,
    TIMESTAMPTZ '2026-06-01 00:00:00+00' + to_seconds(CAST(n % 10000000 AS BIGINT)) AS updated_at,
    -- done work was completed over the 16 weeks before 2026-11-20 (one in ten closed undone: dropped)
    CASE WHEN ['todo', 'todo', 'in_progress', 'done', 'done', 'done'][CAST(floor(bench_u(n, 'status') * 6) AS INTEGER) + 1] = 'done'
              AND bench_u(n, 'dropped') >= 0.1
         THEN TIMESTAMPTZ '2026-11-20 00:00:00+00' - to_seconds(CAST(floor(bench_u(n, 'done') * 112 * 86400) AS BIGINT))
    END AS completed_at,
    CAST(CASE source
        WHEN 'jira' THEN json_object('Area', bench_pick(CAST($areas AS VARCHAR[]), n, 'area'), 'Tier', bench_flat(['free', 'pro', 'business', 'enterprise'], n, 'tier'))
        WHEN 'asana' THEN json_object('Squad', bench_pick(CAST($squads AS VARCHAR[]), n, 'squad'))
        WHEN 'github' THEN CASE WHEN mentioned IS NOT NULL AND bench_u(n, 'where') >= 0.5
                                THEN json_object('branch', 'feature/' || mentioned || '-' || n) ELSE json_object() END
    END AS JSON) AS custom,
    [] AS goal_refs,
    FALSE AS is_deleted,
    NULL AS deleted_at,
    -- synced over the day before (a sync stamps each batch): the newest stamp is the last item's
    TIMESTAMPTZ '2026-11-19 00:00:00+00' + to_milliseconds(CAST(n AS BIGINT) * 86) AS synced_at,
    'bench' AS run_id
FROM shaped;
