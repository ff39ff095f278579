-- Named keys that are live items of the named tool become links; the first place naming it
-- (title, then branch, then description) is the evidence.
INSERT INTO mapping_links
SELECT t.n AS from_n, j.n AS to_n, t.item_id AS from_item_id, j.item_id AS to_item_id, 'mentions' AS link_type,
       arg_min(t.field || ' names ' || t.target_key, t.place) AS evidence
FROM mapping_named AS t
JOIN mapping_all_items AS j ON j.source = t.target AND j.key = t.target_key
GROUP BY t.n, j.n, t.item_id, j.item_id;
