#!/usr/bin/env bats
# make demo: a newcomer with no keys and no network sees a whole day.

load helpers

@test "the demo runs a Monday end to end and prints its status" {
	tb_isolate
	TMPDIR="$BATS_TEST_TMPDIR" run --separate-stderr sh "$TB_ROOT/tests/demo.sh"
	assert_success
	assert_line --regexp '^main trader +claude$'
	assert_line --regexp '^DIGEST +[0-9]+ tickers from [0-9]+ posts$'
	assert_line --regexp '^APPROVAL +approve_all by no-approval at '
	assert_line --regexp 'orders placed [1-9][0-9]*, skipped 0, failed 0, unknown 0; virtual booked [1-9]'
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" == *"== tb-daily --date 2026-03-30 --collect-rounds 3 --no-approval"* ]]
	# The settings live in tb.env, where cron's runs find them too.
	[[ "$stderr" == *"settings in $BATS_TEST_TMPDIR/tb-demo."*"/home/tb.env)"* ]]
	# Its fake services are gone afterwards.
	run pgrep -f "fake.py --state $BATS_TEST_TMPDIR"
	assert_failure 1
}
