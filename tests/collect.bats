#!/usr/bin/env bats
# tb-collect against the fake Reddit and Trading 212: the token flow and
# the public fallback, paging, upserts, partial failures, rate limits,
# the universe cache, the digest of the fixture day, the lock.
#
# The fixture day is Monday 2026-03-30 (tests/fixtures/reddit, made by
# gen_reddit.py); its rounds run at 08:00, 12:00 and 16:30 Berlin, which
# is 06:00, 10:00 and 14:30 UTC.  `at` moves both tb's clock (TB_NOW) and
# the fake Reddit's (reddit.now: later posts do not exist yet).

load helpers

SECRET_ID=test-client-id-7f3a
SECRET=test-client-secret-9c2e
T212_KEY=test-t212-key-51b8

setup() {
	tb_isolate
	export TB_HTTP_BACKOFF_SCALE=0.01
	export FAKE_FIXTURES="$BATS_TEST_TMPDIR/fixtures"
	mkdir -p "$FAKE_FIXTURES/reddit"
	fake_start
	at 2026-03-30T16:30:00+02:00
}

teardown() {
	fake_stop
}

at() {
	export TB_NOW=$1
	fake_set reddit.now="$(date -d "$1" +%s)"
}

oauth() {
	export REDDIT_CLIENT_ID=$SECRET_ID REDDIT_CLIENT_SECRET=$SECRET
	export TB_REDDIT_USERNAME=tb-tester
}

collect() {
	run --separate-stderr tb-collect "$@"
}

# The summary's entry for one subreddit: sub NAME FIELD.
sub() {
	json_field ".subreddits[] | select(.name == \"$1\") | .$2"
}

sha256() {
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}

# make_posts SUB N NEWEST STEP: N posts in r/SUB, newest first, created
# NEWEST (epoch), then every STEP seconds earlier; post i is "Post i".
make_posts() {
	python3 - "$FAKE_FIXTURES/reddit/posts_$1.json" "$1" "$2" "$3" "$4" <<'EOF'
import json, sys
path, sub, n, newest, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5])
posts = []
for i in range(n):
    pid = "p%s%05d" % (sub[:3].lower(), i)
    posts.append({"id": pid, "name": "t3_" + pid, "subreddit": sub,
        "title": "Post %d" % i, "selftext": "", "score": n - i,
        "num_comments": i % 7, "upvote_ratio": 0.9,
        "created_utc": float(newest - i * step),
        "permalink": "/r/%s/comments/%s/post/" % (sub, pid),
        "link_flair_text": None})
json.dump(posts, open(path, "w"))
EOF
}

@test "OAuth: one token by Basic auth, listings with the bearer, raw_json=1, limit=100" {
	oauth
	collect --round 3
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(json_field .round)" = 3 ]
	[ "$(json_field .scheduled)" = 16:30 ]
	[ "$(fake_count reddit-www '^/api/v1/access_token$')" = 1 ]
	[ "$(fakereq -s reddit-www -p access_token -F auth_sha256)" = \
	    "$(sha256 "Basic $(printf '%s:%s' "$SECRET_ID" "$SECRET" | base64 -w0)")" ]
	[ "$(fakereq -s reddit-www -p access_token -F body)" = \
	    grant_type=client_credentials ]
	token=$(jq -r .access_token "$TB_ROOT/tests/fixtures/reddit/token.json")
	# /new and /hot of each of the five subreddits, all with the token.
	[ "$(fake_count reddit '^/r/[^/]+/(new|hot)$')" = 10 ]
	[ "$(fakereq -s reddit -F auth_sha256 | sort -u)" = \
	    "$(sha256 "bearer $token")" ]
	[ "$(fakereq -s reddit -F query.raw_json.0 | sort -u)" = 1 ]
	[ "$(fakereq -s reddit -F query.limit.0 | sort -u)" = 100 ]
	# Reddit's rules: the operator's own user name in the User-Agent.
	[ "$(fakereq -s reddit -F headers.user-agent | sort -u)" = \
	    "linux:tb:0.1.0 (by /u/tb-tester)" ]
	[ "$(fake_count reddit-www '^/r/')" = 0 ]
	# The token is cached: a rerun asks for none.
	# expires_in is 3600.0 (a float) in the fixture.
	[ "$(tb_sql "SELECT service, expires_at - strftime('%s','now') BETWEEN 3590 AND 3600 FROM oauth_tokens")" = "reddit|1" ]
	collect --round 3
	assert_success
	[ "$(fake_count reddit-www '^/api/v1/access_token$')" = 1 ]
	[ "$(fake_count reddit '^/r/')" = 20 ]
}

