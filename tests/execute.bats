#!/usr/bin/env bats
# tb-execute against the fake Trading 212: real orders for the main
# trader's approved picks, virtual trades for the other LLM, the order
# journal (pending -> submitted -> filled), reconciliation after a crash,
# and the rules that keep an order from ever being sent twice.
#
# The day is Monday 2026-11-23: claude is the main trader, minimax the
# virtual one.  Prices (market_data): ASML.AS 700 EUR, AIR.PA 150 EUR,
# SHEL.L 2650 GBp with EURGBP 0.85 (85 pence per EUR), AAPL 227.56 USD
# with EURUSD 1.0821.

load helpers
load execute

DAY=2026-11-23

setup() {
	tb_isolate
	fake_start
	export T212_API_KEY=test-t212-key T212_API_SECRET=test-t212-secret
	export TB_HTTP_BACKOFF_SCALE=0.01
	export TB_NOW=${DAY}T17:10:00+01:00
	tb_init_db
}

teardown() {
	fake_stop
}

@test "approved picks become orders for the mapped tickers, GBX in pence" {
	standard_day
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(json_field .placed)" = 4 ]
	[ "$(json_field .main_trader)" = claude ]
	[ "$(json_field .environment)" = demo ]
	# Every real trade is the main trader's, journalled as submitted
	# with the broker's id; the price is the quoted one (pence for SHEL).
	[ "$(trade "ticker = 'SHEL.L'" "llm_name, kind, broker_ticker, quantity, price, currency, status")" = \
	    "claude|real|SHELl_EQ|0.6415|2650.0|GBX|submitted" ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real' AND
	    llm_name = 'claude' AND status = 'submitted' AND
	    broker_order_id GLOB '[0-9]*' AND sent_at IS NOT NULL")" = 4 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE llm_name = 'real'")" = 0 ]
	[ "$(json_field '.orders[2].broker_ticker')" = SHELl_EQ ]
	[ "$(json_field '.orders[2].quantity')" = 0.6415 ]
	# Never more than planned: 40 EUR of ASML is 0.0571 * 700 = 39.97;
	# values are rounded up to the cent (AIR 19.995 is 20.00).
	[ "$(json_field '.orders[0].value_eur')" = 39.97 ]
	[ "$(json_field '.orders[1].value_eur')" = 20 ]
	[ "$(json_field '.eur_total')" = 99.97 ]
	[ "$(tb_sql "SELECT group_concat(value_cents || ':' || decision_price || ':' || price_source, ' ') FROM trades WHERE kind = 'real'")" = \
	    "3997:700.0:yahoo 2000:150.0:yahoo 2000:2650.0:yahoo 2000:227.56:yahoo" ]
	run order_bodies
	assert_output - <<-EOF
	{"ticker":"ASMLa_EQ","quantity":0.0571,"extendedHours":false}
	{"ticker":"AIp_EQ","quantity":0.1333,"extendedHours":false}
	{"ticker":"SHELl_EQ","quantity":0.6415,"extendedHours":false}
	{"ticker":"AAPL_US_EQ","quantity":0.0951,"extendedHours":false}
	EOF
}

@test "the Authorization header is Basic key:secret, or the bare key" {
	standard_day
	run --separate-stderr tb-execute
	assert_success
	want=$(printf 'Basic %s' "$(printf '%s' test-t212-key:test-t212-secret | base64 -w0)" | sha256sum | cut -d' ' -f1)
	[ "$(fakereq -s t212 -l -F auth_sha256)" = "$want" ]
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" != *test-t212-key* && "$stderr" != *test-t212-secret* ]]
	[[ "$output" != *test-t212-key* ]]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE error LIKE '%test-t212%'")" = 0 ]
	unset T212_API_SECRET
	# A new account: no orders at the broker, none in the journal.
	tb_sql "DELETE FROM trades"
	fake_set t212.history='[]' t212.pending='[]'
	run --separate-stderr tb-execute
	assert_success
	want=$(printf '%s' test-t212-key | sha256sum | cut -d' ' -f1)
	[ "$(fakereq -s t212 -l -F auth_sha256)" = "$want" ]
}

