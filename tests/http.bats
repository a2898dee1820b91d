#!/usr/bin/env bats
# Tests of lib/http.c, the one HTTP client, through tests/tools/httpget.c
# against the fake upstream server: a canned fault, a command line, and the
# outcome expected (on stdout, in the log, and in the fake's request log).

load helpers

# The one chart route the fake answers normally (200 with JSON).
CHART=/v8/finance/chart/AAPL

setup_file() {
	# Built by `make units` with the library's own flags (sanitized too).
	if [ ! -x "$TB_BUILD/tools/httpget" ]; then
		echo "http.bats: $TB_BUILD/tools/httpget missing; run make units" >&2
		return 1
	fi
}

setup() {
	tb_isolate
	HTTPGET=$TB_BUILD/tools/httpget
	# Backoffs shrink a hundredfold; Retry-After waits stay real.
	export TB_HTTP_BACKOFF_SCALE=0.01
	fake_start
	URL=$TB_YAHOO_BASE_URL$CHART
}

teardown() {
	fake_stop
}

# field JQ_PATH [LINE]: a field of the LINEth JSON line of $output (1st).
field() {
	printf '%s\n' "$output" | grep '^{' | sed -n "${2:-1}p" | jq -r "$1"
}

# A TCP port on 127.0.0.1 where nothing listens.
closed_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

@test "200: one attempt, body and headers kept" {
	fake_fault yahoo "^$CHART\$" status=200 body='{"ok":true}' \
	    header.X-Test=hello
	run --separate-stderr "$HTTPGET" --body --header-out x-test "$URL"
	assert_success
	[ "$(field .status)" = 200 ]
	[ "$(field .attempts)" = 1 ]
	[ "$(field .bytes)" = 11 ]
	[ "$(field .body)" = '{"ok":true}' ]
	[ "$(field .header)" = hello ]
	[ "$(field .connected)" = true ]
	[ "$(field .error)" = "" ]
	[ "$(fake_count yahoo "^$CHART\$")" = 1 ]
}

@test "an absent response header is null, the sent_at is the wall clock" {
	before=$(date +%s)
	run --separate-stderr "$HTTPGET" --header-out x-not-there "$URL"
	assert_success
	[ "$(field .header)" = null ]
	sent=$(field .sent_at)
	[ "$sent" -ge "$before" ] && [ "$sent" -le $((before + 5)) ]
}

@test "429 with Retry-After: 1 is retried after about a second" {
	fake_fault yahoo "^$CHART\$" status=429 header.Retry-After=1 times=1
	run --separate-stderr "$HTTPGET" "$URL"
	assert_success
	[ "$(field .status)" = 200 ]
	[ "$(field .attempts)" = 2 ]
	# Not scaled by TB_HTTP_BACKOFF_SCALE: the server asked for 1 s.
	jq -e '.elapsed_s >= 0.95' <<<"$(field .)"
	[ "$(fake_count yahoo)" = 2 ]
	# Arrival to arrival: the fake's answered_at is stamped after sending,
	# which a loaded machine may delay past the client's reading it.
	gap=$(fake_requests yahoo | jq -s '.[1].arrived_at - .[0].arrived_at')
	jq -en "$gap >= 0.9"
}

@test "Retry-After as an HTTP date is honoured" {
	# Far enough ahead that setting up the fault cannot use it up.
	when=$(($(date +%s) + 3))
	fake_fault yahoo "^$CHART\$" status=503 times=1 \
	    "header.Retry-After=$(date -u -d "@$when" '+%a, %d %b %Y %H:%M:%S GMT')"
	run --separate-stderr "$HTTPGET" "$URL"
	assert_success
	[ "$(field .attempts)" = 2 ]
	# The retry came at that second, not before, not much later (the
	# slack is for a loaded machine; test_http checks the arithmetic).
	fake_requests yahoo | jq -se --argjson when "$when" \
	    '.[1].arrived_at >= $when and .[1].arrived_at < $when + 4'
}

@test "Retry-After longer than max_wait_s: fails at once with that status" {
	fake_fault yahoo "^$CHART\$" status=429 header.Retry-After=120
	run --separate-stderr "$HTTPGET" --max-wait 5 "$URL"
	assert_failure 69
	[ "$(field .status)" = 429 ]
	[ "$(field .attempts)" = 1 ]
	# It did not wait at all, let alone the 5 s it may.
	jq -e '.elapsed_s < 5' <<<"$(field .)"
	[[ "$(field .error)" == *"HTTP 429 after 1 attempt (asked to wait 120 s, over 5 s)" ]]
}

