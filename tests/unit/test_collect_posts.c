/*
 * test_collect_posts.c - storing collection rounds (lib/posts.c): how far
 * back a round looks, upserts and their counts, first and last seen
 * across reruns, when mentions are extracted again, the round record.
 */
#include "clock.h"
#include "db.h"
#include "posts.h"
#include "symbols.h"
#include "unit.h"
#include "unitdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAY "2026-03-30"
#define HOUR 3600

static struct reddit_post
post(const char *id, const char *title, const char *text, long long score)
{
	struct reddit_post p;

	memset(&p, 0, sizeof p);
	p.id = id;
	p.subreddit = "stocks";
	p.title = title;
	p.selftext = text;
	p.author = "someone";
	p.permalink = "/r/stocks/comments/x/";
	p.score = score;
	p.num_comments = 2;
	p.upvote_ratio = -1;
	p.created_utc = 1774850000;
	return p;
}

static void
test_since(sqlite3 *db, time_t now)
{
	char sql[256], stamp[21];
	time_t since;
	tb_err e;

	tb_err_clear(&e);
	CHECK(posts_since(db, DAY, 3, now, &since, &e) == 0 &&
	    since == now - 24 * HOUR, "no earlier round: 24 hours back");
	snprintf(sql, sizeof sql, "INSERT INTO collection_rounds (date, round, "
	    "started_at) VALUES ('2026-03-28', 3, '%s')",
	    clock_iso_utc(now - 30 * HOUR, stamp));
	db_exec(db, sql, &e);
	CHECK(posts_since(db, DAY, 3, now, &since, &e) == 0 &&
	    since == now - 24 * HOUR, "a round 30 hours ago: still 24 hours");
	snprintf(sql, sizeof sql, "INSERT INTO collection_rounds (date, round, "
	    "started_at) VALUES ('" DAY "', 1, '%s'), ('" DAY "', 3, '%s'), "
	    "('2026-03-31', 1, '%s')", clock_iso_utc(now - 8 * HOUR, stamp),
	    "2026-03-30T14:29:00Z", "2026-03-31T06:00:00Z");
	CHECK(db_exec(db, sql, &e) == 0, "more rounds: %s", e.msg);
	CHECK(posts_since(db, DAY, 2, now, &since, &e) == 0 &&
	    since == now - 60, "the latest earlier round, any round");
	CHECK(posts_since(db, DAY, 3, now, &since, &e) == 0 &&
	    since == now - 8 * HOUR,
	    "a rerun ignores its own earlier start, and later rounds");
	db_exec(db, "DELETE FROM collection_rounds", &e);
}

static void
test_store(sqlite3 *db, time_t now)
{
	struct posts_round r;
	struct posts_count c = { 0, 0, 0 };
	struct reddit_post batch[3];
	char buf[256];
	tb_err e;

	tb_err_clear(&e);
	batch[0] = post("a1", "Why $ASML", "long $ASML", 10);
	batch[1] = post("a2", "Other", "", 5);
	batch[2] = post("a1", "Why $ASML", "long $ASML", 11);
	CHECK(posts_round_begin(&r, db, DAY, 2, now, NULL, &e) == 0,
	    "begin round 2: %s", e.msg);
	CHECK(posts_store(&r, batch, 3, &c, &e) == 0, "store: %s", e.msg);
	CHECK(c.fetched == 2 && c.added == 2 && c.updated == 0,
	    "a post twice in one batch counts once (%ld/%ld/%ld)", c.fetched,
	    c.added, c.updated);
	CHECK(posts_store(&r, batch, 1, &c, &e) == 0 && c.fetched == 2,
	    "and once more in a later batch of the same run, not at all");
	CHECK(posts_round_end(&r, &c, "[{\"subreddit\":\"x\"}]", now + 5,
	    &e) == 0, "end: %s", e.msg);
	posts_round_free(&r);
	CHECK_STR(unitdb_query(db, "SELECT posts_fetched || '/' || posts_new || '/' "
	    "|| posts_updated || ' ' || errors_json || ' ' || finished_at || "
	    "' ' || universe_loaded FROM collection_rounds", buf, sizeof buf),
	    "2/2/0 [{\"subreddit\":\"x\"}] 2026-03-30T14:30:05Z 0",
	    "the round's record");
	CHECK_STR(unitdb_query(db, "SELECT group_concat(symbol || ':' || count || ':' "
	    "|| cashtag || ':' || bullish) FROM ticker_mentions", buf,
	    sizeof buf), "ASML:2:1:1", "without a universe: the cashtag, "
	    "counted twice, with the post's bullish word");

	/* A rerun of round 2 with a new score. */
	c.fetched = c.added = c.updated = 0;
	batch[0].score = 99;
	CHECK(posts_round_begin(&r, db, DAY, 2, now, NULL, &e) == 0 &&
	    posts_store(&r, batch, 2, &c, &e) == 0, "rerun stores");
	CHECK(c.fetched == 2 && c.added == 0 && c.updated == 2,
	    "a rerun: nothing new, 2 updated");
	posts_round_end(&r, &c, NULL, now, &e);
	posts_round_free(&r);
	CHECK_STR(unitdb_query(db, "SELECT count(*) || ' ' || sum(score) FROM "
	    "reddit_posts", buf, sizeof buf), "2 104",
	    "no duplicate, the score refreshed");
	CHECK_STR(unitdb_query(db, "SELECT count(*) FROM post_rounds", buf,
	    sizeof buf), "2", "no duplicate link");
	CHECK_STR(unitdb_query(db, "SELECT errors_json IS NULL AND posts_updated = 2 "
	    "FROM collection_rounds", buf, sizeof buf), "1",
	    "a rerun resets the round's record");

	/* Round 1 rerun after round 2: first seen moves back, last stays. */
	CHECK(posts_round_begin(&r, db, DAY, 1, now, NULL, &e) == 0 &&
	    posts_store(&r, batch, 1, &c, &e) == 0, "store in round 1");
	posts_round_free(&r);
	CHECK_STR(unitdb_query(db, "SELECT first_seen_round || '-' || "
	    "last_seen_round FROM reddit_posts WHERE id = 'a1'", buf,
	    sizeof buf), "1-2", "first seen 1, last seen still 2");
	CHECK_STR(unitdb_query(db, "SELECT group_concat(round) FROM (SELECT round "
	    "FROM post_rounds WHERE post_id = 'a1' ORDER BY round)", buf,
	    sizeof buf), "1,2",
	    "both rounds link the post");
}

