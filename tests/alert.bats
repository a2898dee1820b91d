#!/usr/bin/env bats
# Failures reach the operator (issue 15 item 4): the crontab's own
# command lines run in cron's environment print nothing on a good day and
# exactly one line (program, day, exit status, reason) when a run fails,
# which is what cron mails; the full log goes to $TB_HOME/logs/DAY.log,
# whose old days expire; alert_command gets a failed run's summary.
#
# cron's environment is `env -i` with PATH, HOME, SHELL and LOGNAME, as
# Debian's cron sets them; TB_NOW and TB_HTTP_BACKOFF_SCALE, test
# settings read only from the environment, fix the day and keep retries
# short.

load helpers

setup() {
	tb_isolate
	BIN="$TB_BUILD/bin"
	mkdir -m 700 "$TB_HOME"
}

teardown() {
	fake_stop
}

# write_env LINE...: $TB_HOME/tb.env, mode 0600.
write_env() {
	printf '%s\n' "$@" > "$TB_HOME/tb.env"
	chmod 600 "$TB_HOME/tb.env"
}

# The fake's base URLs, as tb.env lines: cron's runs read them there.
fake_env() {
	local v
	for v in TB_REDDIT_BASE_URL TB_REDDIT_AUTH_URL TB_YAHOO_BASE_URL \
	    TB_ANTHROPIC_BASE_URL TB_MINIMAX_BASE_URL TB_T212_BASE_URL \
	    TB_EODHD_BASE_URL; do
		echo "$v=${!v}"
	done
}

# entry PATTERN: the command of the first crontab entry tb-cron renders
# that matches PATTERN (what cron hands to /bin/sh -c).
entry() {
	tb-cron --print 2>/dev/null | grep -m 1 -e "$1" | cut -d ' ' -f 6-
}

# in_cron NOW COMMAND: run COMMAND as cron does, at NOW.
in_cron() {
	run --separate-stderr env -i PATH=/usr/bin:/bin HOME="$HOME" \
	    SHELL=/bin/sh LOGNAME="$(id -un)" TB_NOW="$1" \
	    TB_HTTP_BACKOFF_SCALE=0.01 /bin/sh -c "$2"
}

RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2} (DEBUG|INFO|WARN|ERROR) tb-[a-z]+: '

@test "a good day under cron: nothing for cron to mail; the log and summary in logs/DAY.log" {
	fake_start
	fake_set reddit.now="$(date -d 2026-03-30T08:00:30+02:00 +%s)"
	write_env "$(fake_env)"
	local cmd log=$TB_HOME/logs/2026-03-30.log
	cmd=$(entry '--round 1 ')
	[[ "$cmd" == *"tb-cron' --run tb-collect --round 1 --scheduled 08:00" ]]
	in_cron 2026-03-30T08:00:30+02:00 "$cmd"
	assert_success
	assert_output ""
	[ -z "$stderr" ]
	# It did collect: the round is in the database and the log says so.
	[ "$(tb_sql "SELECT count(*) FROM collection_rounds WHERE date = '2026-03-30' AND round = 1")" = 1 ]
	[ "$(stat -c %a "$TB_HOME/logs")" = 700 ]
	[ "$(stat -c %a "$log")" = 600 ]
	[ "$(grep -c '^{"program":"tb-collect","date":"2026-03-30","status":"ok"' "$log")" = 1 ]
	grep -q 'INFO tb-collect: ' "$log"
	# One timestamp format in every log line.
	run grep -Evc -e "$RFC3339" -e '^\{' "$log"
	assert_output 0
}

