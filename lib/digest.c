/*
 * digest.c - the day's digest: built, stored, loaded.  See digest.h; the
 * JSON form is digest_json.c's.
 *
 * One query walks the date's mentions grouped by symbol; each group is
 * folded into one struct fold (totals, weight per subreddit, the best
 * titles), so memory grows with the number of tickers, not of mentions.
 * Ranked, each fold becomes a struct digest_ticker: its strings move
 * over, the weights that ordered them are dropped.
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
#include "util.h"

struct weighed {
	char *text;			/* a subreddit name or a title */
	double weight;
};

/* A ticker while the mentions are folded in: weights kept for ranking. */
struct fold {
	char *symbol;
	long mentions, posts, bullish, bearish;
	double weight;			/* rounded when ranked */
	struct weighed *subs;		/* weight per subreddit */
	size_t nsubs, subcap;
	struct weighed titles[DIGEST_TITLES];	/* best first */
	size_t ntitles;
};

struct folds {
	struct fold *v;
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

static int
oom(tb_err *e)
{
	return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
}

static void
fold_free(struct fold *f)
{
	size_t i;

	free(f->symbol);
	for (i = 0; i < f->nsubs; i++)
		free(f->subs[i].text);
	free(f->subs);
	for (i = 0; i < f->ntitles; i++)
		free(f->titles[i].text);
}

static void
folds_free(struct folds *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		fold_free(&fs->v[i]);
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}

/* A new, zeroed fold at the end of fs, or NULL when out of memory. */
static struct fold *
folds_push(struct folds *fs, const char *symbol)
{
	struct fold *f;

	if ((f = util_grow(fs->v, &fs->cap, fs->n + 1, sizeof *f)) == NULL)
		return NULL;
	fs->v = f;
	f = &fs->v[fs->n];
	memset(f, 0, sizeof *f);
	if ((f->symbol = strdup(symbol)) == NULL)
		return NULL;
	fs->n++;
	return f;
}

static int
add_subreddit(struct fold *f, const char *sub, double w)
{
	struct weighed *v;
	size_t i;

	for (i = 0; i < f->nsubs; i++)
		if (strcmp(f->subs[i].text, sub) == 0) {
			f->subs[i].weight += w;
			return 0;
		}
	if ((v = util_grow(f->subs, &f->subcap, f->nsubs + 1, sizeof *v)) ==
	    NULL)
		return -1;
	f->subs = v;
	if ((v[f->nsubs].text = strdup(sub)) == NULL)
		return -1;
	v[f->nsubs++].weight = w;
	return 0;
}

/* Keep title among the best DIGEST_TITLES (rows come oldest post first). */
static int
offer_title(struct fold *f, const char *title, double w)
{
	size_t i, at;
	char *copy;

	for (i = 0; i < f->ntitles; i++)
		if (strcmp(f->titles[i].text, title) == 0)
			return 0;
	for (at = 0; at < f->ntitles && f->titles[at].weight >= w; at++)
		;
	if (at == DIGEST_TITLES)
		return 0;
	if ((copy = strdup(title)) == NULL)
		return -1;
	if (f->ntitles == DIGEST_TITLES)
		free(f->titles[--f->ntitles].text);
	memmove(&f->titles[at + 1], &f->titles[at],
	    (f->ntitles - at) * sizeof f->titles[0]);
	f->titles[at].text = copy;
	f->titles[at].weight = w;
	f->ntitles++;
	return 0;
}

static int
fold_row(struct fold *f, const struct mention_row *r)
{
	double w = digest_post_weight(r->score, r->comments, r->cashtag);

	f->mentions += r->count;
	f->posts++;
	f->bullish += r->bullish;
	f->bearish += r->bearish;
	f->weight += w;
	if (add_subreddit(f, r->subreddit, w) != 0 ||
	    offer_title(f, r->title, w) != 0)
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
	const struct fold *x = a, *y = b;

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

/* Fold the date's mentions into fs, one fold per symbol. */
static int
gather(sqlite3 *db, const char *date, struct folds *fs, tb_err *e)
{
	sqlite3_stmt *st;
	struct mention_row r;
	struct fold *f = NULL;
	int rc = 0, step;

	if ((rc = db_prepare(db, "SELECT m.symbol, m.count, m.cashtag, "
	    "m.bullish, m.bearish, p.subreddit, p.title, p.score, "
	    "p.num_comments FROM ticker_mentions m JOIN reddit_posts p "
	    "ON p.id = m.post_id WHERE m.post_id IN (SELECT post_id FROM "
	    "post_rounds WHERE date = ?) ORDER BY m.symbol, p.created_utc, "
	    "p.id", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, date);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &r);
		if ((f == NULL || strcmp(f->symbol, r.symbol) != 0) &&
		    (f = folds_push(fs, r.symbol)) == NULL)
			rc = oom(e);
		else if (fold_row(f, &r) != 0)
			rc = oom(e);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(db, "read the mentions", e);
	sqlite3_finalize(st);
	return rc;
}

/* Finish every fold (rounding, subreddit order), then rank them. */
static void
rank(struct folds *fs)
{
	size_t i;

	if (fs->n == 0)
		return;
	for (i = 0; i < fs->n; i++) {
		fs->v[i].weight = round2(fs->v[i].weight);
		qsort(fs->v[i].subs, fs->v[i].nsubs, sizeof fs->v[i].subs[0],
		    cmp_weighed);
	}
	qsort(fs->v, fs->n, sizeof fs->v[0], cmp_rank);
}

static double
sentiment(long bull, long bear)
{
	if (bull + bear == 0)
		return 0;
	return round2((double)(bull - bear) / (double)(bull + bear));
}

/* A copy of an instrument's field; "" counts as unknown (NULL). */
static int
copy_known(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	return (*out = strdup(s)) != NULL ? 0 : -1;
}

/* Move ranked fold f into t (rank r); f keeps nothing worth freeing. */
static int
to_ticker(struct fold *f, size_t r, const struct universe *u,
    struct digest_ticker *t)
{
	const struct instrument *in = u->n ? universe_by_yahoo(u, f->symbol) :
	    NULL;
	size_t i;

	t->rank = r;
	t->symbol = f->symbol;
	f->symbol = NULL;
	t->mentions = f->mentions;
	t->posts = f->posts;
	t->bullish = f->bullish;
	t->bearish = f->bearish;
	t->weight = f->weight;
	t->sentiment = sentiment(f->bullish, f->bearish);
	for (i = 0; i < f->ntitles; i++) {
		t->titles[i] = f->titles[i].text;
		f->titles[i].text = NULL;
	}
	t->ntitles = f->ntitles;
	if (f->nsubs > 0 && (t->subreddits = calloc(f->nsubs,
	    sizeof *t->subreddits)) == NULL)
		return -1;
	for (i = 0; i < f->nsubs; i++) {
		t->subreddits[i] = f->subs[i].text;
		f->subs[i].text = NULL;
	}
	t->nsubreddits = f->nsubs;
	if (copy_known(in ? in->t212_ticker : NULL, &t->t212_ticker) != 0 ||
	    copy_known(in ? in->name : NULL, &t->name) != 0 ||
	    copy_known(in ? in->currency : NULL, &t->currency) != 0)
		return -1;
	return 0;
}

/* The ranked folds as d's tickers, named from the cached universe. */
static int
add_tickers(sqlite3 *db, struct digest *d, struct folds *fs, tb_err *e)
{
	struct universe u;
	size_t i;
	int rc;

	universe_init(&u);
	if ((rc = instruments_load(db, &u, e)) == 0 && fs->n > 0 &&
	    (d->tickers = calloc(fs->n, sizeof *d->tickers)) == NULL)
		rc = oom(e);
	for (i = 0; rc == 0 && i < fs->n; i++) {
		d->ntickers++;
		if (to_ticker(&fs->v[i], i + 1, &u, &d->tickers[i]) != 0)
			rc = oom(e);
	}
	universe_free(&u);
	return rc;
}

/* The date's rounds; whether one of them had the universe. */
static int
read_rounds(sqlite3 *db, struct digest *d, tb_err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int *grown, step, rc;

	if ((rc = db_prepare(db, "SELECT round, universe_loaded FROM "
	    "collection_rounds WHERE date = ? ORDER BY round", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, d->date);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((grown = util_grow(d->rounds, &cap, d->nrounds + 1,
		    sizeof *grown)) == NULL) {
			sqlite3_finalize(st);
			return oom(e);
		}
		d->rounds = grown;
		d->rounds[d->nrounds++] = sqlite3_column_int(st, 0);
		d->universe_loaded |= sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(db, "read the rounds", e);
}

static int
count_posts(sqlite3 *db, struct digest *d, tb_err *e)
{
	sqlite3_stmt *st;
	int step, rc;

	if ((rc = db_prepare(db, "SELECT count(DISTINCT post_id) FROM "
	    "post_rounds WHERE date = ?", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, d->date);
	if ((step = sqlite3_step(st)) == SQLITE_ROW)
		d->post_count = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? 0 : db_fail(db, "count the posts", e);
}

/* Everything but the tickers: the date, the stamp, rounds and posts. */
static int
digest_head(sqlite3 *db, const char *date, struct digest *d, tb_err *e)
{
	time_t now;
	int rc;

	if ((rc = clock_now(&now, e)) != 0)
		return rc;
	snprintf(d->date, sizeof d->date, "%s", date);
	clock_iso_utc(now, d->generated_at);
	if ((rc = read_rounds(db, d, e)) != 0)
		return rc;
	return count_posts(db, d, e);
}

static int
store(sqlite3 *db, const struct digest *d, const char *json, tb_err *e)
{
	sqlite3_stmt *st;
	char stamp[21];
	int rc;

	if ((rc = db_prepare(db, "INSERT INTO digests (date, created_at, "
	    "ticker_count, post_count, json) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (date) DO UPDATE SET created_at = ?2, "
	    "ticker_count = ?3, post_count = ?4, json = ?5", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, d->date);
	db_bind_text(st, 2, clock_iso_utc(time(NULL), stamp));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)d->ntickers);
	sqlite3_bind_int64(st, 4, d->post_count);
	db_bind_text(st, 5, json);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "store the digest", e);
}

int
digest_build(sqlite3 *db, const char *date, struct digest *out, tb_err *e)
{
	struct folds fs = { NULL, 0, 0 };
	char *json = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = digest_head(db, date, out, e)) == 0 &&
	    (rc = gather(db, date, &fs, e)) == 0) {
		rank(&fs);
		rc = add_tickers(db, out, &fs, e);
	}
	folds_free(&fs);
	if (rc == 0 && (json = digest_json(out)) == NULL)
		rc = oom(e);
	if (rc == 0)
		rc = store(db, out, json, e);
	free(json);
	if (rc != 0) {
		digest_free(out);
		return rc;
	}
	log_info("digest %s: %zu tickers from %ld posts", date, out->ntickers,
	    out->post_count);
	return 0;
}

int
digest_load(sqlite3 *db, const char *date, struct digest *out, tb_err *e)
{
	sqlite3_stmt *st;
	int step, rc;

	memset(out, 0, sizeof *out);
	if ((rc = db_prepare(db, "SELECT json FROM digests WHERE date = ?",
	    &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, date);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = digest_parse(db_column_text(st, 0), out, e)) ==
		    TB_EDATA) {
			char why[sizeof e->msg];

			snprintf(why, sizeof why, "%s", e->msg);
			tb_errf(e, TB_EDATA, "digest %s: the stored text is "
			    "not a digest: %s", date, why);
		}
	} else if (step == SQLITE_DONE)
		rc = tb_errf(e, TB_EDATA, "no digest for %s", date);
	else
		rc = db_fail(db, "read the digest", e);
	sqlite3_finalize(st);
	return rc;
}

static void
ticker_free(struct digest_ticker *t)
{
	size_t i;

	free(t->symbol);
	free(t->t212_ticker);
	free(t->name);
	free(t->currency);
	for (i = 0; i < t->nsubreddits; i++)
		free(t->subreddits[i]);
	free(t->subreddits);
	for (i = 0; i < t->ntitles; i++)
		free(t->titles[i]);
}

void
digest_free(struct digest *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->ntickers; i++)
		ticker_free(&d->tickers[i]);
	free(d->tickers);
	free(d->rounds);
	memset(d, 0, sizeof *d);
}
