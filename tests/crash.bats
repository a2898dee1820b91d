#!/usr/bin/env bats
# Crash points: each program killed with SIGKILL while an upstream holds
# its answer (between fetch and store, between an order's send and its
# answer), a database caught mid-migration or locked by another writer,
# and two instances started together.  After every crash the database
# must pass SQLite's integrity check, and the rerun must neither lose
# nor double anything.

load helpers
load seeds

MONDAY=2026-03-30
EXEC_DAY=2026-11-23
ORDERS=/api/v0/equity/orders/market

setup() {
	tb_isolate
	export TB_HTTP_BACKOFF_SCALE=0.01
	fake_start
	export ANTHROPIC_API_KEY=sk-ant-crash-test MINIMAX_API_KEY=mm-crash-test
	export REDDIT_CLIENT_ID=crash-client REDDIT_CLIENT_SECRET=crash-secret
	export TB_REDDIT_USERNAME=tb-tester
	export T212_API_KEY=t212-crash-key
}

teardown() {
	local pid
	for pid in ${BG_PIDS:-}; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	fake_stop
}

# bg PROGRAM ARGS...: start a program in the background, its pid in $!
# and its output in $BATS_TEST_TMPDIR/bg.{out,err}.
bg() {
	"$@" >"$BATS_TEST_TMPDIR/bg.out" 2>"$BATS_TEST_TMPDIR/bg.err" &
	BG_PIDS="${BG_PIDS:-} $!"
}

# until_true TRIES COMMAND...: run COMMAND every 50 ms until it succeeds.
until_true() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "never true: $*"
	return 1
}

# crash PID: SIGKILL it and reap it.
crash() {
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

db_sound() {
	[ "$(tb_sql 'PRAGMA integrity_check')" = ok ]
	[ -z "$(tb_sql 'PRAGMA foreign_key_check')" ]
}

at_1630() {
	export TB_NOW=${MONDAY}T16:30:00+02:00
	fake_set reddit.now="$(date -d "$TB_NOW" +%s)"
}

answered() {	# SERVICE PATH_REGEX: at least one such request answered
	[ "$(fake_count "$1" "$2")" -ge 1 ]
}

# What a collection round leaves: posts, rounds and mentions, in order.
collected() {
	tb_sql "SELECT id, subreddit, score FROM reddit_posts ORDER BY id;
	    SELECT post_id, date, round FROM post_rounds ORDER BY 1;
	    SELECT post_id, symbol, count FROM ticker_mentions ORDER BY 1, 2"
}

@test "tb-collect killed between a listing's fetch and its store: the rerun stores each post once" {
	at_1630
	# The reference: the same round, undisturbed, in another home.
	TB_HOME=$BATS_TEST_TMPDIR/reference tb-collect --round 3 >/dev/null 2>&1
	want=$(TB_HOME=$BATS_TEST_TMPDIR/reference collected)
	[ "$(TB_HOME=$BATS_TEST_TMPDIR/reference tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]

	fake_fault reddit '^/r/investing/new$' mode=pass delay=30 times=1
	bg tb-collect --round 3
	pid=$!
	until_true 100 answered reddit '^/r/stocks/'
	sleep 0.3	# r/investing's listing is now held by the fake
	crash "$pid"
	db_sound
	# The subreddits done before the kill are stored, the held one not.
	[ "$(tb_sql "SELECT subreddit, count(*) FROM reddit_posts GROUP BY 1
	    ORDER BY 1")" = "stocks|3
wallstreetbets|5" ]
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE post_id NOT IN
	    (SELECT id FROM reddit_posts)")" = 0 ]

	run --separate-stderr tb-collect --round 3
	assert_success
	[ "$(collected)" = "$want" ]
	db_sound
}

@test "tb-collect killed while Trading 212 holds the exchanges: the rerun fetches only those" {
	at_1630
	fake_fault t212 'metadata/exchanges$' mode=pass delay=30 times=1
	bg tb-collect --round 3
	pid=$!
	until_true 100 answered t212 'metadata/instruments$'
	sleep 0.3
	crash "$pid"
	db_sound
	# The instruments were stored whole before the kill; no exchanges.
	[ "$(tb_sql "SELECT count(*) FROM instruments")" = 40 ]
	[ "$(tb_sql "SELECT count(*) FROM exchanges")" = 0 ]
	[ "$(tb_sql "SELECT kind FROM metadata_refresh")" = instruments ]

	run --separate-stderr tb-collect --round 3
	assert_success
	[ "$(json_field .instruments)" = 40 ]
	[ "$(tb_sql "SELECT count(*) FROM exchanges")" = \
	    "$(jq length "$TB_ROOT/tests/fixtures/t212/exchanges.json")" ]
	# Instruments once (the 50 s limit), exchanges once more.
	[ "$(fake_count t212 'metadata/instruments$')" = 1 ]
	[ "$(fake_count t212 'metadata/exchanges$')" = 1 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
	db_sound
}

@test "tb-decide killed while Claude holds its answer: the rerun asks it once more; minimax was stored at once" {
	seed_mentions $MONDAY
	fake_fault anthropic '^/v1/messages$' mode=pass delay=30 times=1
	bg tb-decide --date $MONDAY
	pid=$!
	until_true 200 answered minimax '^/v1/'
	sleep 0.3	# time to store what MiniMax said
	crash "$pid"
	db_sound
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = 'claude'")" = 0 ]
	# MiniMax's answer was stored whole the moment it came in.
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = 'minimax'")" = 3 ]

	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(tb_sql "SELECT llm_name, count(*) FROM daily_picks GROUP BY llm_name")" = "claude|3
minimax|3" ]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE status = 'ok'")" = 2 ]
	[ "$(tb_sql "SELECT count(*) FROM market_data GROUP BY symbol HAVING count(*) > 1")" = "" ]
	# So the rerun asks (and pays) only Claude again.
	[ "$(fake_count minimax '^/v1/')" = 1 ]
	db_sound
}

