/*
 * test_collect_digest.c - the digest (lib/digest.c) on a hand-made day.
 *
 * Posts, rounds and mentions are written straight into a fresh database,
 * so every number below follows from the weight formula of digest.h by
 * hand: ranking and its two tie-breaks, the title list (best three,
 * distinct), subreddit order, sentiment, a post counted once when two
 * rounds saw it, another date's posts left out, the empty day; and the
 * JSON edge: the struct stored, read back and printed byte for byte, a
 * stored text that is not a digest refused.
 */
#include "clock.h"
#include "db.h"
#include "digest.h"
#include "unit.h"
#include "unitdb.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAY "2026-03-30"

/*
 * Posts (score, comments) and their weight w = 1 + ln(1+s) + 0.5 ln(1+c):
 *   p1 r/a (100, 10)  w1 = 1 + ln 101 + 0.5 ln 11
 *   p2 r/b (0, 0)     w2 = 1
 *   p3 r/a (-5, -1)   w3 = 1 (negatives count as 0)
 *   p4 r/b (20, 3)    w4 = 1 + ln 21 + 0.5 ln 4
 *   p5 r/a (20, 3)    same title as p4, w5 = w4
 *   p6 r/c (1000, 0)  w6 = 1 + ln 1001, seen by rounds 1 and 2
 *   p9 r/a (5000, 5000) on another date only
 */
static const char setup_sql[] =
    "INSERT INTO collection_rounds (date, round, started_at, "
    "  universe_loaded) VALUES "
    "  ('" DAY "', 1, '2026-03-30T06:00:00Z', 0), "
    "  ('" DAY "', 2, '2026-03-30T10:00:00Z', 1), "
    "  ('2026-03-27', 1, '2026-03-27T06:00:00Z', 1);"
    "INSERT INTO reddit_posts (id, subreddit, title, score, num_comments, "
    "  created_utc, first_seen_date, first_seen_round, last_seen_date, "
    "  last_seen_round, updated_at) VALUES "
    "  ('p1', 'a', 'One', 100, 10, 1, '" DAY "', 1, '" DAY "', 1, 'x'), "
    "  ('p2', 'b', 'Two', 0, 0, 2, '" DAY "', 1, '" DAY "', 1, 'x'), "
    "  ('p3', 'a', 'Three', -5, -1, 3, '" DAY "', 1, '" DAY "', 1, 'x'), "
    "  ('p4', 'b', 'Same', 20, 3, 4, '" DAY "', 1, '" DAY "', 1, 'x'), "
    "  ('p5', 'a', 'Same', 20, 3, 5, '" DAY "', 1, '" DAY "', 1, 'x'), "
    "  ('p6', 'c', 'Six', 1000, 0, 6, '" DAY "', 1, '" DAY "', 2, 'x'), "
    "  ('p9', 'a', 'Nine', 5000, 5000, 9, '2026-03-27', 1, "
    "   '2026-03-27', 1, 'x');"
    "INSERT INTO post_rounds (post_id, date, round) VALUES "
    "  ('p1', '" DAY "', 1), ('p2', '" DAY "', 1), ('p3', '" DAY "', 1), "
    "  ('p4', '" DAY "', 1), ('p5', '" DAY "', 2), ('p6', '" DAY "', 1), "
    "  ('p6', '" DAY "', 2), ('p9', '2026-03-27', 1);"
    "INSERT INTO ticker_mentions (post_id, symbol, count, cashtag, "
    "  bullish, bearish) VALUES "
    /* XYZ: p1 as a cashtag, 3 times, 2 bullish; p2 once, 1 bearish. */
    "  ('p1', 'XYZ', 3, 1, 2, 0), ('p2', 'XYZ', 1, 0, 0, 1), "
    /* Ties at weight 1 (p2): YYY has more mentions; WWW < ZZZ by name. */
    "  ('p2', 'YYY', 2, 0, 0, 0), ('p2', 'ZZZ', 1, 0, 0, 0), "
    "  ('p2', 'WWW', 1, 0, 0, 0), "
    /* TTT: four posts, two with one title; the best three distinct. */
    "  ('p3', 'TTT', 1, 0, 1, 1), ('p4', 'TTT', 1, 0, 0, 0), "
    "  ('p5', 'TTT', 1, 0, 0, 0), ('p6', 'TTT', 1, 0, 0, 0), "
    "  ('p9', 'TTT', 9, 1, 9, 0), ('p9', 'OLD', 1, 0, 0, 0);";

