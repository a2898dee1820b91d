#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats' run sets output and stderr
# make install and make deb, the man pages (tb.conf(5) made from the key
# table), and the bash completion of every program and flag.

load helpers

PROGRAMS="tb-collect tb-decide tb-approve tb-execute tb-cron tb-daily tb-status
    tb-report tb-sell"

# The installed programs' --help: every option it names.
help_options() {
	"$1" --help | grep -oE -- '(^|[][ ,|])--?[a-z][a-z-]*' |
	    sed 's/^[][ ,|]*//' | sort -u
}

# complete WORD...: what completion/tb offers for the last word.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	    _tb; printf "%s\n" "${COMPREPLY[@]}"' _ "$TB_ROOT/completion/tb" "$@"
}

@test "every man page formats without warnings; tb-cron.1 renders its JSON as JSON" {
	local p
	for p in $PROGRAMS; do
		[ -f "$TB_ROOT/bin/$p.1" ] || { echo "no bin/$p.1"; false; }
		run groff -mandoc -Tutf8 -ww -z "$TB_ROOT/bin/$p.1"
		[ "$status" -eq 0 ] && [ -z "$output" ] || { echo "$p.1: $output"; false; }
		grep -q '^\.Sh EXIT STATUS' "$TB_ROOT/bin/$p.1"
		grep -q '^\.Sh EXAMPLES' "$TB_ROOT/bin/$p.1"
	done
	run groff -mandoc -Tutf8 -ww -z "$TB_BUILD/man/tb.conf.5"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run groff -mandoc -Tutf8 -P-cbu "$TB_ROOT/bin/tb-cron.1"
	assert_output --partial '"status":"skipped"'
	refute_output --partial '"status:"'
}

@test "tb.conf(5) lists every key with its default, made from the key table" {
	local home=$BATS_TEST_TMPDIR/empty key def page n=0
	mkdir -m 700 "$home"
	page=$(groff -mandoc -Tutf8 -P-cbu -rLL=300n "$TB_BUILD/man/tb.conf.5")
	# Every key's built-in default, as the programs see it.
	while IFS=$'\t' read -r key def; do
		# Its value is resolved from t212_environment; its default is "".
		[ "$key" = t212_base_url ] && def=
		[ -n "$def" ] || def=empty
		grep -qxF "     $key ($def)" <<<"$page" ||
		    { echo "tb.conf(5) lacks \"$key ($def)\""; false; }
		n=$((n + 1))
	done < <(env -i PATH=/usr/bin:/bin TB_HOME="$home" "$TB_BUILD/bin/tb-status" \
	    --config --json | jq -r '.keys[] | select(.source == "default") | [.key, .value] | @tsv')
	# All keys were defaults (t212_base_url resolves from t212_environment).
	[ "$n" -ge 33 ]
	[ "$(grep -c '^     [a-z0-9_]* (' <<<"$page")" -eq "$(sed -n 's/^#define CONFIG_NKEYS \([0-9]*\).*/\1/p' "$TB_ROOT/lib/config.h")" ]
	# Ranges come from the table too.
	grep -qF '1 to 3650 (whole days).' <<<"$page"
}

@test "make install puts programs, man pages, docs and completion under PREFIX" {
	local prefix=$BATS_TEST_TMPDIR/prefix p
	run make -C "$TB_ROOT" install PREFIX="$prefix" B="$TB_BUILD"
	assert_success
	for p in $PROGRAMS; do
		[ -x "$prefix/bin/$p" ] || { echo "no $p"; false; }
		[ -f "$prefix/share/man/man1/$p.1" ]
		[ "$(readlink "$prefix/share/bash-completion/completions/$p")" = tb ]
	done
	cmp "$prefix/share/man/man5/tb.conf.5" "$TB_BUILD/man/tb.conf.5"
	for p in README.md env.example tb.conf.example cron.md \
	    tb.crontab.example tb.crontab.utc.example; do
		[ -f "$prefix/share/doc/tb/$p" ] || { echo "no doc $p"; false; }
	done
	cmp "$prefix/share/doc/tb/cron.md" "$TB_ROOT/cron/README.md"
	# bash-completion finds the installed file by the program's name.
	run env XDG_DATA_DIRS="$prefix/share" bash -c \
	    '. /usr/share/bash-completion/bash_completion; __load_completion tb-cron && complete -p tb-cron'
	assert_output "complete -F _tb tb-cron"
	# An installed program runs without the source tree.
	export TB_HOME="$BATS_TEST_TMPDIR/home"
	run "$prefix/bin/tb-decide" --date 2026-03-30
	assert_success
	run "$prefix/bin/tb-status" --json --date 2026-03-30
	assert_success
	[ "$(json_field .main_trader)" = claude ]
}

@test "make deb: a package dpkg installs into a scratch root, whose tb-status runs" {
	local root=$BATS_TEST_TMPDIR/root deb p
	run make -C "$TB_ROOT" deb B="$TB_BUILD"
	assert_success
	deb=$(ls "$TB_BUILD"/tb_*.deb)
	[ "$(dpkg-deb -f "$deb" Package)" = tb ]
	[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ]
	# The scratch root knows only the packages tb depends on, as this
	# machine has them: dpkg itself checks the Depends line.
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	touch "$root/var/lib/dpkg/available"
	for p in $(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/,/ /g'); do
		dpkg-query -s "$p" >> "$root/var/lib/dpkg/status"
		echo >> "$root/var/lib/dpkg/status"
		touch "$root/var/lib/dpkg/info/$(dpkg-query -W -f='${binary:Package}' "$p").list"
	done
	run dpkg --root="$root" --force-not-root --force-script-chrootless -i "$deb"
	assert_success
	run dpkg --root="$root" -s tb
	assert_line "Status: install ok installed"
	run "$root/usr/bin/tb-status" --version
	assert_success
	assert_output "tb-status 0.1.0"
	run dpkg --root="$root" -L tb
	assert_line /usr/share/man/man5/tb.conf.5
	assert_line /usr/share/doc/tb/cron.md
	assert_line /usr/share/bash-completion/completions/tb-execute
	for p in $PROGRAMS; do
		assert_line "/usr/bin/$p"
	done
	# Where what it depends on is not installed, dpkg refuses it.
	root=$BATS_TEST_TMPDIR/bare
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
	run dpkg --root="$root" --force-not-root --force-script-chrootless -i "$deb"
	assert_failure
	assert_output --partial "tb depends on libcurl4"
}

@test "bash completion offers every option each program's --help names" {
	local p o offered
	for p in $PROGRAMS; do
		offered=$(complete_words "$p" -)
		for o in $(help_options "$p"); do
			grep -qxF -- "$o" <<<"$offered" ||
			    { echo "$p: --help names $o, completion does not"; false; }
		done
	done
}

@test "bash completion: options by prefix, values, files, and tb-cron --run's program" {
	run complete_words tb-cron --ins
	assert_output --install
	run complete_words tb-decide --llm ''
	assert_output "claude
minimax"
	run complete_words tb-sell --kind v
	assert_output virtual
	run complete_words tb-report --h
	assert_output "--html
--help"
	run complete_words tb-cron --run tb-ex
	assert_output tb-execute
	run complete_words tb-cron --run tb-execute --dr
	assert_output --dry-run
	touch "$BATS_TEST_TMPDIR/tb.conf.mine"
	run complete_words tb-status --config "$BATS_TEST_TMPDIR/tb.conf.m"
	assert_output "$BATS_TEST_TMPDIR/tb.conf.mine"
	run complete_words tb-approve --pick ''
	assert_output ""
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
