#!/bin/sh
# run.sh - run every C unit driver and every bats suite, print their TAP,
# and end with one line "N passed, N failed, N skipped".
#
# Usage: TB_BUILD=build sh tests/run.sh [suite.bats ...]
# Exits non-zero if any check failed or any runner died.
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
trap 'rm -f "$tap"' EXIT INT TERM
died=0

if [ $# -eq 0 ]; then
	for t in "$TB_BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *.d) continue ;; esac
		echo "# $t"
		"$t" > "$tap.one" 2>&1
		rc=$?
		cat "$tap.one" | tee -a "$tap"
		if [ $rc -ne 0 ] && ! grep -q '^not ok' "$tap.one"; then
			echo "not ok - $t exited with status $rc" | tee -a "$tap"
		fi
	done
	rm -f "$tap.one"
	set -- tests/*.bats
fi

for suite in "$@"; do
	echo "# $suite"
	bats --tap "$suite" > "$tap.one" 2>&1
	rc=$?
	cat "$tap.one" | tee -a "$tap"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$tap.one"; then
		echo "not ok - $suite: bats exited with status $rc" | tee -a "$tap"
		died=1
	fi
done
rm -f "$tap.one"

skipped=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$tap")
passed=$(($(grep -c '^ok ' "$tap") - skipped))
failed=$(grep -c '^not ok' "$tap")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$died" -eq 0 ] && [ "$passed" -gt 0 ]
