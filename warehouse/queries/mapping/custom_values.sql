-- The custom field values that rules or explicit links ask about ($fields, found at the JSON
-- pointers $pointers), one row per value: a list field (multi-select) gives one row per element.
-- Values compare as the text of their JSON scalar ('5', 'true', 'checkout'); objects and nulls
-- never match. Each item's JSON is parsed once for all fields.
CREATE OR REPLACE TEMP TABLE mapping_custom_values AS
WITH fields AS (
    SELECT n,
           unnest(CAST($fields AS VARCHAR[])) AS field,
           unnest(json_extract(custom, CAST($pointers AS VARCHAR[]))) AS value
    FROM mapping_items
),
typed AS (
    SELECT n, field, value, json_type(value) AS type FROM fields WHERE value IS NOT NULL
)
SELECT n, field, json_extract_string(value, '$') AS value
FROM typed WHERE type NOT IN ('ARRAY', 'OBJECT', 'NULL')
UNION
SELECT t.n, t.field, json_extract_string(a.value, '$') AS value
FROM typed AS t, json_each(t.value) AS a
WHERE t.type = 'ARRAY' AND a.type NOT IN ('ARRAY', 'OBJECT', 'NULL');
