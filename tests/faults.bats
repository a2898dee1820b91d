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

# Each test runs in its own process: what one sets (bats' $status too) is
# meant to stay in it.
# shellcheck disable=SC2030,SC2031
load helpers
load seeds

MONDAY=2026-03-30
EXEC_DAY=2026-11-23
ORDERS=/api/v0/equity/orders/market

# Every service gets the same faults, one test each (so that they run in
# parallel): HTTP 500, 502 and 503, malformed JSON, a truncated body, an
# HTML error page, a body over the size cap, an empty 200, and a
# connection closed without an answer; some services more (a hang, a long
# 429, a timeout, a refused connection).

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

# says SERVICE: stderr holds a WARN or ERROR line naming SERVICE.
says() {
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
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

# reddit_fault FAULT...: every listing fails so: exit 69, nothing
# half-stored, and the rerun after the fault clears collects the day.
reddit_fault() {
	fake_fault reddit '^/r/' "$@"
	collect_at_1630
	[ "$status" -eq 69 ]
	says reddit
	[ "$(json_field '[.subreddits[].error | select(. != null)] | length')" = 5 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 0 ]
	collect_consistent
	collect_completes
}

@test "reddit, HTTP 500 on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault status=500
}

@test "reddit, HTTP 502 on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault status=502
}

@test "reddit, HTTP 503 on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault status=503
}

@test "reddit, malformed JSON on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault mode=malformed
}

@test "reddit, truncated body on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault mode=truncated
}

@test "reddit, HTML error page on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault mode=html
}

@test "reddit, body over the size cap on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault mode=oversize
}

@test "reddit, empty 200 on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault mode=empty
}

@test "reddit, closed without an answer on every listing: exit 69, nothing half-stored, the rerun collects" {
	reddit_fault mode=refuse
}

@test "reddit: 429 with Retry-After is waited out; a refused connection fails cleanly" {
	fake_fault reddit '^/r/stocks/new$' status=429 times=1 header.Retry-After=1
	collect_at_1630
	assert_success
	[ "$(json_field '.subreddits[] | select(.name == "stocks") | .error')" = null ]
	# The retry came after the second the server asked for (arrival to
	# arrival: answered_at is stamped after the answer went out).
	gap=$(fake_requests reddit '^/r/stocks/new$' | jq -s '.[1].arrived_at - .[0].arrived_at')
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

# instruments_fault FAULT...: the instruments fail so: the round goes on
# without a universe, and the rerun after the fault clears refreshes it.
instruments_fault() {
	fake_fault t212 'metadata/instruments$' "$@"
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
}

@test "t212 metadata, HTTP 500 keeps the round going without a universe; the rerun refreshes" {
	instruments_fault status=500
}

@test "t212 metadata, HTTP 502 keeps the round going without a universe; the rerun refreshes" {
	instruments_fault status=502
}

@test "t212 metadata, HTTP 503 keeps the round going without a universe; the rerun refreshes" {
	instruments_fault status=503
}

@test "t212 metadata, malformed JSON keeps the round going without a universe; the rerun refreshes" {
	instruments_fault mode=malformed
}

@test "t212 metadata, truncated body keeps the round going without a universe; the rerun refreshes" {
	instruments_fault mode=truncated
}

@test "t212 metadata, HTML error page keeps the round going without a universe; the rerun refreshes" {
	instruments_fault mode=html
}

@test "t212 metadata, body over the size cap keeps the round going without a universe; the rerun refreshes" {
	instruments_fault mode=oversize size=40000000
}

@test "t212 metadata, empty 200 keeps the round going without a universe; the rerun refreshes" {
	instruments_fault mode=empty
}

@test "t212 metadata, closed without an answer keeps the round going without a universe; the rerun refreshes" {
	instruments_fault mode=refuse
}

@test "t212 metadata, 429 for a minute keeps the round going without a universe; the rerun refreshes" {
	instruments_fault status=429 header.Retry-After=120
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

# charts_fault FAULT...: every chart fails so: exit 69, no LLM asked,
# and the rerun after the fault clears decides.
charts_fault() {
	seed_mentions $MONDAY
	fake_fault yahoo '^/v8/finance/chart/' "$@"
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
}

@test "yahoo, HTTP 500 on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault status=500
}

@test "yahoo, HTTP 502 on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault status=502
}

@test "yahoo, HTTP 503 on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault status=503
}

@test "yahoo, malformed JSON on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault mode=malformed
}

@test "yahoo, truncated body on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault mode=truncated
}

@test "yahoo, HTML error page on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault mode=html
}

@test "yahoo, body over the size cap on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault mode=oversize
}

@test "yahoo, empty 200 on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault mode=empty
}

@test "yahoo, closed without an answer on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault mode=refuse
}

