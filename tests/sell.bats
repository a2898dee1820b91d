#!/usr/bin/env bats
# tb-sell: real sells with the journal and the rules of a buy (checked on
# what reached the fake broker), never more than held, virtual sells at
# a fresh quote with the fee model.

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
	standard_day
	run --separate-stderr tb-execute
	assert_success
	export TB_NOW=${DAY}T17:40:00+01:00
}

teardown() {
	fake_stop
}

# The sell orders the broker received (their bodies), one per line.
sell_bodies() {
	fakereq -m POST -p "$ORDERS" -F body | grep -- '"quantity":-' || true
}

# The broker's sell orders of TICKER in its records.
broker_sells() {
	fake_state t212.history | jq --arg t "$1" \
	    '[.[].order | select(.ticker == $t and .side == "SELL")] | length'
}

@test "a real sell goes out as a negative quantity, the whole position by default" {
	run --separate-stderr tb-sell --llm claude --ticker ASML.AS
	assert_success
	[ "$(json_field '"\(.kind) \(.sell_status) \(.held) \(.broker_held) \(.quantity)"')" = \
	    "real submitted 0.0571 0.0571 0.0571" ]
	run sell_bodies
	assert_output '{"ticker":"ASMLa_EQ","quantity":-0.0571,"extendedHours":false}'
	[ "$(trade "side = 'sell'" "kind, llm_name, status, quantity")" = \
	    "real|claude|submitted|0.0571" ]
}

# fresh: a new broker and a new TB_HOME with the standard day executed.
fresh() {
	fake_stop
	rm -f "$FAKE_STATE/requests.jsonl"
	rm -rf "$TB_HOME"
	setup
}

@test "a sell whose answer is lost is reconciled and never repeated" {
	local fault
	for fault in "status=500" "mode=refuse" "status=408"; do
		fresh
		# The broker makes the sell, then answers badly.
		# shellcheck disable=SC2086
		fake_fault t212 "$ORDERS" $fault apply=true times=1
		run --separate-stderr tb-sell --llm claude --ticker AIR.PA
		[ "$status" -eq 69 ] || { echo "$fault: $status $output"; false; }
		[ "$(trade "side = 'sell'" status)" = pending ]
		[[ "$(json_field .reason)" == "no clear answer"*"never sends it again"* ]]
		# The rerun finds it at the broker and sends nothing.
		run --separate-stderr tb-sell --llm claude --ticker AIR.PA
		assert_success
		[ "$(json_field .reconciled.matched)" = 1 ] || { echo "$fault: $output"; false; }
		[ "$(json_field .sell_status)" = not_repeated ]
		run --separate-stderr tb-sell --llm claude --ticker AIR.PA --force
		assert_success
		[ "$(json_field .sell_status)" = not_repeated ]
		[ "$(trade "side = 'sell'" "status, broker_order_id IS NOT NULL")" = "filled|1" ]
		[ "$(broker_sells AIp_EQ)" = 1 ] || { echo "$fault: two sells"; false; }
		[ "$(sell_bodies | wc -l)" = 1 ] || { echo "$fault: resent"; false; }
	done
}

@test "an emptied journal: the broker's unclaimed sell makes the row unknown, nothing sent" {
	run --separate-stderr tb-sell --llm claude --ticker SHEL.L
	assert_success
	tb_sql "DELETE FROM trades WHERE side = 'sell'"
	run --separate-stderr tb-sell --llm claude --ticker SHEL.L
	[ "$status" -eq 69 ]
	[ "$(json_field .sell_status)" = unknown ]
	[[ "$(json_field .reason)" == "the broker already has sell order "*"SHELl_EQ"* ]]
	[ "$(sell_bodies | wc -l)" = 1 ]
}

@test "never more than the LLM holds, nor than the broker's position" {
	run --separate-stderr tb-sell --llm claude --ticker ASML.AS --quantity 0.06
	[ "$status" -eq 65 ]
	[ "$(json_field .reason)" = "0.0600 shares is more than the 0.0571 held" ]
	# MiniMax holds no real AAPL, only virtual: a real sell of it.
	run --separate-stderr tb-sell --llm minimax --ticker AAPL --kind real
	[ "$status" -eq 65 ]
	[[ "$(json_field .reason)" == "minimax holds no shares of it"* ]]
	# The broker lost part of the position (sold by hand, say): its
	# 0.03 shares bound the sell, whatever the journal says.
	fake_set "{\"t212.history\": $(fake_state t212.history | jq -c '
	    map(if .order.ticker == "ASMLa_EQ" then .fill.quantity = 0.03 |
	    .order.filledQuantity = 0.03 else . end)')}"
	run --separate-stderr tb-sell --llm claude --ticker ASML.AS
	[ "$status" -eq 65 ]
	[ "$(json_field .reason)" = "0.0571 shares is more than the broker's position of 0.0300" ]
	run --separate-stderr tb-sell --llm claude --ticker ASML.AS --quantity 0.03
	assert_success
	# Nothing but that one sell reached the broker.
	run sell_bodies
	assert_output '{"ticker":"ASMLa_EQ","quantity":-0.0300,"extendedHours":false}'
}

