/*
 * test_http - the pure parts of lib/http: the retry policy (which attempt
 * is retried, and how long to wait) and Basic credentials.
 */
#include <curl/curl.h>
#include <stdlib.h>

#include "http.h"
#include "log.h"
#include "unit.h"

/* A fixed "now" for the waits: 2026-03-30 15:10:00 UTC. */
#define NOW ((time_t)1774883400)

static const char *
verdict_name(enum http_verdict v)
{
	switch (v) {
	case HTTP_DONE:
		return "done";
	case HTTP_RETRY:
		return "retry";
	case HTTP_FAIL:
		return "fail";
	}
	return "?";
}

/* One finished attempt and the verdicts wanted for both kinds of request. */
struct verdict_case {
	const char *what;
	long status;
	int code;		/* curl code */
	int connected;
	enum http_verdict idempotent;
	enum http_verdict once;	/* idempotent = 0, e.g. a market order */
};

static void
test_verdicts(void)
{
	static const struct verdict_case cases[] = {
		{ "200", 200, CURLE_OK, 1, HTTP_DONE, HTTP_DONE },
		{ "204", 204, CURLE_OK, 1, HTTP_DONE, HTTP_DONE },
		{ "301 (not followed)", 301, CURLE_OK, 1, HTTP_FAIL, HTTP_FAIL },
		{ "400", 400, CURLE_OK, 1, HTTP_FAIL, HTTP_FAIL },
		{ "404", 404, CURLE_OK, 1, HTTP_FAIL, HTTP_FAIL },
		{ "408", 408, CURLE_OK, 1, HTTP_RETRY, HTTP_FAIL },
		{ "429", 429, CURLE_OK, 1, HTTP_RETRY, HTTP_FAIL },
		{ "500", 500, CURLE_OK, 1, HTTP_RETRY, HTTP_FAIL },
		{ "503", 503, CURLE_OK, 1, HTTP_RETRY, HTTP_FAIL },
		{ "529", 529, CURLE_OK, 1, HTTP_RETRY, HTTP_FAIL },
		{ "cannot resolve host", 0, CURLE_COULDNT_RESOLVE_HOST, 0,
		    HTTP_RETRY, HTTP_RETRY },
		{ "cannot resolve proxy", 0, CURLE_COULDNT_RESOLVE_PROXY, 0,
		    HTTP_RETRY, HTTP_RETRY },
		{ "connection refused", 0, CURLE_COULDNT_CONNECT, 0,
		    HTTP_RETRY, HTTP_RETRY },
		{ "TLS handshake failed", 0, CURLE_SSL_CONNECT_ERROR, 0,
		    HTTP_RETRY, HTTP_RETRY },
		{ "timeout before connecting", 0, CURLE_OPERATION_TIMEDOUT, 0,
		    HTTP_RETRY, HTTP_FAIL },
		{ "timeout after connecting", 0, CURLE_OPERATION_TIMEDOUT, 1,
		    HTTP_RETRY, HTTP_FAIL },
		{ "reset while sending", 0, CURLE_SEND_ERROR, 1,
		    HTTP_RETRY, HTTP_FAIL },
		{ "reset while receiving", 0, CURLE_RECV_ERROR, 1,
		    HTTP_RETRY, HTTP_FAIL },
		{ "closed without an answer", 0, CURLE_GOT_NOTHING, 1,
		    HTTP_RETRY, HTTP_FAIL },
		{ "200 cut short", 200, CURLE_PARTIAL_FILE, 1,
		    HTTP_RETRY, HTTP_FAIL },
		{ "HTTP/2 stream error", 0, CURLE_HTTP2_STREAM, 1,
		    HTTP_RETRY, HTTP_FAIL },
		{ "bad URL", 0, CURLE_URL_MALFORMAT, 0, HTTP_FAIL, HTTP_FAIL },
		{ "unsupported protocol", 0, CURLE_UNSUPPORTED_PROTOCOL, 0,
		    HTTP_FAIL, HTTP_FAIL },
		{ "certificate refused", 0, CURLE_PEER_FAILED_VERIFICATION, 1,
		    HTTP_FAIL, HTTP_FAIL },
	};
	const struct verdict_case *c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = &cases[i];
		CHECK_STR(verdict_name(http_retry_verdict(c->status, c->code, 1,
		    c->connected)), verdict_name(c->idempotent),
		    "verdict: %s, idempotent: %s", c->what,
		    verdict_name(c->idempotent));
		CHECK_STR(verdict_name(http_retry_verdict(c->status, c->code, 0,
		    c->connected)), verdict_name(c->once),
		    "verdict: %s, not idempotent: %s", c->what,
		    verdict_name(c->once));
	}
}

