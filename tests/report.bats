#!/usr/bin/env bats
# tb-report: marks, fills and the scoreboard.  Three trading days of real
# and virtual trades and sells against the fakes, closes on three more,
# then every figure of `tb-report --refresh --json` against the same
# figures worked out in tests/tools/score_expect.py from what the test
# itself set (prices, picks, sells) and what the fake broker charged
# (its fills and taxes), never from tb's output.

# Each test runs in its own process: what one exports is meant to stay in it.
# shellcheck disable=SC2030,SC2031
load helpers
load execute

SCORE="python3 $TB_ROOT/tests/tools/score_expect.py"

setup() {
	tb_isolate
	fake_start
	export T212_API_KEY=test-t212-key T212_API_SECRET=test-t212-secret
	export TB_HTTP_BACKOFF_SCALE=0.01
	export TB_NOW=2026-11-23T17:10:00+01:00
	tb_init_db
	# Trading 212's FX fee, and the French tax on Airbus buys.
	fake_set '{"t212.fx_fee_pct": 0.15,
	    "t212.taxes": {"AIp_EQ": {"FRENCH_TRANSACTION_TAX": 0.4}}}'
}

teardown() {
	fake_stop
}

# The market, day by day: prices as quoted (SHEL.L in pence) and the FX
# rates; each day's prices are the day's quotes and its close.
prices_json() {
	cat <<-'EOF'
	{"2026-11-23": {"ASML.AS": 700, "AIR.PA": 150, "SHEL.L": 2650,
	   "AAPL": 227.56, "SAP.DE": 200, "VWCE.DE": 140,
	   "EURUSD=X": 1.0821, "EURGBP=X": 0.85},
	 "2026-11-24": {"ASML.AS": 712, "AIR.PA": 148, "SHEL.L": 2680,
	   "AAPL": 230, "SAP.DE": 204, "VWCE.DE": 141,
	   "EURUSD=X": 1.08, "EURGBP=X": 0.852},
	 "2026-11-25": {"ASML.AS": 705, "AIR.PA": 152, "SHEL.L": 2640,
	   "AAPL": 225, "SAP.DE": 199, "VWCE.DE": 139.5,
	   "EURUSD=X": 1.085, "EURGBP=X": 0.849},
	 "2026-11-26": {"ASML.AS": 720, "AIR.PA": 151, "SHEL.L": 2700,
	   "AAPL": 228, "SAP.DE": 202, "VWCE.DE": 140.2,
	   "EURUSD=X": 1.083, "EURGBP=X": 0.851},
	 "2026-11-27": {"ASML.AS": 731, "AIR.PA": 149, "SHEL.L": 2710,
	   "AAPL": 232, "SAP.DE": 205, "VWCE.DE": 141.1,
	   "EURUSD=X": 1.079, "EURGBP=X": 0.853},
	 "2026-11-30": {"ASML.AS": 740, "AIR.PA": 155, "SHEL.L": 2640,
	   "AAPL": 224, "SAP.DE": 210, "VWCE.DE": 142,
	   "EURUSD=X": 1.081, "EURGBP=X": 0.85}}
	EOF
}

# market_day DAY: the fake Yahoo quotes DAY's prices (each chart scaled
# to its price: a market that moved, which the broker fills at too).
market_day() {
	fake_set "{\"yahoo.quotes\": $(prices_json | jq -c --arg d "$1" \
	    '.[$d] | map_values({at: .})')}"
}

