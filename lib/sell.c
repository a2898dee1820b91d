/*
 * sell.c - closing a position.  See sell.h.
 *
 * The invariant kept here: a sell never asks for more shares than the
 * LLM holds by the journal, nor (real) than the broker holds, and a real
 * sell goes through place_sell_order(), the one path with the journal's
 * write-ahead row and the never-twice rules.
 */
#include "sell.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "instruments.h"
#include "journal.h"
#include "lock.h"
#include "log.h"
#include "market.h"
#include "scoreboard.h"
#include "t212.h"

/* One run of sell_position. */
struct run {
	const struct sell_input *in;
	struct sell_result *out;
	struct universe universe;
	struct t212_client t212;
	int have_t212;
	struct orders_ctx orders;
	int have_orders;
	int journal_fd;
	struct market_set quotes;
	char broker_ticker[SYMBOLS_MAX];
};

const char *
sell_kind_name(enum sell_kind k)
{
	return k == SELL_REAL ? "real" : k == SELL_VIRTUAL ? "virtual" : "any";
}

/* The answer of a one-number query with llm and ticker bound (NAN: none). */
static int
query_number(sqlite3 *db, const char *sql, const char *llm,
    const char *ticker, double *v, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*v = NAN;
	if (db_prepare(db, sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, llm);
	db_bind_text(st, 2, ticker);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		*v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "read the position", e);
	return 0;
}

/* What the LLM holds of the instrument, of the settled kind (sell.h). */
static int
held(const struct run *r, double *qty, tb_err *e)
{
	static const char real_sql[] =
	    "SELECT coalesce(sum(CASE WHEN side = 'buy' AND status IN "
	    "('submitted', 'filled') THEN " SB_QUANTITY_SQL " WHEN side = "
	    "'sell' AND status IN ('pending', 'submitted', 'filled', "
	    "'unknown') THEN -" SB_QUANTITY_SQL " ELSE 0 END), 0) FROM trades "
	    "WHERE kind = 'real' AND llm_name = ?1 AND ticker = ?2";
	static const char virtual_sql[] =
	    "SELECT coalesce(sum(CASE side WHEN 'buy' THEN quantity ELSE "
	    "-quantity END), 0) FROM trades WHERE kind = 'virtual' AND "
	    "status = 'booked' AND llm_name = ?1 AND ticker = ?2";

	return query_number(r->in->db, r->out->kind == SELL_REAL ? real_sql :
	    virtual_sql, r->in->llm, r->in->ticker, qty, e);
}

/* Step 1: the kind asked, else the kind of the LLM's buys. */
static int
settle_kind(struct run *r, tb_err *e)
{
	double real, virt;
	int rc;

	r->out->kind = r->in->kind;
	if (r->in->kind != SELL_ANY)
		return 0;
	if ((rc = query_number(r->in->db, "SELECT count(*) FROM trades WHERE "
	    "kind = 'real' AND side = 'buy' AND status IN ('submitted', "
	    "'filled') AND llm_name = ?1 AND ticker = ?2", r->in->llm,
	    r->in->ticker, &real, e)) != 0 ||
	    (rc = query_number(r->in->db, "SELECT count(*) FROM trades WHERE "
	    "kind = 'virtual' AND side = 'buy' AND status = 'booked' AND "
	    "llm_name = ?1 AND ticker = ?2", r->in->llm, r->in->ticker, &virt,
	    e)) != 0)
		return rc;
	if (real > 0 && virt > 0)
		return tb_errf(e, TB_EUSAGE, "%s holds %s both real and virtual: "
		    "say which with --kind", r->in->llm, r->in->ticker);
	if (real + virt == 0) {
		r->out->status = "refused";
		snprintf(r->out->reason, sizeof r->out->reason, "%s never "
		    "bought %s", r->in->llm, r->in->ticker);
		return tb_errf(e, TB_EDATA, "%s", r->out->reason);
	}
	r->out->kind = real > 0 ? SELL_REAL : SELL_VIRTUAL;
	return 0;
}

/* ---- Real: the journal first (step 2). */

static int
open_journal(struct run *r, tb_err *e)
{
	const struct sell_input *in = r->in;
	enum universe_source source;
	char why[256];
	int rc;

	if (in->cfg->t212_api_key == NULL || *in->cfg->t212_api_key == '\0') {
		if (!in->dry_run)
			return tb_errf(e, TB_ECONFIG, "T212_API_KEY is not set: "
			    "a real sell needs Trading 212");
	} else if ((rc = t212_init(&r->t212, in->cfg, e)) != 0)
		return rc;
	else
		r->have_t212 = 1;
	if ((rc = journal_lock(in->cfg->home, &r->journal_fd, e)) != 0)
		return rc;
	universe_init(&r->universe);
	if ((rc = instruments_universe(in->db, in->cfg, in->now, &r->universe,
	    &source, why, sizeof why, e)) != 0)
		return rc;
	if ((rc = orders_ctx_init(&r->orders, in->db, r->have_t212 ?
	    &r->t212 : NULL, &r->universe, in->day, in->dry_run, in->force,
	    e)) != 0)
		return rc;
	r->have_orders = 1;
	return 0;
}

