/*
 * digest.c - the day's digest.  See digest.h.
 *
 * One query walks the date's mentions grouped by symbol; each group is
 * folded into one struct ticker (totals, weight per subreddit, the best
 * titles), so memory grows with the number of tickers, not of mentions.
 */
#include "digest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "instruments.h"
#include "log.h"
#include "symbols.h"

struct weighed {
	char *text;			/* a subreddit name or a title */
	double weight;
};

struct ticker {
	char *symbol;
	long mentions, posts, bullish, bearish;
	double weight;			/* rounded when ranked */
	struct weighed *subs;		/* weight per subreddit */
	size_t nsubs;
	struct weighed titles[DIGEST_TITLES];	/* best first */
	size_t ntitles;
};

struct tickers {
	struct ticker *v;
	size_t n, cap;
};

/* One row of the mentions query. */
struct mention_row {
	const char *symbol, *subreddit, *title;
	long count, bullish, bearish;
	int cashtag;
	long long score, comments;
};

double
digest_post_weight(long long score, long long num_comments, int cashtag)
{
	double w;

	w = 1 + log1p((double)(score > 0 ? score : 0)) +
	    0.5 * log1p((double)(num_comments > 0 ? num_comments : 0));
	return cashtag ? 1.5 * w : w;
}

static double
round2(double x)
{
	return round(x * 100) / 100;
}

static void
ticker_free(struct ticker *t)
{
	size_t i;

	free(t->symbol);
	for (i = 0; i < t->nsubs; i++)
		free(t->subs[i].text);
	free(t->subs);
	for (i = 0; i < t->ntitles; i++)
		free(t->titles[i].text);
}

static void
tickers_free(struct tickers *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		ticker_free(&ts->v[i]);
	free(ts->v);
	memset(ts, 0, sizeof *ts);
}

/* A new, zeroed ticker at the end of ts, or NULL when out of memory. */
static struct ticker *
tickers_push(struct tickers *ts, const char *symbol)
{
	struct ticker *t;

	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 64;

		if ((t = realloc(ts->v, cap * sizeof *t)) == NULL)
			return NULL;
		ts->v = t;
		ts->cap = cap;
	}
	t = &ts->v[ts->n];
	memset(t, 0, sizeof *t);
	if ((t->symbol = strdup(symbol)) == NULL)
		return NULL;
	ts->n++;
	return t;
}

static int
add_subreddit(struct ticker *t, const char *sub, double w)
{
	struct weighed *v;
	size_t i;

	for (i = 0; i < t->nsubs; i++)
		if (strcmp(t->subs[i].text, sub) == 0) {
			t->subs[i].weight += w;
			return 0;
		}
	if ((v = realloc(t->subs, (t->nsubs + 1) * sizeof *v)) == NULL)
		return -1;
	t->subs = v;
	if ((v[t->nsubs].text = strdup(sub)) == NULL)
		return -1;
	v[t->nsubs++].weight = w;
	return 0;
}

/* Keep title among the best DIGEST_TITLES (rows come oldest post first). */
static int
offer_title(struct ticker *t, const char *title, double w)
{
	size_t i, at;
	char *copy;

	for (i = 0; i < t->ntitles; i++)
		if (strcmp(t->titles[i].text, title) == 0)
			return 0;
	for (at = 0; at < t->ntitles && t->titles[at].weight >= w; at++)
		;
	if (at == DIGEST_TITLES)
		return 0;
	if ((copy = strdup(title)) == NULL)
		return -1;
	if (t->ntitles == DIGEST_TITLES)
		free(t->titles[--t->ntitles].text);
	memmove(&t->titles[at + 1], &t->titles[at],
	    (t->ntitles - at) * sizeof t->titles[0]);
	t->titles[at].text = copy;
	t->titles[at].weight = w;
	t->ntitles++;
	return 0;
}

static int
fold_row(struct ticker *t, const struct mention_row *r)
{
	double w = digest_post_weight(r->score, r->comments, r->cashtag);

	t->mentions += r->count;
	t->posts++;
	t->bullish += r->bullish;
	t->bearish += r->bearish;
	t->weight += w;
	if (add_subreddit(t, r->subreddit, w) != 0 ||
	    offer_title(t, r->title, w) != 0)
		return -1;
	return 0;
}

static int
cmp_weighed(const void *a, const void *b)
{
	const struct weighed *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return strcmp(x->text, y->text);
}

static int
cmp_rank(const void *a, const void *b)
{
	const struct ticker *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	if (x->mentions != y->mentions)
		return x->mentions < y->mentions ? 1 : -1;
	return strcmp(x->symbol, y->symbol);
}

