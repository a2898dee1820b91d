#!/usr/bin/env bats
# The fault matrix: every upstream under every fault the fake can play.
# For each one the program that uses the service must exit with the
# right code (or degrade as documented), say which service failed in a
# one-line log message, leave no half-written rows, and a rerun after
# the fault clears must complete the day without doing anything twice.
#
# Timeouts: only tb-decide's LLMs have a documented knob
# (TB_LLM_TIMEOUT_SECONDS).  Reddit, Yahoo and Trading 212 requests keep
# their built-in per-attempt timeouts (30 s, 15 s, 30 s), too long for a
# suite, so for them "hang" is the fake holding the request for a while
# and then closing it without an answer.

load helpers
load seeds

MONDAY=2026-03-30
EXEC_DAY=2026-11-23
ORDERS=/api/v0/equity/orders/market

# The faults every service gets: "label|fake_fault arguments".
FAULTS=(
	"HTTP 500|status=500"
	"HTTP 502|status=502"
	"HTTP 503|status=503"
	"malformed JSON|mode=malformed"
	"truncated body|mode=truncated"
	"HTML error page|mode=html"
	"body over the size cap|mode=oversize"
	"empty 200|mode=empty"
	"closed without an answer|mode=refuse"
)

setup() {
	tb_isolate
	export TB_HTTP_BACKOFF_SCALE=0.01
	fake_start
	export ANTHROPIC_API_KEY=sk-ant-fault-test MINIMAX_API_KEY=mm-fault-test
	export REDDIT_CLIENT_ID=fault-client REDDIT_CLIENT_SECRET=fault-secret
	export TB_REDDIT_USERNAME=tb-tester
	export T212_API_KEY=t212-fault-key
}

teardown() {
	fake_stop
}

# A TCP port on 127.0.0.1 that nothing listens on.
closed_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# The label of the fault being tried, so that a failure says which.
trying() {
	echo "# fault: $1"
}

# says SERVICE: stderr holds a WARN or ERROR line naming SERVICE.
says() {
	if ! grep -Eq "(WARN|ERROR) tb-[a-z]+: .*\b$1\b" <<<"$stderr"; then
		echo "no log line naming $1 in:"
		printf '%s\n' "$stderr"
		return 1
	fi
}

# The database is sound: SQLite's own check and no dangling references.
db_sound() {
	[ "$(tb_sql 'PRAGMA integrity_check')" = ok ]
	[ -z "$(tb_sql 'PRAGMA foreign_key_check')" ]
}

fresh_home() {
	rm -rf "$TB_HOME"
	fake_clear
}

# ---- Reddit, through tb-collect

collect_at_1630() {
	export TB_NOW=${MONDAY}T16:30:00+02:00
	fake_set reddit.now="$(date -d "$TB_NOW" +%s)"
	run --separate-stderr tb-collect --round 3
}

# Posts, rounds and mentions agree: every mention and round belongs to a
# stored post, and the round's row exists once.
collect_consistent() {
	db_sound
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE post_id NOT IN
	    (SELECT id FROM reddit_posts)")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM post_rounds WHERE post_id NOT IN
	    (SELECT id FROM reddit_posts)")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM collection_rounds
	    GROUP BY date, round HAVING count(*) > 1")" = "" ]
}

# After the fault: the round collects the fixture day's 16 posts, once.
collect_completes() {
	fake_clear
	collect_at_1630
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
	[ "$(tb_sql "SELECT count(*) FROM post_rounds")" = 16 ]
	collect_consistent
}

@test "reddit: each fault on every listing: exit 69, nothing half-stored, the rerun collects" {
	for f in "${FAULTS[@]}"; do
		trying "reddit ${f%%|*}"
		fresh_home
		# shellcheck disable=SC2086
		fake_fault reddit '^/r/' ${f#*|}
		collect_at_1630
		[ "$status" -eq 69 ]
		says reddit
		[ "$(json_field '[.subreddits[].error | select(. != null)] | length')" = 5 ]
		[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 0 ]
		collect_consistent
		collect_completes
	done
}

@test "reddit: 429 with Retry-After is waited out; a refused connection fails cleanly" {
	fake_fault reddit '^/r/stocks/new$' status=429 times=1 header.Retry-After=1
	collect_at_1630
	assert_success
	[ "$(json_field '.subreddits[] | select(.name == "stocks") | .error')" = null ]
	# The retry came after the second the server asked for.
	gap=$(fake_requests reddit '^/r/stocks/new$' | jq -s '.[1].arrived_at - .[0].answered_at')
	[ "$(jq -n "$gap >= 0.95")" = true ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]

	fresh_home
	TB_REDDIT_BASE_URL=http://127.0.0.1:$(closed_port) collect_at_1630
	[ "$status" -eq 69 ]
	says reddit
	[[ "$stderr" == *"onnection refused"* ]]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 0 ]
	collect_completes
}

