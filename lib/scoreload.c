/*
 * scoreload.c - the scoreboard's input, read from the database (the
 * database half of scoreboard.h; scoreboard.c is the pure half).
 */
#include "scoreboard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

#define COUNTED SB_COUNTED_SQL

static const char trades_sql[] =
	"SELECT date, llm_name, ticker, kind = 'real', side = 'sell', "
	SB_QUANTITY_SQL ", "
	"cash_cents, value_cents, amount_eur, fees_cents, price, currency, "
	"price_eur, id FROM trades WHERE date <= ?1 AND " COUNTED
	" ORDER BY date, id";

/* Every close in EUR up to `to`: only held instruments and the
 * benchmark have marks, and filtering by the trades costs more than the
 * few rows it would save. */
static const char marks_sql[] =
	"SELECT symbol, date, close, currency, close_eur FROM marks "
	"WHERE date <= ?1 AND close_eur > 0 ORDER BY symbol, date";

static const char first_sql[] =
	"SELECT min(date) FROM trades WHERE date <= ?1 AND " COUNTED;

static money_cents
column_cents(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return MONEY_INVALID;
	return sqlite3_column_int64(st, i);
}

/*
 * The cash a trade moved: its cash_cents; else (a real order without its
 * fill, or a row from before fees were kept) the value it was sized or
 * booked at, then its amount_eur, then quantity x price_eur.
 */
static money_cents
trade_cash(sqlite3_stmt *st, const struct sb_trade *t)
{
	money_cents c;
	double eur;

	if ((c = column_cents(st, 6)) >= 0 || (c = column_cents(st, 7)) >= 0)
		return c;
	eur = db_column_real(st, 8);
	if (!isfinite(eur))
		eur = t->quantity * t->price_eur;
	c = t->sell ? money_down(eur) : money_up(eur);
	return c >= 0 ? c : 0;
}

static int
llm_index(const char *const *llms, size_t n, const char *name, size_t *k)
{
	for (*k = 0; *k < n; (*k)++)
		if (strcmp(llms[*k], name) == 0)
			return 0;
	return -1;
}

/* The current row as a trade; -1 when it is not one to count. */
static int
trade_read(sqlite3_stmt *st, const char *const *llms, size_t nllms,
    struct sb_trade *t)
{
	memset(t, 0, sizeof *t);
	if (llm_index(llms, nllms, db_column_text(st, 1), &t->llm) != 0 ||
	    strlen(db_column_text(st, 0)) != 10 ||
	    strlen(db_column_text(st, 2)) >= sizeof t->ticker)
		return -1;
	memcpy(t->date, db_column_text(st, 0), 11);
	snprintf(t->ticker, sizeof t->ticker, "%s", db_column_text(st, 2));
	t->real = sqlite3_column_int(st, 3);
	t->sell = sqlite3_column_int(st, 4);
	t->quantity = db_column_real(st, 5);
	if (!(t->quantity > 0)) {
		log_warn("scoreboard: trade %lld has no quantity: left out",
		    (long long)sqlite3_column_int64(st, 13));
		return -1;
	}
	t->price = db_column_real(st, 10);
	snprintf(t->currency, sizeof t->currency, "%s", db_column_text(st,
	    11));
	t->price_eur = db_column_real(st, 12);
	t->cash = trade_cash(st, t);
	if ((t->fees = column_cents(st, 9)) < 0)
		t->fees = 0;
	return 0;
}

static int
load_trades(sqlite3 *db, const char *to, const char *const *llms,
    size_t nllms, struct sb_loaded *out, tb_err *e)
{
	struct sb_trade *grown;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (db_prepare(db, trades_sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->in.ntrades == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = reallocarray(out->trades, cap,
			    sizeof *grown)) == NULL) {
				sqlite3_finalize(st);
				return tb_errf(e, TB_EINTERNAL, "scoreboard: "
				    "out of memory");
			}
			out->trades = grown;
		}
		if (trade_read(st, llms, nllms,
		    &out->trades[out->in.ntrades]) == 0)
			out->in.ntrades++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "read the trades", e);
	out->in.trades = out->trades;
	return 0;
}

