-- The linker: parent and epic links from the items' own fields, and cross-source mentions: a
-- GitHub issue or pull request whose title, branch or description names a Jira key (PAY-123)
-- links to that Jira item. Keys are found set-based: every candidate the regex extracts (only
-- from text holding a '-' at all), then one equality join to the Jira items' keys. Links point
-- at live items only. from_n / to_n are the items' row numbers, for inheritance.
CREATE OR REPLACE TEMP TABLE mapping_links AS
WITH pointers AS (
    SELECT n, item_id, parent_id AS target, 'parent' AS link_type FROM mapping_items WHERE parent_id IS NOT NULL
    UNION ALL
    SELECT n, item_id, epic_id, 'epic' FROM mapping_items WHERE epic_id IS NOT NULL
),
hierarchy AS (
    SELECT p.n AS from_n, t.n AS to_n, p.item_id AS from_item_id, t.item_id AS to_item_id,
           p.link_type, p.link_type || ' field' AS evidence
    FROM pointers AS p JOIN mapping_items AS t ON t.item_id = p.target
),
github AS (
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
),
mentions AS (
    SELECT t.n AS from_n, j.n AS to_n, t.item_id AS from_item_id, j.item_id AS to_item_id, 'mentions' AS link_type,
           arg_min(t.field || ' names ' || t.jira_key, t.place) AS evidence
    FROM named AS t
    JOIN mapping_items AS j ON j.source = 'jira' AND j.key = t.jira_key
    GROUP BY t.n, j.n, t.item_id, j.item_id
)
SELECT * FROM hierarchy
UNION ALL
SELECT * FROM mentions;