@test "a filled order is refreshed by the next run with the fill in EUR" {
	standard_day
	run --separate-stderr tb-execute
	assert_success
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .refreshed.filled)" = 4 ]
	[ "$(json_field .placed)" = 0 ]
	# The fake fills at its own last close: the row takes the fill's
	# price, and amount_eur the broker's wallet impact in EUR.
	fill=$(fake_state t212.history | jq -r '.[] |
	    select(.order.ticker == "SHELl_EQ") |
	    "price = \(.fill.price) AND amount_eur = \(.fill.walletImpact.netValue)"')
	[ "$(trade "ticker = 'SHEL.L'" "status, $fill, currency")" = \
	    "filled|1|GBX" ]
	[ "$(json_field '.orders[2].broker_ticker')" = SHELl_EQ ]
	[ "$(json_field '.orders[2].status')" = not_repeated ]
	[ "$(json_field '.skipped | length')" = 4 ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
}

@test "an unmapped ticker is skipped with its reason while the rest execute" {
	standard_day
	market "NOPE.PA|EUR|10|10|1"
	pick claude NOPE.PA 10 approved 5
	tb_sql "UPDATE daily_picks SET amount_eur = 10 WHERE ticker = 'ASML.AS'"
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 4 ]
	[ "$(json_field '.skipped[0].ticker')" = NOPE.PA ]
	[[ "$(json_field '.skipped[0].reason')" == "not tradable on Trading 212"* ]]
	[ "$(trade "ticker = 'NOPE.PA'" "status, broker_ticker IS NULL, sent_at IS NULL")" = "skipped|1|1" ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
	[[ "$stderr" == *"WARN tb-execute: buy NOPE.PA: skipped"* ]]
}

@test "a quantity that truncates to 0 or is worth under 1 EUR is never sent" {
	market "ASML.AS|EUR|700|700|1" "AIR.PA|EUR|150|150|1"
	llm_ok claude
	pick claude ASML.AS 0.06 approved 1
	pick claude AIR.PA 0.9 approved 2
	approve_all
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 0 ]
	[[ "$(json_field '.skipped[0].reason')" == *"truncates to 0 shares at 4 decimals"* ]]
	[[ "$(json_field '.skipped[1].reason')" == *"below the minimum of 1.00 EUR"* ]]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	[ "$(tb_sql "SELECT group_concat(status) FROM trades")" = "skipped,skipped" ]
}

@test "a 429 on an order: sent once, left pending; never sent again" {
	standard_day
	reset=$(( $(date +%s) + 1 ))
	fake_fault t212 "$ORDERS" status=429 times=1 \
	    header.x-ratelimit-remaining=0 header.x-ratelimit-reset=$reset
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	# An order is never sent twice by the HTTP layer, not even after a
	# 429: the broker may have made it before refusing the answer.
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
	[ "$(trade "ticker = 'ASML.AS'" "status, broker_order_id IS NULL")" = "pending|1" ]
	[[ "$(trade "ticker = 'ASML.AS'" error)" == "no clear answer ("*"HTTP 429"* ]]
	# The broker did not make it: the rerun finds nothing, says unknown
	# (exit 69), and places the others; ASML never again, --force or not.
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[ "$(trade "ticker = 'ASML.AS'" status)" = unknown ]
	[ "$(json_field .placed)" = 3 ]
	run --separate-stderr tb-execute --force
	[ "$status" -eq 69 ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
	[ "$(fakereq -m POST -p "$ORDERS" -F json.ticker | grep -c ASMLa_EQ)" = 1 ]
	[ "$(fake_state t212.history | jq length)" = 3 ]
}

@test "the rate limit is waited for before the request, not hit" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE pick_index > 2"
	fake_set t212.enforce_limits=true 't212.limits={"orders/market": [1, 1]}'
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 2 ]
	[ "$(fakereq -m POST -p "$ORDERS" -F status | sort -u)" = 200 ]
	[ "$(fake_count t212 "$ORDERS")" = 2 ]
	[[ "$stderr" == *"rate limit of /equity/orders/market reached; waiting"* ]]
}

@test "a precision refusal is retried with 2, then 1 decimals, truncating" {
	standard_day
	fake_set 't212.precision={"SHELl_EQ": 1}'
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 4 ]
	run fakereq -m POST -p "$ORDERS" -F json.quantity
	assert_output - <<-EOF
	0.0571
	0.1333
	0.6415
	0.64
	0.6
	0.0951
	EOF
	[ "$(trade "ticker = 'SHEL.L'" "quantity, status")" = "0.6|submitted" ]
	[[ "$(trade "ticker = 'SHEL.L'" error)" == *QuantityPrecisionMismatch* ]]
	[ "$(fake_state t212.history | jq '[.[] | select(.order.ticker == "SHELl_EQ")] | length')" = 1 ]
}

