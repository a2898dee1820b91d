/*
 * reddit.h - the Reddit client: application-only OAuth, listings, paging,
 * rate limits and the public JSON fallback.
 *
 * Two modes, chosen by the configuration:
 *
 *  - OAuth, when REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET are both set:
 *    an application-only token (POST {reddit_auth_url}/api/v1/access_token,
 *    Basic auth, grant_type=client_credentials) and listings from
 *    {reddit_base_url}/r/{sub}/{sort} with "Authorization: bearer TOKEN".
 *    The token is cached in the oauth_tokens table (service "reddit") and
 *    reused until a minute before it expires.  A token answer with an
 *    "error" key is a failure even on HTTP 200.  A 401 on a listing drops
 *    the cached token and fetches a new one, once.
 *
 *  - Public, otherwise: {reddit_auth_url}/r/{sub}/{sort}.json without any
 *    Authorization header.  Reddit often answers these with a 403 HTML
 *    page ("whoa there, pardner!"); that is reported as "blocked by Reddit
 *    (HTTP 403 HTML page); set REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET".
 *
 * Every listing request asks limit=100 and raw_json=1 (without it Reddit
 * HTML-escapes the text) and sends the configured User-Agent.
 *
 * Rate limits.  After each listing answer the client reads
 * X-Ratelimit-Remaining (a float string, "99.0") and X-Ratelimit-Reset
 * (seconds until the window resets).  When fewer than one request remains,
 * the next listing request first waits out the reset, at most
 * REDDIT_MAX_WAIT_S seconds, and logs the wait.  A 429 is retried by
 * lib/http, which honours the reset header itself.
 *
 * Secrets.  The client id and secret are registered with log_secret() by
 * the configuration; the token is registered here, so no log line shows
 * it.  The token is stored in tb.db (mode 0600) because the schema caches
 * it there; nothing else of the credentials is.
 */
#ifndef TB_REDDIT_H
#define TB_REDDIT_H

#include <stddef.h>
#include <time.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "config.h"
#include "err.h"

#define REDDIT_PAGE_LIMIT 100	/* posts asked per listing page */
#define REDDIT_MAX_PAGES 10	/* /new pages per subreddit and round */
#define REDDIT_MAX_WAIT_S 120	/* longest rate-limit wait */
#define REDDIT_TOKEN_MARGIN_S 60	/* renew the token this early */

/*
 * One post of a listing.  The strings point into the page's parsed JSON
 * and live as long as the page.  Optional strings are NULL when absent.
 */
struct reddit_post {
	const char *id;			/* "1h2k3j9" */
	const char *subreddit;		/* as Reddit spells it */
	const char *title;
	const char *selftext;		/* "" when the post has none */
	const char *author;		/* optional */
	const char *permalink;		/* relative: "/r/x/comments/..." */
	const char *flair;		/* link_flair_text, optional */
	long long score;
	long long num_comments;
	double upvote_ratio;		/* -1 when absent */
	double created_utc;		/* epoch seconds */
};

/* One page of a listing, reddit_collect's: it lives during the callback. */
struct reddit_page {
	cJSON *doc;			/* the parsed listing: owns strings */
	struct reddit_post *posts;	/* usable posts, in listing order */
	size_t n;
	size_t skipped;			/* children lacking id, title, time */
	const char *after;		/* cursor of the next page, or NULL */
};

struct reddit_client {
	const struct tb_config *cfg;	/* borrowed */
	sqlite3 *db;			/* borrowed: the token cache */
	int oauth;			/* client credentials are set */
	char *auth_header;		/* "Authorization: bearer .." secret */
	double remaining;		/* X-Ratelimit-Remaining; -1 unknown */
	double reset_s;			/* X-Ratelimit-Reset, seconds */
	long long seen_at_ms;		/* when read (util_now_ms) */
};

/*
 * Prepare a client over cfg and db (both borrowed; they must outlive it).
 * No network and no database access happens here.  reddit_free wipes and
 * frees the token it may hold.
 */
void reddit_init(struct reddit_client *c, const struct tb_config *cfg,
    sqlite3 *db);
void reddit_free(struct reddit_client *c);

/*
 * OAuth mode: make sure a token is at hand (the cached one if it is still
 * good by the wall clock, else a new one, stored).  Public mode: nothing.
 * Reddit's API rules ask for the operator's user name in the User-Agent:
 * OAuth without one (no reddit_username, no REDDIT_USER_AGENT) is
 * TB_ECONFIG naming both, before any request; the public listings then
 * go with an agent that names no account.
 * Errors: TB_ECONFIG when Reddit refuses the credentials (HTTP 401/403 or an
 * "error" answer), TB_EUNAVAIL when the token endpoint cannot be reached,
 * TB_EDATA for an answer that is not a token, TB_EINTERNAL (database).
 */
int reddit_authenticate(struct reddit_client *c, tb_err *e);

/*
 * Called once per page a collection fetches, with the posts worth
 * keeping.  A non-zero return stops the collection with that error.
 */
typedef int (*reddit_page_fn)(const struct reddit_page *page, void *arg,
    tb_err *e);

/*
 * Collect r/sub for a round: /new pages, following data.after while the
 * page's oldest post is newer than `since` (epoch seconds), at most
 * REDDIT_MAX_PAGES pages; posts of /new not newer than `since` were seen
 * by an earlier round and are left out.  Then the first page of /hot,
 * whatever the posts' age (what is popular now).  fn gets each page.
 * Returns 0 or the first error; the pages handed to fn before it stay
 * handed (stored data is kept).  *pages counts the listing pages read.
 */
int reddit_collect(struct reddit_client *c, const char *sub, double since,
    reddit_page_fn fn, void *arg, int *pages, tb_err *e);

#endif
