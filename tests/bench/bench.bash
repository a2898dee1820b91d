# bench.bash - helpers of tests/bench/run.sh (sourced by it, after
# tests/fakes/fake.bash).
#
# A bench step measures one command with tests/tools/measure (BENCH_RUNS
# runs, a setup command before each that restores the step's starting
# database), and records one row: what was measured, the median wall time,
# the peak RSS over the runs, the target and whether it was met.  Rows
# accumulate in $BENCH_WORK/rows.tsv; bench_table prints them and
# bench_results writes tests/bench/RESULTS.md.

BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_STEP_TIMEOUT=$((60 + 20 * BENCH_RUNS))	# seconds per measured step
# shellcheck disable=SC2034  # the targets are run.sh's, which sources this
BENCH_RSS_KB=$((20 * 1024))		# every program: under 20 MB
# shellcheck disable=SC2034
BENCH_REFRESH_RSS_KB=$((64 * 1024))	# the instruments refresh: under 64 MB

# bench_snapshot NAME: copy the live database to $BENCH_WORK/NAME.db.
bench_snapshot() {
	rm -f "$BENCH_WORK/$1.db"
	sqlite3 "$TB_HOME/tb.db" ".backup '$BENCH_WORK/$1.db'"
}

# bench_restore_cmd NAME: the sh command that puts snapshot NAME back in
# place (measure's -s setup), or that removes the database when NAME is "-".
bench_restore_cmd() {
	local db="$TB_HOME/tb.db"
	if [ "$1" = - ]; then
		printf "rm -f '%s' '%s-wal' '%s-shm'" "$db" "$db" "$db"
	else
		printf "rm -f '%s-wal' '%s-shm' && cp '%s' '%s'" \
		    "$db" "$db" "$BENCH_WORK/$1.db" "$db"
	fi
	# The broker forgets the last run's orders with the journal: a
	# restored journal with the broker's orders left in place is a lost
	# journal, and tb-execute rightly sends nothing then.
	if [ -n "${FAKE_URL:-}" ]; then
		printf " && { curl -sf -o /dev/null --data-binary '%s' %s || :; }" \
		    '{"t212.history":[],"t212.pending":[]}' \
		    "$FAKE_URL/_control/state"
	fi
}

# bench_measure STEP SNAPSHOT COMMAND...: run COMMAND BENCH_RUNS times,
# restoring SNAPSHOT before each run; stdout and stderr of the runs go to
# $BENCH_WORK/STEP.out / STEP.err, each run's start to STEP.starts.  Sets
# BENCH_JSON to measure's line.  Fails (after logging) when a run failed.
bench_measure() {
	local step=$1 snap=$2 rc=0
	shift 2
	: > "$BENCH_WORK/$step.starts"
	# A hung program must not hang the bench: timeout(1) kills measure's
	# whole process group.
	timeout -k 5 "$BENCH_STEP_TIMEOUT" \
	    "$BENCH_MEASURE" -n "$BENCH_RUNS" -s "$(bench_restore_cmd "$snap")" \
	    -o "$BENCH_WORK/$step.starts" -- "$@" \
	    > "$BENCH_WORK/$step.out" 2> "$BENCH_WORK/$step.err" || rc=$?
	BENCH_JSON=$(grep '^{"runs":' "$BENCH_WORK/$step.out" | tail -n 1)
	if [ -z "$BENCH_JSON" ]; then
		BENCH_JSON='{"runs":0,"failed":1,"median_ms":0,"peak_rss_kb":0}'
	fi
	if [ "$rc" -ne 0 ]; then
		echo "bench: $step: a run failed ($*); its log:" >&2
		tail -n 5 "$BENCH_WORK/$step.err" >&2
		return 1
	fi
	return 0
}

# bench_field KEY: a number of BENCH_JSON.
bench_field() {
	jq -r ".$1" <<<"$BENCH_JSON"
}

# bench_row WHAT MS RSS_KB TARGET VERDICT [NOTE]: record one row.
bench_row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:-}" \
	    >> "$BENCH_WORK/rows.tsv"
	case $5 in pass|info) ;; *) BENCH_FAILED=$((BENCH_FAILED + 1)) ;; esac
}

