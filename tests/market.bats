#!/usr/bin/env bats
# The price feed on its bad days: Yahoo refusing a browser-less client
# until it shows a session, its other host, and (tests/money.bats has the
# rest) prices that must prove plausible before money follows them.

load helpers
load execute

DAY=2026-11-23
CHART='^/v8/finance/chart/'

setup() {
	tb_isolate
	fake_start
	export T212_API_KEY=test-t212-key
	export TB_HTTP_BACKOFF_SCALE=0.01
	export TB_NOW=${DAY}T17:10:00+01:00
	tb_init_db
}

teardown() {
	fake_stop
}

# mentions SYMBOL...: a round-1 post of the day mentioning each symbol,
# and the LLM keys, so that tb-decide has a digest to fetch prices for.
mentions() {
	local sym values=""
	tb_sql "INSERT INTO reddit_posts (id, subreddit, title, created_utc,
	    first_seen_date, first_seen_round, last_seen_date, last_seen_round,
	    updated_at) VALUES ('p1', 'stocks', 'Buying', 1774850000, '$DAY',
	    1, '$DAY', 1, '${DAY}T06:00:00Z');
	    INSERT INTO post_rounds VALUES ('p1', '$DAY', 1)"
	for sym in "$@"; do
		values="$values${values:+,} ('p1', '$sym', 2, 1, 1)"
	done
	tb_sql "INSERT INTO ticker_mentions (post_id, symbol, count, cashtag,
	    bullish) VALUES $values"
	export ANTHROPIC_API_KEY=sk-test MINIMAX_API_KEY=mm-test
}

@test "Yahoo refuses plain chart requests: tb asks again with a session" {
	standard_day
	fake_set yahoo.require_session=true yahoo.crumb=crumb/1
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 4 ]
	[ "$(json_field .virtual_booked)" = 2 ]
	# Each chart was refused once without the session, then answered
	# with the cookie and the crumb (escaped: it holds a '/').
	[ "$(fakereq -s yahoo -p "$CHART" -q 'crumb=' -c)" = \
	    "$(fakereq -s yahoo -p "$CHART" -F status | grep -c 429)" ]
	[ "$(fakereq -s yahoo -p "$CHART" -q 'crumb=crumb%2F1' -F status | sort -u)" = 200 ]
	[ "$(fakereq -s yahoo -p "$CHART" -q 'crumb=' -F headers.cookie | sort -u)" = "<redacted>" ]
	# One session for the run: one cookie, one crumb.
	[ "$(fakereq -s yahoo -p '^/$' -c)" = 1 ]
	[ "$(fakereq -s yahoo -p '^/v1/test/getcrumb$' -c)" = 1 ]
	[[ "$stderr" == *"yahoo: refused plain requests; using a session"* ]]
}

@test "the session is used on Yahoo's other host" {
	standard_day
	fake_set yahoo.require_session=true yahoo.crumb=c1
	export TB_YAHOO_BASE_URL=http://query1.localhost:$FAKE_PORT/yahoo
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 4 ]
	[ "$(fakereq -s yahoo -p "$CHART" -q 'crumb=' -F headers.host | sort -u)" = \
	    "query2.localhost:$FAKE_PORT" ]
	[ "$(fakereq -s yahoo -p "$CHART" -F status -q '^(?!.*crumb)' | sort -u)" = 429 ]
	[ "$(fakereq -s yahoo -p "$CHART" -F headers.host -q '^(?!.*crumb)' | sort -u)" = \
	    "query1.localhost:$FAKE_PORT" ]
}

@test "decide: the decision's market data comes through the session too" {
	standard_day
	fake_set yahoo.require_session=true yahoo.crumb=c2
	tb_sql "DELETE FROM market_data"
	mentions AAPL
	run --separate-stderr tb-decide --force
	[ "$(json_field .market_data.ok)" = 1 ]
	[ "$(tb_sql "SELECT status FROM market_data WHERE symbol = 'AAPL'")" = ok ]
	[ "$(fakereq -s yahoo -p "$CHART" -q 'crumb=c2' -F status | sort -u)" = 200 ]
}

@test "Yahoo refusing everything: no order, the reason says so, exit 0" {
	standard_day
	fake_set yahoo.refuse=true yahoo.crumb=c3
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 0 ]
	[[ "$(json_field '.orders[0].reason')" == "no market price: "*"HTTP 429"* ]]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	[ "$(json_field '.virtual[0].status')" = skipped ]
}

@test "a price that moved more than 25 % at decide time is stored unavailable" {
	standard_day
	tb_sql "DELETE FROM market_data"
	quote AAPL '{"price": 400}'
	mentions AAPL
	run --separate-stderr tb-decide --force
	[ "$(tb_sql "SELECT status FROM market_data WHERE symbol = 'AAPL'")" = unavailable ]
	[[ "$(tb_sql "SELECT error FROM market_data WHERE symbol = 'AAPL'")" == "implausible price: 400 USD against a previous close of "* ]]
}

# ---- The second price source (EODHD)

