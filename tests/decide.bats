#!/usr/bin/env bats
# tb-decide against the fake Yahoo, Anthropic and MiniMax: the digest's
# top tickers get market data, both LLMs are asked at once, and their
# validated picks are stored with the rotation's main trader.

# Each test runs in its own process: what one exports is meant to stay in it.
# shellcheck disable=SC2030,SC2031
load helpers

MONDAY=2026-03-30
TUESDAY=2026-03-31
CLAUDE_KEY=sk-ant-test-0123456789abcdef
MINIMAX_KEY=mm-test-fedcba9876543210

setup() {
	tb_isolate
	fake_start
	export ANTHROPIC_API_KEY=$CLAUDE_KEY MINIMAX_API_KEY=$MINIMAX_KEY
	export TB_HTTP_BACKOFF_SCALE=0.01
}

teardown() {
	fake_stop
}

# seed DATE SYMBOL...: one post per symbol seen in round 1 of DATE, the
# first symbol the most upvoted, so the digest ranks them as given.
seed() {
	local date=$1 i=0 sql="" score
	shift
	tb_init_db
	for sym in "$@"; do
		i=$((i + 1))
		score=$((2000 / i))
		sql+="INSERT INTO reddit_posts (id, subreddit, title, created_utc,
		    first_seen_date, first_seen_round, last_seen_date,
		    last_seen_round, updated_at, score, num_comments) VALUES
		    ('$date-$i', 'stocks', 'Buying more \$$sym today', 1774850000,
		    '$date', 1, '$date', 1, '${date}T06:00:00Z', $score, 10);
		    INSERT INTO post_rounds VALUES ('$date-$i', '$date', 1);
		    INSERT INTO ticker_mentions (post_id, symbol, count, cashtag,
		    bullish) VALUES ('$date-$i', '$sym', 2, 1, 1);"
	done
	tb_sql "$sql"
}

# The fixture day's tickers: every default answer's picks are among them.
seed_default() {
	seed "$1" AAPL ASML.AS SHEL.L AIR.PA NVDA
}

# claude_says PICKS_JSON: Claude's next answers call submit_picks with it.
claude_says() {
	fake_set "anthropic.response=$(jq -cn --argjson input "$1" '{id: "msg_t",
	    type: "message", role: "assistant", model: "claude-sonnet-4-5",
	    content: [{type: "tool_use", id: "toolu_t", name: "submit_picks",
	    input: $input}], stop_reason: "tool_use",
	    usage: {input_tokens: 100, output_tokens: 20}}')"
}

# minimax_body TEXT: a MiniMax answer whose content is TEXT.
minimax_body() {
	jq -cn --arg text "$1" '{id: "m1", choices: [{finish_reason: "stop",
	    index: 0, message: {role: "assistant", content: $text}}],
	    model: "MiniMax-M2", object: "chat.completion",
	    base_resp: {status_code: 0, status_msg: ""}}'
}

# The text of the MiniMax fixture's answer.
fixture_text() {
	jq -r '.choices[0].message.content' \
	    "$TB_ROOT/tests/fixtures/minimax/response_ok.json"
}

# minimax_runs: attempt|status|error of MiniMax's llm_runs rows.
minimax_runs() {
	tb_sql "SELECT attempt, status, error FROM llm_runs
	    WHERE llm_name = 'minimax' ORDER BY id"
}

# The most requests of a kind open at one moment, by the fake's ticks
# (arrival and answer order), not by clocks.
max_in_flight() {
	fake_requests "$1" "$2" | jq -s '[.[] as $r | [.[] |
	    select(.arrived_tick <= $r.arrived_tick and
	    .answered_tick > $r.arrived_tick)] | length] | max'
}

picks() {
	tb_sql "SELECT ticker, allocation_pct, amount_eur, is_main_trader,
	    pick_index, status FROM daily_picks WHERE date = '$1' AND
	    llm_name = '$2' ORDER BY pick_index"
}

