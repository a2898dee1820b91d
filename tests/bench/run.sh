#!/bin/sh
# run.sh - `make bench`: speed and memory of every program against the
# fake services, on 127.0.0.1 only.
#
#   TB_BUILD=build sh tests/bench/run.sh
#
# Environment: TB_BUILD (default build; an optimised build, not build-asan),
# BENCH_RUNS (runs per figure, default 5), BENCH_RESULTS (the results file,
# default tests/bench/RESULTS.md; /dev/null to keep it unchanged),
# BENCH_STRICT (1: exit 1 when a target is missed).
#
# One day (Monday 2026-03-30, TB_NOW 17:10 Berlin) in a temporary TB_HOME,
# each step starting from a snapshot of the database the previous step
# left, restored before every run so that each run does the same work:
#
#   tb-collect --round 1   5 subreddits x 100 posts (gen_posts.py), every
#                          Reddit request delayed 100 ms, universe cached
#   instruments refresh    tb-collect on an empty database with a 15,000
#                          instrument universe (FAKE_INSTRUMENTS), every
#                          Trading 212 request delayed 100 ms
#   tb-decide              every Yahoo request delayed 200 ms, each LLM 2 s;
#                          wall time / (slowest market request + slowest
#                          LLM request) is the decide ratio
#   tb-approve --all, tb-execute (3 orders; Trading 212 delayed 100 ms)
#   tb-status              --date and --range over a year of days
#                          (gen_year.py: 260 trading days in every table)
#   tb-report              the scoreboard of that year (< 100 ms), and
#                          --refresh for 60 held instruments (gen_held.py)
#                          with every Yahoo request delayed 200 ms: wall
#                          time / the slowest request <= 1.30
#   tb-cron --print
#   start to first request for tb-collect and tb-execute: measure's start
#   of each run against the fake's arrival time of its first request.
#
# Prints a table and writes RESULTS.md.  Exits 0 when the figures were
# taken (with BENCH_STRICT=1: only when every target is met, else 1), 69
# when the fake cannot start, 70 on a harness error.  Not part of
# `make check`.
# shellcheck shell=bash  # `sh run.sh` re-executes itself in bash first
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u -o pipefail

cd "$(dirname "$0")/../.." || exit 70
TB_ROOT=$(pwd)
TB_BUILD=${TB_BUILD:-build}
case $TB_BUILD in /*) ;; *) TB_BUILD=$TB_ROOT/$TB_BUILD ;; esac
BENCH_BUILD_NAME=${TB_BUILD#"$TB_ROOT"/}
BENCH_MAKE_ARGS=""
case $BENCH_BUILD_NAME in
build-asan) BENCH_MAKE_ARGS="SANITIZE=1"
	echo "bench: $BENCH_BUILD_NAME is a sanitizer build: figures are not representative" >&2 ;;
esac
BENCH_DIR=$TB_ROOT/tests/bench
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_DIR/RESULTS.md}
BENCH_MEASURE=$TB_BUILD/tools/measure
BENCH_FAILED=0
export TB_ROOT TB_BUILD

# shellcheck source=tests/fakes/fake.bash
. "$TB_ROOT/tests/fakes/fake.bash" || exit 70
# shellcheck source=tests/bench/bench.bash
. "$BENCH_DIR/bench.bash" || exit 70

for tool in jq sqlite3 curl python3 column; do
	command -v "$tool" >/dev/null || { echo "bench: needs $tool" >&2; exit 70; }
done
if [ ! -x "$BENCH_MEASURE" ]; then
	make -s -C "$TB_ROOT" ${BENCH_MAKE_ARGS:+"$BENCH_MAKE_ARGS"} "$BENCH_BUILD_NAME/tools/measure" ||
	    exit 70
fi
for p in tb-collect tb-decide tb-approve tb-execute tb-status tb-report tb-cron; do
	[ -x "$TB_BUILD/bin/$p" ] || { echo "bench: no $TB_BUILD/bin/$p: run make" >&2; exit 70; }
done

BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/tb-bench.XXXXXX") || exit 70
export BENCH_WORK
# shellcheck disable=SC2317  # the EXIT trap runs it
bench_cleanup() {
	fake_stop
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$BENCH_WORK"
}
trap bench_cleanup EXIT
trap 'exit 70' INT TERM
: > "$BENCH_WORK/rows.tsv"

# A clean environment: only the fakes, stand-in keys, the fixed day.
for v in $(env | sed -n 's/^\(TB_[A-Z0-9_]*\)=.*/\1/p'); do
	case $v in TB_ROOT|TB_BUILD) ;; *) unset "$v" ;; esac
