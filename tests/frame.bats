#!/usr/bin/env bats
# The frame every program runs in (lib/app.c), driven through the test
# program apprun: trading days, --scheduled across DST, the lock, the
# runs record and the one-line summary.

# Each test runs in its own process: what one exports is meant to stay in it.
# shellcheck disable=SC2030,SC2031
load helpers

setup() {
	tb_isolate
	APPRUN="$TB_BUILD/tools/apprun"
}

@test "a weekday runs and records one runs row with its summary" {
	TB_NOW=2026-03-30T17:10:00+02:00 run --separate-stderr "$APPRUN"
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(json_field .date)" = 2026-03-30 ]
	[ "$(json_field .main_trader)" = claude ]
	[ "$(tb_sql "SELECT program, date, status, exit_code FROM runs")" = \
	    "apprun|2026-03-30|ok|0" ]
	[ "$(tb_sql "SELECT json_extract(summary_json, '$.main_trader') FROM runs")" = claude ]
	[ -n "$(tb_sql "SELECT finished_at FROM runs WHERE finished_at >= started_at")" ]
}

@test "the date is today in the orchestrator timezone, not the machine's" {
	# 23:30 UTC on Monday is already Tuesday in Berlin.
	TZ=UTC TB_NOW=2026-03-30T23:30:00Z run --separate-stderr "$APPRUN"
	[ "$(json_field .date)" = 2026-03-31 ]
	[ "$(json_field .main_trader)" = minimax ]
}

@test "a weekend day is skipped before lock, database or anything else" {
	TB_NOW=2026-04-04T17:10:00+02:00 run --separate-stderr "$APPRUN"
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(json_field .reason)" = "not a trading day" ]
	[ ! -e "$TB_HOME/tb.db" ]
	[ ! -e "$TB_HOME/locks" ]
}

@test "a holiday is skipped; --force runs it anyway" {
	export TB_HOLIDAYS=2026-04-03
	run --separate-stderr "$APPRUN" --date 2026-04-03
	[ "$(json_field .status)" = skipped ]
	run --separate-stderr "$APPRUN" --date 2026-04-03 --force
	[ "$(json_field .status)" = ok ]
}

@test "a failure is recorded with its exit code and a one-line error" {
	run --separate-stderr "$APPRUN" --date 2026-03-30 --fail 69
	[ "$status" -eq 69 ]
	[ "$(json_field .status)" = failed ]
	[ "$(json_field .error)" = "failing with 69 as asked" ]
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" == *"ERROR apprun: failing with 69 as asked"* ]]
	[ "$(tb_sql "SELECT status, exit_code FROM runs")" = "failed|69" ]
}

# due TZ NOW: --scheduled 17:10 is due at NOW on a machine in zone TZ.
due() {
	TZ=$1 TB_NOW=$2 run --separate-stderr "$APPRUN" --force --scheduled 17:10
	assert_success
	[ "$(json_field .status)" = ok ] || { echo "$1 $2: $output"; false; }
}

# not_due TZ NOW REASON
not_due() {
	TZ=$1 TB_NOW=$2 run --separate-stderr "$APPRUN" --force --scheduled 17:10
	assert_success
	[ "$(json_field .status)" = skipped ] || { echo "$1 $2: $output"; false; }
	[[ "$(json_field .reason)" == "$3"* ]] || { echo "$1 $2: $output"; false; }
}

@test "--scheduled: due on time and inside the grace, skipped outside" {
	for tz in UTC Europe/Berlin; do
		due "$tz" 2026-03-27T16:10:00Z
		due "$tz" 2026-03-27T16:14:59Z
		not_due "$tz" 2026-03-27T16:15:01Z missed
		not_due "$tz" 2026-03-27T16:09:00Z "not due"
	done
	TB_MISFIRE_GRACE_SECONDS=3600 TZ=UTC TB_NOW=2026-03-27T16:59:00Z \
	    run --separate-stderr "$APPRUN" --scheduled 17:10
	[ "$(json_field .status)" = ok ]
}