static int
settle_journal(struct run *r, tb_err *e)
{
	tb_err warn;
	int rc;

	if ((rc = orders_reconcile(&r->orders, &r->out->reconciled, e)) != 0) {
		if (rc == TB_ECONFIG && r->in->dry_run) {
			log_warn("%s (a real run would fail)", e->msg);
			return 0;
		}
		return rc;
	}
	if (r->have_t212 && (rc = orders_refresh(&r->orders,
	    &r->out->refreshed, &warn)) != 0) {
		if (rc == TB_EINTERNAL) {
			*e = warn;
			return rc;
		}
		log_warn("refresh: %s", warn.msg);
	}
	return 0;
}

/* The instrument at the broker, from the LLM's real buys of it. */
static int
broker_ticker(struct run *r, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(r->in->db, "SELECT broker_ticker FROM trades WHERE "
	    "kind = 'real' AND side = 'buy' AND llm_name = ? AND ticker = ? "
	    "AND broker_ticker IS NOT NULL ORDER BY id DESC LIMIT 1", &st,
	    e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, r->in->llm);
	db_bind_text(st, 2, r->in->ticker);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(r->broker_ticker, sizeof r->broker_ticker, "%s",
		    db_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r->in->db, "read the instrument", e);
	return 0;
}

/*
 * Whether the broker has a sell of the instrument that no row names (a
 * lost row: place_sell_order's broker check records it, sends nothing).
 */
static int
lost_sell(struct run *r, int *lost, tb_err *e)
{
	int rc;

	*lost = 0;
	if ((rc = orders_broker_load(&r->orders, e)) != 0)
		return rc;
	*lost = orders_unclaimed(r->orders.broker, r->orders.nbroker,
	    r->orders.claimed, r->broker_ticker, 1,
	    r->orders.check_since) >= 0;
	return 0;
}

/*
 * The broker's position in the instrument (sell.h, step 4); not asked
 * when the broker has a lost sell of it, which the position already
 * lacks: that sell is for the broker check to record.
 */
static int
broker_position(struct run *r, tb_err *e)
{
	cJSON *positions;
	int rc, lost;

	if (!r->have_t212) {
		log_warn("dry run without T212_API_KEY: the broker's position "
		    "is not checked");
		return 0;
	}
	if ((rc = broker_ticker(r, e)) != 0 || (rc = lost_sell(r, &lost,
	    e)) != 0 || lost)
		return rc;
	if ((rc = t212_positions(&r->t212, &positions, e)) != 0)
		return rc == TB_EDATA ? TB_EUNAVAIL : rc;
	rc = t212_position_quantity(positions, r->broker_ticker,
	    &r->out->broker_held, e);
	cJSON_Delete(positions);
	return rc == TB_EDATA ? TB_EUNAVAIL : rc;
}

/* ---- Steps 3 and 4: the earlier rows, then the quantity. */

static int
earlier(struct run *r, tb_err *e)
{
	if (r->out->kind == SELL_REAL)
		return orders_earlier(&r->orders, r->in->llm, r->in->ticker, 1,
		    &r->out->real, e);
	return trades_virtual_earlier(r->in->db, r->in->day, r->in->llm,
	    r->in->ticker, 1, r->in->force, &r->out->virt, e);
}

