/*
 * posts.c - storing a collection round.  See posts.h.
 */
#include "posts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "tickers.h"

#define DAY_S (24 * 60 * 60)

/* The ids of the posts this run stored: an open-addressing hash set. */
struct posts_idset {
	char **slot;
	size_t cap;			/* a power of two */
	size_t n;
};

static uint64_t
hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
idset_free(struct posts_idset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	free(set);
}

/* Where id is, or the empty slot where it would go (cap must be > 0). */
static char **
idset_find(const struct posts_idset *set, const char *id)
{
	size_t i = (size_t)hash_id(id) & (set->cap - 1);

	while (set->slot[i] != NULL && strcmp(set->slot[i], id) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slot[i];
}

static int
idset_has(const struct posts_idset *set, const char *id)
{
	return set->cap > 0 && *idset_find(set, id) != NULL;
}

static int
idset_grow(struct posts_idset *set)
{
	struct posts_idset bigger;
	size_t i;

	bigger.cap = set->cap ? set->cap * 2 : 256;
	bigger.n = set->n;
	if ((bigger.slot = calloc(bigger.cap, sizeof *bigger.slot)) == NULL)
		return -1;
	for (i = 0; i < set->cap; i++)
		if (set->slot[i] != NULL)
			*idset_find(&bigger, set->slot[i]) = set->slot[i];
	free(set->slot);
	*set = bigger;
	return 0;
}

/* Add id: 1 if added, 0 if it was there, -1 when out of memory. */
static int
idset_add(struct posts_idset *set, const char *id)
{
	char **slot;

	if ((set->n + 1) * 2 > set->cap && idset_grow(set) != 0)
		return -1;
	slot = idset_find(set, id);
	if (*slot != NULL)
		return 0;
	if ((*slot = strdup(id)) == NULL)
		return -1;
	set->n++;
	return 1;
}

int
posts_since(sqlite3 *db, const char *date, int round, time_t now,
    time_t *since, tb_err *e)
{
	sqlite3_stmt *st;
	char stamp[21];
	time_t prev;
	int rc;

	*since = now - DAY_S;
	if (db_prepare(db, "SELECT max(started_at) FROM collection_rounds "
	    "WHERE started_at < ? AND NOT (date = ? AND round = ?)", &st,
	    e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, clock_iso_utc(now, stamp));
	db_bind_text(st, 2, date);
	sqlite3_bind_int(st, 3, round);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(db, "read the previous round", e);
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    clock_parse_iso(db_column_text(st, 0), &prev) == 0 &&
	    prev > *since)
		*since = prev;
	sqlite3_finalize(st);
	return 0;
}

static int
step_done(sqlite3 *db, sqlite3_stmt *st, const char *what, tb_err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, what, e);
}

static int
record_round_start(sqlite3 *db, const char *date, int round,
    const char *stamp, int universe_loaded, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, "INSERT INTO collection_rounds (date, round, "
	    "started_at, universe_loaded) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (date, round) DO UPDATE SET started_at = ?3, "
	    "finished_at = NULL, posts_fetched = 0, posts_new = 0, "
	    "posts_updated = 0, errors_json = NULL, universe_loaded = ?4",
	    &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	sqlite3_bind_int(st, 2, round);
	db_bind_text(st, 3, stamp);
	sqlite3_bind_int(st, 4, universe_loaded);
	rc = step_done(db, st, "record the collection round", e);
	sqlite3_finalize(st);
	return rc;
}

/*
 * The post columns are bound by number, the same for INSERT and UPDATE:
 * ?1 id, ?2 subreddit, ?3 title, ?4 selftext, ?5 author, ?6 score,
 * ?7 num_comments, ?8 upvote_ratio, ?9 created_utc, ?10 permalink,
 * ?11 flair, ?12 date, ?13 round, ?14 updated_at.
 */
static const char insert_sql[] =
    "INSERT INTO reddit_posts (id, subreddit, title, selftext, author, "
    "score, num_comments, upvote_ratio, created_utc, permalink, flair, "
    "first_seen_date, first_seen_round, last_seen_date, last_seen_round, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
    "?12, ?13, ?12, ?13, ?14)";