@test "an expired cached token is replaced; REDDIT_USER_AGENT is sent" {
	oauth
	export REDDIT_USER_AGENT="linux:tb-test:1.0 (by /u/tester)"
	collect --round 3
	assert_success
	tb_sql "UPDATE oauth_tokens SET expires_at = strftime('%s','now') + 30"
	collect --round 3
	assert_success
	[ "$(fake_count reddit-www '^/api/v1/access_token$')" = 2 ]
	[ "$(fakereq -s reddit -F headers.user-agent | sort -u)" = \
	    "linux:tb-test:1.0 (by /u/tester)" ]
}

@test "a 401 on a listing drops the token and gets a new one, once" {
	oauth
	fake_fault reddit '^/r/stocks/new$' status=401 times=1
	collect --round 3
	assert_success
	[ "$(fake_count reddit-www '^/api/v1/access_token$')" = 2 ]
	[ "$(fake_count reddit '^/r/stocks/new$')" = 2 ]
	[ "$(sub stocks error)" = null ]
	[ "$(sub stocks fetched)" = 3 ]
}

@test "OAuth without reddit_username or REDDIT_USER_AGENT: exit 78 naming both, nothing sent" {
	oauth
	unset TB_REDDIT_USERNAME
	collect --round 3
	[ "$status" -eq 78 ]
	[[ "$(json_field .error)" == *"reddit_username"*"REDDIT_USER_AGENT"* ]]
	[ "$(fake_count reddit-www)" = 0 ]
	[ "$(fake_count reddit)" = 0 ]
	# Without OAuth the public listings go, naming no account.
	unset REDDIT_CLIENT_ID REDDIT_CLIENT_SECRET
	collect --round 3
	assert_success
	[ "$(fakereq -s reddit-www -F headers.user-agent | sort -u)" = \
	    "linux:tb:0.1.0 (no Reddit account configured)" ]
}

@test "a token answer with an error key on HTTP 200 fails the round before any listing" {
	oauth
	fake_fault reddit-www '^/api/v1/access_token$' status=200 \
	    body='{"error": "invalid_grant"}'
	collect --round 3
	[ "$status" -eq 78 ]
	[ "$(json_field .error)" = 'reddit: token refused: "invalid_grant"; check REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET' ]
	[ "$(fake_count reddit)" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM oauth_tokens")" = 0 ]
	[ "$(tb_sql "SELECT json_array_length(errors_json) FROM collection_rounds")" = 5 ]
}

@test "without credentials: the public .json listings, no token, no Authorization" {
	collect --round 3
	assert_success
	[ "$(fake_count reddit-www '^/r/[^/]+/(new|hot)\.json$')" = 10 ]
	[ "$(fake_count reddit-www access_token)" = 0 ]
	[ "$(fake_count reddit)" = 0 ]
	[ "$(fakereq -s reddit-www -F auth_sha256 | sort -u)" = null ]
	[ "$(fakereq -s reddit-www -F query.raw_json.0 | sort -u)" = 1 ]
	# Monday's posts up to 14:30 UTC: 5 + 3 + 3 + 1 + 4.
	[ "$(json_field .posts_fetched)" = 16 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 16 ]
}

@test "the public fallback blocked by a 403 HTML page says so; the others go on" {
	fake_fault reddit-www '^/r/stocks/new\.json$' mode=html
	collect --round 3
	assert_success
	[ "$(sub stocks error)" = "reddit: r/stocks: blocked by Reddit (HTTP 403 HTML page); set REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET" ]
	[ "$(sub stocks fetched)" = 0 ]
	[ "$(sub investing error)" = null ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts WHERE subreddit = 'stocks'")" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts WHERE subreddit = 'investing'")" = 3 ]
}

