/*
 * http.c - the one HTTP client of tb.  See http.h.
 *
 * Every run, of one request or of many, is the same loop over one curl
 * multi handle: start the attempts that are due (at most `parallel` in
 * flight), let curl move bytes, collect finished attempts and decide for
 * each whether it is final or when the next attempt is due, then sleep in
 * curl_multi_poll() no longer than until the nearest due attempt.  A
 * request waiting out its backoff is only a time stamp, so it never holds
 * up the others.
 */
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "util.h"

#ifndef TB_VERSION
#define TB_VERSION "0"
#endif

#define HTTP_DEFAULT_RETRIES		2
#define HTTP_DEFAULT_CONNECT_MS		5000L
#define HTTP_DEFAULT_TIMEOUT_MS		30000L
#define HTTP_DEFAULT_MAX_RESPONSE	(8UL * 1024 * 1024)
#define HTTP_DEFAULT_MAX_WAIT_S		60
#define HTTP_BACKOFF_FIRST_S		0.5
#define HTTP_BACKOFF_MAX_S		8.0
#define HTTP_BACKOFF_JITTER		0.25
/* An x-ratelimit-reset above this is a unix time, below it seconds. */
#define HTTP_RESET_EPOCH_MIN		1000000000.0
/* How long to sleep when only running transfers can wake us. */
#define HTTP_IDLE_POLL_MS		1000

enum xfer_state {
	XFER_WAITING,		/* next attempt due at `due` */
	XFER_RUNNING,		/* an attempt is in the multi handle */
	XFER_DONE		/* final; r->error says how it ended */
};

/* The private state of one request during a run. */
struct http_xfer {
	struct http_request *r;
	CURL *easy;
	struct curl_slist *headers;
	enum xfer_state state;
	double due;		/* monotonic time the next attempt may start */
	double first_start;	/* monotonic time of the first attempt */
	double attempt_start;
	size_t response_cap;	/* allocated size of r->response */
	size_t headers_len;	/* used length of r->response_headers */
	size_t headers_cap;
	int oversize;		/* the attempt was aborted at the size cap */
	int idle;		/* the attempt was aborted at the idle limit */
	double last_data;	/* monotonic time bytes last moved */
	curl_off_t last_dl, last_ul;	/* byte counts then */
	int nomem;		/* a callback could not allocate */
	int ok;			/* the final outcome is a success */
	char *failure;		/* full, unredacted final error, or NULL */
	/* The request's limits with defaults applied. */
	int max_retries;
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_response;
	int max_wait_s;
	char errbuf[CURL_ERROR_SIZE];
};

struct http_run {
	CURLM *multi;
	struct http_xfer *xfers;
	size_t n;
	size_t running;
	size_t done;
	size_t parallel;
	double backoff_scale;
};

static double	monotonic_now(void);
static double	backoff_scale(void);
static char	*redacted(const char *s);
static const char *method_of(const struct http_request *r);
static size_t	on_body(char *data, size_t size, size_t nmemb, void *arg);
static size_t	on_header(char *data, size_t size, size_t nmemb, void *arg);
static int	on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		    curl_off_t ultotal, curl_off_t ulnow);
static int	xfer_setup(struct http_xfer *x, tb_err *e);
static void	xfer_free(struct http_xfer *x);
static int	attempt_start(struct http_run *run, struct http_xfer *x);
static void	attempt_done(struct http_run *run, struct http_xfer *x,
		    CURLcode code);
static void	attempt_retry(struct http_run *run, struct http_xfer *x,
		    const char *reason, const char *url);
static void	attempt_record(struct http_xfer *x, CURLcode code);
static void	attempt_reason(const struct http_xfer *x, char *buf,
		    size_t bufsz);
static enum http_verdict attempt_verdict(const struct http_xfer *x);
static int	transport_retryable(int code);
static int	never_left(int code);
static double	retry_wait(const struct http_xfer *x, double scale,
		    double *asked);
static int	header_wait(const char *value, int reset, time_t now,
		    double *wait);