@test "--scheduled on the spring-forward day 2026-03-29, machine in UTC or Berlin" {
	for tz in UTC Europe/Berlin; do
		due "$tz" 2026-03-29T15:10:00Z		# 17:10 CEST
		not_due "$tz" 2026-03-29T16:10:00Z missed
	done
}

@test "--scheduled on the fall-back day 2026-10-25, machine in UTC or Berlin" {
	for tz in UTC Europe/Berlin; do
		due "$tz" 2026-10-25T16:10:00Z		# 17:10 CET
		not_due "$tz" 2026-10-25T15:10:00Z "not due"
	done
}

@test "a second instance exits 75 at once naming the lock file" {
	"$APPRUN" --date 2026-03-30 --sleep 3 > "$BATS_TEST_TMPDIR/first.out" 2>&1 &
	local first=$! _
	for _ in $(seq 50); do
		grep -q "holding the lock" "$BATS_TEST_TMPDIR/first.out" && break
		sleep 0.1
	done
	SECONDS=0
	run --separate-stderr "$APPRUN" --date 2026-03-30
	[ "$status" -eq 75 ]
	[ "$SECONDS" -lt 2 ]
	[[ "$stderr" == *"$TB_HOME/locks/apprun.lock"* ]]
	[[ "$stderr" == *"pid $first"* ]]
	wait "$first"
	# Released by exit: the next run gets it.
	run --separate-stderr "$APPRUN" --date 2026-03-30
	assert_success
	[ "$(stat -c %a "$TB_HOME/locks")" = 700 ]
}

@test "a killed holder releases the lock (the kernel holds it, not a file)" {
	"$APPRUN" --date 2026-03-30 --sleep 30 > "$BATS_TEST_TMPDIR/first.out" 2>&1 &
	local first=$! _
	for _ in $(seq 50); do
		grep -q "holding the lock" "$BATS_TEST_TMPDIR/first.out" && break
		sleep 0.1
	done
	kill -9 "$first"
	wait "$first" || true
	run --separate-stderr "$APPRUN" --date 2026-03-30
	assert_success
	[ -e "$TB_HOME/locks/apprun.lock" ]
	# The killed run is marked crashed by the next one.
	[ "$(tb_sql "SELECT group_concat(status) FROM runs ORDER BY id")" = "crashed,ok" ]
}

@test "programs lock independently" {
	"$APPRUN" --name tb-collect --date 2026-03-30 --sleep 2 > "$BATS_TEST_TMPDIR/first.out" 2>&1 &
	local _
	for _ in $(seq 50); do
		grep -q "holding the lock" "$BATS_TEST_TMPDIR/first.out" && break
		sleep 0.1
	done
	grep -q "holding the lock" "$BATS_TEST_TMPDIR/first.out"
	run --separate-stderr "$APPRUN" --name tb-decide --date 2026-03-30
	assert_success
	wait
}

@test "a chained program past the grace runs only in tb-decide's chain" {
	# Slot 17:10 CEST on Monday 2026-03-30 = 15:10 UTC.
	local late=2026-03-30T15:30:00Z
	TB_NOW=$late run --separate-stderr "$APPRUN" --name tb-execute --chained --scheduled 17:10
	assert_success
	[ "$(json_field .status)" = skipped ]
	[[ "$(json_field .reason)" == *"tb-decide did not run"* ]]
	tb_sql "INSERT INTO runs (program, date, started_at, status) VALUES ('tb-decide', '2026-03-30', '2026-03-30T15:10:04Z', 'ok')"
	TB_NOW=$late run --separate-stderr "$APPRUN" --name tb-execute --chained --scheduled 17:10
	[ "$(json_field .status)" = ok ]
	# The other offset's entry an hour later is not part of that chain.
	TB_NOW=2026-03-30T16:10:00Z run --separate-stderr "$APPRUN" --name tb-execute --chained --scheduled 17:10
	[ "$(json_field .status)" = skipped ]
	[[ "$(json_field .reason)" == missed* ]]
	# Without --chained the grace alone decides.
	TB_NOW=$late run --separate-stderr "$APPRUN" --name tb-approve --scheduled 17:10
	[ "$(json_field .status)" = skipped ]
}