@test "429 honours x-ratelimit-reset as a unix time (Trading 212)" {
	when=$(($(date +%s) + 3))
	fake_fault yahoo "^$CHART\$" status=429 "header.x-ratelimit-reset=$when" \
	    times=1
	run --separate-stderr "$HTTPGET" "$URL"
	assert_success
	[ "$(field .attempts)" = 2 ]
	fake_requests yahoo | jq -se --argjson when "$when" \
	    '.[1].arrived_at >= $when and .[1].arrived_at < $when + 4'
}

@test "429 honours X-Ratelimit-Reset as seconds (Reddit)" {
	fake_fault yahoo "^$CHART\$" status=429 header.X-Ratelimit-Reset=1.0 \
	    times=1
	run --separate-stderr "$HTTPGET" "$URL"
	assert_success
	[ "$(field .attempts)" = 2 ]
	jq -e '.elapsed_s >= 0.95' <<<"$(field .)"
}

@test "503 twice then 200: three attempts, one DEBUG line each, two WARN" {
	fake_fault yahoo "^$CHART\$" status=503 times=2
	run --separate-stderr "$HTTPGET" -v --service yahoo "$URL"
	assert_success
	[ "$(field .status)" = 200 ]
	[ "$(field .attempts)" = 3 ]
	[ "$(fake_count yahoo)" = 3 ]
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[ "$(grep -c ' DEBUG httpget: yahoo: GET ' <<<"$stderr")" = 3 ]
	grep -q "DEBUG httpget: yahoo: GET $URL -> HTTP 503, [0-9]* bytes, [0-9]* ms" <<<"$stderr"
	[ "$(grep -c ' WARN ' <<<"$stderr")" = 2 ]
	grep -q "WARN httpget: yahoo: HTTP 503 from GET $URL; retry 1 of 2 in 0\.0[01] s" <<<"$stderr"
	grep -q "WARN httpget: yahoo: HTTP 503 from GET $URL; retry 2 of 2 in 0\.0[01] s" <<<"$stderr"
}

@test "backoff is 0.5 s then 1 s (less jitter) unless scaled" {
	fake_fault yahoo "^$CHART\$" status=503 times=2
	TB_HTTP_BACKOFF_SCALE=1 run --separate-stderr "$HTTPGET" "$URL"
	assert_success
	[ "$(field .attempts)" = 3 ]
	# The waits announced: 0.5 s and 1 s, each less up to 25 % jitter
	# (printed rounded to 0.01 s); and they were waited, not skipped.
	waits=$(sed -n 's/.*; retry [12] of 2 in \([0-9.]*\) s$/\1/p' <<<"$stderr" |
	    jq -sc .)
	jq -e --argjson w "$waits" '($w | length) == 2 and
	    $w[0] >= 0.37 and $w[0] <= 0.5 and $w[1] >= 0.75 and $w[1] <= 1 and
	    .elapsed_s >= $w[0] + $w[1] - 0.01' <<<"$(field .)"
}

@test "503 on every attempt: fails after 3 attempts, exit 69" {
	fake_fault yahoo "^$CHART\$" status=503
	run --separate-stderr "$HTTPGET" --service yahoo "$URL"
	assert_failure 69
	[ "$(field .status)" = 503 ]
	[ "$(field .attempts)" = 3 ]
	[ "$(field .error)" = "yahoo: GET $URL failed: HTTP 503 after 3 attempts" ]
	[[ "$stderr" == *"ERROR httpget: yahoo: GET $URL failed: HTTP 503 after 3 attempts"* ]]
}

@test "--retries 0 makes one attempt" {
	fake_fault yahoo "^$CHART\$" status=503
	run --separate-stderr "$HTTPGET" --retries 0 "$URL"
	assert_failure 69
	[ "$(field .attempts)" = 1 ]
	[ "$(fake_count yahoo)" = 1 ]
}

@test "400 is not retried" {
	fake_fault yahoo "^$CHART\$" status=400
	run --separate-stderr "$HTTPGET" "$URL"
	assert_failure 69
	[ "$(field .status)" = 400 ]
	[ "$(field .attempts)" = 1 ]
	[ "$(fake_count yahoo)" = 1 ]
	[[ "$(field .error)" == *"failed: HTTP 400 after 1 attempt" ]]
}

@test "500 on a non-idempotent POST is not retried" {
	fake_fault t212 '^/api/v0/equity/orders/market$' status=500
	run --separate-stderr "$HTTPGET" --service t212 -X POST --non-idempotent \
	    -H 'Content-Type: application/json' -d '{"ticker":"AAPL_US_EQ"}' \
	    "$TB_T212_BASE_URL/api/v0/equity/orders/market"
	assert_failure 69
	[ "$(field .status)" = 500 ]
	[ "$(field .attempts)" = 1 ]
	[ "$(fake_count t212)" = 1 ]
	[ "$(fakereq -s t212 -F body)" = '{"ticker":"AAPL_US_EQ"}' ]
	[ "$(fakereq -s t212 -F method)" = POST ]
}