# decide DAY MAIN "SYM:EUR ..." VIRTUAL "SYM:EUR ...": the day's decision
# as tb-decide and tb-approve leave it (both LLMs ok, the main trader's
# picks approved), then tb-execute at 17:10.
decide() {
	local day=$1 main=$2 virt=$4 p i
	export TB_NOW=${day}T17:10:00+01:00
	market_day "$day"
	tb_sql "INSERT INTO llm_runs (date, llm_name, provider, model, status,
	    started_at) VALUES ('$day', '$main', 'x', 'x', 'ok',
	    '${day}T16:10:00Z'), ('$day', '$virt', 'x', 'x', 'ok',
	    '${day}T16:10:00Z');
	    INSERT INTO approvals (date, llm_name, decision, decided_by,
	    decided_at) VALUES ('$day', '$main', 'approve_all', 'flag',
	    '${day}T16:11:00Z')"
	i=0
	for p in $3; do
		i=$((i + 1))
		day_pick "$day" "$main" "${p%%:*}" "${p##*:}" approved $i 1
	done
	i=0
	for p in $5; do
		i=$((i + 1))
		day_pick "$day" "$virt" "${p%%:*}" "${p##*:}" proposed $i 0
	done
	run --separate-stderr tb-execute
	assert_success
}

day_pick() {
	tb_sql "INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct,
	    amount_eur, is_main_trader, status, pick_index, created_at)
	    VALUES ('$1', '$2', '$3', $4, $4, $7, '$5', $6, '${1}T16:10:00Z')"
}

# close_day DAY: tb-report --refresh as cron runs it, at 22:30.
close_day() {
	export TB_NOW=${1}T22:30:00+01:00
	market_day "$1"
	run --separate-stderr tb-report --refresh --scheduled 22:30
	assert_success
}

# The real trades as the broker booked them: each fill's quantity,
# netValue and taxes, attributed to the LLM and day of the trade row
# that names the order.
broker_fills() {
	local rows
	rows=$(tb_sql "SELECT json_group_array(json_object('id',
	    broker_order_id, 'llm', llm_name, 'date', date, 'ticker', ticker))
	    FROM trades WHERE kind = 'real' AND broker_order_id IS NOT NULL")
	fake_state t212.history | jq -c --argjson rows "$rows" '
	    [.[] | select(.fill) | . as $h |
	     ($rows[] | select(.id == ($h.order.id | tostring))) as $r |
	     {date: $r.date, llm: $r.llm, ticker: $r.ticker,
	      side: (if $h.fill.quantity < 0 then "sell" else "buy" end),
	      quantity: ($h.fill.quantity | fabs),
	      net: $h.fill.walletImpact.netValue,
	      taxes: ([$h.fill.walletImpact.taxes[].quantity] | add // 0)}]'
}

@test "three days, new prices: every figure of the scoreboard, worked out independently" {
	decide 2026-11-23 claude "ASML.AS:40 AIR.PA:20 SHEL.L:20 AAPL:20" \
	    minimax "SAP.DE:60 AAPL:40"
	close_day 2026-11-23
	decide 2026-11-24 minimax "ASML.AS:50 SHEL.L:50" \
	    claude "AIR.PA:30 AAPL:70"
	close_day 2026-11-24
	decide 2026-11-25 claude "SAP.DE:60 AAPL:40" minimax "AIR.PA:100"
	# Claude closes its real Airbus; MiniMax sells part of its SAP.
	run --separate-stderr tb-sell --llm claude --ticker AIR.PA --kind real
	assert_success
	[ "$(json_field .sell_status)" = submitted ]
	run --separate-stderr tb-sell --llm minimax --ticker SAP.DE --quantity 0.1
	assert_success
	[ "$(json_field .sell_status)" = booked ]
	close_day 2026-11-25
	close_day 2026-11-26
	close_day 2026-11-27
	export TB_NOW=2026-11-30T22:30:00+01:00
	market_day 2026-11-30
	run --separate-stderr tb-report --refresh --json
	assert_success
	echo "$output" > "$BATS_TEST_TMPDIR/got.json"

	# What the test knows: its prices, its plan, the broker's fills.
	jq -n --argjson prices "$(prices_json)" --argjson real "$(broker_fills)" '{
	    from: "2026-11-23", to: "2026-11-30", holidays: [],
	    benchmark: "VWCE.DE", llms: ["claude", "minimax"], fee_pct: 0.15,
	    account: "EUR", prices: $prices,
	    currencies: {"ASML.AS": "EUR", "AIR.PA": "EUR", "SHEL.L": "GBp",
	        "AAPL": "USD", "SAP.DE": "EUR", "VWCE.DE": "EUR"},
	    closes: ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26",
	        "2026-11-27", "2026-11-30"],
	    virtual: [
	        {date: "2026-11-23", llm: "minimax", ticker: "SAP.DE", side: "buy", amount: 60},
	        {date: "2026-11-23", llm: "minimax", ticker: "AAPL", side: "buy", amount: 40},
	        {date: "2026-11-24", llm: "claude", ticker: "AIR.PA", side: "buy", amount: 30},
	        {date: "2026-11-24", llm: "claude", ticker: "AAPL", side: "buy", amount: 70},
	        {date: "2026-11-25", llm: "minimax", ticker: "AIR.PA", side: "buy", amount: 100},
	        {date: "2026-11-25", llm: "minimax", ticker: "SAP.DE", side: "sell", quantity: 0.1}],
	    real: $real}' > "$BATS_TEST_TMPDIR/input.json"
	# Eight real buys and one sell reached the broker, each filled.
	[ "$(jq '.real | length' "$BATS_TEST_TMPDIR/input.json")" = 9 ]
	[ "$(jq '[.real[] | select(.side == "sell")] | length' \
	    "$BATS_TEST_TMPDIR/input.json")" = 1 ]
	# The fees are there to be counted: FX on SHEL.L and AAPL, the tax.
	[ "$(jq '[.real[].taxes] | add > 0.2' "$BATS_TEST_TMPDIR/input.json")" = true ]
	$SCORE expect "$BATS_TEST_TMPDIR/input.json" > "$BATS_TEST_TMPDIR/want.json"
	run $SCORE compare "$BATS_TEST_TMPDIR/want.json" "$BATS_TEST_TMPDIR/got.json"
	assert_success
	# Not vacuous: the expectation has figures in every part.
	jq -e '.llms[0].positions | length > 2' "$BATS_TEST_TMPDIR/want.json"
	# Hits and misses: claude's ASML and Airbus rose, its Shell and
	# Apple fell below cost; MiniMax's SAP rose, its Apple fell.
	[ "$(jq -c '[.llms[] | {(.llm): .hit_rate_pct}] | add' "$BATS_TEST_TMPDIR/want.json")" = \
	    '{"claude":50,"minimax":50}' ]
	jq -e '[.llms[].realised_eur] | any(. != 0)' "$BATS_TEST_TMPDIR/want.json"
	jq -e '.days | length == 6' "$BATS_TEST_TMPDIR/want.json"
	# Every real fill is stored with the trade, final.
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real' AND
	    fill_final = 1 AND fill_value > 0 AND cash_cents > 0")" = 9 ]
}

