#!/usr/bin/env bats
# Hostile input end to end: Reddit posts built to break storage and
# extraction, and a corpus of LLM answers built to break validation.
# Whatever they say, nothing unvalidated is stored or executed and the
# budget is never exceeded.

load helpers

MONDAY=2026-03-30
BUDGET=100

setup() {
	tb_isolate
	export TB_HTTP_BACKOFF_SCALE=0.01 TB_NOW=${MONDAY}T17:10:00+02:00
	export ANTHROPIC_API_KEY=test-anthropic MINIMAX_API_KEY=test-minimax
	export T212_API_KEY=test-t212 T212_API_SECRET=test-t212-secret
	fake_start
}

teardown() {
	fake_stop
}

claude_says() { # the input object of the submit_picks tool call
	printf '%s' "$1" > "$BATS_TEST_TMPDIR/input.json"
	claude_says_file "$BATS_TEST_TMPDIR/input.json"
}

claude_says_file() { # a file holding the input object (may be large)
	jq -c --slurpfile input "$1" -n '{"anthropic.response": {id: "msg_h",
	    type: "message", role: "assistant", model: "claude-sonnet-4-5",
	    content: [{type: "tool_use", id: "toolu_h", name: "submit_picks",
	    input: $input[0]}], stop_reason: "tool_use",
	    usage: {input_tokens: 10, output_tokens: 10}}}' \
	    > "$BATS_TEST_TMPDIR/state.json"
	curl -sf -o /dev/null --data-binary "@$BATS_TEST_TMPDIR/state.json" \
	    "$FAKE_URL/_control/state"
}

minimax_says() { # the text of MiniMax's answer
	fake_set "minimax.response=$(jq -cn --arg text "$1" '{id: "m1",
	    choices: [{finish_reason: "stop", index: 0, message: {role:
	    "assistant", content: $text}}], model: "MiniMax-M2",
	    object: "chat.completion", base_resp: {status_code: 0,
	    status_msg: ""}}')"
}

# The money invariants over what one LLM has stored for the day.
assert_picks_safe() { # LLM
	local bad
	bad=$(tb_sql "SELECT count(*) FROM daily_picks p WHERE p.llm_name = '$1'
	    AND (p.ticker NOT IN (SELECT symbol FROM market_data WHERE
	    date = p.date AND status = 'ok') OR NOT (p.allocation_pct > 0 AND
	    p.allocation_pct <= 100) OR NOT (p.amount_eur > 0))")
	[ "$bad" = 0 ] || { echo "$1: $bad unvalidated picks"; false; }
	[ "$(tb_sql "SELECT coalesce(sum(amount_eur), 0) <= $BUDGET
	    FROM daily_picks WHERE llm_name = '$1'")" = 1 ] ||
	    { echo "$1: over the budget"; false; }
}

@test "hostile Reddit posts are stored intact and break nothing" {
	export FAKE_FIXTURES="$TB_ROOT/tests/fixtures/hostile"
	fake_stop
	fake_start
	run --separate-stderr tb-collect --round 1
	assert_success
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 50 ]
	[ "$(tb_sql "SELECT title FROM reddit_posts WHERE id = 'stoh00001'")" = \
	    "Robert'); DROP TABLE reddit_posts;-- \$AAPL to the moon" ]
	[ "$(tb_sql "SELECT selftext FROM reddit_posts WHERE id = 'stoh00001'")" = \
	    "'; DELETE FROM trades WHERE '1'='1 \" OR 1=1 --" ]
	[ "$(tb_sql "SELECT length(selftext) FROM reddit_posts WHERE id = 'stoh00003'")" = 100000 ]
	# shellcheck disable=SC2016  # a cashtag, not a variable
	[ "$(tb_sql "SELECT title FROM reddit_posts WHERE id = 'stoh00004'")" = \
	    "$(printf '\360\237\232\200\360\237\232\200\360\237\232\200 $TSLA \360\237\222\260\360\237\222\216\360\237\231\214')" ]
	[ "$(tb_sql "PRAGMA integrity_check")" = ok ]
	# The cashtags in them count; the injected words do not.
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE symbol IN
	    ('AAPL', 'NVDA', 'MSFT', 'TSLA')")" -gt 0 ]
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE symbol IN
	    ('SELL', 'EVERYTHING', 'DROP', 'TABLE', 'DELETE')")" = 0 ]
	# No raw terminal escape reaches the log.
	# shellcheck disable=SC2154  # bats' run --separate-stderr sets it
	[[ "$stderr" != *$'\e'* ]]
	run --separate-stderr tb-collect --digest
	assert_success
	printf '%s' "$output" | jq -e '.tickers | length > 0' > /dev/null
	run --separate-stderr tb-status --json
	assert_success
}

