/*
 * refresh.h - tb-report --refresh's step: the day's fills and closes.
 *
 * refresh_day() works for one day, in this order:
 *
 *   1. the symbols: every instrument either LLM holds at the end of the
 *      day (its trades up to the day, as the scoreboard counts them),
 *      every one bought in the SB_HIT_DAYS trading days up to it (their
 *      hit check needs a close), and the benchmark (benchmark_symbol);
 *   2. their quotes, fetched now (market_fetch_now: each price checked
 *      against its previous close, price.h), with the FX pairs they need
 *      and the account currency's, at most REFRESH_PARALLEL requests in
 *      flight (not market_parallel): the refresh runs once a day, and 60
 *      held instruments are then one round of requests, not sixteen;
 *   3. each plausible quote with a EUR price, and each pair, stored as the
 *      mark of the day (marks.h), in one transaction;
 *   4. fills: with T212_API_KEY, under the order journal's lock
 *      (journal.h), the broker's orders are read once and every
 *      'submitted' real order, and every fill not final yet, is refreshed
 *      (orders_refresh): after the closes, so that a fill in an account
 *      not in EUR is converted with the day's rate.  'pending' rows are
 *      left to tb-execute and tb-sell, which reconcile them before they
 *      send anything.
 *
 * Returns 0, or: TB_EUNAVAIL when the broker's orders could not be read
 * or a symbol got no mark (the others are stored all the same), TB_ELOCKED
 * when another program holds the journal's lock, TB_EINTERNAL for the
 * database or memory.  *out is filled either way: refresh_result_free().
 */
#ifndef TB_REFRESH_H
#define TB_REFRESH_H

#include <stddef.h>

#include <sqlite3.h>

#include "clock.h"
#include "config.h"
#include "err.h"
#include "orders.h"
#include "scoreboard.h"

#define REFRESH_PARALLEL	64

struct refresh_input {
	sqlite3 *db;
	const struct tb_config *cfg;
	struct tb_date date;		/* the day whose closes these are */
};

/* One symbol's mark, or why it has none. */
struct refresh_mark {
	char symbol[SB_SYMBOL_MAX];
	int stored;
	double close;			/* as quoted; NAN */
	char currency[8];
	double close_eur;		/* NAN */
	char error[300];		/* why not stored; "" */
};

struct refresh_result {
	int fills_read;			/* the broker was asked */
	struct orders_refreshed fills;
	struct refresh_mark *marks;	/* the symbols, then the pairs */
	size_t nmarks;
	size_t nsymbols;		/* of them instruments and benchmark */
	size_t nstored, nfailed;
	char warning[300];		/* e.g. no key: fills not read; "" */
};

int refresh_day(const struct refresh_input *in, struct refresh_result *out,
    tb_err *e);
void refresh_result_free(struct refresh_result *out);

#endif
