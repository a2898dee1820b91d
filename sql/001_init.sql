-- 001_init: the whole pipeline's tables.
-- Dates are 'YYYY-MM-DD' in the orchestrator timezone; instants are
-- ISO-8601 UTC text ('2026-03-30T15:10:02Z') unless a column says epoch.
-- DESIGN.md section 7 fixes the column names of daily_picks, approvals,
-- trades and runs; the rest is ours.

-- One row per program run (tb-status reads them).
CREATE TABLE runs (
	id            INTEGER PRIMARY KEY,
	program       TEXT NOT NULL,
	date          TEXT NOT NULL,
	started_at    TEXT NOT NULL,
	finished_at   TEXT,
	status        TEXT NOT NULL DEFAULT 'running'
	              CHECK (status IN ('running', 'ok', 'skipped', 'failed',
	                                'crashed')),
	exit_code     INTEGER,
	summary_json  TEXT
);
CREATE INDEX runs_date ON runs (date, program);

-- Reddit: posts upserted by id; which rounds of which day saw each post.
CREATE TABLE reddit_posts (
	id               TEXT PRIMARY KEY,	-- Reddit's id, e.g. '1bq2x3z'
	subreddit        TEXT NOT NULL,
	title            TEXT NOT NULL,
	selftext         TEXT NOT NULL DEFAULT '',
	author           TEXT,
	score            INTEGER NOT NULL DEFAULT 0,
	num_comments     INTEGER NOT NULL DEFAULT 0,
	upvote_ratio     REAL,
	created_utc      REAL NOT NULL,
	permalink        TEXT,
	flair            TEXT,
	first_seen_date  TEXT NOT NULL,
	first_seen_round INTEGER NOT NULL,
	last_seen_date   TEXT NOT NULL,
	last_seen_round  INTEGER NOT NULL,
	updated_at       TEXT NOT NULL
);
CREATE INDEX reddit_posts_created ON reddit_posts (subreddit, created_utc);

CREATE TABLE post_rounds (
	post_id  TEXT NOT NULL REFERENCES reddit_posts (id),
	date     TEXT NOT NULL,
	round    INTEGER NOT NULL,
	PRIMARY KEY (date, round, post_id)
);