@test "the broker refuses a sell it does not hold: rejected, exit 65" {
	# The broker's books say nothing is held, but its positions lag.
	fake_fault t212 /api/v0/equity/positions status=200 \
	    body='[{"instrument":{"ticker":"AIp_EQ"},"quantity":5,"quantityAvailableForTrading":5}]'
	fake_set "{\"t212.history\": $(fake_state t212.history | jq -c '
	    map(select(.order.ticker != "AIp_EQ"))')}"
	run --separate-stderr tb-sell --llm claude --ticker AIR.PA
	[ "$status" -eq 65 ]
	[ "$(json_field .sell_status)" = rejected ]
	[[ "$(trade "side = 'sell'" error)" == "SellingEquityNotOwned"* ]]
}

@test "a virtual sell is booked at a fresh quote and pays the FX fee" {
	# AAPL moved to 230 USD, EURUSD at 1.0821: 0.1902 shares of minimax's.
	quote AAPL '{"at": 230}'
	run --separate-stderr tb-sell --llm minimax --ticker AAPL
	assert_success
	[ "$(json_field '"\(.kind) \(.sell_status) \(.quantity)"')" = "virtual booked 0.1902" ]
	# Worth 0.1902 x 230 / 1.0821 = 40.4271 EUR: 40.42 received (down),
	# less 0.15 % FX fee 0.0606 -> 0.07 (up) = 40.35.
	read -r value fee <<<"$(python3 -c '
import math
v = 0.1902 * 230 / 1.0821
print(math.floor(v * 100 + 1e-6), math.ceil(v * 0.15 - 1e-6))')"
	[ "$(trade "side = 'sell'" "cash_cents, fees_cents, value_cents")" = \
	    "$((value - fee))|$fee|$value" ]
	[ "$(json_field .proceeds_eur)" = "$(jq -n "($value - $fee) / 100")" ]
	# No order for a virtual sell.
	[ "$(sell_bodies | wc -l)" = 0 ]
	# SAP.DE is in EUR: no fee.
	run --separate-stderr tb-sell --llm minimax --ticker SAP.DE --quantity 0.1
	assert_success
	[ "$(trade "side = 'sell' AND ticker = 'SAP.DE'" "fees_cents, cash_cents")" = "0|2000" ]
}

@test "a virtual sell without a plausible quote books nothing" {
	quote SAP.DE '{"at": 200, "price": 2}'
	run --separate-stderr tb-sell --llm minimax --ticker SAP.DE
	[ "$status" -eq 65 ]
	[[ "$(json_field .reason)" == "implausible price: 2 EUR against a previous close of "* ]]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE side = 'sell'")" = 0 ]
}

@test "which kind: both held needs --kind; never bought is refused" {
	# Claude bought AAPL for real; book it a virtual AAPL too.
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, quantity,
	    status, created_at, cash_cents) VALUES ('$DAY', 'claude', 'AAPL',
	    'virtual', 'buy', 0.1, 'booked', 'x', 2000)"
	run --separate-stderr tb-sell --llm claude --ticker AAPL
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"holds AAPL both real and virtual: say which with --kind"* ]]
	run --separate-stderr tb-sell --llm claude --ticker SAP.DE
	[ "$status" -eq 65 ]
	[ "$(json_field .reason)" = "claude never bought SAP.DE" ]
	[ "$(sell_bodies | wc -l)" = 0 ]
}

@test "--dry-run sends nothing and writes nothing" {
	local runs
	runs=$(tb_sql "SELECT count(*) FROM runs")
	run --separate-stderr tb-sell --llm claude --ticker AAPL --dry-run
	assert_success
	[ "$(json_field .sell_status)" = would_send ]
	[ "$(sell_bodies | wc -l)" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE side = 'sell'")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM runs")" = "$runs" ]
}

@test "the order journal is one program's at a time" {
	mkdir -p "$TB_HOME/locks"
	# This shell holds the journal's lock, as a running tb-execute would.
	exec 8>"$TB_HOME/locks/orders.lock"
	flock -n 8
	run --separate-stderr tb-sell --llm claude --ticker AAPL
	exec 8>&-
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"orders.lock"* ]]
	[ "$(sell_bodies | wc -l)" = 0 ]
	run --separate-stderr tb-sell --llm claude --ticker AAPL
	assert_success
}

@test "usage: --llm and --ticker required, values checked, --help" {
	run --separate-stderr tb-sell --ticker AAPL
	[ "$status" -eq 64 ]
	run --separate-stderr tb-sell --llm gpt --ticker AAPL
	[ "$status" -eq 64 ]
	run --separate-stderr tb-sell --llm claude --ticker AAPL --quantity -1
	[ "$status" -eq 64 ]
	run --separate-stderr tb-sell --llm claude --ticker 'AAPL;rm' --kind real
	[ "$status" -eq 64 ]
	run --separate-stderr tb-sell --llm claude --ticker AAPL --kind paper
	[ "$status" -eq 64 ]
	run --separate-stderr tb-sell --help
	assert_success
	assert_output --partial "usage: tb-sell --llm NAME --ticker SYMBOL"
	[ "$(fake_count t212 "$ORDERS")" = 4 ]
}
