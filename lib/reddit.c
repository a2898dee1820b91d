/*
 * reddit.c - the Reddit client.  See reddit.h.
 */
#include "reddit.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "http.h"
#include "log.h"
#include "utf8.h"
#include "util.h"

#define TOKEN_SERVICE "reddit"
#define TOKEN_PATH "/api/v1/access_token"
#define TOKEN_BODY "grant_type=client_credentials"

static void
sleep_seconds(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void
reddit_init(struct reddit_client *c, const struct tb_config *cfg,
    sqlite3 *db)
{
	memset(c, 0, sizeof *c);
	c->cfg = cfg;
	c->db = db;
	c->oauth = cfg->reddit_client_id != NULL &&
	    cfg->reddit_client_id[0] != '\0' &&
	    cfg->reddit_client_secret != NULL &&
	    cfg->reddit_client_secret[0] != '\0';
	c->remaining = -1;
}

/* Forget the bearer header, wiping the token from memory. */
static void
forget_token(struct reddit_client *c)
{
	if (c->auth_header != NULL) {
		explicit_bzero(c->auth_header, strlen(c->auth_header));
		free(c->auth_header);
	}
	c->auth_header = NULL;
}

void
reddit_free(struct reddit_client *c)
{
	forget_token(c);
}

/* Remember the token as the bearer header, registered as a secret. */
static int
use_token(struct reddit_client *c, const char *token, tb_err *e)
{
	forget_token(c);
	log_secret(token);
	if (asprintf(&c->auth_header, "Authorization: bearer %s", token) < 0) {
		c->auth_header = NULL;
		return tb_errf(e, TB_EINTERNAL, "reddit: out of memory");
	}
	return 0;
}

/* Use the cached token if it is still good at now; *found says if so. */
static int
cached_token(struct reddit_client *c, time_t now, int *found, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	if (db_prepare(c->db, "SELECT token FROM oauth_tokens "
	    "WHERE service = ? AND expires_at - ? > ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, TOKEN_SERVICE);
	sqlite3_bind_int(st, 2, REDDIT_TOKEN_MARGIN_S);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = use_token(c, db_column_text(st, 0), e);
		*found = rc == 0;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_fail(c->db, "read the Reddit token", e);
	sqlite3_finalize(st);
	return rc;
}

static int
store_token(struct reddit_client *c, const char *token, time_t expires_at,
    tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(c->db, "INSERT INTO oauth_tokens (service, token, "
	    "expires_at) VALUES (?, ?, ?) ON CONFLICT (service) DO UPDATE "
	    "SET token = excluded.token, expires_at = excluded.expires_at",
	    &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, TOKEN_SERVICE);
	db_bind_text(st, 2, token);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)expires_at);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(c->db, "store the Reddit token",
	    e);
}

static int
drop_token(struct reddit_client *c, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	forget_token(c);
	if (db_prepare(c->db, "DELETE FROM oauth_tokens WHERE service = ?",
	    &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, TOKEN_SERVICE);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(c->db, "drop the Reddit token",
	    e);
}

/*
 * A listing parsed after utf8_clean_json(): a post whose text holds a
 * lone surrogate escape or bytes that are not UTF-8 keeps a replacement
 * character instead of losing the whole page.  NULL when it is not JSON.
 */
static cJSON *
parse_clean(const char *body, size_t len)
{
	cJSON *doc;
	char *clean;
	size_t n;

	if ((clean = utf8_clean_json(body, len, &n)) == NULL)
		return NULL;
	doc = cJSON_ParseWithLength(clean, n);
	free(clean);
	return doc;
}

/* Parse a token answer; on success store and use it. */
static int
accept_token(struct reddit_client *c, const char *body, tb_err *e)
{
	cJSON *doc, *tok, *exp, *err;
	double expires_in = 3600;
	int rc;

	if ((doc = cJSON_Parse(body)) == NULL || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return tb_errf(e, TB_EDATA, "reddit: token: the answer is not "
		    "a JSON object");
	}
	if ((err = cJSON_GetObjectItemCaseSensitive(doc, "error")) != NULL) {
		rc = tb_errf(e, TB_ECONFIG, "reddit: token refused: \"%s\"; "
		    "check REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET",
		    cJSON_IsString(err) ? err->valuestring : "error");
		cJSON_Delete(doc);
		return rc;
	}
	tok = cJSON_GetObjectItemCaseSensitive(doc, "access_token");
	exp = cJSON_GetObjectItemCaseSensitive(doc, "expires_in");
	if (!cJSON_IsString(tok) || tok->valuestring[0] == '\0') {
		cJSON_Delete(doc);
		return tb_errf(e, TB_EDATA, "reddit: token: no access_token in "
		    "the answer");
	}
	/* expires_in may come as 3600 or 3600.0. */
	if (cJSON_IsNumber(exp) && isfinite(exp->valuedouble) &&
	    exp->valuedouble > 0)
		expires_in = exp->valuedouble;
	if ((rc = use_token(c, tok->valuestring, e)) == 0)
		rc = store_token(c, tok->valuestring,
		    time(NULL) + (time_t)expires_in, e);
	cJSON_Delete(doc);
	return rc;
}

/*
 * The User-Agent: the operator's (config.h), or for the public listings
 * without one an honest one that names no account.
 */
static const char *
user_agent(const struct reddit_client *c)
{
	if (c->cfg->reddit_user_agent != NULL)
		return c->cfg->reddit_user_agent;
	return "linux:tb:" TB_VERSION " (no Reddit account configured)";
}

/* Ask Reddit for a new application-only token. */
static int
fetch_token(struct reddit_client *c, tb_err *e)
{
	struct http_request r;
	char *url = NULL, *basic = NULL;
	int rc;

	if (asprintf(&url, "%s%s", c->cfg->reddit_auth_url, TOKEN_PATH) < 0)
		url = NULL;
	basic = http_basic_auth(c->cfg->reddit_client_id,
	    c->cfg->reddit_client_secret);
	if (url == NULL || basic == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "reddit: out of memory");
		goto out;
	}
	http_request_init(&r, "reddit", "POST", url);
	r.headers[0] = basic;
	r.headers[1] = "Content-Type: application/x-www-form-urlencoded";
	r.headers[2] = "Accept: application/json";
	r.body = TOKEN_BODY;
	r.body_len = strlen(TOKEN_BODY);
	r.user_agent = user_agent(c);
	r.timeout_ms = c->cfg->reddit_timeout_seconds * 1000L;
	rc = http_perform(&r, e);
	if (rc != 0 && (r.status == 401 || r.status == 403))
		rc = tb_errf(e, TB_ECONFIG, "reddit: token refused (HTTP %ld); "
		    "check REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET", r.status);
	else if (rc == 0)
		rc = accept_token(c, r.response, e);
	if (rc == 0)
		log_info("reddit: new application token");
	http_request_reset(&r);
out:
	if (basic != NULL)
		explicit_bzero(basic, strlen(basic));
	free(url);
	free(basic);
	return rc;
}

int
reddit_authenticate(struct reddit_client *c, tb_err *e)
{
	int found, rc;

	if (!c->oauth || c->auth_header != NULL)
		return 0;
	if (c->cfg->reddit_user_agent == NULL)
		return tb_errf(e, TB_ECONFIG, "reddit: Reddit's API rules ask "
		    "for your Reddit user name in the User-Agent: set "
		    "reddit_username (tb.conf, or TB_REDDIT_USERNAME in "
		    "tb.env) or REDDIT_USER_AGENT");
	if ((rc = cached_token(c, time(NULL), &found, e)) != 0)
		return rc;
	if (found) {
		log_debug("reddit: using the cached application token");
		return 0;
	}
	return fetch_token(c, e);
}

static void
reddit_page_free(struct reddit_page *page)
{
	cJSON_Delete(page->doc);
	free(page->posts);
	memset(page, 0, sizeof *page);
}

static const char *
opt_string(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static double
opt_number(const cJSON *obj, const char *key, double dflt)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(it) && isfinite(it->valuedouble) ?
	    it->valuedouble : dflt;
}

/* A count (score, comments), kept in range so the conversion is defined. */
static long long
opt_count(const cJSON *obj, const char *key)
{
	double v = opt_number(obj, key, 0);

	if (v > 1e15)
		return 1000000000000000LL;
	if (v < -1e15)
		return -1000000000000000LL;
	return (long long)v;
}

/* Fill p from a child's data; 0, or -1 when it lacks what a post needs. */
static int
parse_post(const cJSON *data, struct reddit_post *p)
{
	const char *text;

	memset(p, 0, sizeof *p);
	p->id = opt_string(data, "id");
	p->title = opt_string(data, "title");
	p->created_utc = opt_number(data, "created_utc", -1);
	if (p->id == NULL || p->id[0] == '\0' || p->title == NULL ||
	    p->created_utc < 0)
		return -1;
	p->subreddit = opt_string(data, "subreddit");
	p->selftext = (text = opt_string(data, "selftext")) ? text : "";
	p->author = opt_string(data, "author");
	p->permalink = opt_string(data, "permalink");
	p->flair = opt_string(data, "link_flair_text");
	p->score = opt_count(data, "score");
	p->num_comments = opt_count(data, "num_comments");
	p->upvote_ratio = opt_number(data, "upvote_ratio", -1);
	return 0;
}

/* Turn a listing document into page->posts; TB_EDATA if not a listing. */
static int
parse_listing(struct reddit_page *page, const char *sub, const char *sort,
    tb_err *e)
{
	const cJSON *data, *children, *child, *cdata;
	size_t n;

	data = cJSON_GetObjectItemCaseSensitive(page->doc, "data");
	children = cJSON_GetObjectItemCaseSensitive(data, "children");
	if (!cJSON_IsObject(data) || !cJSON_IsArray(children))
		return tb_errf(e, TB_EDATA, "reddit: r/%s: malformed JSON in "
		    "the /%s listing: no data.children", sub, sort);
	page->after = opt_string(data, "after");
	if (page->after != NULL && page->after[0] == '\0')
		page->after = NULL;
	n = (size_t)cJSON_GetArraySize(children);
	if (n > 0 && (page->posts = calloc(n, sizeof *page->posts)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "reddit: out of memory");
	cJSON_ArrayForEach(child, children) {
		const char *kind = opt_string(child, "kind");

		cdata = cJSON_GetObjectItemCaseSensitive(child, "data");
		if (kind == NULL || strcmp(kind, "t3") != 0 ||
		    !cJSON_IsObject(cdata) ||
		    parse_post(cdata, &page->posts[page->n]) != 0) {
			page->skipped++;
			continue;
		}
		if (page->posts[page->n].subreddit == NULL)
			page->posts[page->n].subreddit = sub;
		page->n++;
	}
	if (page->skipped > 0)
		log_debug("reddit: r/%s /%s: %zu children are not usable posts",
		    sub, sort, page->skipped);
	return 0;
}

/* Whether a body starts like an HTML page rather than JSON. */
static int
looks_html(const char *body)
{
	if (body == NULL)
		return 0;
	while (isspace((unsigned char)*body))
		body++;
	return *body == '<';
}

/* Read the rate-limit headers of the last answer, if it has them. */
static void
note_rate_limit(struct reddit_client *c, const struct http_request *r)
{
	char buf[32], *end;
	double rem, reset = 0;

	if (http_header(r, "X-Ratelimit-Remaining", buf, sizeof buf) == NULL)
		return;
	rem = strtod(buf, &end);
	if (end == buf || !isfinite(rem))
		return;
	if (http_header(r, "X-Ratelimit-Reset", buf, sizeof buf) != NULL) {
		reset = strtod(buf, &end);
		if (end == buf || !isfinite(reset) || reset < 0)
			reset = 0;
	}
	c->remaining = rem;
	c->reset_s = reset;
	c->seen_at_ms = util_now_ms();
}

/* Before a listing request: wait out an exhausted rate-limit window. */
static void
respect_rate_limit(struct reddit_client *c)
{
	double wait;

	if (c->remaining < 0 || c->remaining >= 1)
		return;
	wait = c->reset_s - (double)(util_now_ms() - c->seen_at_ms) / 1000;
	if (wait > REDDIT_MAX_WAIT_S) {
		log_warn("reddit: rate limit reached; the window resets in "
		    "%.0f s, waiting only %d s", wait, REDDIT_MAX_WAIT_S);
		wait = REDDIT_MAX_WAIT_S;
	} else if (wait > 0)
		log_info("reddit: rate limit reached (%.0f requests left), "
		    "waiting %.1f s for the window to reset", c->remaining,
		    wait);
	sleep_seconds(wait);
	c->remaining = -1;
}

static char *
listing_url(const struct reddit_client *c, const char *sub, const char *sort,
    const char *after)
{
	char *url = NULL, *esub, *eafter = NULL;
	int n;

	if ((esub = http_escape(sub)) == NULL)
		return NULL;
	if (after != NULL && (eafter = http_escape(after)) == NULL) {
		free(esub);
		return NULL;
	}
	if (c->oauth)
		n = asprintf(&url, "%s/r/%s/%s?limit=%d&raw_json=1%s%s",
		    c->cfg->reddit_base_url, esub, sort, REDDIT_PAGE_LIMIT,
		    eafter ? "&after=" : "", eafter ? eafter : "");
	else
		n = asprintf(&url, "%s/r/%s/%s.json?limit=%d&raw_json=1%s%s",
		    c->cfg->reddit_auth_url, esub, sort, REDDIT_PAGE_LIMIT,
		    eafter ? "&after=" : "", eafter ? eafter : "");
	free(esub);
	free(eafter);
	return n < 0 ? NULL : url;
}

/* One listing request as the client's mode says. */
static int
listing_request(struct reddit_client *c, const char *url,
    struct http_request *r, tb_err *e)
{
	respect_rate_limit(c);
	http_request_init(r, "reddit", "GET", url);
	r->headers[0] = "Accept: application/json";
	r->headers[1] = c->oauth ? c->auth_header : NULL;
	r->user_agent = user_agent(c);
	r->timeout_ms = c->cfg->reddit_timeout_seconds * 1000L;
	r->max_wait_s = REDDIT_MAX_WAIT_S;
	return http_perform(r, e);
}

/* The error of a listing request that got no 2xx answer. */
static int
listing_failure(const struct http_request *r, const char *sub,
    const char *sort, tb_err *e)
{
	if (r->status == 403 && looks_html(r->response))
		return tb_errf(e, TB_EUNAVAIL, "reddit: r/%s: blocked by "
		    "Reddit (HTTP 403 HTML page); set REDDIT_CLIENT_ID/"
		    "REDDIT_CLIENT_SECRET", sub);
	/* A 2xx that failed was cut short or too big: the client says how. */
	if (r->status != 0 && (r->status < 200 || r->status > 299) &&
	    r->transport_error == 0)
		return tb_errf(e, TB_EUNAVAIL, "reddit: r/%s: /%s listing: "
		    "HTTP %ld after %d attempt%s", sub, sort, r->status,
		    r->attempts, r->attempts == 1 ? "" : "s");
	return tb_errf(e, TB_EUNAVAIL, "reddit: r/%s: /%s listing: %s", sub,
	    sort, r->error[0] ? r->error : "no answer");
}

/*
 * Fetch one page of r/sub's `sort` listing ("new" or "hot"), after the
 * cursor `after` (NULL for the first page).  On success *page holds the
 * posts (free it); on failure *page is empty and *e says, for that
 * subreddit, what went wrong: HTTP status, blocked (403 HTML), malformed
 * JSON (TB_EDATA), or transport (TB_EUNAVAIL).
 */
static int
reddit_listing(struct reddit_client *c, const char *sub, const char *sort,
    const char *after, struct reddit_page *page, tb_err *e)
{
	struct http_request r;
	char *url;
	int rc;

	memset(page, 0, sizeof *page);
	if (c->oauth && c->auth_header == NULL)
		return tb_errf(e, TB_EINTERNAL, "reddit: no token "
		    "(reddit_authenticate first)");
	if ((url = listing_url(c, sub, sort, after)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "reddit: out of memory");
	rc = listing_request(c, url, &r, e);
	note_rate_limit(c, &r);
	if (rc != 0 && r.status == 401 && c->oauth) {
		/* The token was revoked or expired early: a new one, once. */
		log_info("reddit: r/%s: HTTP 401, renewing the token", sub);
		http_request_reset(&r);
		if ((rc = drop_token(c, e)) != 0 ||
		    (rc = fetch_token(c, e)) != 0) {
			free(url);
			return rc;
		}
		rc = listing_request(c, url, &r, e);
		note_rate_limit(c, &r);
	}
	free(url);
	if (rc != 0)
		rc = listing_failure(&r, sub, sort, e);
	else if (looks_html(r.response))
		rc = tb_errf(e, TB_EDATA, "reddit: r/%s: malformed JSON in the "
		    "/%s listing (an HTML page)", sub, sort);
	else if ((page->doc = parse_clean(r.response, r.response_len)) ==
	    NULL || !cJSON_IsObject(page->doc))
		rc = tb_errf(e, TB_EDATA, "reddit: r/%s: malformed JSON in the "
		    "/%s listing", sub, sort);
	else
		rc = parse_listing(page, sub, sort, e);
	http_request_reset(&r);
	if (rc != 0)
		reddit_page_free(page);
	return rc;
}

/*
 * Keep the posts newer than since; return whether every post of the page
 * was (then the next page may hold more).
 */
static int
keep_newer(struct reddit_page *page, double since)
{
	size_t i, kept = 0;

	for (i = 0; i < page->n; i++)
		if (page->posts[i].created_utc > since)
			page->posts[kept++] = page->posts[i];
	i = page->n;
	page->n = kept;
	return kept == i;
}

int
reddit_collect(struct reddit_client *c, const char *sub, double since,
    reddit_page_fn fn, void *arg, int *pages, tb_err *e)
{
	struct reddit_page page;
	char *after = NULL;
	int more = 1, rc = 0;

	*pages = 0;
	while (more && *pages < REDDIT_MAX_PAGES) {
		if ((rc = reddit_listing(c, sub, "new", after, &page, e)) != 0)
			break;
		(*pages)++;
		more = keep_newer(&page, since) && page.after != NULL;
		free(after);
		after = NULL;
		if (more && (after = strdup(page.after)) == NULL)
			rc = tb_errf(e, TB_EINTERNAL, "reddit: out of memory");
		if (rc == 0)
			rc = fn(&page, arg, e);
		reddit_page_free(&page);
		if (rc != 0)
			break;
	}
	free(after);
	if (rc == 0 && more)
		log_debug("reddit: r/%s: stopped after %d pages of /new", sub,
		    *pages);
	if (rc != 0)
		return rc;
	if ((rc = reddit_listing(c, sub, "hot", NULL, &page, e)) != 0)
		return rc;
	(*pages)++;
	rc = fn(&page, arg, e);
	reddit_page_free(&page);
	return rc;
}
