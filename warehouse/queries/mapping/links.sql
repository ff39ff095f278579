-- The linker, for one target tool: an item of a tool that names keys ($mentioning: GitHub's
-- issues and pull requests) whose title, branch or description names a key of the target tool
-- ($target, keys like $pattern: Jira's PAY-123) links to that item ('mentions'). Keys are found
-- set-based: every candidate the regex extracts (only from text holding a '-' at all) goes into
-- mapping_named; links_resolve.sql joins them to the live target items' keys. (Parent and epic
-- relations need no linking: they are the items' parent_id and epic_id.)
INSERT INTO mapping_named
WITH mentioning AS (
    SELECT n, item_id, title, description, json_extract_string(custom, '$.branch') AS branch
    FROM mapping_items
    WHERE list_contains($mentioning, source)
),
texts AS (
    SELECT n, item_id, 1 AS place, 'title' AS field, title AS text FROM mentioning WHERE contains(title, '-')
    UNION ALL
    SELECT n, item_id, 2, 'branch ''' || branch || '''', branch FROM mentioning WHERE contains(branch, '-')
    UNION ALL
    SELECT n, item_id, 3, 'description', description FROM mentioning WHERE contains(description, '-')
)
SELECT n, item_id, place, field, $target AS target, unnest(regexp_extract_all(text, $pattern)) AS target_key
FROM texts;
