#!/usr/bin/env bats
# A hostile environment: TB_HOME that cannot be written, a full disk, a
# corrupted database file, and keys missing for one provider.  Each must
# end in a clean exit code with a message that names the culprit, must
# not destroy data, and must not stop what does not depend on it.
#
# The read-only and full-disk cases mount small tmpfs file systems, which
# needs root (as root, file modes stop nothing); without it the full disk
# falls back to a file-size limit (ulimit -f, SIGXFSZ ignored) and the
# read-only mount is skipped.

load helpers
load seeds

MONDAY=2026-03-30

setup() {
	tb_isolate
	export TB_HTTP_BACKOFF_SCALE=0.01
	MOUNTS=()
}

teardown() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	fake_stop
}

# tiny_fs DIR SIZE [OPTIONS]: mount a tmpfs of SIZE on DIR, or fail.
tiny_fs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2${3:+,$3}" tmpfs "$1" 2>/dev/null || return 1
	MOUNTS+=("$1")
}

at_1630() {
	export TB_NOW=${MONDAY}T16:30:00+02:00
	fake_set reddit.now="$(date -d "$TB_NOW" +%s)"
}

# fails_naming CODE TEXT: the run exited CODE, its summary's error and a
# single ERROR line on stderr name TEXT.
fails_naming() {
	[ "$status" -eq "$1" ]
	[ "$(json_field .exit_code)" = "$1" ]
	[[ "$(json_field .error)" == *"$2"* ]]
	[ "$(grep -c "ERROR .*$2" <<<"$stderr")" -ge 1 ]
}

# ---- TB_HOME

@test "TB_HOME below a regular file: exit 73 naming it (tb-status: 78, it creates none)" {
	touch "$BATS_TEST_TMPDIR/file"
	for prog in "tb-collect --round 1 --date $MONDAY" \
	    "tb-decide --date $MONDAY" "tb-execute --date $MONDAY" \
	    "tb-approve --all --date $MONDAY"; do
		echo "# $prog"
		# shellcheck disable=SC2086
		TB_HOME=$BATS_TEST_TMPDIR/file/home run --separate-stderr $prog
		fails_naming 73 "$BATS_TEST_TMPDIR/file/home"
	done
	TB_HOME=$BATS_TEST_TMPDIR/file/home run --separate-stderr tb-status --date $MONDAY
	fails_naming 78 "TB_HOME $BATS_TEST_TMPDIR/file/home does not exist"
	[ -f "$BATS_TEST_TMPDIR/file" ] && [ ! -s "$BATS_TEST_TMPDIR/file" ]
}

@test "TB_HOME under /proc: exit 73 naming it (tb-status: 78)" {
	TB_HOME=/proc/tb-test-home run --separate-stderr tb-collect --round 1 --date $MONDAY
	fails_naming 73 /proc/tb-test-home
	TB_HOME=/proc/tb-test-home run --separate-stderr tb-status --date $MONDAY
	fails_naming 78 /proc/tb-test-home
}

@test "TB_HOME on a read-only file system: exit 73 naming the path" {
	tiny_fs "$BATS_TEST_TMPDIR/ro" 64k ro,mode=0700 ||
	    skip "cannot mount a tmpfs here (needs root)"
	TB_HOME=$BATS_TEST_TMPDIR/ro/home run --separate-stderr tb-collect --digest --date $MONDAY
	fails_naming 73 "$BATS_TEST_TMPDIR/ro/home"
	TB_HOME=$BATS_TEST_TMPDIR/ro run --separate-stderr tb-collect --digest --date $MONDAY
	fails_naming 73 "$BATS_TEST_TMPDIR/ro/tb.db"
}

# ---- a full disk

@test "a full disk fails the round cleanly; the rerun with space stores everything once" {
	fake_start
	export REDDIT_CLIENT_ID=env-client REDDIT_CLIENT_SECRET=env-secret
	export TB_REDDIT_USERNAME=tb-tester
	at_1630
	if tiny_fs "$BATS_TEST_TMPDIR/disk" 1m; then
		export TB_HOME=$BATS_TEST_TMPDIR/disk/home
		tb_init_db
		# Fill what is left.
		dd if=/dev/zero of="$BATS_TEST_TMPDIR/disk/filler" bs=4k \
		    2>/dev/null || true
		[ "$(df --output=avail "$BATS_TEST_TMPDIR/disk" | tail -1)" -lt 8 ]
		run --separate-stderr tb-collect --round 3
		rm -f "$BATS_TEST_TMPDIR/disk/filler"
	else
		# No file may grow past 4 KiB: the WAL cannot take a page.
		tb_init_db
		run --separate-stderr bash -c "trap '' XFSZ; ulimit -f 4; exec tb-collect --round 3"
	fi
	# A full disk is 73 (cannot create), not 70 (a bug).
	[ "$status" -eq 73 ]
	[ "$(json_field .exit_code)" = 73 ]
	[[ "$stderr" == *"ERROR tb-collect"* ]]
	# SQLite says "database or disk is full", or "disk I/O error" when
	# the shared-memory index of the WAL cannot grow.
	[[ "$stderr" == *"ERROR tb-collect: "*"$TB_HOME/tb.db"* ]]
	[[ "$stderr" == *full* || "$stderr" == *"I/O error"* ||
	    "$stderr" == *"too large"* ]]
	[ "$(tb_sql 'PRAGMA integrity_check')" = ok ]
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE post_id NOT IN
	    (SELECT id FROM reddit_posts)")" = 0 ]
	run --separate-stderr tb-collect --round 3
	assert_success
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
	[ "$(tb_sql "SELECT count(*) FROM post_rounds")" = 16 ]
	[ "$(tb_sql 'PRAGMA integrity_check')" = ok ]
}