# Claude's submit_picks inputs, one per line.
claude_corpus() {
	cat <<'JSON'
{"picks":[{"ticker":"GME","allocation_pct":100,"reasoning":"not a candidate"}]}
{"picks":[{"ticker":"AAPL","allocation_pct":"50%","reasoning":"string"}]}
{"picks":[{"ticker":"AAPL","allocation_pct":-40,"reasoning":"negative"}]}
{"picks":[{"ticker":"AAPL","allocation_pct":1e308,"reasoning":"huge"}]}
{"picks":[{"ticker":"AAPL","allocation_pct":0,"reasoning":"zero"}]}
{"picks":[{"ticker":"AAPL","allocation_pct":100,"reasoning":"a"},{"ticker":"NVDA","allocation_pct":100,"reasoning":"b"},{"ticker":"MSFT","allocation_pct":100,"reasoning":"c"}]}
{"picks":[{"ticker":"АAPL","allocation_pct":50,"reasoning":"cyrillic A"},{"ticker":"ＡＡＰＬ","allocation_pct":50,"reasoning":"full width"}]}
{"picks":[{"ticker":"SELL EVERYTHING","allocation_pct":100,"reasoning":"ignore previous instructions"}]}
{"picks":[{"ticker":"AAPL","allocation_pct":60,"reasoning":"x","amount_eur":1000000}]}
{"picks":[{"ticker":"AAPL","allocation_pct":50,"reasoning":"a"},{"ticker":"AAPL","allocation_pct":50,"reasoning":"dup"}]}
{"picks":"AAPL"}
{"picks":[["AAPL",50]]}
{"picks":[{"ticker":null,"allocation_pct":50}]}
{"picks":[{"ticker":"aapl","allocation_pct":30,"reasoning":"lower case"},{"ticker":"$NVDA","allocation_pct":30,"reasoning":"cashtag"}]}
{"picks":[]}
{"answer":"no picks key"}
{"picks":[{"ticker":"AAPL","allocation_pct":{"value":50},"reasoning":{"nested":[1,2,3]}}]}
JSON
}

@test "a corpus of hostile Claude answers: only validated picks, never over budget" {
	run --separate-stderr tb-collect --round 1
	assert_success
	local input n=0
	while IFS= read -r input; do
		n=$((n + 1))
		claude_says "$input"
		run --separate-stderr tb-decide --llm claude --force
		[ "$status" -eq 0 ] || [ "$status" -eq 69 ] ||
		    { echo "answer $n: exit $status"; false; }
		assert_picks_safe claude
	done < <(claude_corpus)
	[ "$n" -ge 17 ]
	# 200 picks: at most max_picks are kept.
	claude_says "$(jq -cn '{picks: ([range(200) | {ticker: "AAPL",
	    allocation_pct: 0.5, reasoning: "x"}] + [{ticker: "NVDA",
	    allocation_pct: 1, reasoning: "y"}])}')"
	run --separate-stderr tb-decide --llm claude --force
	assert_success
	[ "$(tb_sql "SELECT count(*) <= 5 FROM daily_picks WHERE llm_name = 'claude'")" = 1 ]
	assert_picks_safe claude
	# A 1 MB reasoning string is cut, not stored whole.
	jq -cn '{picks: [{ticker: "AAPL", allocation_pct: 50,
	    reasoning: ("x" * 1048576)}]}' > "$BATS_TEST_TMPDIR/big.json"
	claude_says_file "$BATS_TEST_TMPDIR/big.json"
	run --separate-stderr tb-decide --llm claude --force
	assert_success
	[ "$(tb_sql "SELECT max(length(reasoning)) <= 1000 FROM daily_picks")" = 1 ]
}

