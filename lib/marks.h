/*
 * marks.h - daily closes ("marks"), table `marks` (sql/008_scoreboard.sql).
 *
 * A mark is one symbol's close on one trading day: an instrument an LLM
 * holds (close as quoted, close_eur per share in EUR, eur_rate the units
 * of its currency per EUR), the benchmark likewise, or an FX pair
 * ("EURUSD=X": close = units of USD per EUR, close_eur NULL).  Each names
 * its source ("yahoo", or the second price source's name).  The
 * scoreboard (scoreboard.h) values positions at the newest mark on or
 * before a day.
 *
 * tb-report --refresh stores the marks of its day from quotes fetched at
 * that moment (market_fetch_now: each price checked against its previous
 * close, price.h); cron runs it after the close, so the price is the
 * day's close.  A second refresh of the same day replaces its marks.
 */
#ifndef TB_MARKS_H
#define TB_MARKS_H

#include <sqlite3.h>

#include "err.h"
#include "market.h"

struct mark {
	char date[11];
	double close;			/* as quoted */
	char currency[8];		/* as quoted, "" when unknown */
	double close_eur;		/* NAN for a pair or when unknown */
	double eur_rate;		/* NAN when unknown */
	char source[16];
};

/*
 * Store quote q (ok, with a price) as the mark of q->symbol on date,
 * replacing one stored before; pair: q is an FX pair.  A quote that is
 * not ok, or an instrument whose EUR price is not known, is not stored
 * (*stored = 0).  Returns 0, or TB_EINTERNAL.
 */
int marks_store(sqlite3 *db, const char *date, const struct market_quote *q,
    int pair, int *stored, tb_err *e);

/*
 * The newest mark of symbol dated on or before day: 0 with *found set
 * (and *m filled when found), or TB_EINTERNAL.
 */
int marks_latest(sqlite3 *db, const char *symbol, const char *day,
    struct mark *m, int *found, tb_err *e);

#endif