static void
read_row(sqlite3_stmt *st, struct mention_row *r)
{
	r->symbol = db_column_text(st, 0);
	r->count = (long)sqlite3_column_int64(st, 1);
	r->cashtag = sqlite3_column_int(st, 2) != 0;
	r->bullish = (long)sqlite3_column_int64(st, 3);
	r->bearish = (long)sqlite3_column_int64(st, 4);
	r->subreddit = db_column_text(st, 5);
	r->title = db_column_text(st, 6);
	r->score = sqlite3_column_int64(st, 7);
	r->comments = sqlite3_column_int64(st, 8);
}

/* Fold the date's mentions into ts, one ticker per symbol. */
static int
gather(sqlite3 *db, const char *date, struct tickers *ts, tb_err *e)
{
	sqlite3_stmt *st;
	struct mention_row r;
	struct ticker *t = NULL;
	int rc = 0, step;

	if (db_prepare(db, "SELECT m.symbol, m.count, m.cashtag, m.bullish, "
	    "m.bearish, p.subreddit, p.title, p.score, p.num_comments "
	    "FROM ticker_mentions m JOIN reddit_posts p ON p.id = m.post_id "
	    "WHERE m.post_id IN (SELECT post_id FROM post_rounds "
	    "WHERE date = ?) ORDER BY m.symbol, p.created_utc, p.id", &st,
	    e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &r);
		if ((t == NULL || strcmp(t->symbol, r.symbol) != 0) &&
		    (t = tickers_push(ts, r.symbol)) == NULL)
			rc = tb_errf(e, TB_EINTERNAL, "digest: out of memory");
		else if (fold_row(t, &r) != 0)
			rc = tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(db, "read the mentions", e);
	sqlite3_finalize(st);
	return rc;
}

/* Finish every ticker (rounding, subreddit order), then rank them. */
static void
rank(struct tickers *ts)
{
	size_t i;

	if (ts->n == 0)
		return;
	for (i = 0; i < ts->n; i++) {
		ts->v[i].weight = round2(ts->v[i].weight);
		qsort(ts->v[i].subs, ts->v[i].nsubs, sizeof ts->v[i].subs[0],
		    cmp_weighed);
	}
	qsort(ts->v, ts->n, sizeof ts->v[0], cmp_rank);
}

static cJSON *
string_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? cJSON_CreateString(s) :
	    cJSON_CreateNull();
}

static double
sentiment(long bull, long bear)
{
	if (bull + bear == 0)
		return 0;
	return round2((double)(bull - bear) / (double)(bull + bear));
}

static cJSON *
ticker_json(const struct ticker *t, size_t rank_no, const struct universe *u)
{
	const struct instrument *in = u->n ? universe_by_yahoo(u, t->symbol) :
	    NULL;
	cJSON *o = cJSON_CreateObject(), *subs, *titles;
	size_t i;

	if (o == NULL)
		return NULL;
	cJSON_AddNumberToObject(o, "rank", (double)rank_no);
	cJSON_AddStringToObject(o, "symbol", t->symbol);
	cJSON_AddItemToObject(o, "t212_ticker",
	    string_or_null(in ? in->t212_ticker : NULL));
	cJSON_AddItemToObject(o, "name", string_or_null(in ? in->name : NULL));
	cJSON_AddItemToObject(o, "currency",
	    string_or_null(in ? in->currency : NULL));
	cJSON_AddNumberToObject(o, "mentions", (double)t->mentions);
	cJSON_AddNumberToObject(o, "posts", (double)t->posts);
	cJSON_AddNumberToObject(o, "weight", t->weight);
	cJSON_AddNumberToObject(o, "bullish", (double)t->bullish);
	cJSON_AddNumberToObject(o, "bearish", (double)t->bearish);
	cJSON_AddNumberToObject(o, "sentiment",
	    sentiment(t->bullish, t->bearish));
	subs = cJSON_AddArrayToObject(o, "subreddits");
	for (i = 0; subs != NULL && i < t->nsubs; i++)
		cJSON_AddItemToArray(subs, cJSON_CreateString(t->subs[i].text));
	titles = cJSON_AddArrayToObject(o, "titles");
	for (i = 0; titles != NULL && i < t->ntitles; i++)
		cJSON_AddItemToArray(titles,
		    cJSON_CreateString(t->titles[i].text));
	return o;
}

