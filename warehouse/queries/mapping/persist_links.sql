-- The linker's links ('mentions') replace the previous ones as a difference, so an unchanged
-- link is not rewritten. Link types other code writes are left alone (stored_link_rows: the
-- linker's links, all of them or those from an incremental map's scope).
CREATE OR REPLACE TEMP TABLE links_new_rows AS
SELECT from_item_id, to_item_id, link_type, evidence,
       hash(from_item_id, to_item_id, link_type, evidence) AS h1,
       hash(evidence, link_type, to_item_id, from_item_id) AS h2
FROM mapping_links;

CREATE OR REPLACE TEMP TABLE links_old_rows AS
SELECT r,
       hash(from_item_id, to_item_id, link_type, evidence) AS h1,
       hash(evidence, link_type, to_item_id, from_item_id) AS h2
FROM stored_link_rows;

DELETE FROM core.work_item_links
WHERE rowid IN (SELECT o.r FROM links_old_rows AS o ANTI JOIN links_new_rows AS n ON n.h1 = o.h1 AND n.h2 = o.h2);

INSERT INTO core.work_item_links BY NAME
SELECT n.* EXCLUDE (h1, h2)
FROM links_new_rows AS n
ANTI JOIN links_old_rows AS o ON o.h1 = n.h1 AND o.h2 = n.h2;
