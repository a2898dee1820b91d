-- 008_scoreboard: what the scoreboard needs (tb-report, tb-sell; issue 16).

-- Daily closes, one per symbol and trading day: every instrument either
-- LLM holds, the FX pairs (close = units of the currency per EUR) and the
-- benchmark, as tb-report --refresh fetched them (lib/marks.h).  The
-- scoreboard values a position at the newest close on or before a day.
CREATE TABLE marks (
	date        TEXT NOT NULL,		-- the trading day it closes
	symbol      TEXT NOT NULL,		-- Yahoo-style, or 'EURUSD=X'
	close       REAL NOT NULL,		-- in currency, as quoted
	currency    TEXT,			-- as quoted, e.g. 'GBp'
	close_eur   REAL,			-- EUR per share; NULL for a pair
	eur_rate    REAL,			-- units of currency per EUR
	source      TEXT NOT NULL,		-- where the close came from: 'yahoo'
	fetched_at  TEXT NOT NULL,
	PRIMARY KEY (symbol, date)
);

-- The broker's fill of a real order (history item `fill`), kept with its
-- trade and refreshed until final (lib/journal.h).  Amounts of the wallet
-- are in the account's currency (fill_currency).
ALTER TABLE trades ADD COLUMN fill_price REAL;		-- per share, instrument currency
ALTER TABLE trades ADD COLUMN fill_quantity REAL;	-- shares filled
ALTER TABLE trades ADD COLUMN fill_value REAL;		-- walletImpact.netValue, before fees
ALTER TABLE trades ADD COLUMN fill_currency TEXT;	-- walletImpact.currency
ALTER TABLE trades ADD COLUMN fill_fx_rate REAL;	-- walletImpact.fxRate
ALTER TABLE trades ADD COLUMN fill_fees REAL;		-- sum of walletImpact.taxes
ALTER TABLE trades ADD COLUMN fill_taxes TEXT;		-- walletImpact.taxes as JSON
ALTER TABLE trades ADD COLUMN filled_at TEXT;
ALTER TABLE trades ADD COLUMN fill_final INTEGER NOT NULL DEFAULT 0;

-- What a trade cost or brought in EUR cents, fees included: paid for a
-- buy (value + fees), received for a sell (value - fees).  Real trades
-- from their fill, virtual ones from their quote and the fee model
-- (virtual_fx_fee_pct).  fees_cents is the fees part.  NULL when not known
-- yet (a real order without its fill).
ALTER TABLE trades ADD COLUMN fees_cents INTEGER;
ALTER TABLE trades ADD COLUMN cash_cents INTEGER;

CREATE INDEX trades_llm ON trades (llm_name, ticker, kind, side);
