-- 006_money: what the money-safety rules need (lib/money.h, lib/orders.h).

-- What a trade was worth when it was sized: quantity x the price used, in
-- EUR cents rounded up.  The daily budget counts these.
ALTER TABLE trades ADD COLUMN value_cents INTEGER;
-- The decision day's price (market_data), kept for the record: orders and
-- virtual trades are sized with a price fetched when they are made.
ALTER TABLE trades ADD COLUMN decision_price REAL;
-- Where the price used came from, and when it was fetched.
ALTER TABLE trades ADD COLUMN price_source TEXT;
ALTER TABLE trades ADD COLUMN quoted_at TEXT;

-- A trade's status moves only as orders.h lists (trade_status_may_move);
-- anything else, a bug or a hand edit, is refused.  A new row may start
-- in any state (virtual trades are replaced, real ones journalled).
CREATE TRIGGER trades_status_moves BEFORE UPDATE OF status ON trades
WHEN OLD.status <> NEW.status AND NOT (
	(OLD.status = 'pending' AND NEW.status IN ('submitted', 'filled',
	    'rejected', 'failed', 'unknown')) OR
	(OLD.status = 'submitted' AND NEW.status IN ('filled', 'rejected')) OR
	(OLD.status = 'unknown' AND NEW.status IN ('submitted', 'filled',
	    'rejected', 'failed')))
BEGIN
	SELECT RAISE(ABORT, 'trades: this status move is not allowed (see lib/orders.h)');
END;