/* Append the current row's close to the series it names. */
static int
mark_add(sqlite3_stmt *st, struct sb_loaded *out, size_t *cap)
{
	struct sb_series *s, *grown;
	struct sb_mark *m, *more;
	const char *symbol = db_column_text(st, 0);

	if (strlen(symbol) >= SB_SYMBOL_MAX ||
	    strlen(db_column_text(st, 1)) != 10)
		return 0;
	s = out->in.nseries > 0 ? &out->series[out->in.nseries - 1] : NULL;
	if (s == NULL || strcmp(s->symbol, symbol) != 0) {
		if ((grown = reallocarray(out->series, out->in.nseries + 1,
		    sizeof *grown)) == NULL)
			return -1;
		out->series = grown;
		s = &out->series[out->in.nseries++];
		memset(s, 0, sizeof *s);
		snprintf(s->symbol, sizeof s->symbol, "%s", symbol);
		*cap = 0;
	}
	if (s->n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		if ((more = reallocarray(s->marks, *cap, sizeof *more)) == NULL)
			return -1;
		s->marks = more;
	}
	m = &s->marks[s->n++];
	memcpy(m->date, db_column_text(st, 1), 11);
	m->close = sqlite3_column_double(st, 2);
	m->close_eur = sqlite3_column_double(st, 4);
	/* The newest close's currency is the one positions show. */
	snprintf(s->currency, sizeof s->currency, "%s", db_column_text(st, 3));
	return 0;
}

static int
load_marks(sqlite3 *db, const char *to, struct sb_loaded *out, tb_err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (db_prepare(db, marks_sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (mark_add(st, out, &cap) != 0) {
			sqlite3_finalize(st);
			return tb_errf(e, TB_EINTERNAL, "scoreboard: out of "
			    "memory");
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "read the marks", e);
	out->in.series = out->series;
	return 0;
}

/* The first day with a counted trade up to `to`, else `to`. */
static int
first_day(sqlite3 *db, const struct tb_date *to, struct tb_date *from,
    tb_err *e)
{
	sqlite3_stmt *st;
	char day[11];
	int rc;

	*from = *to;
	if (db_prepare(db, first_sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date_format(to, day));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    date_parse(db_column_text(st, 0), from) != 0)
		*from = *to;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "read the first trade", e);
}

int
scoreboard_load(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *from, const struct tb_date *to,
    const char *const *llms, size_t nllms, struct sb_loaded *out,
    tb_err *e)
{
	char day[11];
	int rc;

	memset(out, 0, sizeof *out);
	out->in.cfg = cfg;
	out->in.to = *to;
	out->in.benchmark = cfg->benchmark_symbol;
	out->in.llms = llms;
	out->in.nllms = nllms;
	date_format(to, day);
	if (from != NULL)
		out->in.from = *from;
	else if ((rc = first_day(db, to, &out->in.from, e)) != 0)
		return rc;
	if ((rc = load_trades(db, day, llms, nllms, out, e)) != 0 ||
	    (rc = load_marks(db, day, out, e)) != 0) {
		scoreboard_loaded_free(out);
		return rc;
	}
	return 0;
}

void
scoreboard_loaded_free(struct sb_loaded *l)
{
	size_t i;

	for (i = 0; l->series != NULL && i < l->in.nseries; i++)
		free(l->series[i].marks);
	free(l->series);
	free(l->trades);
	memset(l, 0, sizeof *l);
}

int
scoreboard_build(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *from, const struct tb_date *to,
    struct sb_result *out, tb_err *e)
{
	static const char *const llms[] = { "claude", "minimax" };
	struct sb_loaded l;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = scoreboard_load(db, cfg, from, to, llms, 2, &l, e)) != 0)
		return rc;
	rc = scoreboard_compute(&l.in, out, e);
	scoreboard_loaded_free(&l);
	return rc;
}
