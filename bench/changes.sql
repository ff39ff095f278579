-- A sync's worth of changes to the generated organisation (bench/items.sql), stamped $synced_at:
-- about $per_mille / 1000 of the items change, as trackers change them - a label that some rule
-- matches is added ($label), Jira stories move to another epic and subtasks to another parent,
-- items are deleted (a sweep), titles are edited (some now name a new Jira item) - and a tenth
-- as many new items arrive. Deterministic: each choice is a hash of the item; only generated
-- items change, and what an earlier round added is not added again.
CREATE OR REPLACE TEMP TABLE bench_change AS
SELECT item_id, CAST(native_id AS BIGINT) AS n, CAST(native_id AS BIGINT) % 20 AS slot,
       hash(item_id, 'change') % 1000000 AS roll
FROM core.work_items
WHERE hash(item_id, 'change') % 1000000 < $per_mille * 1000
  AND TRY_CAST(native_id AS BIGINT) IS NOT NULL;

UPDATE core.work_items AS w
SET labels = CASE WHEN c.roll % 10 < 3 THEN list_append(w.labels, $label) ELSE w.labels END,
    epic_id = CASE WHEN c.roll % 10 IN (3, 4) AND c.slot BETWEEN 1 AND 7
                   THEN 'jira:acme.atlassian.net:' || (c.n - c.slot + 20 * (1 + c.roll % 97)) % $n
                   ELSE w.epic_id END,
    parent_id = CASE WHEN c.roll % 10 IN (3, 4) AND c.slot = 8
                     THEN 'jira:acme.atlassian.net:' || ((c.n - c.slot + 20 * (1 + c.roll % 89)) % $n + 7)
                     ELSE w.parent_id END,
    title = CASE WHEN c.roll % 10 IN (7, 8) THEN w.title || ' (see ' || $jira_key || ')'
                 WHEN c.roll % 10 = 9 THEN 'reworded ' || w.title ELSE w.title END,
    is_deleted = CASE WHEN c.roll % 10 IN (5, 6) THEN TRUE ELSE w.is_deleted END,
    deleted_at = CASE WHEN c.roll % 10 IN (5, 6) THEN CAST($synced_at AS TIMESTAMPTZ) ELSE w.deleted_at END,
    synced_at = CASE WHEN c.roll % 10 IN (5, 6) THEN w.synced_at ELSE CAST($synced_at AS TIMESTAMPTZ) END,
    updated_at = CAST($synced_at AS TIMESTAMPTZ)
FROM bench_change AS c
WHERE w.item_id = c.item_id;

-- New items: copies of a tenth of the changed ones under new ids and keys, and the Jira item
-- $jira_key that the edited titles name.
INSERT INTO core.work_items BY NAME
SELECT w.* REPLACE (
    w.item_id || '-new' AS item_id, w.native_id || '-new' AS native_id, w.key || '-new' AS key,
    CAST($synced_at AS TIMESTAMPTZ) AS synced_at, FALSE AS is_deleted, NULL AS deleted_at
)
FROM core.work_items AS w
SEMI JOIN bench_change AS c ON c.item_id = w.item_id AND c.roll % 100 = 0
WHERE w.item_id || '-new' NOT IN (SELECT item_id FROM core.work_items);

INSERT INTO core.work_items BY NAME
SELECT w.* REPLACE (
    w.item_id || '-named' AS item_id, w.native_id || '-named' AS native_id, $jira_key AS key,
    CAST($synced_at AS TIMESTAMPTZ) AS synced_at
)
FROM core.work_items AS w
WHERE w.source = 'jira' AND NOT w.is_deleted
  AND NOT EXISTS (SELECT 1 FROM core.work_items WHERE key = $jira_key)
LIMIT 1;

DROP TABLE bench_change;