static void	xfer_finish(struct http_run *run, struct http_xfer *x,
		    int ok, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
static int	run_loop(struct http_run *run, tb_err *e);
static void	run_start_due(struct http_run *run, double now);
static int	run_reap(struct http_run *run);
static int	run_poll_ms(const struct http_run *run, double now);
static int	idle_poll_ms(const struct http_run *run, int ms);
static void	run_abort(struct http_run *run, const char *why);

/*
 * libcurl is initialised once, by the first request of the process (or an
 * explicit http_global_init), and cleaned up at exit: loading and
 * initialising it and its TLS library costs a program tens of
 * milliseconds, which one that makes no request should not pay.
 */
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void
global_init_once(void)
{
	if ((global_rc = curl_global_init(CURL_GLOBAL_DEFAULT)) == CURLE_OK)
		atexit(curl_global_cleanup);
}

int
http_global_init(tb_err *e)
{
	if (pthread_once(&global_once, global_init_once) != 0)
		return tb_errf(e, TB_EINTERNAL, "http: pthread_once failed");
	if (global_rc != CURLE_OK)
		return tb_errf(e, TB_EINTERNAL, "http: curl_global_init: %s",
		    curl_easy_strerror(global_rc));
	return 0;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

void
http_request_init(struct http_request *r, const char *service,
    const char *method, const char *url)
{
	memset(r, 0, sizeof *r);
	r->service = service;
	r->method = method;
	r->url = url;
	r->idempotent = 1;
	r->max_retries = -1;
}

void
http_request_reset(struct http_request *r)
{
	free(r->response);
	free(r->response_headers);
	r->status = 0;
	r->response = NULL;
	r->response_len = 0;
	r->response_headers = NULL;
	r->attempts = 0;
	r->elapsed_s = 0;
	r->sent_at = 0;
	r->transport_error = 0;
	r->timed_out = 0;
	r->connected = 0;
	r->error[0] = '\0';
}

char *
http_escape(const char *s)
{
	char *esc, *copy;

	if (s == NULL || strlen(s) > INT_MAX)
		return NULL;
	/* A NULL handle is allowed: escaping needs no connection. */
	if ((esc = curl_easy_escape(NULL, s, (int)strlen(s))) == NULL)
		return NULL;
	copy = strdup(esc);
	curl_free(esc);
	return copy;
}

const char *
http_header(const struct http_request *r, const char *name, char *buf,
    size_t bufsz)
{
	const char *line, *end, *v, *ve;
	size_t namelen = strlen(name);

	if (r->response_headers == NULL || bufsz == 0)
		return NULL;
	for (line = r->response_headers; *line != '\0'; line = end) {
		end = line + strcspn(line, "\n");
		if (*end == '\n')
			end++;
		if (strncasecmp(line, name, namelen) != 0 ||
		    line[namelen] != ':')
			continue;
		v = line + namelen + 1;
		ve = end;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == '\n' || ve[-1] == '\r' ||
		    ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		/* A value that does not fit is refused, never cut. */
		if ((size_t)(ve - v) >= bufsz)
			return NULL;
		memcpy(buf, v, (size_t)(ve - v));
		buf[ve - v] = '\0';
		return buf;
	}
	return NULL;
}

int
http_perform(struct http_request *r, tb_err *e)
{
	return http_perform_all(&r, 1, 1, e);
}

int
http_perform_all(struct http_request **reqs, size_t n, int parallel,
    tb_err *e)
{
	struct http_run run;
	size_t i, failed = 0;
	const char *first = NULL;
	char *msg;
	int rc;

	tb_err_clear(e);
	if (n == 0)
		return 0;
	if ((rc = http_global_init(e)) != 0)
		return rc;
	memset(&run, 0, sizeof run);
	run.n = n;
	run.parallel = parallel <= 0 || (size_t)parallel > n ? n :
	    (size_t)parallel;
	run.backoff_scale = backoff_scale();
	if ((run.xfers = calloc(n, sizeof *run.xfers)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "http: out of memory");
	for (i = 0; i < n; i++) {
		http_request_reset(reqs[i]);
		run.xfers[i].r = reqs[i];
	}
	rc = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = xfer_setup(&run.xfers[i], e);
	if (rc == 0 && (run.multi = curl_multi_init()) == NULL)
		rc = tb_errf(e, TB_EINTERNAL, "http: curl_multi_init failed");
	if (rc == 0)
		rc = run_loop(&run, e);
	if (rc == 0) {
		for (i = 0; i < n; i++) {
			if (run.xfers[i].ok)
				continue;
			if (failed++ == 0)
				first = run.xfers[i].failure;
		}
		if (failed > 0) {
			rc = TB_EUNAVAIL;
			if (n == 1)
				msg = NULL;
			else if (asprintf(&msg, "%zu of %zu requests failed; "
			    "first: %s", failed, n, first) == -1)
				msg = NULL;
			if (e != NULL) {
				e->code = rc;
				log_redact(msg != NULL ? msg : first, e->msg,
				    sizeof e->msg);
			}
			free(msg);
		}
	}
	for (i = 0; i < n; i++)
		xfer_free(&run.xfers[i]);
	if (run.multi != NULL)
		curl_multi_cleanup(run.multi);
	free(run.xfers);
	return rc;
}

/*
 * The loop described at the top of this file.  Returns 0 when every
 * request reached a final outcome (success or not), TB_EINTERNAL when curl
 * itself failed, in which case every unfinished request fails with it.
 */
static int
run_loop(struct http_run *run, tb_err *e)
{
	CURLMcode mc;
	int still;

	while (run->done < run->n) {
		run_start_due(run, monotonic_now());
		if (run->done == run->n)
			break;
		if ((mc = curl_multi_perform(run->multi, &still)) != CURLM_OK)
			goto fail;
		if (run_reap(run) == -1) {
			mc = CURLM_INTERNAL_ERROR;
			goto fail;
		}
		if (run->done == run->n)
			break;
		mc = curl_multi_poll(run->multi, NULL, 0,
		    run_poll_ms(run, monotonic_now()), NULL);
		if (mc != CURLM_OK)
			goto fail;
	}
	return 0;
fail:
	run_abort(run, curl_multi_strerror(mc));
	return tb_errf(e, TB_EINTERNAL, "http: curl multi: %s",
	    curl_multi_strerror(mc));
}

/* Start the waiting requests whose time has come, while slots are free. */
static void
run_start_due(struct http_run *run, double now)
{
	struct http_xfer *x;
	size_t i;

	for (i = 0; i < run->n && run->running < run->parallel; i++) {
		x = &run->xfers[i];
		if (x->state != XFER_WAITING || x->due > now)
			continue;
		if (attempt_start(run, x) == -1)
			xfer_finish(run, x, 0, "cannot start transfer");
	}
}

/* Collect finished attempts.  Returns -1 when curl lost track of one. */
static int
run_reap(struct http_run *run)
{
	struct http_xfer *x;
	CURLMsg *m;
	char *priv;
	int left;

	while ((m = curl_multi_info_read(run->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		if (curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    &priv) != CURLE_OK || priv == NULL)
			return -1;
		x = (struct http_xfer *)(void *)priv;
		/* Copy the result: removing the handle invalidates m. */
		attempt_done(run, x, m->data.result);
	}
	return 0;
}

/*
 * How long curl_multi_poll() may sleep: until the nearest waiting request
 * is due if a slot is free for it, else until a transfer wakes us (curl
 * shortens the wait further for its own timeouts).
 */
static int
run_poll_ms(const struct http_run *run, double now)
{
	double nearest = -1, ms;
	size_t i;

	if (run->running < run->parallel)
		for (i = 0; i < run->n; i++)
			if (run->xfers[i].state == XFER_WAITING &&
			    (nearest < 0 || run->xfers[i].due < nearest))
				nearest = run->xfers[i].due;
	if (nearest < 0)
		return idle_poll_ms(run, HTTP_IDLE_POLL_MS);
	ms = ceil((nearest - now) * 1000.0);
	if (ms < 0)
		return 0;
	return idle_poll_ms(run, ms > INT_MAX ? INT_MAX : (int)ms);
}

/*
 * At most a quarter of the shortest idle limit of the running transfers,
 * so that a stalled one is cut within a quarter of its limit: curl only
 * calls on_progress when it is woken.
 */
static int
idle_poll_ms(const struct http_run *run, int ms)
{
	long quarter;
	size_t i;

	for (i = 0; i < run->n; i++) {
		if (run->xfers[i].state != XFER_RUNNING ||
		    run->xfers[i].r->idle_timeout_ms <= 0)
			continue;
		quarter = run->xfers[i].r->idle_timeout_ms / 4;
		if (quarter < ms)
			ms = quarter > 0 ? (int)quarter : 1;
	}
	return ms;
}

/* Fail every unfinished request because the loop itself broke. */
static void
run_abort(struct http_run *run, const char *why)
{
	struct http_xfer *x;
	size_t i;

	for (i = 0; i < run->n; i++) {
		x = &run->xfers[i];
		if (x->state == XFER_RUNNING)
			curl_multi_remove_handle(run->multi, x->easy);
		if (x->state != XFER_DONE)
			xfer_finish(run, x, 0, "curl multi: %s", why);
	}
}

/* The request's limits, each defaulted when the caller left it 0. */
static void
xfer_limits(struct http_xfer *x)
{
	const struct http_request *r = x->r;

	x->max_retries = r->max_retries < 0 ? HTTP_DEFAULT_RETRIES :
	    r->max_retries;
	x->connect_timeout_ms = r->connect_timeout_ms > 0 ?
	    r->connect_timeout_ms : HTTP_DEFAULT_CONNECT_MS;
	x->timeout_ms = r->timeout_ms > 0 ? r->timeout_ms :
	    HTTP_DEFAULT_TIMEOUT_MS;
	x->max_response = r->max_response > 0 ? r->max_response :
	    HTTP_DEFAULT_MAX_RESPONSE;
	x->max_wait_s = r->max_wait_s > 0 ? r->max_wait_s :
	    HTTP_DEFAULT_MAX_WAIT_S;
}

/* The caller's headers, and an empty "Expect:" unless it set one. */
static int
xfer_headers(struct http_xfer *x)
{
	const struct http_request *r = x->r;
	struct curl_slist *l;
	int i, has_expect = 0;

	for (i = 0; i < HTTP_MAX_HEADERS && r->headers[i] != NULL; i++) {
		if (strncasecmp(r->headers[i], "Expect:", 7) == 0)
			has_expect = 1;
		if ((l = curl_slist_append(x->headers, r->headers[i])) == NULL)
			return -1;
		x->headers = l;
	}
	/*
	 * No "Expect: 100-continue" round trip for large bodies unless the
	 * caller asks: the APIs tb talks to answer at once.
	 */
	if (!has_expect) {
		if ((l = curl_slist_append(x->headers, "Expect:")) == NULL)
			return -1;
		x->headers = l;
	}
	return 0;
}

/* The method and body; 0 when every option was taken. */
static int
xfer_method(struct http_xfer *x)
{
	const struct http_request *r = x->r;
	const char *m = method_of(r);
	int ok = 1;

#define SET(opt, val) ok = ok && curl_easy_setopt(x->easy, opt, val) == CURLE_OK
	if (r->body != NULL || strcmp(m, "POST") == 0) {
		/* POSTFIELDS sends the body as is; no copy is made. */
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(r->body != NULL ?
		    r->body_len : 0));
		SET(CURLOPT_POSTFIELDS, r->body != NULL ? r->body : "");
		if (strcmp(m, "POST") != 0)
			SET(CURLOPT_CUSTOMREQUEST, m);
	} else if (strcmp(m, "GET") == 0)
		SET(CURLOPT_HTTPGET, 1L);
	else if (strcmp(m, "HEAD") == 0)
		SET(CURLOPT_NOBODY, 1L);
	else
		SET(CURLOPT_CUSTOMREQUEST, m);
#undef SET
	return ok ? 0 : -1;
}

/*
 * Create the easy handle of x with every option that stays the same
 * across attempts.
 */
static int
xfer_setup(struct http_xfer *x, tb_err *e)
{
	struct http_request *r = x->r;
	const char *service = r->service != NULL ? r->service : "?";
	int ok = 1;

	xfer_limits(x);
	x->state = XFER_WAITING;
	if (r->url == NULL)
		return tb_errf(e, TB_EINTERNAL, "http: %s: request without URL",
		    service);
	if (xfer_headers(x) != 0 || (x->easy = curl_easy_init()) == NULL)
		return tb_errf(e, TB_EINTERNAL, "http: out of memory");

#define SET(opt, val) ok = ok && curl_easy_setopt(x->easy, opt, val) == CURLE_OK
	SET(CURLOPT_URL, r->url);
	SET(CURLOPT_PRIVATE, (char *)(void *)x);
	SET(CURLOPT_NOSIGNAL, 1L);
	/*
	 * Redirects are not followed: tb's upstream APIs answer where they
	 * are asked, and a redirect to elsewhere must not carry our
	 * Authorization header nor a re-sent order.  A 3xx is a final answer.
	 */
	SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_CONNECTTIMEOUT_MS, x->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, x->timeout_ms);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_response);
	SET(CURLOPT_USERAGENT, r->user_agent != NULL ? r->user_agent :
	    "tb/" TB_VERSION);
	SET(CURLOPT_HTTPHEADER, x->headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	if (r->idle_timeout_ms > 0) {
		SET(CURLOPT_NOPROGRESS, 0L);
		SET(CURLOPT_XFERINFOFUNCTION, on_progress);
		SET(CURLOPT_XFERINFODATA, x);
	}
#undef SET
	if (!ok || xfer_method(x) != 0)
		return tb_errf(e, TB_EINTERNAL, "http: %s: curl_easy_setopt "
		    "failed", service);
	return 0;
}

static void
xfer_free(struct http_xfer *x)
{
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->failure);
	x->easy = NULL;
	x->headers = NULL;
	x->failure = NULL;
}

/* Reset the last attempt's outputs and hand x to the multi handle. */
static int
attempt_start(struct http_run *run, struct http_xfer *x)
{
	struct http_request *r = x->r;
	double now = monotonic_now();

	r->status = 0;
	r->response_len = 0;
	if (r->response != NULL)
		r->response[0] = '\0';
	x->headers_len = 0;
	if (r->response_headers != NULL)
		r->response_headers[0] = '\0';
	r->transport_error = 0;
	r->timed_out = 0;
	r->connected = 0;
	x->oversize = 0;
	x->nomem = 0;
	x->idle = 0;
	x->last_data = now;
	x->last_dl = x->last_ul = 0;
	x->errbuf[0] = '\0';
	if (r->attempts == 0) {
		r->sent_at = time(NULL);
		x->first_start = now;
	}
	x->attempt_start = now;
	if (curl_multi_add_handle(run->multi, x->easy) != CURLM_OK)
		return -1;
	r->attempts++;
	x->state = XFER_RUNNING;
	run->running++;
	return 0;
}

/*
 * One attempt of x ended with code: record it, log it, decide.  A retry
 * only sets the time the next attempt is due.
 */
static void
attempt_done(struct http_run *run, struct http_xfer *x, CURLcode code)
{
	struct http_request *r = x->r;
	enum http_verdict v;
	char reason[CURL_ERROR_SIZE + 64];	/* errbuf plus our words */
	char *url;

	curl_multi_remove_handle(run->multi, x->easy);
	run->running--;
	x->state = XFER_WAITING;
	attempt_record(x, code);
	attempt_reason(x, reason, sizeof reason);

	url = redacted(r->url);
	log_debug("%s: %s %s -> %s, %zu bytes, %.0f ms (attempt %d)",
	    r->service, method_of(r), url != NULL ? url : "?", reason,
	    r->response_len, (monotonic_now() - x->attempt_start) * 1000.0,
	    r->attempts);

	/* Failures of our own making are final and not the caller's to judge. */
	if (x->oversize)
		xfer_finish(run, x, 0, "response over %zu bytes",
		    x->max_response);
	else if (x->nomem)
		xfer_finish(run, x, 0, "out of memory");
	else {
		v = attempt_verdict(x);
		if (v == HTTP_RETRY && r->attempts <= x->max_retries)
			attempt_retry(run, x, reason, url);
		else if (v == HTTP_DONE && code == CURLE_OK &&
		    r->status >= 200 && r->status <= 299)
			xfer_finish(run, x, 1, "%s", "");
		else if (code == CURLE_OK)
			xfer_finish(run, x, 0, "%s%s after %d attempt%s",
			    reason, r->status >= 200 && r->status <= 299 ?
			    " not accepted" : "", r->attempts,
			    r->attempts == 1 ? "" : "s");
		else if (r->attempts > 1)
			xfer_finish(run, x, 0, "%s (%d attempts)", reason,
			    r->attempts);
		else
			xfer_finish(run, x, 0, "%s", reason);
	}
	free(url);
}

/*
 * Schedule the next attempt of x, or fail it when the server asks for a
 * longer wait than max_wait_s.
 */
static void
attempt_retry(struct http_run *run, struct http_xfer *x, const char *reason,
    const char *url)
{
	struct http_request *r = x->r;
	double wait, asked;

	if ((wait = retry_wait(x, run->backoff_scale, &asked)) < 0) {
		xfer_finish(run, x, 0, "%s after %d attempt%s (asked to wait "
		    "%.0f s, over %d s)", reason, r->attempts,
		    r->attempts == 1 ? "" : "s", asked, x->max_wait_s);
		return;
	}
	log_warn("%s: %s from %s %s; retry %d of %d in %.2f s", r->service,
	    reason, method_of(r), url != NULL ? url : "?", r->attempts,
	    x->max_retries, wait);
	x->due = monotonic_now() + wait;
}

/* Fill the request's outputs from the easy handle after an attempt. */
static void
attempt_record(struct http_xfer *x, CURLcode code)
{
	struct http_request *r = x->r;
	curl_off_t connect_us = 0;
	long status = 0, request_size = 0;

	if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK)
		status = 0;
	if (curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect_us) !=
	    CURLE_OK)
		connect_us = 0;
	if (curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &request_size) !=
	    CURLE_OK)
		request_size = 0;
	r->status = status;
	r->transport_error = (int)code;
	r->timed_out = code == CURLE_OPERATION_TIMEDOUT || x->idle;
	if (code == CURLE_FILESIZE_EXCEEDED)
		x->oversize = 1;
	/*
	 * May have reached the server: it answered, or a connection was made
	 * (a reused connection has no connect time, but it has sent request
	 * bytes).  Not when the TLS handshake failed: curl writes the request
	 * only after it, so the server cannot have seen it.
	 */
	if (status > 0)
		r->connected = 1;
	else if (never_left(code))
		r->connected = 0;
	else
		r->connected = connect_us > 0 || request_size > 0;
	/* Callers parse r->response as a string even when it is empty. */
	if (status > 0 && r->response == NULL && !x->nomem &&
	    util_append(&r->response, &r->response_len, &x->response_cap,
	    "", 0) == -1)
		x->nomem = 1;
	r->elapsed_s = monotonic_now() - x->first_start;
}

