-- Keep only the items rules decide: an override or a goal the item names itself (explicit)
-- comes first, so rules matching such an item neither win it nor conflict over it.
DELETE FROM rule_matches WHERE n IN (SELECT n FROM override_winners) OR n IN (SELECT n FROM explicit_hits);
DELETE FROM first_match WHERE n IN (SELECT n FROM override_winners) OR n IN (SELECT n FROM explicit_hits);
