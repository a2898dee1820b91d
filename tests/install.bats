#!/usr/bin/env bats
# make install, and the man pages beside the programs.

load helpers

PROGRAMS="tb-collect tb-decide tb-approve tb-execute tb-cron tb-daily tb-status
    tb-report tb-sell"

@test "every program has a man page that formats without warnings" {
	local p
	for p in $PROGRAMS; do
		[ -f "$TB_ROOT/bin/$p.1" ] || { echo "no bin/$p.1"; false; }
		run groff -mdoc -Tutf8 -ww -z "$TB_ROOT/bin/$p.1"
		[ "$status" -eq 0 ] && [ -z "$output" ] || { echo "$p.1: $output"; false; }
		grep -q '^\.Sh EXIT STATUS' "$TB_ROOT/bin/$p.1"
		grep -q '^\.Sh EXAMPLES' "$TB_ROOT/bin/$p.1"
	done
}

@test "make install puts the programs and man pages under PREFIX" {
	run make -C "$TB_ROOT" install PREFIX="$BATS_TEST_TMPDIR/prefix" \
	    B="$TB_BUILD"
	assert_success
	local p
	for p in $PROGRAMS; do
		[ -x "$BATS_TEST_TMPDIR/prefix/bin/$p" ] || { echo "no $p"; false; }
		[ -f "$BATS_TEST_TMPDIR/prefix/share/man/man1/$p.1" ]
	done
	# An installed program runs without the source tree.
	TB_HOME="$BATS_TEST_TMPDIR/home" run "$BATS_TEST_TMPDIR/prefix/bin/tb-status" \
	    --json --date 2026-03-30
	assert_success
	[ "$(json_field .main_trader)" = claude ]
}