-- Tickers found in a post (extraction is a function of the post's text).
CREATE TABLE ticker_mentions (
	post_id   TEXT NOT NULL REFERENCES reddit_posts (id),
	symbol    TEXT NOT NULL,		-- Yahoo-style, e.g. 'ASML.AS'
	count     INTEGER NOT NULL DEFAULT 1,
	cashtag   INTEGER NOT NULL DEFAULT 0,
	bullish   INTEGER NOT NULL DEFAULT 0,
	bearish   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (post_id, symbol)
);
CREATE INDEX ticker_mentions_symbol ON ticker_mentions (symbol);

-- A collection round of a day, with its outcome.
CREATE TABLE collection_rounds (
	date          TEXT NOT NULL,
	round         INTEGER NOT NULL,
	started_at    TEXT NOT NULL,
	finished_at   TEXT,
	posts_fetched INTEGER NOT NULL DEFAULT 0,
	posts_new     INTEGER NOT NULL DEFAULT 0,
	posts_updated INTEGER NOT NULL DEFAULT 0,
	errors_json   TEXT,
	PRIMARY KEY (date, round)
);

-- Cached upstream credentials that expire (Reddit's application token).
CREATE TABLE oauth_tokens (
	service     TEXT PRIMARY KEY,
	token       TEXT NOT NULL,
	expires_at  INTEGER NOT NULL		-- epoch seconds
);

-- Trading 212 instruments and exchanges metadata: the ticker universe.
CREATE TABLE instruments (
	ticker               TEXT PRIMARY KEY,	-- Trading 212's, e.g. 'ASMLa_EQ'
	yahoo_symbol         TEXT,		-- derived, e.g. 'ASML.AS'
	type                 TEXT,
	currency             TEXT NOT NULL,
	isin                 TEXT,
	short_name           TEXT,
	name                 TEXT,
	working_schedule_id  INTEGER,
	max_open_quantity    REAL,
	added_on             TEXT
);
CREATE INDEX instruments_yahoo ON instruments (yahoo_symbol);
CREATE INDEX instruments_isin ON instruments (isin);

CREATE TABLE exchanges (
	id     INTEGER PRIMARY KEY,
	name   TEXT NOT NULL,
	json   TEXT NOT NULL			-- the exchange with its schedules
);

-- When each metadata kind was last fetched (refresh at most once a day).
CREATE TABLE metadata_refresh (
	kind        TEXT PRIMARY KEY,		-- 'instruments', 'exchanges'
	fetched_at  INTEGER NOT NULL,		-- epoch seconds
	row_count   INTEGER NOT NULL
);

-- The day's digest as tb-collect --digest prints it; tb-decide reads it.
CREATE TABLE digests (
	date          TEXT PRIMARY KEY,
	created_at    TEXT NOT NULL,
	ticker_count  INTEGER NOT NULL,
	post_count    INTEGER NOT NULL,
	json          TEXT NOT NULL
);

-- Market data per date and symbol (also FX pairs such as 'EURUSD=X').
CREATE TABLE market_data (
	date          TEXT NOT NULL,
	symbol        TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('ok', 'unavailable')),
	error         TEXT,
	name          TEXT,
	currency      TEXT,			-- as quoted, e.g. 'GBp'
	price         REAL,			-- in currency
	price_eur     REAL,
	eur_rate      REAL,			-- units of currency per EUR
	previous_close REAL,
	change_1d_pct REAL,
	change_5d_pct REAL,
	change_1m_pct REAL,
	high_52w      REAL,
	low_52w       REAL,
	avg_volume    REAL,
	sma20         REAL,
	sma50         REAL,
	ema12         REAL,
	ema26         REAL,
	macd          REAL,
	macd_signal   REAL,
	macd_hist     REAL,
	rsi14         REAL,
	market_cap    REAL,
	pe_ratio      REAL,
	sector        TEXT,
	fetched_at    TEXT NOT NULL,
	PRIMARY KEY (date, symbol)
);

-- Every LLM call (DESIGN section 8: the raw answer is always kept).
CREATE TABLE llm_runs (
	id             INTEGER PRIMARY KEY,
	date           TEXT NOT NULL,
	llm_name       TEXT NOT NULL,		-- 'claude', 'minimax'
	provider       TEXT NOT NULL,		-- 'anthropic', 'minimax'
	model          TEXT NOT NULL,
	attempt        INTEGER NOT NULL DEFAULT 1,	-- 2 = corrective retry
	status         TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
	http_status    INTEGER,
	latency_ms     INTEGER,
	input_tokens   INTEGER,
	output_tokens  INTEGER,
	error          TEXT,
	raw_answer     TEXT,
	notes_json     TEXT,			-- picks dropped or changed, and why
	started_at     TEXT NOT NULL
);
CREATE INDEX llm_runs_date ON llm_runs (date, llm_name);

CREATE TABLE daily_picks (
	id              INTEGER PRIMARY KEY,
	date            TEXT NOT NULL,
	llm_name        TEXT NOT NULL,
	ticker          TEXT NOT NULL,
	allocation_pct  REAL NOT NULL,
	amount_eur      REAL NOT NULL,
	reasoning       TEXT NOT NULL DEFAULT '',
	is_main_trader  INTEGER NOT NULL,
	status          TEXT NOT NULL DEFAULT 'proposed'
	                CHECK (status IN ('proposed', 'approved', 'rejected')),
	pick_index      INTEGER NOT NULL,	-- 1-based, as tb-approve shows it
	llm_run_id      INTEGER REFERENCES llm_runs (id),
	created_at      TEXT NOT NULL,
	UNIQUE (llm_name, date, ticker)
);
CREATE INDEX daily_picks_date ON daily_picks (date);

CREATE TABLE approvals (
	id          INTEGER PRIMARY KEY,
	date        TEXT NOT NULL,
	llm_name    TEXT NOT NULL,
	decision    TEXT NOT NULL
	            CHECK (decision IN ('approve_all', 'reject_all', 'subset')),
	indices     TEXT,			-- '1,3' for a subset
	decided_by  TEXT NOT NULL
	            CHECK (decided_by IN ('cli', 'flag', 'timeout', 'no-approval', 'await')),
	decided_at  TEXT NOT NULL,
	superseded_at TEXT			-- set when --force decided again
);
CREATE UNIQUE INDEX approvals_current ON approvals (date)
	WHERE superseded_at IS NULL;

-- Real orders (the order journal) and virtual trades.
CREATE TABLE trades (
	id               INTEGER PRIMARY KEY,
	date             TEXT NOT NULL,
	llm_name         TEXT NOT NULL,
	ticker           TEXT NOT NULL,		-- Yahoo-style symbol
	broker_ticker    TEXT,			-- Trading 212's, real trades only
	kind             TEXT NOT NULL CHECK (kind IN ('real', 'virtual')),
	side             TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
	amount_eur       REAL,
	quantity         REAL,			-- shares
	price            REAL,			-- per share, in currency
	currency         TEXT,
	status           TEXT NOT NULL CHECK (status IN ('pending', 'submitted',
	                 'filled', 'rejected', 'failed', 'skipped', 'unknown', 'booked')),
	broker_order_id  TEXT,
	error            TEXT,
	created_at       TEXT NOT NULL,
	sent_at          TEXT,			-- wall clock just before the request
	updated_at       TEXT,
	pick_id          INTEGER REFERENCES daily_picks (id)
);
CREATE INDEX trades_date ON trades (date, llm_name, ticker);
CREATE INDEX trades_status ON trades (status);