@test "the same 500 on an idempotent POST is retried" {
	fake_fault t212 '^/api/v0/equity/orders/market$' status=500
	run --separate-stderr "$HTTPGET" -X POST -d '{}' \
	    "$TB_T212_BASE_URL/api/v0/equity/orders/market"
	assert_failure 69
	[ "$(field .attempts)" = 3 ]
	[ "$(fake_count t212)" = 3 ]
}

# ORDER: a POST to the fake broker that is not idempotent, as an order is.
order_post() {
	run --separate-stderr "$HTTPGET" --service t212 -X POST --non-idempotent \
	    -H 'Content-Type: application/json' -d '{"ticker":"AAPL_US_EQ"}' \
	    "$@" "$TB_T212_BASE_URL/api/v0/equity/orders/market"
}

@test "429, 408 or 503 on a non-idempotent POST: sent exactly once" {
	for code in 429 408 503; do
		fake_clear
		fake_fault t212 '^/api/v0/equity/orders/market$' \
		    status=$code header.Retry-After=0 times=1
		fake_fault t212 '^/api/v0/equity/orders/market$' status=200 \
		    body='{"id":1}'
		before=$(fake_count t212)
		order_post
		assert_failure 69
		[ "$(field .status)" = "$code" ]
		[ "$(field .attempts)" = 1 ]
		[ "$(fake_count t212)" = $((before + 1)) ]
		[[ "$(field .error)" == *"failed: HTTP $code after 1 attempt" ]]
	done
}

@test "a classifier cannot make a non-idempotent POST go twice" {
	fake_fault t212 '^/api/v0/equity/orders/market$' status=200 body=busy
	order_post --retry-if-body busy
	assert_failure 69
	[ "$(field .attempts)" = 1 ]
	[ "$(fake_count t212)" = 1 ]
	[[ "$(field .error)" == *"failed: HTTP 200 not accepted after 1 attempt" ]]
	# The same classifier does retry an idempotent request.
	run --separate-stderr "$HTTPGET" --retry-if-body busy \
	    "$TB_T212_BASE_URL/api/v0/equity/orders/market"
	assert_failure 69
	[ "$(field .attempts)" = 3 ]
	[ "$(fake_count t212)" = 4 ]
}

@test "a connection closed without an answer: GET retried, POST not" {
	fake_fault yahoo "^$CHART\$" mode=refuse times=1
	run --separate-stderr "$HTTPGET" "$URL"
	assert_success
	[ "$(field .attempts)" = 2 ]

	fake_fault t212 '^/api/v0/equity/orders/market$' mode=refuse
	run --separate-stderr "$HTTPGET" -X POST --non-idempotent -d '{}' \
	    "$TB_T212_BASE_URL/api/v0/equity/orders/market"
	assert_failure 69
	[ "$(field .attempts)" = 1 ]
	[ "$(field .connected)" = true ]
	[ "$(fake_count t212)" = 1 ]
}

@test "a truncated body is a transport failure and is retried" {
	fake_fault yahoo "^$CHART\$" mode=truncated times=1
	run --separate-stderr "$HTTPGET" "$URL"
	assert_success
	[ "$(field .attempts)" = 2 ]
}

@test "timeout: a hanging server fails with 'timed out', exit 69" {
	fake_fault yahoo "^$CHART\$" mode=hang delay=10
	run --separate-stderr "$HTTPGET" --service yahoo --timeout-ms 300 "$URL"
	assert_failure 69
	[ "$(field .status)" = 0 ]
	[ "$(field .attempts)" = 3 ]
	[ "$(field .timed_out)" = true ]
	[ "$(field .transport_error)" = 28 ]
	[[ "$(field .error)" =~ ^"yahoo: GET $URL failed: timed out after "[0-9]+\.[0-9]" s (3 attempts)"$ ]]
	# Three attempts of 0.3 s, none held the 10 s the fake would.
	jq -e '.elapsed_s >= 0.9 and .elapsed_s < 9' <<<"$(field .)"
}

@test "timeout of a non-idempotent POST is not retried" {
	fake_fault t212 '^/api/v0/equity/orders/market$' mode=hang delay=10
	run --separate-stderr "$HTTPGET" --service t212 -X POST --non-idempotent \
	    -d '{}' --timeout-ms 300 \
	    "$TB_T212_BASE_URL/api/v0/equity/orders/market"
	assert_failure 69
	[ "$(field .attempts)" = 1 ]
	[ "$(field .connected)" = true ]
	[[ "$(field .error)" =~ ": timed out after "[0-9]+\.[0-9]" s"$ ]]
}

