/*
 * marks.c - daily closes.  See marks.h.
 */
#include "marks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"

int
marks_store(sqlite3 *db, const char *date, const struct market_quote *q,
    int pair, int *stored, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	*stored = 0;
	if (!q->ok || !isfinite(q->price) || q->price <= 0 ||
	    (!pair && !(isfinite(q->price_eur) && q->price_eur > 0)))
		return 0;
	if (db_prepare(db, "INSERT OR REPLACE INTO marks (date, symbol, close, "
	    "currency, close_eur, eur_rate, source, fetched_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, q->symbol);
	sqlite3_bind_double(st, 3, q->price);
	db_bind_text(st, 4, q->currency[0] != '\0' ? q->currency : NULL);
	db_bind_real(st, 5, pair ? NAN : q->price_eur);
	db_bind_real(st, 6, pair ? NAN : q->eur_rate);
	db_bind_text(st, 7, q->source != NULL ? q->source : "yahoo");
	db_bind_text(st, 8, clock_iso_utc(q->fetched_at != 0 ? q->fetched_at :
	    time(NULL), now));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "store a mark", e);
	*stored = 1;
	return 0;
}

int
marks_latest(sqlite3 *db, const char *symbol, const char *day,
    struct mark *m, int *found, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*found = 0;
	memset(m, 0, sizeof *m);
	if (db_prepare(db, "SELECT date, close, currency, close_eur, eur_rate, "
	    "source FROM marks WHERE symbol = ? AND date <= ? ORDER BY date "
	    "DESC LIMIT 1", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, symbol);
	db_bind_text(st, 2, day);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		snprintf(m->date, sizeof m->date, "%s", db_column_text(st, 0));
		m->close = sqlite3_column_double(st, 1);
		snprintf(m->currency, sizeof m->currency, "%s",
		    db_column_text(st, 2));
		m->close_eur = db_column_real(st, 3);
		m->eur_rate = db_column_real(st, 4);
		snprintf(m->source, sizeof m->source, "%s",
		    db_column_text(st, 5));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "read a mark", e);
	return 0;
}