# bench_verdict CONDITION...: "pass" when every awk condition holds.
bench_verdict() {
	local c
	for c in "$@"; do
		awk "BEGIN { exit !($c) }" || { echo FAIL; return; }
	done
	echo pass
}

# bench_program WHAT RSS_LIMIT_KB [MS_LIMIT [NOTE]]: a row for the last
# bench_measure, against an RSS limit and optionally a time limit.
bench_program() {
	local what=$1 rss_limit=$2 ms_limit=${3:-} note=${4:-}
	local ms rss failed target verdict
	ms=$(bench_field median_ms)
	rss=$(bench_field peak_rss_kb)
	failed=$(bench_field failed)
	target="RSS < $((rss_limit / 1024)) MB"
	if [ -n "$ms_limit" ]; then
		target="< $ms_limit ms, $target"
		verdict=$(bench_verdict "$failed == 0" "$rss < $rss_limit" \
		    "$ms < $ms_limit")
	else
		verdict=$(bench_verdict "$failed == 0" "$rss < $rss_limit")
	fi
	[ "$failed" = 0 ] || note="$failed run(s) failed; $note"
	bench_row "$what" "$ms" "$rss" "$target" "$verdict" "$note"
}

# bench_failed_row WHAT TARGET: a step that could not be measured.
bench_failed_row() {
	bench_row "$1" - - "$2" FAIL "could not run: see the log above"
}

# bench_mb KB: KB as MB with one decimal.
bench_mb() {
	case $1 in
	-) echo - ;;
	*) awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' ;;
	esac
}

# bench_table: the rows as an aligned text table on stdout.
bench_table() {
	{
		printf 'what\tmedian ms\tpeak RSS MB\ttarget\tresult\tnote\n'
		while IFS=$'\t' read -r what ms rss target verdict note; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$what" "$ms" \
			    "$(bench_mb "$rss")" "$target" "$verdict" "$note"
		done < "$BENCH_WORK/rows.tsv"
	} | column -t -s $'\t'
}

# bench_machine: the machine, as markdown list items.
bench_machine() {
	local cpu mem flags
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	flags=$(make -s -n -B -C "$TB_ROOT" ${BENCH_MAKE_ARGS:+"$BENCH_MAKE_ARGS"} \
	    "$BENCH_BUILD_NAME/lib/err.o" 2>/dev/null | grep -e ' -c -o ' |
	    head -n 1 |
	    sed 's/ -MMD -MP.*//; s/^[^ ]* //')
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- CPU: ${cpu:-unknown}, $(nproc) core(s) online"
	echo "- memory: $mem"
	echo "- kernel: $(uname -sr)"
	echo "- compiler: $(${CC:-cc} --version | head -n 1)"
	echo "- build flags: ${flags:-unknown}"
	echo "- SQLite $(sqlite3 --version | cut -d' ' -f1), $(curl-config --version 2>/dev/null || echo libcurl), $(python3 --version) (the fake)"
}

# bench_results FILE: write the results document (the hand-written notes
# after the marker line of an existing FILE are kept).
bench_results() {
	local file=$1 marker='<!-- notes: kept by run.sh -->' notes=""
	if [ -f "$file" ] && grep -qF "$marker" "$file"; then
		notes=$(sed -n "/$marker/,\$p" "$file" | tail -n +2)
	fi
	{
		echo "# make bench: measured figures"
		echo
		echo "Written by tests/bench/run.sh (\`make bench\`); rerun it to refresh."
		echo "Each figure is over $BENCH_RUNS runs against the fake services on"
		echo "127.0.0.1 with fixed upstream delays (see run.sh): median wall time,"
		echo "and the highest peak RSS (ru_maxrss, KiB/1024) of any run."
		echo
		echo "## Machine"
		echo
		bench_machine
		echo
		echo "## Results"
		echo
		echo "| what | median ms | peak RSS MB | target | result | note |"
		echo "|---|---:|---:|---|---|---|"
		while IFS=$'\t' read -r what ms rss target verdict note; do
			echo "| $what | $ms | $(bench_mb "$rss") | $target | $verdict | $note |"
		done < "$BENCH_WORK/rows.tsv"
		echo
		echo "$marker"
		if [ -n "$notes" ]; then
			printf '%s\n' "$notes"
		fi
	} > "$file.tmp" && mv "$file.tmp" "$file"
}
