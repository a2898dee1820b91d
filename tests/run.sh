#!/bin/sh
# run.sh - run every C unit driver and every bats suite, print their TAP,
# and end with one line "N passed, N failed, N skipped".
#
# Usage: TB_BUILD=build sh tests/run.sh [suite.bats ...]
#
# The bats suites run in one bats process with --jobs (GNU parallel): the
# tests of all suites at once, TB_TEST_JOBS at a time (default 3 per core:
# most of a test's time is spent waiting on the programs and the fake).
# Each test has its own TB_HOME and its own fake on a free port.
# TB_TEST_JOBS=1, or no GNU parallel, runs them one after another.
#
# Exits non-zero if any check failed, any runner died, or fewer results
# came than the TAP plans announced.
set -u

cd "$(dirname "$0")/.." || exit 70
TB_BUILD=${TB_BUILD:-build}
export TB_BUILD
TB_ROOT=$(pwd)
export TB_ROOT
# Sanitized builds: fail loudly on the first error, leaks included.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:exitcode=86}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

tap=$(mktemp) || exit 70
trap 'rm -f "$tap" "$tap.one" "$tap.rc"' EXIT INT TERM
died=0

# run_tap NAME CMD...: run CMD, print its TAP as it comes and append it
# to $tap; a non-zero exit without a failed test is a death, reported.
run_tap() {
	name=$1
	shift
	{ "$@" 2>&1; echo $? > "$tap.rc"; } | tee "$tap.one"
	rc=$(cat "$tap.rc")
	cat "$tap.one" >> "$tap"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$tap.one"; then
		echo "not ok - $name exited with status $rc" | tee -a "$tap"
		died=1
	fi
}

if [ $# -eq 0 ]; then
	for t in "$TB_BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *.d) continue ;; esac
		echo "# $t"
		run_tap "$t" "$t"
	done
	set -- tests/*.bats
fi

jobs=${TB_TEST_JOBS:-$(($(nproc 2>/dev/null || echo 1) * 3))}
case $jobs in
'' | *[!0-9]*) echo "run.sh: TB_TEST_JOBS=$jobs is not a number" >&2; exit 64 ;;
esac
if [ "$jobs" -gt 1 ] && ! command -v parallel > /dev/null; then
	echo "# no GNU parallel (Debian package parallel): suites run one by one"
	jobs=1
fi
if [ "$jobs" -gt 1 ]; then
	echo "# bats --jobs $jobs: $*"
	run_tap "bats" bats --tap --jobs "$jobs" "$@"
else
	for suite in "$@"; do
		echo "# $suite"
		run_tap "$suite: bats" bats --tap "$suite"
	done
fi

planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tap" | awk '{ n += $1 } END { print n + 0 }')
skipped=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$tap")
passed=$(($(grep -c '^ok ' "$tap") - skipped))
failed=$(grep -c '^not ok' "$tap")
if [ $((passed + failed + skipped)) -lt "$planned" ]; then
	echo "not ok - the TAP plans announce $planned tests, $((passed + failed + skipped)) reported"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$died" -eq 0 ] && [ "$passed" -gt 0 ]
