#!/usr/bin/env bats
# Money safety against a broker and a price feed on their bad days: an
# order made and its answer lost, a price in pounds under a pence label,
# a glitch, a jump, a stale decision, an emptied journal, a broker that
# refuses a quantity in its own words.  Every check is on what reached
# the fake broker, not only on tb's rows: no instrument gets a second
# order, no order is worth more than its pick, no day more than the
# budget, and every skip says why.

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

# fresh: a new broker, a new feed, a new TB_HOME (for a loop's round).
fresh() {
	fake_stop
	rm -f "$FAKE_STATE/requests.jsonl"
	fake_start
	rm -rf "$TB_HOME"
	tb_init_db
}

# How many orders the broker holds per ticker ("TICKER N" lines).
broker_orders() {
	fake_state t212.history | jq -r '[.[].order.ticker] | group_by(.) |
	    .[] | "\(.[0]) \(length)"'
}

# The POSTs the broker received for TICKER.
posts_for() {
	fakereq -m POST -p "$ORDERS" -F json.ticker | grep -c "^$1\$" || true
}

@test "the order is made, its answer lost: one order per ticker, whatever follows" {
	local fault
	for fault in "status=408" "status=429" "status=500" "mode=refuse" \
	    "mode=malformed"; do
		fresh
		standard_day
		# The broker creates the ASML order, then answers badly.
		# shellcheck disable=SC2086
		fake_fault t212 "$ORDERS" $fault apply=true times=1
		run --separate-stderr tb-execute
		[ "$status" -eq 69 ] || { echo "$fault: status $status"; false; }
		[ "$(trade "ticker = 'ASML.AS'" status)" = pending ] ||
		    { echo "$fault: $(trade "ticker = 'ASML.AS'" status)"; false; }
		[[ "$(json_field '.orders[0].reason')" == "no clear answer"*"never sends it again"* ]]
		# The rerun finds it at the broker; --force sends nothing again.
		run --separate-stderr tb-execute
		assert_success
		[ "$(json_field .reconciled.matched)" = 1 ]
		run --separate-stderr tb-execute --force
		assert_success
		[ "$(json_field .placed)" = 0 ]
		id=$(fake_state t212.history | jq -r '.[].order |
		    select(.ticker == "ASMLa_EQ") | .id')
		[ "$(trade "ticker = 'ASML.AS'" "status, broker_order_id")" = \
		    "filled|$id" ] || { echo "$fault: $(trade "ticker = 'ASML.AS'" \
		    "status, broker_order_id")"; false; }
		run broker_orders
		assert_output - <<-EOF
		AAPL_US_EQ 1
		AIp_EQ 1
		ASMLa_EQ 1
		SHELl_EQ 1
		EOF
		# The HTTP layer never sent it twice by itself.
		[ "$(posts_for ASMLa_EQ)" = 1 ] || { echo "$fault: resent"; false; }
	done
}

@test "an emptied journal: a rerun sends nothing twice" {
	standard_day
	run --separate-stderr tb-execute
	assert_success
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
	# The trades are lost (a restored backup, a hand edit).
	tb_sql "DELETE FROM trades"
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
	[ "$(json_field '[.orders[].status] | join(",")')" = \
	    "unknown,unknown,unknown,unknown" ]
	[[ "$(json_field '.orders[2].reason')" == "the broker already has buy order "*" for SHELl_EQ "*"that no trade names"* ]]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real' AND status = 'unknown' AND broker_order_id IS NOT NULL")" = 4 ]
	# Not with --force either.
	run --separate-stderr tb-execute --force
	[ "$status" -eq 69 ]
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
}

@test "a restored database from before the run: nothing sent twice" {
	standard_day
	sqlite3 "$TB_HOME/tb.db" ".backup '$BATS_TEST_TMPDIR/before.db'"
	run --separate-stderr tb-execute
	assert_success
	cp "$BATS_TEST_TMPDIR/before.db" "$TB_HOME/tb.db"
	rm -f "$TB_HOME/tb.db-wal" "$TB_HOME/tb.db-shm"
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	run broker_orders
	assert_output - <<-EOF
	AAPL_US_EQ 1
	AIp_EQ 1
	ASMLa_EQ 1
	SHELl_EQ 1
	EOF
}

@test "pounds under a pence label: no order, the reason names both prices" {
	standard_day
	# SHEL.L's newest price in pounds, labelled GBp like its closes.
	quote SHEL.L '{"at": 2650, "price": 26.5}'
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field '.orders[2].status')" = skipped ]
	[[ "$(json_field '.orders[2].reason')" == "implausible price: 26.5 GBp against a previous close of "*" GBp (about 1/100: a unit slip)" ]]
	[ "$(trade "ticker = 'SHEL.L'" "status, sent_at IS NULL")" = "skipped|1" ]
	[ "$(posts_for SHELl_EQ)" = 0 ]
	[ "$(json_field .placed)" = 3 ]
}

