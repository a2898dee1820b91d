#!/usr/bin/env bats
# Configuration: every invalid value is exit 78 with a message that names
# the key and the value, from the file, tb.env and the environment; the
# precedence environment > tb.env > tb.conf > defaults, shown by
# tb-status --config; files another user could change are refused.

load helpers

setup() {
	tb_isolate
}

# The value and the source of key in tb-status --config --json's $output.
value_of() {
	printf '%s\n' "$output" | jq -r --arg k "$1" '.keys[] | select(.key == $k) | .value'
}
source_of() {
	printf '%s\n' "$output" | jq -r --arg k "$1" '.keys[] | select(.key == $k) | .source'
}
secret_of() { # NAME: "set source" or "unset null"
	printf '%s\n' "$output" | jq -r --arg n "$1" \
	    '.secrets[] | select(.name == $n) | "\(if .set then "set" else "unset" end) \(.source)"'
}

# Write $TB_HOME/tb.env (arguments are its lines), mode 0600.
tb_env() {
	mkdir -p "$TB_HOME"
	printf '%s\n' "$@" > "$TB_HOME/tb.env"
	chmod 600 "$TB_HOME/tb.env"
}

@test "defaults: with no file and no environment every key is its default" {
	run --separate-stderr tb-status --config --json
	assert_success
	[ "$(value_of t212_environment)" = demo ]
	[ "$(value_of max_picks)" = 5 ]
	[ "$(printf '%s\n' "$output" | jq -r '[.keys[].source] | unique | join(",")')" = default ]
	[ "$(printf '%s\n' "$output" | jq '.keys | length')" = 34 ]
	[ "$(json_field .file)" = null ]
	[ "$(json_field .env_file)" = null ]
	[ "$(json_field .home)" = "$TB_HOME" ]
	# Showing the configuration creates nothing.
	[ ! -e "$TB_HOME" ]
}

@test "tb-status --config: each key's value and source, environment > tb.env > tb.conf > default" {
	mkdir -p "$TB_HOME"
	printf '%s\n' 'max_picks = 2' 'market_parallel = 2' 'daily_budget_eur = 50' \
	    > "$TB_HOME/tb.conf"
	tb_env 'TB_MAX_PICKS=3' 'TB_MARKET_PARALLEL=3' 'ANTHROPIC_API_KEY=sk-ant-DISTINCTIVE-env-file'
	export TB_MAX_PICKS=4 T212_API_KEY=t212-DISTINCTIVE-environment
	run --separate-stderr tb-status --config --json
	assert_success
	[ "$(value_of max_picks) $(source_of max_picks)" = "4 environment" ]
	[ "$(value_of market_parallel) $(source_of market_parallel)" = "3 tb.env" ]
	[ "$(value_of daily_budget_eur) $(source_of daily_budget_eur)" = "50 tb.conf" ]
	[ "$(value_of misfire_grace_seconds) $(source_of misfire_grace_seconds)" = "300 default" ]
	[ "$(json_field .file)" = "$TB_HOME/tb.conf" ]
	[ "$(json_field .env_file)" = "$TB_HOME/tb.env" ]
	[ "$(secret_of ANTHROPIC_API_KEY)" = "set tb.env" ]
	[ "$(secret_of T212_API_KEY)" = "set environment" ]
	[ "$(secret_of MINIMAX_API_KEY)" = "unset null" ]
	[[ "$output" != *DISTINCTIVE* ]]
	# For humans: aligned columns, the same facts, no secret.
	run --separate-stderr tb-status --config
	assert_success
	assert_line --regexp '^max_picks +4 +environment$'
	assert_line --regexp '^market_parallel +3 +tb.env$'
	assert_line --regexp '^daily_budget_eur +50 +tb.conf$'
	assert_line --regexp '^holidays +"" +default$'
	assert_line --regexp '^ANTHROPIC_API_KEY +set +tb.env$'
	assert_line --regexp '^MINIMAX_API_KEY +unset +-$'
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$output$stderr" != *DISTINCTIVE* ]]
	local cols
	cols=$(printf '%s\n' "$output" | grep -E '^(max_picks|orchestrator_timezone|t212_timeout_seconds) ' |
	    awk '{ print index($0, $3) }' | sort -u | wc -l)
	[ "$cols" -eq 1 ]
}