@test "paging: 150 new posts are two pages of /new, the second after the first's last" {
	oauth
	export TB_SUBREDDITS=stocks
	make_posts stocks 150 "$(date -d 2026-03-30T14:00:00Z +%s)" 60
	collect --round 3
	assert_success
	[ "$(fake_count reddit '^/r/stocks/new$')" = 2 ]
	[ "$(fakereq -s reddit -p new -F query.after.0)" = "null
t3_psto00099" ]
	[ "$(fake_count reddit '^/r/stocks/hot$')" = 1 ]
	[ "$(fakereq -s reddit -p hot -F query.after.0)" = null ]
	[ "$(json_field .posts_fetched)" = 150 ]
	[ "$(json_field .posts_new)" = 150 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 150 ]
}

@test "paging stops at the previous round, and at 10 pages" {
	oauth
	export TB_SUBREDDITS=stocks
	# A post a minute from 13:55 UTC back; round 2 ran at 10:00 UTC.
	make_posts stocks 1500 "$(date -d 2026-03-30T13:55:00Z +%s)" 60
	at 2026-03-30T12:00:00+02:00
	fake_set reddit.now=null
	collect --round 2
	assert_success
	# 1500 posts newer than 24 h: the cap of 10 pages of /new, then /hot.
	[ "$(fake_count reddit '^/r/stocks/new$')" = 10 ]
	at 2026-03-30T16:30:00+02:00
	collect --round 3
	assert_success
	# Since 12:00 Berlin (10:00 UTC): posts 0..234 are newer, so three
	# pages; the third's older posts are left out.
	[ "$(fake_count reddit '^/r/stocks/new$')" = 13 ]
	[ "$(tb_sql "SELECT group_concat(post_id) FROM post_rounds WHERE round = 3 AND post_id IN ('psto00234', 'psto00235', 'psto00299')")" = psto00234 ]
	[ "$(tb_sql "SELECT count(*) FROM post_rounds WHERE round = 2 AND post_id = 'psto00299'")" = 1 ]
}

@test "a rerun updates scores and adds nothing twice" {
	oauth
	cp "$TB_ROOT/tests/fixtures/reddit/posts_stocks.json" "$FAKE_FIXTURES/reddit/"
	collect --round 3
	assert_success
	[ "$(json_field .posts_new)" = 16 ]
	[ "$(json_field .posts_updated)" = 0 ]
	before=$(tb_sql "SELECT count(*) FROM reddit_posts; SELECT count(*) FROM post_rounds; SELECT count(*) FROM ticker_mentions")
	# The oldest post of r/stocks, seen by the first run too.
	id=$(jq -r '.[-1].id' "$FAKE_FIXTURES/reddit/posts_stocks.json")
	jq '.[-1].score = 9999 | .[-1].num_comments = 777' \
	    "$TB_ROOT/tests/fixtures/reddit/posts_stocks.json" > "$FAKE_FIXTURES/reddit/posts_stocks.json"
	collect --round 3
	assert_success
	[ "$(json_field .posts_fetched)" = 16 ]
	[ "$(json_field .posts_new)" = 0 ]
	[ "$(json_field .posts_updated)" = 16 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts; SELECT count(*) FROM post_rounds; SELECT count(*) FROM ticker_mentions")" = "$before" ]
	[ "$(tb_sql "SELECT score, num_comments FROM reddit_posts WHERE id = '$id'")" = "9999|777" ]
	[ "$(tb_sql "SELECT count(*) FROM collection_rounds")" = 1 ]
}

@test "a post seen by two rounds keeps its first round and links both" {
	oauth
	at 2026-03-30T08:00:00+02:00
	collect --round 1
	assert_success
	n1=$(json_field .posts_new)
	at 2026-03-30T12:00:00+02:00
	collect --round 2
	assert_success
	[ "$(json_field .posts_updated)" -ge "$n1" ]
	id=$(tb_sql "SELECT id FROM reddit_posts WHERE title LIKE 'ASML DD%'")
	[ "$(tb_sql "SELECT first_seen_round, last_seen_round FROM reddit_posts WHERE id = '$id'")" = "1|2" ]
	[ "$(tb_sql "SELECT group_concat(round) FROM (SELECT round FROM post_rounds WHERE post_id = '$id' ORDER BY round)")" = "1,2" ]
}

@test "one subreddit answering 500 does not fail the round" {
	oauth
	fake_fault reddit '^/r/investing/' status=500
	collect --round 3
	assert_success
	[ "$(json_field .status)" = ok ]
	[ "$(sub investing error)" = "reddit: r/investing: /new listing: HTTP 500 after 3 attempts" ]
	[ "$(sub investing fetched)" = 0 ]
	[ "$(sub stocks error)" = null ]
	[ "$(fake_count reddit '^/r/investing/new$')" = 3 ]
	[ "$(tb_sql "SELECT count(DISTINCT subreddit) FROM reddit_posts")" = 4 ]
	[ "$(tb_sql "SELECT json_extract(errors_json, '\$[0].subreddit') FROM collection_rounds")" = investing ]
	[[ "$stderr" == *"WARN tb-collect: reddit: r/investing: /new listing: HTTP 500"* ]]
}

@test "every subreddit failing fails the round with 69" {
	oauth
	fake_fault reddit '^/r/' status=503
	collect --round 3
	[ "$status" -eq 69 ]
	[ "$(json_field .status)" = failed ]
	[[ "$(json_field .error)" == "reddit: all 5 subreddits failed; first: reddit: r/wallstreetbets: /new listing: HTTP 503 after 3 attempts" ]]
	[ "$(json_field '.subreddits | length')" = 5 ]
	[ "$(tb_sql "SELECT status, exit_code FROM runs")" = "failed|69" ]
}

@test "a 429 is retried after the X-Ratelimit-Reset it names" {
	oauth
	export TB_SUBREDDITS=stocks
	fake_fault reddit '^/r/stocks/new$' status=429 times=1 \
	    header.X-Ratelimit-Remaining=0 header.X-Ratelimit-Reset=1
	collect --round 3
	assert_success
	[ "$(sub stocks error)" = null ]
	[ "$(fake_count reddit '^/r/stocks/new$')" = 2 ]
	gap=$(fakereq -s reddit -p '/new$' -F arrived_at | awk 'NR==1{a=$1} NR==2{print $1-a}')
	awk -v g="$gap" 'BEGIN { exit !(g >= 0.95) }'
}

@test "X-Ratelimit-Remaining 0 makes the next request wait for the reset" {
	oauth
	export TB_SUBREDDITS=stocks
	fake_fault reddit '^/r/stocks/new$' mode=pass times=1 \
	    header.X-Ratelimit-Remaining=0.0 header.X-Ratelimit-Reset=1
	collect --round 3
	assert_success
	gap=$(fakereq -s reddit -F arrived_at | awk 'NR==1{a=$1} NR==2{print $1-a}')
	awk -v g="$gap" 'BEGIN { exit !(g >= 0.95) }'
	[[ "$stderr" == *"rate limit reached"* ]]
}

@test "malformed listing JSON is a clear error and keeps what was stored" {
	oauth
	collect --round 3
	assert_success
	stored=$(tb_sql "SELECT count(*) FROM reddit_posts WHERE subreddit = 'stocks'")
	[ "$stored" = 3 ]
	fake_fault reddit '^/r/stocks/new$' mode=malformed
	collect --round 3
	assert_success
	[ "$(sub stocks error)" = "reddit: r/stocks: malformed JSON in the /new listing" ]
	[ "$(sub wallstreetbets error)" = null ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts WHERE subreddit = 'stocks'")" = "$stored" ]
}

@test "a malformed second page keeps the first page's posts" {
	oauth
	export TB_SUBREDDITS=stocks
	make_posts stocks 150 "$(date -d 2026-03-30T14:00:00Z +%s)" 60
	fake_fault reddit '^/r/stocks/new$' query=after= mode=malformed
	collect --round 3
	[ "$status" -eq 69 ]
	[ "$(sub stocks error)" = "reddit: r/stocks: malformed JSON in the /new listing" ]
	[ "$(sub stocks fetched)" = 100 ]
	[ "$(tb_sql "SELECT count(*) FROM reddit_posts")" = 100 ]
}

@test "without Trading 212 keys the universe is missing and only cashtags count" {
	oauth
	collect --round 3
	assert_success
	[ "$(json_field .universe)" = missing ]
	[ "$(json_field .instruments)" = 0 ]
	[ "$(fake_count t212)" = 0 ]
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE cashtag = 0")" = 0 ]
	# "$ASML" is ASML (no market known); the bare "NVDA" of the title
	# "NVDA calls printing, AAPL looking weak" is not counted, $AAPL is.
	id=$(tb_sql "SELECT id FROM reddit_posts WHERE title LIKE 'NVDA calls%'")
	[ "$(tb_sql "SELECT group_concat(symbol) FROM ticker_mentions WHERE post_id = '$id'")" = AAPL ]
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE symbol = 'ASML'")" = 1 ]
	[ "$(json_field .mentions)" = "$(tb_sql "SELECT count(DISTINCT symbol) FROM ticker_mentions")" ]
	run --separate-stderr tb-collect --digest --date 2026-03-30
	assert_success
	[ "$(json_field .universe)" = missing ]
}