/* The cap on every verdict, the caller's classify() included. */
static void
test_may_resend(void)
{
	CHECK(http_may_resend(CURLE_OK, 1, 1), "idempotent: an answered "
	    "request may be sent again");
	CHECK(http_may_resend(CURLE_OPERATION_TIMEDOUT, 1, 1), "idempotent: "
	    "a timed-out request may be sent again");
	CHECK(!http_may_resend(CURLE_OK, 0, 1), "not idempotent: an answered "
	    "request (a 200 the caller dislikes, a 429) is never sent again");
	CHECK(!http_may_resend(CURLE_OPERATION_TIMEDOUT, 0, 0), "not "
	    "idempotent: a timeout, even before a connection, is final");
	CHECK(!http_may_resend(CURLE_RECV_ERROR, 0, 1), "not idempotent: a "
	    "reset is final");
	CHECK(http_may_resend(CURLE_COULDNT_CONNECT, 0, 0), "not idempotent: "
	    "a refused connection may be tried again");
	CHECK(http_may_resend(CURLE_SSL_CONNECT_ERROR, 0, 0), "not "
	    "idempotent: a failed TLS handshake may be tried again");
	CHECK(!http_may_resend(CURLE_COULDNT_CONNECT, 0, 1), "not "
	    "idempotent: a connect failure on a connected attempt is final");
}

/* One wait: the inputs of http_retry_wait and what it must return. */
struct wait_case {
	const char *what;
	long status;
	int attempts;
	const char *retry_after;
	const char *reset;
	double jitter;
	double scale;
	int max_wait_s;
	double want;		/* -1: over max_wait_s */
	double want_asked;
};