@test "insufficient funds, 2024 shape: rejected with the broker's message" {
	standard_day
	fake_set t212.cash=50
	# Without the account summary tb goes on and the broker decides.
	fake_fault t212 /equity/account/summary status=503
	run --separate-stderr tb-execute
	assert_success
	[[ "$(json_field '.warnings[0]')" == "the account summary could not be read"*"going on without the cash check"* ]]
	[ "$(json_field .account)" = null ]
	# ASML (39.97 EUR) fits in 50 EUR; AIR (19.99) does not any more.
	[ "$(trade "ticker = 'ASML.AS'" status)" = submitted ]
	[ "$(trade "ticker = 'AIR.PA'" "status, broker_order_id IS NULL")" = "rejected|1" ]
	[[ "$(trade "ticker = 'AIR.PA'" error)" == "InsufficientResources: Insufficient funds to place the order (HTTP 400: {\"code\":"* ]]
	[ "$(json_field .failed)" = 3 ]
	[[ "$(json_field '.orders[1].reason')" == "InsufficientResources: Insufficient funds"* ]]
}

@test "cash for only one of three orders: the others skipped, the cheap one goes" {
	standard_day
	tb_sql "UPDATE daily_picks SET amount_eur = 10 WHERE llm_name = 'claude' AND ticker = 'AAPL'"
	fake_set t212.cash=55
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .account.currency)" = EUR ]
	[ "$(json_field .account.cash_available)" = 55 ]
	# 55 EUR: ASML (39.97) fits, then 15.03 are left: AIR and SHEL (20
	# each) do not; AAPL (10) does.
	[ "$(json_field '[.orders[] | .status] | join(",")')" = \
	    "submitted,skipped,skipped,submitted" ]
	[[ "$(json_field '.orders[1].reason')" == "insufficient cash: the order is 20.00 EUR, the account has 15.03 EUR left" ]]
	[ "$(trade "ticker = 'AIR.PA'" "status, sent_at IS NULL")" = "skipped|1" ]
	[ "$(json_field .placed)" = 2 ]
	run fakereq -m POST -p "$ORDERS" -F json.ticker
	assert_output - <<-EOF
	ASMLa_EQ
	AAPL_US_EQ
	EOF
}

@test "a GBP account: the cash and the budget in pounds" {
	standard_day
	fake_set t212.account_currency=GBP t212.cash=40
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .account.currency)" = GBP ]
	[ "$(json_field .account.cash_available)" = 40 ]
	# 100 EUR at 0.85 GBP.
	[ "$(json_field .account.budget)" = 85 ]
	# ASML: 39.97 EUR = 33.98 GBP (rounded up); 6.02 GBP left; nothing
	# else (20 EUR = 17 GBP) fits.
	[ "$(json_field '[.orders[] | .status] | join(",")')" = \
	    "submitted,skipped,skipped,skipped" ]
	[[ "$(json_field '.orders[3].reason')" == "insufficient cash: the order is 17.00 GBP, the account has 6.02 GBP left" ]]
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
	# tb-status shows the account as tb-execute saw it.
	run --separate-stderr tb-status --date "$DAY" --json
	assert_success
	[ "$(json_field '.account | "\(.currency) \(.cash_available) \(.budget)"')" = "GBP 40 85" ]
	run --separate-stderr tb-status --date "$DAY"
	assert_success
	assert_output --partial "ACCOUNT  40.00 GBP free to trade before the orders of "
	assert_output --partial "; daily budget 85.00 GBP"
}

@test "insufficient funds, 2026 shape: rejected with title and detail" {
	standard_day
	fake_fault t212 "$ORDERS" status=400 times=1 \
	    body='{"type":"/api-errors/insufficient-funds","title":"Insufficient funds","status":400,"detail":"Not enough free cash to buy ASMLa_EQ"}'
	run --separate-stderr tb-execute
	assert_success
	[ "$(trade "ticker = 'ASML.AS'" status)" = rejected ]
	[[ "$(trade "ticker = 'ASML.AS'" error)" == "Insufficient funds: Not enough free cash to buy ASMLa_EQ (HTTP 400: "* ]]
	[ "$(trade "ticker = 'AIR.PA'" status)" = submitted ]
}