@test "the universe is refreshed once a day, the cache used otherwise" {
	oauth
	export T212_API_KEY=$T212_KEY
	at 2026-03-30T08:00:00+02:00
	collect --round 1
	assert_success
	[ "$(json_field .universe)" = refreshed ]
	[ "$(json_field .instruments)" = 40 ]
	[ "$(fake_count t212 '/equity/metadata/instruments$')" = 1 ]
	[ "$(fake_count t212 '/equity/metadata/exchanges$')" = 1 ]
	[ "$(tb_sql "SELECT yahoo_symbol FROM instruments WHERE ticker = 'AIp_EQ'")" = AIR.PA ]
	[ "$(tb_sql "SELECT count(*) FROM exchanges")" = "$(jq length "$TB_ROOT/tests/fixtures/t212/exchanges.json")" ]
	# Against the universe "ASML DD ... $ASML" is ASML.AS twice (DD is a
	# stop word though DD_US_EQ exists).
	[ "$(tb_sql "SELECT group_concat(symbol || ':' || count) FROM ticker_mentions")" = "ASML.AS:2" ]
	at 2026-03-30T16:30:00+02:00
	collect --round 3
	assert_success
	[ "$(json_field .universe)" = cached ]
	[ "$(json_field .instruments)" = 40 ]
	[ "$(fake_count t212)" = 2 ]
	at 2026-03-31T08:00:00+02:00
	collect --round 1
	assert_success
	[ "$(json_field .universe)" = refreshed ]
	[ "$(fake_count t212 '/equity/metadata/instruments$')" = 2 ]
	[ "$(fake_count t212 '/equity/metadata/exchanges$')" = 2 ]
}

