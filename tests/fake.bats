#!/usr/bin/env bats
# Tests of the fake upstream server (tests/fakes/fake.py) and of the
# fixtures it serves.  It is test infrastructure: the other suites trust it.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load 'fakes/fake'

FIX=$BATS_TEST_DIRNAME/fixtures

setup() {
	fake_start
}

teardown() {
	fake_stop
}

# call CURL_ARGS...: run curl; set CODE (HTTP status) and BODY.
call() {
	local out
	out=$(curl -sS --max-time 10 -w '\n%{http_code}' "$@") || return 1
	CODE=${out##*$'\n'}
	BODY=${out%$'\n'*}
}

# t212 METHOD PATH [JSON]: an authenticated Trading 212 request.
t212() {
	call -X "$1" -u 'key123:secret456' -H 'Content-Type: application/json' \
	    ${3:+--data-binary "$3"} "$TB_T212_BASE_URL/api/v0/equity/$2"
}

buy() {
	t212 POST orders/market "{\"ticker\":\"$1\",\"quantity\":$2,\"extendedHours\":false}"
}

sha256() {
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}

now_ms() {
	date +%s%3N
}

# ---- start, stop, addressing

@test "fake_start writes port and pid, exports the base URLs, answers" {
	assert [ -s "$FAKE_STATE/port" ]
	assert_equal "$(cat "$FAKE_STATE/pid")" "$FAKE_PID"
	assert_equal "$FAKE_URL" "http://127.0.0.1:$FAKE_PORT"
	assert_equal "$TB_REDDIT_BASE_URL" "$FAKE_URL/reddit"
	assert_equal "$TB_REDDIT_AUTH_URL" "$FAKE_URL/reddit-www"
	assert_equal "$TB_YAHOO_BASE_URL" "$FAKE_URL/yahoo"
	assert_equal "$TB_ANTHROPIC_BASE_URL" "$FAKE_URL/anthropic"
	assert_equal "$TB_MINIMAX_BASE_URL" "$FAKE_URL/minimax"
	assert_equal "$TB_T212_BASE_URL" "$FAKE_URL/t212"
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 200
}

@test "the server starts quickly and fake_stop ends it and its files" {
	fake_stop
	local t0 t1 pid cpu
	t0=$(now_ms)
	fake_start
	t1=$(now_ms)
	# Wall time depends on the machine's load; the CPU the server spent
	# before listening does not (much).
	assert [ $((t1 - t0)) -lt 3000 ]
	cpu=$(sed -n 's/.*start-up took \([0-9.]*\) s of CPU.*/\1/p' "$FAKE_STATE/fake.log" | tail -1)
	assert [ -n "$cpu" ]
	assert_equal "$(jq -n "$cpu < 0.3")" true
	pid=$FAKE_PID
	fake_stop
	run kill -0 "$pid"
	assert_failure
	assert [ ! -e "$FAKE_STATE/port" ]
	assert [ ! -e "$FAKE_STATE/pid" ]
}

@test "fake_stop succeeds when nothing was started" {
	fake_stop
	run fake_stop
	assert_success
	unset FAKE_PID FAKE_STATE FAKE_URL
	run fake_stop
	assert_success
}

@test "FAKE_FIXTURES directories are searched before tests/fixtures" {
	local over=$BATS_TEST_TMPDIR/over
	mkdir -p "$over/yahoo"
	echo '{"chart":{"result":[],"error":null,"override":true}}' \
	    >"$over/yahoo/chart_AAPL.json"
	fake_stop
	FAKE_FIXTURES=$BATS_TEST_TMPDIR/missing:$over fake_start
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$(jq .chart.override <<<"$BODY")" true
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/ASML.AS"
	assert_equal "$(jq -r .chart.result[0].meta.symbol <<<"$BODY")" ASML.AS
}

# ---- recording

@test "requests are recorded with credentials redacted and hashed" {
	t212 GET account/summary
	call -H 'Authorization: barekey789' "$TB_T212_BASE_URL/api/v0/equity/positions"
	call -H 'x-api-key: sk-ant-secret' -H 'anthropic-version: 2023-06-01' \
	    -H 'Cookie: A3=session-secret' \
	    --data-binary '{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}' \
	    "$TB_ANTHROPIC_BASE_URL/v1/messages"
	call -H 'Authorization: Bearer mm-secret' -d '{}' \
	    "$TB_MINIMAX_BASE_URL/v1/text/chatcompletion_v2?x=1&x=2"

	run fakereq -s t212 -F headers.authorization
	assert_output "$(printf 'Basic <redacted>\n<redacted>')"
	run fakereq -s t212 -F auth_sha256
	assert_output "$(printf '%s\n%s' \
	    "$(sha256 "Basic $(printf key123:secret456 | base64)")" \
	    "$(sha256 barekey789)")"
	run fakereq -s anthropic -F headers.x-api-key
	assert_output '<redacted>'
	run fakereq -s anthropic -F headers.cookie
	assert_output '<redacted>'
	run fakereq -s anthropic -F auth_sha256
	assert_output "$(sha256 sk-ant-secret)"
	run fakereq -s anthropic -F json.messages.0.content
	assert_output hi
	run fakereq -s minimax -F headers.authorization
	assert_output 'Bearer <redacted>'
	run fakereq -s minimax -F query.x.1
	assert_output 2
	# No secret is written anywhere.
	run grep -E 'secret|barekey789|sk-ant|mm-secret|a2V5MTIz' "$FAKE_STATE/requests.jsonl"
	assert_failure
}

@test "records carry seq, path without prefix, body, status and times" {
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/EURUSD%3DX?range=6mo&interval=1d"
	t212 POST orders/market '{"ticker":"NOPE_EQ","quantity":1}'
	run fake_count yahoo
	assert_output 1
	run fake_count t212 'orders/market$'
	assert_output 1
	run fake_count t212 '^/nothing'
	assert_output 0
	run fakereq -s yahoo -F path
	assert_output '/v8/finance/chart/EURUSD=X'
	run fakereq -s yahoo -F query.range.0
	assert_output 6mo
	run fakereq -s t212 -F body
	assert_output '{"ticker":"NOPE_EQ","quantity":1}'
	run fakereq -s t212 -F status
	assert_output 400
	run fake_requests
	assert_equal "$(jq -s 'map(.seq) == [1,2]' <<<"$output")" true
	assert_equal "$(jq -s 'all(.answered_at >= .arrived_at)' <<<"$output")" true
	# /_control requests are not recorded.
	fake_clear
	run fake_count
	assert_output 2
}

# ---- faults

@test "fault status with body and times=1, then normal answers" {
	fake_fault anthropic '^/v1/messages$' status=529 times=1 \
	    header.retry-after=0
	local args=(-H 'x-api-key: k' -H 'anthropic-version: 2023-06-01'
	    --data-binary '{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}]}'
	    -D "$BATS_TEST_TMPDIR/h")
	call "${args[@]}" "$TB_ANTHROPIC_BASE_URL/v1/messages"
	assert_equal "$CODE" 529
	assert_equal "$(jq -r .error.type <<<"$BODY")" overloaded_error
	run grep -i '^retry-after: 0' "$BATS_TEST_TMPDIR/h"
	assert_success
	call "${args[@]}" "$TB_ANTHROPIC_BASE_URL/v1/messages"
	assert_equal "$CODE" 200
	fake_fault t212 'account/summary' status=503 body='{"oops":1}'
	t212 GET account/summary
	assert_equal "$CODE" 503
	assert_equal "$BODY" '{"oops":1}'
	t212 GET account/summary
	assert_equal "$CODE" 503
	fake_clear
	t212 GET account/summary
	assert_equal "$CODE" 200
	run fakereq -s t212 -F fault
	assert_output "$(printf 'status\nstatus\nnull')"
}

@test "fault rules match service, method and order of addition" {
	fake_fault yahoo 'chart/AAPL' status=500 method=POST
	fake_fault yahoo 'chart/' status=404 times=1
	fake_fault yahoo 'chart/' status=502 times=1
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 404
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 502
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 200
	call "$TB_T212_BASE_URL/api/v0/equity/chart/"
	assert_equal "$CODE" 401
	run fake_fault yahoo '(' status=500
	assert_failure
	run fake_fault nosuchservice 'x' status=500
	assert_failure
}

@test "fault delay holds the answer" {
	fake_fault yahoo chart delay=0.6 status=500 times=1
	local t0 t1
	t0=$(now_ms)
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	t1=$(now_ms)
	assert_equal "$CODE" 500
	assert [ $((t1 - t0)) -ge 600 ]
	run fakereq -s yahoo -F answered_at
	local answered=$output
	run fakereq -s yahoo -F arrived_at
	assert_equal "$(jq -n "$answered - $output >= 0.6")" true
}

@test "fault refuse closes without an answer, then normal" {
	fake_fault t212 'account/summary' mode=refuse times=1
	run curl -sS -u k:s "$TB_T212_BASE_URL/api/v0/equity/account/summary"
	assert_equal "$status" 52
	t212 GET account/summary
	assert_equal "$CODE" 200
	run fakereq -s t212 -F status
	assert_output "$(printf 'null\n200')"
}

@test "fault truncated sends half the real answer with the full length" {
	fake_fault yahoo 'chart/AAPL' mode=truncated times=1
	run curl -sS -o "$BATS_TEST_TMPDIR/half" "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$status" 18
	local full
	full=$(stat -c %s "$FIX/yahoo/chart_AAPL.json")
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/half")" $((full / 2))
	cmp -n $((full / 2)) "$BATS_TEST_TMPDIR/half" "$FIX/yahoo/chart_AAPL.json"
	run jq . "$BATS_TEST_TMPDIR/half"
	assert_failure
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 200
}

@test "fault html, malformed and empty bodies" {
	fake_fault reddit-www 'new.json' mode=html times=1
	call "$TB_REDDIT_AUTH_URL/r/stocks/new.json"
	assert_equal "$CODE" 403
	[[ $BODY == *"whoa there, pardner!"* ]]
	fake_fault t212 'positions' mode=html times=1
	t212 GET positions
	assert_equal "$CODE" 502
	[[ $BODY == *"502 Bad Gateway"* ]]
	fake_fault yahoo chart mode=malformed times=1
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 200
	run jq . <<<"$BODY"
	assert_failure
	fake_fault minimax . mode=empty times=1
	call -H 'Authorization: Bearer k' -d '{}' "$TB_MINIMAX_BASE_URL/v1/text/chatcompletion_v2"
	assert_equal "$CODE" 200
	assert_equal "$BODY" ''
}

@test "fault oversize streams a 20 MB JSON; a client that gives up does no harm" {
	fake_fault t212 instruments mode=oversize times=2
	run curl -sS -u k:s -o "$BATS_TEST_TMPDIR/big" "$TB_T212_BASE_URL/api/v0/equity/metadata/instruments"
	assert_success
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/big")" $((20 * 1024 * 1024))
	assert_equal "$(jq '.items | length > 1000' "$BATS_TEST_TMPDIR/big")" true
	run curl -sS -u k:s --max-filesize 100000 -o /dev/null "$TB_T212_BASE_URL/api/v0/equity/metadata/instruments"
	assert_equal "$status" 63
	t212 GET metadata/instruments
	assert_equal "$CODE" 200
}

@test "fault hang: the client times out and the server carries on" {
	fake_fault yahoo chart mode=hang delay=30 times=1
	run curl -sS --max-time 0.5 "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$status" 28
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/ASML.AS"
	assert_equal "$CODE" 200
	# The hung request is still open: it is recorded when the server stops.
	fake_stop
	run "$FAKE_PYTHON" "$FAKE_DIR/fakereq.py" -f "$FAKE_STATE/requests.jsonl" -p AAPL -F unanswered
	assert_output true
}

@test "fault pass: the order exists although the client gave up waiting" {
	fake_fault t212 'orders/market' mode=pass delay=2 times=1
	run curl -sS --max-time 0.5 -u k:s -H 'Content-Type: application/json' \
	    -d '{"ticker":"AAPL_US_EQ","quantity":0.25}' \
	    "$TB_T212_BASE_URL/api/v0/equity/orders/market"
	assert_equal "$status" 28
	t212 GET 'history/orders?ticker=AAPL_US_EQ'
	assert_equal "$CODE" 200
	assert_equal "$(jq -r '.items[0].order | "\(.status) \(.quantity) \(.initiatedFrom)"' <<<"$BODY")" \
	    'FILLED 0.25 API'
}

@test "fault apply: the broker acts, the client gets the error" {
	fake_fault t212 'orders/market' status=500 apply=true times=1
	buy AAPL_US_EQ 0.5
	assert_equal "$CODE" 500
	t212 GET history/orders
	assert_equal "$(jq '.items | length' <<<"$BODY")" 1
}

@test "concurrent requests overlap" {
	fake_fault yahoo chart mode=pass hold=2
	curl -sS -o /dev/null "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL" &
	local p1=$!
	curl -sS -o /dev/null "$TB_YAHOO_BASE_URL/v8/finance/chart/NVDA" &
	local p2=$!
	wait "$p1"
	wait "$p2"
	run fake_requests yahoo
	assert_equal "$(jq -s 'length' <<<"$output")" 2
	# Both arrived before either was answered, by the clock and by ticks.
	assert_equal "$(jq -s '(map(.arrived_at) | max) < (map(.answered_at) | min)' <<<"$output")" true
	assert_equal "$(jq -s '(map(.arrived_tick) | max) < (map(.answered_tick) | min)' <<<"$output")" true
}

@test "fault hold: answers wait for N arrivals, or for the delay as a safety net" {
	fake_fault yahoo chart mode=pass hold=3 delay=30
	local pids=() sym
	for sym in AAPL NVDA MSFT; do
		curl -sS -o /dev/null "$TB_YAHOO_BASE_URL/v8/finance/chart/$sym" &
		pids+=($!)
	done
	wait "${pids[@]}"
	run fake_requests yahoo
	assert_equal "$(jq -s 'map(.status) | unique' <<<"$output" | jq -c .)" '[200]'
	assert_equal "$(jq -s '(map(.arrived_tick) | max) < (map(.answered_tick) | min)' <<<"$output")" true
	# Past N the rule holds nothing more.
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 200
	# One of two: answered once the delay is over.
	fake_clear
	fake_fault t212 'account/summary' status=503 hold=2 delay=0.5
	local t0 t1
	t0=$(now_ms)
	t212 GET account/summary
	t1=$(now_ms)
	assert_equal "$CODE" 503
	assert [ $((t1 - t0)) -ge 500 ]
	run fake_fault yahoo chart hold=0
	assert_failure
	run fake_fault yahoo chart hold=2 mode=hang
	assert_failure
}

@test "open lists the requests held now, not those answered" {
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	fake_fault yahoo 'chart/NVDA' mode=pass delay=30
	curl -sS -o /dev/null --max-time 60 "$TB_YAHOO_BASE_URL/v8/finance/chart/NVDA" 3>&- &
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(fake_open yahoo)" = 1 ] && break
		sleep 0.05
	done
	assert_equal "$(fake_open yahoo)" 1
	assert_equal "$(fake_open yahoo 'chart/NVDA$')" 1
	assert_equal "$(fake_open yahoo 'chart/AAPL$')" 0
	assert_equal "$(fake_open t212)" 0
	assert_equal "$(fake_control GET open | jq -r '.[0].path')" /v8/finance/chart/NVDA
}

@test "ticks: a request sent after an answer arrived has a later tick" {
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	fake_fault t212 'account/summary' mode=refuse times=1
	run curl -sS -u k:s "$TB_T212_BASE_URL/api/v0/equity/account/summary"
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/NVDA"
	run fake_requests
	assert_equal "$(jq -sc 'map([.arrived_tick, .answered_tick])' <<<"$output")" \
	    '[[1,2],[3,4],[5,6]]'
	# A fake restarted on the same state goes on from there.
	fake_stop
	fake_start
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	run fake_requests
	assert_equal "$(jq -sc 'last | [.seq, .arrived_tick, .answered_tick]' <<<"$output")" \
	    '[4,7,8]'
}

@test "fake_clear starts every rate-limit window afresh" {
	fake_set t212.enforce_limits=true 't212.limits={"orders/market":[1,60]}'
	buy AAPL_US_EQ 0.01
	assert_equal "$CODE" 200
	buy AAPL_US_EQ 0.01
	assert_equal "$CODE" 429
	fake_clear
	buy AAPL_US_EQ 0.01
	assert_equal "$CODE" 200
	local _
	for _ in 1 2 3 4 5; do
		call -A x "$TB_REDDIT_AUTH_URL/r/stocks/new.json"
	done
	fake_clear
	call -A x -D "$BATS_TEST_TMPDIR/h" "$TB_REDDIT_AUTH_URL/r/stocks/new.json"
	assert_equal "$CODE" 200
	run grep -i '^X-Ratelimit-Used: 1' "$BATS_TEST_TMPDIR/h"
	assert_success
}

# ---- Trading 212

@test "t212: auth is required, Basic key:secret or a bare key" {
	call "$TB_T212_BASE_URL/api/v0/equity/account/summary"
	assert_equal "$CODE" 401
	assert_equal "$(jq -r .type <<<"$BODY")" /api-errors/unauthorized
	call -H 'Authorization: Basic a2V5Og==' "$TB_T212_BASE_URL/api/v0/equity/account/summary"
	assert_equal "$CODE" 401
	call -H 'Authorization: bare-key' "$TB_T212_BASE_URL/api/v0/equity/account/summary"
	assert_equal "$CODE" 200
	t212 GET account/summary
	assert_equal "$CODE" 200
	assert_equal "$(jq .cash.availableToTrade <<<"$BODY")" 10000
}

@test "t212: market order -> response NEW -> filled into history at the fixture price" {
	buy AAPL_US_EQ 0.2514
	assert_equal "$CODE" 200
	assert_equal "$(jq -r '"\(.status) \(.side) \(.ticker) \(.quantity) \(.initiatedFrom) \(.filledQuantity)"' <<<"$BODY")" \
	    'NEW BUY AAPL_US_EQ 0.2514 API 0'
	local id
	id=$(jq .id <<<"$BODY")
	assert [ "$id" -gt 50000000000 ]
	[[ $(jq -r .createdAt <<<"$BODY") =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$ ]]
	t212 GET orders
	assert_equal "$BODY" '[]'
	t212 GET "orders/$id"
	assert_equal "$CODE" 404
	t212 GET history/orders
	assert_equal "$(jq -r '.items[0] | "\(.order.id) \(.order.status) \(.order.filledQuantity) \(.fill.price)"' <<<"$BODY")" \
	    "$id FILLED 0.2514 209.8768"
	t212 GET positions
	assert_equal "$(jq -r '.[0] | "\(.instrument.ticker) \(.quantity)"' <<<"$BODY")" 'AAPL_US_EQ 0.2514'
	# 0.2514 x 209.8768 USD at 1.08 USD per EUR = 48.85 EUR.
	t212 GET account/summary
	assert_equal "$(jq .cash.availableToTrade <<<"$BODY")" 9951.15
}

@test "t212: t212.fill_after keeps an order pending for that many requests" {
	fake_set t212.fill_after=2 't212.prices={"SAPd_EQ":200.5}'
	buy SAPd_EQ 1
	local id
	id=$(jq .id <<<"$BODY")
	t212 GET "orders/$id"
	assert_equal "$CODE" 200
	assert_equal "$(jq -r .status <<<"$BODY")" NEW
	t212 GET orders
	assert_equal "$(jq 'map(.id)' -c <<<"$BODY")" "[$id]"
	t212 GET "orders/$id"
	assert_equal "$CODE" 404
	t212 GET history/orders
	assert_equal "$(jq '.items[0].fill.price' <<<"$BODY")" 200.5
}

@test "t212: t212.final_status REJECTED returns the reserved cash" {
	fake_set t212.final_status=REJECTED t212.cash=1000
	buy AIp_EQ 1
	assert_equal "$CODE" 200
	t212 GET history/orders
	assert_equal "$(jq -r '.items[0].order.status, (.items[0] | has("fill"))' <<<"$BODY")" \
	    "$(printf 'REJECTED\nfalse')"
	t212 GET account/summary
	assert_equal "$(jq .cash.availableToTrade <<<"$BODY")" 1000
}

@test "t212: history pages follow nextPagePath, newest first" {
	local _ ids=()
	for _ in 1 2 3 4 5; do
		buy AAPL_US_EQ 0.1
		ids+=("$(jq .id <<<"$BODY")")
	done
	buy MSFT_US_EQ 0.1
	t212 GET 'history/orders?ticker=AAPL_US_EQ&limit=2'
	assert_equal "$(jq -c '[.items[].order.id]' <<<"$BODY")" "[${ids[4]},${ids[3]}]"
	local next
	next=$(jq -r .nextPagePath <<<"$BODY")
	assert_equal "$next" "/api/v0/equity/history/orders?limit=2&cursor=${ids[3]}&ticker=AAPL_US_EQ"
	call -u k:s "$TB_T212_BASE_URL$next"
	assert_equal "$(jq -c '[.items[].order.id]' <<<"$BODY")" "[${ids[2]},${ids[1]}]"
	next=$(jq -r .nextPagePath <<<"$BODY")
	call -u k:s "$TB_T212_BASE_URL$next"
	assert_equal "$(jq -c '[.items[].order.id]' <<<"$BODY")" "[${ids[0]}]"
	assert_equal "$(jq .nextPagePath <<<"$BODY")" null
	t212 GET 'history/orders?limit=51'
	assert_equal "$CODE" 400
	t212 GET 'history/orders?limit=50'
	assert_equal "$(jq '.items | length' <<<"$BODY")" 6
}

@test "t212: quantity precision errors in the 2024 shape" {
	fake_set 't212.precision={"SHELl_EQ":0}'
	buy SHELl_EQ 1.5
	assert_equal "$CODE" 400
	assert_equal "$(jq -r .code <<<"$BODY")" QuantityPrecisionMismatch
	[[ $(jq -r .clarification <<<"$BODY") == *precision* ]]
	buy SHELl_EQ 2.0
	assert_equal "$CODE" 200
	buy AAPL_US_EQ 0.12345
	assert_equal "$CODE" 400
	buy AAPL_US_EQ 0.12340
	assert_equal "$CODE" 200
}

@test "t212: unknown ticker, bad payload, no cash, selling what is not held" {
	buy NOPE_US_EQ 1
	assert_equal "$CODE" 400
	assert_equal "$(jq -r '"\(.type) \(.status)"' <<<"$BODY")" '/api-errors/invalid-request 400'
	t212 POST orders/market '{"ticker":"AAPL_US_EQ"}'
	assert_equal "$(jq -r .detail <<<"$BODY")" 'Invalid payload'
	fake_set t212.cash=50
	buy AAPL_US_EQ 1
	assert_equal "$CODE" 400
	assert_equal "$(jq -r .code <<<"$BODY")" InsufficientResources
	buy AAPL_US_EQ 0.2
	assert_equal "$CODE" 200
	buy AAPL_US_EQ -0.3
	assert_equal "$(jq -r .code <<<"$BODY")" SellingEquityNotOwned
	buy AAPL_US_EQ -0.2
	assert_equal "$CODE" 200
	assert_equal "$(jq -r .side <<<"$BODY")" SELL
	t212 GET positions
	assert_equal "$BODY" '[]'
}

@test "t212: rate-limit headers always, 429 only when enforced" {
	t212 GET account/summary
	t212 GET account/summary
	assert_equal "$CODE" 200
	fake_set t212.enforce_limits=true
	call -D "$BATS_TEST_TMPDIR/h" -u k:s "$TB_T212_BASE_URL/api/v0/equity/orders"
	assert_equal "$CODE" 200
	grep -qi '^x-ratelimit-limit: 1' "$BATS_TEST_TMPDIR/h"
	grep -qi '^x-ratelimit-period: 5' "$BATS_TEST_TMPDIR/h"
	grep -qi '^x-ratelimit-reset: [0-9]\{10\}' "$BATS_TEST_TMPDIR/h"
	call -D "$BATS_TEST_TMPDIR/h" -u k:s "$TB_T212_BASE_URL/api/v0/equity/orders"
	assert_equal "$CODE" 429
	assert_equal "$BODY" 'Limited: 1 / 5s'
	grep -qi '^x-ratelimit-remaining: 0' "$BATS_TEST_TMPDIR/h"
	grep -qi '^x-ratelimit-used: 1' "$BATS_TEST_TMPDIR/h"
	fake_set 't212.limits={"orders/market":[2,60]}'
	buy AAPL_US_EQ 0.01
	buy AAPL_US_EQ 0.01
	assert_equal "$CODE" 200
	buy AAPL_US_EQ 0.01
	assert_equal "$CODE" 429
	assert_equal "$BODY" 'Limited: 2 / 1m0s'
}

@test "t212: seeded history and pending orders" {
	fake_set 't212.history=[{"id":777,"ticker":"AAPL_US_EQ","quantity":0.5,"createdAt":"2026-03-30T15:10:02.000Z","fillPrice":200}]' \
	    't212.pending=[{"id":778,"ticker":"SAPd_EQ","quantity":1}]'
	t212 GET history/orders
	assert_equal "$(jq -r '.items[0] | "\(.order.id) \(.order.status) \(.order.side) \(.order.createdAt) \(.fill.price) \(.order.filledValue)"' <<<"$BODY")" \
	    '777 FILLED BUY 2026-03-30T15:10:02.000Z 200 100'
	t212 GET orders/778
	assert_equal "$(jq -r .status <<<"$BODY")" NEW
	t212 GET orders/778
	assert_equal "$CODE" 200
	t212 GET positions
	assert_equal "$(jq -r '.[0].quantity' <<<"$BODY")" 0.5
	run fake_state t212.next_id
	assert [ "$output" -ge 54850200000 ]
	run fake_set no.such.key=1
	assert_failure
}

@test "t212: instruments and exchanges fixtures" {
	t212 GET metadata/instruments
	assert_equal "$(jq length <<<"$BODY")" 40
	assert_equal "$(jq -r '.[] | select(.ticker == "AIp_EQ") | "\(.shortName) \(.currencyCode)"' <<<"$BODY")" 'AIR EUR'
	assert_equal "$(jq -r '.[] | select(.ticker == "SHELl_EQ") | .currencyCode' <<<"$BODY")" GBX
	t212 GET metadata/exchanges
	assert_equal "$(jq '[.[].workingSchedules[].id] | sort' -c <<<"$BODY")" '[54,58,60,62,64,69,71,73]'
}

@test "t212: FAKE_INSTRUMENTS=15000 serves a large universe that keeps the fixtures" {
	fake_stop
	FAKE_INSTRUMENTS=15000 fake_start
	t212 GET metadata/instruments
	assert_equal "$(jq 'length, (map(.ticker) | unique | length)' <<<"$BODY" | paste -sd' ')" '15000 15000'
	assert_equal "$(jq '[.[] | select(.ticker == "AIp_EQ" or .ticker == "ASMLa_EQ")] | length' <<<"$BODY")" 2
	buy ZQAAAB_US_EQ 1
	assert_equal "$CODE" 200
}

# ---- Reddit

@test "reddit: token needs Basic auth and client_credentials" {
	call -d grant_type=client_credentials "$TB_REDDIT_AUTH_URL/api/v1/access_token"
	assert_equal "$CODE" 401
	call -u id:secret -d grant_type=password "$TB_REDDIT_AUTH_URL/api/v1/access_token"
	assert_equal "$CODE" 200
	assert_equal "$(jq -r .error <<<"$BODY")" unsupported_grant_type
	call -u id:secret -d grant_type=client_credentials "$TB_REDDIT_AUTH_URL/api/v1/access_token"
	assert_equal "$CODE" 200
	[[ $BODY == *'"expires_in":3600.0'* ]]
	assert_equal "$(jq -r .token_type <<<"$BODY")" bearer
}

@test "reddit: listings need the bearer token; pages follow data.after" {
	local token
	token=$(jq -r .access_token "$FIX/reddit/token.json")
	call -A 'linux:tb:0.1 (by /u/test)' "$TB_REDDIT_BASE_URL/r/wallstreetbets/new"
	assert_equal "$CODE" 401
	local names=() after='' page
	while :; do
		call -A 'linux:tb:0.1 (by /u/test)' -H "Authorization: bearer $token" \
		    "$TB_REDDIT_BASE_URL/r/wallstreetbets/new?limit=5&raw_json=1${after:+&after=$after}"
		assert_equal "$CODE" 200
		mapfile -t page < <(jq -r '.data.children[].data.name' <<<"$BODY")
		names+=("${page[@]}")
		after=$(jq -r '.data.after // empty' <<<"$BODY")
		[ -n "$after" ] || break
		assert_equal "$after" "${page[-1]}"
	done
	assert_equal "${#names[@]}" "$(jq length "$FIX/reddit/posts_wallstreetbets.json")"
	assert_equal "$(printf '%s\n' "${names[@]}" | paste -sd,)" \
	    "$(jq -r 'map(.name) | join(",")' "$FIX/reddit/posts_wallstreetbets.json")"
	run fakereq -s reddit -F query.after.0
	assert_line --index 2 "${names[4]}"
	assert_line --index 3 "${names[9]}"
}

@test "reddit: hot is sorted by score; rate headers; raw_json; public fallback" {
	local token
	token=$(jq -r .access_token "$FIX/reddit/token.json")
	call -D "$BATS_TEST_TMPDIR/h" -A 'linux:tb:0.1 (by /u/test)' \
	    -H "Authorization: bearer $token" "$TB_REDDIT_BASE_URL/r/stocks/hot?limit=100"
	assert_equal "$(jq '[.data.children[].data.score] | . == (sort | reverse)' <<<"$BODY")" true
	grep -qi '^X-Ratelimit-Remaining: 99\.0' "$BATS_TEST_TMPDIR/h"
	grep -qi '^X-Ratelimit-Used: 1' "$BATS_TEST_TMPDIR/h"
	grep -qi '^X-Ratelimit-Reset: [0-9]' "$BATS_TEST_TMPDIR/h"
	call -A 'linux:tb:0.1 (by /u/test)' -H "Authorization: bearer $token" \
	    "$TB_REDDIT_BASE_URL/r/wallstreetbets/new?limit=100"
	[[ $BODY == *'S&amp;P 500'* ]]
	call -A 'x' "$TB_REDDIT_AUTH_URL/r/wallstreetbets/new.json?limit=100&raw_json=1"
	assert_equal "$CODE" 200
	[[ $BODY == *'S&P 500 at ATH & everyone'* ]]
	call -A 'x' "$TB_REDDIT_AUTH_URL/r/NoSuchSub/new.json"
	assert_equal "$(jq -r '.data.children[0].data.name' <<<"$BODY")" t3_1h2k3j9
}

@test "reddit: enforced limits answer 429 once the minute's budget is spent" {
	fake_set reddit.enforce_limits=true reddit.public_rate_limit=2
	call -A x "$TB_REDDIT_AUTH_URL/r/stocks/new.json"
	call -A x "$TB_REDDIT_AUTH_URL/r/stocks/new.json"
	assert_equal "$CODE" 200
	call -A x -D "$BATS_TEST_TMPDIR/h" "$TB_REDDIT_AUTH_URL/r/stocks/new.json"
	# A minute boundary may fall between the calls; then the third passes.
	if [ "$CODE" = 429 ]; then
		grep -qi '^X-Ratelimit-Remaining: 0\.0' "$BATS_TEST_TMPDIR/h"
	else
		grep -qi '^X-Ratelimit-Used: [12]' "$BATS_TEST_TMPDIR/h"
	fi
}

# ---- Yahoo

@test "yahoo: charts by symbol, 404 for unknown ones" {
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/AIR.PA?range=6mo&interval=1d"
	assert_equal "$CODE" 200
	assert_equal "$(jq -r '.chart.result[0].meta | "\(.symbol) \(.currency)"' <<<"$BODY")" 'AIR.PA EUR'
	call "$TB_YAHOO_BASE_URL/v8/finance/chart/NOPE"
	assert_equal "$CODE" 404
	assert_equal "$BODY" "$(cat "$FIX/yahoo/chart_not_found.json")"
	call -A '' "$TB_YAHOO_BASE_URL/v8/finance/chart/AAPL"
	assert_equal "$CODE" 429
}

@test "yahoo: getcrumb and quoteSummary fail by default, work with a crumb" {
	call "$TB_YAHOO_BASE_URL/v1/test/getcrumb"
	assert_equal "$CODE" 401
	assert_equal "$BODY" Unauthorized
	call "$TB_YAHOO_BASE_URL/v10/finance/quoteSummary/AAPL?modules=summaryDetail&crumb=x"
	assert_equal "$CODE" 401
	assert_equal "$(jq -r .finance.error.description <<<"$BODY")" 'Invalid Crumb'
	fake_set 'yahoo.crumb=aB3/x.yZ'
	call "$TB_YAHOO_BASE_URL/v10/finance/quoteSummary/AAPL?crumb=aB3%2Fx.yZ"
	assert_equal "$CODE" 401
	call "$TB_YAHOO_BASE_URL/v1/test/getcrumb"
	assert_equal "$BODY" 'aB3/x.yZ'
	call "$TB_YAHOO_BASE_URL/v10/finance/quoteSummary/AAPL?modules=summaryDetail,financialData&crumb=aB3%2Fx.yZ"
	assert_equal "$CODE" 200
	assert_equal "$(jq -c '.quoteSummary.result[0] | keys' <<<"$BODY")" '["financialData","summaryDetail"]'
	call "$TB_YAHOO_BASE_URL/v10/finance/quoteSummary/NVDA?crumb=aB3%2Fx.yZ"
	assert_equal "$CODE" 404
}

# ---- Anthropic

@test "anthropic: headers and body are checked, errors in the real shape" {
	local body='{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"x"}]}'
	call --data-binary "$body" -H 'anthropic-version: 2023-06-01' "$TB_ANTHROPIC_BASE_URL/v1/messages"
	assert_equal "$CODE" 401
	assert_equal "$(jq -r '"\(.type) \(.error.type)"' <<<"$BODY")" 'error authentication_error'
	call --data-binary "$body" -H 'x-api-key: k' "$TB_ANTHROPIC_BASE_URL/v1/messages"
	assert_equal "$CODE" 401
	call --data-binary '{"model":"m","messages":[]}' -H 'x-api-key: k' \
	    -H 'anthropic-version: 2023-06-01' "$TB_ANTHROPIC_BASE_URL/v1/messages"
	assert_equal "$CODE" 400
	assert_equal "$(jq -r .error.type <<<"$BODY")" invalid_request_error
	call --data-binary "$body" -H 'x-api-key: k' -H 'anthropic-version: 2023-06-01' \
	    "$TB_ANTHROPIC_BASE_URL/v1/messages"
	assert_equal "$CODE" 200
	assert_equal "$(jq -c '[.content[0].input.picks[] | [.ticker, .allocation_pct]]' <<<"$BODY")" \
	    '[["ASML.AS",40],["AAPL",35],["SHEL.L",25]]'
	assert_equal "$(jq '.usage.input_tokens > 0' <<<"$BODY")" true
}

@test "anthropic: queued answers are used in order, then the default" {
	local args=(-H 'x-api-key: k' -H 'anthropic-version: 2023-06-01' --data-binary
	    '{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"x"}]}'
	    "$TB_ANTHROPIC_BASE_URL/v1/messages")
	fake_set 'anthropic.responses=[{"type":"message","id":"first","content":[]},{"type":"message","id":"second","content":[],"usage":{"input_tokens":7,"output_tokens":8}}]'
	call "${args[@]}"
	assert_equal "$(jq -r '"\(.id) \(.usage.input_tokens > 0)"' <<<"$BODY")" 'first true'
	call "${args[@]}"
	assert_equal "$(jq -r '"\(.id) \(.usage.input_tokens)"' <<<"$BODY")" 'second 7'
	call "${args[@]}"
	assert_equal "$(jq -r .id <<<"$BODY")" msg_01XFDUDYJgAACzvnptvVoYEL
	fake_set 'anthropic.response={"type":"message","id":"fixed","content":[]}'
	call "${args[@]}"
	assert_equal "$(jq -r .id <<<"$BODY")" fixed
}

# ---- MiniMax

@test "minimax: auth error on HTTP 200, default answer with <think>, bad temperature" {
	local body='{"model":"MiniMax-M2","messages":[{"role":"user","content":"x"}]}'
	call -d "$body" "$TB_MINIMAX_BASE_URL/v1/text/chatcompletion_v2"
	assert_equal "$CODE" 200
	assert_equal "$(jq .base_resp.status_code <<<"$BODY")" 1004
	call -H 'Authorization: Bearer k' -d "$body" "$TB_MINIMAX_BASE_URL/v1/text/chatcompletion_v2"
	assert_equal "$(jq .base_resp.status_code <<<"$BODY")" 0
	local content
	content=$(jq -r '.choices[0].message.content' <<<"$BODY")
	[[ $content == '<think>'*'</think>'* ]]
	[[ $content == *'"ticker": "AIR.PA"'* ]]
	call -H 'Authorization: Bearer k' -d "$body" "$TB_MINIMAX_BASE_URL/v1/chat/completions"
	assert_equal "$CODE" 200
	call -H 'Authorization: Bearer k' -d '{"model":"m","messages":[],"temperature":0}' \
	    "$TB_MINIMAX_BASE_URL/v1/text/chatcompletion_v2"
	assert_equal "$(jq .base_resp.status_code <<<"$BODY")" 2013
	call -H 'Authorization: Bearer k' -d '{"model":"m","messages":[],"temperature":0}' \
	    "$TB_MINIMAX_BASE_URL/v1/chat/completions"
	assert_equal "$CODE" 400
	[[ $(jq -r .error.message <<<"$BODY") == *'(2013)' ]]
}

@test "minimax: queued answers, a string is sent verbatim" {
	fake_set 'minimax.responses=["not json at all",{"choices":[{"message":{"content":"two"}}],"base_resp":{"status_code":0}}]'
	local args=(-H 'Authorization: Bearer k' -d '{"model":"m","messages":[]}'
	    "$TB_MINIMAX_BASE_URL/v1/text/chatcompletion_v2")
	call "${args[@]}"
	assert_equal "$BODY" 'not json at all'
	call "${args[@]}"
	assert_equal "$(jq -r '"\(.choices[0].message.content) \(.usage.total_tokens > 0)"' <<<"$BODY")" 'two true'
	call "${args[@]}"
	assert_equal "$(jq -r .id <<<"$BODY")" 04ecb5d9b1921ae0fb0e8da9017a5474
}

# ---- fixtures

@test "fixtures: the fixture day's posts" {
	run jq -s '
	    (map(length) | add) as $n
	    | (map(.[]) ) as $all
	    | [$n >= 30, $n <= 60,
	       ($all | map(.created_utc) | min) >= 1774828800,
	       ($all | map(.created_utc) | max) < 1775001600,
	       ($all | map(.id) | unique | length) == $n,
	       ($all | all(.name == "t3_" + .id)),
	       (map(map(.created_utc) | . == (sort | reverse)) | all)]
	    | all' "$FIX"/reddit/posts_*.json
	assert_output true
	for sub in wallstreetbets stocks investing StockMarket EuropeFIRE; do
		assert [ -s "$FIX/reddit/posts_$sub.json" ]
	done
	# The traps the extractor must survive are there.
	local text
	text=$(jq -r '.[] | .title, .selftext' "$FIX"/reddit/posts_*.json)
	# shellcheck disable=SC2016  # cashtags, not variables
	for s in '$ASML' 'AAPL calls' 'Shell' 'tsla' 'YOLO' 'DD' 'CEO' 'ATH' 'ETF' \
	    'I think AI is' 'AIR.PA' '$AIR' 'SHEL.L' 'ASML.AS'; do
		[[ $text == *"$s"* ]] || fail "no post says $s"
	done
	# A right-to-left line with tickers inside.
	grep -q 'מישראל: מחזיק TSLA' "$FIX/reddit/posts_stocks.json"
}

@test "fixtures: every instrument has a chart; the LLM picks are charted and discussed" {
	run "$FAKE_PYTHON" - "$FAKE_DIR" "$FIX" <<-'EOF'
		import json, os, sys
		sys.path.insert(0, sys.argv[1])
		import fake
		fix = sys.argv[2]
		insts = json.load(open(os.path.join(fix, "t212/instruments.json")))
		missing = [i["ticker"] for i in insts if not os.path.exists(
		    os.path.join(fix, "yahoo/chart_%s.json" % fake.yahoo_symbol(i)))]
		print("missing", missing)
	EOF
	assert_output 'missing []'
	local t
	for t in EURUSD=X EURGBP=X EURCHF=X; do
		assert [ -s "$FIX/yahoo/chart_$t.json" ]
	done
	local picks
	# shellcheck disable=SC2016  # sed's $, the last line
	picks=$(jq -r '.content[0].input.picks[].ticker' "$FIX/anthropic/response_tool_use.json"
	    jq -r '.choices[0].message.content' "$FIX/minimax/response_ok.json" |
	        sed -n '/```json/,/```/p' | sed '1d;$d' | jq -r '.picks[].ticker')
	assert_equal "$(wc -l <<<"$picks")" 6
	for t in $picks; do
		assert [ -s "$FIX/yahoo/chart_$t.json" ]
		grep -q "${t%%.*}" "$FIX"/reddit/posts_*.json || fail "$t not discussed"
	done
}

@test "fixtures: gen_chart.py and gen_reddit.py reproduce the files" {
	mkdir "$BATS_TEST_TMPDIR/y" "$BATS_TEST_TMPDIR/r"
	"$FAKE_PYTHON" "$FIX/gen_chart.py" "$BATS_TEST_TMPDIR/y"
	"$FAKE_PYTHON" "$FIX/gen_reddit.py" "$BATS_TEST_TMPDIR/r"
	local f n=0
	for f in "$BATS_TEST_TMPDIR"/y/*; do
		cmp "$f" "$FIX/yahoo/${f##*/}"
		n=$((n + 1))
	done
	for f in "$BATS_TEST_TMPDIR"/r/*; do
		cmp "$f" "$FIX/reddit/${f##*/}"
		n=$((n + 1))
	done
	assert_equal "$n" $((39 + 5))
	# A chart has nulls, and MSFT repeats its last day.
	assert_equal "$(jq '[.chart.result[0].indicators.quote[0].close[] | select(. == null)] | length > 0' "$FIX/yahoo/chart_NVDA.json")" true
	assert_equal "$(jq -r '.chart.result[0].timestamp[-2:] | map(strftime("%F")) | unique | length' "$FIX/yahoo/chart_MSFT.json")" 1
}