@test "Yahoo refusing everything: prices from EODHD, stored with their source" {
	standard_day
	fake_set yahoo.refuse=true
	export EODHD_API_KEY=test-eodhd-key
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 4 ]
	[ "$(json_field .virtual_booked)" = 2 ]
	[ "$(tb_sql "SELECT group_concat(DISTINCT price_source) FROM trades")" = eodhd ]
	# The same quantities as Yahoo's prices give (the market held still).
	run order_bodies
	assert_output - <<-EOF
	{"ticker":"ASMLa_EQ","quantity":0.0571,"extendedHours":false}
	{"ticker":"AIp_EQ","quantity":0.1333,"extendedHours":false}
	{"ticker":"SHELl_EQ","quantity":0.6415,"extendedHours":false}
	{"ticker":"AAPL_US_EQ","quantity":0.0951,"extendedHours":false}
	EOF
	# One call per symbol and pair Yahoo refused; the key never shows.
	[ "$(fakereq -s eodhd -p '^/api/eod/' -F path | sort | tr '\n' ' ')" = \
	    "/api/eod/AAPL.US /api/eod/AIR.PA /api/eod/ASML.AS /api/eod/EURGBP.FOREX /api/eod/EURUSD.FOREX /api/eod/SAP.XETRA /api/eod/SHEL.LSE " ]
	[ "$(fakereq -s eodhd -F query.api_token.0 | sort -u)" = "<redacted>" ]
	[ "$(fakereq -s eodhd -l -F auth_sha256)" = \
	    "$(printf %s test-eodhd-key | sha256sum | cut -d' ' -f1)" ]
	[[ "$stderr" != *test-eodhd-key* ]]
}

@test "Yahoo and EODHD disagree beyond 2 %: skipped as implausible" {
	standard_day
	export EODHD_API_KEY=test-eodhd-key
	# Yahoo's SHEL.L price slips to pounds; EODHD's last close is 2780.
	quote SHEL.L '{"at": 2650, "price": 26.5}'
	fake_set 'eodhd.closes={"SHEL.L": 2780}'
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field '.orders[2].status')" = skipped ]
	[[ "$(json_field '.orders[2].reason')" == "implausible price: 26.5 GBp against a previous close of "*"; second source: implausible price: Yahoo says 26.5 and EODHD 2780 GBp ("*" % apart, more than 2 %)" ]]
	[ "$(json_field .placed)" = 3 ]
	# Only SHEL.L was asked of the second source.
	[ "$(fakereq -s eodhd -F path)" = /api/eod/SHEL.LSE ]
}

@test "decide: Yahoo refusing, the decision's market data from EODHD" {
	standard_day
	tb_sql "DELETE FROM market_data"
	fake_set yahoo.refuse=true
	export EODHD_API_KEY=test-eodhd-key
	mentions AAPL SHEL.L
	run --separate-stderr tb-decide --force
	[ "$(tb_sql "SELECT status || ' ' || source FROM market_data WHERE symbol = 'AAPL'")" = "ok eodhd" ]
	[ "$(tb_sql "SELECT round(price, 2) FROM market_data WHERE symbol = 'AAPL'")" = 227.56 ]
	# London without a currency from anyone: not guessed.
	[ "$(tb_sql "SELECT status FROM market_data WHERE symbol = 'SHEL.L'")" = unavailable ]
	[[ "$(tb_sql "SELECT error FROM market_data WHERE symbol = 'SHEL.L'")" == *"pence or pounds"* ]]
}

@test "without EODHD_API_KEY there is no second source: nothing is asked of it" {
	standard_day
	fake_set yahoo.refuse=true
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 0 ]
	[ "$(fake_count eodhd)" = 0 ]
}

@test "EODHD's calls used up: the pick is skipped, saying both sources' reasons" {
	standard_day
	fake_set yahoo.refuse=true eodhd.calls_left=0
	export EODHD_API_KEY=test-eodhd-key
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 0 ]
	[[ "$(json_field '.orders[0].reason')" == "no market price: "*"HTTP 429"*"; second source: eodhd: the day's calls are used up (HTTP 402)" ]]
}

@test "tb-status says whether the second price source is on" {
	run --separate-stderr tb-status --date "$DAY"
	assert_success
	assert_output --partial "prices           yahoo only (eodhd off: EODHD_API_KEY is not set)"
	EODHD_API_KEY=test-eodhd-key run --separate-stderr tb-status --date "$DAY" --json
	assert_success
	[ "$(json_field '.price_sources | "\(.primary) \(.second) \(.second_on)"')" = "yahoo eodhd true" ]
}

@test "the timeout keys reach their clients" {
	standard_day
	# The account summary hangs for 10 s; t212_timeout_seconds = 1 gives
	# up long before (three attempts), and the orders go on.
	fake_fault t212 /equity/account/summary mode=hang delay=10
	TB_T212_TIMEOUT_SECONDS=1 run --separate-stderr tb-execute
	assert_success
	[[ "$(json_field '.warnings[0]')" == "the account summary could not be read"*"timed out"* ]]
	[ "$(json_field .placed)" = 4 ]
	# A chart that hangs: yahoo_timeout_seconds = 1.
	fake_clear
	fake_fault yahoo '^/v8/finance/chart/AAPL' mode=hang delay=10
	tb_sql "DELETE FROM trades"
	fake_set t212.history='[]' t212.pending='[]'
	TB_YAHOO_TIMEOUT_SECONDS=1 run --separate-stderr tb-execute
	assert_success
	[[ "$(json_field '.orders[3].reason')" == "no market price: "*"timed out"* ]]
}