@test "never within 50 s (instruments) or 30 s (exchanges), even across midnight" {
	oauth
	export T212_API_KEY=$T212_KEY
	at 2026-03-30T23:59:40+02:00
	collect --round 3
	assert_success
	[ "$(json_field .universe)" = refreshed ]
	at 2026-03-31T00:00:15+02:00
	collect --round 1
	assert_success
	[ "$(json_field .universe)" = cached ]
	[ "$(fake_count t212 '/equity/metadata/instruments$')" = 1 ]
	[ "$(fake_count t212 '/equity/metadata/exchanges$')" = 2 ]
	at 2026-03-31T00:00:31+02:00
	collect --round 1
	assert_success
	[ "$(json_field .universe)" = refreshed ]
	[ "$(fake_count t212 '/equity/metadata/instruments$')" = 2 ]
	[ "$(fake_count t212 '/equity/metadata/exchanges$')" = 2 ]
}

@test "a failed refresh falls back to the cached universe" {
	oauth
	export T212_API_KEY=$T212_KEY
	at 2026-03-30T08:00:00+02:00
	collect --round 1
	assert_success
	fake_fault t212 '/equity/metadata/instruments$' status=500
	at 2026-03-31T08:00:00+02:00
	collect --round 1
	assert_success
	[ "$(json_field .universe)" = cached ]
	[ "$(json_field .instruments)" = 40 ]
	[[ "$(json_field .universe_error)" == *"HTTP 500"* ]]
	[ "$(tb_sql "SELECT count(*) FROM instruments")" = 40 ]
	[ "$(tb_sql "SELECT count(*) FROM ticker_mentions WHERE symbol = 'ASML.AS'")" -gt 0 ]
}

@test "an empty instruments answer never wipes the cache" {
	oauth
	export T212_API_KEY=$T212_KEY
	at 2026-03-30T08:00:00+02:00
	collect --round 1
	assert_success
	fake_fault t212 '/equity/metadata/instruments$' status=200 body='[]'
	at 2026-03-31T08:00:00+02:00
	collect --round 1
	assert_success
	[ "$(json_field .universe)" = cached ]
	[ "$(tb_sql "SELECT count(*) FROM instruments")" = 40 ]
}