@test "Monday: both pick sets stored, Claude is the main trader" {
	seed_default $MONDAY
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(json_field .main_trader)" = claude ]
	[ "$(json_field .digest_tickers)" = 5 ]
	[ "$(json_field '.candidates | join(",")')" = \
	    "AAPL,ASML.AS,SHEL.L,AIR.PA,NVDA" ]
	[ "$(json_field .market_data.ok)" = 5 ]
	[ "$(json_field .llms.claude.status)" = ok ]
	[ "$(json_field .llms.claude.picks)" = 3 ]
	[ "$(json_field .llms.claude.tokens_in)" = 2413 ]
	[ "$(json_field .llms.minimax.status)" = ok ]
	[ "$(json_field .llms.minimax.picks)" = 3 ]
	[ "$(json_field .llms.minimax.tokens_out)" = 381 ]
	[ "$(picks $MONDAY claude)" = "ASML.AS|40.0|40.0|1|1|proposed
AAPL|35.0|35.0|1|2|proposed
SHEL.L|25.0|25.0|1|3|proposed" ]
	[ "$(picks $MONDAY minimax)" = "AAPL|40.0|40.0|0|1|proposed
AIR.PA|35.0|35.0|0|2|proposed
NVDA|25.0|25.0|0|3|proposed" ]
	# One llm_runs row each, with the raw answer and the picks linked to it.
	[ "$(tb_sql "SELECT llm_name, provider, model, attempt, status,
	    http_status, input_tokens FROM llm_runs ORDER BY llm_name")" = \
	    "claude|anthropic|claude-sonnet-4-5|1|ok|200|2413
minimax|minimax|MiniMax-M2|1|ok|200|2530" ]
	[[ "$(tb_sql "SELECT raw_answer FROM llm_runs WHERE llm_name = 'minimax'")" \
	    == "<think>"* ]]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks p JOIN llm_runs r ON
	    r.id = p.llm_run_id AND r.llm_name = p.llm_name")" = 6 ]
	[ "$(tb_sql "SELECT program, status FROM runs")" = "tb-decide|ok" ]
}

@test "Tuesday: MiniMax is the main trader" {
	seed_default $TUESDAY
	run --separate-stderr tb-decide --date $TUESDAY
	assert_success
	[ "$(json_field .main_trader)" = minimax ]
	[ "$(json_field .llms.minimax.main_trader)" = true ]
	[ "$(tb_sql "SELECT DISTINCT llm_name, is_main_trader FROM daily_picks
	    ORDER BY llm_name")" = "claude|0
minimax|1" ]
}

@test "each LLM's request carries the digest tickers and their market data" {
	seed_default $MONDAY
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	claude=$(fakereq -s anthropic -F json.messages.0.content)
	minimax=$(fakereq -s minimax -F json.messages.1.content)
	for sym in AAPL ASML.AS SHEL.L AIR.PA NVDA; do
		[[ "$claude" == *"$sym"* ]] || { echo "claude: no $sym"; false; }
		[[ "$minimax" == *"$sym"* ]] || { echo "minimax: no $sym"; false; }
	done
	# Prices from the chart fixtures; London's pence converted to EUR
	# with EURGBP=X (0.8652): 2706.306 / 86.52 = 31.28.
	[[ "$claude" == *"Price: 209.88 USD (194.33 EUR)"* ]]
	[[ "$claude" == *"Price: 2706.31 GBp (31.28 EUR)"* ]]
	[[ "$minimax" == *"Price: 673.82 EUR;"* ]]
	[[ "$claude" == *"RSI14 "* && "$claude" == *"MACD "* ]]
	# shellcheck disable=SC2016  # a cashtag, not a variable
	[[ "$claude" == *'"Buying more $ASML.AS today"'* ]]
	[[ "$claude" == *"main trader"* && "$minimax" == *"virtual trader"* ]]
	# Claude: the forced tool, whose schema lists the candidates.
	[ "$(fakereq -s anthropic -F json.tool_choice)" = \
	    '{"type":"tool","name":"submit_picks"}' ]
	[ "$(fakereq -s anthropic -F \
	    json.tools.0.input_schema.properties.picks.items.properties.ticker.enum)" = \
	    '["AAPL","ASML.AS","SHEL.L","AIR.PA","NVDA"]' ]
	[ "$(fakereq -s anthropic -F json.thinking)" = null ]
	[ "$(fakereq -s anthropic -F headers.anthropic-version)" = 2023-06-01 ]
	[ "$(fakereq -s anthropic -F auth_sha256)" = \
	    "$(printf %s "$CLAUDE_KEY" | sha256sum | cut -d' ' -f1)" ]
	# MiniMax: native endpoint, Bearer key, system first, the JSON shape.
	[ "$(fakereq -s minimax -F path)" = /v1/text/chatcompletion_v2 ]
	[ "$(fakereq -s minimax -F auth_sha256)" = \
	    "$(printf %s "Bearer $MINIMAX_KEY" | sha256sum | cut -d' ' -f1)" ]
	[ "$(fakereq -s minimax -F json.messages.0.role)" = system ]
	[[ "$minimax" == *'{"picks":[{"ticker":'* ]]
	[ "$(fakereq -s minimax -F json.temperature)" = 0.7 ]
}

@test "market data: stored per date and symbol, pence and FX pairs included" {
	seed $MONDAY SHEL.L AAPL SAP.DE
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(tb_sql "SELECT symbol, status, currency, eur_rate FROM market_data
	    ORDER BY symbol")" = "AAPL|ok|USD|1.08
EURGBP=X|ok|GBP|
EURUSD=X|ok|USD|
SAP.DE|ok|EUR|1.0
SHEL.L|ok|GBp|86.52" ]
	[ "$(tb_sql "SELECT round(price_eur, 2), round(rsi14, 1) > 0,
	    sma50 IS NOT NULL, macd_signal IS NOT NULL FROM market_data
	    WHERE symbol = 'SHEL.L'")" = "31.28|1|1|1" ]
	# Yahoo wants a browser User-Agent.
	[[ "$(fakereq -s yahoo -p '^/v8/finance/chart/AAPL$' \
	    -F headers.user-agent)" == Mozilla/5.0* ]]
}

@test "a currency the market did not suggest gets its FX pair afterwards" {
	# A bare NESN looks American (EURUSD=X) but quotes in CHF.
	mkdir -p "$BATS_TEST_TMPDIR/fx/yahoo"
	jq -c '.chart.result[0].meta.symbol = "NESN"' \
	    "$TB_ROOT/tests/fixtures/yahoo/chart_NESN.SW.json" \
	    > "$BATS_TEST_TMPDIR/fx/yahoo/chart_NESN.json"
	fake_stop
	FAKE_FIXTURES="$BATS_TEST_TMPDIR/fx" fake_start
	seed $MONDAY NESN
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(json_field .market_data.requests)" = 3 ]
	[ "$(fake_count yahoo '^/v8/finance/chart/EURCHF=X$')" = 1 ]
	[ "$(tb_sql "SELECT currency, eur_rate, round(price_eur, 2) FROM
	    market_data WHERE symbol = 'NESN'")" = "CHF|0.9314|86.11" ]
}

@test "a ticker without market data is unavailable and not offered" {
	seed $MONDAY AAPL NOSUCH ASML.AS
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(json_field '.market_data.unavailable | join(",")')" = NOSUCH ]
	[ "$(json_field '.candidates | join(",")')" = "AAPL,ASML.AS" ]
	[ "$(tb_sql "SELECT status, error FROM market_data
	    WHERE symbol = 'NOSUCH'")" = "unavailable|not found on Yahoo Finance" ]
	[[ "$(fakereq -s anthropic -F json.messages.0.content)" != *NOSUCH* ]]
	# Claude's SHEL.L is no candidate here: dropped, and said so.
	[ "$(picks $MONDAY claude | cut -d'|' -f1 | tr '\n' ,)" = "ASML.AS,AAPL," ]
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" == *"claude: dropped SHEL.L: not among the candidates"* ]]
	[ "$(json_field .llms.claude.dropped)" = 1 ]
}

@test "fundamentals come from quoteSummary when Yahoo hands out a crumb" {
	seed $MONDAY AAPL ASML.AS
	mkdir -p "$BATS_TEST_TMPDIR/fx/yahoo"
	cat > "$BATS_TEST_TMPDIR/fx/yahoo/quotesummary_AAPL.json" <<'EOF'
{"quoteSummary":{"result":[{"summaryDetail":{"marketCap":{"raw":3200000000000,"fmt":"3.2T"},
 "trailingPE":{"raw":33.5,"fmt":"33.50"}},"assetProfile":{"sector":"Technology"}}],"error":null}}
EOF
	fake_stop
	FAKE_FIXTURES="$BATS_TEST_TMPDIR/fx" fake_start
	fake_set yahoo.crumb=Ab/Cd3
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(tb_sql "SELECT market_cap, pe_ratio, sector FROM market_data
	    WHERE symbol = 'AAPL'")" = "3200000000000.0|33.5|Technology" ]
	# ASML.AS has no quoteSummary: its fundamentals are just empty.
	[ "$(tb_sql "SELECT status, market_cap IS NULL FROM market_data
	    WHERE symbol = 'ASML.AS'")" = "ok|1" ]
	[ "$(fakereq -s yahoo -p quoteSummary/AAPL -F query.crumb.0)" = Ab/Cd3 ]
	[[ "$(fakereq -s anthropic -F json.messages.0.content)" == \
	    *"market cap 3.20T, P/E 33.5, sector Technology"* ]]
}

@test "market requests overlap, never more than market_parallel at once" {
	export TB_MARKET_PARALLEL=16
	export TB_MARKET_DATA_TICKER_LIMIT=20
	seed $MONDAY AAPL ASML.AS SHEL.L AIR.PA NVDA MSFT TSLA AMZN META \
	    GOOGL SAP.DE JPM KO AMD INTC PLTR SPY BMW.DE ALV.DE NESN.SW
	# Answers wait until 17 charts are open at once, which a bound of 16
	# never allows: the 16 held are answered by the safety net after 3 s.
	fake_fault yahoo '^/v8/finance/chart/' mode=pass hold=17 delay=3
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(json_field .market_data.ok)" = 20 ]
	# 20 charts and 3 FX pairs (USD, GBP, CHF).
	[ "$(fake_count yahoo '^/v8/finance/chart/')" = 23 ]
	[ "$(max_in_flight yahoo '^/v8/finance/chart/')" = 16 ]
}

@test "both LLM requests are in flight together" {
	seed_default $MONDAY
	# One rule for both: neither is answered before the other arrives
	# (or 10 s pass, when they are asked one after the other).
	fake_fault '*' '^/v1/(messages|text/chatcompletion_v2)$' mode=pass \
	    hold=2 delay=10
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	# Both arrived before either was answered.
	[ "$( (fake_requests anthropic; fake_requests minimax) | jq -s \
	    '(map(.arrived_tick) | max) < (map(.answered_tick) | min)')" = true ]
}

@test "rerun the same day: nothing fetched or asked again" {
	seed_default $MONDAY
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	charts=$(fake_count yahoo '^/v8/')
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(json_field .reason)" = "already decided" ]
	[ "$(json_field .llms.claude.status)" = skipped ]
	[ "$(json_field .llms.minimax.status)" = skipped ]
	[ "$(fake_count anthropic)" = 1 ]
	[ "$(fake_count minimax)" = 1 ]
	[ "$(fake_count yahoo '^/v8/')" = "$charts" ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks")" = 6 ]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs")" = 2 ]
}

@test "--force asks again from cached market data, keeping picks with trades" {
	seed_default $MONDAY
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	charts=$(fake_count yahoo '^/v8/')
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side,
	    amount_eur, status, created_at, pick_id) SELECT date, llm_name,
	    ticker, 'real', 'buy', amount_eur, 'submitted', '2026-03-30T15:20:00Z',
	    id FROM daily_picks WHERE llm_name = 'claude' AND ticker = 'ASML.AS'"
	claude_says '{"picks":[{"ticker":"AAPL","allocation_pct":50,"reasoning":"a"},
	    {"ticker":"NVDA","allocation_pct":50,"reasoning":"b"}]}'
	run --separate-stderr tb-decide --date $MONDAY --force
	assert_success
	[ "$(fake_count yahoo '^/v8/')" = "$charts" ]
	[ "$(json_field .market_data.cached)" = 5 ]
	[ "$(fake_count anthropic)" = 2 ]
	[ "$(fake_count minimax)" = 2 ]
	# ASML.AS has a trade: kept with its 40 EUR; 60 EUR left to share.
	[ "$(picks $MONDAY claude)" = "ASML.AS|40.0|40.0|1|1|proposed
AAPL|50.0|30.0|1|2|proposed
NVDA|50.0|30.0|1|3|proposed" ]
	[ "$(json_field .llms.claude.kept)" = 1 ]
	[[ "$stderr" == *"claude: keeping 1 earlier picks"* ]]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks
	    WHERE llm_name = 'minimax'")" = 3 ]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE status = 'ok'")" = 4 ]
}