@test "crash while the broker holds the answer: the rerun reconciles, one order" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'ASML.AS'"
	# The fake creates the order on arrival and answers 30 s later.
	fake_fault t212 "$ORDERS" mode=pass delay=30 times=1
	tb-execute >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 100); do
		[ "$(fake_state t212.history | jq length)" = 1 ] && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" || true
	[ "$(trade "ticker = 'ASML.AS'" "status, broker_order_id IS NULL")" = "pending|1" ]
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .reconciled.matched)" = 1 ]
	[ "$(json_field .reconciled.unknown)" = 0 ]
	id=$(fake_state t212.history | jq -r '.[0].order.id')
	[ "$(trade "ticker = 'ASML.AS'" "status, broker_order_id")" = "filled|$id" ]
	[ "$(json_field '.orders[0].status')" = not_repeated ]
	# And --force does not send it again either.
	run --separate-stderr tb-execute --force
	assert_success
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 1 ]
	# The broker got exactly one order, the killed run's.
	[ "$(fake_state t212.history | jq length)" = 1 ]
	[ "$(fake_state t212.pending | jq length)" = 0 ]
	# Its answer is still held: stopping the fake logs it as unanswered.
	fake_stop
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
	[ "$(fakereq -p "$ORDERS" -F unanswered)" = true ]
}

@test "a pending order the broker never saw becomes unknown and is not re-sent" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'AIR.PA'"
	# An order for another quantity, and one from before the send time,
	# must not be taken for it.
	fake_set 't212.history=[{"ticker":"AIp_EQ","quantity":0.5},{"ticker":"AIp_EQ","quantity":0.1333,"createdAt":"2026-01-05T10:00:00Z"}]'
	tb_sql "INSERT INTO trades (date, llm_name, ticker, broker_ticker, kind,
	    side, amount_eur, quantity, status, created_at, sent_at) VALUES
	    ('$DAY', 'claude', 'AIR.PA', 'AIp_EQ', 'real', 'buy', 20, 0.1333,
	    'pending', '${DAY}T16:10:00Z', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	run --separate-stderr tb-execute --force
	# A trade left unknown needs a human: the run says so and fails.
	[ "$status" -eq 69 ]
	[[ "$(json_field .error)" == "trade 1 (AIR.PA) of $DAY is unknown: "*"check the account"* ]]
	[ "$(json_field .unknown_trades)" = 1 ]
	[ "$(json_field .reconciled.unknown)" = 1 ]
	[ "$(json_field '.reconciled.unknown_trades[0].ticker')" = AIR.PA ]
	[ "$(trade "ticker = 'AIR.PA'" status)" = unknown ]
	[[ "$stderr" == *"ERROR tb-execute: trade 1: buy AIR.PA (AIp_EQ) quantity 0.1333: no matching order"* ]]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	[[ "$(json_field '.orders[0].reason')" == *"never placed twice"* ]]
}

@test "reconciliation follows nextPagePath through the order history" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'AIR.PA'"
	# Ours is the oldest of 56 orders: on the second page of 50.
	others=$(jq -cn '[range(55) | {ticker: "SAPd_EQ", quantity: 1}]')
	fake_set "t212.history=$(jq -cn --argjson o "$others" \
	    '[{ticker: "AIp_EQ", quantity: 0.1333}] + $o')"
	tb_sql "INSERT INTO trades (date, llm_name, ticker, broker_ticker, kind,
	    side, amount_eur, quantity, status, created_at, sent_at) VALUES
	    ('$DAY', 'claude', 'AIR.PA', 'AIp_EQ', 'real', 'buy', 20, 0.1333,
	    'pending', '${DAY}T16:10:00Z', strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-5 seconds'))"
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .reconciled.matched)" = 1 ]
	[ "$(trade "ticker = 'AIR.PA'" "status, broker_order_id")" = \
	    "filled|$(fake_state t212.history | jq -r '.[0].order.id')" ]
	run fakereq -p /history/orders -F query.cursor.0
	assert_output - <<-EOF
	null
	$(fake_state t212.history | jq -r '.[6].order.id')
	EOF
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
}

@test "pending orders and no T212 key: exit 78, the journal untouched" {
	standard_day
	tb_sql "INSERT INTO trades (date, llm_name, ticker, broker_ticker, kind,
	    side, amount_eur, quantity, status, created_at, sent_at) VALUES
	    ('$DAY', 'claude', 'AIR.PA', 'AIp_EQ', 'real', 'buy', 20, 0.1333,
	    'pending', '${DAY}T16:10:00Z', '${DAY}T16:10:00Z')"
	unset T212_API_KEY T212_API_SECRET
	run --separate-stderr tb-execute
	[ "$status" -eq 78 ]
	[ "$(trade "ticker = 'AIR.PA'" status)" = pending ]
	[ "$(json_field .no_real_orders)" = "the order journal could not be reconciled with the broker" ]
	[ "$(json_field .virtual_booked)" = 2 ]
}