# ---- a locked database

@test "a database another process keeps locked: exit 75 after the busy timeout" {
	tb_init_db
	# Another writer holds the write lock for longer than tb waits (15 s).
	python3 -c 'import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(40)' "$TB_HOME/tb.db" "$BATS_TEST_TMPDIR/held" 3>&- &
	HOLDER=$!
	while [ ! -e "$BATS_TEST_TMPDIR/held" ]; do sleep 0.05; done
	run --separate-stderr tb-collect --round 1 --date $MONDAY
	kill "$HOLDER"
	fails_naming 75 "locked"
	[[ "$stderr" == *"$TB_HOME/tb.db"* ]]
}

# ---- a corrupted database

@test "random bytes as tb.db: exit 70 naming the file, which is left as it was" {
	mkdir -p "$TB_HOME"
	head -c 65536 /dev/urandom >"$BATS_TEST_TMPDIR/garbage"
	cp "$BATS_TEST_TMPDIR/garbage" "$TB_HOME/tb.db"
	for prog in "tb-status --date $MONDAY" "tb-collect --round 1 --date $MONDAY" \
	    "tb-execute --date $MONDAY"; do
		echo "# $prog"
		# shellcheck disable=SC2086
		run --separate-stderr $prog
		fails_naming 70 "$TB_HOME/tb.db"
		cmp "$BATS_TEST_TMPDIR/garbage" "$TB_HOME/tb.db"
	done
}

@test "a truncated real database: exit 70 naming the file, nothing overwritten" {
	fake_start
	export REDDIT_CLIENT_ID=env-client REDDIT_CLIENT_SECRET=env-secret
	export TB_REDDIT_USERNAME=tb-tester
	at_1630
	tb-collect --round 3 >/dev/null 2>&1
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
	size=$(stat -c %s "$TB_HOME/tb.db")
	head -c $((size / 2)) "$TB_HOME/tb.db" >"$BATS_TEST_TMPDIR/half"
	cp "$BATS_TEST_TMPDIR/half" "$TB_HOME/tb.db"
	rm -f "$TB_HOME/tb.db-wal" "$TB_HOME/tb.db-shm"
	before=$(fake_count reddit)
	run --separate-stderr tb-collect --round 3
	fails_naming 70 "$TB_HOME/tb.db"
	cmp "$BATS_TEST_TMPDIR/half" "$TB_HOME/tb.db"
	# It stopped before asking Reddit for anything.
	[ "$(fake_count reddit)" = "$before" ]
}

# ---- missing keys

@test "no ANTHROPIC_API_KEY: claude fails naming the key (78), minimax decides; and the reverse" {
	fake_start
	seed_mentions $MONDAY
	export MINIMAX_API_KEY=mm-env-test
	run --separate-stderr tb-decide --date $MONDAY
	# Claude is Monday's main trader: a missing key is a configuration
	# error (78), as in every program, not an upstream failure (69).
	[ "$status" -eq 78 ]
	[[ "$(json_field .error)" == *"claude, the main trader, failed: ANTHROPIC_API_KEY is not set"* ]]
	[[ "$(json_field .llms.claude.error)" == *ANTHROPIC_API_KEY* ]]
	[[ "$stderr" == *ANTHROPIC_API_KEY* ]]
	[ "$(json_field .llms.minimax.status)" = ok ]
	[ "$(fake_count anthropic)" = 0 ]
	[ "$(tb_sql "SELECT llm_name, count(*) FROM daily_picks GROUP BY llm_name")" = "minimax|3" ]

	rm -rf "$TB_HOME"
	seed_mentions $MONDAY
	unset MINIMAX_API_KEY
	export ANTHROPIC_API_KEY=sk-ant-env-test
	asked=$(fake_count minimax)
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[[ "$(json_field .llms.minimax.error)" == *MINIMAX_API_KEY* ]]
	[ "$(json_field .llms.claude.status)" = ok ]
	[ "$(fake_count minimax)" = "$asked" ]
	[ "$(tb_sql "SELECT llm_name, count(*) FROM daily_picks GROUP BY llm_name")" = "claude|3" ]
}

@test "no Reddit keys: the public listings; no T212 keys: the round goes on without a universe refresh" {
	fake_start
	at_1630
	run --separate-stderr tb-collect --round 3
	assert_success
	[ "$(fake_count reddit-www '^/r/[^/]+/(new|hot)\.json$')" -ge 5 ]
	[ "$(fake_count reddit-www access_token)" = 0 ]
	[ "$(fake_count reddit)" = 0 ]
	[ "$(fake_count t212)" = 0 ]
	[ "$(json_field .universe)" = missing ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
}

@test "no T212 keys with real orders due: virtual trades booked, exit 78 naming T212_API_KEY" {
	fake_start
	local day=2026-11-23
	seed_approved_day "$day"
	run --separate-stderr tb-execute
	fails_naming 78 T212_API_KEY
	[ "$(json_field .virtual_booked)" = 1 ]
	[ "$(fake_count t212 orders)" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 0 ]
}