/* Say in a few words how the attempt ended: "HTTP 503", "timed out ...". */
static void
attempt_reason(const struct http_xfer *x, char *buf, size_t bufsz)
{
	const struct http_request *r = x->r;
	CURLcode code = (CURLcode)r->transport_error;
	long oserr = 0;

	if (code == CURLE_OK) {
		snprintf(buf, bufsz, "HTTP %ld", r->status);
		return;
	}
	if (x->idle) {
		snprintf(buf, bufsz, "idle timeout: no data for %.1f s",
		    r->idle_timeout_ms / 1000.0);
		return;
	}
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(buf, bufsz, "timed out after %.1f s",
		    (monotonic_now() - x->attempt_start));
		break;
	case CURLE_COULDNT_CONNECT:
		if (curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr) ==
		    CURLE_OK && oserr == ECONNREFUSED)
			snprintf(buf, bufsz, "connection refused");
		else if (oserr != 0)
			snprintf(buf, bufsz, "cannot connect: %s",
			    strerror((int)oserr));
		else
			snprintf(buf, bufsz, "cannot connect");
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(buf, bufsz, "cannot resolve host");
		break;
	default:
		/* curl's own detail, else its generic text for the code. */
		snprintf(buf, bufsz, "%s", x->errbuf[0] != '\0' ? x->errbuf :
		    curl_easy_strerror(code));
		break;
	}
}

