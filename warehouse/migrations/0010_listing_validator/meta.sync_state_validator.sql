-- What the source needs to answer "has anything changed?" without spending quota: GitHub's ETag
-- of the request that ended the stream's last listing (and that request's `since`), sent back as
-- If-None-Match. Written with the cursor, in the same transaction. NULL: nothing to validate.
ALTER TABLE meta.sync_state ADD COLUMN validator VARCHAR;