/* A rerun of an earlier round must not move first/last seen the wrong way. */
static const char update_sql[] =
    "UPDATE reddit_posts SET subreddit = ?2, title = ?3, selftext = ?4, "
    "author = ?5, score = ?6, num_comments = ?7, upvote_ratio = ?8, "
    "created_utc = ?9, permalink = ?10, flair = ?11, "
    "first_seen_date = CASE WHEN ?12 < first_seen_date OR (?12 = "
    "first_seen_date AND ?13 < first_seen_round) THEN ?12 ELSE "
    "first_seen_date END, "
    "first_seen_round = CASE WHEN ?12 < first_seen_date OR (?12 = "
    "first_seen_date AND ?13 < first_seen_round) THEN ?13 ELSE "
    "first_seen_round END, "
    "last_seen_date = CASE WHEN ?12 > last_seen_date OR (?12 = "
    "last_seen_date AND ?13 > last_seen_round) THEN ?12 ELSE "
    "last_seen_date END, "
    "last_seen_round = CASE WHEN ?12 > last_seen_date OR (?12 = "
    "last_seen_date AND ?13 > last_seen_round) THEN ?13 ELSE "
    "last_seen_round END, "
    "updated_at = ?14 WHERE id = ?1";

static int
prepare_all(struct posts_round *r, tb_err *e)
{
	if (db_prepare(r->db, "SELECT title, selftext FROM reddit_posts "
	    "WHERE id = ?", &r->find, e) != 0 ||
	    db_prepare(r->db, insert_sql, &r->insert, e) != 0 ||
	    db_prepare(r->db, update_sql, &r->update, e) != 0 ||
	    db_prepare(r->db, "INSERT OR IGNORE INTO post_rounds (post_id, "
	    "date, round) VALUES (?, ?, ?)", &r->link, e) != 0 ||
	    db_prepare(r->db, "DELETE FROM ticker_mentions WHERE post_id = ?",
	    &r->forget, e) != 0 ||
	    db_prepare(r->db, "INSERT INTO ticker_mentions (post_id, symbol, "
	    "count, cashtag, bullish, bearish) VALUES (?, ?, ?, ?, ?, ?)",
	    &r->mention, e) != 0)
		return TB_EINTERNAL;
	return 0;
}

int
posts_round_begin(struct posts_round *r, sqlite3 *db, const char *date,
    int round, time_t started, const struct universe *u, tb_err *e)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->db = db;
	r->u = u;
	snprintf(r->date, sizeof r->date, "%s", date);
	r->round = round;
	r->started = started;
	clock_iso_utc(started, r->stamp);
	if ((r->seen = calloc(1, sizeof *r->seen)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "posts: out of memory");
	if ((rc = record_round_start(db, r->date, round, r->stamp, u != NULL,
	    e)) != 0 || (rc = prepare_all(r, e)) != 0) {
		posts_round_free(r);
		return rc;
	}
	return 0;
}

void
posts_round_free(struct posts_round *r)
{
	sqlite3_finalize(r->find);
	sqlite3_finalize(r->insert);
	sqlite3_finalize(r->update);
	sqlite3_finalize(r->link);
	sqlite3_finalize(r->forget);
	sqlite3_finalize(r->mention);
	idset_free(r->seen);
	memset(r, 0, sizeof *r);
}

/* Whether the post is stored (*exists) and whether its text differs. */
static int
find_post(struct posts_round *r, const struct reddit_post *p, int *exists,
    int *changed, tb_err *e)
{
	int rc;

	*exists = *changed = 0;
	db_bind_text(r->find, 1, p->id);
	if ((rc = sqlite3_step(r->find)) == SQLITE_ROW) {
		*exists = 1;
		*changed = strcmp(db_column_text(r->find, 0), p->title) != 0 ||
		    strcmp(db_column_text(r->find, 1), p->selftext) != 0;
	}
	sqlite3_reset(r->find);
	sqlite3_clear_bindings(r->find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r->db, "look up a post", e);
	return 0;
}

static int
write_post(struct posts_round *r, const struct reddit_post *p, int exists,
    tb_err *e)
{
	sqlite3_stmt *st = exists ? r->update : r->insert;

	db_bind_text(st, 1, p->id);
	db_bind_text(st, 2, p->subreddit);
	db_bind_text(st, 3, p->title);
	db_bind_text(st, 4, p->selftext);
	db_bind_text(st, 5, p->author);
	sqlite3_bind_int64(st, 6, p->score);
	sqlite3_bind_int64(st, 7, p->num_comments);
	if (p->upvote_ratio >= 0)
		sqlite3_bind_double(st, 8, p->upvote_ratio);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_double(st, 9, p->created_utc);
	db_bind_text(st, 10, p->permalink);
	db_bind_text(st, 11, p->flair);
	db_bind_text(st, 12, r->date);
	sqlite3_bind_int(st, 13, r->round);
	db_bind_text(st, 14, r->stamp);
	if (step_done(r->db, st, "store a post", e) != 0)
		return TB_EINTERNAL;
	db_bind_text(r->link, 1, p->id);
	db_bind_text(r->link, 2, r->date);
	sqlite3_bind_int(r->link, 3, r->round);
	return step_done(r->db, r->link, "link a post to its round", e);
}