/*
 * The verdict on x's attempt: the caller's, or the default one, capped by
 * http_may_resend either way.
 */
static enum http_verdict
attempt_verdict(const struct http_xfer *x)
{
	const struct http_request *r = x->r;
	enum http_verdict v;

	/* An idle abort (no data for the idle limit) is a timeout. */
	int code = x->idle ? CURLE_OPERATION_TIMEDOUT : r->transport_error;

	if (r->classify == NULL)
		return http_retry_verdict(r->status, code, r->idempotent,
		    r->connected);
	v = r->classify(r, r->classify_arg);
	if (v == HTTP_RETRY && !http_may_resend(code, r->idempotent,
	    r->connected))
		return HTTP_FAIL;
	return v;
}

int
http_may_resend(int transport_error, int idempotent, int connected)
{
	/* The server cannot have acted on what it never received. */
	return idempotent || (!connected && never_left(transport_error));
}

enum http_verdict
http_retry_verdict(long status, int transport_error, int idempotent,
    int connected)
{
	int retry;

	if (transport_error != CURLE_OK)
		retry = transport_retryable(transport_error);
	else if (status >= 200 && status <= 299)
		return HTTP_DONE;
	else
		retry = status == 408 || status == 429 || status >= 500;
	return retry && http_may_resend(transport_error, idempotent,
	    connected) ? HTTP_RETRY : HTTP_FAIL;
}