@test "connection refused fails clearly, even a non-idempotent POST retries" {
	port=$(closed_port)
	run --separate-stderr "$HTTPGET" --service minimax \
	    "http://127.0.0.1:$port/v1/x"
	assert_failure 69
	[ "$(field .error)" = "minimax: GET http://127.0.0.1:$port/v1/x failed: connection refused (3 attempts)" ]
	[ "$(field .connected)" = false ]
	[ "$(field .transport_error)" = 7 ]

	# The server never got it, so sending again is safe.
	run --separate-stderr "$HTTPGET" -v -X POST --non-idempotent -d '{}' \
	    "http://127.0.0.1:$port/v1/x"
	assert_failure 69
	[ "$(field .attempts)" = 3 ]
	[ "$(field .connected)" = false ]
	[ "$(grep -c 'connection refused from POST .*; retry [12] of 2' <<<"$stderr")" = 2 ]
}

@test "a failed TLS handshake: nothing was sent, so even a POST retries" {
	# The fake speaks plain HTTP: curl's ClientHello gets no TLS answer.
	run --separate-stderr "$HTTPGET" -v --retries 1 -X POST --non-idempotent \
	    -d '{}' "https://127.0.0.1:$FAKE_PORT/t212/api/v0/equity/orders/market"
	assert_failure 69
	[ "$(field .transport_error)" = 35 ]
	[ "$(field .connected)" = false ]
	[ "$(field .attempts)" = 2 ]
	[ "$(grep -c 'retry 1 of 1' <<<"$stderr")" = 1 ]
	# No request reached the fake's services.
	[ "$(fake_count t212)" = 0 ]
}

@test "size cap: the default 8 MiB stops an oversize answer" {
	fake_fault yahoo "^$CHART\$" mode=oversize
	run --separate-stderr "$HTTPGET" --service yahoo "$URL"
	assert_failure 69
	[ "$(field .attempts)" = 1 ]
	[ "$(field .error)" = "yahoo: GET $URL failed: response over 8388608 bytes" ]
}

@test "size cap: --max-response N passes N bytes, fails N + 1" {
	body=$(printf 'x%.0s' $(seq 1000))
	fake_fault yahoo "^$CHART\$" status=200 "body=$body"
	run --separate-stderr "$HTTPGET" --max-response 1000 "$URL"
	assert_success
	[ "$(field .bytes)" = 1000 ]
	run --separate-stderr "$HTTPGET" --max-response 999 "$URL"
	assert_failure 69
	[[ "$(field .error)" == *"failed: response over 999 bytes" ]]
	[ "$(field .attempts)" = 1 ]
}

@test "the classifier can retry a 200 (MiniMax base_resp)" {
	fake_fault minimax '^/v1/text/chatcompletion_v2$' status=200 \
	    body='{"base_resp":{"status_code":1002}}' times=1
	fake_fault minimax '^/v1/text/chatcompletion_v2$' status=200 \
	    body='{"base_resp":{"status_code":0}}'
	run --separate-stderr "$HTTPGET" --retry-if-body '"status_code":1002' \
	    --body -X POST -d '{}' "$TB_MINIMAX_BASE_URL/v1/text/chatcompletion_v2"
	assert_success
	[ "$(field .attempts)" = 2 ]
	[ "$(field .body)" = '{"base_resp":{"status_code":0}}' ]
}

@test "the classifier's retry is bounded; a 200 it refuses fails" {
	fake_fault minimax '^/v1/x$' status=200 body='busy'
	run --separate-stderr "$HTTPGET" --retry-if-body busy --retries 1 \
	    "$TB_MINIMAX_BASE_URL/v1/x"
	assert_failure 69
	[ "$(field .attempts)" = 2 ]
	[[ "$(field .error)" == *"failed: HTTP 200 not accepted after 2 attempts" ]]
}

@test "response headers are those of the last attempt" {
	fake_fault yahoo "^$CHART\$" status=503 header.X-Attempt=first times=1
	fake_fault yahoo "^$CHART\$" status=200 body='{}' header.X-Attempt=second
	run --separate-stderr "$HTTPGET" --header-out X-Attempt "$URL"
	assert_success
	[ "$(field .header)" = second ]
}

