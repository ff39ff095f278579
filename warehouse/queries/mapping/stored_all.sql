-- The stored rows a full map replaces: all of them (the linker's links only: other link types
-- are other code's).
CREATE OR REPLACE TEMP VIEW stored_goal_rows AS
SELECT rowid AS old_r, * FROM core.work_item_goals;

CREATE OR REPLACE TEMP VIEW stored_link_rows AS
SELECT rowid AS r, * FROM core.work_item_links WHERE link_type = 'mentions';
