#!/usr/bin/env bats
# tb-status: rotation and trading-day status, as text and JSON.

load helpers

setup() {
	tb_isolate
}

@test "rotation for a whole week, and the weekend off" {
	local day want
	for day_want in 2026-03-30:claude:minimax 2026-03-31:minimax:claude \
	    2026-04-01:claude:minimax 2026-04-02:minimax:claude \
	    2026-04-03:claude:minimax; do
		IFS=: read -r day main virt <<< "$day_want"
		run --separate-stderr tb-status --json --date "$day"
		assert_success
		[ "$(json_field .main_trader)" = "$main" ]
		[ "$(json_field .virtual_trader)" = "$virt" ]
		[ "$(json_field .trading_day)" = true ]
	done
	for day in 2026-04-04 2026-04-05; do
		run --separate-stderr tb-status --json --date "$day"
		assert_success
		[ "$(json_field .trading_day)" = false ]
		[ "$(json_field .reason)" = weekend ]
		[ "$(json_field .main_trader)" = null ]
	done
}

@test "text output is an aligned table naming the traders" {
	run --separate-stderr tb-status --date 2026-03-31
	assert_success
	assert_line --regexp '^date +2026-03-31 \(Tuesday\)$'
	assert_line --regexp '^main trader +minimax$'
	assert_line --regexp '^virtual trader +claude$'
	assert_line --regexp '^account +demo$'
}

@test "today comes from TB_NOW in the orchestrator timezone" {
	TB_NOW=2026-04-03T23:30:00Z run --separate-stderr tb-status --json
	[ "$(json_field .date)" = 2026-04-04 ]
	[ "$(json_field .weekday)" = Saturday ]
	TB_ORCHESTRATOR_TIMEZONE=UTC TB_NOW=2026-04-03T23:30:00Z \
	    run --separate-stderr tb-status --json
	[ "$(json_field .date)" = 2026-04-03 ]
}

@test "a live account is shown as real money" {
	TB_T212_ENVIRONMENT=live run --separate-stderr tb-status --date 2026-03-30
	assert_line --regexp '^account +live \(real money\)$'
}
