#!/usr/bin/env bats
# tb-approve: the human approval of the main trader's picks.  The prompt
# is driven through a pseudo-terminal (util-linux script); --await meets a
# second process in the database.  Monday 2026-03-30: claude is the main
# trader (three picks), minimax the virtual one (two picks).

# Each test runs in its own process: what one exports is meant to stay in it.
# shellcheck disable=SC2030,SC2031
load helpers

DAY=2026-03-30

setup() {
	tb_isolate
	export TB_APPROVE_POLL_MS=50
	export SUMMARY="$BATS_TEST_TMPDIR/summary"
}

# typing [WHEN TEXT]...: what a person types at the terminal, for the left
# side of a pipe into script(1).  Each TEXT (printf %b) is typed once WHEN
# holds: "-" at once, a file name once it exists, "FILE~TEXT" once FILE
# contains TEXT.  Then the input stays open, as a terminal's does, until
# tb-approve has written its summary.  Every wait gives up after 30 s; no
# wait is a guess of how long tb-approve takes to get there.
typing() {
	while [ $# -ge 2 ]; do
		case $1 in
		-) ;;
		*~*) until_file "${1%%~*}" "${1#*~}" ;;
		*) until_file "$1" ;;
		esac
		printf '%b' "$2"
		shift 2
	done
	until_file "$SUMMARY" "}"
}