@test "without --refresh nothing is asked of anyone; figures from the stored rows" {
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, quantity,
	    price, currency, price_eur, status, created_at, cash_cents,
	    fees_cents) VALUES
	    ('2026-11-23', 'claude', 'SAP.DE', 'real', 'buy', 0.5, 200, 'EUR',
	     200, 'filled', '2026-11-23T16:10:00Z', 10012, 12),
	    ('2026-11-23', 'minimax', 'AAPL', 'virtual', 'buy', 0.2, 220, 'USD',
	     200, 'booked', '2026-11-23T16:10:00Z', 4006, 6);
	    INSERT INTO marks (date, symbol, close, currency, close_eur, source,
	    fetched_at) VALUES
	    ('2026-11-23', 'SAP.DE', 200, 'EUR', 200, 'yahoo', 'x'),
	    ('2026-11-24', 'SAP.DE', 210, 'EUR', 210, 'yahoo', 'x'),
	    ('2026-11-24', 'AAPL', 231, 'USD', 210, 'yahoo', 'x'),
	    ('2026-11-23', 'VWCE.DE', 100, 'EUR', 100, 'yahoo', 'x'),
	    ('2026-11-24', 'VWCE.DE', 101, 'EUR', 101, 'yahoo', 'x')"
	export TB_NOW=2026-11-24T23:00:00+01:00
	run --separate-stderr tb-report --json
	assert_success
	[ "$(fake_count)" = 0 ]
	# claude: 0.5 x 210 = 105 for 100.12; minimax: 0.2 x 210 = 42 for 40.06.
	[ "$(json_field '[.llms[] | "\(.llm) \(.rank) \(.value_eur) \(.pnl_eur) \(.fees_eur)"] | join(",")')" = \
	    "claude 1 105 4.88 0.12,minimax 2 42 1.94 0.06" ]
	# The benchmark: 100.12 EUR of VWCE at 100, worth 101.1212 at 101.
	[ "$(json_field '.llms[0].benchmark.value_eur')" = 101.12 ]
	[ "$(json_field '.benchmark | "\(.symbol) \(.close) \(.close_currency)"')" = "VWCE.DE 101 EUR" ]
	[ "$(json_field '[.days[].date] | join(",")')" = 2026-11-23,2026-11-24 ]
	# The table: ranked, with a sparkline of each value.
	run --separate-stderr tb-report
	assert_success
	assert_line --regexp '^   1  claude +100\.12 +105\.00 +4\.88 '
	assert_line --regexp '^   2  minimax .*  (▁|▂|▃|▄|▅|▆|▇|█){2}$'
	[ "$(fake_count)" = 0 ]
}

