/*
 * eodhd.h - the second price source: EODHD's end-of-day prices.
 *
 * When Yahoo refuses tb or its quote is not plausible (price.h), prices
 * come from EODHD (eodhd.com): daily bars for US, Xetra, Euronext, London
 * and more on its free plan (a key from the environment, EODHD_API_KEY;
 * 20 calls a day, one call per symbol for a year of history, so it is
 * asked only for what Yahoo could not give).
 *
 *	GET {eodhd_base_url}/api/eod/{code}.{exchange}?api_token=KEY
 *	    &fmt=json&order=a&from=YYYY-MM-DD
 *	-> [{"date":"2026-11-20","open":..,"high":..,"low":..,"close":..,
 *	     "adjusted_close":..,"volume":..}, ...]   (oldest first)
 *
 * Errors are HTTP statuses: 401 a bad key, 402 the day's calls used up,
 * 404 an unknown symbol, 429 too many at once.  The key travels in the
 * query string: every URL is logged through log_redact(), which knows it.
 *
 * Symbols.  Yahoo's suffix names the exchange: none is US, .DE XETRA, .L
 * LSE, .AS AS, .PA PA, .MI MI, .SW SW, .MC MC, .BR BR, .F F, .VI VI,
 * .CO CO, .ST ST, .OL OL, .HE HE, .LS LIS, .IR IR; an FX pair EURUSD=X is
 * EURUSD.FOREX.  Prices are in the exchange's trading currency, which the
 * answer does not state: on every exchange but London it is the
 * market's (eodhd_currency), and London shares trade in pence or pounds,
 * so the caller must know which (Yahoo's label, or the broker's).
 */
#ifndef TB_EODHD_H
#define TB_EODHD_H

#include <stddef.h>

#include "chart.h"
#include "err.h"

/* One symbol's answer. */
struct eodhd_answer {
	const char *symbol;		/* in: the Yahoo symbol, borrowed */
	long status;			/* the last HTTP status; 0 none */
	char *body;			/* a 2xx body, NUL-terminated; NULL */
	size_t len;
	char error[256];		/* why there is none; "" */
};

/*
 * Ask base_url (no trailing slash) for the days of a[0..n-1] since `from`
 * ("YYYY-MM-DD"), with key, at most parallel at once.  Fails only for
 * memory (TB_EINTERNAL); each answer says what became of its symbol.
 * eodhd_answers_reset() frees the bodies.
 */
int	eodhd_fetch(const char *base_url, const char *key, const char *from,
	    int parallel, long timeout_ms, struct eodhd_answer *a, size_t n,
	    tb_err *e);
void	eodhd_answers_reset(struct eodhd_answer *a, size_t n);

/* "SAP.DE" -> "SAP.XETRA", "AAPL" -> "AAPL.US", "EURGBP=X" ->
 * "EURGBP.FOREX".  0, or -1 for a suffix EODHD has no code for. */
int	eodhd_symbol(const char *yahoo_symbol, char *out, size_t outsz);

/*
 * The currency a symbol's EODHD prices are in when the exchange says it
 * alone: "USD" for US, "EUR" for Xetra and Euronext, the quote currency
 * of an FX pair; NULL for London (pence or pounds: the caller knows) and
 * for anything unknown.
 */
const char *eodhd_currency(const char *yahoo_symbol);

/*
 * Parse an EOD answer into *out as a chart (chart.h) of the given
 * currency: closes dated by their day, price = the last close,
 * previous_close = prior_close = the close before it.  Rows with a null
 * or non-positive close are skipped; rows must be oldest first.
 * TB_EDATA when the body is not such an array or has no close;
 * TB_EINTERNAL for memory.  chart_free() it.
 */
int	eodhd_parse(const char *body, size_t len, const char *currency,
	    struct chart *out, tb_err *e);

#endif