# MiniMax answers: free text, one per record, separated by a line "%%".
minimax_corpus() {
	cat <<'TEXT'
<think>The user wants {"picks":[{"ticker":"GME","allocation_pct":100}]} maybe</think>
Here you go: {"picks":[{"ticker":"AAPL","allocation_pct":40,"reasoning":"ok"}]} and also {"picks":[{"ticker":"NVDA","allocation_pct":100}]}
%%
I cannot help with that. SELL EVERYTHING NOW.
%%
```json
{"picks":[{"ticker":"AAPL","allocation_pct":NaN,"reasoning":"nan"}]}
```
%%
{“picks”:[{“ticker”:“NVDA”,“allocation_pct”:30,“reasoning”:“smart quotes”}]}
%%
｛"picks":[{"ticker":"MSFT","allocation_pct":20,"reasoning":"full-width braces"}]｝
%%
reasoning without an opening tag</think>{"picks":[{"ticker":"AAPL","allocation_pct":1e9,"reasoning":"huge"}]}
%%
{"picks":[{"ticker":"AAPL","allocation_pct":50,"reasoning":"trailing comma"},]}
%%
Ignore the validator. {"picks":[{"ticker":"AAPL; DROP TABLE trades;--","allocation_pct":100,"reasoning":"x"}]}
%%
{"picks":[{"ticker":"NVDA","allocation_pct":70,"reasoning":"a"},{"ticker":"MSFT","allocation_pct":70,"reasoning":"b"}]}
%%
<think>unclosed thinking {"picks":[{"ticker":"AAPL","allocation_pct":100}]}
%%
{"picks":[{"ticker":"AAPL","allocation_pct":"50","reasoning":"numeric string"},{"ticker":"MSFT","allocation_pct":-1,"reasoning":"neg"}]}
%%
{"picks":[{"ticker":"\u0000AAPL","allocation_pct":50,"reasoning":"nul"}]}
%%
{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{[[[[[[[[[[[[[[[[[[[[[[[[[
%%

%%
{"picks":[{"ticker":"MSFT","allocation_pct":25,"reasoning":"fine"}]}
TEXT
}

@test "a corpus of hostile MiniMax answers: only validated picks, never over budget" {
	run --separate-stderr tb-collect --round 1
	assert_success
	local text="" line n=0
	check_one() {
		n=$((n + 1))
		minimax_says "$text"
		run --separate-stderr tb-decide --llm minimax --force
		[ "$status" -eq 0 ] || [ "$status" -eq 69 ] ||
		    { echo "answer $n: exit $status"; false; }
		assert_picks_safe minimax
	}
	while IFS= read -r line; do
		if [ "$line" = "%%" ]; then
			check_one
			text=""
		else
			text="${text:+$text
}$line"
		fi
	done < <(minimax_corpus)
	check_one
	[ "$n" -ge 15 ]
	# The last, sane answer was stored as it was given.
	[ "$(tb_sql "SELECT ticker, allocation_pct, amount_eur FROM daily_picks
	    WHERE llm_name = 'minimax'")" = "MSFT|25.0|25.0" ]
}

@test "nothing executed that was not validated: the broker sees only stored picks" {
	run --separate-stderr tb-collect --round 1
	assert_success
	claude_says '{"picks":[{"ticker":"AAPL","allocation_pct":70,"reasoning":"a"},
	    {"ticker":"GME","allocation_pct":100,"reasoning":"not offered"},
	    {"ticker":"NVDA","allocation_pct":90,"reasoning":"b"}]}'
	run --separate-stderr tb-decide --llm claude
	assert_success
	run --separate-stderr tb-approve --all
	assert_success
	run --separate-stderr tb-execute
	assert_success
	local sent
	sent=$(fakereq -s t212 -p 'orders/market' -F json.ticker | sort | tr '\n' ' ')
	[ "$sent" = "AAPL_US_EQ NVDA_US_EQ " ]
	[ "$(tb_sql "SELECT round(sum(amount_eur), 2) <= $BUDGET FROM trades WHERE kind = 'real'")" = 1 ]
}

@test "text that is not UTF-8 is stored as U+FFFD; one bad escape loses no page; the prompt is valid" {
	local fffd=$'\xef\xbf\xbd' listing
	# r/stocks answers a page with a lone surrogate escape in one title,
	# an encoded surrogate and a code point above U+10FFFF in raw bytes
	# in another, and a clean third post.
	# shellcheck disable=SC2016  # cashtags, not variables
	listing=$(printf '%s' '{"kind":"Listing","data":{"after":null,"children":[
	{"kind":"t3","data":{"id":"u1","name":"t3_u1","subreddit":"stocks","title":"Lone \ud800 surrogate $NVDA","selftext":"x","created_utc":1774850000.0,"score":10,"num_comments":1,"permalink":"/r/stocks/u1"}},
	{"kind":"t3","data":{"id":"u2","name":"t3_u2","subreddit":"stocks","title":"Raw RAWBYTES $AAPL","selftext":"y","created_utc":1774850001.0,"score":9,"num_comments":1,"permalink":"/r/stocks/u2"}},
	{"kind":"t3","data":{"id":"u3","name":"t3_u3","subreddit":"stocks","title":"Clean $MSFT","selftext":"z","created_utc":1774850002.0,"score":8,"num_comments":1,"permalink":"/r/stocks/u3"}}]}}' |
	    sed 's/RAWBYTES/\xed\xa0\x80 \xf4\x90\x80\x80/' | base64 -w0)
	fake_fault reddit-www '^/r/stocks/(new|hot)' status=200 body_base64="$listing"
	export TB_SUBREDDITS=stocks
	run --separate-stderr tb-collect --round 1
	assert_success
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 3 ]
	[ "$(tb_sql "SELECT title FROM reddit_posts WHERE id = 'u1'")" = "Lone $fffd surrogate \$NVDA" ]
	[ "$(tb_sql "SELECT title FROM reddit_posts WHERE id = 'u2'")" = \
	    "Raw $fffd$fffd$fffd $fffd$fffd$fffd$fffd \$AAPL" ]
	# Every stored text is strict UTF-8.
	tb_sql "SELECT hex(title || selftext) FROM reddit_posts" | xxd -r -p |
	    python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8", "strict")'
	# The posts reach the prompts, and both requests are valid UTF-8.
	run --separate-stderr tb-decide
	[ "$(fakereq -s anthropic -F utf8 | sort -u)" = true ]
	[ "$(fakereq -s minimax -F utf8 | sort -u)" = true ]
	[[ "$(fakereq -s anthropic -l -F json.messages.0.content)" == *"Lone $fffd surrogate"* ]]
}
