/*
 * digest.h - the day's digest: what Reddit talked about, ranked.
 *
 * The digest of a date is built from the posts its collection rounds saw
 * (post_rounds of that date, each post once, whichever rounds saw it)
 * and their ticker mentions into a struct digest, which tb-decide and the
 * prompt read.  JSON is only its form at the edges: the digests table
 * stores it, `tb-collect --digest --date D` prints it, as this document
 * (digest_json; digest_parse reads it back):
 *
 *   {"date":"2026-03-30","generated_at":"2026-03-30T15:10:02Z",
 *    "rounds":[1,2,3],"post_count":57,"universe":"loaded",
 *    "tickers":[{"rank":1,"symbol":"ASML.AS","t212_ticker":"ASMLa_EQ",
 *      "name":"ASML Holding","currency":"EUR","mentions":12,"posts":9,
 *      "weight":345.6,"bullish":5,"bearish":1,"sentiment":0.67,
 *      "subreddits":["stocks","EuropeFIRE"],
 *      "titles":["...","...","..."]}, ...]}
 *
 * Fields of a ticker:
 *  - weight: the sum over the posts that mention it of
 *
 *        w = (1 + ln(1 + max(score, 0)) + 0.5 * ln(1 + max(comments, 0)))
 *            * (1.5 if the post names it by $cashtag, else 1)
 *
 *    so a post counts once per ticker however often it repeats the name
 *    (repetition is one voice, not many), votes and discussion add with
 *    diminishing returns (a 2000-point post is not 2000 small ones), and
 *    a deliberate $cashtag counts half again as much as a bare word.
 *    Rounded to 2 decimals.
 *  - mentions: all its mentions in those posts (title and text); posts:
 *    how many posts.
 *  - bullish, bearish: the bullish and bearish words of those posts, each
 *    post's counted once per ticker it names (lib/tickers.h).
 *  - sentiment: (bullish - bearish) / (bullish + bearish), 0 when both
 *    are 0; rounded to 2 decimals.
 *  - subreddits: where it was mentioned, most weight first (ties: name).
 *  - titles: up to DIGEST_TITLES distinct titles of its posts, highest
 *    post weight first (ties: the older post).
 *  - t212_ticker, name, currency: from the cached Trading 212 universe
 *    (universe_by_yahoo), null when the symbol is not in it.
 * Tickers are ranked by weight (as rounded) descending, then mentions
 * descending, then symbol; rank counts from 1.
 *
 * Document fields: rounds lists the date's collection rounds; post_count
 * the distinct posts they saw; universe is "loaded" when at least one of
 * them extracted tickers against the Trading 212 universe, "missing" when
 * none did (cashtags only) or there was no round.  A date without rounds
 * gives an empty digest (post_count 0, tickers []), which is not an error.
 */
#ifndef TB_DIGEST_H
#define TB_DIGEST_H

#include <stddef.h>

#include <sqlite3.h>

#include "err.h"

#define DIGEST_TITLES 3

/* One ticker of the digest; the fields are described above. */
struct digest_ticker {
	size_t	 rank;			/* 1 = the most weight */
	char	*symbol;		/* Yahoo-style, never NULL */
	char	*t212_ticker;		/* NULL when not in the universe */
	char	*name;			/* NULL when not in the universe */
	char	*currency;		/* NULL when not in the universe */
	long	 mentions, posts, bullish, bearish;
	double	 weight;		/* rounded to 2 decimals */
	double	 sentiment;		/* rounded to 2 decimals */
	char	**subreddits;		/* most weight first */
	size_t	 nsubreddits;
	char	*titles[DIGEST_TITLES];	/* best first */
	size_t	 ntitles;
};

/* A date's digest.  Every string and array is owned: digest_free(). */
struct digest {
	char	 date[11];		/* "YYYY-MM-DD" */
	char	 generated_at[21];	/* "2026-03-30T15:10:02Z" */
	int	*rounds;		/* the date's collection rounds */
	size_t	 nrounds;
	long	 post_count;
	int	 universe_loaded;	/* "loaded" (1) or "missing" (0) */
	struct digest_ticker *tickers;	/* ranked, rank i + 1 at i */
	size_t	 ntickers;
};

/* One post's weight for one ticker, by the formula above (unrounded). */
double digest_post_weight(long long score, long long num_comments,
    int cashtag);

/*
 * Build the digest of date ("YYYY-MM-DD") from the stored posts into
 * *out and store it (replacing the date's earlier one).  *out is empty
 * on failure; digest_free() it either way.  Errors: TB_EINTERNAL
 * (memory), or the database's code (db_fail: 73 disk full, 75 locked).
 */
int digest_build(sqlite3 *db, const char *date, struct digest *out,
    tb_err *e);

/*
 * The stored digest of date, read back into *out (digest_free it; it is
 * empty on failure).  TB_EDATA "no digest for DATE" when there is none,
 * TB_EDATA too when the stored text is not a digest document,
 * TB_EINTERNAL for memory; else the database's code.
 */
int digest_load(sqlite3 *db, const char *date, struct digest *out,
    tb_err *e);

/*
 * The digest as its JSON document (above), one line, the caller's to
 * free(); NULL when out of memory.  The same digest always gives the
 * same bytes.
 */
char *digest_json(const struct digest *d);

/*
 * Read a digest document into *out (digest_free it; it is empty on
 * failure).  TB_EDATA when json is not one (the message names the field
 * that is wrong), TB_EINTERNAL when out of memory.
 */
int digest_parse(const char *json, struct digest *out, tb_err *e);

/* Free what *d owns and empty it; NULL or an empty digest is fine. */
void digest_free(struct digest *d);

#endif