@test "--llm claude asks Claude only" {
	seed_default $MONDAY
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(fake_count anthropic)" = 1 ]
	[ "$(fake_count minimax)" = 0 ]
	[ "$(json_field '.llms | keys | join(",")')" = claude ]
	run --separate-stderr tb-decide --date $MONDAY --llm gpt
	[ "$status" -eq 64 ]
}

@test "the virtual trader failing (HTTP 500): exit 0, the main trader's picks stored" {
	seed_default $MONDAY
	fake_fault minimax /v1/text/chatcompletion_v2 status=500 \
	    'body={"base_resp":{"status_code":1000,"status_msg":"unknown"}}'
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(json_field .llms.minimax.status)" = failed ]
	[ "$(json_field .llms.minimax.error)" = \
	    "minimax: HTTP 500: error 1000: unknown (3 attempts)" ]
	[ "$(json_field '.failed | join(",")')" = minimax ]
	[ "$(fake_count minimax)" = 3 ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = 'claude'")" = 3 ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = 'minimax'")" = 0 ]
	[ "$(tb_sql "SELECT status, http_status FROM llm_runs
	    WHERE llm_name = 'minimax'")" = "failed|500" ]
}

@test "the main trader failing: exit 69, the other's picks still stored" {
	seed_default $MONDAY
	fake_fault anthropic /v1/messages status=529 \
	    'body={"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
	run --separate-stderr tb-decide --date $MONDAY
	[ "$status" -eq 69 ]
	[ "$(json_field .status)" = failed ]
	[ "$(json_field .error)" = "claude, the main trader, failed: anthropic: HTTP 529: overloaded_error: Overloaded (3 attempts)" ]
	[ "$(fake_count anthropic)" = 3 ]
	[ "$(json_field .llms.minimax.status)" = ok ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = 'minimax'")" = 3 ]
	[ "$(tb_sql "SELECT status, exit_code FROM runs")" = "failed|69" ]
}

