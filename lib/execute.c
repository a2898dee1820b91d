/*
 * execute.c - the day's real orders and virtual trades.  See execute.h.
 */
#include "execute.h"

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
#include "money.h"
#include "util.h"

/* A pick as read from daily_picks. */
struct pick {
	long long id;
	char ticker[SYMBOLS_MAX];
	double amount_eur;
	int approved;
	int due;			/* no earlier row stands: do it now */
	struct order_result real;	/* what stands instead (not due) */
	struct virtual_result virt;
};

/* One run of execute_day. */
struct run {
	const struct execute_input *in;
	struct execute_result *out;
	struct universe universe;
	struct t212_client t212;
	int have_t212;
	struct journal_ctx ctx;
	int have_ctx;
	struct market_set quotes;
	struct pick *real, *virt;
	size_t nreal, nvirt;
	int journal_fd;			/* journal_lock's; -1 none */
	int rc;				/* the first failure's code */
	tb_err err;			/* and its message */
};

static void
warn(struct run *r, const char *fmt, ...)
{
	struct execute_result *out = r->out;
	char buf[600], clean[600], **grown, *copy;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_redact(buf, clean, sizeof clean);
	log_warn("%s", clean);
	if ((copy = strdup(clean)) == NULL || (grown = reallocarray(
	    out->warnings, out->nwarnings + 1, sizeof *grown)) == NULL) {
		free(copy);
		return;
	}
	out->warnings = grown;
	out->warnings[out->nwarnings++] = copy;
}

/* Keep the first failure; a database failure overrides every other. */
static void
fail(struct run *r, int rc, const tb_err *e)
{
	if (rc == 0)
		return;
	if (r->rc == 0 || (rc == TB_EINTERNAL && r->rc != TB_EINTERNAL)) {
		r->rc = rc;
		r->err = *e;
	} else
		log_error("%s", e->msg);
}

/* ---- Reading the day. */

static int
load_picks(sqlite3 *db, const char *date, const char *llm, struct pick **out,
    size_t *n, tb_err *e)
{
	struct pick *arr = NULL, *grown;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, "SELECT id, ticker, amount_eur, status FROM "
	    "daily_picks WHERE date = ? AND llm_name = ? ORDER BY pick_index, "
	    "id", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((grown = util_grow(arr, &cap, *n + 1, sizeof *arr)) ==
		    NULL) {
			sqlite3_finalize(st);
			free(arr);
			return tb_errf(e, TB_EINTERNAL, "out of memory");
		}
		arr = grown;
		memset(&arr[*n], 0, sizeof arr[*n]);
		arr[*n].id = sqlite3_column_int64(st, 0);
		snprintf(arr[*n].ticker, sizeof arr[*n].ticker, "%s",
		    db_column_text(st, 1));
		arr[*n].amount_eur = sqlite3_column_double(st, 2);
		arr[*n].approved = strcmp(db_column_text(st, 3), "approved") ==
		    0;
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(arr);
		*n = 0;
		return db_fail(db, "read the day's picks", e);
	}
	*out = arr;
	return 0;
}

/* SELECT EXISTS (...) with the day (and llm) bound: 1, 0, or -1. */
static int
exists(sqlite3 *db, const char *sql, const char *day, const char *llm,
    tb_err *e)
{
	sqlite3_stmt *st;
	int rc, yes;

	if (db_prepare(db, sql, &st, e) != 0)
		return -1;
	db_bind_text(st, 1, day);
	if (llm != NULL)
		db_bind_text(st, 2, llm);
	yes = (rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		db_fail(db, "read the day's state", e);
		return -1;
	}
	return yes;
}

/*
 * Why the main trader's picks cannot become real orders at all, into
 * out->no_real_orders ("" when they can).  TB_EDATA when the approved
 * picks are over the budget, TB_EINTERNAL on a database error.
 */