@test "a 5xx after sending leaves the order pending for the next run" {
	standard_day
	# The broker takes the order, then its proxy answers 502.
	fake_fault t212 "$ORDERS" status=502 apply=true times=1
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[ "$(trade "ticker = 'ASML.AS'" status)" = pending ]
	# The first sign of trouble stops the run: nothing else was sent.
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
	[ "$(json_field '.orders[1].status')" = not_attempted ]
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .reconciled.matched)" = 1 ]
	[ "$(trade "ticker = 'ASML.AS'" status)" = filled ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
}

@test "a connection closed without an answer: pending, then unknown" {
	standard_day
	# The request reaches the fake, which hangs up without acting.
	fake_fault t212 "$ORDERS" mode=refuse times=1
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[ "$(json_field .status)" = failed ]
	[ "$(trade "ticker = 'ASML.AS'" status)" = pending ]
	[ "$(json_field '[.orders[].status] | join(",")')" = \
	    "pending,not_attempted,not_attempted,not_attempted" ]
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[ "$(json_field .reconciled.unknown)" = 1 ]
	[ "$(trade "ticker = 'ASML.AS'" status)" = unknown ]
	# The others go now; ASML is never sent again.
	[ "$(json_field .placed)" = 3 ]
	[ "$(fakereq -m POST -p "$ORDERS" -F json.ticker | grep -c ASMLa_EQ)" = 1 ]
}

@test "no connection at all: nothing is sent, nothing journalled" {
	standard_day
	tb-execute --dry-run >/dev/null 2>&1	# caches the instruments
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	TB_T212_BASE_URL=http://127.0.0.1:$port run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[[ "$(json_field '.orders[0].reason')" == "the broker's orders could not be read"*"connection refused"* ]]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 0 ]
	# Nothing was decided: the next run does it all.
	run --separate-stderr tb-execute
	assert_success
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
}

@test "virtual trades: the quantity from the EUR price, truncated" {
	standard_day
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .virtual_booked)" = 2 ]
	# 60 EUR of SAP.DE at 200 EUR: 0.3; 40 EUR of AAPL at 210.2948: 0.1902.
	[ "$(trade "kind = 'virtual' AND ticker = 'SAP.DE'" "llm_name, quantity, price, currency, price_eur, status")" = \
	    "minimax|0.3|200.0|EUR|200.0|booked" ]
	[ "$(trade "kind = 'virtual' AND ticker = 'AAPL'" "quantity, price, currency, round(amount_eur, 4)")" = \
	    "0.1902|227.56|USD|$(tb_sql "SELECT round(0.1902 * 210.2948, 4)")" ]
	# 60 + 39.998 EUR.
	[ "$(json_field .eur_virtual)" = 100 ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
}

@test "a virtual trade without a market price is skipped with a warning" {
	standard_day
	pick minimax NOPE.AS 10 proposed 3
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .virtual_booked)" = 2 ]
	[ "$(json_field '.virtual_skipped[0].ticker')" = NOPE.AS ]
	[[ "$(json_field '.warnings[0]')" == "virtual trade NOPE.AS skipped: no market price: not found on Yahoo Finance"* ]]
	[ "$(trade "ticker = 'NOPE.AS'" "kind, status, quantity")" = "virtual|skipped|0.0" ]
}

@test "a rerun does nothing again; --force retries refusals, never orders" {
	standard_day
	fake_fault t212 "$ORDERS" status=400 times=1 \
	    body='{"code":"InsufficientResources","clarification":"Insufficient funds to place the order"}'
	run --separate-stderr tb-execute
	assert_success
	[ "$(trade "ticker = 'ASML.AS'" status)" = rejected ]
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 0 ]
	[ "$(json_field '.virtual[0].status')" = not_repeated ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
	[[ "$(json_field '.skipped[0].reason')" == *"is rejected; --force tries again"* ]]
	run --separate-stderr tb-execute --force
	assert_success
	[ "$(json_field .placed)" = 1 ]
	[ "$(fake_count t212 "$ORDERS")" = 5 ]
	[ "$(fakereq -m POST -p "$ORDERS" -l -F json.ticker)" = ASMLa_EQ ]
	[ "$(tb_sql "SELECT group_concat(status, ',') FROM trades WHERE ticker = 'ASML.AS' ORDER BY id")" = "rejected,submitted" ]
	# --force rebooks virtual trades in place of the old ones.
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'virtual'")" = 2 ]
}