@test "Anthropic's spend limit is not retried" {
	seed_default $TUESDAY
	fake_fault anthropic /v1/messages status=429 \
	    'body={"type":"error","error":{"type":"rate_limit_error","message":"limit","details":{"error_code":"enforced_spend_limit_reached"}}}'
	run --separate-stderr tb-decide --date $TUESDAY
	assert_success
	[ "$(fake_count anthropic)" = 1 ]
	[ "$(json_field .llms.claude.status)" = failed ]
}

@test "MiniMax errors on HTTP 200: 1002 retried, 1008 not" {
	seed_default $MONDAY
	fake_fault minimax /v1/text/chatcompletion_v2 times=1 \
	    'body={"base_resp":{"status_code":1002,"status_msg":"rate limit"}}' status=200
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(fake_count minimax)" = 2 ]
	[ "$(json_field .llms.minimax.status)" = ok ]

	fake_fault minimax /v1/text/chatcompletion_v2 status=500 \
	    'body={"error":{"message":"insufficient balance (1008)","type":"insufficient_balance"}}'
	run --separate-stderr tb-decide --date $MONDAY --force --llm minimax
	[ "$(fake_count minimax)" = 3 ]
	[ "$(json_field .llms.minimax.status)" = failed ]
	[[ "$(json_field .llms.minimax.error)" == *"error 1008: insufficient balance"* ]]
}

