#!/usr/bin/env bats
# Configuration: every invalid value is exit 78 with a message that names
# the key and the value, from the file and from the environment.

load helpers

setup() {
	tb_isolate
}

@test "defaults: tb-status runs with no file and no environment" {
	run --separate-stderr tb-status --json --date 2026-03-30
	assert_success
	[ "$(json_field .t212_environment)" = demo ]
}

@test "a value from the file applies, the environment wins over it" {
	tb_config 't212_environment = "live"' 'holidays = "2026-03-30"'
	run --separate-stderr tb-status --json --date 2026-03-30
	assert_success
	[ "$(json_field .t212_environment)" = live ]
	[ "$(json_field .trading_day)" = false ]
	[ "$(json_field .reason)" = holiday ]
	TB_T212_ENVIRONMENT=demo TB_HOLIDAYS='' run --separate-stderr \
	    tb-status --json --date 2026-03-30
	[ "$(json_field .t212_environment)" = demo ]
	[ "$(json_field .trading_day)" = true ]
}

@test "--config names the file; TB_CONFIG too; a missing one is an error" {
	printf 't212_environment = live\n' > "$BATS_TEST_TMPDIR/other.conf"
	run --separate-stderr tb-status --json --config "$BATS_TEST_TMPDIR/other.conf"
	assert_success
	[ "$(json_field .t212_environment)" = live ]
	run --separate-stderr tb-status --config "$BATS_TEST_TMPDIR/nope.conf"
	[ "$status" -eq 78 ]
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" == *"nope.conf"* ]]
	TB_CONFIG="$BATS_TEST_TMPDIR/gone.conf" run --separate-stderr tb-status
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"gone.conf"* ]]
}

@test "an unknown key in the file is a configuration error naming it" {
	tb_config 'max_picks = 3' 'max_pics = 4'
	run --separate-stderr tb-status
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"max_pics"* ]]
	[ "$(json_field .status)" = failed ]
}

@test "a file that does not parse is a configuration error with its line" {
	tb_config 'max_picks = 3' 'subreddits = "stocks'
	run --separate-stderr tb-status
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"tb.conf"* ]]
}

# key, bad value, for both the file and the environment.
bad_values=(
	"orchestrator_timezone|Mars/Olympus"
	"scheduler_execute_time|25:00"
	"scheduler_collect_times|08:00,25:00"
	"scheduler_collect_times|08:00,08:00"
	"daily_budget_eur|-100"
	"daily_budget_eur|lots"
	"approval_timeout_action|approve_some"
	"approval_timeout_seconds|12abc"
	"market_data_ticker_limit|twelve"
	"misfire_grace_seconds|-5"
	"max_picks|0"
	"holidays|2026-13-01"
	"subreddits|wall street bets"
	"t212_environment|paper"
	"claude_model|two words"
	"anthropic_base_url|api.anthropic.com"
	"t212_base_url|ftp://demo.trading212.com"
)

@test "every invalid value in the environment: exit 78 naming key and value" {
	local kv key value var
	for kv in "${bad_values[@]}"; do
		key=${kv%%|*} value=${kv#*|}
		var="TB_$(printf '%s' "$key" | tr '[:lower:]' '[:upper:]')"
		run --separate-stderr env "$var=$value" tb-status
		[ "$status" -eq 78 ] || { echo "$var=$value: status $status"; false; }
		[[ "$stderr" == *"$key"* ]] || { echo "$var: $stderr"; false; }
		[[ "$stderr" == *"$value"* ]] || { echo "$var: $stderr"; false; }
	done
}

@test "every invalid value in the file: exit 78 naming key and value" {
	local kv key value
	for kv in "${bad_values[@]}"; do
		key=${kv%%|*} value=${kv#*|}
		tb_config "$key = \"$value\""
		run --separate-stderr tb-status
		[ "$status" -eq 78 ] || { echo "$key=$value: status $status"; false; }
		[[ "$stderr" == *"$key"* ]] || { echo "$key: $stderr"; false; }
		[[ "$stderr" == *"$value"* ]] || { echo "$key: $stderr"; false; }
	done
}

@test "TB_NOW that does not parse is a configuration error" {
	TB_NOW=yesterday run --separate-stderr tb-status
	[ "$status" -eq 78 ]
	[[ "$stderr" == *TB_NOW* ]]
}

@test "a key file readable by others is refused; 0600 is read" {
	mkdir -p "$TB_HOME"
	printf 'T212_API_KEY=abc123secret\n' > "$TB_HOME/tb.env"
	chmod 644 "$TB_HOME/tb.env"
	run --separate-stderr tb-status
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"chmod 600"* ]]
	[[ "$stderr$output" != *abc123secret* ]]
	chmod 600 "$TB_HOME/tb.env"
	run --separate-stderr tb-status
	assert_success
}

@test "usage errors are exit 64; --help is exit 0 and teaches" {
	run --separate-stderr tb-status --date 2026-02-30
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"2026-02-30"* ]]
	run --separate-stderr tb-status --no-such-flag
	[ "$status" -eq 64 ]
	run tb-status --help
	assert_success
	assert_output --partial "usage: tb-status"
	assert_output --partial "--json"
	run tb-status --version
	assert_success
	assert_output --regexp '^tb-status [0-9]+\.[0-9]+'
}

@test "tb.conf.example parses and lists every key" {
	export TB_CONFIG="$TB_ROOT/tb.conf.example"
	run --separate-stderr tb-status --json --date 2026-03-30
	assert_success
	local key
	for key in orchestrator_timezone approval_timeout_seconds \
	    approval_timeout_action market_data_ticker_limit \
	    scheduler_collect_times scheduler_execute_time misfire_grace_seconds \
	    daily_budget_eur max_picks holidays approval_notify_command \
	    subreddits t212_environment claude_model minimax_model \
	    reddit_base_url reddit_auth_url yahoo_base_url anthropic_base_url \
	    minimax_base_url t212_base_url; do
		grep -q "^$key = " "$TB_CONFIG" || { echo "missing $key"; false; }
		grep -q "^#TB_$(printf '%s' "$key" | tr '[:lower:]' '[:upper:]')=" "$TB_ROOT/env.example" ||
		    { echo "env.example lacks TB_ for $key"; false; }
	done
}
