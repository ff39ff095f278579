-- The linker: a GitHub issue or pull request whose title, branch or description names a Jira
-- key (PAY-123) links to that Jira item ('mentions'). Keys are found set-based: every candidate
-- the regex extracts (only from text holding a '-' at all), then one equality join to the live
-- Jira items' keys. (Parent and epic relations need no linking: they are the items' parent_id
-- and epic_id.) from_n / to_n are the items' row numbers, for inheritance.
CREATE OR REPLACE TEMP TABLE mapping_links AS
WITH github AS (
    SELECT n, item_id, title, description, json_extract_string(custom, '$.branch') AS branch
    FROM mapping_items
    WHERE source = 'github'
),
texts AS (
    SELECT n, item_id, 1 AS place, 'title' AS field, title AS text FROM github WHERE contains(title, '-')
    UNION ALL
    SELECT n, item_id, 2, 'branch ''' || branch || '''', branch FROM github WHERE contains(branch, '-')
    UNION ALL
    SELECT n, item_id, 3, 'description', description FROM github WHERE contains(description, '-')
),
named AS (
    SELECT n, item_id, place, field, unnest(regexp_extract_all(text, '[A-Z][A-Z0-9]+-[0-9]+')) AS jira_key
    FROM texts
)
SELECT t.n AS from_n, j.n AS to_n, t.item_id AS from_item_id, j.item_id AS to_item_id, 'mentions' AS link_type,
       arg_min(t.field || ' names ' || t.jira_key, t.place) AS evidence
FROM named AS t
JOIN mapping_items AS j ON j.source = 'jira' AND j.key = t.jira_key
GROUP BY t.n, j.n, t.item_id, j.item_id;