@test "a price of 0.0001 and a +40 % jump: no order, the others placed" {
	standard_day
	quote AIR.PA '{"at": 150, "price": 0.0001}'
	# The close before the price's day, as the fake serves it.
	prior=$(curl -s -A tb-test "$FAKE_URL/yahoo/v8/finance/chart/AAPL" |
	    jq '.chart.result[0].indicators.quote[0].close[-2]')
	quote AAPL "{\"at\": 227.56, \"price\": $(jq -n "$prior * 1.4")}"
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field '[.orders[] | .status] | join(",")')" = \
	    "submitted,skipped,submitted,skipped" ]
	[[ "$(json_field '.orders[1].reason')" == "implausible price: 0.0001 EUR against a previous close of "* ]]
	[[ "$(json_field '.orders[3].reason')" == "implausible price: "*" USD against a previous close of "*"(+40.0 %, more than 25 %)" ]]
	[ "$(posts_for AIp_EQ)" = 0 ]
	[ "$(posts_for AAPL_US_EQ)" = 0 ]
	# The virtual AAPL pick is skipped for the same reason.
	[ "$(json_field '.virtual[1].status')" = skipped ]
	[[ "$(json_field '.virtual[1].reason')" == "implausible price: "* ]]
	[ "$(json_field '.virtual[0].status')" = booked ]
}

@test "a stale day is re-quoted: sized at today's prices, within the budget" {
	standard_day
	# Executed two days later; the market rose 50 % meanwhile.
	export TB_NOW=2026-11-25T17:10:00+01:00
	local sym
	for sym in ASML.AS AIR.PA SHEL.L AAPL SAP.DE; do
		quote "$sym" "{\"at\": $(tb_sql "SELECT price * 1.5 FROM market_data WHERE symbol = '$sym'")}"
	done
	run --separate-stderr tb-execute --date "$DAY"
	assert_success
	[ "$(json_field .placed)" = 4 ]
	# 40 EUR of ASML at 1050: 0.038 (not 0.0571 at the decision's 700).
	[ "$(order_bodies | head -1)" = \
	    '{"ticker":"ASMLa_EQ","quantity":0.0380,"extendedHours":false}' ]
	[ "$(trade "ticker = 'ASML.AS'" "round(price, 6), decision_price")" = "1050.0|700.0" ]
	# What the broker charged, in EUR, stays within the budget.
	spent=$(fake_state t212.history | jq '[.[].fill.walletImpact.netValue] | add')
	[ "$(jq -n "$spent <= 100")" = true ]
	[ "$(jq -n "$spent > 99")" = true ]
	[ "$(json_field '.virtual[0].decision_price')" = 200 ]
	[ "$(trade "kind = 'virtual' AND ticker = 'SAP.DE'" "quantity, round(price, 6)")" = "0.2|300.0" ]
}