@test "tb-decide killed while Yahoo holds a chart: the rerun fetches and decides" {
	seed_mentions $MONDAY AAPL NVDA
	fake_fault yahoo '^/v8/finance/chart/NVDA$' mode=pass delay=30 times=1
	bg tb-decide --date $MONDAY
	pid=$!
	until_true 100 answered yahoo '^/v8/finance/chart/AAPL$'
	sleep 0.2
	crash "$pid"
	db_sound
	[ "$(tb_sql "SELECT count(*) FROM daily_picks")" = 0 ]
	[ "$(fake_count anthropic)" = 0 ]
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(tb_sql "SELECT group_concat(symbol) FROM (SELECT symbol FROM market_data
	    WHERE symbol IN ('AAPL', 'NVDA') AND status = 'ok' ORDER BY symbol)")" = AAPL,NVDA ]
	[ "$(tb_sql "SELECT count(*) FROM market_data GROUP BY date, symbol HAVING count(*) > 1")" = "" ]
	[ "$(fake_count anthropic)" = 1 ]
	db_sound
}

# ---- tb-execute

broker_orders() {	# N: the broker has taken N orders
	[ "$(fake_state t212.history | jq length)" = "$1" ]
}

@test "tb-execute killed after the first order's answer, the second sent: the rerun reconciles, sends none" {
	seed_approved_day "$EXEC_DAY"
	# The first order is answered at once; the broker takes the second
	# on arrival and holds its answer.
	fake_fault t212 "$ORDERS\$" mode=pass times=1
	fake_fault t212 "$ORDERS\$" mode=pass delay=30 times=1
	bg tb-execute
	pid=$!
	until_true 200 broker_orders 2
	crash "$pid"
	db_sound
	[ "$(tb_sql "SELECT ticker, status, broker_order_id IS NOT NULL FROM trades
	    WHERE kind = 'real' ORDER BY id")" = "ASML.AS|submitted|1
AIR.PA|pending|0" ]

	run --separate-stderr tb-execute
	assert_success
	[ "$(json_field .reconciled.matched)" = 1 ]
	[ "$(json_field .placed)" = 0 ]
	ids=$(fake_state t212.history | jq -r '[.[].order.id] | sort | join(",")')
	[ "$(tb_sql "SELECT group_concat(broker_order_id) FROM (SELECT
	    broker_order_id FROM trades WHERE kind = 'real' ORDER BY 1)")" = "$ids" ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE status = 'pending'")" = 0 ]
	# Not even --force sends either again.
	run --separate-stderr tb-execute --force
	assert_success
	[ "$(fake_state t212.history | jq length)" = 2 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 2 ]
	db_sound
}

# ---- migrations and other writers

@test "killed while creating and migrating a database: the next start finishes it" {
	versions=$(ls "$TB_ROOT"/sql/[0-9][0-9][0-9]_*.sql | wc -l)
	for delay in 0.001 0.005 0.01 0.02 0.04; do
		rm -rf "$TB_HOME"
		bg tb-decide --date $MONDAY
		pid=$!
		sleep "$delay"
		crash "$pid"
		if [ -f "$TB_HOME/tb.db" ]; then
			db_sound
		fi
		run --separate-stderr tb-decide --date $MONDAY
		assert_success
		[ "$(tb_sql "SELECT count(*) FROM schema_version")" = "$versions" ]
		db_sound
	done
}

@test "a database that lacks a later migration gets it, once, and keeps its rows" {
	seed_approved_day "$EXEC_DAY"
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, amount_eur,
	    quantity, status, created_at) VALUES ('$EXEC_DAY', 'minimax',
	    'SAP.DE', 'virtual', 'buy', 60, 0.3, 'booked', '${EXEC_DAY}T16:20:00Z');
	    ALTER TABLE trades DROP COLUMN price_eur;
	    DELETE FROM schema_version WHERE version = 5"
	run --separate-stderr tb-status --date $EXEC_DAY
	assert_success
	[ "$(tb_sql "SELECT count(*) FROM schema_version WHERE version = 5")" = 1 ]
	[ "$(tb_sql "SELECT count(*) FROM pragma_table_info('trades') WHERE name = 'price_eur'")" = 1 ]
	[ "$(tb_sql "SELECT ticker, quantity, status FROM trades")" = "SAP.DE|0.3|booked" ]
	# A second start has nothing left to apply.
	run --separate-stderr tb-status --date $EXEC_DAY
	assert_success
	[ "$(tb_sql "SELECT count(*) FROM schema_version WHERE version = 5")" = 1 ]
	db_sound
}

