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
	run groff -mdoc -Tutf8 -ww -z "$TB_ROOT/tb.conf.5"
	[ "$status" -eq 0 ] && [ -z "$output" ]
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
	[ -f "$BATS_TEST_TMPDIR/prefix/share/man/man5/tb.conf.5" ]
	# An installed program runs without the source tree.
	export TB_HOME="$BATS_TEST_TMPDIR/home"
	run "$BATS_TEST_TMPDIR/prefix/bin/tb-decide" --date 2026-03-30
	assert_success
	run "$BATS_TEST_TMPDIR/prefix/bin/tb-status" --json --date 2026-03-30
	assert_success
	[ "$(json_field .main_trader)" = claude ]
}

@test "every program's --help names -h, --help, --version and --config, and -h is the same" {
	local p
	for p in $PROGRAMS; do
		run "$p" --help
		assert_success
		assert_output --partial "usage: $p"
		assert_line --regexp '^ +-h, --help +'
		assert_line --regexp '^ +--version +'
		assert_output --partial "--config"
		local help=$output
		run "$p" -h
		assert_success
		[ "$output" = "$help" ] || { echo "$p -h differs from --help"; false; }
	done
}

@test "the man pages name -h and tb-status.1 shows --config" {
	local p
	for p in $PROGRAMS; do
		grep -q '^\.It Fl h , Fl -help' "$TB_ROOT/bin/$p.1" ||
		    { echo "$p.1 lacks -h"; false; }
	done
	run groff -mdoc -Tutf8 -P-cbu "$TB_ROOT/bin/tb-status.1"
	assert_output --partial "tb-status --config"
	assert_output --regexp "default, tb.conf, tb.env,"
}
