/*
 * http.h - the one HTTP client of tb, over libcurl easy and multi handles.
 *
 * A caller fills a struct http_request (method, URL, headers, body, limits)
 * and runs it alone with http_perform() or together with others with
 * http_perform_all(), which drives one curl multi handle with bounded
 * parallelism.  Each request then holds its own outcome: status, body,
 * response headers, attempts, elapsed time, and an error message.
 *
 * Retries.  An idempotent request is retried (default 2 retries, 3
 * attempts) on HTTP 408, 429 and 5xx and on transport failures (timeout,
 * connection reset; a non-idempotent one far more rarely, see below),
 * with exponential backoff 0.5 s * 2^n capped at 8 s, minus up to 25 %
 * jitter.  A Retry-After header (seconds or an HTTP date) of at most
 * max_wait_s is honoured instead of the backoff; on 429 without it, an
 * x-ratelimit-reset (unix time) or X-Ratelimit-Reset (seconds) is honoured
 * the same way (one header name, case aside: a value of 1e9 or more is
 * taken as a unix time, anything less as seconds).  A wait longer than
 * max_wait_s is not made: the request fails with the status it got.
 * Transport failures that cannot heal (bad URL, unsupported protocol,
 * certificate problems) are not retried.
 *
 * TB_HTTP_BACKOFF_SCALE (environment, a number from 0 to 100, default 1)
 * multiplies the backoff waits, so that tests need not sleep them out;
 * waits asked by the server (Retry-After, rate-limit resets) are never
 * scaled.
 *
 * Non-idempotent requests (idempotent = 0, e.g. a market order) are sent
 * again only when they provably never left: no connection was made (the
 * host did not resolve, the connection failed or was refused, or the TLS
 * handshake failed, before which no byte of the request is written).
 * Never after an answer of any status (429, 408 and 5xx included), a
 * timeout (even while connecting) or a connection reset: the server may
 * have acted on it, and only the caller can find out.
 *
 * A caller may also classify a finished attempt itself (classify), e.g. to
 * retry MiniMax's HTTP 200 with a retryable base_resp code, or to refuse to
 * retry a 429 that says the spend limit is reached.  It is called after
 * every attempt, transport failures included (status 0, transport_error
 * set), with the attempt's outputs filled in, and its verdict replaces the
 * default one, except that HTTP_RETRY of a non-idempotent request that may
 * have left becomes HTTP_FAIL: no caller can make the client send an order
 * twice.  It is not asked about failures of the client's own making (size
 * cap, out of memory), which are always final.  HTTP_DONE succeeds only on
 * a 2xx status.
 *
 * The policy itself is pure and public (http_retry_verdict,
 * http_may_resend, http_retry_wait below), so that it is tested without a
 * server.
 *
 * Wire details.  Redirects are not followed (a 3xx is a final answer: no
 * Authorization header or order is re-sent elsewhere); only http and https
 * are allowed; no Accept-Encoding is sent; "Expect: 100-continue" is off
 * unless the caller sends an Expect header.  A request with a body, or any
 * POST, sends body_len bytes of body (the caller sets Content-Type).
 * Connections are not kept between calls.
 *
 * Limits.  connect_timeout_ms (default 5000), timeout_ms (default 30000, per
 * attempt), max_response bytes (default 8 MiB): a larger body aborts the
 * transfer and fails the request ("response over N bytes"); the header
 * block is capped the same way.  idle_timeout_ms (default 0: none) is for
 * streamed answers that must keep flowing: an attempt whose request and
 * response bodies move no byte for that long (headers do not count) fails
 * as timed out ("idle timeout: no data for N s", timed_out set, retried
 * like a timeout); it is checked at least four times per limit.
 *
 * Secrets.  Header values and bodies are never logged.  URLs in log lines
 * and in error messages pass through log_redact().  Log lines name the
 * request's service: one DEBUG line per attempt (method, URL, status,
 * bytes, ms), one WARN line per retry.
 *
 * Memory.  http_perform*() allocate the response body and headers inside
 * the request; http_request_reset() frees them (the caller owns the
 * request struct itself and every input string, which must outlive the
 * call).  http_perform*() reset the outputs first, so a request can be run
 * again.  Not thread-safe across threads sharing a request; separate
 * requests may run in separate threads after http_global_init().
 */
#ifndef TB_HTTP_H
#define TB_HTTP_H

#include <stddef.h>
#include <time.h>

#include "err.h"

#define HTTP_MAX_HEADERS 16

enum http_verdict {
	HTTP_DONE,		/* accept this attempt's outcome as final */
	HTTP_RETRY,		/* try again (if retries remain) */
	HTTP_FAIL		/* final failure, do not retry */
};

struct http_request;
typedef enum http_verdict (*http_classify_fn)(const struct http_request *r,
    void *arg);

struct http_request {
	/* Inputs (borrowed; must outlive the call). */
	const char *service;		/* "reddit", "t212", ... for messages */
	const char *method;		/* "GET" (default), "POST", "DELETE" */
	const char *url;
	const char *headers[HTTP_MAX_HEADERS];	/* "Name: value", NULL-ended */
	const char *body;		/* request body or NULL */
	size_t body_len;
	const char *user_agent;		/* NULL: "tb/VERSION" */
	int idempotent;			/* 0: see "Non-idempotent" above */
	int max_retries;		/* -1: default (2) */
	long connect_timeout_ms;	/* 0: default */
	long timeout_ms;		/* 0: default */
	long idle_timeout_ms;		/* 0: none; see "Limits" */
	size_t max_response;		/* 0: default */
	int max_wait_s;			/* longest Retry-After honoured; 0: 60 */
	http_classify_fn classify;	/* NULL: by status only */
	void *classify_arg;