/* A universe of two instruments, for extraction. */
static void
small_universe(struct universe *u)
{
	struct instrument in;
	tb_err e;

	universe_init(u);
	memset(&in, 0, sizeof in);
	in.t212_ticker = "ASMLa_EQ";
	in.currency = "EUR";
	in.short_name = "ASML";
	in.isin = "NL0010273215";
	universe_add(u, &in, &e);
	in.t212_ticker = "AAPL_US_EQ";
	in.currency = "USD";
	in.short_name = "AAPL";
	in.isin = "US0378331005";
	universe_add(u, &in, &e);
	universe_finish(u, &e);
}

static void
test_mentions(sqlite3 *db, time_t now)
{
	struct posts_round r;
	struct posts_count c = { 0, 0, 0 };
	struct reddit_post p = post("m1", "ASML and $AAPL", "", 1);
	struct universe u;
	char buf[256];
	long n;
	tb_err e;

	tb_err_clear(&e);
	small_universe(&u);
	CHECK(posts_round_begin(&r, db, "2026-03-31", 1, now, &u, &e) == 0 &&
	    posts_store(&r, &p, 1, &c, &e) == 0, "store with a universe");
	posts_round_free(&r);
	CHECK_STR(unitdb_query(db, "SELECT group_concat(symbol) FROM (SELECT symbol "
	    "FROM ticker_mentions WHERE post_id = 'm1' ORDER BY symbol)", buf,
	    sizeof buf), "AAPL,ASML.AS", "the universe resolves bare words");
	CHECK(posts_round_tickers(db, "2026-03-31", 1, &n, &e) == 0 && n == 2,
	    "two distinct tickers in the round");
	CHECK_STR(unitdb_query(db, "SELECT universe_loaded FROM collection_rounds "
	    "WHERE date = '2026-03-31'", buf, sizeof buf), "1",
	    "the round records that it had the universe");

	/* Without the universe, unchanged text keeps the better mentions. */
	CHECK(posts_round_begin(&r, db, "2026-03-31", 2, now, NULL, &e) == 0 &&
	    posts_store(&r, &p, 1, &c, &e) == 0, "store without");
	posts_round_free(&r);
	CHECK_STR(unitdb_query(db, "SELECT count(*) FROM ticker_mentions WHERE "
	    "post_id = 'm1'", buf, sizeof buf), "2",
	    "no universe, same text: the mentions stay");
	p.title = "Only $AAPL now";
	CHECK(posts_round_begin(&r, db, "2026-03-31", 2, now, NULL, &e) == 0 &&
	    posts_store(&r, &p, 1, &c, &e) == 0, "store an edited post");
	posts_round_free(&r);
	CHECK_STR(unitdb_query(db, "SELECT group_concat(symbol) FROM ticker_mentions "
	    "WHERE post_id = 'm1'", buf, sizeof buf), "AAPL",
	    "an edited post is extracted again");
	universe_free(&u);
}

int
main(void)
{
	sqlite3 *db;
	time_t now;

	clock_set_timezone("Europe/Berlin");
	clock_parse_iso("2026-03-30T14:30:00Z", &now);
	db = unitdb_fresh("posts");
	test_since(db, now);
	test_store(db, now);
	test_mentions(db, now);
	db_close(db);
	unitdb_remove();
	return unit_done();
}