@test "reddit: one subreddit hanging up degrades the round, the others are stored" {
	fake_fault reddit '^/r/stocks/new$' mode=hang delay=0.3
	collect_at_1630
	assert_success
	says reddit
	[ "$(json_field '.subreddits[] | select(.name == "stocks") | .error')" != null ]
	[ "$(json_field '[.subreddits[].error | select(. != null)] | length')" = 1 ]
	# Monday's posts up to 14:30 UTC without r/stocks' 3.
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 13 ]
	collect_consistent
	collect_completes
	[ "$(tb_sql "SELECT count(DISTINCT id) FROM reddit_posts")" = 16 ]
}

@test "reddit: a truncated or oversized listing says why, not just 'HTTP 200'" {
	fake_fault reddit '^/r/' mode=truncated
	collect_at_1630
	[ "$status" -eq 69 ]
	[[ "$(json_field '.subreddits[0].error')" != *"HTTP 200"* ]]
	fresh_home
	fake_fault reddit '^/r/' mode=oversize
	collect_at_1630
	[[ "$(json_field '.subreddits[0].error')" == *"over"*"bytes"* ]]
}

# ---- Trading 212 metadata, through tb-collect

@test "t212 metadata: each fault keeps the round going without a universe; the rerun refreshes" {
	local -a faults=("${FAULTS[@]/mode=oversize/mode=oversize size=40000000}"
	    "429 for a minute|status=429 header.Retry-After=120")
	for f in "${faults[@]}"; do
		trying "t212 instruments ${f%%|*}"
		fresh_home
		# shellcheck disable=SC2086
		fake_fault t212 'metadata/instruments$' ${f#*|}
		collect_at_1630
		assert_success
		says t212
		[ "$(json_field .universe)" = missing ]
		[[ "$(json_field .universe_error)" == t212:* ]]
		[ "$(tb_sql "SELECT count(*) FROM instruments")" = 0 ]
		[ "$(tb_sql "SELECT count(*) FROM metadata_refresh WHERE kind = 'instruments'")" = 0 ]
		[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
		collect_consistent
		fake_clear
		collect_at_1630
		assert_success
		[ "$(json_field .universe)" = refreshed ]
		[ "$(tb_sql "SELECT count(*) FROM instruments")" = 40 ]
		[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
	done
}

# ---- Yahoo, Anthropic and MiniMax, through tb-decide


decide() {
	run --separate-stderr tb-decide --date $MONDAY
}

picks_of() {
	tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = '$1'"
}

# An LLM's pick set is whole or absent: its picks all hang off one
# successful llm_runs row.
picks_whole() {
	db_sound
	[ "$(tb_sql "SELECT count(*) FROM daily_picks p LEFT JOIN llm_runs r
	    ON r.id = p.llm_run_id WHERE r.id IS NULL OR r.status <> 'ok'")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks GROUP BY llm_name, date,
	    ticker HAVING count(*) > 1")" = "" ]
}

# The day decided in full: both fixture answers stored, 3 picks each.
decide_completes() {
	fake_clear
	decide
	assert_success
	[ "$(picks_of claude)" = 3 ]
	[ "$(picks_of minimax)" = 3 ]
	picks_whole
}

@test "yahoo: each fault on every chart: exit 69, no LLM asked, the rerun decides" {
	local -a faults=("${FAULTS[@]}" "hang|mode=hang delay=0.3")
	for f in "${faults[@]}"; do
		trying "yahoo ${f%%|*}"
		fresh_home
		seed_mentions $MONDAY
		# shellcheck disable=SC2086
		fake_fault yahoo '^/v8/finance/chart/' ${f#*|}
		decide
		[ "$status" -eq 69 ]
		says yahoo
		[ "$(tb_sql "SELECT count(*) FROM llm_runs")" = 0 ]
		[ "$(tb_sql "SELECT count(*) FROM daily_picks")" = 0 ]
		[ "$(tb_sql "SELECT count(*) FROM market_data WHERE status = 'ok'")" = 0 ]
		db_sound
		decide_completes
		[ "$(tb_sql "SELECT count(*) FROM market_data WHERE status = 'ok'
		    AND symbol NOT LIKE '%=X'")" = 5 ]
	done
}

@test "yahoo: 429 with Retry-After is waited out; a refused connection exits 69" {
	seed_mentions $MONDAY
	fake_fault yahoo '^/v8/finance/chart/AAPL$' status=429 times=1 header.Retry-After=1
	decide
	assert_success
	[ "$(tb_sql "SELECT status FROM market_data WHERE symbol = 'AAPL'")" = ok ]
	[ "$(fake_count yahoo '^/v8/finance/chart/AAPL$')" = 2 ]

	fresh_home
	seed_mentions $MONDAY
	TB_YAHOO_BASE_URL=http://127.0.0.1:$(closed_port) decide
	[ "$status" -eq 69 ]
	says yahoo
	[ "$(tb_sql "SELECT count(*) FROM daily_picks")" = 0 ]
	decide_completes
}

# The faults an LLM gets, one a line: the common ones, a hang past its
# (shortened) timeout, and a closed port.
llm_faults() {
	printf '%s\n' "${FAULTS[@]}" "timeout|mode=hang delay=5" \
	    "refused|refused"
}

# llm_fault_run SERVICE PATH FAULT: run tb-decide with SERVICE failing.
llm_fault_run() {
	local url_var
	if [ "$3" = refused ]; then
		# The caller restores the base URL afterwards.
		url_var=TB_$(tr '[:lower:]' '[:upper:]' <<<"$1")_BASE_URL
		export "$url_var=http://127.0.0.1:$(closed_port)"
	else
		# shellcheck disable=SC2086
		fake_fault "$1" "$2" $3
	fi
	TB_LLM_TIMEOUT_SECONDS=0.5 decide
}

@test "anthropic (Monday's main trader): each fault exits 69, minimax kept, the rerun asks claude only" {
	local saved=$TB_ANTHROPIC_BASE_URL
	while IFS= read -r f; do
		trying "anthropic ${f%%|*}"
		fresh_home
		export TB_ANTHROPIC_BASE_URL=$saved
		seed_mentions $MONDAY
		llm_fault_run anthropic '^/v1/messages' "${f#*|}"
		export TB_ANTHROPIC_BASE_URL=$saved
		[ "$status" -eq 69 ]
		says anthropic
		if [ "${f%%|*}" = timeout ]; then
			[[ "$stderr" == *"anthropic"*"timed out"* ]]
		fi
		[ "$(json_field .llms.claude.status)" = failed ]
		[ "$(json_field .llms.minimax.status)" = ok ]
		[ "$(picks_of claude)" = 0 ]
		[ "$(picks_of minimax)" = 3 ]
		picks_whole
		decide_completes
		# MiniMax had decided: it is not asked again.
		[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE llm_name = 'minimax'")" = 1 ]
	done < <(llm_faults)
}

@test "minimax (Monday's virtual trader): each fault degrades to exit 0, the rerun asks minimax only" {
	local saved=$TB_MINIMAX_BASE_URL
	while IFS= read -r f; do
		trying "minimax ${f%%|*}"
		fresh_home
		seed_mentions $MONDAY
		llm_fault_run minimax '^/v1/' "${f#*|}"
		export TB_MINIMAX_BASE_URL=$saved
		assert_success
		says minimax
		if [ "${f%%|*}" = timeout ]; then
			[[ "$stderr" == *"minimax"*"timed out"* ]]
		fi
		[ "$(json_field .llms.minimax.status)" = failed ]
		[ "$(json_field .llms.claude.status)" = ok ]
		[ "$(picks_of minimax)" = 0 ]
		[ "$(picks_of claude)" = 3 ]
		picks_whole
		decide_completes
		[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE llm_name = 'claude'")" = 1 ]
	done < <(llm_faults)
}

@test "anthropic and minimax: 429 with Retry-After is waited out, one answer stored each" {
	seed_mentions $MONDAY
	fake_fault anthropic '^/v1/messages' status=429 times=1 header.Retry-After=1
	fake_fault minimax '^/v1/' status=429 times=1 header.Retry-After=1
	decide
	assert_success
	[ "$(fake_count anthropic)" = 2 ]
	[ "$(fake_count minimax)" = 2 ]
	[ "$(picks_of claude)" = 3 ]
	[ "$(picks_of minimax)" = 3 ]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE status = 'ok'")" = 2 ]
	picks_whole
}

# ---- Trading 212 orders, through tb-execute


execute() {
	run --separate-stderr tb-execute "$@"
}

# The journal agrees with the broker: no order left pending, at most one
# live trade per pick, and the broker holds exactly the orders the
# journal calls submitted or filled, one per ticker.
journal_agrees() {
	db_sound
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE status = 'pending'")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real' AND status
	    IN ('submitted', 'filled', 'unknown') GROUP BY ticker
	    HAVING count(*) > 1")" = "" ]
	[ "$(fake_state t212.history | jq '[.[].order.ticker] | sort | join(",")')" = \
	    "$(tb_sql "SELECT '\"' || group_concat(broker_ticker, ',') || '\"' FROM
	    (SELECT broker_ticker FROM trades WHERE kind = 'real' AND status IN
	    ('submitted', 'filled') ORDER BY broker_ticker)")" ]
}

@test "t212 orders: each fault after the broker took the order leaves it pending; the rerun reconciles, never re-sends" {
	local -a faults=("${FAULTS[@]}" "hang|mode=hang delay=0.3")
	for f in "${faults[@]}"; do
		trying "t212 orders ${f%%|*}"
		fresh_home
		fake_set 't212.history=[]' 't212.pending=[]'
		seed_approved_day "$EXEC_DAY"
		# The broker acts on the first order; its answer is the fault.
		# shellcheck disable=SC2086
		fake_fault t212 "$ORDERS\$" ${f#*|} apply=true times=1
		execute
		[ "$status" -eq 69 ]
		says t212
		[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'ASML.AS'")" = pending ]
		# The first sign of trouble stops the orders.
		[ "$(fake_count t212 "$ORDERS")" -ge 1 ]
		[ "$(tb_sql "SELECT count(*) FROM trades WHERE ticker = 'AIR.PA'")" = 0 ]
		db_sound
		sent=$(fake_count t212 "$ORDERS")
		execute
		assert_success
		[ "$(json_field .reconciled.matched)" = 1 ]
		[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'ASML.AS'")" = filled ]
		[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'AIR.PA'")" = submitted ]
		# Only AIR.PA was sent by the rerun.
		[ "$(fake_count t212 "$ORDERS")" = $((sent + 1)) ]
		[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'virtual'")" = 1 ]
		journal_agrees
	done
}

@test "t212 orders: 429 with Retry-After is waited out, one order each" {
	seed_approved_day "$EXEC_DAY"
	fake_fault t212 "$ORDERS\$" status=429 times=1 header.Retry-After=1
	execute
	assert_success
	[ "$(json_field .placed)" = 2 ]
	[ "$(fake_count t212 "$ORDERS")" = 3 ]
	[ "$(fake_state t212.history | jq length)" = 2 ]
	journal_agrees
}

@test "t212 orders: a refused connection sends and journals nothing; the next run places each once" {
	seed_approved_day "$EXEC_DAY"
	tb-execute --dry-run >/dev/null 2>&1	# caches the instruments
	TB_T212_BASE_URL=http://127.0.0.1:$(closed_port) execute
	[ "$status" -eq 69 ]
	says t212
	# The broker's orders could not be read, so nothing was sent.
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real'")" = 0 ]
	[ "$(fake_count t212 "$ORDERS")" = 0 ]
	execute
	assert_success
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real' AND status = 'submitted'")" = 2 ]
	[ "$(fake_count t212 "$ORDERS")" = 2 ]
	journal_agrees
}