@test "a refresh on a weekend asks nothing and says why" {
	export TB_NOW=2026-11-28T22:30:00+01:00
	run --separate-stderr tb-report --refresh
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(json_field .reason)" = "not a trading day" ]
	[ "$(fake_count)" = 0 ]
}

@test "an implausible close is not stored; the others are; exit 69" {
	decide 2026-11-23 claude "ASML.AS:40 AIR.PA:20" minimax "SAP.DE:60"
	export TB_NOW=2026-11-23T22:30:00+01:00
	market_day 2026-11-23
	# The feed slips: ASML at 1/100 of its close.
	quote ASML.AS '{"at": 700, "price": 7}'
	run --separate-stderr tb-report --refresh
	[ "$status" -eq 69 ]
	[ "$(json_field '.marks[] | select(.symbol == "ASML.AS") | .stored')" = false ]
	[[ "$(json_field '.marks[] | select(.symbol == "ASML.AS") | .error')" == "implausible price: 7 EUR against a previous close of "* ]]
	[ "$(tb_sql "SELECT group_concat(symbol || '=' || close, ' ') FROM
	    (SELECT * FROM marks ORDER BY symbol)")" = \
	    "AIR.PA=150.0 SAP.DE=200.0 VWCE.DE=140.0" ]
	[ "$(json_field .marks_failed)" = 1 ]
}

