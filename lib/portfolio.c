/*
 * portfolio.c - an LLM's positions from its trades.  See portfolio.h.
 */
#include "portfolio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* Trades in the order they happened, so sells meet their buys. */
static const char trades_sql[] =
	"SELECT ticker, kind, side, amount_eur, quantity FROM trades "
	"WHERE llm_name = ?1 AND date <= ?2 AND ("
	"(kind = 'real' AND status IN ('submitted', 'filled')) OR "
	"(kind = 'virtual' AND status = 'booked')) "
	"ORDER BY date, id";

static const char price_sql[] =
	"SELECT price_eur, date FROM market_data WHERE symbol = ?1 AND "
	"date <= ?2 AND status = 'ok' AND price_eur IS NOT NULL "
	"ORDER BY date DESC LIMIT 1";

static struct position *position_for(struct portfolio *, const char *, int,
		    tb_err *);
static void	apply_trade(struct position *, const char *, double, double);
static int	value_positions(sqlite3 *, const char *, struct portfolio *,
		    tb_err *);
static int	by_kind_ticker(const void *, const void *);

void
portfolio_free(struct portfolio *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->positions[i].ticker);
	free(p->positions);
	memset(p, 0, sizeof *p);
}

static struct position *
position_for(struct portfolio *p, const char *ticker, int real, tb_err *e)
{
	struct position *grown;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->positions[i].real == real &&
		    strcmp(p->positions[i].ticker, ticker) == 0)
			return &p->positions[i];
	grown = reallocarray(p->positions, p->n + 1, sizeof *grown);
	if (grown == NULL) {
		tb_errf(e, TB_EINTERNAL, "portfolio: out of memory");
		return NULL;
	}
	p->positions = grown;
	memset(&grown[p->n], 0, sizeof grown[p->n]);
	if ((grown[p->n].ticker = strdup(ticker)) == NULL) {
		tb_errf(e, TB_EINTERNAL, "portfolio: out of memory");
		return NULL;
	}
	grown[p->n].real = real;
	grown[p->n].price_eur = NAN;
	grown[p->n].value_eur = NAN;
	return &grown[p->n++];
}

/* One trade on a position (see portfolio.h for the rules). */
static void
apply_trade(struct position *pos, const char *side, double amount,
    double quantity)
{
	double sold;

	if (strcmp(side, "buy") == 0) {
		if (isfinite(amount) && amount > 0)
			pos->cost_eur += amount;
		if (isfinite(quantity) && quantity > 0)
			pos->quantity += quantity;
		return;
	}
	if (!isfinite(quantity) || quantity <= 0 || pos->quantity <= 0)
		return;
	sold = quantity < pos->quantity ? quantity : pos->quantity;
	pos->cost_eur -= pos->cost_eur * (sold / pos->quantity);
	pos->quantity -= sold;
	if (pos->quantity < 1e-9)
		pos->quantity = pos->cost_eur = 0;
}

static int
value_positions(sqlite3 *db, const char *date, struct portfolio *p,
    tb_err *e)
{
	sqlite3_stmt *st;
	struct position *pos;
	size_t i;
	int rc;

	if (db_prepare(db, price_sql, &st, e) != 0)
		return e->code;
	for (i = 0; i < p->n; i++) {
		pos = &p->positions[i];
		p->cost_eur += pos->cost_eur;
		if (!(pos->quantity > 0)) {
			/* Paid for, not filled yet: no shares to value. */
			p->nunvalued++;
			continue;
		}
		db_bind_text(st, 1, pos->ticker);
		db_bind_text(st, 2, date);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			pos->price_eur = sqlite3_column_double(st, 0);
			snprintf(pos->price_date, sizeof pos->price_date, "%s",
			    db_column_text(st, 1));
			pos->value_eur = pos->quantity * pos->price_eur;
			p->value_eur += pos->value_eur;
		} else if (rc == SQLITE_DONE)
			p->nunvalued++;
		else {
			sqlite3_finalize(st);
			return db_fail(db, "reading prices", e);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

static int
by_kind_ticker(const void *a, const void *b)
{
	const struct position *x = a, *y = b;

	if (x->real != y->real)
		return y->real - x->real;
	return strcmp(x->ticker, y->ticker);
}

int
portfolio_load(sqlite3 *db, const char *llm_name, const char *date,
    struct portfolio *p, tb_err *e)
{
	sqlite3_stmt *st;
	struct position *pos;
	size_t i, kept;
	double amount, quantity;
	int rc;

	memset(p, 0, sizeof *p);
	if (db_prepare(db, trades_sql, &st, e) != 0)
		return e->code;
	db_bind_text(st, 1, llm_name);
	db_bind_text(st, 2, date);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pos = position_for(p, db_column_text(st, 0),
		    strcmp(db_column_text(st, 1), "real") == 0, e);
		if (pos == NULL)
			goto fail;
		amount = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 3);
		quantity = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 4);
		apply_trade(pos, db_column_text(st, 2), amount, quantity);
		p->ntrades++;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading trades", e);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;

	/* Positions sold down to nothing are history, not holdings. */
	for (i = kept = 0; i < p->n; i++) {
		if (p->positions[i].quantity > 0 ||
		    p->positions[i].cost_eur > 0)
			p->positions[kept++] = p->positions[i];
		else
			free(p->positions[i].ticker);
	}
	p->n = kept;
	if (p->n > 1)
		qsort(p->positions, p->n, sizeof *p->positions,
		    by_kind_ticker);
	if (value_positions(db, date, p, e) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(st);
	portfolio_free(p);
	return e->code;
}
