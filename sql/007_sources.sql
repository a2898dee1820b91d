-- 007_sources: where each stored price came from (issue 14: a second
-- price source beside Yahoo).  NULL for rows stored before.
ALTER TABLE market_data ADD COLUMN source TEXT;