static int
real_blocker(struct run *r, tb_err *e)
{
	const struct execute_input *in = r->in;
	char *why = r->out->no_real_orders;
	size_t whysz = sizeof r->out->no_real_orders, i, napproved = 0;
	double amounts[64];
	money_cents total;
	int yes;

	if (r->nreal == 0) {
		snprintf(why, whysz, "no picks from the main trader %s",
		    in->main_trader);
		return 0;
	}
	if ((yes = exists(in->db, "SELECT EXISTS (SELECT 1 FROM llm_runs "
	    "WHERE date = ? AND llm_name = ? AND status = 'ok')", in->day,
	    in->main_trader, e)) < 0)
		return TB_EINTERNAL;
	if (!yes) {
		snprintf(why, whysz, "the main trader %s's pipeline did not "
		    "succeed on %s", in->main_trader, in->day);
		return 0;
	}
	if ((yes = exists(in->db, "SELECT EXISTS (SELECT 1 FROM approvals "
	    "WHERE date = ? AND superseded_at IS NULL)", in->day, NULL,
	    e)) < 0)
		return TB_EINTERNAL;
	if (!yes) {
		snprintf(why, whysz, "no approval decision for %s "
		    "(tb-approve)", in->day);
		return 0;
	}
	for (i = 0; i < r->nreal; i++)
		if (r->real[i].approved && napproved < 64)
			amounts[napproved++] = r->real[i].amount_eur;
	if (napproved == 0) {
		snprintf(why, whysz, "no pick of %s was approved",
		    in->main_trader);
		return 0;
	}
	if (money_fits(amounts, napproved, in->cfg->daily_budget_eur,
	    &total) != 0) {
		snprintf(why, whysz, "the approved picks total %.2f EUR, over "
		    "the daily budget of %.2f EUR", money_major(total),
		    in->cfg->daily_budget_eur);
		return tb_errf(e, TB_EDATA, "%s: no real order sent", why);
	}
	return 0;
}

/* ---- The broker and the journal, before anything is sent. */

static int
open_broker(struct run *r, tb_err *e)
{
	const struct execute_input *in = r->in;
	enum universe_source source;
	char why[256];
	int rc;

	universe_init(&r->universe);
	if ((rc = instruments_universe(in->db, in->cfg, in->now, &r->universe,
	    &source, why, sizeof why, e)) != 0)
		return rc;
	if (why[0] != '\0')
		warn(r, "instruments: %s", why);
	if (in->cfg->t212_api_key != NULL && *in->cfg->t212_api_key != '\0') {
		if ((rc = t212_init(&r->t212, in->cfg, e)) != 0)
			return rc;
		r->have_t212 = 1;
	}
	if ((rc = journal_ctx_init(&r->ctx, in->db, r->have_t212 ? &r->t212 :
	    NULL, &r->universe, in->day, in->dry_run, in->force, e)) != 0)
		return rc;
	r->have_ctx = 1;
	return 0;
}

/* The journal's lock (journal.h), for the whole run. */
static int
lock_journal(struct run *r, tb_err *e)
{
	return journal_lock(r->in->cfg->home, &r->journal_fd, e);
}

/* Steps 1 and 2: reconcile pending orders, refresh submitted ones. */
static void
settle_journal(struct run *r)
{
	tb_err e;
	int rc;

	tb_err_clear(&e);
	if ((rc = journal_reconcile(&r->ctx, &r->out->reconciled, &e)) != 0) {
		if (rc == TB_ECONFIG && r->in->dry_run)
			warn(r, "%s (a real run would fail)", e.msg);
		else
			fail(r, rc, &e);
	}
	if (r->rc != 0 || !r->have_t212)
		return;
	if ((rc = journal_refresh(&r->ctx, &r->out->refreshed, &e)) ==
	    TB_EINTERNAL)
		fail(r, rc, &e);
	else if (rc != 0)
		warn(r, "refresh: %s", e.msg);
}

/* The real picks to send now: approved, with no earlier row standing. */
static int
plan_real(struct run *r, tb_err *e)
{
	struct pick *p;
	size_t i;
	int rc;

	for (i = 0; i < r->nreal; i++) {
		p = &r->real[i];
		if (!p->approved)
			continue;
		if ((rc = orders_earlier(&r->ctx, r->in->main_trader,
		    p->ticker, 0, &p->real, e)) != 0)
			return rc;
		p->due = p->real.status == NULL;
	}
	return 0;
}

