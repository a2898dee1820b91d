#!/usr/bin/env bats
# The database: private files, WAL, migrations applied exactly once,
# a newer schema refused, concurrent first opens.

# Each test runs in its own process: what one exports is meant to stay in it.
# shellcheck disable=SC2030,SC2031
load helpers

setup() {
	tb_isolate
}

migrations() {
	find "$TB_ROOT/sql" -name '[0-9]*.sql' | wc -l
}

@test "TB_HOME is created 0700 (parents too) and tb.db 0600, in WAL mode" {
	export TB_HOME=$BATS_TEST_TMPDIR/a/b/home
	run --separate-stderr tb-decide --date 2026-03-30	# no digest: no request
	assert_success
	[ "$(stat -c %a "$TB_HOME")" = 700 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/a/b")" = 700 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/a")" = 700 ]
	[ "$(stat -c %a "$TB_HOME/tb.db")" = 600 ]
	[ "$(tb_sql 'PRAGMA journal_mode')" = wal ]
	for f in "$TB_HOME"/tb.db-wal "$TB_HOME"/tb.db-shm; do
		[ ! -e "$f" ] || [ "$(stat -c %a "$f")" = 600 ]
	done
}

@test "the tables of DESIGN section 7 exist with their columns" {
	tb_init_db
	tb_sql "SELECT date, llm_name, ticker, allocation_pct, amount_eur, reasoning, is_main_trader, status FROM daily_picks"
	tb_sql "SELECT date, llm_name, decision, decided_by, decided_at FROM approvals"
	tb_sql "SELECT id, date, llm_name, ticker, broker_ticker, kind, side, amount_eur, quantity, price, currency, status, broker_order_id, error, created_at FROM trades"
	tb_sql "SELECT id, program, date, started_at, finished_at, status, summary_json FROM runs"
}

@test "migrations are applied once and not again on reopen" {
	tb_init_db
	[ "$(tb_sql 'SELECT count(*) FROM schema_version')" = "$(migrations)" ]
	local first
	first=$(tb_sql 'SELECT group_concat(version || applied_at) FROM schema_version')
	sleep 1
	run tb-status
	assert_success
	[ "$(tb_sql 'SELECT group_concat(version || applied_at) FROM schema_version')" = "$first" ]
}

@test "the constraints hold: one pick per llm, date and ticker; valid statuses" {
	tb_init_db
	tb_sql "INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct, amount_eur, is_main_trader, pick_index, created_at) VALUES ('2026-03-30','claude','AAPL',50,50,1,1,'x')"
	run tb_sql "INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct, amount_eur, is_main_trader, pick_index, created_at) VALUES ('2026-03-30','claude','AAPL',10,10,1,2,'x')"
	assert_failure
	run tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, status, created_at) VALUES ('2026-03-30','claude','AAPL','real','buy','lost','x')"
	assert_failure
}

@test "a database newer than the program is refused, not touched" {
	tb_init_db
	tb_sql "INSERT INTO schema_version VALUES (999, '999_future', 'x')"
	local before
	before=$(md5sum < "$TB_HOME/tb.db")
	run --separate-stderr tb-status
	[ "$status" -eq 70 ]
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" == *"schema version 999 is newer"* ]]
	[ "$(md5sum < "$TB_HOME/tb.db")" = "$before" ]
}

@test "four programs opening a new database together migrate it once" {
	local i=0 prog pids=()
	for prog in "tb-collect --digest" "tb-decide" "tb-approve --all" \
	    "tb-execute"; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		$prog --date 2026-03-30 > "$BATS_TEST_TMPDIR/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in 0 1 2 3; do
		wait "${pids[$i]}" || { cat "$BATS_TEST_TMPDIR/out.$((i + 1))"; false; }
	done
	[ "$(tb_sql 'SELECT count(*) FROM schema_version')" = "$(migrations)" ]
}

@test "a file that is not a database is a clear error" {
	mkdir -p "$TB_HOME"
	printf 'this is not sqlite, just text %.0s' $(seq 100) > "$TB_HOME/tb.db"
	run --separate-stderr tb-status
	[ "$status" -eq 70 ]
	[[ "$stderr" == *"tb.db"* ]]
	[[ "$stderr" == *"not a database"* ]]
}

@test "a TB_HOME that cannot be created is exit 73 naming it" {
	# Below a regular file: not even root can make that directory.
	: > "$BATS_TEST_TMPDIR/file"
	TB_HOME="$BATS_TEST_TMPDIR/file/home" run --separate-stderr tb-decide
	[ "$status" -eq 73 ]
	[[ "$stderr" == *"$BATS_TEST_TMPDIR/file/home"* ]]
}
