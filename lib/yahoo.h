/*
 * yahoo.h - the Yahoo Finance client: charts and fundamentals, fetched
 * the way a browser-less client still can on Yahoo's bad days.
 *
 * Yahoo refuses plain HTTP clients now and then with 429 (yfinance
 * issues 2422, 2472, 2480), and guards quoteSummary with a cookie and a
 * crumb.  yahoo_charts() therefore works in rounds:
 *
 *   1. every chart, {base}/v8/finance/chart/{symbol}?range=6mo&interval=1d,
 *      plainly, at most cfg->market_parallel at once, with a desktop
 *      browser's User-Agent.  The HTTP layer retries 429 and 5xx with
 *      jittered backoff and honours Retry-After (http.h);
 *   2. the charts still refused (401, 403, 429, 999) are asked again with
 *      a session: a cookie (from fc.yahoo.com for Yahoo's own hosts, from
 *      {base}/ for any other, as a proxy or a fake serves it) and a crumb
 *      ({base}/v1/test/getcrumb), obtained once per client, and on the
 *      other host (query1 <-> query2) when the base is one of them;
 *   3. a 401 or 403 with the session renews it once and asks again on
 *      the first host.
 *
 * yahoo_fundamentals() asks quoteSummary for each symbol with the
 * session (it has no answer without one).  A client is used by one
 * thread; a second thread makes its own.
 *
 * Errors: the functions fail only for memory (TB_EINTERNAL); each
 * answer says what became of its symbol.
 */
#ifndef TB_YAHOO_H
#define TB_YAHOO_H

#include <stddef.h>

#include "config.h"
#include "err.h"

#define YAHOO_COOKIE_MAX	1024
#define YAHOO_CRUMB_MAX		64

struct yahoo {
	const struct tb_config *cfg;
	char *bases[2];			/* the base URL and its other host */
	size_t nbases;
	int parallel;			/* requests in flight at most */
	long timeout_ms;		/* per attempt */
	char cookie[YAHOO_COOKIE_MAX];	/* "A3=..." or "" */
	char crumb[YAHOO_CRUMB_MAX];	/* "" until obtained */
	int sessions;			/* sessions obtained so far */
	int base_cookie;		/* a base that is not Yahoo's own is
					 * asked for the cookie too (the
					 * default); 0: the crumb alone, one
					 * round trip less */
	size_t nrequests;		/* chart requests made */
};

/* One symbol's answer. */
struct yahoo_answer {
	const char *symbol;		/* in, borrowed */
	long status;			/* the last HTTP status; 0 none */
	char *body;			/* a 2xx body, NUL-terminated; NULL */
	size_t len;
	int refused;			/* Yahoo refused the client itself */
	int with_session;		/* answered with cookie and crumb */
	char error[256];		/* why there is no body; "" */
};

int	yahoo_init(struct yahoo *y, const struct tb_config *cfg, tb_err *e);
void	yahoo_free(struct yahoo *y);

/* The charts of a[0..n-1] (symbol set), in rounds (see above). */
int	yahoo_charts(struct yahoo *y, struct yahoo_answer *a, size_t n,
	    tb_err *e);

/* quoteSummary of a[0..n-1] with the session, two at a time; a symbol
 * without an answer keeps body NULL (fundamentals are optional). */
int	yahoo_fundamentals(struct yahoo *y, struct yahoo_answer *a, size_t n,
	    tb_err *e);

/* Free the bodies of a[0..n-1] and clear their outputs. */
void	yahoo_answers_reset(struct yahoo_answer *a, size_t n);

/*
 * The same base on Yahoo's other API host: "https://query1.finance.
 * yahoo.com" -> "https://query2.finance.yahoo.com" and back (any base
 * whose host starts with "query1." or "query2.").  0 with out filled, or
 * -1 when base has no other host or out is too small.
 */
int	yahoo_other_host(const char *base, char *out, size_t outsz);

/* Whether an HTTP status is Yahoo refusing the client (not the symbol). */
int	yahoo_refusal(long status);

#endif