/* The virtual picks to book now: no earlier row, or --force. */
static int
plan_virtual(struct run *r, tb_err *e)
{
	struct pick *p;
	size_t i;
	int rc;

	for (i = 0; i < r->nvirt; i++) {
		p = &r->virt[i];
		if ((rc = trades_virtual_earlier(r->in->db, r->in->day,
		    r->in->virtual_trader, p->ticker, 0, r->in->force,
		    &p->virt, e)) != 0)
			return rc;
		p->due = p->virt.status == NULL;
	}
	return 0;
}

/*
 * Step 3: which picks are to be done now.  Real picks are planned only
 * when nothing blocks them (real_blocker) and the journal is settled.
 */
static int
plan(struct run *r, tb_err *e)
{
	const struct execute_input *in = r->in;
	struct execute_result *out = r->out;
	int rc;

	if ((rc = load_picks(in->db, in->day, in->main_trader, &r->real,
	    &r->nreal, e)) != 0 ||
	    (rc = load_picks(in->db, in->day, in->virtual_trader, &r->virt,
	    &r->nvirt, e)) != 0)
		return rc;
	if ((out->orders = calloc(r->nreal + 1, sizeof *out->orders)) ==
	    NULL || (out->virt = calloc(r->nvirt + 1, sizeof *out->virt)) ==
	    NULL)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	if ((rc = plan_virtual(r, e)) != 0)
		return rc;
	if (r->rc != 0) {
		snprintf(out->no_real_orders, sizeof out->no_real_orders,
		    "the order journal could not be reconciled with the "
		    "broker");
		return 0;
	}
	if ((rc = real_blocker(r, e)) != 0 || out->no_real_orders[0] != '\0')
		return rc;
	return plan_real(r, e);
}

/* The account's currency and cash, before the first order (warn only). */
static void
read_account(struct run *r)
{
	struct execute_result *out = r->out;
	tb_err e;

	if (!r->have_t212)
		return;
	if (t212_account(&r->t212, &out->account, &e) != 0) {
		warn(r, "the account summary could not be read (%s): going on "
		    "without the cash check; the broker refuses an order "
		    "beyond the cash", e.msg);
		return;
	}
	out->have_account = 1;
	log_info("account: %.2f %s available to trade", out->account.cash,
	    out->account.currency);
}

/* How many real picks are to be sent now. */
static size_t
real_due(const struct run *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nreal; i++)
		n += r->real[i].due;
	return n;
}

