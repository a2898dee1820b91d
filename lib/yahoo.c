/*
 * yahoo.c - the Yahoo Finance client.  See yahoo.h.
 */
#include "yahoo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "log.h"

#define YAHOO_COOKIE_URL	"https://fc.yahoo.com"
#define YAHOO_USER_AGENT	"Mozilla/5.0 (X11; Linux x86_64) " \
	"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
#define YAHOO_MODULES		"summaryDetail,defaultKeyStatistics," \
	"financialData,assetProfile"
#define YAHOO_TIMEOUT_MS	15000
#define SESSION_TIMEOUT_MS	8000
#define FUNDAMENTALS_PARALLEL	2
#define MAX_SESSIONS		2	/* one, and one renewal */

/* One request of a round. */
struct fetch {
	struct yahoo_answer *a;
	char *url;
	struct http_request req;
};

int
yahoo_refusal(long status)
{
	return status == 401 || status == 403 || status == 429 ||
	    status == 999;
}

int
yahoo_other_host(const char *base, char *out, size_t outsz)
{
	const char *host, *from = NULL, *to = NULL;
	int n;

	if ((host = strstr(base, "://")) == NULL)
		return -1;
	host += 3;
	if (strncmp(host, "query1.", 7) == 0)
		from = "query1.", to = "query2.";
	else if (strncmp(host, "query2.", 7) == 0)
		from = "query2.", to = "query1.";
	else
		return -1;
	n = snprintf(out, outsz, "%.*s%s%s", (int)(host - base), base, to,
	    host + strlen(from));
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
yahoo_init(struct yahoo *y, const struct tb_config *cfg, tb_err *e)
{
	char other[1024];

	memset(y, 0, sizeof *y);
	y->cfg = cfg;
	y->base_cookie = 1;
	y->parallel = cfg->market_parallel > 0 ? (int)cfg->market_parallel :
	    4;
	y->timeout_ms = cfg->yahoo_timeout_seconds > 0 ?
	    cfg->yahoo_timeout_seconds * 1000L : YAHOO_TIMEOUT_MS;
	if ((y->bases[0] = strdup(cfg->yahoo_base_url)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "yahoo: out of memory");
	y->nbases = 1;
	if (yahoo_other_host(cfg->yahoo_base_url, other, sizeof other) == 0) {
		if ((y->bases[1] = strdup(other)) == NULL) {
			yahoo_free(y);
			return tb_errf(e, TB_EINTERNAL, "yahoo: out of memory");
		}
		y->nbases = 2;
	}
	return 0;
}

void
yahoo_free(struct yahoo *y)
{
	free(y->bases[0]);
	free(y->bases[1]);
	explicit_bzero(y->cookie, sizeof y->cookie);
	memset(y, 0, sizeof *y);
}

void
yahoo_answers_reset(struct yahoo_answer *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].body);
		a[i].body = NULL;
		a[i].len = 0;
		a[i].status = 0;
		a[i].refused = 0;
		a[i].with_session = 0;
		a[i].error[0] = '\0';
	}
}

/* Whether base is one of Yahoo's own hosts (the cookie comes from fc). */
static int
own_host(const char *base)
{
	const char *host = strstr(base, "://"), *end;
	size_t len;

	if (host == NULL)
		return 0;
	host += 3;
	end = host + strcspn(host, "/:");
	len = (size_t)(end - host);
	return len >= 10 && strncasecmp(end - 10, ".yahoo.com", 10) == 0;
}

/* A GET with the browser's User-Agent, one attempt (sessions). */
static void
session_request(struct http_request *req, const char *url,
    const char *cookie_header)
{
	http_request_init(req, "yahoo", "GET", url);
	req->user_agent = YAHOO_USER_AGENT;
	req->max_retries = 0;
	req->timeout_ms = SESSION_TIMEOUT_MS;
	if (cookie_header != NULL)
		req->headers[0] = cookie_header;
}

/* The session cookie ("name=value" of the first Set-Cookie), or "". */
static void
fetch_cookie(struct yahoo *y)
{
	struct http_request req;
	char value[YAHOO_COOKIE_MAX], *url = NULL;
	tb_err e;

	y->cookie[0] = '\0';
	if (!own_host(y->bases[0]) && !y->base_cookie)
		return;
	if (!own_host(y->bases[0]) && asprintf(&url, "%s/", y->bases[0]) < 0)
		return;
	/* fc.yahoo.com sets the cookie on a 404: keep it anyway. */
	session_request(&req, url != NULL ? url : YAHOO_COOKIE_URL, NULL);
	(void)http_perform(&req, &e);
	if (http_header(&req, "set-cookie", value, sizeof value) != NULL) {
		value[strcspn(value, ";")] = '\0';
		snprintf(y->cookie, sizeof y->cookie, "%s", value);
	}
	http_request_reset(&req);
	free(url);
}