@test "fills are read again until final, and tb-status shows them" {
	# The broker fills the order only after the next request.
	fake_set '{"t212.fill_after": 1}'
	decide 2026-11-23 claude "SHEL.L:20" minimax ""
	[ "$(trade "ticker = 'SHEL.L'" "status, fill_final")" = "submitted|0" ]
	export TB_NOW=2026-11-23T22:30:00+01:00
	market_day 2026-11-23
	run --separate-stderr tb-report --refresh
	assert_success
	[ "$(json_field .fills.filled)" = 1 ]
	[ "$(trade "ticker = 'SHEL.L'" "status, fill_final")" = "filled|1" ]
	# A fill not final (as a row from before fills were kept) is read
	# again by the next refresh; a final one is not.
	tb_sql "UPDATE trades SET fill_final = 0, fill_value = NULL,
	    fill_fees = NULL, cash_cents = NULL WHERE ticker = 'SHEL.L'"
	run --separate-stderr tb-report --refresh
	assert_success
	[ "$(json_field .fills.fills_updated)" = 1 ]
	[ "$(trade "ticker = 'SHEL.L'" "fill_final, fill_value > 0, cash_cents > 0")" = "1|1|1" ]
	run --separate-stderr tb-report --refresh
	assert_success
	[ "$(json_field .fills.fills_updated)" = 0 ]
	local fill
	fill=$(fake_state t212.history | jq -c '.[0].fill')
	run --separate-stderr tb-status --json
	assert_success
	[ "$(json_field '.trades[0] | [.fill_price, .fill_quantity, .fill_value, .fill_currency, .fill_fx_rate, .fill_fees] | @json')" = \
	    "$(jq -c '[.price, .quantity, .walletImpact.netValue, .walletImpact.currency, .walletImpact.fxRate, ([.walletImpact.taxes[].quantity] | add)]' <<<"$fill")" ]
	# 20 EUR of pence pays the FX fee: cost = netValue + fee, in cents.
	[ "$(json_field '.trades[0].cash_eur')" = \
	    "$(jq '.walletImpact | .netValue + ([.taxes[].quantity] | add)' <<<"$fill")" ]
	[ "$(jq '.walletImpact.taxes[0].name' <<<"$fill")" = '"CURRENCY_CONVERSION_FEE"' ]
	# The text shows the fill and its fees beside the trade.
	run --separate-stderr tb-status
	assert_success
	assert_output --partial "$(printf '%.2f' "$(jq '.price' <<<"$fill")")"
	[[ "$output" == *"fill"*"fees"* ]]
}

