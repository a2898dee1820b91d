/*
 * chart.h - parse a Yahoo Finance v8 chart body (/v8/finance/chart/{sym}).
 *
 * Pure logic: the caller fetches the body (market module) and hands it
 * here.  chart_parse() turns chart.result[0] into a struct chart: the
 * meta fields tb uses, the daily closes, and values derived from them.
 *
 * The series.  timestamp[] and indicators.quote[0].close[] (and volume[])
 * are parallel arrays.  Rows whose close or timestamp is null are skipped.
 * Each kept row is dated by its calendar day in the exchange's time
 * (timestamp + meta.gmtoffset, UTC when the offset is absent); when two
 * rows fall on the same day (Yahoo may send the live day twice) the later
 * row replaces the earlier one.  Rows must come oldest first.
 *
 * Units.  Prices are stored as Yahoo gives them, in `currency`, which may
 * be a minor unit ("GBp": pence).  Multiply a price by unit_factor to get
 * it in major_currency; see chart_major_unit_factor().
 *
 * Derived values (NAN when the data is not there):
 *   previous_close  meta.previousClose; else the last close dated before
 *                   the price's day; else meta.chartPreviousClose.  The
 *                   latter is the close before the first bar of the
 *                   requested range (6 months back for range=6mo), so it is
 *                   only the previous day's close when the series has no
 *                   earlier bar.
 *   prior_close     the last close of the series dated before the
 *                   price's day (meta.regularMarketTime's day, else the
 *                   last row's), from the series alone: the reference a
 *                   price is checked against (price.h), which a slip in
 *                   meta's own fields cannot move.
 *   change_1d_pct   price against previous_close.
 *   change_5d_pct, change_1m_pct   the last close against the close 5 and
 *                   21 bars earlier.
 *   high_52w, low_52w   meta.fiftyTwoWeekHigh/Low, else the highest and
 *                   lowest close of the series.
 *   avg_volume      mean of the volumes of the last 20 kept rows that have
 *                   one, else meta.regularMarketVolume.
 *
 * Errors (TB_EDATA, message naming the symbol when the body does): a body
 * that is not JSON (an HTML error page, a truncated transfer), a non-null
 * chart.error (Yahoo's "Not Found" for an unknown symbol), a null or empty
 * chart.result, a result without meta, meta without a currency, no price
 * at all (no regularMarketPrice and no close), parallel arrays of
 * different lengths, non-numeric values, or rows out of order.
 * TB_EINTERNAL: out of memory.
 */
#ifndef TB_CHART_H
#define TB_CHART_H

#include <stddef.h>

#include "err.h"

#define CHART_CURRENCY_MAX	8	/* room for a code and its NUL */

struct chart {
	char	*symbol;		/* meta.symbol, "" if absent */
	char	*long_name;		/* meta.longName, else shortName, else "" */
	char	 currency[CHART_CURRENCY_MAX];	/* as given, e.g. "GBp" */
	char	 major_currency[CHART_CURRENCY_MAX]; /* e.g. "GBP" */
	double	 unit_factor;		/* currency -> major_currency, e.g. 0.01 */
	long	 gmtoffset;		/* seconds east of UTC, 0 if absent */
	long long market_time;		/* meta.regularMarketTime, 0 if absent */

	double	 price;			/* regularMarketPrice, else last close */
	double	 previous_close;
	double	 prior_close;		/* series only: see below */
	double	 change_1d_pct;
	double	 change_5d_pct;
	double	 change_1m_pct;
	double	 high_52w;
	double	 low_52w;
	double	 avg_volume;

	size_t	 n;			/* kept rows, oldest first */
	double	*close;			/* n closes */
	double	*volume;		/* n volumes, NAN where Yahoo gave none */
	long long *time;		/* n unix timestamps */
	long long *day;			/* n exchange-local days since 1970-01-01 */
};

/*
 * Parse json[0..len-1] (it need not be NUL-terminated) into *out, which is
 * overwritten.  Returns 0, or an error code with *e filled and *out zeroed.
 * On success the caller owns the memory inside *out: chart_free() it.
 */
int	chart_parse(const char *json, size_t len, struct chart *out, tb_err *e);

/* Free what chart_parse() allocated and zero *c; NULL and zeroed are fine. */
void	chart_free(struct chart *c);

/*
 * The factor that turns a price quoted in `currency` into its major unit,
 * and that unit's code copied into major: "GBp" -> 0.01 "GBP",
 * "ZAc" -> 0.01 "ZAR", "ILA" -> 0.01 "ILS"; any other code -> 1.0 and the
 * code itself.  Case matters ("GBP" is pounds, "GBp" pence).  A NULL code,
 * or one too long for major, gives 0.0 and "": an unknown unit that must
 * not be used to convert anything.
 */
double	chart_major_unit_factor(const char *currency,
	    char major[CHART_CURRENCY_MAX]);

#endif