# until_file FILE [TEXT]: wait until FILE exists (and contains TEXT).
until_file() {
	local _
	for _ in $(seq 600); do
		if [ -e "$1" ] && { [ $# -lt 2 ] || grep -qF -- "$2" "$1"; }; then
			return 0
		fi
		sleep 0.05
	done
	echo "until_file: gave up on $1 ${2:+(for \"$2\")}" >&2
	return 1
}
export -f typing until_file

# The day's picks as tb-decide stores them, with market data for two.
seed() {
	tb_init_db
	tb_sql <<'SQL'
INSERT INTO llm_runs (id, date, llm_name, provider, model, status, started_at)
VALUES (1, '2026-03-30', 'claude', 'anthropic', 'claude-sonnet-4-5', 'ok', '2026-03-30T15:10:05Z'),
       (2, '2026-03-30', 'minimax', 'minimax', 'MiniMax-M2', 'ok', '2026-03-30T15:10:06Z');
INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct, amount_eur,
    reasoning, is_main_trader, pick_index, llm_run_id, created_at)
VALUES ('2026-03-30', 'claude', 'ASML.AS', 40, 40, 'EUV monopoly; AI capex chatter on r/stocks.', 1, 1, 1, '2026-03-30T15:11:00Z'),
       ('2026-03-30', 'claude', 'SAP.DE', 35, 35, 'Cloud growth re-accelerating.', 1, 2, 1, '2026-03-30T15:11:00Z'),
       ('2026-03-30', 'claude', 'NVDA', 25, 25, 'Most mentioned ticker of the day.', 1, 3, 1, '2026-03-30T15:11:00Z'),
       ('2026-03-30', 'minimax', 'MSFT', 60, 60, 'Steady compounder.', 0, 1, 2, '2026-03-30T15:11:01Z'),
       ('2026-03-30', 'minimax', 'RHM.DE', 40, 40, 'Defence budgets.', 0, 2, 2, '2026-03-30T15:11:01Z');
INSERT INTO market_data (date, symbol, status, name, currency, price, fetched_at)
VALUES ('2026-03-30', 'ASML.AS', 'ok', 'ASML Holding N.V.', 'EUR', 612.3, '2026-03-30T15:10:00Z'),
       ('2026-03-30', 'SAP.DE', 'ok', 'SAP SE', 'EUR', 171.84, '2026-03-30T15:10:00Z');
SQL
}

# at_terminal INPUT [ARGS...]: tb-approve --date $DAY ARGS at a
# pseudo-terminal, INPUT (printf %b) typed into it.  $output is what the
# terminal showed (stderr); the summary (stdout) is in $SUMMARY.
at_terminal() {
	local input=$1
	shift
	run bash -c 'printf "%b" "$1" | script -qec "$2" /dev/null' _ \
	    "$input" "tb-approve --date $DAY $* > $SUMMARY"
}

# The value of a field of the summary written by at_terminal.
summary() {
	[ "$(wc -l < "$SUMMARY")" -eq 1 ] || { cat "$SUMMARY"; return 1; }
	jq -r "$1" "$SUMMARY"
}

statuses() {
	tb_sql "SELECT group_concat(llm_name || ':' || ticker || ':' || status, ' ')
	    FROM (SELECT * FROM daily_picks ORDER BY llm_name, pick_index)"
}

approval() {
	tb_sql "SELECT decision, coalesce(indices, '-'), decided_by FROM approvals
	    WHERE superseded_at IS NULL"
}

# Wait until FILE contains TEXT (at most 5 s).
wait_for() {
	local _
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

@test "prompt: the table shows the main picks, 'a' approves all" {
	seed
	at_terminal 'a\n'
	assert_success
	assert_output --partial "claude is the main trader on $DAY"
	assert_output --regexp '1 +ASML\.AS +ASML Holding N\.V\. +40\.0% +40\.00 +612\.30 EUR'
	assert_output --regexp '2 +SAP\.DE +SAP SE +35\.0% +35\.00 +171\.84 EUR'
	assert_output --regexp '3 +NVDA +- +25\.0% +25\.00 +-'
	assert_output --partial "EUV monopoly; AI capex chatter on r/stocks."
	assert_output --partial "[a]pprove all, [r]eject all, or numbers like 1,3: "
	assert_output --partial "Approved all 3 pick(s) of claude for $DAY: 100.00 EUR"
	[ "$(approval)" = "approve_all|-|cli" ]
	[ "$(statuses)" = "claude:ASML.AS:approved claude:SAP.DE:approved claude:NVDA:approved minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
	[ "$(summary .status)" = ok ]
	[ "$(summary .main_trader)" = claude ]
	[ "$(summary .decision)" = approve_all ]
	[ "$(summary ".indices | @csv")" = "1,2,3" ]
	[ "$(summary .decided_by)" = cli ]
	[ "$(summary .approved)" = 3 ]
	[ "$(summary .rejected)" = 0 ]
	[ "$(summary .amount_eur)" = 100 ]
	[ "$(tb_sql "SELECT status, exit_code FROM runs WHERE program = 'tb-approve'")" = "ok|0" ]
}

@test "prompt: 'r' rejects all, the virtual picks stay proposed" {
	seed
	at_terminal 'r\n'
	assert_success
	assert_output --partial "Rejected all 3 pick(s) of claude for $DAY: no real orders."
	[ "$(approval)" = "reject_all|-|cli" ]
	[ "$(statuses)" = "claude:ASML.AS:rejected claude:SAP.DE:rejected claude:NVDA:rejected minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
	[ "$(summary .approved)" = 0 ]
	[ "$(summary .rejected)" = 3 ]
	[ "$(summary .amount_eur)" = 0 ]
	[ "$(summary ".indices | @csv")" = "" ]
}

@test "prompt: '1,3' approves a subset" {
	seed
	at_terminal ' 1, 3 \n'
	assert_success
	assert_output --partial "Approved 1 (ASML.AS), 3 (NVDA) of claude for $DAY: 65.00 EUR in orders; rejected 2 (SAP.DE)."
	[ "$(approval)" = "subset|1,3|cli" ]
	[ "$(statuses)" = "claude:ASML.AS:approved claude:SAP.DE:rejected claude:NVDA:approved minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
	[ "$(summary .decision)" = subset ]
	[ "$(summary ".indices | @csv")" = "1,3" ]
	[ "$(summary .amount_eur)" = 65 ]
}

@test "prompt: invalid answers are explained and asked again" {
	seed
	at_terminal '4\n1,1\nbuy them\n0\n\n2\n'
	assert_success
	assert_output --partial "pick 4 is out of range: the picks are 1 to 3; answer a, r, or pick numbers like 1,3."
	assert_output --partial "pick 1 is listed twice"
	assert_output --partial '"buy" is not a pick number'
	assert_output --partial "there is no pick 0"
	assert_output --partial "empty answer"
	# Six prompts: five refused answers, then the valid one.
	[ "$(grep -o 'numbers like 1,3: ' <<< "$output" | wc -l)" -eq 6 ]
	[ "$(approval)" = "subset|2|cli" ]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 1 ]
}

@test "prompt: an answer longer than 4096 bytes is refused whole, not cut" {
	seed
	local long
	long=$(printf '1%.0s' $(seq 5000))
	# Non-canonical mode, so the terminal does not cut the line itself;
	# typed once it is set.
	# shellcheck disable=SC2016  # the inner bash expands them
	run bash -c 'typing "$3" "$1\n2\n" | script -qec "stty -icanon; touch $3; $2" /dev/null' _ \
	    "$long" "tb-approve --date $DAY > $SUMMARY" "$BATS_TEST_TMPDIR/raw"
	assert_success
	assert_output --partial "That answer is longer than 4096 bytes"
	[ "$(grep -c 'out of range' <<< "$output")" -eq 0 ]
	[ "$(approval)" = "subset|2|cli" ]
}

@test "prompt: a garbage answer is quoted short and without control bytes" {
	seed
	at_terminal 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEF\n\033[1mx\nr\n'
	assert_success
	assert_output --partial '"abcdefghijklmnopqrstuvwxyz012345..." is not a pick number'
	assert_output --partial '"?[1mx" is not a pick number'
	[ "$(approval)" = "reject_all|-|cli" ]
}

@test "prompt: naming every pick is approve_all" {
	seed
	at_terminal '3,1,2\n'
	assert_success
	[ "$(approval)" = "approve_all|-|cli" ]
}

@test "prompt: no answer before the timeout applies approve_all, said and recorded" {
	seed
	export TB_APPROVAL_TIMEOUT_SECONDS=1
	SECONDS=0
	# shellcheck disable=SC2016  # the inner bash expands it
	run bash -c 'typing | script -qec "$1" /dev/null' _ \
	    "tb-approve --date $DAY > $SUMMARY"
	assert_success
	assert_output --partial "No answer within 1 s: approve_all (approval_timeout_action)."
	assert_output --partial "no answer in 1 s: approve_all (approval_timeout_action)"
	[ "$(approval)" = "approve_all|-|timeout" ]
	[ "$(summary .decided_by)" = timeout ]
	[ "$(statuses)" = "claude:ASML.AS:approved claude:SAP.DE:approved claude:NVDA:approved minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
}

@test "prompt: the timeout counts from the first prompt, through wrong answers" {
	seed
	export TB_APPROVAL_TIMEOUT_ACTION=reject_all
	# "x" is typed once "9" was refused, within the 1 s.
	# shellcheck disable=SC2016  # the inner bash expands them
	run bash -c 'typing - "9\n" "$2~out of range" "x\n" |
	    script -qec "$1" /dev/null | tee "$2"' _ \
	    "tb-approve --date $DAY --timeout 1 > $SUMMARY" "$BATS_TEST_TMPDIR/term"
	assert_success
	assert_output --partial "pick 9 is out of range"
	assert_output --partial '"x" is not a pick number'
	assert_output --partial "no answer in 1 s: reject_all (approval_timeout_action)"
	[ "$(approval)" = "reject_all|-|timeout" ]
	[ "$(statuses)" = "claude:ASML.AS:rejected claude:SAP.DE:rejected claude:NVDA:rejected minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
	[ "$(summary .decision)" = reject_all ]
}

@test "prompt: end of input is no answer: the policy applies at once" {
	seed
	export TB_APPROVAL_TIMEOUT_ACTION=reject_all
	SECONDS=0
	at_terminal ''
	assert_success
	[ "$SECONDS" -lt 5 ]
	assert_output --partial "end of input, no answer: reject_all (approval_timeout_action)"
	[ "$(approval)" = "reject_all|-|timeout" ]
}

@test "prompt: LLM text cannot send escape sequences to the terminal" {
	seed
	tb_sql "UPDATE daily_picks SET reasoning = 'evil' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J done' WHERE ticker = 'NVDA'"
	at_terminal 'r\n'
	assert_success
	assert_output --partial "evil ]0;pwned [2J done"
	refute_output --partial $'\e'
	refute_output --partial $'\a'
}

@test "the picks changing while shown refuses the answer (65), nothing stored" {
	seed
	# The answer is typed once the picks have changed under the prompt.
	# shellcheck disable=SC2016  # the inner bash expands them
	bash -c 'typing "$3" "1\n" | script -qec "$1" /dev/null > "$2" 2>&1; echo $? > "$2.rc"' _ \
	    "tb-approve --date $DAY > $SUMMARY" "$BATS_TEST_TMPDIR/term" \
	    "$BATS_TEST_TMPDIR/changed" &
	wait_for "$BATS_TEST_TMPDIR/term" "numbers like 1,3"
	tb_sql "UPDATE daily_picks SET ticker = 'AMD' WHERE ticker = 'NVDA'"
	touch "$BATS_TEST_TMPDIR/changed"
	wait
	[ "$(cat "$BATS_TEST_TMPDIR/term.rc")" -eq 65 ]
	grep -q "changed while they were shown" "$BATS_TEST_TMPDIR/term"
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
	[ "$(summary .status)" = failed ]
}

@test "--all, --none and --pick decide without a prompt (decided_by flag)" {
	seed
	run --separate-stderr tb-approve --date "$DAY" --pick 3,1
	assert_success
	[ "$(json_field .decision)" = subset ]
	[ "$(json_field ".indices | @csv")" = "1,3" ]
	[ "$(json_field .decided_by)" = flag ]
	[ "$(json_field .amount_eur)" = 65 ]
	[ "$(approval)" = "subset|1,3|flag" ]
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" == *"Approved 1 (ASML.AS), 3 (NVDA) of claude"* ]]

	run --separate-stderr tb-approve --date "$DAY" --none --force
	assert_success
	[ "$(approval)" = "reject_all|-|flag" ]
	[ "$(statuses)" = "claude:ASML.AS:rejected claude:SAP.DE:rejected claude:NVDA:rejected minimax:MSFT:proposed minimax:RHM.DE:proposed" ]

	run --separate-stderr tb-approve --date "$DAY" --all --force
	assert_success
	[ "$(approval)" = "approve_all|-|flag" ]
	[ "$(json_field .approved)" = 3 ]
	[ "$(statuses)" = "claude:ASML.AS:approved claude:SAP.DE:approved claude:NVDA:approved minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
}

@test "--pick out of range is bad data (65); malformed options are usage (64)" {
	seed
	run --separate-stderr tb-approve --date "$DAY" --pick 2,4
	[ "$status" -eq 65 ]
	[[ "$(json_field .error)" == "pick 4 is out of range: the picks are 1 to 3" ]]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
	for bad in "--pick 1,x" "--pick 1,1" "--pick ''" "--all --none" \
	    "--pick 1 --await" "--timeout -1" "--timeout 10s" "extra"; do
		eval "run --separate-stderr tb-approve --date $DAY $bad"
		[ "$status" -eq 64 ] || { echo "$bad: $status"; false; }
		[ -z "$output" ]
	done
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
}

@test "--no-approval approves all, recorded as no-approval; a rerun is a skip" {
	seed
	run --separate-stderr tb-approve --date "$DAY" --no-approval
	assert_success
	[ "$(approval)" = "approve_all|-|no-approval" ]
	[ "$(json_field .decided_by)" = no-approval ]
	run --separate-stderr tb-approve --date "$DAY" --no-approval
	assert_success
	[ "$(json_field .status)" = skipped ]
	[[ "$(json_field .reason)" == "already decided: approve_all by no-approval at "* ]]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 1 ]
}

@test "a second decision is refused: 65 for a flag, a skip for the prompt and --await" {
	seed
	tb-approve --date "$DAY" --pick 1 > /dev/null 2>&1
	run --separate-stderr tb-approve --date "$DAY" --none
	[ "$status" -eq 65 ]
	[[ "$(json_field .error)" == "already decided: subset 1 by flag at "*"; use --force to decide again (before execution)" ]]
	[ "$(json_field .decision)" = subset ]
	[ "$(approval)" = "subset|1|flag" ]

	# The prompt is not even shown.
	at_terminal 'r\n'
	assert_success
	refute_output --partial "numbers like 1,3"
	assert_output --partial "already decided; --force decides again"
	[ "$(summary .status)" = skipped ]
	[[ "$(summary .reason)" == "already decided: subset 1 by flag at "* ]]

	run --separate-stderr tb-approve --date "$DAY" --await
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(json_field ".indices | @csv")" = "1" ]
	[ "$(approval)" = "subset|1|flag" ]
	[ "$(statuses)" = "claude:ASML.AS:approved claude:SAP.DE:rejected claude:NVDA:rejected minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
}

@test "--force decides again: the old row is superseded, never deleted" {
	seed
	tb-approve --date "$DAY" --pick 1 > /dev/null 2>&1
	at_terminal '2,3\n' --force
	assert_success
	assert_output --partial "Already decided: subset by flag at"
	[ "$(approval)" = "subset|2,3|cli" ]
	[ "$(tb_sql "SELECT decision || ':' || coalesce(indices, '') || ':' || (superseded_at IS NOT NULL) FROM approvals ORDER BY id")" = \
	    "$(printf 'subset:1:1\nsubset:2,3:0')" ]
	[ "$(statuses)" = "claude:ASML.AS:rejected claude:SAP.DE:approved claude:NVDA:approved minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
}

@test "--force at the prompt without an answer keeps the current decision" {
	seed
	tb-approve --date "$DAY" --none > /dev/null 2>&1
	# shellcheck disable=SC2016  # the inner bash expands it
	run bash -c 'typing | script -qec "$1" /dev/null' _ \
	    "tb-approve --date $DAY --force --timeout 1 > $SUMMARY"
	assert_success
	assert_output --partial "no answer in 1 s: the current decision stays"
	[ "$(summary .status)" = skipped ]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 1 ]
	[ "$(approval)" = "reject_all|-|flag" ]
}

@test "after execution started no decision changes, not even with --force" {
	seed
	tb-approve --date "$DAY" --all > /dev/null 2>&1
	# Finished tb-execute runs and virtual trades place no real order.
	tb_sql "INSERT INTO runs (program, date, started_at, status) VALUES
	    ('tb-execute', '$DAY', '2026-03-30T15:12:00Z', 'skipped'),
	    ('tb-execute', '$DAY', '2026-03-30T15:12:30Z', 'ok')"
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, status, created_at)
	    VALUES ('$DAY', 'minimax', 'MSFT', 'virtual', 'buy', 'booked', '2026-03-30T15:13:00Z')"
	run --separate-stderr tb-approve --date "$DAY" --none --force
	assert_success
	# tb-execute running now: its list of orders is taken.
	tb_sql "INSERT INTO runs (program, date, started_at, status) VALUES
	    ('tb-execute', '$DAY', '2026-03-30T15:13:00Z', 'running')"
	run --separate-stderr tb-approve --date "$DAY" --all --force
	[ "$status" -eq 65 ]
	[[ "$(json_field .error)" == "execution started for $DAY (tb-execute ran for $DAY (run "*", running)): the approval can no longer change, not even with --force" ]]
	[ "$(approval)" = "reject_all|-|flag" ]
	tb_sql "DELETE FROM runs WHERE program = 'tb-execute'"
	# A real order recorded: never again.
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, status, created_at)
	    VALUES ('$DAY', 'claude', 'ASML.AS', 'real', 'buy', 'skipped', '2026-03-30T15:13:00Z')"
	run --separate-stderr tb-approve --date "$DAY" --pick 1 --force
	[ "$status" -eq 65 ]
	[[ "$(json_field .error)" == "execution started for $DAY (1 real order(s) are recorded for $DAY)"* ]]
	[ "$(approval)" = "reject_all|-|flag" ]
	[ "$(statuses)" = "claude:ASML.AS:rejected claude:SAP.DE:rejected claude:NVDA:rejected minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
}

@test "execution started without any decision: --await refuses (65)" {
	seed
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, status, created_at)
	    VALUES ('$DAY', 'claude', 'ASML.AS', 'real', 'buy', 'pending', '2026-03-30T15:13:00Z')"
	run --separate-stderr tb-approve --date "$DAY" --await --timeout 0
	[ "$status" -eq 65 ]
	[[ "$(json_field .error)" == "execution started for $DAY"* ]]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
}

@test "--await is released by a human deciding at a terminal (no exit 75)" {
	seed
	tb-approve --date "$DAY" --await --timeout 20 > "$BATS_TEST_TMPDIR/await.out" \
	    2> "$BATS_TEST_TMPDIR/await.err" &
	local waiter=$!
	wait_for "$BATS_TEST_TMPDIR/await.err" "to decide, run: tb-approve --date $DAY"
	SECONDS=0
	at_terminal '1,3\n'
	assert_success
	[ "$(summary .decided_by)" = cli ]
	wait "$waiter"
	[ "$SECONDS" -lt 10 ]
	output=$(cat "$BATS_TEST_TMPDIR/await.out")
	[ "$(json_field .status)" = ok ]
	[ "$(json_field .decision)" = subset ]
	[ "$(json_field ".indices | @csv")" = "1,3" ]
	[ "$(json_field .decided_by)" = cli ]
	[ "$(json_field .amount_eur)" = 65 ]
	[ "$(json_field .waited_s)" -lt 10 ]
	grep -q "decided elsewhere after .* s: subset 1,3 by cli" "$BATS_TEST_TMPDIR/await.err"
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 1 ]
	[ "$(tb_sql "SELECT group_concat(status) FROM runs WHERE program = 'tb-approve'")" = "ok,ok" ]
}

@test "--await times out to the policy (decided_by timeout)" {
	seed
	run --separate-stderr tb-approve --date "$DAY" --await --timeout 1
	assert_success
	[[ "$stderr" == *"waiting up to 1 s for a decision on claude's 3 pick(s), then approve_all (approval_timeout_action); to decide, run: tb-approve --date $DAY"* ]]
	[[ "$stderr" == *"no answer in 1 s: approve_all (approval_timeout_action)"* ]]
	[ "$(json_field .decision)" = approve_all ]
	[ "$(json_field .decided_by)" = timeout ]
	[ "$(json_field .waited_s)" -ge 1 ]
	[ "$(approval)" = "approve_all|-|timeout" ]

	TB_APPROVAL_TIMEOUT_ACTION=reject_all TB_APPROVAL_TIMEOUT_SECONDS=0 \
	    run --separate-stderr tb-approve --date 2026-03-31 --await
	assert_success	# Tuesday: minimax has no picks
	[ "$(json_field .status)" = skipped ]
}

@test "--await with reject_all policy rejects every main pick" {
	seed
	TB_APPROVAL_TIMEOUT_ACTION=reject_all TB_APPROVAL_TIMEOUT_SECONDS=1 \
	    run --separate-stderr tb-approve --date "$DAY" --await
	assert_success
	[ "$(approval)" = "reject_all|-|timeout" ]
	[ "$(statuses)" = "claude:ASML.AS:rejected claude:SAP.DE:rejected claude:NVDA:rejected minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
}

@test "without a terminal and without a mode it waits like --await, never prompts" {
	seed
	run --separate-stderr tb-approve --date "$DAY" --timeout 0 < /dev/null
	assert_success
	[[ "$stderr" != *"numbers like 1,3"* ]]
	[[ "$stderr" == *"to decide, run: tb-approve --date $DAY"* ]]
	[ "$(approval)" = "approve_all|-|timeout" ]
}

# piped INPUT [ARGS...]: tb-approve --date $DAY ARGS with INPUT (printf %b)
# piped on its standard input, no terminal.
piped() {
	local input=$1
	shift
	# shellcheck disable=SC2016  # the inner bash expands them
	run --separate-stderr bash -c 'printf "%b" "$1" | tb-approve --date "$2" "${@:3}"' _ \
	    "$input" "$DAY" "$@"
}

@test "without a terminal an answer piped on stdin decides at once (decided_by cli)" {
	seed
	SECONDS=0
	piped '1,3\n' --timeout 30
	assert_success
	[ "$SECONDS" -lt 10 ]	# decided by the answer, not the 30 s timeout
	[[ "$stderr" == *"the answer piped on standard input decides"* ]]
	[ "$(json_field .decision)" = subset ]
	[ "$(json_field ".indices | @csv")" = "1,3" ]
	[ "$(json_field .decided_by)" = cli ]
	[ "$(approval)" = "subset|1,3|cli" ]
	[ "$(statuses)" = "claude:ASML.AS:approved claude:SAP.DE:rejected claude:NVDA:approved minimax:MSFT:proposed minimax:RHM.DE:proposed" ]
}

@test "a piped answer: blank lines skipped, the last line needs no newline" {
	seed
	piped '\n  \nr' --timeout 30
	assert_success
	[ "$(approval)" = "reject_all|-|cli" ]
}

@test "a piped answer that is not one decides nothing (65), whatever the policy" {
	seed
	piped 'y\n' --timeout 30
	[ "$status" -eq 65 ]
	[[ "$(json_field .error)" == "standard input: "*"y"*"; answer a, r, or pick numbers like 1,3 (nothing decided)" ]]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
	[ "$(statuses)" = "claude:ASML.AS:proposed claude:SAP.DE:proposed claude:NVDA:proposed minimax:MSFT:proposed minimax:RHM.DE:proposed" ]

	piped '4\n' --timeout 30
	[ "$status" -eq 65 ]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
}

@test "empty piped input only waits: a decision made elsewhere, or the policy" {
	seed
	piped '' --timeout 0
	assert_success
	[ "$(approval)" = "approve_all|-|timeout" ]

	tb_sql "DELETE FROM approvals; UPDATE daily_picks SET status = 'proposed'"
	# A pipe that stays open and silent: the human decides elsewhere.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	sleep 30 > "$BATS_TEST_TMPDIR/fifo" &
	local writer=$!
	tb-approve --date "$DAY" --timeout 30 < "$BATS_TEST_TMPDIR/fifo" \
	    > "$SUMMARY" 2> "$BATS_TEST_TMPDIR/wait.err" &
	local waiter=$!
	wait_for "$BATS_TEST_TMPDIR/wait.err" "to decide, run"
	tb-approve --date "$DAY" --pick 2 > /dev/null 2>&1
	wait "$waiter"
	kill "$writer" 2>/dev/null || true
	[ "$(summary .decided_by)" = flag ]
	[ "$(approval)" = "subset|2|flag" ]
}

@test "a piped answer on a decided day: a skip, or a new decision with --force" {
	seed
	tb-approve --date "$DAY" --none > /dev/null 2>&1
	piped '1\n' --timeout 30
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(approval)" = "reject_all|-|flag" ]

	piped '' --force --timeout 30
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(approval)" = "reject_all|-|flag" ]

	piped '1\n' --force --timeout 30
	assert_success
	[ "$(approval)" = "subset|1|cli" ]
	[ "$(tb_sql "SELECT count(*) FROM approvals WHERE superseded_at IS NOT NULL")" -eq 1 ]
}

@test "two waiting runs: the second exits 75; two prompts: the second exits 75" {
	seed
	tb-approve --date "$DAY" --await --timeout 20 > /dev/null 2> "$BATS_TEST_TMPDIR/await.err" &
	wait_for "$BATS_TEST_TMPDIR/await.err" "to decide, run"
	run --separate-stderr tb-approve --date "$DAY" --await --timeout 1
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"locks/tb-approve-await.lock"* ]]
	tb-approve --date "$DAY" --none > /dev/null 2>&1	# releases the waiter
	wait
	tb_sql "DELETE FROM approvals; UPDATE daily_picks SET status = 'proposed'"
	# The answer is typed once the second prompt was refused.
	# shellcheck disable=SC2016  # the inner bash expands them
	bash -c 'typing "$3" "r\n" | script -qec "$1" /dev/null > "$2" 2>&1' _ \
	    "tb-approve --date $DAY > $SUMMARY" "$BATS_TEST_TMPDIR/term" \
	    "$BATS_TEST_TMPDIR/refused" &
	wait_for "$BATS_TEST_TMPDIR/term" "numbers like 1,3"
	run --separate-stderr tb-approve --date "$DAY" --all
	touch "$BATS_TEST_TMPDIR/refused"
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"locks/tb-approve.lock"* ]]
	wait
	[ "$(approval)" = "reject_all|-|cli" ]
}

@test "the notify command gets the picks JSON on stdin; its output goes to stderr" {
	seed
	export TB_APPROVAL_NOTIFY_COMMAND="cat > $BATS_TEST_TMPDIR/picks.json; echo notified-ok"
	run --separate-stderr tb-approve --date "$DAY" --await --timeout 1
	assert_success
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]	# stdout: the summary only
	[[ "$stderr" == *notified-ok* ]]
	local f="$BATS_TEST_TMPDIR/picks.json"
	[ "$(jq -r .date "$f")" = "$DAY" ]
	[ "$(jq -r .llm_name "$f")" = claude ]
	[ "$(jq -r '.picks | length' "$f")" = 3 ]
	[ "$(jq -c '.picks[0] | [.index, .ticker, .name, .allocation_pct, .amount_eur, .price, .currency]' "$f")" = \
	    '[1,"ASML.AS","ASML Holding N.V.",40,40,612.3,"EUR"]' ]
	[ "$(jq -c '.picks[2] | [.ticker, .name, .price]' "$f")" = '["NVDA",null,null]' ]
	[ "$(jq -r .approve_command "$f")" = "tb-approve --date $DAY" ]
	[ "$(jq -r .timeout_action "$f")" = approve_all ]
	[ "$(json_field .decided_by)" = timeout ]
}

@test "a failing notify command is logged, not fatal, and sees no API keys" {
	seed
	export ANTHROPIC_API_KEY=sk-ant-test-secret-123 T212_API_KEY=t212-secret-456
	export TB_APPROVAL_NOTIFY_COMMAND='env; echo boom >&2; exit 3'
	run --separate-stderr tb-approve --date "$DAY" --await --timeout 1
	assert_success
	[[ "$stderr" == *"approval_notify_command failed with exit status 3 (not fatal)"* ]]
	[[ "$stderr" == *boom* ]]
	[[ "$stderr" == *TB_HOME=* ]]	# the command did print its environment
	[[ "$stderr" != *sk-ant-test-secret-123* ]]
	[[ "$stderr" != *t212-secret-456* ]]
	[[ "$output" != *secret* ]]
	[ "$(approval)" = "approve_all|-|timeout" ]
}

@test "a notify command still running does not hold the wait, nor the lock" {
	seed
	export TB_APPROVAL_NOTIFY_COMMAND='exec sleep 20 > /dev/null 2>&1'
	SECONDS=0
	run --separate-stderr tb-approve --date "$DAY" --await --timeout 1
	assert_success
	[ "$SECONDS" -lt 10 ]	# the 1 s wait, far from the command's 20 s
	[[ "$stderr" == *"approval_notify_command (pid "*") is still running; not waiting for it"* ]]
	tb_sql "DELETE FROM approvals"
	unset TB_APPROVAL_NOTIFY_COMMAND
	run --separate-stderr tb-approve --date "$DAY" --await --timeout 0
	assert_success	# the lock went with our process, not the command
	[ "$(approval)" = "approve_all|-|timeout" ]
}

@test "nothing to approve: no picks yet, or the main LLM failed (exit 0, says why)" {
	tb_init_db
	run --separate-stderr tb-approve --date "$DAY" --all
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(json_field .reason)" = "nothing to approve: no picks from claude (main trader) for $DAY; has tb-decide run?" ]
	tb_sql "INSERT INTO digests (date, created_at, ticker_count, post_count, json)
	    VALUES ('$DAY', '2026-03-30T15:10:00Z', 0, 12, '{}')"
	run --separate-stderr tb-approve --date "$DAY" --all
	assert_success
	[ "$(json_field .reason)" = "nothing to approve: the digest of $DAY has no tickers, no LLM was asked" ]

	tb_sql "INSERT INTO llm_runs (date, llm_name, provider, model, status, error, started_at) VALUES
	    ('$DAY', 'claude', 'anthropic', 'claude-sonnet-4-5', 'failed', 'HTTP 529: overloaded_error', '2026-03-30T15:10:05Z'),
	    ('$DAY', 'minimax', 'minimax', 'MiniMax-M2', 'ok', NULL, '2026-03-30T15:10:06Z');
	    INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct, amount_eur, is_main_trader, pick_index, created_at)
	    VALUES ('$DAY', 'minimax', 'MSFT', 100, 100, 0, 1, '2026-03-30T15:11:00Z')"
	run --separate-stderr tb-approve --date "$DAY" --await
	assert_success
	[ "$(json_field .reason)" = "nothing to approve: claude (main trader) failed: HTTP 529: overloaded_error" ]
	[ "$(json_field .main_trader)" = claude ]
	[ "$(tb_sql "SELECT status FROM daily_picks")" = proposed ]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]

	tb_sql "INSERT INTO llm_runs (date, llm_name, provider, model, status, started_at) VALUES
	    ('$DAY', 'claude', 'anthropic', 'claude-sonnet-4-5', 'ok', '2026-03-30T15:10:30Z')"
	at_terminal 'a\n'
	assert_success
	[ "$(summary .reason)" = "nothing to approve: claude (main trader) proposed no picks" ]
}

