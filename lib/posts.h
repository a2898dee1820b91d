/*
 * posts.h - storing a collection round: Reddit posts, which rounds saw
 * them, their ticker mentions, and the round's own record.
 *
 * Tables (sql/001_init.sql): reddit_posts, post_rounds, ticker_mentions,
 * collection_rounds.
 *
 * Posts are upserted by Reddit id.  A post seen again keeps its first
 * round and takes the new title, text, score, comment count, ratio and
 * flair (Reddit posts are edited and voted on), so rerunning a round
 * refreshes scores and adds nothing twice.  Each round that sees a post
 * links it in post_rounds (date, round, post).  Within one run a post met
 * twice (in /new and then in /hot) is stored and counted once.
 *
 * Mentions are a function of the post's text and the universe: they are
 * extracted again (lib/tickers.h) whenever the post is new, its text
 * changed, or a universe is loaded.  With no universe a stored post whose
 * text did not change keeps the mentions it has, so a round without
 * Trading 212 metadata never downgrades what an earlier round found.
 *
 * Counting: "fetched" is every distinct post the round received, "new"
 * the ones not stored before, "updated" the ones already stored (their
 * row refreshed, whether or not a number changed).
 */
#ifndef TB_POSTS_H
#define TB_POSTS_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "err.h"
#include "reddit.h"
#include "symbols.h"

struct posts_count {
	long fetched;
	long added;			/* "new" in the summary */
	long updated;
};

struct posts_idset;

/* A round being stored.  Fields are private to posts.c. */
struct posts_round {
	sqlite3 *db;			/* borrowed */
	const struct universe *u;	/* borrowed; NULL: cashtags only */
	char date[11];
	int round;
	time_t started;			/* the round's logical start */
	char stamp[21];			/* started as ISO UTC */
	sqlite3_stmt *find, *insert, *update, *link, *forget, *mention;
	struct posts_idset *seen;	/* post ids stored by this run */
};

/*
 * The instant posts must be newer than for a round starting at `now`
 * (DESIGN: paging stops at the previous round): the latest started_at of
 * collection_rounds before now, of any date, other than this date and
 * round itself (a rerun looks back as far as the first run did); never
 * more than 24 hours back, and 24 hours back when there is no earlier
 * round.  *since in epoch seconds.
 */
int posts_since(sqlite3 *db, const char *date, int round, time_t now,
    time_t *since, tb_err *e);

/*
 * Start storing round `round` of `date` at `started`: record (or, for a
 * rerun, reset) its collection_rounds row and prepare the statements.
 * u is the universe for extraction, NULL when missing.  On failure
 * nothing needs freeing; on success end with posts_round_free.
 */
int posts_round_begin(struct posts_round *r, sqlite3 *db, const char *date,
    int round, time_t started, const struct universe *u, tb_err *e);

/*
 * Store n posts in one transaction and add what happened to *count.  On
 * failure the transaction is rolled back (what earlier calls stored
 * stays) and *count is unchanged.
 */
int posts_store(struct posts_round *r, const struct reddit_post *posts,
    size_t n, struct posts_count *count, tb_err *e);

/*
 * Record the round's end: its totals, finished_at (`finished`), and the
 * per-subreddit errors as a JSON text (NULL when there were none).
 */
int posts_round_end(struct posts_round *r, const struct posts_count *total,
    const char *errors_json, time_t finished, tb_err *e);

void posts_round_free(struct posts_round *r);

/* The number of distinct tickers mentioned by the posts of a round. */
int posts_round_tickers(sqlite3 *db, const char *date, int round, long *n,
    tb_err *e);

#endif
