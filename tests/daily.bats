#!/usr/bin/env bats
# tb-daily end to end against the fake services: a Monday (claude real,
# minimax virtual) and a Tuesday (the reverse), reruns, --force, the
# weekend, and no key anywhere in what a day leaves behind.

load helpers

# Distinctive keys: a test greps for them everywhere.
KEYS="sk-ant-DISTINCTIVE-4f1e9 mm-DISTINCTIVE-77b2c t212k-DISTINCTIVE-a81 t212s-DISTINCTIVE-c3d rid-DISTINCTIVE-19 rsec-DISTINCTIVE-5e0"

setup() {
	tb_isolate
	fake_start
	export TB_HTTP_BACKOFF_SCALE=0.01
	read -r ANTHROPIC_API_KEY MINIMAX_API_KEY T212_API_KEY T212_API_SECRET \
	    REDDIT_CLIENT_ID REDDIT_CLIENT_SECRET <<< "$KEYS"
	export ANTHROPIC_API_KEY MINIMAX_API_KEY T212_API_KEY T212_API_SECRET \
	    REDDIT_CLIENT_ID REDDIT_CLIENT_SECRET
	export TB_REDDIT_USERNAME=tb-tester
}

teardown() {
	fake_stop
}

day() { # DATE [tb-daily options...]
	local d=$1
	shift
	TB_NOW="${d}T17:10:00+02:00" run --separate-stderr tb-daily --date "$d" "$@"
}

orders_sent() {
	fake_count t212 'orders/market'
}

@test "Monday: claude's approved picks become real orders, minimax's virtual trades" {
	day 2026-03-30 --collect-rounds 3 --no-approval
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(json_field .day.main_trader)" = claude ]
	[ "$(json_field '.steps | length')" = 6 ]
	[ "$(json_field '.day.approval.decided_by')" = no-approval ]
	local placed
	placed=$(json_field .day.totals.orders_placed)
	[ "$placed" -gt 0 ]
	[ "$(orders_sent)" -eq "$placed" ]
	[ "$(json_field .day.totals.virtual_booked)" -gt 0 ]
	[ "$(tb_sql "SELECT group_concat(DISTINCT llm_name) FROM trades WHERE kind = 'real'")" = claude ]
	[ "$(tb_sql "SELECT group_concat(DISTINCT llm_name) FROM trades WHERE kind = 'virtual'")" = minimax ]
	# Never above the budget, for either LLM.
	[ "$(tb_sql "SELECT sum(amount_eur) <= 100.000001 FROM daily_picks WHERE date = '2026-03-30' GROUP BY llm_name" | sort -u)" = 1 ]
}

@test "Tuesday: minimax is the main trader, claude virtual" {
	day 2026-03-31 --collect-rounds 1 --no-approval
	assert_success
	[ "$(json_field .day.main_trader)" = minimax ]
	[ "$(tb_sql "SELECT group_concat(DISTINCT llm_name) FROM trades WHERE kind = 'real'")" = minimax ]
	[ "$(tb_sql "SELECT group_concat(DISTINCT llm_name) FROM trades WHERE kind = 'virtual'")" = claude ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE is_main_trader = 1 AND llm_name != 'minimax'")" = 0 ]
}

@test "an answer piped into tb-daily decides the approval: only pick 1 is ordered" {
	TB_NOW="2026-03-30T17:10:00+02:00" run --separate-stderr bash -c \
	    'echo 1 | tb-daily --date 2026-03-30 --collect-rounds 1' _
	assert_success
	[ "$(json_field .day.approval.decided_by)" = cli ]
	[ "$(json_field .day.approval.decision)" = subset ]
	[ "$(tb_sql "SELECT group_concat(ticker) FROM trades WHERE kind = 'real'")" = \
	    "$(tb_sql "SELECT ticker FROM daily_picks WHERE is_main_trader = 1 AND pick_index = 1")" ]
	[ "$(orders_sent)" -eq 1 ]
}

@test "a rerun of the same date places no new order and says so" {
	day 2026-03-30 --collect-rounds 1 --no-approval
	assert_success
	local before trades
	before=$(orders_sent)
	trades=$(tb_sql "SELECT count(*) FROM trades")
	day 2026-03-30 --no-approval
	assert_success
	[ "$(orders_sent)" -eq "$before" ]
	[ "$(tb_sql "SELECT count(*) FROM trades")" -eq "$trades" ]
	[ "$(json_field '.steps[] | select(.program == "tb-execute") | .placed')" = 0 ]
	# The LLMs were not asked again either.
	[ "$(fake_count anthropic)" -eq 1 ]
}

@test "--force decides again but never places a submitted order twice" {
	day 2026-03-30 --collect-rounds 1 --no-approval
	assert_success
	local before
	before=$(orders_sent)
	day 2026-03-30 --no-approval --force
	[ "$(orders_sent)" -eq "$before" ]
	[ "$(fake_count anthropic)" -ge 2 ]
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real' AND status IN ('submitted', 'filled') GROUP BY ticker HAVING count(*) > 1")" = "" ]
}

@test "a Saturday is skipped without any request" {
	day 2026-04-04 --collect-rounds 3 --no-approval
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(json_field .reason)" = "not a trading day" ]
	[ "$(fake_requests | wc -l)" -eq 0 ]
}

@test "no key appears in output, logs, database or crontab; files are private" {
	export TB_CRONTAB="$TB_ROOT/tests/tools/fake-crontab"
	export FAKE_CRONTAB_FILE="$BATS_TEST_TMPDIR/crontab"
	day 2026-03-30 --collect-rounds 3 --no-approval -v
	assert_success
	printf '%s\n%s\n' "$output" "$stderr" > "$BATS_TEST_TMPDIR/day.out"
	run tb-cron --install
	assert_success
	sqlite3 "$TB_HOME/tb.db" .dump > "$BATS_TEST_TMPDIR/db.dump"
	local key
	for key in $KEYS; do
		! grep -rqF "$key" "$BATS_TEST_TMPDIR/day.out" "$TB_HOME" \
		    "$BATS_TEST_TMPDIR/db.dump" "$FAKE_CRONTAB_FILE" \
		    "$FAKE_STATE/requests.jsonl" || { echo "leaked: $key"; false; }
	done
	[ "$(stat -c %a "$TB_HOME")" = 700 ]
	[ "$(stat -c %a "$TB_HOME/tb.db")" = 600 ]
	[ "$(find "$TB_HOME" -type f -perm /077 | wc -l)" -eq 0 ]
	[ "$(find "$TB_HOME" -type d -perm /077 | wc -l)" -eq 0 ]
}