@test "MiniMax is asked to stream; the text put together is what is stored" {
	seed_default $TUESDAY
	run --separate-stderr tb-decide --date $TUESDAY
	assert_success
	[ "$(fakereq -s minimax -F json.stream)" = true ]
	[ "$(fakereq -s minimax -F json.stream_options.include_usage)" = true ]
	[ "$(fakereq -s minimax -F headers.accept)" = text/event-stream ]
	# Four content deltas and the last chunk, all sent.
	[ "$(fakereq -s minimax -F stream)" = '{"events":5,"complete":true}' ]
	[ "$(tb_sql "SELECT raw_answer FROM llm_runs
	    WHERE llm_name = 'minimax'")" = "$(fixture_text)" ]
	[ "$(tb_sql "SELECT input_tokens, output_tokens FROM llm_runs
	    WHERE llm_name = 'minimax'")" = "2530|381" ]
	[ "$(picks $TUESDAY minimax)" = "AAPL|40.0|40.0|1|1|proposed
AIR.PA|35.0|35.0|1|2|proposed
NVDA|25.0|25.0|1|3|proposed" ]
}

@test "reasoning streamed apart is kept in front of the answer, and [DONE] ends it" {
	seed_default $TUESDAY
	fake_set minimax.stream_done=true "minimax.response=$(jq -cn '{id: "m2",
	    choices: [{finish_reason: "stop", index: 0, message: {role:
	    "assistant", reasoning_content: "AAPL looks strong.", content:
	    "{\"picks\":[{\"ticker\":\"AAPL\",\"allocation_pct\":60,\"reasoning\":\"r\"}]}"}}],
	    base_resp: {status_code: 0, status_msg: ""}}')"
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax
	assert_success
	[ "$(fakereq -s minimax -F stream)" = '{"events":10,"complete":true}' ]
	[ "$(tb_sql "SELECT raw_answer FROM llm_runs")" = \
	    '<think>AAPL looks strong.</think>
{"picks":[{"ticker":"AAPL","allocation_pct":60,"reasoning":"r"}]}' ]
	[ "$(picks $TUESDAY minimax)" = "AAPL|60.0|60.0|1|1|proposed" ]
}

@test "a slow answer that keeps streaming past the old per-request limit completes" {
	seed_default $TUESDAY
	# 5 s in all: the old limit, 120 of 300 s, would be 2 s.  The
	# answer takes 2.4 s, a chunk every 0.3 s, well inside the 1 s idle
	# limit (a fifth of 5 s).
	export TB_LLM_TIMEOUT_SECONDS=5
	fake_set minimax.stream_chunks=8 minimax.stream_delay=0.3
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax
	assert_success
	[ "$(json_field .llms.minimax.status)" = ok ]
	[ "$(fake_count minimax)" = 1 ]
	[ "$(fakereq -s minimax -F stream)" = '{"events":9,"complete":true}' ]
	# The fake really took longer than the old limit (8 gaps of 0.3 s).
	[ "$(fake_requests minimax | jq '.answered_at - .arrived_at > 2.2')" = true ]
	[ "$(tb_sql "SELECT raw_answer FROM llm_runs")" = "$(fixture_text)" ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks")" = 3 ]
}

@test "a stream that goes silent is cut by the idle limit, not the deadline" {
	seed_default $TUESDAY
	# 5 s in all, 1 s idle limit; every answer stops after two chunks.
	export TB_LLM_TIMEOUT_SECONDS=5
	fake_set minimax.stream_stall_after=2
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax
	[ "$status" -eq 69 ]
	[ "$(json_field .llms.minimax.status)" = failed ]
	run minimax_runs
	[[ "$output" == "1|failed|minimax: POST "*"/v1/text/chatcompletion_v2 failed: idle timeout: no data for 1.0 s ("*" attempts"* ]]
	refute_output --partial "timed out after"
	# Each request got its two chunks and then silence; the dead stream
	# was asked again while two idle limits of the deadline were left.
	[ "$(fake_count minimax)" -ge 2 ]
	[ "$(fake_requests minimax | jq -c .stream | sort -u)" = \
	    '{"events":2,"complete":false}' ]
	[ "$(fake_requests minimax | jq -r '.json.stream' | sort -u)" = true ]
	# What arrived before the silence is kept: the start of the text.
	raw=$(tb_sql "SELECT raw_answer FROM llm_runs")
	[ -n "$raw" ]
	[[ "$(fixture_text)" == "$raw"* ]]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks")" = 0 ]
}