@test "a quantity refused in three wordings: fewer decimals, one order" {
	local body
	for body in \
	    '{"code":"QuantityPrecisionMismatch","clarification":"Quantity precision mismatch"}' \
	    '{"type":"/api-errors/invalid-request","title":"The request is invalid","status":400,"detail":"Too many decimal places for this instrument"}' \
	    '{"code":"InvalidQuantity","clarification":"Fractional quantities are not supported"}'; do
		fresh
		standard_day
		tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'SHEL.L'"
		fake_fault t212 "$ORDERS" status=400 times=2 body="$body"
		run --separate-stderr tb-execute
		assert_success
		[ "$(json_field '.orders[0].status')" = submitted ] ||
		    { echo "$body: $output"; false; }
		run fakereq -m POST -p "$ORDERS" -F json.quantity
		assert_output - <<-EOF
		0.6415
		0.64
		0.6
		EOF
		[ "$(broker_orders)" = "SHELl_EQ 1" ]
		[[ "$(trade "ticker = 'SHEL.L'" error)" == "refused at 2 decimals: "* ]]
	done
}

@test "an unclear refusal is never retried with fewer decimals" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'SHEL.L'"
	# A proxy's page that talks of decimals proves nothing: 502.
	fake_fault t212 "$ORDERS" status=502 times=1 body='bad gateway: decimal'
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
	[ "$(trade "ticker = 'SHEL.L'" status)" = pending ]
}

@test "a 400 without the broker's error body leaves the order pending" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'AIR.PA'"
	fake_fault t212 "$ORDERS" status=400 times=1 body='<html>Bad Request</html>' apply=true
	run --separate-stderr tb-execute
	[ "$status" -eq 69 ]
	[ "$(trade "ticker = 'AIR.PA'" status)" = pending ]
	run --separate-stderr tb-execute
	assert_success
	[ "$(trade "ticker = 'AIR.PA'" status)" = filled ]
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
}

@test "the day's real orders never pass the budget, across decisions" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'ASML.AS'"
	run --separate-stderr tb-execute
	assert_success
	# Decided again: new picks worth the whole budget again.
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude'"
	pick claude AIR.PA 50 approved 1
	pick claude SAP.DE 50 approved 2
	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field '.orders[0].status')" = submitted ]
	[ "$(json_field '.orders[1].status')" = skipped ]
	[[ "$(json_field '.orders[1].reason')" == "over the daily budget: 89.97 EUR of 100.00 EUR already ordered today, this order is 50.00 EUR" ]] ||
	    { json_field '.orders[1].reason'; false; }
	[ "$(posts_for SAPd_EQ)" = 0 ]
	spent=$(fake_state t212.history | jq '[.[].fill.walletImpact.netValue] | add')
	[ "$(jq -n "$spent <= 100")" = true ]
}

@test "market orders leave at least 1.2 s apart" {
	standard_day
	TB_HTTP_BACKOFF_SCALE=1 run --separate-stderr tb-execute
	assert_success
	run fakereq -m POST -p "$ORDERS" -F arrived_at
	[ "${#lines[@]}" -eq 4 ]
	# Each order arrives no sooner than 1.2 s after the one before.
	[ "$(printf '%s\n' "${lines[@]}" | jq -s '[range(1; length) as $i |
	    .[$i] - .[$i - 1]] | min >= 1.2')" = true ]
}

@test "no connection for the order: 'failed', and only --force sends it again" {
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'AIR.PA'"
	tb-execute --dry-run >/dev/null 2>&1	# caches the instruments
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# The broker's orders and the quote are read; the order cannot
	# connect: it provably never left.
	run "$TB_BUILD/tools/orderonce" "$DAY" claude AIR.PA 20 "http://127.0.0.1:$port"
	[ "$status" -eq 69 ]
	[[ "$output" == *"failed not sent: "*"connection refused"* ]] || { echo "$output"; false; }
	[ "$(trade "ticker = 'AIR.PA'" "status, broker_order_id IS NULL, sent_at IS NOT NULL")" = "failed|1|1" ]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	run --separate-stderr tb-execute
	assert_success
	[[ "$(json_field '.orders[0].reason')" == "trade 1 is failed; --force tries again" ]]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	run --separate-stderr tb-execute --force
	assert_success
	[ "$(json_field '.orders[0].status')" = submitted ]
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
}
