/*
 * market.h - market data for the day's top tickers, from Yahoo Finance.
 *
 * market_fetch() turns a list of Yahoo symbols into one quote each: the
 * chart (lib/yahoo.h, which knows how to get one when Yahoo refuses plain
 * clients) parsed by lib/chart.h, the technicals computed from its closes
 * with lib/indicators.h, the price checked (price.h: a quote that does
 * not agree with its previous close is stored 'unavailable', naming both
 * numbers) and converted to EUR, and, when Yahoo lets us, fundamentals
 * from quoteSummary.  Every quote, and every FX pair used, is stored in
 * market_data under the date.
 *
 * Concurrency.  The charts are fetched together, at most
 * cfg->market_parallel in flight.  The fundamentals (a session, one
 * quoteSummary per symbol, two at a time) run in a thread of their own
 * beside the charts, so they cost no wall time when they fail, which is
 * usual: Yahoo guards quoteSummary and changes the rules often.  Any
 * failure there only leaves market_cap, pe_ratio and sector empty, with
 * a DEBUG line.
 *
 * FX.  eur_rate is in units of the quoted currency per EUR, so that
 * price_eur = price / eur_rate.  A major currency other than EUR takes its
 * rate from the chart of the pair EUR<CUR>=X (EURUSD=X is USD per EUR).
 * Minor units follow meta.currency, never the suffix: a London quote in
 * "GBp" (pence) has eur_rate = 100 * EURGBP.  The pairs a list will need
 * are guessed from the symbols' markets and fetched with the charts; a
 * pair only the answers reveal is fetched in a second, small round.  A
 * quote whose pair has no data stays usable, with price_eur unknown.
 *
 * Reruns.  A symbol that already has an 'ok' row for the date is read
 * back from market_data and not fetched again (quote->cached).  An
 * 'unavailable' row is fetched again: its failure may have healed.
 *
 * Failure of one symbol is not fatal: its quote has ok = 0 and error set
 * (HTTP 404 from Yahoo is "not found on Yahoo Finance").  market_fetch()
 * fails only for the database or memory (TB_EINTERNAL).
 */
#ifndef TB_MARKET_H
#define TB_MARKET_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "chart.h"
#include "config.h"
#include "err.h"

/*
 * One symbol's data for a date: a row of market_data.  Numbers that are
 * not known are NAN.  Strings are owned by the quote.
 */
struct market_quote {
	char	*symbol;
	int	 ok;			/* status 'ok', else 'unavailable' */
	int	 cached;		/* read back from market_data */
	char	*error;			/* why unavailable; NULL when ok */
	char	*name;			/* NULL when unknown */
	char	 currency[CHART_CURRENCY_MAX];	/* as quoted: "GBp" */
	double	 price;			/* in currency */
	double	 price_eur;
	double	 eur_rate;		/* units of currency per EUR */
	double	 previous_close;
	double	 prior_close;		/* chart.h; not stored, NAN if unknown */
	int	 implausible;		/* refused by price_check() (not ok) */
	const char *source;		/* where the price came from: "yahoo" */
	time_t	 fetched_at;		/* when; 0 when read back */
	double	 change_1d_pct;
	double	 change_5d_pct;
	double	 change_1m_pct;
	double	 high_52w;
	double	 low_52w;
	double	 avg_volume;
	double	 sma20;
	double	 sma50;
	double	 ema12;
	double	 ema26;
	double	 macd;
	double	 macd_signal;
	double	 macd_hist;
	double	 rsi14;
	double	 market_cap;		/* in the major currency */
	double	 pe_ratio;
	char	*sector;		/* NULL when unknown */
};

/*
 * The quotes of a fetch: quotes[i] is for symbols[i] as asked; fx holds
 * the FX pairs used.  Counts cover the quotes only, not the pairs.
 */
struct market_set {
	struct market_quote *quotes;
	size_t	 n;
	struct market_quote *fx;
	size_t	 nfx;
	size_t	 nok;			/* quotes with ok set */
	size_t	 ncached;		/* quotes read back, not fetched */
	size_t	 nrequests;		/* chart requests made, pairs included */
};

