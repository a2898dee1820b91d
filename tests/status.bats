#!/usr/bin/env bats
# tb-status: rotation and trading-day status, as text and JSON.

load helpers

setup() {
	tb_isolate
	tb_init_db	# a viewer: tb-status never creates the database
}

@test "rotation for a whole week, and the weekend off" {
	local day_want day main virt
	for day_want in 2026-03-30:claude:minimax 2026-03-31:minimax:claude \
	    2026-04-01:claude:minimax 2026-04-02:minimax:claude \
	    2026-04-03:claude:minimax; do
		IFS=: read -r day main virt <<< "$day_want"
		run --separate-stderr tb-status --json --date "$day"
		assert_success
		[ "$(json_field .main_trader)" = "$main" ]
		[ "$(json_field .virtual_trader)" = "$virt" ]
		[ "$(json_field .trading_day)" = true ]
	done
	for day in 2026-04-04 2026-04-05; do
		run --separate-stderr tb-status --json --date "$day"
		assert_success
		[ "$(json_field .trading_day)" = false ]
		[ "$(json_field .reason)" = weekend ]
		[ "$(json_field .main_trader)" = null ]
	done
}

@test "text output is an aligned table naming the traders" {
	run --separate-stderr tb-status --date 2026-03-31
	assert_success
	assert_line --regexp '^date +2026-03-31 \(Tuesday\)$'
	assert_line --regexp '^main trader +minimax$'
	assert_line --regexp '^virtual trader +claude$'
	assert_line --regexp '^account +demo$'
}

@test "today comes from TB_NOW in the orchestrator timezone" {
	TB_NOW=2026-04-03T23:30:00Z run --separate-stderr tb-status --json
	[ "$(json_field .date)" = 2026-04-04 ]
	[ "$(json_field .weekday)" = Saturday ]
	TB_ORCHESTRATOR_TIMEZONE=UTC TB_NOW=2026-04-03T23:30:00Z \
	    run --separate-stderr tb-status --json
	[ "$(json_field .date)" = 2026-04-03 ]
}

@test "a live account is shown as real money" {
	TB_T212_ENVIRONMENT=live run --separate-stderr tb-status --date 2026-03-30
	assert_line --regexp '^account +live \(real money\)$'
}

seed_day() {
	tb_sql <<'SQL'
INSERT INTO collection_rounds (date, round, started_at, finished_at, posts_fetched, posts_new, posts_updated, errors_json)
 VALUES ('2026-03-30', 1, '2026-03-30T06:00:01Z', '2026-03-30T06:00:09Z', 120, 100, 20, '[{"subreddit":"stocks","error":"HTTP 500"}]');
INSERT INTO digests (date, created_at, ticker_count, post_count, json)
 VALUES ('2026-03-30', '2026-03-30T15:10:00Z', 2, 57, '{"tickers":[{"symbol":"ASML.AS","mentions":12,"weight":40.5},{"symbol":"AAPL","mentions":7,"weight":20}]}');
INSERT INTO llm_runs (id, date, llm_name, provider, model, attempt, status, latency_ms, input_tokens, output_tokens, started_at)
 VALUES (1, '2026-03-30', 'claude', 'anthropic', 'claude-sonnet-4-5', 1, 'ok', 2100, 3000, 400, 'x'),
        (2, '2026-03-30', 'minimax', 'minimax', 'MiniMax-M2', 1, 'failed', 900, 2000, 10, 'x'),
        (3, '2026-03-30', 'minimax', 'minimax', 'MiniMax-M2', 2, 'ok', 1200, 2500, 300, 'x');
INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct, amount_eur, reasoning, is_main_trader, status, pick_index, created_at)
 VALUES ('2026-03-30', 'claude', 'ASML.AS', 60, 60, 'r', 1, 'approved', 1, 'x'),
        ('2026-03-30', 'claude', 'AAPL', 40, 40, 'r', 1, 'rejected', 2, 'x'),
        ('2026-03-30', 'minimax', 'AAPL', 100, 100, 'r', 0, 'proposed', 1, 'x');
