#!/usr/bin/env bats
# shellcheck disable=SC2154  # bats' run sets output and stderr
# Once, end to end, with Debian's cron daemon (issue 15 item 4): two
# accounts install their blocks into root's real crontab with tb-cron
# --install, each with an entry due in the next minute.  One account is
# healthy (its tb-collect runs against the fake services, or skips on a
# weekend), the other has a typo in tb.env.  cron runs both; exactly one
# mail reaches /usr/sbin/sendmail (a stub here), addressed to mail_to,
# holding the broken account's one line.
#
# Slow by nature (up to two minutes of waiting for cron).  It changes the
# machine: root's crontab and /usr/sbin/sendmail, both restored by
# teardown, and it starts cron unless cron runs already.  It needs root.

load helpers

BACKUP=/usr/sbin/sendmail.tb-test-backup

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: it installs root's crontab and a stub sendmail"
	tb_isolate
	MAILS=$BATS_TEST_TMPDIR/mail
	mkdir -p "$MAILS"
	had_crontab=0
	if crontab -l > "$BATS_TEST_TMPDIR/crontab.orig" 2>/dev/null; then
		had_crontab=1
	fi
	if [ -e "$BACKUP" ] || [ -L "$BACKUP" ]; then
		echo "$BACKUP exists: an earlier run did not restore it" >&2
		return 1
	fi
	if [ -e /usr/sbin/sendmail ] || [ -L /usr/sbin/sendmail ]; then
		mv /usr/sbin/sendmail "$BACKUP"
	fi
	# Debian's cron pipes each mail to /usr/sbin/sendmail: keep it.
	cat > /usr/sbin/sendmail <<-EOF
	#!/bin/sh
	f=$MAILS/mail.\$\$
	{ echo "ARGS: \$*"; cat; } > "\$f.tmp" && mv "\$f.tmp" "\$f"
	EOF
	chmod 755 /usr/sbin/sendmail
	CRON_PID=
	if ! pgrep -x cron > /dev/null; then
		cron -f -L 15 > "$BATS_TEST_TMPDIR/cron.log" 2>&1 3>&- &
		CRON_PID=$!
	fi
}

teardown() {
	[ "$(id -u)" -eq 0 ] || return 0
	if [ -n "${CRON_PID:-}" ]; then
		kill "$CRON_PID" 2>/dev/null
		wait "$CRON_PID" 2>/dev/null
	fi
	if [ "${had_crontab:-0}" -eq 1 ]; then
		crontab "$BATS_TEST_TMPDIR/crontab.orig"
	else
		crontab -r 2>/dev/null
	fi
	rm -f /usr/sbin/sendmail
	if [ -e "$BACKUP" ] || [ -L "$BACKUP" ]; then
		mv "$BACKUP" /usr/sbin/sendmail
	fi
	fake_stop
}

# account HOME SLOT ENV-LINE...: a TB_HOME whose tb-collect round 1 is at
# SLOT in the machine's zone, its block installed in root's crontab.
account() {
	local home=$1 slot=$2 zone
	shift 2
	mkdir -m 700 "$home"
	zone=$(TB_HOME=$home tb-cron --print | sed -n 's/^CRON_TZ=//p')
	printf '%s\n' "orchestrator_timezone = \"$zone\"" \
	    "scheduler_collect_times = \"$slot\"" \
	    "scheduler_execute_time = \"$(date -d "$slot 12 hours" +%H:%M)\"" \
	    "scheduler_report_time = \"$(date -d "$slot 6 hours" +%H:%M)\"" \
	    "mail_to = \"tb-operator@example.org\"" > "$home/tb.conf"
	printf '%s\n' "$@" > "$home/tb.env"
	chmod 600 "$home/tb.env"
	TB_HOME=$home run --separate-stderr tb-cron --install
	assert_success
}

@test "Debian's cron runs the installed entries; the failure is mailed as one line to mail_to, the good run mails nothing" {
	local good=$BATS_TEST_TMPDIR/good bad=$BATS_TEST_TMPDIR/bad
	local due slot v mail deadline
	# The next minute, or the one after when this one is nearly over.
	due=$(date +%s)
	due=$(( (due / 60 + (due % 60 > 45 ? 2 : 1)) * 60 ))
	slot=$(date -d "@$due" +%H:%M)
	fake_start
	account "$good" "$slot" "$(for v in TB_REDDIT_BASE_URL TB_REDDIT_AUTH_URL \
	    TB_YAHOO_BASE_URL TB_T212_BASE_URL; do echo "$v=${!v}"; done)"
	account "$bad" "$slot"
	# A typo after installing: every run of this account now fails.
	echo TB_MAX_PICKS=none > "$bad/tb.env"
	# The blocks run on weekdays; so that the test runs any day, every day.
	crontab -l | sed -E 's/^([0-9]+ [0-9]+ \* \* )[0-9-]+ /\1* /' | crontab -
	[ "$(crontab -l | grep -c -- "--run tb-collect --round 1 --scheduled $slot\$")" -eq 2 ]
	[ "$(crontab -l | grep -c '^MAILTO=tb-operator@example.org$')" -eq 2 ]
	# Wait for both runs: the good one's summary, the bad one's mail.
	deadline=$((due + 120))
	until grep -qs '^{"program":"tb-collect"' "$good"/logs/*.log &&
	    [ -n "$(ls "$MAILS")" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || {
			echo "cron did not run the entries by $(date -d "@$deadline")" >&2
			cat "$BATS_TEST_TMPDIR/cron.log" >&2
			false
		}
		sleep 1
	done
	# Give a second mail, which must not come, the time to.
	sleep 5
	run ls "$MAILS"
	[ "${#lines[@]}" -eq 1 ]
	mail=$MAILS/${lines[0]}
	grep -qx 'To: tb-operator@example.org' "$mail"
	# The body, after the headers, is the one line.
	run sed '1,/^$/d' "$mail"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" =~ ^tb-collect\ [0-9-]{10}:\ exit\ 78:\ config:\ max_picks\ =\ \"none\":\  ]]
	[[ "${lines[0]}" == *"$bad/tb.env"* ]]
	# The good run logged its summary and exited 0, ran or skipped.
	[ "$(grep -h '^{"program":"tb-collect"' "$good"/logs/*.log | jq -r .exit_code)" = 0 ]
}