/* A crumb is a short token on its own; an HTML page is not one. */
static int
take_crumb(struct yahoo *y, const char *body)
{
	size_t len = strcspn(body, " \t\r\n");

	if (len == 0 || len >= sizeof y->crumb ||
	    body[len + strspn(body + len, " \t\r\n")] != '\0' ||
	    strchr(body, '<') != NULL)
		return -1;
	memcpy(y->crumb, body, len);
	y->crumb[len] = '\0';
	return 0;
}

/*
 * A session: the cookie, then the crumb ({base}/v1/test/getcrumb).
 * renew asks for a new one even when there is one.  0, or -1 (logged).
 */
static int
get_session(struct yahoo *y, int renew)
{
	struct http_request req;
	char cookie_header[YAHOO_COOKIE_MAX + 16], *url;
	tb_err e;
	int ok;

	if (y->crumb[0] != '\0' && !renew)
		return 0;
	if (y->sessions >= MAX_SESSIONS)
		return -1;
	y->sessions++;
	y->crumb[0] = '\0';
	fetch_cookie(y);
	if (asprintf(&url, "%s/v1/test/getcrumb", y->bases[0]) < 0)
		return -1;
	snprintf(cookie_header, sizeof cookie_header, "Cookie: %s",
	    y->cookie);
	session_request(&req, url, y->cookie[0] != '\0' ? cookie_header :
	    NULL);
	ok = http_perform(&req, &e) == 0 && take_crumb(y, req.response) == 0;
	if (!ok)
		log_warn("yahoo: no session (%s)", req.status != 0 ?
		    "no crumb in the answer" : e.msg);
	else
		log_info("yahoo: refused plain requests; using a session");
	http_request_reset(&req);
	free(url);
	return ok ? 0 : -1;
}

static char *
chart_url(const struct yahoo *y, int host, const char *symbol,
    int session)
{
	char *esc, *crumb = NULL, *url;

	if ((esc = http_escape(symbol)) == NULL ||
	    (session && (crumb = http_escape(y->crumb)) == NULL)) {
		free(esc);
		return NULL;
	}
	if (asprintf(&url, "%s/v8/finance/chart/%s?range=6mo&interval=1d%s%s",
	    y->bases[host], esc, crumb != NULL ? "&crumb=" : "",
	    crumb != NULL ? crumb : "") < 0)
		url = NULL;
	free(esc);
	free(crumb);
	return url;
}

/* What a finished request says of its symbol (its body moves to a). */
static void
take_answer(struct yahoo_answer *a, struct http_request *r, int session)
{
	yahoo_answers_reset(a, 1);
	a->status = r->status;
	a->with_session = session;
	a->refused = yahoo_refusal(r->status);
	if (r->status >= 200 && r->status <= 299 && r->response != NULL) {
		a->body = r->response;
		a->len = r->response_len;
		r->response = NULL;
	} else if (r->status == 404)
		snprintf(a->error, sizeof a->error, "not found on Yahoo "
		    "Finance");
	else
		snprintf(a->error, sizeof a->error, "%s", r->error[0] != '\0' ?
		    r->error : "no answer");
}

/*
 * Without a session, a refusal goes straight to the next round (Yahoo
 * refuses plain clients for longer than any backoff) unless Yahoo said
 * when to come back; everything else is retried as usual.
 */
static enum http_verdict
plain_verdict(const struct http_request *r, void *arg)
{
	char value[64];

	(void)arg;
	if (r->status >= 200 && r->status <= 299)
		return HTTP_DONE;
	if (yahoo_refusal(r->status))
		return http_header(r, "Retry-After", value, sizeof value) !=
		    NULL ? HTTP_RETRY : HTTP_FAIL;
	if (r->status == 0 || r->status == 408 || r->status >= 500)
		return HTTP_RETRY;
	return HTTP_FAIL;
}