done
export TB_HOME=$BENCH_WORK/home
export TB_NOW=2026-03-30T17:10:00+02:00
export ANTHROPIC_API_KEY=bench-anthropic-key MINIMAX_API_KEY=bench-minimax-key
export T212_API_KEY=bench-t212-key T212_API_SECRET=bench-t212-secret
export REDDIT_CLIENT_ID=bench-reddit-id REDDIT_CLIENT_SECRET=bench-reddit-secret
export REDDIT_USER_AGENT="tb-bench/1.0"
export TB_HTTP_BACKOFF_SCALE=0.01
export PATH=$TB_BUILD/bin:$PATH
DAY=2026-03-30
mkdir -p "$TB_HOME"

# bench_fake NAME: a fresh fake with state dir $BENCH_WORK/fake-NAME.
bench_fake() {
	fake_stop
	FAKE_STATE=$BENCH_WORK/fake-$1
	fake_start || exit 69
}

echo "bench: $BENCH_RUNS runs per figure, work dir $BENCH_WORK" >&2

# ---- the machine's floor: exec alone, and exec + loading libcurl & co.
if bench_measure floor-true - /bin/true; then
	bench_row "floor: /bin/true" "$(bench_field median_ms)" \
	    "$(bench_field peak_rss_kb)" "-" info "process creation on this machine"
fi
if bench_measure floor-load - tb-collect --version; then
	bench_row "floor: tb-collect --version" "$(bench_field median_ms)" \
	    "$(bench_field peak_rss_kb)" "-" info \
	    "exec + dynamic loading of $(ldd "$TB_BUILD/bin/tb-collect" | wc -l) libraries, no work"
fi
python3 "$BENCH_DIR/gen_posts.py" "$BENCH_WORK/fixtures" 100 "$DAY" || exit 70
FAKE_FIXTURES=$BENCH_WORK/fixtures

# ---- the instruments refresh: 15,000 instruments into an empty database.
echo "bench: instruments refresh" >&2
FAKE_INSTRUMENTS=15000 bench_fake refresh
size=$(curl -s "$TB_T212_BASE_URL/api/v0/equity/metadata/instruments" \
    -H "Authorization: bench" | wc -c)
fake_fault t212 . mode=pass delay=0.1
if bench_measure refresh - tb-collect --round 1 --date "$DAY"; then
	n=$(sqlite3 "$TB_HOME/tb.db" "SELECT count(*) FROM instruments")
	bench_program "instruments refresh (tb-collect, $n instruments)" \
	    "$BENCH_REFRESH_RSS_KB" "" \
	    "answer $((size / 1024)) KiB; also a round of 5 x 100 posts"
else
	bench_failed_row "instruments refresh" "RSS < 64 MB"
fi

# ---- tb-collect: one round, 5 x 100 posts, the universe cached.
echo "bench: tb-collect" >&2
bench_fake collect
fake_fault reddit . mode=pass delay=0.1
fake_fault reddit-www . mode=pass delay=0.1
fake_fault t212 . mode=pass delay=0.1
rm -f "$TB_HOME/tb.db"*
# The day's universe and Reddit token, but no post yet.
timeout -k 5 120 tb-collect --round 1 --date "$DAY" >/dev/null 2>"$BENCH_WORK/warm.err" ||
    { cat "$BENCH_WORK/warm.err" >&2; exit 70; }
sqlite3 "$TB_HOME/tb.db" "DELETE FROM ticker_mentions; DELETE FROM post_rounds;
    DELETE FROM reddit_posts; DELETE FROM collection_rounds; DELETE FROM runs;" ||
    exit 70