static int
listed(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/*
 * What the decision knew of symbol (market_data of the day): its
 * currency as quoted into cur and its price, for the second source.
 */
static void
decision_hint(sqlite3 *db, const char *day, const char *symbol,
    char cur[8], struct market_hint *h)
{
	sqlite3_stmt *st;
	tb_err e;

	h->currency = NULL;
	h->price = NAN;
	if (db_prepare(db, "SELECT currency, price FROM market_data WHERE "
	    "date = ? AND symbol = ? AND status = 'ok'", &st, &e) != 0)
		return;
	db_bind_text(st, 1, day);
	db_bind_text(st, 2, symbol);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(cur, 8, "%s", db_column_text(st, 0));
		h->currency = cur[0] != '\0' ? cur : NULL;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			h->price = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
}

/* market_fetch_now() with the decision's hints for each symbol. */
static int
fetch_hinted(struct run *r, const char **symbols, size_t n,
    const char **pairs, size_t npairs, tb_err *e)
{
	struct market_hint *hints;
	char (*cur)[8];
	size_t i;
	int rc;

	hints = calloc(n + 1, sizeof *hints);
	cur = calloc(n + 1, sizeof *cur);
	if (hints == NULL || cur == NULL) {
		free(hints);
		free(cur);
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	}
	for (i = 0; i < n; i++)
		decision_hint(r->in->db, r->in->day, symbols[i], cur[i],
		    &hints[i]);
	rc = market_fetch_now(r->in->cfg, symbols, hints, n, pairs, npairs,
	    &r->quotes, e);
	free(hints);
	free(cur);
	return rc;
}

/* Step 4: quotes for every pick to do, and the account's pair. */
static int
fetch_quotes(struct run *r, size_t nreal_due, tb_err *e)
{
	const char **symbols, *pairs[1];
	char pair[16];
	size_t i, n = 0, npairs = 0;
	int rc;

	if ((symbols = calloc(r->nreal + r->nvirt + 1, sizeof *symbols)) ==
	    NULL)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	for (i = 0; nreal_due > 0 && i < r->nreal; i++)
		if (r->real[i].due)
			symbols[n++] = r->real[i].ticker;
	/* A virtual pick of the same symbol shares its quote. */
	for (i = 0; i < r->nvirt; i++)
		if (r->virt[i].due && !listed(symbols, n, r->virt[i].ticker))
			symbols[n++] = r->virt[i].ticker;
	if (r->out->have_account && strcmp(r->out->account.currency, "EUR") !=
	    0) {
		snprintf(pair, sizeof pair, "EUR%s=X",
		    r->out->account.currency);
		pairs[npairs++] = pair;
	}
	rc = n + npairs == 0 ? 0 : fetch_hinted(r, symbols, n, pairs, npairs,
	    e);
	free(symbols);
	return rc;
}

/* The account currency's units per EUR from the quotes, or NAN. */
static double
account_per_eur(struct run *r)
{
	const struct market_quote *q;
	char pair[16];

	if (!r->out->have_account)
		return NAN;
	if (strcmp(r->out->account.currency, "EUR") == 0)
		return 1;
	snprintf(pair, sizeof pair, "EUR%s=X", r->out->account.currency);
	if ((q = market_find(&r->quotes, pair)) == NULL || !q->ok) {
		warn(r, "no plausible %s rate: going on without the cash check "
		    "(%s)", pair, q != NULL && q->error != NULL ? q->error :
		    "not fetched");
		return NAN;
	}
	return q->price;
}

/* The gate of the main trader: budget, the day so far, the cash. */
static int
load_gate(struct run *r, tb_err *e)
{
	struct execute_result *out = r->out;
	double per = account_per_eur(r);

	out->budget_account = isfinite(per) ? r->in->cfg->daily_budget_eur *
	    per : NAN;
	return journal_gate_load(&r->ctx, r->in->main_trader,
	    r->in->cfg->daily_budget_eur, out->have_account ?
	    out->account.currency : "", per, isfinite(per) ?
	    out->account.cash : NAN, e);
}

/* Step 5: the real orders. */
static void
real_orders(struct run *r)
{
	struct execute_result *out = r->out;
	struct execute_order *o;
	struct pick *p;
	size_t i;
	tb_err e;
	int rc, stop = 0;

	if (out->no_real_orders[0] != '\0')
		return;
	for (i = 0; i < r->nreal; i++) {
		p = &r->real[i];
		if (!p->approved)
			continue;
		o = &out->orders[out->norders++];
		snprintf(o->ticker, sizeof o->ticker, "%s", p->ticker);
		o->amount_eur = p->amount_eur;
		if (!p->due) {
			o->r = p->real;
			continue;
		}
		if (stop) {
			o->r = p->real;
			o->r.status = "not_attempted";
			snprintf(o->r.reason, sizeof o->r.reason, "not "
			    "attempted: an earlier order could not be "
			    "completed");
			continue;
		}
		rc = place_buy_order(&r->ctx, r->in->main_trader, p->ticker,
		    p->amount_eur, p->id, market_find(&r->quotes, p->ticker),
		    &o->r, &e);
		if (rc != 0) {
			fail(r, rc, &e);
			stop = 1;
		}
	}
}

/*
 * The terms virtual trades are booked on (trades.h): the account's
 * currency as read before the orders, else as last known.
 */
static int
virtual_terms(struct run *r, struct virtual_book *b, char cur[4], tb_err *e)
{
	int rc;

	memset(b, 0, sizeof *b);
	b->date = r->in->day;
	b->llm_name = r->in->virtual_trader;
	b->fx_fee_pct = r->in->cfg->virtual_fx_fee_pct;
	b->force = r->in->force;
	b->dry_run = r->in->dry_run;
	b->account_currency = cur;
	if (r->out->have_account) {
		snprintf(cur, 4, "%s", r->out->account.currency);
		return 0;
	}
	if ((rc = trades_account_currency(r->in->db, cur, e)) != 0)
		return rc;
	return 0;
}

/* Step 6: the virtual trades. */
static void
virtual_trades(struct run *r)
{
	struct execute_result *out = r->out;
	struct execute_virtual *v;
	struct virtual_book b;
	struct pick *p;
	char cur[4];
	size_t i;
	tb_err e;
	int rc;

	if ((rc = virtual_terms(r, &b, cur, &e)) != 0) {
		fail(r, rc, &e);
		return;
	}
	for (i = 0; i < r->nvirt; i++) {
		p = &r->virt[i];
		v = &out->virt[out->nvirt++];
		snprintf(v->ticker, sizeof v->ticker, "%s", p->ticker);
		if (!p->due) {
			v->r = p->virt;
			continue;
		}
		b.ticker = p->ticker;
		b.amount_eur = p->amount_eur;
		b.pick_id = p->id;
		b.now = market_find(&r->quotes, p->ticker);
		if ((rc = trades_book_virtual(r->in->db, &b, &v->r, &e)) != 0) {
			fail(r, rc, &e);
			break;
		}
		if (strcmp(v->r.status, "skipped") == 0)
			warn(r, "virtual trade %s skipped: %s", v->ticker,
			    v->r.reason);
	}
}

/* Trades of the day left 'unknown': a human must look (exit non-zero). */
static void
count_unknown(struct run *r)
{
	sqlite3_stmt *st;
	tb_err e;

	if (db_prepare(r->in->db, "SELECT count(*), group_concat(id || ' (' "
	    "|| ticker || ')', ', ') FROM trades WHERE date = ? AND "
	    "status = 'unknown'", &st, &e) != 0) {
		fail(r, TB_EINTERNAL, &e);
		return;
	}
	db_bind_text(st, 1, r->in->day);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (r->out->unknown = sqlite3_column_int(st, 0)) > 0) {
		tb_errf(&e, TB_EUNAVAIL, "trade %s of %s %s unknown: the broker "
		    "may hold an order no answer confirmed; check the account, "
		    "then set each such trade's status by hand (failed when "
		    "there is no such order)", db_column_text(st, 1),
		    r->in->day, r->out->unknown > 1 ? "are" : "is");
		fail(r, TB_EUNAVAIL, &e);
	}
	sqlite3_finalize(st);
}

