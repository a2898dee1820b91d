# seeds.bash - database rows as the earlier programs of a day store them,
# for the suites that start a day part-way (crash, faults, environment).
#
#   load seeds          (after load helpers)

# seed_mentions DAY [SYMBOL...]: one round-1 post of r/stocks per symbol
# ("Buying $SYMBOL", scores 900, 800, ...), each mentioning its symbol
# twice as a bullish cashtag.  What tb-decide needs to build a digest.
# The default symbols are one per market of the fixtures, AAPL first.
seed_mentions() {
	local day=$1 i=0 sym posts="" mentions=""
	shift
	[ $# -gt 0 ] || set -- AAPL ASML.AS SHEL.L AIR.PA NVDA
	for sym in "$@"; do
		i=$((i + 1))
		posts="$posts${posts:+,}
	    ('p$i', 'stocks', 'Buying \$$sym', 1774850000, '$day', 1, '$day', 1, '${day}T06:00:00Z', $((1000 - 100 * i)), 10)"
		mentions="$mentions${mentions:+,} ('p$i', '$sym', 2, 1, 1)"
	done
	tb_init_db
	tb_sql "INSERT INTO reddit_posts (id, subreddit, title, created_utc,
	    first_seen_date, first_seen_round, last_seen_date, last_seen_round,
	    updated_at, score, num_comments) VALUES $posts;
	    INSERT INTO post_rounds SELECT id, '$day', 1 FROM reddit_posts;
	    INSERT INTO ticker_mentions (post_id, symbol, count, cashtag, bullish)
	    VALUES $mentions"
}

# seed_approved_day DAY: TB_NOW at 17:10 Berlin (winter) on DAY, both LLMs
# ok, claude (the main trader on a Monday) with ASML.AS 40 EUR and AIR.PA
# 20 EUR approved, minimax with SAP.DE 60 EUR, prices in EUR for all
# three.  What tb-execute needs.
seed_approved_day() {
	local day=$1
	export TB_NOW=${day}T17:10:00+01:00
	tb_init_db
	tb_sql "INSERT INTO market_data (date, symbol, status, currency, price,
	    price_eur, eur_rate, fetched_at) VALUES
	    ('$day', 'ASML.AS', 'ok', 'EUR', 700, 700, 1, '${day}T16:00:00Z'),
	    ('$day', 'AIR.PA', 'ok', 'EUR', 150, 150, 1, '${day}T16:00:00Z'),
	    ('$day', 'SAP.DE', 'ok', 'EUR', 200, 200, 1, '${day}T16:00:00Z');
	    INSERT INTO llm_runs (date, llm_name, provider, model, status,
	    started_at) VALUES
	    ('$day', 'claude', 'x', 'x', 'ok', '${day}T16:10:00Z'),
	    ('$day', 'minimax', 'x', 'x', 'ok', '${day}T16:10:00Z');
	    INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct,
	    amount_eur, is_main_trader, status, pick_index, created_at) VALUES
	    ('$day', 'claude', 'ASML.AS', 40, 40, 1, 'approved', 1, '${day}T16:10:00Z'),
	    ('$day', 'claude', 'AIR.PA', 20, 20, 1, 'approved', 2, '${day}T16:10:00Z'),
	    ('$day', 'minimax', 'SAP.DE', 60, 60, 0, 'proposed', 1, '${day}T16:10:00Z');
	    INSERT INTO approvals (date, llm_name, decision, decided_by,
	    decided_at) VALUES ('$day', 'claude', 'approve_all', 'flag',
	    '${day}T16:11:00Z')"
}
