-- Whole-word title searches ((?i)\b(sso|saml)\b) without a regex per pattern: on an ASCII title
-- (as many bytes as characters) such a regex matches exactly when one of the title's words -
-- runs of [A-Za-z0-9_], RE2's ASCII \w - equals one of its words. One combined pattern
-- ($pattern: \b(?:every|keyword)\b) extracts the title words that are keywords at all, in one
-- pass; a join then says which atoms they belong to. Titles with other characters take the
-- regex path. A word named twice gives two hits; counting treats hits as "at least one".
INSERT INTO atom_hits
WITH found AS (
    SELECT n, unnest(regexp_extract_all(title, $pattern)) AS word
    FROM mapping_items
    WHERE strlen(title) = length(title)
)
SELECT f.n, k.atom_id
FROM found AS f
JOIN rule_keywords AS k
  ON k.ignore_case = $ignore_case AND k.word = CASE WHEN $ignore_case THEN lower(f.word) ELSE f.word END;