static const cJSON *
ticker_at(const cJSON *doc, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "tickers"), i);
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItem(o, key);

	return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* The array of strings at key, joined by commas, into buf. */
static const char *
joined(const cJSON *o, const char *key, char *buf, size_t bufsz)
{
	const cJSON *it;
	size_t len = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(o, key)) {
		if (cJSON_IsNumber(it))
			len += snprintf(buf + len, bufsz - len, "%s%g",
			    len ? "," : "", it->valuedouble);
		else
			len += snprintf(buf + len, bufsz - len, "%s%s",
			    len ? "," : "", cJSON_IsString(it) ?
			    it->valuestring : "?");
		if (len >= bufsz)
			break;
	}
	return buf;
}

static void
test_weight(void)
{
	CHECK_NUM(digest_post_weight(0, 0, 0), 1, 1e-12,
	    "a post without votes or comments weighs 1");
	CHECK_NUM(digest_post_weight(-7, -2, 0), 1, 1e-12,
	    "negative scores and comments count as 0");
	CHECK_NUM(digest_post_weight(100, 10, 0), 1 + log(101) +
	    0.5 * log(11), 1e-12, "score and comments add logarithmically");
	CHECK_NUM(digest_post_weight(622, 198, 1), 15.1218, 1e-4,
	    "a cashtag post weighs 1.5 times (622, 198: 15.1218)");
}