@test "picks tb-decide could not have stored are refused, not shown (65)" {
	seed
	tb_sql "UPDATE daily_picks SET pick_index = 1 WHERE ticker = 'SAP.DE'"
	run --separate-stderr tb-approve --date "$DAY" --all
	[ "$status" -eq 65 ]
	[ "$(json_field .error)" = "daily_picks: claude has two picks numbered 1 for $DAY" ]
	tb_sql "UPDATE daily_picks SET pick_index = 2 WHERE ticker = 'SAP.DE';
	    UPDATE daily_picks SET amount_eur = -5 WHERE ticker = 'NVDA'"
	run --separate-stderr tb-approve --date "$DAY" --none
	[ "$status" -eq 65 ]
	[ "$(json_field .error)" = "daily_picks: claude's pick 3 (NVDA) for $DAY has an invalid amount or allocation" ]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
}

@test "a weekend is skipped before the database; --force still has no main trader" {
	run --separate-stderr tb-approve --date 2026-04-04 --all
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(json_field .reason)" = "not a trading day" ]
	[ ! -e "$TB_HOME/tb.db" ]
	run --separate-stderr tb-approve --date 2026-04-05 --all --force
	assert_success
	[ "$(json_field .reason)" = "nothing to approve: no main trader on a weekend" ]
}

