/*
 * collect.h - tb-collect's step: one Reddit collection round.
 *
 * collect_round() works in this order:
 *   1. the round must be one of scheduler_collect_times (TB_EUSAGE);
 *   2. the Trading 212 universe: refreshed at most once a day, else the
 *      cache, else missing (lib/instruments.h); a refresh that fails is
 *      a warning (universe_error), only the database failing is an error;
 *   3. the round's record is opened (posts_round_begin), looking back to
 *      the previous round (posts_since);
 *   4. Reddit: the token, then for each configured subreddit /new back to
 *      the previous round and the first page of /hot (lib/reddit.h),
 *      stored page by page (lib/posts.h): what was stored before a
 *      failure stays stored;
 *   5. the record is closed with the totals and each failed subreddit's
 *      error, and the tickers the round's posts mention are counted.
 *
 * Which failures fail the round is collect_verdict()'s rule.  Returns 0
 * or e->code: the verdict's, or the database's (TB_EINTERNAL,
 * TB_ECANTCREAT, TB_ELOCKED) when the round's record or the universe
 * cache could not be read or written.  *out is filled either way:
 * collect_result_free() it.
 */
#ifndef TB_COLLECT_H
#define TB_COLLECT_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "instruments.h"
#include "posts.h"

struct collect_input {
	sqlite3 *db;
	const struct tb_config *cfg;
	const char *day;		/* "YYYY-MM-DD" */
	int round;			/* 1 .. cfg->ncollect */
	time_t now;			/* the program's clock (TB_NOW) */
};

/* What one subreddit gave. */
struct collect_sub {
	const char *name;		/* cfg's */
	struct posts_count count;
	int pages;			/* listing pages read */
	tb_err err;			/* code 0: collected */
};

struct collect_result {
	int collected;			/* the universe was settled: the
					 * round ran, the fields hold it */
	enum universe_source universe;
	size_t instruments;		/* in the universe used */
	char universe_error[256];	/* why a refresh failed, or "" */
	struct collect_sub *subs;	/* one per configured subreddit */
	size_t nsubs;
	size_t failed;			/* subreddits with an error */
	struct posts_count total;
	long tickers;			/* distinct tickers of the round */
	tb_err auth;			/* the token could not be had */
};

int	collect_round(const struct collect_input *in,
	    struct collect_result *out, tb_err *e);
void	collect_result_free(struct collect_result *out);

/*
 * The round's failure rule, over the n subreddits' results and the
 * authentication's (auth, code 0 when it worked):
 *   - no token: the round fails with the token's error (78 refused
 *     credentials, 69 unreachable, ...); no subreddit was asked;
 *   - a subreddit that failed on this machine's side (its posts could
 *     not be stored: tb_err_local) fails the round with that code, as
 *     "r/NAME: WHY": posts fetched and lost are not Reddit's fault, and
 *     a full disk or a locked database must be seen (73, 75);
 *   - every subreddit failed: TB_EUNAVAIL, "reddit: all N subreddits
 *     failed; first: WHY";
 *   - else 0: a subreddit that Reddit failed (HTTP, blocked, malformed
 *     listing) is a warning in the summary, and the round goes on.
 * Pure: it reads its arguments only.
 */
int	collect_verdict(const struct collect_sub *subs, size_t n,
	    const tb_err *auth, tb_err *e);

#endif