/* One round: the charts of asked[0..n-1] from bases[host]. */
static int
round_of(struct yahoo *y, struct yahoo_answer **asked, size_t n, int host,
    int session, tb_err *e)
{
	char cookie_header[YAHOO_COOKIE_MAX + 16];
	struct http_request **reqs = NULL;
	struct fetch *f;
	size_t i;
	tb_err he;
	int rc = 0;

	if (n == 0)
		return 0;
	snprintf(cookie_header, sizeof cookie_header, "Cookie: %s", y->cookie);
	if ((f = calloc(n, sizeof *f)) == NULL ||
	    (reqs = calloc(n, sizeof *reqs)) == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "yahoo: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		f[i].a = asked[i];
		if ((f[i].url = chart_url(y, host, asked[i]->symbol, session)) ==
		    NULL) {
			rc = tb_errf(e, TB_EINTERNAL, "yahoo: out of memory");
			goto out;
		}
		http_request_init(&f[i].req, "yahoo", "GET", f[i].url);
		f[i].req.user_agent = YAHOO_USER_AGENT;
		f[i].req.timeout_ms = y->timeout_ms;
		if (!session)
			f[i].req.classify = plain_verdict;
		if (session && y->cookie[0] != '\0')
			f[i].req.headers[0] = cookie_header;
		reqs[i] = &f[i].req;
	}
	y->nrequests += n;
	if (http_perform_all(reqs, n, y->parallel, &he) == TB_EINTERNAL) {
		rc = tb_errf(e, TB_EINTERNAL, "%s", he.msg);
		goto out;
	}
	for (i = 0; i < n; i++)
		take_answer(f[i].a, &f[i].req, session);
out:
	for (i = 0; f != NULL && i < n; i++) {
		http_request_reset(&f[i].req);
		free(f[i].url);
	}
	free(f);
	free(reqs);
	return rc;
}

/*
 * The answers of a[0..n-1] that Yahoo refused (only those refused with
 * 401 or 403 when auth_only) into asked; their count.
 */
static size_t
refused(struct yahoo_answer *a, size_t n, int auth_only,
    struct yahoo_answer **asked)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (a[i].refused && (!auth_only || a[i].status == 401 ||
		    a[i].status == 403))
			asked[k++] = &a[i];
	return k;
}

int
yahoo_charts(struct yahoo *y, struct yahoo_answer *a, size_t n, tb_err *e)
{
	struct yahoo_answer **asked;
	size_t i, k;
	int rc;

	if (n == 0)
		return 0;
	if ((asked = calloc(n, sizeof *asked)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "yahoo: out of memory");
	for (i = 0; i < n; i++)
		asked[i] = &a[i];
	/* A session known from an earlier call is used from the start. */
	rc = round_of(y, asked, n, 0, y->crumb[0] != '\0', e);
	if (rc == 0 && (k = refused(a, n, 0, asked)) > 0 &&
	    get_session(y, 0) == 0) {
		log_info("yahoo: %zu chart(s) refused; asking again with a "
		    "session%s", k, y->nbases > 1 ? " on the other host" : "");
		rc = round_of(y, asked, k, y->nbases > 1 ? 1 : 0, 1, e);
		if (rc == 0 && (k = refused(a, n, 1, asked)) > 0 &&
		    get_session(y, 1) == 0)
			rc = round_of(y, asked, k, 0, 1, e);
	}
	free(asked);
	return rc;
}

int
yahoo_fundamentals(struct yahoo *y, struct yahoo_answer *a, size_t n,
    tb_err *e)
{
	char cookie_header[YAHOO_COOKIE_MAX + 16], *crumb = NULL, *esc;
	struct http_request *reqs = NULL, **rp = NULL;
	char **urls = NULL;
	size_t i;
	tb_err he;
	int rc = 0;

	if (n == 0 || get_session(y, 0) != 0)
		return 0;
	snprintf(cookie_header, sizeof cookie_header, "Cookie: %s", y->cookie);
	if ((reqs = calloc(n, sizeof *reqs)) == NULL ||
	    (rp = calloc(n, sizeof *rp)) == NULL ||
	    (urls = calloc(n, sizeof *urls)) == NULL ||
	    (crumb = http_escape(y->crumb)) == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "yahoo: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((esc = http_escape(a[i].symbol)) == NULL ||
		    asprintf(&urls[i], "%s/v10/finance/quoteSummary/%s?"
		    "modules=" YAHOO_MODULES "&crumb=%s", y->bases[0], esc,
		    crumb) < 0) {
			free(esc);
			urls[i] = NULL;
			rc = tb_errf(e, TB_EINTERNAL, "yahoo: out of memory");
			goto out;
		}
		free(esc);
		session_request(&reqs[i], urls[i], y->cookie[0] != '\0' ?
		    cookie_header : NULL);
		rp[i] = &reqs[i];
	}
	(void)http_perform_all(rp, n, FUNDAMENTALS_PARALLEL, &he);
	for (i = 0; i < n; i++)
		take_answer(&a[i], &reqs[i], 1);
out:
	for (i = 0; reqs != NULL && urls != NULL && i < n; i++) {
		http_request_reset(&reqs[i]);
		free(urls[i]);
	}
	free(urls);
	free(crumb);
	free(rp);
	free(reqs);
	return rc;
}