/* The date's rounds into arr; *loaded: whether one had the universe. */
static int
add_rounds(sqlite3 *db, const char *date, cJSON *arr, int *loaded,
    tb_err *e)
{
	sqlite3_stmt *st;
	int step;

	*loaded = 0;
	if (db_prepare(db, "SELECT round, universe_loaded FROM "
	    "collection_rounds WHERE date = ? ORDER BY round", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON_AddItemToArray(arr,
		    cJSON_CreateNumber(sqlite3_column_int(st, 0)));
		*loaded |= sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(db, "read the rounds", e);
}

static int
count_posts(sqlite3 *db, const char *date, long *n, tb_err *e)
{
	sqlite3_stmt *st;
	int step;

	if (db_prepare(db, "SELECT count(DISTINCT post_id) FROM post_rounds "
	    "WHERE date = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	if ((step = sqlite3_step(st)) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? 0 : db_fail(db, "count the posts", e);
}

/* The document's head: everything but the tickers. */
static int
digest_head(sqlite3 *db, const char *date, cJSON *doc, long *posts,
    tb_err *e)
{
	cJSON *rounds;
	char stamp[21];
	time_t now;
	int loaded, rc;

	if ((rc = clock_now(&now, e)) != 0)
		return rc;
	cJSON_AddStringToObject(doc, "date", date);
	cJSON_AddStringToObject(doc, "generated_at", clock_iso_utc(now, stamp));
	if ((rounds = cJSON_AddArrayToObject(doc, "rounds")) == NULL)
		return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	if ((rc = add_rounds(db, date, rounds, &loaded, e)) != 0 ||
	    (rc = count_posts(db, date, posts, e)) != 0)
		return rc;
	cJSON_AddNumberToObject(doc, "post_count", (double)*posts);
	cJSON_AddStringToObject(doc, "universe", loaded ? "loaded" :
	    "missing");
	return 0;
}

static int
store(sqlite3 *db, const char *date, size_t tickers, long posts,
    const char *json, tb_err *e)
{
	sqlite3_stmt *st;
	char stamp[21];
	int rc;

	if (db_prepare(db, "INSERT INTO digests (date, created_at, "
	    "ticker_count, post_count, json) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (date) DO UPDATE SET created_at = ?2, "
	    "ticker_count = ?3, post_count = ?4, json = ?5", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, clock_iso_utc(time(NULL), stamp));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)tickers);
	sqlite3_bind_int64(st, 4, posts);
	db_bind_text(st, 5, json);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "store the digest", e);
}

/* The tickers array of the document, ranked. */
static int
add_tickers(cJSON *doc, const struct tickers *ts, const struct universe *u,
    tb_err *e)
{
	cJSON *arr, *item;
	size_t i;

	if ((arr = cJSON_AddArrayToObject(doc, "tickers")) == NULL)
		return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	for (i = 0; i < ts->n; i++) {
		if ((item = ticker_json(&ts->v[i], i + 1, u)) == NULL)
			return tb_errf(e, TB_EINTERNAL,
			    "digest: out of memory");
		cJSON_AddItemToArray(arr, item);
	}
	return 0;
}

int
digest_build(sqlite3 *db, const char *date, const struct tb_config *cfg,
    char **json_out, tb_err *e)
{
	struct tickers ts = { NULL, 0, 0 };
	struct universe u;
	cJSON *doc;
	long posts = 0;
	int rc;

	(void)cfg;
	*json_out = NULL;
	universe_init(&u);
	if ((doc = cJSON_CreateObject()) == NULL)
		return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	if ((rc = digest_head(db, date, doc, &posts, e)) == 0 &&
	    (rc = gather(db, date, &ts, e)) == 0 &&
	    (rc = instruments_load(db, &u, e)) == 0) {
		rank(&ts);
		rc = add_tickers(doc, &ts, &u, e);
	}
	if (rc == 0 && (*json_out = cJSON_PrintUnformatted(doc)) == NULL)
		rc = tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	if (rc == 0 && (rc = store(db, date, ts.n, posts, *json_out, e)) != 0) {
		free(*json_out);
		*json_out = NULL;
	}
	if (rc == 0)
		log_info("digest %s: %zu tickers from %ld posts", date, ts.n,
		    posts);
	cJSON_Delete(doc);
	tickers_free(&ts);
	universe_free(&u);
	return rc;
}

int
digest_load(sqlite3 *db, const char *date, cJSON **out, tb_err *e)
{
	sqlite3_stmt *st;
	int step, rc = 0;

	*out = NULL;
	if (db_prepare(db, "SELECT json FROM digests WHERE date = ?", &st,
	    e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((*out = cJSON_Parse(db_column_text(st, 0))) == NULL)
			rc = tb_errf(e, TB_EINTERNAL, "digest %s: the stored "
			    "JSON does not parse", date);
	} else if (step == SQLITE_DONE)
		rc = tb_errf(e, TB_EDATA, "no digest for %s", date);
	else
		rc = db_fail(db, "read the digest", e);
	sqlite3_finalize(st);
	return rc;
}