@test "an account in pounds: fills converted at the day's rate, fees on equal terms" {
	fake_set '{"t212.account_currency": "GBP", "t212.taxes": {}}'
	decide 2026-11-23 claude "AIR.PA:20 SHEL.L:20" minimax "SAP.DE:60 SHEL.L:40"
	close_day 2026-11-23
	local fills rate=0.85
	fills=$(fake_state t212.history | jq -c '[.[] | {ticker: .order.ticker,
	    net: .fill.walletImpact.netValue, currency: .fill.walletImpact.currency,
	    fee: ([.fill.walletImpact.taxes[].quantity] | add // 0)}]')
	# The broker charged in pounds: its FX fee on Airbus (EUR), none on
	# Shell (pence); the French tax was not asked for in this test.
	[ "$(jq -r '[.[] | "\(.ticker) \(.currency) \(.fee > 0)"] | join(",")' <<<"$fills")" = \
	    "AIp_EQ GBP true,SHELl_EQ GBP false" ]
	# tb's cost in EUR cents: (netValue + fees) / EURGBP, rounded up.
	run python3 -c '
import json, math, sys
for f in json.loads(sys.argv[1]):
    print(f["ticker"], math.ceil((f["net"] + f["fee"]) / float(sys.argv[2]) * 100 - 1e-6),
          math.ceil(f["fee"] / float(sys.argv[2]) * 100 - 1e-6))' "$fills" "$rate"
	assert_output "$(tb_sql "SELECT broker_ticker, cash_cents, fees_cents FROM trades
	    WHERE kind = 'real' ORDER BY id" | tr '|' ' ')"
	[ "$(tb_sql "SELECT count(*) FROM trades WHERE kind = 'real' AND fill_final = 1")" = 2 ]
	# Virtual trades pay what a real one would in this account: the FX
	# fee on SAP (EUR), none on Shell (pence).
	run python3 -c '
import math
q = float(open(0).read())
print(math.ceil(q * 200 * 0.15 - 1e-6))' <<<"$(trade "kind = 'virtual' AND ticker = 'SAP.DE'" quantity)"
	[ "$output" -gt 0 ]
	[ "$(trade "kind = 'virtual' AND ticker = 'SAP.DE'" fees_cents)" = "$output" ]
	[ "$(trade "kind = 'virtual' AND ticker = 'SHEL.L'" fees_cents)" = 0 ]
}

@test "the HTML page renders in a real browser with both curves" {
	local day d=0 html="$BATS_TEST_TMPDIR/score.html" png="$BATS_TEST_TMPDIR/score.png"
	for day in 2026-11-23 2026-11-24 2026-11-25 2026-11-26 2026-11-27; do
		d=$((d + 1))
		tb_sql "INSERT INTO marks (date, symbol, close, currency, close_eur,
		    source, fetched_at) VALUES
		    ('$day', 'SAP.DE', $((200 + d * d * 3)), 'EUR', $((200 + d * d * 3)), 'yahoo', 'x'),
		    ('$day', 'AAPL', $((230 - d * 4)), 'USD', $((210 - d * 4)), 'yahoo', 'x'),
		    ('$day', 'VWCE.DE', $((100 + d)), 'EUR', $((100 + d)), 'yahoo', 'x')"
	done
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, quantity,
	    status, created_at, cash_cents) VALUES
	    ('2026-11-23', 'claude', 'SAP.DE', 'real', 'buy', 0.5, 'filled', 'x', 10150),
	    ('2026-11-23', 'minimax', 'AAPL', 'virtual', 'buy', 0.5, 'booked', 'x', 10300)"
	export TB_NOW=2026-11-27T23:00:00+01:00
	run --separate-stderr tb-report --html "$html"
	assert_success
	# Self-contained: no script, nothing fetched.
	run grep -Eic '<script|src=|href=|url\(|@import' "$html"
	[ "$output" = 0 ]
	grep -q '<svg' "$html"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
	    --screenshot="$png" --window-size=1200,900 "file://$html" \
	    >"$BATS_TEST_TMPDIR/chromium.log" 2>&1 ||
	    { cat "$BATS_TEST_TMPDIR/chromium.log"; false; }
	run python3 "$TB_ROOT/tests/tools/pngcount.py" "$png" '#d9480f' '#1c7ed6' '#495057'
	assert_success
	echo "$output"
	# Claude's orange and MiniMax's blue curves, the grey benchmarks.
	[ "$(jq '."#d9480f" > 300' <<<"$output")" = true ]
	[ "$(jq '."#1c7ed6" > 300' <<<"$output")" = true ]
	[ "$(jq '."#495057" > 300' <<<"$output")" = true ]
	[ "$(jq '.distinct > 20' <<<"$output")" = true ]
}

@test "usage: --date with --range, a bad range, --help" {
	run --separate-stderr tb-report --date 2026-11-23 --range 2026-11-01..2026-11-23
	[ "$status" -eq 64 ]
	run --separate-stderr tb-report --range 2026-11-23..2026-11-01
	[ "$status" -eq 64 ]
	run --separate-stderr tb-report -h
	assert_success
	assert_output --partial "usage: tb-report [--date YYYY-MM-DD | --range FROM..TO]"
}

@test "--range: figures as of TO, the series from FROM" {
	tb_sql "INSERT INTO trades (date, llm_name, ticker, kind, side, quantity,
	    status, created_at, cash_cents) VALUES
	    ('2026-11-20', 'claude', 'SAP.DE', 'virtual', 'buy', 1, 'booked', 'x', 20000);
	    INSERT INTO marks (date, symbol, close, currency, close_eur, source,
	    fetched_at) VALUES
	    ('2026-11-20', 'SAP.DE', 200, 'EUR', 200, 'yahoo', 'x'),
	    ('2026-11-24', 'SAP.DE', 190, 'EUR', 190, 'yahoo', 'x'),
	    ('2026-11-25', 'SAP.DE', 230, 'EUR', 230, 'yahoo', 'x')"
	run --separate-stderr tb-report --json --range 2026-11-23..2026-11-25
	assert_success
	[ "$(json_field '"\(.date) \(.from) \(.to)"')" = "2026-11-25 2026-11-23 2026-11-25" ]
	[ "$(json_field '[.days[] | "\(.date)=\(.llms.claude.value_eur)"] | join(" ")')" = \
	    "2026-11-23=200 2026-11-24=190 2026-11-25=230" ]
	[ "$(json_field '.llms[] | select(.llm == "claude") | "\(.invested_eur) \(.value_eur) \(.return_pct) \(.max_drawdown_pct)"')" = \
	    "200 230 15 5" ]
}