@test "approving more than the daily budget is refused; rejecting is not" {
	seed
	export TB_DAILY_BUDGET_EUR=80
	run --separate-stderr tb-approve --date "$DAY" --all
	[ "$status" -eq 65 ]
	[ "$(json_field .error)" = "the approved picks of claude total 100.00 EUR, more than daily_budget_eur 80.00: refusing to approve them" ]
	run --separate-stderr tb-approve --date "$DAY" --pick 1,2
	assert_success
	[ "$(json_field .amount_eur)" = 75 ]
}

@test "a killed waiting run is marked crashed by the next run, a live one is not" {
	seed
	tb-approve --date "$DAY" --await --timeout 30 > /dev/null 2> "$BATS_TEST_TMPDIR/await.err" &
	local waiter=$!
	wait_for "$BATS_TEST_TMPDIR/await.err" "to decide, run"
	# A decider while the waiter lives leaves the waiter's run alone.
	run --separate-stderr tb-approve --date "$DAY" --pick 2
	assert_success
	[[ "$stderr" != *"did not finish"* ]]
	wait "$waiter"
	tb_sql "DELETE FROM approvals; UPDATE daily_picks SET status = 'proposed'"
	tb-approve --date "$DAY" --await --timeout 30 > /dev/null 2> "$BATS_TEST_TMPDIR/await2.err" &
	waiter=$!
	wait_for "$BATS_TEST_TMPDIR/await2.err" "to decide, run"
	kill -9 "$waiter"
	wait "$waiter" || true
	run --separate-stderr tb-approve --date "$DAY" --none
	assert_success
	[[ "$stderr" == *"1 earlier run(s) of tb-approve did not finish"* ]]
	[ "$(tb_sql "SELECT group_concat(status) FROM (SELECT status FROM runs WHERE program = 'tb-approve' ORDER BY id)")" = "ok,ok,crashed,ok" ]
}