/*
 * Transport failures that may go away by themselves.  A bad URL, an
 * unsupported protocol or a certificate problem will not.
 */
static int
transport_retryable(int code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/*
 * Failures that happen before the first byte of the request is written:
 * no name, no connection, no TLS session.  A timeout is not one of them,
 * even one while connecting: it is not told apart from a later one.
 */
static int
never_left(int code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

/* http_retry_wait for x's last attempt, with a fresh jitter. */
static double
retry_wait(const struct http_xfer *x, double scale, double *asked)
{
	const struct http_request *r = x->r;
	char retry_after[128], reset[128];

	return http_retry_wait(r->status, r->attempts,
	    http_header(r, "Retry-After", retry_after, sizeof retry_after),
	    http_header(r, "X-Ratelimit-Reset", reset, sizeof reset),
	    time(NULL), arc4random_uniform(10001) / 10000.0, scale,
	    x->max_wait_s, asked);
}

double
http_retry_wait(long status, int attempts, const char *retry_after,
    const char *ratelimit_reset, time_t now, double jitter, double scale,
    int max_wait_s, double *asked)
{
	double wait;
	int retry;

	*asked = 0;
	if (status > 0 && (header_wait(retry_after, 0, now, asked) ||
	    (status == 429 && header_wait(ratelimit_reset, 1, now, asked))))
		return *asked > max_wait_s ? -1 : *asked;

	retry = attempts - 1;	/* 0 before the first retry */
	if (retry < 0)
		retry = 0;
	wait = HTTP_BACKOFF_FIRST_S * ldexp(1.0, retry > 10 ? 10 : retry);
	if (wait > HTTP_BACKOFF_MAX_S)
		wait = HTTP_BACKOFF_MAX_S;
	return wait * (1.0 - HTTP_BACKOFF_JITTER * jitter) * scale;
}

double
http_backoff_s(int retry)
{
	double asked;

	/* No status: the backoff alone, with a fresh jitter. */
	return http_retry_wait(0, retry + 1, NULL, NULL, time(NULL),
	    arc4random_uniform(10001) / 10000.0, backoff_scale(), 0, &asked);
}

/*
 * A header value (NULL: absent) as a wait in seconds from now into *wait:
 * a number of seconds or an HTTP date (Retry-After), or for a rate-limit
 * reset a unix time (Trading 212) rather than seconds (Reddit), told apart
 * by size.  Returns 1 when the value is usable, else 0.
 */
static int
header_wait(const char *value, int reset, time_t now, double *wait)
{
	char *end;
	double v;
	time_t when;

	if (value == NULL || value[0] == '\0')
		return 0;
	errno = 0;
	v = strtod(value, &end);
	if (end != value && *end == '\0' && errno == 0 && isfinite(v) &&
	    v >= 0) {
		if (reset && v >= HTTP_RESET_EPOCH_MIN)
			v -= (double)now;
		*wait = v > 0 ? v : 0;
		return 1;
	}
	if (reset || (when = curl_getdate(value, NULL)) == -1)
		return 0;
	v = difftime(when, now);
	*wait = v > 0 ? v : 0;
	return 1;
}

/*
 * Make x final.  On failure, the message names service, method and URL;
 * r->error gets it redacted (and maybe shortened), x->failure keeps it whole
 * for *e.
 */
static void
xfer_finish(struct http_run *run, struct http_xfer *x, int ok,
    const char *fmt, ...)
{
	struct http_request *r = x->r;
	char *reason = NULL;
	va_list ap;

	x->state = XFER_DONE;
	x->ok = ok;
	run->done++;
	if (r->attempts > 0)
		r->elapsed_s = monotonic_now() - x->first_start;
	if (ok) {
		r->error[0] = '\0';
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&reason, fmt, ap) == -1)
		reason = NULL;
	va_end(ap);
	free(x->failure);
	if (asprintf(&x->failure, "%s: %s %s failed: %s", r->service != NULL ?
	    r->service : "http", method_of(r), r->url,
	    reason != NULL ? reason : "out of memory") == -1)
		x->failure = NULL;
	free(reason);
	if (x->failure == NULL && (x->failure = strdup("http: request "
	    "failed (out of memory)")) == NULL) {
		snprintf(r->error, sizeof r->error, "http: out of memory");
		return;
	}
	log_redact(x->failure, r->error, sizeof r->error);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_xfer *x = arg;
	struct http_request *r = x->r;
	size_t n = size * nmemb;

	if (n > x->max_response - r->response_len) {
		x->oversize = 1;
		return 0;	/* curl aborts with CURLE_WRITE_ERROR */
	}
	if (util_append(&r->response, &r->response_len, &x->response_cap,
	    data, n) == -1) {
		x->nomem = 1;
		return 0;
	}
	return n;
}

/*
 * Keep the raw header block of the last response only: a status line
 * starts a new block (after "100 Continue", or a proxy's CONNECT answer).
 */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_xfer *x = arg;
	struct http_request *r = x->r;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		x->headers_len = 0;
		if (r->response_headers != NULL)
			r->response_headers[0] = '\0';
	}
	if (n > x->max_response - x->headers_len) {
		x->oversize = 1;
		return 0;
	}
	if (util_append(&r->response_headers, &x->headers_len, &x->headers_cap,
	    data, n) == -1) {
		x->nomem = 1;
		return 0;
	}
	return n;
}