static int	refuse(struct run *r, tb_err *e, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/* Refuse the sell (TB_EDATA) for the reason given. */
static int
refuse(struct run *r, tb_err *e, const char *fmt, ...)
{
	va_list ap;

	r->out->status = "refused";
	va_start(ap, fmt);
	vsnprintf(r->out->reason, sizeof r->out->reason, fmt, ap);
	va_end(ap);
	return tb_errf(e, TB_EDATA, "%s sell %s %s: %s", sell_kind_name(
	    r->out->kind), r->in->llm, r->in->ticker, r->out->reason);
}

static int
settle_quantity(struct run *r, tb_err *e)
{
	struct sell_result *out = r->out;
	double want;
	int rc;

	if ((rc = held(r, &out->held, e)) != 0)
		return rc;
	want = isnan(r->in->quantity) ? out->held : r->in->quantity;
	out->quantity = orders_truncate(want, ORDERS_DECIMALS);
	if (!(out->held > SELL_QTY_EPSILON))
		return refuse(r, e, "%s holds no shares of it (%.4f): nothing "
		    "to sell", r->in->llm, fmax(out->held, 0));
	if (out->quantity <= 0)
		return refuse(r, e, "%.6g shares truncate to 0 at 4 decimals",
		    want);
	if (out->quantity > out->held + SELL_QTY_EPSILON)
		return refuse(r, e, "%.4f shares is more than the %.4f held",
		    out->quantity, out->held);
	if (out->kind == SELL_REAL && isfinite(out->broker_held) &&
	    out->quantity > out->broker_held + SELL_QTY_EPSILON)
		return refuse(r, e, "%.4f shares is more than the broker's "
		    "position of %.4f", out->quantity, out->broker_held);
	return 0;
}

/* ---- Steps 5 and 6. */

static int
fetch_quote(struct run *r, tb_err *e)
{
	const char *symbols[1] = { r->in->ticker };

	return market_fetch_now(r->in->cfg, symbols, NULL, 1, NULL, 0,
	    &r->quotes, e);
}

static int
sell_real(struct run *r, tb_err *e)
{
	struct order_result *res = &r->out->real;
	int rc;

	rc = place_sell_order(&r->orders, r->in->llm, r->in->ticker,
	    r->out->quantity, market_find(&r->quotes, r->in->ticker), res, e);
	r->out->status = res->status;
	if (rc != 0)
		return rc;
	if (strcmp(res->status, "rejected") == 0 ||
	    strcmp(res->status, "skipped") == 0)
		return tb_errf(e, TB_EDATA, "sell %s %s: %s: %s", r->in->llm,
		    r->in->ticker, res->status, res->reason);
	if (strcmp(res->status, "unknown") == 0)
		return tb_errf(e, TB_EUNAVAIL, "sell %s %s: %s", r->in->llm,
		    r->in->ticker, res->reason);
	return 0;
}

static int
sell_virtual(struct run *r, char account[4], tb_err *e)
{
	const struct market_quote *q = market_find(&r->quotes, r->in->ticker);
	struct virtual_book b;
	int rc;

	if (q == NULL || !q->ok) {
		r->out->status = "refused";
		snprintf(r->out->reason, sizeof r->out->reason, "%s%s",
		    q != NULL && q->implausible ? "" : "no market price: ",
		    q != NULL && q->error != NULL ? q->error : "unavailable");
		return tb_errf(e, q != NULL && q->implausible ? TB_EDATA :
		    TB_EUNAVAIL, "virtual sell %s %s: nothing booked: %s",
		    r->in->llm, r->in->ticker, r->out->reason);
	}
	if ((rc = trades_account_currency(r->in->db, account, e)) != 0)
		return rc;
	memset(&b, 0, sizeof b);
	b.date = r->in->day;
	b.llm_name = r->in->llm;
	b.ticker = r->in->ticker;
	b.sell = 1;
	b.quantity = r->out->quantity;
	b.now = q;
	b.account_currency = account;
	b.fx_fee_pct = r->in->cfg->virtual_fx_fee_pct;
	b.force = r->in->force;
	b.dry_run = r->in->dry_run;
	rc = trades_book_virtual(r->in->db, &b, &r->out->virt, e);
	r->out->status = r->out->virt.status;
	return rc;
}

static int
run_sell(struct run *r, tb_err *e)
{
	struct sell_result *out = r->out;
	char account[4];
	int rc;

	if ((rc = settle_kind(r, e)) != 0)
		return rc;
	if (out->kind == SELL_REAL && ((rc = open_journal(r, e)) != 0 ||
	    (rc = settle_journal(r, e)) != 0))
		return rc;
	if ((rc = earlier(r, e)) != 0)
		return rc;
	if ((out->status = out->kind == SELL_REAL ? out->real.status :
	    out->virt.status) != NULL)
		return 0;	/* "not_repeated": it stands already */
	if ((out->kind == SELL_REAL && (rc = broker_position(r, e)) != 0) ||
	    (rc = settle_quantity(r, e)) != 0 || (rc = fetch_quote(r, e)) != 0)
		return rc;
	return out->kind == SELL_REAL ? sell_real(r, e) :
	    sell_virtual(r, account, e);
}

int
sell_position(const struct sell_input *in, struct sell_result *out,
    tb_err *e)
{
	struct run r;
	int rc;

	memset(out, 0, sizeof *out);
	out->held = out->broker_held = NAN;
	memset(&r, 0, sizeof r);
	r.in = in;
	r.out = out;
	r.journal_fd = -1;
	rc = run_sell(&r, e);
	market_set_free(&r.quotes);
	if (r.have_orders)
		orders_ctx_free(&r.orders);
	if (r.have_t212)
		t212_free(&r.t212);
	universe_free(&r.universe);
	if (r.journal_fd >= 0)
		lock_release(r.journal_fd);
	return rc;
}

void
sell_result_free(struct sell_result *out)
{
	free(out->reconciled.trades);
	memset(out, 0, sizeof *out);
}