INSERT INTO approvals (date, llm_name, decision, indices, decided_by, decided_at)
 VALUES ('2026-03-30', 'claude', 'subset', '1', 'cli', '2026-03-30T15:12:00Z');
INSERT INTO trades (date, llm_name, ticker, broker_ticker, kind, side, amount_eur, quantity, price, currency, status, broker_order_id, created_at)
 VALUES ('2026-03-30', 'claude', 'ASML.AS', 'ASMLa_EQ', 'real', 'buy', 60, 0.0857, 700, 'EUR', 'submitted', '123456', 'x'),
        ('2026-03-30', 'minimax', 'AAPL', NULL, 'virtual', 'buy', 100, 0.5, 200, 'USD', 'booked', NULL, 'x');
INSERT INTO runs (program, date, started_at, finished_at, status, exit_code, summary_json)
 VALUES ('tb-decide', '2026-03-30', 'a', 'b', 'ok', 0, '{"status":"ok"}'),
        ('tb-execute', '2026-03-30', 'c', 'd', 'failed', 69, '{"error":"t212: HTTP 503"}');
SQL
}

@test "--json tells the whole day from the database" {
	seed_day
	run --separate-stderr tb-status --json --date 2026-03-30
	assert_success
	[ "$(json_field '.rounds[0].posts_new')" = 100 ]
	[ "$(json_field '.rounds[0].errors')" = 1 ]
	[ "$(json_field '.digest.tickers')" = 2 ]
	[ "$(json_field '.digest.top[0].symbol')" = ASML.AS ]
	[ "$(json_field '.llms.claude.status')" = ok ]
	[ "$(json_field '.llms.minimax.attempts')" = 2 ]
	[ "$(json_field '.llms.minimax.input_tokens')" = 4500 ]
	[ "$(json_field '.picks.claude | length')" = 2 ]
	[ "$(json_field '.picks.claude[1].status')" = rejected ]
	[ "$(json_field '.approval.decision')" = subset ]
	[ "$(json_field '.approval.decided_by')" = cli ]
	[ "$(json_field '.trades[0].broker_order_id')" = 123456 ]
	[ "$(json_field '.totals.orders_placed')" = 1 ]
	[ "$(json_field '.totals.virtual_booked')" = 1 ]
	[ "$(json_field '.totals.eur_real')" = 60 ]
	[ "$(json_field '.runs[1].exit_code')" = 69 ]
	[ "$(json_field '.runs[1].error')" = "t212: HTTP 503" ]
}

@test "the text view shows each section in aligned tables" {
	seed_day
	run --separate-stderr tb-status --date 2026-03-30
	assert_success
	assert_line --regexp '^DIGEST +2 tickers from 57 posts$'
	assert_line --regexp '^ +claude +1 +ASML\.AS +60\.00 +60\.00 +approved$'
	assert_line --regexp '^APPROVAL +subset 1 by cli at 2026-03-30T15:12:00Z$'
	assert_line --regexp 'ASMLa_EQ +buy +0\.0857 +700\.00 +EUR +60\.00 +- +- +submitted +123456'
	assert_line --regexp '^ +tb-execute +c +d +failed +69 +t212: HTTP 503$'
	assert_line --partial 'orders placed 1, skipped 0, failed 0, unknown 0; virtual booked 1; EUR real 60.00, virtual 100.00'
}

@test "--range lists one line per day" {
	seed_day
	run --separate-stderr tb-status --range 2026-03-29..2026-03-31 --json
	assert_success
	[ "$(json_field 'length')" = 3 ]
	[ "$(json_field '.[0].trading_day')" = false ]
	[ "$(json_field '.[1].picks.claude')" = 2 ]
	[ "$(json_field '.[1].orders_placed')" = 1 ]
	[ "$(json_field '.[1].failed_runs')" = 1 ]
	[ "$(json_field '.[2].main_trader')" = minimax ]
	run --separate-stderr tb-status --range 2026-03-29..2026-03-31
	assert_success
	assert_line --regexp '^ +2026-03-30 +Monday +claude +2 +1 +subset +1 +1 +60\.00 +1$'
	run --separate-stderr tb-status --range 2026-03-31..2026-03-29
	[ "$status" -eq 64 ]
}