/*
 * The idle limit: bytes moving either way keep the attempt alive; none
 * for idle_timeout_ms aborts it (curl then ends it with
 * CURLE_ABORTED_BY_CALLBACK, which attempt_record counts as timed out).
 */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct http_xfer *x = arg;
	double now = monotonic_now();

	(void)dltotal;
	(void)ultotal;
	if (dlnow != x->last_dl || ulnow != x->last_ul) {
		x->last_dl = dlnow;
		x->last_ul = ulnow;
		x->last_data = now;
		return 0;
	}
	if ((now - x->last_data) * 1000.0 < (double)x->r->idle_timeout_ms)
		return 0;
	x->idle = 1;
	return 1;
}

static const char *
method_of(const struct http_request *r)
{
	return r->method != NULL ? r->method : "GET";
}

/*
 * A malloc'd copy of s with registered secrets redacted, so that no log
 * line is cut short in the middle of a secret.  NULL when memory is short.
 */
static char *
redacted(const char *s)
{
	size_t len = strlen(s), sz;
	char *out;

	/* A secret is at least 4 bytes and becomes "[REDACTED]" (10). */
	sz = len * 3 + 11;
	if ((out = malloc(sz)) == NULL)
		return NULL;
	log_redact(s, out, sz);
	return out;
}