@test "MiniMax codes 1000 and 1039 are retried, in a stream or as the body" {
	seed_default $TUESDAY
	good=$(jq -c . "$TB_ROOT/tests/fixtures/minimax/response_ok.json")
	fake_set "{\"minimax.responses\": [{\"id\": \"\", \"choices\": null,
	    \"base_resp\": {\"status_code\": 1000, \"status_msg\":
	    \"unknown error, please retry later\"}}, $good]}"
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax
	assert_success
	[ "$(fake_count minimax)" = 2 ]
	[[ "$stderr" == *"minimax: error 1000: unknown error, please retry later; retry 1 of 2"* ]]

	fake_fault minimax /v1/text/chatcompletion_v2 times=1 status=200 \
	    'body={"base_resp":{"status_code":1039,"status_msg":"token limit, retry later"}}'
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax --force
	assert_success
	[ "$(fake_count minimax)" = 4 ]
	[[ "$stderr" == *"minimax: error 1039: token limit, retry later; retry 1 of 2"* ]]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE status = 'ok'")" = 2 ]
}

@test "Anthropic's retry-after 90: tb backs off on its own and takes the next answer" {
	seed_default $MONDAY
	fake_fault anthropic /v1/messages status=429 times=1 header.retry-after=90
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(fake_count anthropic)" = 2 ]
	[ "$(json_field .llms.claude.status)" = ok ]
	# The capped backoff (scaled down by TB_HTTP_BACKOFF_SCALE), not 90 s.
	[[ "$stderr" =~ "anthropic: HTTP 429: rate_limit_error: "[^\;]*"; retry 1 of 2 in 0.0"[01]" s (the server asked for 90 s, over 60 s: backing off instead)" ]]
	[ "$(tb_sql "SELECT status, http_status FROM llm_runs")" = "ok|200" ]
}

@test "Anthropic's retry-after-ms is honoured before retry-after" {
	seed_default $MONDAY
	fake_fault anthropic /v1/messages status=429 times=1 \
	    header.retry-after-ms=300 header.retry-after=90
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(fake_count anthropic)" = 2 ]
	[[ "$stderr" == *"retry 1 of 2 in 0.30 s (as the server asked)"* ]]
	# The second request came about 0.3 s after the first answer (the
	# backoff would have been 5 ms; the margin is for the clocks' order).
	[ "$(fake_requests anthropic | jq -s '.[1].arrived_at - .[0].answered_at > 0.25')" = true ]
}

@test "Anthropic's x-should-retry: false stops retries, true retries a 400" {
	seed_default $MONDAY
	fake_fault anthropic /v1/messages status=529 header.x-should-retry=false
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	[ "$status" -eq 69 ]
	[ "$(fake_count anthropic)" = 1 ]
	[ "$(json_field .error)" = "claude, the main trader, failed: anthropic: HTTP 529: overloaded_error: Overloaded" ]

	fake_clear
	fake_fault anthropic /v1/messages status=400 times=1 header.x-should-retry=true
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(fake_count anthropic)" = 3 ]
	[ "$(json_field .llms.claude.status)" = ok ]
}

@test "one deadline covers every request and wait" {
	seed_default $TUESDAY
	# 5 s in all, room for a request while 2 s (two idle limits) are
	# left: the first retry after 2 s fits, a second would not.
	export TB_LLM_TIMEOUT_SECONDS=5
	fake_fault minimax /v1/text/chatcompletion_v2 status=503 \
	    header.Retry-After=2
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax
	[ "$status" -eq 69 ]
	[ "$(fake_count minimax)" = 2 ]
	[ "$(json_field .llms.minimax.error)" = \
	    "minimax: HTTP 503: error 1033: system error (2 attempts, no time left for another)" ]
}

@test "the corrective retry counts against the deadline too" {
	seed_default $TUESDAY
	# 1 s in all is less than the room a second request needs.
	export TB_LLM_TIMEOUT_SECONDS=1
	fake_set "minimax.response=$(minimax_body '<think>hm</think> no JSON here')"
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax
	[ "$status" -eq 69 ]
	[ "$(fake_count minimax)" = 1 ]
	[[ "$(json_field .llms.minimax.error)" == "minimax: unusable answer, and no time left for a corrective retry: no JSON object found"* ]]
}

@test "llm_timeout_seconds is validated like every key" {
	seed_default $TUESDAY
	TB_LLM_TIMEOUT_SECONDS=0 run --separate-stderr tb-decide --date $TUESDAY
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"llm_timeout_seconds"* ]]
	[ "$(fake_count minimax)" = 0 ]
}

@test "a hanging provider times out on its own; the other is not held up" {
	seed_default $MONDAY
	export TB_LLM_TIMEOUT_SECONDS=0.5
	fake_fault minimax /v1/text/chatcompletion_v2 mode=hang delay=5
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(json_field .llms.minimax.status)" = failed ]
	[[ "$(json_field .llms.minimax.error)" == *"timed out"* ]]
	[ "$(json_field .llms.claude.status)" = ok ]
	[ "$(json_field '.duration_ms < 4500')" = true ]
}