@test "--dry-run prints what would be sent and sends and writes nothing" {
	standard_day
	run --separate-stderr tb-execute --dry-run
	assert_success
	[ "$(json_field .dry_run)" = true ]
	[ "$(json_field '[.orders[] | "\(.broker_ticker) \(.side) \(.quantity) \(.status)"] | join(",")')" = \
	    "ASMLa_EQ buy 0.0571 would_send,AIp_EQ buy 0.1333 would_send,SHELl_EQ buy 0.6415 would_send,AAPL_US_EQ buy 0.0951 would_send" ]
	[ "$(json_field .virtual_booked)" = 2 ]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	[ "$(fakereq -s t212 -m POST -c)" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM trades")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM runs WHERE program = 'tb-execute'")" = 0 ]
	[[ "$stderr" == *"dry run: would send BUY SHELl_EQ 0.6415 (SHEL.L)"* ]]
}

@test "only approved picks become orders" {
	standard_day
	tb_sql "UPDATE approvals SET decision = 'subset', indices = '2'"
	tb_sql "UPDATE daily_picks SET status = 'rejected' WHERE llm_name = 'claude' AND pick_index <> 2"
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 1 ]
	[ "$(order_bodies)" = '{"ticker":"AIp_EQ","quantity":0.1333,"extendedHours":false}' ]
}

@test "no real orders when the main pipeline failed or nobody decided" {
	standard_day
	tb_sql "UPDATE llm_runs SET status = 'failed' WHERE llm_name = 'claude'"
	run --separate-stderr tb-execute
	assert_success
	[[ "$(json_field .no_real_orders)" == "the main trader claude's pipeline did not succeed"* ]]
	[ "$(json_field .virtual_booked)" = 2 ]
	tb_sql "UPDATE llm_runs SET status = 'ok'"
	tb_sql "DELETE FROM approvals"
	run --separate-stderr tb-execute
	assert_success
	[[ "$(json_field .no_real_orders)" == "no approval decision for $DAY"* ]]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 0 ]
}

@test "picks over the budget send nothing: exit 65" {
	standard_day
	tb_sql "UPDATE daily_picks SET amount_eur = 90 WHERE ticker = 'ASML.AS' AND llm_name = 'claude'"
	run --separate-stderr tb-execute
	[ "$status" -eq 65 ]
	[[ "$(json_field .error)" == *"over the daily budget of 100.00 EUR"* ]]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
}

@test "no T212 key with real orders due: virtual trades booked, exit 78" {
	standard_day
	tb-execute --dry-run >/dev/null 2>&1	# caches the instruments
	unset T212_API_KEY T212_API_SECRET
	before=$(fakereq -s t212 -c)
	run --separate-stderr tb-execute
	[ "$status" -eq 78 ]
	[[ "$(json_field .error)" == *T212_API_KEY* ]]
	[ "$(json_field .virtual_booked)" = 2 ]
	[ "$(fakereq -s t212 -c)" = "$before" ]
	# Nothing real was decided: with the key, the next run does it all.
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 0 ]
	export T212_API_KEY=test-t212-key
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .placed)" = 4 ]
}

@test "the broker is the demo account unless t212_environment = live" {
	# (test_orders checks the URL the client builds from this.)
	unset TB_T212_BASE_URL
	run --separate-stderr tb-status --json
	[ "$(json_field .t212_environment)" = demo ]
	TB_T212_ENVIRONMENT=live run --separate-stderr tb-status --json
	[ "$(json_field .t212_environment)" = live ]
	standard_day
	export TB_T212_BASE_URL=$FAKE_URL/t212
	run --separate-stderr tb-execute --dry-run
	[ "$(json_field .environment)" = demo ]
}

@test "--help names every option; a bad option is a usage error" {
	run --separate-stderr tb-execute --help
	assert_success
	for opt in --date --scheduled --force --dry-run --config --verbose --version; do
		[[ "$output" == *"$opt"* ]]
		grep -q -- "${opt#--}" "$TB_ROOT/bin/tb-execute.1"
	done
	run --separate-stderr tb-execute --bogus
	[ "$status" -eq 64 ]
}