bench_snapshot universe
before=$(($(fake_count reddit) + $(fake_count reddit-www)))
if bench_measure collect universe tb-collect --round 1 --date "$DAY"; then
	posts=$(tail -n 2 "$BENCH_WORK/collect.out" | head -n 1 | jq .posts_fetched)
	reqs=$((($(fake_count reddit) + $(fake_count reddit-www) - before) /
	    BENCH_RUNS))
	bench_program "tb-collect --round 1 ($posts posts)" "$BENCH_RSS_KB" "" \
	    "$reqs Reddit requests a run, 100 ms each"
	first=$(python3 "$BENCH_DIR/fakelog.py" first "$BENCH_WORK/collect.starts" \
	    "$FAKE_STATE/requests.jsonl")
	ms=$(jq .median_ms <<<"$first")
	bench_row "tb-collect: start to first request" "$ms" - "< 10 ms" \
	    "$(bench_verdict "$ms < 10")" \
	    "max $(jq .max_ms <<<"$first") ms; first: $(jq -r .first <<<"$first")"
	timeout -k 5 120 tb-collect --round 1 --date "$DAY" >/dev/null 2>&1 || true
else
	bench_failed_row "tb-collect --round 1" "RSS < 20 MB"
fi
bench_snapshot collected

# ---- tb-decide: 200 ms market requests, 2 s LLMs.  The ratio measures
# tb's own overhead against one round of market requests, so all of them
# go at once (market_parallel's default of 4 spreads Yahoo's 16 requests
# over four rounds on purpose: Yahoo refuses bursts).
echo "bench: tb-decide" >&2
export TB_MARKET_PARALLEL=16
bench_fake decide
fake_fault yahoo . mode=pass delay=0.2
fake_fault anthropic . mode=pass delay=2
fake_fault minimax . mode=pass delay=2
if bench_measure decide collected tb-decide --date "$DAY"; then
	bench_program "tb-decide" "$BENCH_RSS_KB"
	fake_sync
	paths=$(python3 "$BENCH_DIR/fakelog.py" paths "$BENCH_WORK/decide.starts" \
	    "$FAKE_STATE/requests.jsonl" yahoo anthropic minimax)
	ms=$(bench_field median_ms)
	ratio=$(awk -v w="$ms" -v p="$(jq .median_ms <<<"$paths")" \
	    'BEGIN { printf "%.3f", w / p }')
	bench_row "tb-decide: wall / slowest upstream path" "$ratio" - \
	    "ratio <= 1.10" "$(bench_verdict "$ratio <= 1.10")" \
	    "path $(jq .median_ms <<<"$paths") ms = market $(jq .market_ms <<<"$paths") + LLM $(jq .llm_ms <<<"$paths"); $(jq .market_requests <<<"$paths") market requests"
	timeout -k 5 120 tb-decide --date "$DAY" >/dev/null 2>&1 || true
else
	bench_failed_row "tb-decide" "RSS < 20 MB, ratio <= 1.10"
fi
unset TB_MARKET_PARALLEL
bench_snapshot decided

# ---- tb-approve --all: no upstream.
echo "bench: tb-approve" >&2
if bench_measure approve decided tb-approve --all --date "$DAY"; then
	bench_program "tb-approve --all" "$BENCH_RSS_KB"
	timeout -k 5 120 tb-approve --all --date "$DAY" >/dev/null 2>&1 || true
else
	bench_failed_row "tb-approve --all" "RSS < 20 MB"
fi
bench_snapshot approved

# ---- tb-execute: the approved orders and the virtual trades.
echo "bench: tb-execute" >&2
bench_fake execute
fake_fault t212 . mode=pass delay=0.1
if bench_measure execute approved tb-execute --date "$DAY"; then
	orders=$(($(fake_count t212 'orders/market') / BENCH_RUNS))
	bench_program "tb-execute ($orders orders)" "$BENCH_RSS_KB" "" \
	    "Trading 212 requests 100 ms each"
	first=$(python3 "$BENCH_DIR/fakelog.py" first "$BENCH_WORK/execute.starts" \
	    "$FAKE_STATE/requests.jsonl")
	ms=$(jq .median_ms <<<"$first")
	bench_row "tb-execute: start to first request" "$ms" - "< 10 ms" \
	    "$(bench_verdict "$ms < 10")" \
	    "max $(jq .max_ms <<<"$first") ms; first: $(jq -r .first <<<"$first")"
else
	bench_failed_row "tb-execute" "RSS < 20 MB"
fi
fake_stop