	/* Outputs (owned by the request; freed by http_request_reset). */
	long status;			/* last HTTP status, 0 if none */
	char *response;			/* NUL-terminated body ("" when the
					 * answer had none), NULL if no answer */
	size_t response_len;
	char *response_headers;		/* raw header block of the last attempt */
	int attempts;
	double elapsed_s;		/* all attempts and waits (monotonic) */
	time_t sent_at;			/* wall clock before the first attempt */
	int transport_error;		/* curl code of the last attempt, 0 if none */
	int timed_out;			/* the last attempt timed out */
	int connected;			/* the last attempt may have reached
					 * the server: a connection was made
					 * (and for TLS, the handshake done) */
	char error[256];		/* why it failed, one line, redacted;
					 * "" on success */
};

/*
 * Initialise libcurl once per process (thread-safe; later calls only
 * report the first one's result).  Optional: the first request does it.
 * Its cleanup is registered with atexit(3); http_global_cleanup() may
 * also be called at the end (extra calls do nothing).
 */
int http_global_init(tb_err *e);
void http_global_cleanup(void);

/*
 * Prepare a request with defaults (idempotent GET, default limits).
 * Equivalent to zeroing it and setting idempotent = 1, max_retries = -1.
 */
void http_request_init(struct http_request *r, const char *service,
    const char *method, const char *url);

/*
 * Run one request to completion (with retries).  Returns 0 when a response
 * with a 2xx status was accepted, else TB_EUNAVAIL (transport failure, or
 * non-2xx after retries) with *e naming the service, method, URL and
 * reason, e.g. "anthropic: POST https://.../v1/messages failed: HTTP 529
 * after 3 attempts", "...: timed out after 30.0 s", "...: connection
 * refused (3 attempts)", "...: response over 8388608 bytes"; r->status and
 * r->response still hold the last answer so the caller can parse an error
 * body.  TB_EINTERNAL when curl cannot be set up (out of memory).
 */
int http_perform(struct http_request *r, tb_err *e);

/*
 * Run n requests concurrently, at most `parallel` in flight (0: all; a
 * request waiting for its retry does not hold a slot).  Returns 0 when
 * every request succeeded, else TB_EUNAVAIL ("2 of 5 requests failed;
 * first: <its error>" in *e when n > 1); each request's own status/error
 * tell which.  Retries of one request do not hold up the others.
 */
int http_perform_all(struct http_request **reqs, size_t n, int parallel,
    tb_err *e);

/* Copy the value of response header `name` (case-insensitive, first of
 * that name, last attempt, blanks trimmed) into buf and return buf, or
 * return NULL when it is absent or does not fit in bufsz. */
const char *http_header(const struct http_request *r, const char *name,
    char *buf, size_t bufsz);

/* TB_HTTP_BACKOFF_SCALE (see Retries above), 1 when unset or invalid. */
double http_backoff_scale(void);

/*
 * The backoff before retry n (0 for the first) of the retry policy above:
 * 0.5 s * 2^n capped at 8 s, minus up to 25 % jitter, times
 * TB_HTTP_BACKOFF_SCALE.  For callers that retry on their own (lib/llm.c,
 * whose retries share one deadline).
 */
double http_backoff_s(int retry);

/*
 * The retry policy as pure functions of plain values, used by
 * http_perform_all() after every attempt.  transport_error is the curl
 * code of the attempt (0: an answer with HTTP status `status` came),
 * connected as in struct http_request.
 */

/*
 * Whether the request may be sent again at all: always when idempotent;
 * a non-idempotent one only when it provably never left (see
 * "Non-idempotent" above).  Caps every verdict, the caller's included.
 */
int http_may_resend(int transport_error, int idempotent, int connected);

/*
 * The default verdict: HTTP_DONE on 2xx; HTTP_RETRY on 408, 429, 5xx and
 * on transport failures that may heal (DNS, connect, TLS handshake,
 * timeout, reset, a short or empty answer), when http_may_resend allows;
 * else HTTP_FAIL.
 */
enum http_verdict http_retry_verdict(long status, int transport_error,
    int idempotent, int connected);

/*
 * Seconds to wait before the next attempt, after `attempts` attempts
 * (1 before the first retry) ended with HTTP `status` (0: none).
 * retry_after and ratelimit_reset are the values of those response
 * headers, or NULL.  When a status came, Retry-After (seconds, or an HTTP
 * date relative to `now`) is honoured; on 429 without it,
 * X-Ratelimit-Reset (a unix time when 1e9 or more, else seconds).  Else
 * the backoff 0.5 s * 2^(attempts - 1), at most 8 s, less jitter * 25 %
 * (jitter from 0 to 1, drawn by the caller), times scale.  Returns -1,
 * with the server's wait in *asked, when the server asks for more than
 * max_wait_s; *asked is 0 when it asked nothing.
 */
double http_retry_wait(long status, int attempts, const char *retry_after,
    const char *ratelimit_reset, time_t now, double jitter, double scale,
    int max_wait_s, double *asked);

/* Free the outputs and zero them, keeping the inputs. */
void http_request_reset(struct http_request *r);

/* URL-escape s into a new string (caller frees), or NULL on failure. */
char *http_escape(const char *s);

/*
 * The header "Authorization: Basic base64(user:password)" as a new string
 * (caller frees; wipe it first, it is a credential), or NULL when out of
 * memory.  The encoded credentials are registered with log_secret(): they
 * are the secret in another spelling.
 */
char *http_basic_auth(const char *user, const char *password);

#endif