@test "a write transaction held by another process is waited for, not broken" {
	at_1630
	tb_init_db
	# Another writer holds the database for 1.5 s.
	python3 - "$TB_HOME/tb.db" >"$BATS_TEST_TMPDIR/holder" 2>&1 <<-'EOF' &
	import sqlite3, sys, time
	db = sqlite3.connect(sys.argv[1], isolation_level=None)
	db.execute("BEGIN IMMEDIATE")
	db.execute("INSERT INTO oauth_tokens VALUES ('other', 'x', 0)")
	print("held", flush=True)
	time.sleep(1.5)
	db.execute("COMMIT")
	EOF
	holder=$!
	until_true 100 grep -q held "$BATS_TEST_TMPDIR/holder"
	start=$(date +%s%N)
	run --separate-stderr tb-collect --round 3
	took=$(( ($(date +%s%N) - start) / 1000000 ))
	wait "$holder"
	assert_success
	[ "$took" -ge 500 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
	[ "$(tb_sql "SELECT count(*) FROM oauth_tokens WHERE service = 'other'")" = 1 ]
	db_sound
}

# ---- one instance at a time

# together PROGRAM ARGS...: start two instances at once; $codes holds
# their exit statuses sorted, $loser_err the stderr of the one that lost.
together() {
	local p1 p2 r1 r2
	"$@" >"$BATS_TEST_TMPDIR/1.out" 2>"$BATS_TEST_TMPDIR/1.err" &
	p1=$!
	"$@" >"$BATS_TEST_TMPDIR/2.out" 2>"$BATS_TEST_TMPDIR/2.err" &
	p2=$!
	wait "$p1" && r1=0 || r1=$?
	wait "$p2" && r2=0 || r2=$?
	codes="$(printf '%s\n' "$r1" "$r2" | sort -n | tr '\n' ' ')"
	if [ "$r1" = 75 ]; then
		loser_err=$(cat "$BATS_TEST_TMPDIR/1.err")
	else
		loser_err=$(cat "$BATS_TEST_TMPDIR/2.err")
	fi
}

@test "two instances started together: exactly one runs, the other exits 75" {
	at_1630
	fake_fault reddit '^/r/wallstreetbets/new$' mode=pass delay=1 times=1
	together tb-collect --round 3
	[ "$codes" = "0 75 " ]
	[[ "$loser_err" == *tb-collect* ]]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
	[ "$(tb_sql "SELECT count(*) FROM runs WHERE program = 'tb-collect'")" = 1 ]

	fake_fault anthropic '^/v1/messages$' mode=pass delay=1 times=1
	together tb-decide --date $MONDAY
	[ "$codes" = "0 75 " ]
	[[ "$loser_err" == *tb-decide* ]]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE llm_name = 'claude'")" = 1 ]

	rm -rf "$TB_HOME"
	seed_approved_day "$EXEC_DAY"
	fake_fault t212 "$ORDERS\$" mode=pass delay=1 times=1
	together tb-execute
	[ "$codes" = "0 75 " ]
	[[ "$loser_err" == *tb-execute* ]]
	[ "$(fake_state t212.history | jq length)" = 2 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 2 ]

	rm -rf "$TB_HOME"
	seed_approved_day "$EXEC_DAY"
	tb_sql "DELETE FROM approvals; UPDATE daily_picks SET status = 'proposed'"
	TB_APPROVE_POLL_MS=100 together tb-approve --date $EXEC_DAY --await --timeout 1
	[ "$(tb_sql "SELECT decision, decided_by FROM approvals")" = "approve_all|timeout" ]
	[ "$codes" = "0 75 " ]
	[[ "$loser_err" == *tb-approve* ]]
	db_sound
}