@test "--scheduled in the cron chain: late is fine when tb-decide ran for the slot" {
	seed
	export TB_NOW=2026-03-30T17:20:00+02:00	# ten minutes after the slot
	run --separate-stderr tb-approve --await --scheduled 17:10 --timeout 0
	assert_success
	[ "$(json_field .status)" = skipped ]
	[[ "$(json_field .reason)" == "missed: scheduled for 17:10 and tb-decide did not run for that slot" ]]
	[ "$(tb_sql "SELECT count(*) FROM approvals")" -eq 0 ]
	tb_sql "INSERT INTO runs (program, date, started_at, finished_at, status)
	    VALUES ('tb-decide', '$DAY', '2026-03-30T15:10:02Z', '2026-03-30T15:18:00Z', 'ok')"
	run --separate-stderr tb-approve --await --scheduled 17:10 --timeout 0
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(approval)" = "approve_all|-|timeout" ]
}

@test "--help agrees with the man page; --version" {
	run tb-approve --help
	assert_success
	local opt
	while read -r opt; do
		grep -q -- "Fl ${opt#-}" "$TB_ROOT/bin/tb-approve.1" ||
		    { echo "$opt is not in tb-approve.1"; false; }
	done < <(grep -o -- '--[a-z][a-z-]*' <<< "$output" | sort -u)
	while read -r opt; do
		[[ "$output" == *"--$opt"* ]] || { echo "--$opt is not in --help"; false; }
	done < <(sed -n 's/^\.It Fl -\([a-z-]*\).*/\1/p' "$TB_ROOT/bin/tb-approve.1")
	run tb-approve --version
	assert_success
	assert_output --regexp '^tb-approve [0-9]'
	run tb-approve --bogus
	[ "$status" -eq 64 ]
}