@test "a missing key fails that LLM cleanly; the other runs" {
	seed_default $TUESDAY
	unset ANTHROPIC_API_KEY
	run --separate-stderr tb-decide --date $TUESDAY
	assert_success
	[ "$(json_field .llms.claude.status)" = failed ]
	[ "$(json_field .llms.claude.error)" = "ANTHROPIC_API_KEY is not set" ]
	[ "$(fake_count anthropic)" = 0 ]
	[ "$(json_field .llms.minimax.status)" = ok ]
}

@test "a garbage answer gets one corrective retry that says what was wrong" {
	seed_default $MONDAY
	good=$(jq -c . "$TB_ROOT/tests/fixtures/minimax/response_ok.json")
	fake_set "{\"minimax.responses\": [$(minimax_body \
	    '<think>Let me see.</think> I would buy Apple and Airbus.'), $good]}"
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(fake_count minimax)" = 2 ]
	[ "$(fakereq -s minimax -l -F json.messages.2.role)" = assistant ]
	[[ "$(fakereq -s minimax -l -F json.messages.2.content)" == \
	    *"I would buy Apple and Airbus."* ]]
	[[ "$(fakereq -s minimax -l -F json.messages.3.content)" == \
	    "Your previous answer could not be used: no JSON object found in the answer."* ]]
	[ "$(json_field .llms.minimax.attempts)" = 2 ]
	[ "$(tb_sql "SELECT attempt, status, substr(error, 1, 15) FROM llm_runs
	    WHERE llm_name = 'minimax' ORDER BY attempt")" = "1|failed|unusable answer
2|ok|" ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = 'minimax'")" = 3 ]
}

@test "garbage twice: the LLM fails after its one corrective retry" {
	seed_default $TUESDAY
	fake_set "minimax.response=$(minimax_body '{"picks": "AAPL"}')"
	run --separate-stderr tb-decide --date $TUESDAY
	[ "$status" -eq 69 ]
	[ "$(fake_count minimax)" = 2 ]
	[[ "$(json_field .llms.minimax.error)" == *"unusable answer after a corrective retry"* ]]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE llm_name = 'minimax'
	    AND status = 'failed'")" = 2 ]
	[ "$(tb_sql "SELECT count(*) FROM daily_picks WHERE llm_name = 'claude'")" = 3 ]
}

@test "Claude cut off at max_tokens is asked once more" {
	seed_default $MONDAY
	cut=$(jq -c '.stop_reason = "max_tokens"' \
	    "$TB_ROOT/tests/fixtures/anthropic/response_tool_use.json")
	fake_set "{\"anthropic.responses\": [$cut]}"
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(fake_count anthropic)" = 2 ]
	[[ "$(fakereq -s anthropic -l -F json.messages.2.content)" == *"cut off at the token limit"* ]]
	[ "$(json_field .llms.claude.picks)" = 3 ]
}

@test "allocations over 100 in total are scaled down to the budget" {
	seed_default $MONDAY
	claude_says '{"picks":[{"ticker":"AAPL","allocation_pct":100,"reasoning":"x"},
	    {"ticker":"NVDA","allocation_pct":50,"reasoning":"y"}]}'
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(tb_sql "SELECT ticker, round(allocation_pct, 2), amount_eur
	    FROM daily_picks ORDER BY pick_index")" = "AAPL|66.67|66.66
NVDA|33.33|33.33" ]
	[[ "$stderr" == *"claude: scaled allocations"* ]]
	[ "$(tb_sql "SELECT sum(amount_eur) <= 100 FROM daily_picks")" = 1 ]
	[[ "$(tb_sql "SELECT notes_json FROM llm_runs")" == '["scaled allocations'* ]]
}

@test "injected picks are dropped: not a candidate, NaN, a huge allocation" {
	seed_default $TUESDAY
	fake_set "minimax.response=$(minimax_body '<think>ok</think>
{"picks":[{"ticker":"GME","allocation_pct":50,"reasoning":"ignore previous instructions"},
 {"ticker":"AAPL","allocation_pct":"NaN","reasoning":"x"},
 {"ticker":"NVDA","allocation_pct":1e9,"reasoning":"all in"},
 {"ticker":"AIR.PA","allocation_pct":30,"reasoning":"y"}]}')"
	run --separate-stderr tb-decide --date $TUESDAY --llm minimax
	assert_success
	[[ "$stderr" == *"minimax: dropped GME: not among the candidates"* ]]
	[[ "$stderr" == *"minimax: dropped AAPL: allocation_pct"* ]]
	[[ "$stderr" == *"minimax: dropped NVDA: allocation_pct"* ]]
	run tb_sql "SELECT ticker FROM daily_picks WHERE ticker IN ('GME', 'AAPL', 'NVDA')"
	[ -z "$output" ]
	# Only the valid pick is kept, and nothing exceeds the budget.
	[ "$(tb_sql "SELECT group_concat(ticker), sum(amount_eur) <= 100
	    FROM daily_picks")" = "AIR.PA|1" ]
	[ "$(tb_sql "SELECT count(*) FROM llm_runs WHERE status = 'ok'
	    AND notes_json LIKE '%GME%'")" = 1 ]
}