static void
test_day(sqlite3 *db)
{
	double w1 = 1 + log(101) + 0.5 * log(11);
	double w4 = 1 + log(21) + 0.5 * log(4), w6 = 1 + log(1001);
	struct digest d, stored;
	const cJSON *t;
	cJSON *doc;
	char *json, *again, buf[256];
	tb_err e;

	tb_err_clear(&e);
	CHECK(digest_build(db, DAY, &d, &e) == 0, "build: %s", e.msg);
	json = digest_json(&d);
	doc = json != NULL ? cJSON_Parse(json) : NULL;
	CHECK(doc != NULL, "the digest is JSON");
	CHECK_STR(str(doc, "date"), DAY, "date");
	CHECK_STR(str(doc, "generated_at"), "2026-03-30T15:10:00Z",
	    "generated_at: now (TB_NOW) in UTC");
	CHECK_STR(joined(doc, "rounds", buf, sizeof buf), "1,2",
	    "the day's rounds, not another day's");
	CHECK_NUM(num(doc, "post_count"), 6, 0,
	    "six posts: p6 counted once though two rounds saw it");
	CHECK_STR(str(doc, "universe"), "loaded",
	    "loaded: round 2 had the universe");
	CHECK_NUM(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "tickers")), 5,
	    0, "five tickers (OLD is another day's)");

	t = ticker_at(doc, 0);
	CHECK_STR(str(t, "symbol"), "TTT", "rank 1: TTT");
	CHECK_NUM(num(t, "rank"), 1, 0, "ranks count from 1");
	CHECK_NUM(num(t, "weight"), round((1 + w4 + w4 + w6) * 100) / 100,
	    1e-9, "TTT's weight is w3 + w4 + w5 + w6, rounded to 2 decimals");
	CHECK_NUM(num(t, "mentions"), 4, 0, "TTT: 4 mentions, not p9's");
	CHECK_NUM(num(t, "posts"), 4, 0, "TTT: 4 posts");
	CHECK_STR(joined(t, "titles", buf, sizeof buf), "Six,Same,Three",
	    "the best three distinct titles, highest weight first");
	CHECK_STR(joined(t, "subreddits", buf, sizeof buf), "c,a,b",
	    "subreddits by weight: c (w6) > a (1 + w5) > b (w4)");
	CHECK_NUM(num(t, "sentiment"), 0, 0, "one bullish, one bearish: 0");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(t, "t212_ticker")) &&
	    cJSON_IsNull(cJSON_GetObjectItem(t, "name")) &&
	    cJSON_IsNull(cJSON_GetObjectItem(t, "currency")),
	    "not in the universe: t212_ticker, name, currency null");

	t = ticker_at(doc, 1);
	CHECK_STR(str(t, "symbol"), "XYZ", "rank 2: XYZ");
	CHECK_NUM(num(t, "weight"), round((1.5 * w1 + 1) * 100) / 100, 1e-9,
	    "XYZ: 1.5 w1 (cashtag, once for 3 mentions) + w2");
	CHECK_NUM(num(t, "mentions"), 4, 0, "XYZ: 3 + 1 mentions");
	CHECK_NUM(num(t, "bullish"), 2, 0, "XYZ: 2 bullish");
	CHECK_NUM(num(t, "bearish"), 1, 0, "XYZ: 1 bearish");
	CHECK_NUM(num(t, "sentiment"), 0.33, 1e-12,
	    "XYZ: (2 - 1) / 3, rounded to 2 decimals");
	CHECK_STR(joined(t, "titles", buf, sizeof buf), "One,Two",
	    "two posts, two titles");

	CHECK_STR(str(ticker_at(doc, 2), "symbol"), "YYY",
	    "weight 1 each: YYY first by its 2 mentions");
	CHECK_STR(str(ticker_at(doc, 3), "symbol"), "WWW",
	    "then WWW and ZZZ by symbol");
	CHECK_STR(str(ticker_at(doc, 4), "symbol"), "ZZZ", "ZZZ last");
	CHECK_NUM(num(ticker_at(doc, 4), "rank"), 5, 0, "rank 5");

	/* The struct is what the document says. */
	CHECK(d.ntickers == 5 && d.nrounds == 2 && d.rounds[1] == 2 &&
	    d.post_count == 6 && d.universe_loaded, "the struct's head");
	CHECK(d.tickers[1].rank == 2 && strcmp(d.tickers[1].symbol, "XYZ") ==
	    0 && d.tickers[1].mentions == 4 && d.tickers[1].bullish == 2 &&
	    d.tickers[1].ntitles == 2 && d.tickers[1].nsubreddits == 2 &&
	    strcmp(d.tickers[1].subreddits[0], "a") == 0 &&
	    d.tickers[1].t212_ticker == NULL, "the struct's XYZ");

	CHECK(digest_load(db, DAY, &stored, &e) == 0, "load: %s", e.msg);
	again = digest_json(&stored);
	CHECK_STR(again, json, "the stored digest reads back to the same "
	    "bytes");
	free(again);
	digest_free(&stored);
	cJSON_Delete(doc);
	free(json);
	digest_free(&d);
	CHECK(d.tickers == NULL && d.ntickers == 0, "digest_free empties it");

	CHECK(digest_build(db, DAY, &d, &e) == 0, "rebuild");
	digest_free(&d);
	CHECK(digest_load(db, "2026-01-05", &stored, &e) == TB_EDATA &&
	    stored.ntickers == 0, "no digest: TB_EDATA");
	CHECK_STR(e.msg, "no digest for 2026-01-05", "and says so");
}

static void
test_empty_day(sqlite3 *db)
{
	struct digest d;
	cJSON *doc;
	char *json;
	tb_err e;

	tb_err_clear(&e);
	CHECK(digest_build(db, "2026-03-31", &d, &e) == 0,
	    "a day without rounds builds");
	json = digest_json(&d);
	doc = cJSON_Parse(json);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "tickers")) == 0 &&
	    cJSON_GetArraySize(cJSON_GetObjectItem(doc, "rounds")) == 0 &&
	    num(doc, "post_count") == 0, "empty: no tickers, rounds, posts");
	CHECK_STR(str(doc, "universe"), "missing", "no round: missing");
	cJSON_Delete(doc);
	free(json);
	digest_free(&d);
}

