#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats' run sets output and stderr
# Consistent edges (issue 15 item 7): one timestamp format in every log
# line, amounts in JSON rounded to the cent.

load helpers

RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2} (DEBUG|INFO|WARN|ERROR) tb-[a-z]+: '

setup() {
	tb_isolate
}

teardown() {
	fake_stop
}

# The numbers of a JSON document under money keys with more than two
# decimals, one per line (none when all are cents).
noisy_amounts() {
	jq -r '.. | objects | to_entries[]
	    | select(.key | test("_eur$|^eur_|^cash|^budget"))
	    | select(.key | test("price") | not)
	    | .value | numbers | tostring | select(test("\\.[0-9]{3,}"))'
}

@test "the programs' log lines and tb-daily's have one timestamp format: RFC 3339 with the offset" {
	# Saturday: tb-collect skips, and so does tb-daily, each saying so.
	TB_NOW=2026-03-28T10:00:00+01:00 run --separate-stderr tb-daily --collect-rounds 1
	assert_success
	[[ "$stderr" == *"INFO tb-collect: skipped: not a trading day"* ]]
	[[ "$stderr" == *"INFO tb-daily: skipped: 2026-03-28 is not a trading day"* ]]
	run grep -Evc -e "$RFC3339" <<<"$stderr"
	assert_output 0
	# An error line, in the orchestrator's zone: Berlin is +01:00 in March.
	TZ=UTC run --separate-stderr tb-status --date 2026-03-30
	[ "$status" -eq 78 ]
	[[ "$stderr" =~ ^[0-9-]{10}T[0-9:]{8}\+0[12]:00\ ERROR\ tb-status:\  ]]
}

@test "tb-status --json prints amounts to the cent and prices to 4 decimals" {
	tb_init_db
	tb_sql "INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct,
	    amount_eur, is_main_trader, status, pick_index, created_at) VALUES
	    ('2026-03-30', 'claude', 'ASML.AS', 33.333333333333336,
	    33.333333333333336, 1, 'approved', 1, '2026-03-30T15:10:00Z')"
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side,
	    amount_eur, quantity, price, currency, status, created_at) VALUES
	    ('2026-03-30', 'minimax', 'AAPL', 'virtual', 'buy',
	    24.987824074074076, 0.1188, 210.29480000000001, 'USD', 'booked',
	    '2026-03-30T15:12:00Z')"
	run --separate-stderr tb-status --json --date 2026-03-30
	assert_success
	[ "$(json_field '.trades[0].amount_eur')" = 24.99 ]
	[ "$(json_field '.trades[0].price')" = 210.2948 ]
	[ "$(json_field '.trades[0].quantity')" = 0.1188 ]
	[ "$(json_field '.picks.claude[0].amount_eur')" = 33.33 ]
	# Not a money key: the allocation keeps its value.
	[ "$(json_field '.picks.claude[0].allocation_pct')" = 33.333333333333336 ]
	[ -z "$(printf '%s\n' "$output" | noisy_amounts)" ]
}

@test "tb-execute's summary, printed and stored, has amounts to the cent and prices to 4 decimals" {
	load execute
	DAY=2026-11-23
	fake_start
	export T212_API_KEY=test-t212-key T212_API_SECRET=test-t212-secret
	export TB_NOW=${DAY}T17:10:00+01:00
	tb_init_db
	standard_day
	run --separate-stderr tb-execute
	assert_success
	# AAPL at 227.56 USD is 210.29479715... EUR (EURUSD 1.0821): 40 EUR
	# buy 0.1902 shares, 39.998... EUR.
	[ "$(json_field '.virtual[] | select(.ticker == "AAPL") | .price_eur')" = 210.2948 ]
	[ "$(json_field '.virtual[] | select(.ticker == "AAPL") | .amount_eur')" = 40 ]
	[ -z "$(printf '%s\n' "$output" | tail -n 1 | noisy_amounts)" ]
	[ -z "$(tb_sql "SELECT summary_json FROM runs WHERE program = 'tb-execute'" | noisy_amounts)" ]
	[ "$(tb_sql "SELECT summary_json FROM runs WHERE program = 'tb-execute'" |
	    jq '.virtual[] | select(.ticker == "AAPL") | .price_eur')" = 210.2948 ]
	# The database keeps the exact value; only the output is rounded.
	[ "$(tb_sql "SELECT amount_eur != round(amount_eur, 2) FROM trades WHERE ticker = 'AAPL' AND kind = 'virtual'")" = 1 ]
}