static void
test_waits(void)
{
	static const struct wait_case cases[] = {
		/* The backoff: 0.5 s * 2^n, capped at 8 s, less jitter. */
		{ "backoff after attempt 1", 503, 1, NULL, NULL, 0, 1, 60,
		    0.5, 0 },
		{ "backoff after attempt 2", 503, 2, NULL, NULL, 0, 1, 60,
		    1.0, 0 },
		{ "backoff after attempt 4", 503, 4, NULL, NULL, 0, 1, 60,
		    4.0, 0 },
		{ "backoff capped at 8 s", 503, 5, NULL, NULL, 0, 1, 60,
		    8.0, 0 },
		{ "backoff capped after many attempts", 503, 40, NULL, NULL, 0,
		    1, 60, 8.0, 0 },
		{ "full jitter takes 25 % off", 503, 2, NULL, NULL, 1, 1, 60,
		    0.75, 0 },
		{ "half jitter takes 12.5 % off", 503, 4, NULL, NULL, 0.5, 1,
		    60, 3.5, 0 },
		{ "scale shrinks the backoff", 503, 1, NULL, NULL, 0, 0.01, 60,
		    0.005, 0 },
		{ "scale 0: no backoff wait", 503, 2, NULL, NULL, 0, 0, 60,
		    0, 0 },
		{ "a transport failure backs off", 0, 1, NULL, NULL, 0, 1, 60,
		    0.5, 0 },
		{ "a transport failure ignores stale headers", 0, 1, "30",
		    NULL, 0, 1, 60, 0.5, 0 },
		/* Retry-After in seconds, never scaled nor jittered. */
		{ "Retry-After: 1", 429, 1, "1", NULL, 1, 0.01, 60, 1, 1 },
		{ "Retry-After: 2.5", 503, 1, "2.5", NULL, 0, 1, 60, 2.5, 2.5 },
		{ "Retry-After: 0", 503, 1, "0", NULL, 0, 1, 60, 0, 0 },
		{ "Retry-After equal to max_wait_s", 503, 1, "60", NULL, 0, 1,
		    60, 60, 60 },
		{ "Retry-After over max_wait_s", 429, 1, "120", NULL, 0, 1, 5,
		    -1, 120 },
		{ "Retry-After wins over the reset", 429, 1, "3",
		    "1774883410", 0, 1, 60, 3, 3 },
		{ "Retry-After of 1e9 is seconds, not a time", 503, 1,
		    "1000000000", NULL, 0, 1, 60, -1, 1e9 },
		{ "negative Retry-After: the backoff", 503, 1, "-5", NULL, 0, 1,
		    60, 0.5, 0 },
		{ "garbage Retry-After: the backoff", 503, 1, "soon", NULL, 0,
		    1, 60, 0.5, 0 },
		{ "empty Retry-After: the backoff", 503, 1, "", NULL, 0, 1, 60,
		    0.5, 0 },
		/* Retry-After as an HTTP date. */
		{ "Retry-After: a date 3 s ahead", 503, 1,
		    "Mon, 30 Mar 2026 15:10:03 GMT", NULL, 0, 1, 60, 3, 3 },
		{ "Retry-After: a date in the past is now", 503, 1,
		    "Mon, 30 Mar 2026 15:09:00 GMT", NULL, 0, 1, 60, 0, 0 },
		{ "Retry-After: a date 2 min ahead is over 60 s", 429, 1,
		    "Mon, 30 Mar 2026 15:12:00 GMT", NULL, 0, 1, 60, -1, 120 },
		/* X-Ratelimit-Reset, on 429 only. */
		{ "reset as a unix time (Trading 212)", 429, 1, NULL,
		    "1774883405", 1, 0.01, 60, 5, 5 },
		{ "reset as a unix time in the past is now", 429, 1, NULL,
		    "1774883000", 0, 1, 60, 0, 0 },
		{ "reset as seconds (Reddit)", 429, 1, NULL, "1.0", 0, 1, 60,
		    1, 1 },
		{ "reset just under 1e9 is seconds", 429, 1, NULL, "999999999",
		    0, 1, 60, -1, 999999999 },
		{ "reset over max_wait_s", 429, 1, NULL, "1774883500", 0, 1, 60,
		    -1, 100 },
		{ "reset is not a date", 429, 1, NULL,
		    "Mon, 30 Mar 2026 15:10:03 GMT", 0, 1, 60, 0.5, 0 },
		{ "reset is ignored on 503", 503, 1, NULL, "30", 0, 1, 60,
		    0.5, 0 },
	};
	const struct wait_case *c;
	double got, asked;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c = &cases[i];
		asked = -42;
		got = http_retry_wait(c->status, c->attempts, c->retry_after,
		    c->reset, NOW, c->jitter, c->scale, c->max_wait_s, &asked);
		CHECK_NUM(got, c->want, 1e-9, "wait: %s", c->what);
		CHECK_NUM(asked, c->want_asked, 1e-9, "asked: %s", c->what);
	}
}

static void
check_basic(const char *user, const char *password, const char *want)
{
	char *got = http_basic_auth(user, password);

	CHECK_STR(got, want, "Basic auth for %s:%s", user, password);
	free(got);
}

static void
test_basic(void)
{
	char redacted[128];

	/* RFC 4648 test vectors' padding cases, and RFC 7617's example. */
	check_basic("a", "b", "Authorization: Basic YTpi");
	check_basic("ab", "c", "Authorization: Basic YWI6Yw==");
	check_basic("abc", "def", "Authorization: Basic YWJjOmRlZg==");
	check_basic("Aladdin", "open sesame",
	    "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	check_basic("", "", "Authorization: Basic Og==");
	/* The encoded form is a secret too. */
	log_redact("sent QWxhZGRpbjpvcGVuIHNlc2FtZQ== to x", redacted,
	    sizeof redacted);
	CHECK_STR(redacted, "sent [REDACTED] to x",
	    "the encoded credentials are redacted from log lines");
}

int
main(void)
{
	test_verdicts();
	test_may_resend();
	test_waits();
	test_basic();
	log_shutdown();
	return unit_done();
}