/*
 * Steps 3 to 6 once the journal is settled: the account and the quotes
 * are read only when something is to be done.
 */
static void
trade(struct run *r)
{
	size_t nreal;
	tb_err e;
	int rc;

	if ((rc = plan(r, &e)) != 0) {
		fail(r, rc, &e);
		if (rc == TB_EINTERNAL)
			return;
	}
	nreal = r->out->no_real_orders[0] == '\0' ? real_due(r) : 0;
	if (nreal > 0)
		read_account(r);
	if ((rc = fetch_quotes(r, nreal, &e)) != 0 ||
	    (rc = load_gate(r, &e)) != 0) {
		fail(r, rc, &e);
		return;
	}
	real_orders(r);
	if (r->rc != TB_EINTERNAL)
		virtual_trades(r);
}

int
execute_day(const struct execute_input *in, struct execute_result *out,
    tb_err *e)
{
	struct run r;
	int rc;

	memset(out, 0, sizeof *out);
	out->budget_account = NAN;
	memset(&r, 0, sizeof r);
	r.in = in;
	r.out = out;
	r.journal_fd = -1;
	tb_err_clear(&r.err);
	if ((rc = lock_journal(&r, &r.err)) != 0 ||
	    (rc = open_broker(&r, &r.err)) != 0)
		r.rc = rc;
	else {
		settle_journal(&r);
		trade(&r);
		if (r.rc != TB_EINTERNAL && !in->dry_run)
			count_unknown(&r);
	}
	market_set_free(&r.quotes);
	if (r.have_ctx)
		journal_ctx_free(&r.ctx);
	if (r.have_t212)
		t212_free(&r.t212);
	universe_free(&r.universe);
	if (r.journal_fd >= 0)
		lock_release(r.journal_fd);
	free(r.real);
	free(r.virt);
	if (r.rc != 0)
		*e = r.err;
	return r.rc;
}

void
execute_result_free(struct execute_result *out)
{
	size_t i;

	free(out->reconciled.trades);
	free(out->orders);
	free(out->virt);
	for (i = 0; i < out->nwarnings; i++)
		free(out->warnings[i]);
	free(out->warnings);
	memset(out, 0, sizeof *out);
}