@test "a weekend day is skipped without any request" {
	oauth
	export T212_API_KEY=$T212_KEY
	at 2026-04-04T16:30:00+02:00
	collect --round 3
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(json_field .reason)" = "not a trading day" ]
	[ "$(fake_count)" = 0 ]
	[ ! -e "$TB_HOME/tb.db" ]
}

@test "--scheduled outside its slot is skipped without any request" {
	oauth
	collect --round 3 --scheduled 08:00
	assert_success
	[ "$(json_field .status)" = skipped ]
	[ "$(fake_count)" = 0 ]
}

@test "the digest of the fixture day, field by field" {
	oauth
	export T212_API_KEY=$T212_KEY
	at 2026-03-30T08:00:00+02:00
	collect --round 1
	assert_success
	at 2026-03-30T12:00:00+02:00
	collect --round 2
	assert_success
	at 2026-03-30T16:30:00+02:00
	collect --round 3
	assert_success
	at 2026-03-30T17:10:00+02:00
	run --separate-stderr tb-collect --digest --date 2026-03-30
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	d=$output
	[ "$(jq -c .rounds <<<"$d")" = "[1,2,3]" ]
	[ "$(jq -r .date <<<"$d")" = 2026-03-30 ]
	[ "$(jq -r .generated_at <<<"$d")" = 2026-03-30T15:10:00Z ]
	[ "$(jq -r .universe <<<"$d")" = loaded ]
	# Monday's posts up to 14:30 UTC (the last round): 5 + 3 + 3 + 1 + 4.
	[ "$(jq -r .post_count <<<"$d")" = 16 ]
	[ "$(jq -r '[.tickers[].symbol] | join(",")' <<<"$d")" = \
	    "AAPL,ASML.AS,SHEL.L,VWCE.DE,BP.L,NVDA,BRK-B,SPY,JPM,KO,VUSA.L,NESN.SW,AIR.PA,TTE.PA" ]
	[ "$(jq -r '[.tickers[].rank] | join(",")' <<<"$d")" = \
	    "1,2,3,4,5,6,7,8,9,10,11,12,13,14" ]
	# AAPL: $AAPL in "NVDA calls printing..." (622 points, 198 comments,
	# so 1.5 * (1 + ln 623 + 0.5 ln 199) = 15.1218), "YOLO'd ... AAPL
	# calls" (2104, 530: 11.7895), "Apple (AAPL) earnings preview"
	# (512, 188: 9.8611); 36.77 in all.  Bullish: calls, calls + chart up;
	# bearish: Bearish, short.
	[ "$(jq -c '.tickers[0]' <<<"$d")" = '{"rank":1,"symbol":"AAPL","t212_ticker":"AAPL_US_EQ","name":"Apple","currency":"USD","mentions":6,"posts":3,"weight":36.77,"bullish":3,"bearish":2,"sentiment":0.2,"subreddits":["wallstreetbets","stocks"],"titles":["NVDA calls printing, AAPL looking weak into the close","YOLO'"'"'d my entire savings into AAPL calls","Apple (AAPL) earnings preview: services growth is the whole story"]}' ]
	# ASML.AS: "ASML DD ... $ASML" (1843, 412, cashtag: 17.2971),
	# "adding to ASML ... ASML.AS ... Long" (389, 142: 9.4476), "Bought my
	# first ASML.AS ... ASML" (110, 54: 7.7132).
	[ "$(jq -c '.tickers[1]' <<<"$d")" = '{"rank":2,"symbol":"ASML.AS","t212_ticker":"ASMLa_EQ","name":"ASML Holding","currency":"EUR","mentions":6,"posts":3,"weight":34.46,"bullish":2,"bearish":0,"sentiment":1,"subreddits":["wallstreetbets","stocks","EuropeFIRE"],"titles":["ASML DD: EUV monopoly is still priced like a cyclical","Why I'"'"'m adding to ASML on this dip","Bought my first ASML.AS shares on Trading 212"]}' ]
	# SHEL.L: SHEL three times in r/wallstreetbets (1288, 274: 10.97),
	# once in r/investing (188, 121: 8.6438), once in r/EuropeFIRE (98,
	# 61: 7.6587); no sentiment words: 0.
	[ "$(jq -c '.tickers[2]' <<<"$d")" = '{"rank":3,"symbol":"SHEL.L","t212_ticker":"SHELl_EQ","name":"Shell","currency":"GBX","mentions":5,"posts":3,"weight":27.27,"bullish":0,"bearish":0,"sentiment":0,"subreddits":["wallstreetbets","investing","EuropeFIRE"],"titles":["Shell earnings play? SHEL looks cheap vs peers","Dividend stocks for 2026: KO, JPM and SHEL","Shell or TotalEnergies for dividends, as an EU investor?"]}' ]
	# VWCE.DE: r/EuropeFIRE's post (320, 88: 9.0158) outweighs
	# r/investing's (143, 97: 8.2623).
	[ "$(jq -c '.tickers[3] | [.weight, .subreddits]' <<<"$d")" = '[17.28,["EuropeFIRE","investing"]]' ]
	[ "$(jq -c '.tickers[] | select(.symbol == "NVDA") | [.mentions, .bullish, .bearish, .sentiment]' <<<"$d")" = '[2,1,2,-0.33]' ]
	# Ties: BRK-B and SPY share one post (8.69): more mentions first;
	# JPM and KO share one (8.64) and two mentions each: by symbol.
	[ "$(jq -c '[.tickers[6:10][] | [.symbol, .weight, .mentions]]' <<<"$d")" = \
	    '[["BRK-B",8.69,2],["SPY",8.69,1],["JPM",8.64,2],["KO",8.64,2]]' ]
	[ "$(tb_sql "SELECT ticker_count, post_count, json FROM digests WHERE date = '2026-03-30'")" = "14|16|$d" ]
}

