-- No linker links stored yet: every link is new.
INSERT INTO core.work_item_links BY NAME
SELECT from_item_id, to_item_id, link_type, evidence FROM mapping_links;
