-- A record kept with a doubt (a timestamp in the future) is listed beside the rejected ones,
-- as severity 'warning'; rows from before this column are rejections.
ALTER TABLE meta.rejected_records ADD COLUMN severity VARCHAR DEFAULT 'error';