@test "the digest of a day without rounds is empty" {
	run --separate-stderr tb-collect --digest --date 2026-03-27
	assert_success
	[ "$(json_field .post_count)" = 0 ]
	[ "$(json_field '.tickers | length')" = 0 ]
	[ "$(json_field '.rounds | length')" = 0 ]
	[ "$(tb_sql "SELECT ticker_count, post_count FROM digests WHERE date = '2026-03-27'")" = "0|0" ]
	[ "$(fake_count)" = 0 ]
}

@test "a second tb-collect exits 75 at once while the first holds the lock" {
	oauth
	mkdir -p "$TB_HOME/locks"
	exec {fd}>"$TB_HOME/locks/tb-collect.lock"
	flock -n "$fd"
	collect --round 3
	exec {fd}>&-
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"$TB_HOME/locks/tb-collect.lock"* ]]
	[ "$(fake_count)" = 0 ]
}

@test "round numbers: one per scheduler_collect_times, else a usage error" {
	collect --round 4
	[ "$status" -eq 64 ]
	[ "$(json_field .error)" = "--round 4: there are 3 rounds (scheduler_collect_times)" ]
	[ "$(fake_count)" = 0 ]
	export TB_SCHEDULER_COLLECT_TIMES=08:00,10:00,12:00,16:30
	collect --round 4
	assert_success
	[ "$(json_field .scheduled)" = 16:30 ]
	for bad in 0 x 1x -1; do
		collect --round "$bad"
		[ "$status" -eq 64 ]
	done
	collect
	[ "$status" -eq 64 ]
	collect --round 1 --digest
	[ "$status" -eq 64 ]
}

@test "no secret reaches stdout, stderr or the database" {
	oauth
	export T212_API_KEY=$T212_KEY
	collect -v --round 3
	assert_success
	for s in "$SECRET_ID" "$SECRET" "$T212_KEY"; do
		[[ "$output" != *"$s"* ]]
		[[ "$stderr" != *"$s"* ]]
		! grep -q -- "$s" "$TB_HOME/tb.db"
	done
	token=$(jq -r .access_token "$TB_ROOT/tests/fixtures/reddit/token.json")
	[[ "$stderr" != *"$token"* ]]
}

@test "--help and the man page name the same options" {
	run tb-collect --help
	assert_success
	for opt in --round --digest --date --scheduled --force --config \
	    --verbose --version --help; do
		[[ "$output" == *"$opt"* ]]
		grep -q -- "Fl -${opt#--}" "$TB_ROOT/bin/tb-collect.1"
	done
}