# A real order left pending by a crash that the broker never saw: the
# run reconciles it to unknown and must exit non-zero (DESIGN 11).
unknown_trade_day() {
	load execute
	DAY=2026-11-23
	tb_init_db
	standard_day
	tb_sql "DELETE FROM daily_picks WHERE llm_name = 'claude' AND ticker <> 'AIR.PA'"
	tb_sql "INSERT INTO trades (date, llm_name, ticker, broker_ticker, kind,
	    side, amount_eur, quantity, status, created_at, sent_at) VALUES
	    ('$DAY', 'claude', 'AIR.PA', 'AIp_EQ', 'real', 'buy', 20, 0.1333,
	    'pending', '${DAY}T16:10:00Z', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
}

@test "a run under cron that leaves a trade unknown: one line for cron naming program, day, status and reason" {
	fake_start
	unknown_trade_day
	write_env "$(fake_env)" T212_API_KEY=test-t212-key T212_API_SECRET=test-t212-secret
	local chain cmd log=$TB_HOME/logs/2026-11-23.log
	chain=$(entry '--run tb-decide ')
	# The chain's last program, in the entry's own environment.
	cmd="${chain%%; *}; ${chain##* && }"
	[[ "$cmd" == "export PATH="*"; '$BIN/tb-cron' --run tb-execute --scheduled 17:10" ]]
	in_cron 2026-11-23T17:10:00+01:00 "$cmd"
	[ "$status" -eq 69 ]
	assert_output ""
	[[ "$stderr" == "tb-execute 2026-11-23: exit 69: trade 1 (AIR.PA) of 2026-11-23 is unknown: "*"check the account"*" (log: $log)" ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ]
	# The log has the whole story; the key is in none of it.
	grep -q 'ERROR tb-execute: trade 1: buy AIR.PA (AIp_EQ) quantity 0.1333: no matching order' "$log"
	[ "$(grep '^{"program":"tb-execute"' "$log" | jq -r .exit_code)" = 69 ]
	run grep -c test-t212 "$log"
	assert_output 0
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
}

@test "a configuration error under cron is one line too, and the program does not run" {
	local cmd
	cmd=$(entry '--round 2 ')
	# A typo in tb.env after the block was installed.
	write_env TB_MAX_PICKS=0
	in_cron 2026-03-30T12:00:00+02:00 "$cmd"
	[ "$status" -eq 78 ]
	assert_output ""
	[[ "$stderr" =~ ^"tb-collect "[0-9]{4}-[0-9]{2}-[0-9]{2}": exit 78: config: max_picks = \"0\": "[^$'\n']*"tb.env"[^$'\n']*$ ]]
	[ ! -e "$TB_HOME/tb.db" ]
}

# A tb-cron beside stand-in programs that die or say nothing.
stand_ins() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cp "$BIN/tb-cron" "$BATS_TEST_TMPDIR/bin/"
	printf '#!/bin/sh\necho "about to crash" >&2\nkill -SEGV $$\n' \
	    > "$BATS_TEST_TMPDIR/bin/tb-crash"
	printf '#!/bin/sh\nexit 3\n' > "$BATS_TEST_TMPDIR/bin/tb-silent"
	chmod 755 "$BATS_TEST_TMPDIR/bin/"tb-*
}

@test "a program killed under tb-cron --run: one line naming the signal; alert_command gets a summary made for it" {
	local now=2026-03-30T17:10:00+02:00 alert="cat > '$BATS_TEST_TMPDIR/alert.json'"
	stand_ins
	TB_NOW=$now TB_ALERT_COMMAND=$alert \
	    run --separate-stderr "$BATS_TEST_TMPDIR/bin/tb-cron" --run tb-crash --x
	[ "$status" -eq 139 ]
	assert_output ""
	[ "$stderr" = "tb-crash 2026-03-30: exit 139: killed by signal 11 (Segmentation fault) (log: $TB_HOME/logs/2026-03-30.log)" ]
	grep -q '^about to crash$' "$TB_HOME/logs/2026-03-30.log"
	run jq -c . "$BATS_TEST_TMPDIR/alert.json"
	assert_output '{"program":"tb-crash","date":"2026-03-30","status":"failed","error":"killed by signal 11 (Segmentation fault)","exit_code":139}'
	rm "$BATS_TEST_TMPDIR/alert.json"
	TB_NOW=$now TB_ALERT_COMMAND=$alert \
	    run --separate-stderr "$BATS_TEST_TMPDIR/bin/tb-cron" --run tb-silent
	[ "$status" -eq 3 ]
	[ "$stderr" = "tb-silent 2026-03-30: exit 3: ended without a summary (log: $TB_HOME/logs/2026-03-30.log)" ]
	[ -s "$BATS_TEST_TMPDIR/alert.json" ]
}