/* digest_parse refuses what is not a digest, naming the field. */
static void
test_parse(sqlite3 *db)
{
	static const char good[] = "{\"date\":\"2026-03-30\","
	    "\"generated_at\":\"2026-03-30T15:10:00Z\",\"rounds\":[1],"
	    "\"post_count\":1,\"universe\":\"missing\",\"tickers\":[{"
	    "\"rank\":1,\"symbol\":\"AAPL\",\"t212_ticker\":null,"
	    "\"name\":null,\"currency\":null,\"mentions\":2,\"posts\":1,"
	    "\"weight\":1.5,\"bullish\":0,\"bearish\":1,"
	    "\"sentiment\":-1,\"subreddits\":[\"stocks\"],"
	    "\"titles\":[\"t\"]}]}";
	static const struct { const char *from, *to, *why; } broken[] = {
		{ "\"weight\":1.5", "\"weight\":\"1.5\"",
		    "\"weight\" is not a number" },
		{ "\"symbol\":\"AAPL\"", "\"symbol\":null",
		    "\"symbol\" is not a string" },
		{ "\"universe\":\"missing\"", "\"universe\":\"maybe\"",
		    "\"universe\" is not \"loaded\" or \"missing\"" },
		{ "\"titles\":[\"t\"]", "\"titles\":[\"a\",\"b\",\"c\",\"d\"]",
		    "\"titles\" is not a list of at most 3 strings" },
		{ "\"mentions\":2", "\"mentions\":-2",
		    "\"mentions\" is not a count" },
	};
	struct digest d;
	char text[1024], *json;
	const char *at;
	size_t i;
	tb_err e;

	CHECK(digest_parse(good, &d, &e) == 0, "a digest document parses: %s",
	    e.msg);
	json = digest_json(&d);
	CHECK_STR(json, good, "and prints back the same bytes");
	free(json);
	digest_free(&d);
	for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		at = strstr(good, broken[i].from);
		snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good,
		    broken[i].to, at + strlen(broken[i].from));
		CHECK(digest_parse(text, &d, &e) == TB_EDATA &&
		    d.tickers == NULL && d.rounds == NULL,
		    "refused, nothing kept: %s", broken[i].why);
		CHECK_STR(e.msg, broken[i].why, "and the message names it");
	}
	CHECK(digest_parse("[1,2]", &d, &e) == TB_EDATA, "an array: refused");
	CHECK(digest_parse("{\"date\":", &d, &e) == TB_EDATA &&
	    strcmp(e.msg, "not JSON") == 0, "cut short: not JSON");

	CHECK(db_exec(db, "UPDATE digests SET json = '{\"date\":1}' "
	    "WHERE date = '" DAY "'", &e) == 0, "corrupt the stored digest");
	CHECK(digest_load(db, DAY, &d, &e) == TB_EDATA && d.ntickers == 0,
	    "a stored text that is not a digest: TB_EDATA");
	CHECK(strstr(e.msg, "digest " DAY ": the stored text is not a "
	    "digest") != NULL, "saying so: %s", e.msg);
}

static int
count_digests(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM digests", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
main(void)
{
	sqlite3 *db;
	tb_err e;

	tb_err_clear(&e);
	setenv("TB_NOW", "2026-03-30T17:10:00+02:00", 1);
	clock_set_timezone("Europe/Berlin");
	test_weight();
	db = unitdb_fresh("digest");
	CHECK(db_exec(db, setup_sql, &e) == 0, "setup: %s", e.msg);
	test_day(db);
	test_empty_day(db);
	CHECK(count_digests(db) == 2, "one stored digest per date");
	test_parse(db);
	db_close(db);
	unitdb_remove();
	return unit_done();
}
