-- 002_collect: whether a collection round extracted tickers against the
-- Trading 212 universe (1) or counted cashtags only (0), so the digest
-- can say which it is built from.
ALTER TABLE collection_rounds ADD COLUMN universe_loaded INTEGER NOT NULL
	DEFAULT 0;