/* Replace the post's mentions by what its text says now. */
static int
write_mentions(struct posts_round *r, const struct reddit_post *p,
    tb_err *e)
{
	struct mention *m;
	size_t n, i;
	int rc;

	db_bind_text(r->forget, 1, p->id);
	if ((rc = step_done(r->db, r->forget, "forget mentions", e)) != 0)
		return rc;
	if ((rc = tickers_extract(r->u, p->title, p->selftext, &m, &n, e)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		db_bind_text(r->mention, 1, p->id);
		db_bind_text(r->mention, 2, m[i].symbol);
		sqlite3_bind_int(r->mention, 3, m[i].count);
		sqlite3_bind_int(r->mention, 4, m[i].cashtag);
		sqlite3_bind_int(r->mention, 5, m[i].bull);
		sqlite3_bind_int(r->mention, 6, m[i].bear);
		rc = step_done(r->db, r->mention, "store a mention", e);
	}
	free(m);
	return rc;
}

/* Whether posts[i] was stored by this run or earlier in this batch. */
static int
met_before(const struct posts_round *r, const struct reddit_post *posts,
    size_t i)
{
	size_t j;

	if (idset_has(r->seen, posts[i].id))
		return 1;
	for (j = 0; j < i; j++)
		if (strcmp(posts[j].id, posts[i].id) == 0)
			return 1;
	return 0;
}

/* Store one post; *outcome is 1 if it is new, 2 if it was stored. */
static int
store_one(struct posts_round *r, const struct reddit_post *p, int *outcome,
    tb_err *e)
{
	int exists, changed, rc;

	if ((rc = find_post(r, p, &exists, &changed, e)) != 0 ||
	    (rc = write_post(r, p, exists, e)) != 0)
		return rc;
	if ((!exists || changed || r->u != NULL) &&
	    (rc = write_mentions(r, p, e)) != 0)
		return rc;
	*outcome = exists ? 2 : 1;
	return 0;
}

int
posts_store(struct posts_round *r, const struct reddit_post *posts,
    size_t n, struct posts_count *count, tb_err *e)
{
	struct posts_count c = { 0, 0, 0 };
	size_t i;
	int outcome, rc;

	if ((rc = db_begin(r->db, e)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		if (met_before(r, posts, i))
			continue;
		if ((rc = store_one(r, &posts[i], &outcome, e)) != 0)
			break;
		c.fetched++;
		c.added += outcome == 1;
		c.updated += outcome == 2;
	}
	if (rc != 0 || (rc = db_commit(r->db, e)) != 0) {
		db_rollback(r->db);
		return rc;
	}
	/* Only now: the ids of a rolled-back batch were never stored. */
	for (i = 0; i < n; i++)
		if (idset_add(r->seen, posts[i].id) < 0)
			return tb_errf(e, TB_EINTERNAL, "posts: out of memory");
	count->fetched += c.fetched;
	count->added += c.added;
	count->updated += c.updated;
	return 0;
}

int
posts_round_end(struct posts_round *r, const struct posts_count *total,
    const char *errors_json, time_t finished, tb_err *e)
{
	sqlite3_stmt *st;
	char stamp[21];
	int rc;

	if (db_prepare(r->db, "UPDATE collection_rounds SET finished_at = ?, "
	    "posts_fetched = ?, posts_new = ?, posts_updated = ?, "
	    "errors_json = ? WHERE date = ? AND round = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, clock_iso_utc(finished, stamp));
	sqlite3_bind_int64(st, 2, total->fetched);
	sqlite3_bind_int64(st, 3, total->added);
	sqlite3_bind_int64(st, 4, total->updated);
	db_bind_text(st, 5, errors_json);
	db_bind_text(st, 6, r->date);
	sqlite3_bind_int(st, 7, r->round);
	rc = step_done(r->db, st, "record the end of the round", e);
	sqlite3_finalize(st);
	return rc;
}

int
posts_round_tickers(sqlite3 *db, const char *date, int round, long *n,
    tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if (db_prepare(db, "SELECT count(DISTINCT m.symbol) FROM post_rounds r "
	    "JOIN ticker_mentions m ON m.post_id = r.post_id "
	    "WHERE r.date = ? AND r.round = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	sqlite3_bind_int(st, 2, round);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "count the round's tickers",
	    e);
}