# ---- tb-status over a year of days.
echo "bench: tb-status (generating a year of days)" >&2
rm -f "$TB_HOME/tb.db"*
"$TB_BUILD/tools/dbinit" >/dev/null 2>&1 || exit 70
python3 "$BENCH_DIR/gen_year.py" "$TB_HOME/tb.db" "$DAY" 260 15000 || exit 70
bench_snapshot year
size=$(($(stat -c %s "$BENCH_WORK/year.db") / 1048576))
if bench_measure status year tb-status --date "$DAY"; then
	bench_program "tb-status --date (year: $size MB db)" "$BENCH_RSS_KB" 50
else
	bench_failed_row "tb-status --date" "< 50 ms, RSS < 20 MB"
fi
if bench_measure status-json year tb-status --json --date "$DAY"; then
	bench_program "tb-status --json --date (year)" "$BENCH_RSS_KB" 50
else
	bench_failed_row "tb-status --json --date" "< 50 ms, RSS < 20 MB"
fi
if bench_measure status-range year tb-status --range 2025-04-01..$DAY; then
	bench_program "tb-status --range (the year, 260 days)" "$BENCH_RSS_KB" "" \
	    "no time target: one line per day"
else
	bench_failed_row "tb-status --range" "RSS < 20 MB"
fi

# ---- tb-report: the year's scoreboard (the same year of days).
echo "bench: tb-report" >&2
if bench_measure report year tb-report --date "$DAY"; then
	bench_program "tb-report --date (the year: $(sqlite3 "$BENCH_WORK/year.db" \
	    "SELECT count(*) FROM trades") trades)" "$BENCH_RSS_KB" 100
else
	bench_failed_row "tb-report --date" "< 100 ms, RSS < 20 MB"
fi
if bench_measure report-json year tb-report --json --date "$DAY"; then
	bench_program "tb-report --json --date (the year)" "$BENCH_RSS_KB" 100
else
	bench_failed_row "tb-report --json --date" "< 100 ms, RSS < 20 MB"
fi

# ---- tb-report --refresh: the closes of 60 held instruments, every Yahoo
# request delayed 200 ms; wall time / the slowest single request.
echo "bench: tb-report --refresh" >&2
rm -f "$TB_HOME/tb.db"*
"$TB_BUILD/tools/dbinit" >/dev/null 2>&1 || exit 70
python3 "$BENCH_DIR/gen_held.py" "$BENCH_WORK/held" "$TB_HOME/tb.db" 60 "$DAY" ||
    exit 70
bench_snapshot held
FAKE_FIXTURES=$BENCH_WORK/held:$BENCH_WORK/fixtures bench_fake refresh-marks
fake_fault yahoo . mode=pass delay=0.2
if bench_measure refresh-marks held tb-report --refresh --date "$DAY"; then
	bench_program "tb-report --refresh (60 held instruments)" "$BENCH_RSS_KB"
	slow=$(python3 "$BENCH_DIR/fakelog.py" slowest \
	    "$BENCH_WORK/refresh-marks.starts" "$FAKE_STATE/requests.jsonl" yahoo)
	ms=$(bench_field median_ms)
	ratio=$(awk -v w="$ms" -v s="$(jq .median_ms <<<"$slow")" \
	    'BEGIN { printf "%.3f", w / s }')
	bench_row "tb-report --refresh: wall / slowest request" "$ratio" - \
	    "ratio <= 1.30" "$(bench_verdict "$ratio <= 1.30")" \
	    "$(jq .requests <<<"$slow") Yahoo requests a run, slowest $(jq .median_ms <<<"$slow") ms; they reached the fake over $(jq .spread_ms <<<"$slow") ms"
else
	bench_failed_row "tb-report --refresh" "RSS < 20 MB, ratio <= 1.30"
fi
fake_stop

# ---- tb-cron --print.
echo "bench: tb-cron" >&2
if bench_measure cron year tb-cron --print; then
	bench_program "tb-cron --print" "$BENCH_RSS_KB"
else
	bench_failed_row "tb-cron --print" "RSS < 20 MB"
fi

echo
bench_table
echo
echo "$BENCH_FAILED target(s) missed"
if [ "$BENCH_RESULTS" != /dev/null ]; then
	bench_results "$BENCH_RESULTS" || exit 70
	echo "bench: wrote ${BENCH_RESULTS#"$TB_ROOT"/}" >&2
fi
if [ "$BENCH_FAILED" -ne 0 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then
	exit 1
fi
exit 0