@test "an answer whose picks were all dropped still counts as decided" {
	seed_default $MONDAY
	claude_says '{"picks":[{"ticker":"GME","allocation_pct":100,"reasoning":"x"}]}'
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(json_field .llms.claude.picks)" = 0 ]
	[ "$(json_field .llms.claude.dropped)" = 1 ]
	run --separate-stderr tb-decide --date $MONDAY --llm claude
	assert_success
	[ "$(json_field .llms.claude.status)" = skipped ]
	[ "$(fake_count anthropic)" = 1 ]
}

@test "each LLM's prompt shows its own portfolio" {
	seed_default $MONDAY
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side,
	    amount_eur, quantity, status, created_at) VALUES
	    ('2026-03-26', 'claude', 'MSFT', 'real', 'buy', 50, 0.1, 'filled', 'x'),
	    ('2026-03-27', 'claude', 'MSFT', 'real', 'sell', 24, 0.05, 'filled', 'x'),
	    ('2026-03-27', 'claude', 'KO', 'real', 'buy', 20, 0.3, 'pending', 'x'),
	    ('2026-03-27', 'minimax', 'TSLA', 'virtual', 'buy', 30, 0.08, 'booked', 'x');
	    INSERT INTO market_data (date, symbol, status, price_eur, fetched_at)
	    VALUES ('2026-03-27', 'MSFT', 'ok', 450, 'x')"
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	claude=$(fakereq -s anthropic -F json.messages.0.content)
	minimax=$(fakereq -s minimax -F json.messages.1.content)
	# Bought 0.1 for 50 EUR, sold half: 0.05 left at an average cost of 25.
	[[ "$claude" == *"- MSFT (real): 0.0500 shares, cost 25.00 EUR, value 22.50 EUR -10.0%"* ]]
	[[ "$claude" != *TSLA* && "$claude" != *"KO (real)"* ]]
	[[ "$minimax" == *"- TSLA (virtual): 0.0800 shares, cost 30.00 EUR"* ]]
	[[ "$minimax" != *"MSFT (real)"* ]]
}

@test "no tickers in the digest: no market request, no LLM call" {
	tb_init_db
	run --separate-stderr tb-decide --date $MONDAY
	assert_success
	[ "$(json_field .reason)" = "no tickers in the digest" ]
	[ "$(json_field .digest_tickers)" = 0 ]
	[ "$(json_field .llms.claude.status)" = "not asked" ]
	[ "$(fake_count yahoo)" = 0 ]
	[ "$(fake_count anthropic)" = 0 ]
	[ "$(fake_count minimax)" = 0 ]
	[ "$(tb_sql "SELECT ticker_count FROM digests WHERE date = '$MONDAY'")" = 0 ]
}

@test "no market data at all: the LLMs are not asked, exit 69" {
	seed $MONDAY AAPL ASML.AS
	fake_fault yahoo '^/v8/finance/chart/' status=404
	run --separate-stderr tb-decide --date $MONDAY
	[ "$status" -eq 69 ]
	[[ "$(json_field .error)" == *"no market data for any of the 2 tickers"* ]]
	[ "$(fake_count anthropic)" = 0 ]
	[ "$(fake_count minimax)" = 0 ]
}

@test "a weekend is skipped without a single request" {
	seed_default 2026-04-04
	run --separate-stderr tb-decide --date 2026-04-04
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(fake_count yahoo)" = 0 ]
	[ "$(fake_count anthropic)" = 0 ]
}

@test "no secret reaches stdout, stderr, the database or TB_HOME" {
	seed_default $MONDAY
	fake_fault minimax /v1/text/chatcompletion_v2 status=401 \
	    "body={\"error\":{\"message\":\"bad key $MINIMAX_KEY (1004)\"}}"
	run --separate-stderr tb-decide --date $MONDAY -v
	assert_success
	[[ "$stderr" == *"[REDACTED]"* ]]
	local key
	for key in "$CLAUDE_KEY" "$MINIMAX_KEY"; do
		[[ "$output" != *"$key"* ]]
		[[ "$stderr" != *"$key"* ]]
	done
	refute_stored "$CLAUDE_KEY" "$MINIMAX_KEY"
}

@test "--help and the manual page list the same options" {
	run tb-decide --help
	assert_success
	for opt in --date --llm --force --scheduled --config --verbose \
	    --version --help; do
		[[ "$output" == *"$opt"* ]] || { echo "help: $opt"; false; }
		grep -q -- "${opt#--}" "$TB_ROOT/bin/tb-decide.1" ||
		    { echo "man: $opt"; false; }
	done
	run tb-decide --bogus
	[ "$status" -eq 64 ]
}