/*
 * Fetch, compute, convert and store the quotes of symbols[0..n-1] for
 * date (see the top of this file).  parallel is the bound on requests in
 * flight (0: cfg->market_parallel).  On success *out owns everything:
 * market_set_free() it.  On failure *out is empty.
 */
int	market_fetch(sqlite3 *db, const struct tb_config *cfg,
	    const char *date, const char *const *symbols, size_t n,
	    int parallel, struct market_set *out, tb_err *e);

/*
 * What a caller knows of a symbol before asking the feed: its currency as
 * quoted ("GBp") and a recent price in it (the decision's); NULL and NAN
 * when unknown.  The second price source needs them (eodhd.h): London's
 * prices may be pence or pounds, and a fallback must agree with what was
 * known.
 */
struct market_hint {
	const char *currency;
	double price;
};

/*
 * Quotes at the moment of use (tb-execute sizes orders with them): the
 * charts of symbols[0..n-1] (hints[i] for each, or hints NULL) and of the
 * FX pairs extra_pairs[0..nextra-1]
 * (e.g. the account currency's), and the pairs the quotes' currencies
 * need, fetched now: never read back from market_data nor stored there,
 * no fundamentals, at most cfg->market_parallel requests in flight.  Each
 * quote and pair must pass price_check() (price.h) against its series'
 * prior_close: one that does not has ok = 0, implausible = 1 and the
 * reason, naming both numbers, in error.  A quote whose pair is missing
 * or implausible stays ok with price_eur NAN.  Fails only for memory.
 */
int	market_fetch_now(const struct tb_config *cfg,
	    const char *const *symbols, const struct market_hint *hints,
	    size_t n,
	    const char *const *extra_pairs, size_t nextra,
	    struct market_set *out, tb_err *e);

/* The quote for symbol in the set (quotes, then pairs), or NULL. */
const struct market_quote *market_find(const struct market_set *s,
	    const char *symbol);

void	market_set_free(struct market_set *s);

/* Pure parts, exposed for the unit tests. */

/* Reset q to "nothing known": every number NAN, no strings. */
void	market_quote_clear(struct market_quote *q);
void	market_quote_free(struct market_quote *q);

/*
 * Fill q (whose symbol is set) from a parsed chart: name, currency,
 * price and the chart's derived values, and the technicals from its
 * closes (SMA 20 and 50, EMA 12 and 26, MACD 12/26/9, RSI 14).  ok = 1.
 * Returns 0, or TB_EINTERNAL when out of memory.
 */
int	market_quote_from_chart(struct market_quote *q, const struct chart *c,
	    tb_err *e);

/*
 * The FX pair that converts prices quoted in currency to EUR: "EURUSD=X"
 * for "USD", "EURGBP=X" for "GBp", "GBP" or "GBX".  Returns 1 with the pair
 * in pair when one is needed, 0 when the currency is EUR (or EUR cents),
 * -1 when the currency is unknown or the pair does not fit pairsz.
 */
int	market_fx_pair(const char *currency, char *pair, size_t pairsz);

/*
 * The pair a symbol is expected to need, from its market alone ("SHEL.L"
 * -> "EURGBP=X", "AAPL" -> "EURUSD=X", "SAP.DE" -> none): 1, 0 or -1 as
 * market_fx_pair().  Only a guess to start fetching early.
 */
int	market_expected_pair(const char *symbol, char *pair, size_t pairsz);

/*
 * Set q->eur_rate and q->price_eur from major_per_eur, the price of the
 * pair (units of q's major currency per EUR; 1 for EUR).  Minor units are
 * scaled: GBp with EURGBP 0.85 gives eur_rate 85.  Returns 0, or -1 (and
 * leaves both NAN) when the rate is not a positive finite number or q's
 * currency is unknown.
 */
int	market_apply_fx(struct market_quote *q, double major_per_eur);

/*
 * Take market_cap, pe_ratio and sector from a quoteSummary body
 * (quoteSummary.result[0]: summaryDetail.marketCap.raw,
 * summaryDetail.trailingPE.raw, else defaultKeyStatistics.forwardPE.raw,
 * assetProfile.sector).  Returns 0 when the body had a result (fields it
 * lacks stay as they were), -1 when it did not.
 */
int	market_parse_fundamentals(struct market_quote *q, const char *body,
	    size_t len);

#endif
