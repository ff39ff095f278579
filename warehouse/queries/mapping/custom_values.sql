-- The custom field values that rules or explicit links ask about ($fields, found at the JSON
-- pointers $pointers), one row per value: a list field (multi-select) gives one row per element.
-- Values compare as the text of their JSON scalar ('5', 'true', 'checkout'); objects and nulls
-- never match. Each item's JSON is parsed once for all fields; only values whose text starts
-- like a list or object ('[', '{') are parsed again to tell a list from a string.
CREATE OR REPLACE TEMP TABLE mapping_custom_values AS
WITH fields AS (
    SELECT n,
           unnest(CAST($fields AS VARCHAR[])) AS field,
           unnest(CAST($pointers AS VARCHAR[])) AS pointer,
           unnest(json_extract_string(custom, CAST($pointers AS VARCHAR[]))) AS value
    FROM mapping_items
    WHERE CAST(custom AS VARCHAR) <> '{}'
),
nested AS (
    SELECT f.n, f.field, json_extract(i.custom, f.pointer) AS value
    FROM fields AS f
    JOIN mapping_items AS i ON i.n = f.n
    WHERE starts_with(f.value, '[') OR starts_with(f.value, '{')
)
SELECT n, field, value
FROM fields
WHERE value IS NOT NULL AND NOT (starts_with(value, '[') OR starts_with(value, '{'))
UNION ALL
SELECT n, field, json_extract_string(value, '$') AS value
FROM nested
WHERE json_type(value) NOT IN ('ARRAY', 'OBJECT', 'NULL')
UNION ALL
SELECT x.n, x.field, json_extract_string(a.value, '$') AS value
FROM nested AS x, json_each(x.value) AS a
WHERE json_type(x.value) = 'ARRAY' AND a.type NOT IN ('ARRAY', 'OBJECT', 'NULL');