@test "tb-status --config: an invalid value is exit 78 naming the key and where it was set" {
	tb_env 'TB_MAX_PICKS=0'
	run --separate-stderr tb-status --config
	[ "$status" -eq 78 ]
	[[ "$stderr" == *'max_picks = "0"'* ]]
	[[ "$stderr" == *"TB_MAX_PICKS in $TB_HOME/tb.env"* ]]
	tb_env
	TB_MARKET_PARALLEL=99 run --separate-stderr tb-status --config --json
	[ "$status" -eq 78 ]
	[[ "$stderr" == *market_parallel*"environment variable TB_MARKET_PARALLEL"* ]]
	[ "$(json_field .status)" = failed ]
}

@test "--config FILE is the file for the day; --config alone shows what it configures" {
	printf 'max_picks = 3\n' > "$BATS_TEST_TMPDIR/other.conf"
	run --separate-stderr tb-status --config "$BATS_TEST_TMPDIR/other.conf" --config --json
	assert_success
	[ "$(json_field .file)" = "$BATS_TEST_TMPDIR/other.conf" ]
	[ "$(value_of max_picks) $(source_of max_picks)" = "3 tb.conf" ]
	TB_CONFIG="$BATS_TEST_TMPDIR/other.conf" run --separate-stderr tb-status --config --json
	[ "$(value_of max_picks)" = 3 ]
}

@test "tb.env may set any key (TB_ + upper case); what it cannot hold is refused naming it" {
	tb_env 'export TB_T212_ENVIRONMENT="live"' '# a comment' '' 'TB_HOLIDAYS=2026-03-30'
	tb_init_db
	run --separate-stderr tb-status --json --date 2026-03-30
	assert_success
	[ "$(json_field .t212_environment)" = live ]
	[ "$(json_field .reason)" = holiday ]
	local line
	for line in TB_MAX_PICS=3 TB_HOME=/elsewhere TB_NOW=2026-03-30T17:10:00Z \
	    max_picks=3 LANG=C; do
		tb_env "$line"
		run --separate-stderr tb-status --config
		[ "$status" -eq 78 ] || { echo "$line: $status"; false; }
		[[ "$stderr" == *"$TB_HOME/tb.env line 1: "*"${line%%=*}"* ]] ||
		    { echo "$line: $stderr"; false; }
	done
	tb_env TB_HOME=/elsewhere
	run --separate-stderr tb-status --config
	[[ "$stderr" == *"TB_HOME cannot be set in tb.env"* ]]
}

@test "a foreign or group-writable tb.conf is refused (78), also one named with --config" {
	mkdir -p "$TB_HOME"
	printf 'max_picks = 3\n' > "$TB_HOME/tb.conf"
	chmod 664 "$TB_HOME/tb.conf"
	run --separate-stderr tb-status --config
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"$TB_HOME/tb.conf is writable by group or others"*"chmod go-w $TB_HOME/tb.conf"* ]]
	chmod 602 "$TB_HOME/tb.conf"
	run --separate-stderr tb-status --config --config "$TB_HOME/tb.conf"
	[ "$status" -eq 78 ]
	chmod 644 "$TB_HOME/tb.conf"
	run --separate-stderr tb-status --config --json
	assert_success
	[ "$(value_of max_picks)" = 3 ]
	[ "$(id -u)" = 0 ] || skip "chown to another user needs root"
	# root's own files are root's: what is refused is another user's.
	chown nobody "$TB_HOME/tb.conf"
	run --separate-stderr tb-status --config
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"$TB_HOME/tb.conf belongs to nobody"*"chown $(id -un) $TB_HOME/tb.conf"* ]]
	TB_CONFIG=$TB_HOME/tb.conf run --separate-stderr tb-collect --round 1 --date 2026-03-30
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"belongs to nobody"* ]]
}