/* TB_HTTP_BACKOFF_SCALE, so that tests need not sleep out real backoffs. */
static double
backoff_scale(void)
{
	const char *s = getenv("TB_HTTP_BACKOFF_SCALE");
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return 1.0;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0 ||
	    v > 100) {
		log_warn("http: ignoring TB_HTTP_BACKOFF_SCALE=\"%s\" (want a "
		    "number from 0 to 100)", s);
		return 1.0;
	}
	return v;
}

/* Seconds of the monotonic clock (util.h's, as a double). */
static double
monotonic_now(void)
{
	return (double)util_now_ms() / 1000.0;
}

/* Standard base64 (RFC 4648) of n bytes, a new string, or NULL. */
static char *
base64(const unsigned char *in, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v;
	size_t i, o = 0;
	char *out;

	if ((out = malloc((n + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

char *
http_basic_auth(const char *user, const char *password)
{
	char *pair = NULL, *encoded, *header = NULL;

	if (asprintf(&pair, "%s:%s", user, password) < 0)
		return NULL;
	encoded = base64((const unsigned char *)pair, strlen(pair));
	explicit_bzero(pair, strlen(pair));
	free(pair);
	if (encoded == NULL)
		return NULL;
	log_secret(encoded);
	if (asprintf(&header, "Authorization: Basic %s", encoded) < 0)
		header = NULL;
	explicit_bzero(encoded, strlen(encoded));
	free(encoded);
	return header;
}

double
http_backoff_scale(void)
{
	return backoff_scale();
}
