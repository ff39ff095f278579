-- How many items were compared, and how many change goals or weights.
SELECT (SELECT count(DISTINCT item_id) FROM diff_new), (SELECT count(*) FROM diff_changed);