@test "tb-cron --run takes only tb's programs beside it" {
	run --separate-stderr tb-cron --run /bin/sh -c 'echo hi'
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"--run wants one of tb's programs"* ]]
	run --separate-stderr tb-cron --run tb-nosuch
	[ "$status" -eq 64 ]
	run --separate-stderr tb-cron --run
	[ "$status" -eq 64 ]
	[ ! -e "$TB_HOME/logs" ]
}

@test "alert_command gets a failed run's summary on stdin and no key; a good run and tb-status never alert" {
	local a=$BATS_TEST_TMPDIR/alert
	printf 'alert_command = "cat > %s.json; env > %s.env"\n' "$a" "$a" \
	    > "$TB_HOME/tb.conf"
	# Another tb-collect holds the lock: this run fails with 75.
	mkdir -m 700 "$TB_HOME/locks"
	exec 9> "$TB_HOME/locks/tb-collect.lock"
	flock 9
	ANTHROPIC_API_KEY=sk-ant-DISTINCTIVE-alert-key \
	    TB_NOW=2026-03-30T08:00:00+02:00 \
	    run --separate-stderr tb-collect --round 1
	exec 9>&-
	[ "$status" -eq 75 ]
	[ "$(jq -c . "$a.json")" = "$(printf '%s\n' "$output" | tail -n 1)" ]
	[ "$(jq -r .program "$a.json")" = tb-collect ]
	[ "$(jq -r .exit_code "$a.json")" = 75 ]
	[[ "$stderr" == *"INFO tb-collect: alert_command started"* ]]
	grep -q '^TB_NOW=2026-03-30T08:00:00+02:00$' "$a.env"
	run grep -c DISTINCTIVE "$a.env" "$a.json"
	assert_output "$a.env:0
$a.json:0"
	rm "$a.json" "$a.env"
	# A skip is a good run; a viewer's failure is no alert.
	TB_NOW=2026-03-28T08:00:00+01:00 run --separate-stderr tb-collect --round 1
	assert_success
	run --separate-stderr tb-status --date 2026-03-30
	[ "$status" -eq 78 ]
	[ ! -e "$a.json" ]
}

@test "logs expire after log_keep_days; only files named for a day are removed" {
	mkdir -m 700 "$TB_HOME/logs"
	touch "$TB_HOME/logs/2026-03-27.log" "$TB_HOME/logs/2026-03-28.log" \
	    "$TB_HOME/logs/tb-collect.log" "$TB_HOME/logs/2025-01-01.txt"
	printf 'log_keep_days = 2\n' > "$TB_HOME/tb.conf"
	# 07:00 is before the 08:00 slot: the run is skipped, a good run.
	run --separate-stderr env TB_NOW=2026-03-30T07:00:00+02:00 \
	    tb-cron --run tb-collect --round 1 --scheduled 08:00
	assert_success
	[ -z "$stderr" ]
	run ls "$TB_HOME/logs"
	assert_output "2025-01-01.txt
2026-03-28.log
2026-03-30.log
tb-collect.log"
	grep -q "INFO tb-cron: removed $TB_HOME/logs/2026-03-27.log: older than log_keep_days (2)" \
	    "$TB_HOME/logs/2026-03-30.log"
	grep -q '"status":"skipped","reason":"not due' "$TB_HOME/logs/2026-03-30.log"
}