@test "a foreign tb.env or a TB_HOME others can write is refused (78) with the fix" {
	mkdir -p "$TB_HOME"
	chmod 777 "$TB_HOME"
	run --separate-stderr tb-status --config
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"TB_HOME $TB_HOME is writable by group or others"*"chmod 700 $TB_HOME"* ]]
	run --separate-stderr tb-decide --date 2026-03-30
	[ "$status" -eq 78 ]
	[ ! -e "$TB_HOME/tb.db" ]
	chmod 700 "$TB_HOME"
	tb_env 'T212_API_KEY=abc'
	[ "$(id -u)" = 0 ] || skip "chown to another user needs root"
	chown nobody "$TB_HOME/tb.env"
	run --separate-stderr tb-status --config
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"$TB_HOME/tb.env belongs to nobody"* ]]
	chown nobody "$TB_HOME"
	rm "$TB_HOME/tb.env"
	run --separate-stderr tb-status --config
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"TB_HOME $TB_HOME belongs to nobody"* ]]
}

@test "tb-status never creates TB_HOME or a database: 78 saying which is missing" {
	run --separate-stderr tb-status --date 2026-03-30
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"TB_HOME $TB_HOME does not exist"* ]]
	[ ! -e "$TB_HOME" ]
	mkdir "$TB_HOME"
	run --separate-stderr tb-status --json --range 2026-03-01..2026-03-31
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"no database $TB_HOME/tb.db"* ]]
	[ ! -e "$TB_HOME/tb.db" ]
	tb_init_db
	run --separate-stderr tb-status --date 2026-03-30
	assert_success
}

@test "a value from the file applies, the environment wins over it" {
	tb_init_db
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
	tb_init_db
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
	"mail_to|me@example.org; rm -rf ~"
	"log_keep_days|0"
	"scheduler_report_time|22:60"
	"benchmark_symbol|VWCE DE"
	"virtual_fx_fee_pct|6"
	"market_parallel|17"
	"llm_timeout_seconds|0"
	"reddit_username|/u/someone"
	"reddit_timeout_seconds|0"
	"yahoo_timeout_seconds|many"
	"t212_timeout_seconds|601"
	"eodhd_base_url|eodhd.com"
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
	run --separate-stderr tb-status --config --json
	assert_success
	[ "$(secret_of T212_API_KEY)" = "set tb.env" ]
	[[ "$output" != *abc123secret* ]]
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
	run --separate-stderr tb-status --config --json
	assert_success
	[ "$(printf '%s\n' "$output" | jq -r '[.keys[].source] | unique | join(",")')" = tb.conf ]
	local key
	for key in orchestrator_timezone approval_timeout_seconds \
	    approval_timeout_action market_data_ticker_limit \
	    scheduler_collect_times scheduler_execute_time misfire_grace_seconds \
	    daily_budget_eur max_picks holidays approval_notify_command \
	    subreddits t212_environment claude_model minimax_model \
	    reddit_base_url reddit_auth_url yahoo_base_url anthropic_base_url \
	    minimax_base_url t212_base_url mail_to alert_command log_keep_days \
	    scheduler_report_time benchmark_symbol virtual_fx_fee_pct \
	    market_parallel llm_timeout_seconds reddit_username \
	    reddit_timeout_seconds yahoo_timeout_seconds t212_timeout_seconds \
	    eodhd_base_url; do
		grep -q "^$key = " "$TB_CONFIG" || { echo "missing $key"; false; }
		grep -q "^#TB_$(printf '%s' "$key" | tr '[:lower:]' '[:upper:]')=" "$TB_ROOT/env.example" ||
		    { echo "env.example lacks TB_ for $key"; false; }
	done
}

@test "env.example as tb.env is accepted, also with every key line uncommented" {
	mkdir -p "$TB_HOME"
	install -m 600 "$TB_ROOT/env.example" "$TB_HOME/tb.env"
	run --separate-stderr tb-status --config --json
	assert_success
	[ "$(json_field .env_file)" = "$TB_HOME/tb.env" ]
	sed 's/^#\(TB_[A-Z0-9_]*=\)/\1/' "$TB_ROOT/env.example" |
	    grep -v '^TB_\(HOME\|CONFIG\|NOW\|HTTP_BACKOFF_SCALE\|APPROVE_POLL_MS\)=' \
	    > "$TB_HOME/tb.env"
	run --separate-stderr tb-status --config --json
	assert_success
	[ "$(value_of mail_to) $(source_of mail_to)" = "you@example.org tb.env" ]
	[ "$(printf '%s\n' "$output" | jq '[.keys[] | select(.source == "tb.env")] | length')" = 34 ]
}