@test "yahoo, hang on every chart: exit 69, no LLM asked, the rerun decides" {
	charts_fault mode=hang delay=0.3
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

# llm_fault_run SERVICE PATH FAULT...: run tb-decide with SERVICE failing
# so; "refused" makes its base URL a closed port for that run.  The LLM
# timeout is shortened for the hangs.
llm_fault_run() {
	local service=$1 path=$2 url_var saved
	shift 2
	url_var=TB_$(tr '[:lower:]' '[:upper:]' <<<"$service")_BASE_URL
	saved=${!url_var}
	if [ "$1" = refused ]; then
		export "$url_var=http://127.0.0.1:$(closed_port)"
	else
		fake_fault "$service" "$path" "$@"
	fi
	TB_LLM_TIMEOUT_SECONDS=0.5 decide
	export "$url_var=$saved"
}

# anthropic_fault FAULT...: Monday's main trader fails so: exit 69,
# minimax's picks kept, and the rerun asks claude only.
anthropic_fault() {
	seed_mentions $MONDAY
	llm_fault_run anthropic '^/v1/messages' "$@"
	[ "$status" -eq 69 ]
	says anthropic
	if [ "$1" = mode=hang ]; then
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
}

# minimax_fault FAULT...: Monday's virtual trader fails so: the run
# degrades to exit 0, and the rerun asks minimax only.
minimax_fault() {
	seed_mentions $MONDAY
	llm_fault_run minimax '^/v1/' "$@"
	assert_success
	says minimax
	if [ "$1" = mode=hang ]; then
		[[ "$stderr" == *"minimax"*"timed out"* ]]
	fi
	[ "$(json_field .llms.minimax.status)" = failed ]
	[ "$(json_field .llms.claude.status)" = ok ]
	[ "$(picks_of minimax)" = 0 ]
	[ "$(picks_of claude)" = 3 ]
	picks_whole
	decide_completes
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE llm_name = 'claude'")" = 1 ]
}

@test "anthropic (Monday's main trader), HTTP 500: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault status=500
}

@test "anthropic (Monday's main trader), HTTP 502: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault status=502
}

@test "anthropic (Monday's main trader), HTTP 503: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault status=503
}

@test "anthropic (Monday's main trader), malformed JSON: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault mode=malformed
}

@test "anthropic (Monday's main trader), truncated body: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault mode=truncated
}

@test "anthropic (Monday's main trader), HTML error page: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault mode=html
}

@test "anthropic (Monday's main trader), body over the size cap: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault mode=oversize
}

@test "anthropic (Monday's main trader), empty 200: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault mode=empty
}

@test "anthropic (Monday's main trader), closed without an answer: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault mode=refuse
}

@test "anthropic (Monday's main trader), timeout: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault mode=hang delay=5
}

@test "anthropic (Monday's main trader), refused connection: exit 69, minimax kept, the rerun asks claude only" {
	anthropic_fault refused
}

@test "minimax (Monday's virtual trader), HTTP 500: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault status=500
}

@test "minimax (Monday's virtual trader), HTTP 502: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault status=502
}

@test "minimax (Monday's virtual trader), HTTP 503: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault status=503
}

@test "minimax (Monday's virtual trader), malformed JSON: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault mode=malformed
}

@test "minimax (Monday's virtual trader), truncated body: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault mode=truncated
}

@test "minimax (Monday's virtual trader), HTML error page: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault mode=html
}

@test "minimax (Monday's virtual trader), body over the size cap: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault mode=oversize
}

@test "minimax (Monday's virtual trader), empty 200: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault mode=empty
}

@test "minimax (Monday's virtual trader), closed without an answer: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault mode=refuse
}

@test "minimax (Monday's virtual trader), timeout: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault mode=hang delay=5
}

@test "minimax (Monday's virtual trader), refused connection: degrades to exit 0, the rerun asks minimax only" {
	minimax_fault refused
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

# order_fault FAULT...: the broker takes the first order and its answer
# fails so: the order stays pending, exit 69, and the rerun reconciles
# it and sends only the next one.
order_fault() {
	seed_approved_day "$EXEC_DAY"
	fake_fault t212 "$ORDERS\$" "$@" apply=true times=1
	execute
	[ "$status" -eq 69 ]
	says t212
	[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'ASML.AS'")" = pending ]
	# Sent once, never again by the HTTP layer; the first sign of
	# trouble stops the orders.
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE ticker = 'AIR.PA'")" = 0 ]
	db_sound
	execute
	assert_success
	[ "$(json_field .reconciled.matched)" = 1 ]
	[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'ASML.AS'")" = filled ]
	[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'AIR.PA'")" = submitted ]
	# Only AIR.PA was sent by the rerun.
	[ "$(fake_count t212 "$ORDERS")" = 2 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'virtual'")" = 1 ]
	journal_agrees
}

@test "t212 orders, HTTP 500: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault status=500
}

@test "t212 orders, HTTP 502: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault status=502
}

@test "t212 orders, HTTP 503: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault status=503
}

@test "t212 orders, malformed JSON: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault mode=malformed
}

@test "t212 orders, truncated body: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault mode=truncated
}

@test "t212 orders, HTML error page: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault mode=html
}

@test "t212 orders, body over the size cap: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault mode=oversize
}

@test "t212 orders, empty 200: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault mode=empty
}

@test "t212 orders, closed without an answer: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault mode=refuse
}

@test "t212 orders, hang: the order taken stays pending; the rerun reconciles, never re-sends" {
	order_fault mode=hang delay=0.3
}

@test "t212 orders: a 429 is not resent; the order stays pending, then unknown, never sent again" {
	seed_approved_day "$EXEC_DAY"
	fake_fault t212 "$ORDERS\$" status=429 times=1 header.Retry-After=1
	execute
	[ "$status" -eq 69 ]
	says t212
	[ "$(fake_count t212 "$ORDERS")" = 1 ]
	[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'ASML.AS'")" = pending ]
	[ "$(fake_state t212.history | jq length)" = 0 ]
	execute --force
	[ "$status" -eq 69 ]
	[ "$(tb_sql "SELECT status FROM trades WHERE ticker = 'ASML.AS'")" = unknown ]
	[ "$(json_field .placed)" = 1 ]
	[ "$(fake_count t212 "$ORDERS")" = 2 ]
	[ "$(fake_state t212.history | jq length)" = 1 ]
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