@test "request headers reach the server; no header value is logged" {
	run --separate-stderr "$HTTPGET" -v -H 'X-Custom: value-4711' "$URL"
	assert_success
	[ "$(fakereq -s yahoo -F headers.x-custom)" = value-4711 ]
	[[ "$(fakereq -s yahoo -F headers.user-agent)" == tb/* ]]
	[[ "$stderr" == *DEBUG* ]]
	[[ "$stderr" != *value-4711* ]]
}

@test "a secret in the URL, a header and the error body never reaches the log" {
	secret=sk-test-SECRET-4242
	fake_fault yahoo '^/v1/secret$' status=503 \
	    body="{\"error\":\"bad key $secret\"}"
	run "$HTTPGET" -v --secret "$secret" --service yahoo --body \
	    "$TB_YAHOO_BASE_URL/v1/secret?apikey=$secret"
	assert_failure 69
	# The request did carry it; the log names the URL with it redacted.
	[ "$(fakereq -s yahoo -F headers.authorization | head -n 1)" = "Bearer <redacted>" ]
	[ "$(fakereq -s yahoo -F query.apikey.0 | head -n 1)" = "$secret" ]
	run --separate-stderr "$HTTPGET" -v --secret "$secret" --service yahoo \
	    "$TB_YAHOO_BASE_URL/v1/secret?apikey=$secret"
	assert_failure 69
	[[ "$stderr" == *"yahoo: GET $TB_YAHOO_BASE_URL/v1/secret?apikey=[REDACTED] failed: HTTP 503 after 3 attempts"* ]]
	[[ "$stderr" == *"retry 2 of 2"* ]]
	[[ "$stderr" != *"$secret"* ]]
	[[ "$output" != *"$secret"* ]]
}

# The most requests open at one moment, by the fake's arrival and answer
# order (ticks), not by clocks.
max_in_flight() {
	fake_requests yahoo | jq -s '[.[] as $r | [.[] |
	    select(.arrived_tick <= $r.arrived_tick and
	    .answered_tick > $r.arrived_tick)] | length] | max'
}

@test "parallel: -n 4 all arrive before any is answered" {
	# Held until all 4 arrived (10 s when they come one at a time).
	fake_fault yahoo "^$CHART\$" status=200 body='{}' hold=4 delay=10
	run --separate-stderr "$HTTPGET" -n 4 "$URL"
	assert_success
	[ "$(printf '%s\n' "$output" | jq -s 'map(select(.status == 200)) | length')" = 4 ]
	fake_requests yahoo | jq -se 'length == 4 and
	    (map(.arrived_tick) | max) < (map(.answered_tick) | min)'
}

@test "parallel: -p 2 keeps at most two requests in flight" {
	# Held until 3 are open at once, which -p 2 never allows: the first
	# two are answered by the safety net, the next two at once.
	fake_fault yahoo "^$CHART\$" status=200 body='{}' hold=3 delay=1.5
	run --separate-stderr "$HTTPGET" -n 4 -p 2 "$URL"
	assert_success
	[ "$(fake_count yahoo)" = 4 ]
	[ "$(max_in_flight)" = 2 ]
}

@test "parallel: a request waiting out Retry-After holds up no other" {
	fake_fault yahoo "^$CHART\$" status=429 header.Retry-After=3 times=1
	run --separate-stderr "$HTTPGET" -n 2 -p 1 "$URL"
	assert_success
	# One waited 3 s and tried twice; the other went on, well before.
	printf '%s\n' "$output" | jq -se '
	    (map(.attempts) | sort) == [1, 2] and
	    (map(select(.attempts == 1)) | .[0].elapsed_s < 2.5) and
	    (map(select(.attempts == 2)) | .[0].elapsed_s >= 2.95)'
	[ "$(fake_count yahoo)" = 3 ]
}

@test "parallel: one failure fails the run and is named" {
	fake_fault yahoo "^$CHART\$" status=404 times=1
	run --separate-stderr "$HTTPGET" -n 3 --service yahoo "$URL"
	assert_failure 69
	[ "$(printf '%s\n' "$output" | jq -s 'map(.status) | sort')" = "$(jq -nc '[200,200,404]' | jq .)" ]
	[[ "$stderr" == *"ERROR httpget: 1 of 3 requests failed; first: yahoo: GET $URL failed: HTTP 404 after 1 attempt"* ]]
}

@test "http_escape escapes reserved and non-ASCII bytes" {
	run "$HTTPGET" --escape 'a b/c&d=é?'
	assert_success
	assert_output 'a%20b%2Fc%26d%3D%C3%A9%3F'
}

@test "usage errors exit 64" {
	run "$HTTPGET"
	assert_failure 64
	run "$HTTPGET" --retries x "$URL"
	assert_failure 64
}
