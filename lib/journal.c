/*
 * journal.c - the order journal: its rows, and what the broker says of
 * them (reconcile, refresh, the day's money so far).  See orders.h and
 * journal.h.
 *
 * The invariant kept here: a row leaves 'pending' only on proof of what
 * the broker did, its answer or its records; a row the broker has no
 * record of becomes 'unknown', never 'failed'.
 */
#include "journal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "db.h"
#include "lock.h"
#include "log.h"
#include "util.h"

/* Whether the broker's order o may be one tb sent (API, or not said). */
static int
from_api(const struct t212_order *o)
{
	return o->initiated_from[0] == '\0' ||
	    strcasecmp(o->initiated_from, "API") == 0;
}

long
journal_match(const struct journal_pending *row,
    const struct t212_order *orders, size_t n, const unsigned char *claimed)
{
	const struct t212_order *o;
	long best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		o = &orders[i];
		if ((claimed != NULL && claimed[i]) || !from_api(o))
			continue;
		if (strcmp(o->ticker, row->broker_ticker) != 0 ||
		    o->sell != row->sell ||
		    fabs(o->quantity - row->quantity) > JOURNAL_QTY_EPSILON)
			continue;
		/* Created after we sent it (give or take the clocks). */
		if (o->created_at == 0 ||
		    o->created_at < row->sent_at - JOURNAL_CLOCK_SKEW_S)
			continue;
		if (best < 0 || o->created_at < orders[best].created_at)
			best = (long)i;
	}
	return best;
}

long
journal_unclaimed(const struct t212_order *orders, size_t n,
    const unsigned char *claimed, const char *broker_ticker, int sell,
    time_t since)
{
	const struct t212_order *o;
	long newest = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		o = &orders[i];
		if ((claimed != NULL && claimed[i]) || !from_api(o) ||
		    strcmp(o->ticker, broker_ticker) != 0 || o->sell != sell)
			continue;
		/* An order without a creation time cannot be ruled out. */
		if (o->created_at != 0 && o->created_at < since)
			continue;
		if (newest < 0 || o->created_at > orders[newest].created_at)
			newest = (long)i;
	}
	return newest;
}

/* A real trade row, as read back for reconcile and refresh. */
struct journal_row {
	long long id;
	char *date;
	char *ticker;
	char *broker_ticker;
	char *broker_order_id;
	int sell;
	double quantity;
	time_t sent_at;
};

static void	rows_free(struct journal_row *rows, size_t n);
static const char *fill_cutoff(char buf[21]);

int
journal_lock(const char *home, int *fd, tb_err *e)
{
	return lock_acquire(home, "orders", fd, e);
}

static char *
journal_now(char buf[21])
{
	return clock_iso_utc(time(NULL), buf);
}

static void
bind_cents(sqlite3_stmt *st, int i, money_cents c)
{
	if (c >= 0)
		sqlite3_bind_int64(st, i, c);
	else
		sqlite3_bind_null(st, i);
}

static const char insert_sql[] =
	"INSERT INTO trades (date, llm_name, ticker, broker_ticker, kind, "
	"side, amount_eur, quantity, price, currency, price_eur, status, "
	"error, created_at, sent_at, updated_at, pick_id, value_cents, "
	"decision_price, price_source, quoted_at, broker_order_id) VALUES "
	"(?1, ?2, ?3, ?4, 'real', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	"?14, ?13, ?15, ?16, ?17, ?18, ?19, ?20)";

static void
bind_new(sqlite3_stmt *st, const struct journal_ctx *ctx,
    const struct journal_new *r, const char *now)
{
	const struct price_quote *q = r->quote;

	db_bind_text(st, 1, ctx->date);
	db_bind_text(st, 2, r->llm_name);
	db_bind_text(st, 3, r->ticker);
	db_bind_text(st, 4, r->broker_ticker);
	db_bind_text(st, 5, r->sell ? "sell" : "buy");
	db_bind_real(st, 6, r->amount_eur);
	db_bind_real(st, 7, r->quantity);
	db_bind_real(st, 8, q != NULL ? q->price : NAN);
	db_bind_text(st, 9, q != NULL ? q->currency : NULL);
	db_bind_real(st, 10, q != NULL ? q->price_eur : NAN);
	db_bind_text(st, 11, trade_status_name(r->status));
	db_bind_text(st, 12, r->error);
	db_bind_text(st, 13, now);
	db_bind_text(st, 14, r->sent ? now : NULL);
	if (r->pick_id > 0)
		sqlite3_bind_int64(st, 15, r->pick_id);
	else
		sqlite3_bind_null(st, 15);
	bind_cents(st, 16, r->value);
	db_bind_real(st, 17, r->decision_price);
	db_bind_text(st, 18, q != NULL ? r->price_source : NULL);
	db_bind_text(st, 19, q != NULL ? r->quoted_at : NULL);
	db_bind_text(st, 20, r->broker_order_id);
}

int
journal_insert(struct journal_ctx *ctx, const struct journal_new *r,
    long long *id, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	journal_now(now);
	if ((rc = db_begin(ctx->db, e)) != 0)
		return rc;
	if (db_prepare(ctx->db, insert_sql, &st, e) != 0) {
		db_rollback(ctx->db);
		return TB_EINTERNAL;
	}
	bind_new(st, ctx, r, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = db_fail(ctx->db, "journal a trade", e);
		db_rollback(ctx->db);
		return rc;
	}
	*id = sqlite3_last_insert_rowid(ctx->db);
	return db_commit(ctx->db, e);
}

int
journal_set(struct journal_ctx *ctx, long long id, enum trade_status s,
    const char *broker_id, const char *error, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	if (db_prepare(ctx->db, "UPDATE trades SET status = ?, "
	    "broker_order_id = COALESCE(?, broker_order_id), "
	    "error = COALESCE(?, error), updated_at = ? WHERE id = ?",
	    &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, trade_status_name(s));
	db_bind_text(st, 2, broker_id);
	db_bind_text(st, 3, error);
	db_bind_text(st, 4, journal_now(now));
	sqlite3_bind_int64(st, 5, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "update a trade", e);
	return 0;
}

int
journal_retry(struct journal_ctx *ctx, long long id, double quantity,
    money_cents value, const char *error, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	if (db_prepare(ctx->db, "UPDATE trades SET status = 'pending', "
	    "quantity = ?, value_cents = ?, sent_at = ?, error = ?, "
	    "updated_at = ? WHERE id = ?", &st, e) != 0)
		return TB_EINTERNAL;
	sqlite3_bind_double(st, 1, quantity);
	bind_cents(st, 2, value);
	db_bind_text(st, 3, journal_now(now));
	db_bind_text(st, 4, error);
	db_bind_text(st, 5, now);
	sqlite3_bind_int64(st, 6, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "update a trade", e);
	return 0;
}

/*
 * The close of EUR<major>=X on date: the decision's market_data, else the
 * newest mark on or before it (marks.h); NAN when neither has one.
 */
static double
fx_close(sqlite3 *db, const char *date, const char *major)
{
	sqlite3_stmt *st;
	char symbol[16];
	double v = NAN;
	tb_err e;

	snprintf(symbol, sizeof symbol, "EUR%s=X", major);
	if (db_prepare(db, "SELECT coalesce((SELECT price FROM market_data "
	    "WHERE date = ?1 AND symbol = ?2 AND status = 'ok' AND "
	    "price > 0), (SELECT close FROM marks WHERE symbol = ?2 AND "
	    "date <= ?1 AND close > 0 ORDER BY date DESC LIMIT 1))", &st,
	    &e) != 0)
		return NAN;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, symbol);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = db_column_real(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Units of currency (as the broker prices it) per EUR on date, or NAN. */
static double
per_eur_on(sqlite3 *db, const char *date, const char *currency)
{
	char norm[4], major[4];
	double minor, fx;

	if (price_currency(currency, norm, major, &minor) != 0)
		return NAN;
	if (strcmp(major, "EUR") == 0)
		return minor;
	fx = fx_close(db, date, major);
	return isfinite(fx) && fx > 0 ? fx * minor : NAN;
}

/* What a fill moved, as journal_filled stores it. */
struct fill_money {
	double qty, price;		/* shares, per share (instrument) */
	double eur;			/* value in EUR before fees; NAN */
	money_cents fees, cash;		/* EUR cents; MONEY_INVALID unknown */
	int final;			/* nothing more will come */
};

/*
 * The money of filled order o (row's side): its value in EUR (the
 * wallet's, converted with the day's rate when the account is not in
 * EUR; else the fill's price converted), and with the fees the cash it
 * moved, rounded as money.h says: a buy's cost up, a sell's proceeds
 * down.  Final once the wallet impact is known in EUR.
 */
static void
fill_money(struct journal_ctx *ctx, const struct journal_row *row,
    const struct t212_order *o, const char *currency, struct fill_money *m)
{
	double per = NAN, acct = NAN;

	memset(m, 0, sizeof *m);
	m->eur = NAN;
	m->fees = m->cash = MONEY_INVALID;
	m->qty = isfinite(o->filled_quantity) && o->filled_quantity > 0 ?
	    o->filled_quantity : o->quantity;
	m->price = o->fill_price;
	if (!isfinite(m->price) && isfinite(o->filled_value) && m->qty > 0)
		m->price = o->filled_value / m->qty;
	if (isfinite(o->wallet_value) && o->wallet_value > 0 &&
	    o->wallet_currency[0] != '\0')
		acct = per_eur_on(ctx->db, row->date, o->wallet_currency);
	if (isfinite(acct)) {
		m->eur = o->wallet_value / acct;
		m->fees = money_up((isfinite(o->fees) ? o->fees : 0) / acct);
		m->cash = row->sell ? money_down((o->wallet_value -
		    (isfinite(o->fees) ? o->fees : 0)) / acct) :
		    money_up((o->wallet_value + (isfinite(o->fees) ? o->fees :
		    0)) / acct);
		m->final = m->cash >= 0 && isfinite(o->fees);
	} else if (currency != NULL && isfinite(m->price) &&
	    isfinite(per = per_eur_on(ctx->db, row->date, currency)))
		m->eur = m->qty * m->price / per;
}

static const char filled_sql[] =
	"UPDATE trades SET status = 'filled', broker_order_id = ?1, "
	"quantity = ?2, price = COALESCE(?3, price), "
	"currency = COALESCE(?4, currency), "
	"amount_eur = COALESCE(?5, amount_eur), "
	"price_eur = COALESCE(?6, price_eur), updated_at = ?7, "
	"fill_price = ?3, fill_quantity = ?2, fill_value = ?9, "
	"fill_currency = ?10, fill_fx_rate = ?11, fill_fees = ?12, "
	"fill_taxes = ?13, filled_at = ?14, fill_final = ?15, "
	"fees_cents = COALESCE(?16, fees_cents), "
	"cash_cents = COALESCE(?17, cash_cents) WHERE id = ?8";

/*
 * A filled order: the fill's price and quantity, amount_eur = its value
 * in EUR before fees (the planned amount stays when it is unknown), and
 * the broker's fill (t212.h) with the cash it moved.  Called again while
 * the fill is not final.
 */
static int
journal_filled(struct journal_ctx *ctx, const struct journal_row *row,
    const struct t212_order *o, tb_err *e)
{
	const struct instrument *in = NULL;
	const char *currency = NULL;
	struct fill_money m;
	sqlite3_stmt *st;
	char now[21], at[21];
	int rc;

	if (ctx->universe != NULL && (in = universe_by_t212(ctx->universe,
	    o->ticker)) != NULL)
		currency = in->currency;
	fill_money(ctx, row, o, currency, &m);
	if (!isfinite(m.eur))
		log_warn("trade %lld: filled, but its EUR value is unknown; "
		    "amount_eur stays as planned", row->id);
	if (db_prepare(ctx->db, filled_sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, o->id);
	sqlite3_bind_double(st, 2, m.qty);
	db_bind_real(st, 3, m.price);
	db_bind_text(st, 4, currency);
	db_bind_real(st, 5, m.eur);
	db_bind_real(st, 6, isfinite(m.eur) && m.qty > 0 ? m.eur / m.qty : NAN);
	db_bind_text(st, 7, journal_now(now));
	sqlite3_bind_int64(st, 8, row->id);
	db_bind_real(st, 9, o->wallet_value);
	db_bind_text(st, 10, o->wallet_currency[0] ? o->wallet_currency :
	    NULL);
	db_bind_real(st, 11, o->wallet_fx_rate);
	db_bind_real(st, 12, o->fees);
	db_bind_text(st, 13, o->taxes[0] ? o->taxes : NULL);
	db_bind_text(st, 14, o->filled_at ? clock_iso_utc(o->filled_at, at) :
	    NULL);
	sqlite3_bind_int(st, 15, m.final);
	bind_cents(st, 16, m.fees);
	bind_cents(st, 17, m.cash);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "record a fill", e);
	return 0;
}

/* A copy of column i's text, "" for NULL (the journal compares them). */
static char *
dup_text(sqlite3_stmt *st, int i)
{
	return strdup(db_column_text(st, i));
}

/* Read the current row of st into r (memory: rows_free). */
static int
row_read(sqlite3_stmt *st, struct journal_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->date = dup_text(st, 1);
	r->ticker = dup_text(st, 2);
	r->broker_ticker = dup_text(st, 3);
	r->broker_order_id = dup_text(st, 4);
	r->sell = strcmp(db_column_text(st, 5), "sell") == 0;
	r->quantity = db_column_real(st, 6);
	if (clock_parse_iso(db_column_text(st, 7), &r->sent_at) != 0)
		r->sent_at = 0;
	return r->date == NULL || r->ticker == NULL ||
	    r->broker_ticker == NULL || r->broker_order_id == NULL ? -1 : 0;
}

/*
 * Every real row with that status, oldest first; for TRADE_FILLED only
 * those whose fill is not final yet, sent since JOURNAL_FILL_DAYS ago.
 */
static int
rows_read(sqlite3 *db, enum trade_status status, struct journal_row **rows,
    size_t *n, tb_err *e)
{
	struct journal_row *arr = NULL, *grown;
	sqlite3_stmt *st;
	size_t cap = 0;
	char since[21];
	int rc;

	*rows = NULL;
	*n = 0;
	if (db_prepare(db, "SELECT id, date, ticker, broker_ticker, "
	    "broker_order_id, side, quantity, sent_at FROM trades "
	    "WHERE kind = 'real' AND status = ?1 AND (?1 <> 'filled' OR "
	    "(fill_final = 0 AND broker_order_id IS NOT NULL AND "
	    "sent_at >= ?2)) ORDER BY id", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, trade_status_name(status));
	db_bind_text(st, 2, fill_cutoff(since));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((grown = util_grow(arr, &cap, *n + 1, sizeof *arr)) ==
		    NULL)
			goto nomem;
		arr = grown;
		if (row_read(st, &arr[(*n)++]) != 0)
			goto nomem;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rows_free(arr, *n);
		*n = 0;
		return db_fail(db, "read the order journal", e);
	}
	*rows = arr;
	return 0;
nomem:
	sqlite3_finalize(st);
	rows_free(arr, *n);
	*n = 0;
	return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
}

static void
rows_free(struct journal_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].date);
		free(rows[i].ticker);
		free(rows[i].broker_ticker);
		free(rows[i].broker_order_id);
	}
	free(rows);
}

/* ---- The run's context. */

/* The local midnight of "YYYY-MM-DD" (mktime in the process's zone). */
static int
day_start(const char *date, time_t *out)
{
	struct tb_date d;
	struct tm tm;

	if (date_parse(date, &d) != 0)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

int
journal_ctx_init(struct journal_ctx *ctx, sqlite3 *db,
    struct t212_client *t212, const struct universe *u, const char *date,
    int dry_run, int force, tb_err *e)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->db = db;
	ctx->t212 = t212;
	ctx->universe = u;
	ctx->date = date;
	ctx->dry_run = dry_run;
	ctx->force = force;
	ctx->gate.cash = -1;
	ctx->account_per_eur = NAN;
	if (day_start(date, &ctx->day_start) != 0)
		return tb_errf(e, TB_EDATA, "orders: \"%s\" is not a date",
		    date);
	return 0;
}

void
journal_ctx_free(struct journal_ctx *ctx)
{
	free(ctx->broker);
	free(ctx->claimed);
	ctx->broker = NULL;
	ctx->claimed = NULL;
	ctx->nbroker = ctx->nopen = 0;
	ctx->have_broker = 0;
}

/*
 * What a real buy row of the day may have cost at the broker, in EUR
 * cents: its value when sized, or its filled amount when that is more.
 */
static money_cents
row_spent(sqlite3_stmt *st)
{
	money_cents value = MONEY_INVALID, amount;

	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		value = sqlite3_column_int64(st, 1);
	amount = money_up(db_column_real(st, 2));
	if (value < 0 || (strcmp(db_column_text(st, 0), "filled") == 0 &&
	    amount > value))
		value = amount;
	return value < 0 ? 0 : value;
}

int
journal_gate_load(struct journal_ctx *ctx, const char *llm_name,
    double budget_eur, const char *currency, double per_eur, double cash,
    tb_err *e)
{
	sqlite3_stmt *st;
	enum trade_status s;
	int rc;

	ctx->gate.budget = money_down(budget_eur);
	ctx->gate.spent = 0;
	ctx->gate.cash = isfinite(cash) && cash >= 0 ? money_down(cash) : -1;
	snprintf(ctx->account_currency, sizeof ctx->account_currency, "%s",
	    currency != NULL ? currency : "");
	ctx->account_per_eur = per_eur;
	if (db_prepare(ctx->db, "SELECT status, value_cents, amount_eur FROM "
	    "trades WHERE kind = 'real' AND side = 'buy' AND date = ? AND "
	    "llm_name = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, ctx->date);
	db_bind_text(st, 2, llm_name);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (trade_status_parse(db_column_text(st, 0), &s) == 0 &&
		    trade_status_holds(s))
			ctx->gate.spent += row_spent(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "read the day's orders", e);
	return 0;
}

/* ---- The broker's side, fetched once per run. */

/* Whether some trade already carries this broker order id. */
static int
id_claimed(sqlite3 *db, const char *broker_id, unsigned char *claimed,
    tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, "SELECT 1 FROM trades WHERE broker_order_id = ? "
	    "LIMIT 1", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, broker_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "look up a broker order id", e);
	*claimed = rc == SQLITE_ROW;
	return 0;
}

/*
 * The earliest send time of the rows that decide how far back to read
 * (sql selects it; param, when not NULL, is its one parameter).  0 when
 * there is none.
 */
static int
oldest_send(struct journal_ctx *ctx, const char *sql, const char *param,
    time_t *out, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if (db_prepare(ctx->db, sql, &st, e) != 0)
		return TB_EINTERNAL;
	if (param != NULL)
		db_bind_text(st, 1, param);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    clock_parse_iso(db_column_text(st, 0), out) != 0)
		*out = 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(ctx->db, "read the order "
	    "journal", e);
}

/* The oldest send whose fill is still refreshed, as ISO text. */
static const char *
fill_cutoff(char buf[21])
{
	return clock_iso_utc(time(NULL) - JOURNAL_FILL_DAYS * 86400, buf);
}

/* check_since and history_since (orders.h). */
static int
broker_window(struct journal_ctx *ctx, tb_err *e)
{
	time_t open_rows, day_rows;
	char cutoff[21];
	int rc;

	if ((rc = oldest_send(ctx, "SELECT min(sent_at) FROM trades WHERE "
	    "kind = 'real' AND (status IN ('pending', 'submitted') OR "
	    "(status = 'filled' AND fill_final = 0 AND broker_order_id IS NOT "
	    "NULL AND sent_at >= ?1))", fill_cutoff(cutoff), &open_rows,
	    e)) != 0 ||
	    (rc = oldest_send(ctx, "SELECT min(sent_at) FROM trades WHERE "
	    "kind = 'real' AND date = ?1", ctx->date, &day_rows, e)) != 0)
		return rc;
	ctx->check_since = ctx->day_start;
	if (day_rows != 0 && day_rows < ctx->check_since)
		ctx->check_since = day_rows;
	ctx->check_since -= JOURNAL_CLOCK_SKEW_S;
	ctx->history_since = ctx->check_since;
	if (open_rows != 0 && open_rows - JOURNAL_CLOCK_SKEW_S <
	    ctx->history_since)
		ctx->history_since = open_rows - JOURNAL_CLOCK_SKEW_S;
	return 0;
}

/* broker = open orders followed by the history; claimed from the db. */
static int
broker_join(struct journal_ctx *ctx, struct t212_order *open, size_t nopen,
    struct t212_order *history, size_t nhistory, tb_err *e)
{
	size_t i, n = nopen + nhistory;
	int rc;

	if ((ctx->broker = calloc(n + 1, sizeof *ctx->broker)) == NULL ||
	    (ctx->claimed = calloc(n + 1, 1)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
	if (nopen > 0)
		memcpy(ctx->broker, open, nopen * sizeof *open);
	if (nhistory > 0)
		memcpy(ctx->broker + nopen, history, nhistory *
		    sizeof *history);
	ctx->nbroker = n;
	ctx->nopen = nopen;
	for (i = 0; i < n; i++)
		if ((rc = id_claimed(ctx->db, ctx->broker[i].id,
		    &ctx->claimed[i], e)) != 0)
			return rc;
	return 0;
}

int
journal_broker_load(struct journal_ctx *ctx, tb_err *e)
{
	struct t212_order *open = NULL, *history = NULL;
	size_t nopen = 0, nhistory = 0;
	int rc;

	if (ctx->have_broker)
		return 0;
	if (ctx->t212 == NULL)
		return tb_errf(e, TB_ECONFIG, "T212_API_KEY is not set: the "
		    "order journal cannot be checked with Trading 212");
	if ((rc = broker_window(ctx, e)) != 0)
		return rc;
	if ((rc = t212_pending_orders(ctx->t212, &open, &nopen, e)) == 0 &&
	    (rc = t212_history_orders(ctx->t212, NULL, ctx->history_since,
	    JOURNAL_HISTORY_PAGES, &history, &nhistory, e)) == 0)
		rc = broker_join(ctx, open, nopen, history, nhistory, e);
	free(open);
	free(history);
	if (rc != 0) {
		journal_ctx_free(ctx);
		return rc;
	}
	ctx->have_broker = 1;
	log_debug("t212: %zu open orders, %zu in the history since %lld",
	    nopen, nhistory, (long long)ctx->history_since);
	return 0;
}

/* Mark every listing of the broker's order `id` as some trade's. */
static void
claim(struct journal_ctx *ctx, const char *id)
{
	size_t i;

	for (i = 0; i < ctx->nbroker; i++)
		if (strcmp(ctx->broker[i].id, id) == 0)
			ctx->claimed[i] = 1;
}

/*
 * Record what the broker's order o says of row: filled, rejected
 * (cancelled or rejected) or submitted (still open).  *status names it.
 */
static int
settle_row(struct journal_ctx *ctx, const struct journal_row *row,
    const struct t212_order *o, enum trade_status *status, tb_err *e)
{
	char why[96];

	switch (t212_order_state(o)) {
	case T212_FILLED:
		*status = TRADE_FILLED;
		return ctx->dry_run ? 0 : journal_filled(ctx, row, o, e);
	case T212_DEAD:
		*status = TRADE_REJECTED;
		snprintf(why, sizeof why, "the broker's order %s ended %s",
		    o->id, o->status);
		return ctx->dry_run ? 0 : journal_set(ctx, row->id,
		    TRADE_REJECTED, o->id, why, e);
	default:
		*status = TRADE_SUBMITTED;
		return ctx->dry_run ? 0 : journal_set(ctx, row->id,
		    TRADE_SUBMITTED, o->id, NULL, e);
	}
}

/* A pending row that is the broker's order k: settle it from that. */
static int
reconcile_matched(struct journal_ctx *ctx, const struct journal_row *row,
    size_t k, tb_err *e)
{
	const struct t212_order *o = &ctx->broker[k];
	enum trade_status status;
	int rc;

	claim(ctx, o->id);
	if ((rc = settle_row(ctx, row, o, &status, e)) != 0)
		return rc;
	log_info("trade %lld: %s %s %.4f is the broker's order %s (%s): %s",
	    row->id, row->sell ? "sell" : "buy", row->broker_ticker,
	    row->quantity, o->id, o->status, trade_status_name(status));
	return 0;
}

/*
 * A pending row the broker has no order for: 'unknown', never sent again,
 * and listed in the result for a human to check.
 */
static int
reconcile_unknown(struct journal_ctx *ctx, const struct journal_row *row,
    struct journal_reconciled *out, tb_err *e)
{
	struct journal_unknown *grown, *u;
	int rc;

	log_error("trade %lld: %s %s (%s) quantity %.4f: no matching order "
	    "at the broker; marked unknown, it will NOT be sent again: check "
	    "the account by hand", row->id, row->sell ? "sell" : "buy",
	    row->ticker, row->broker_ticker, row->quantity);
	if (!ctx->dry_run && (rc = journal_set(ctx, row->id, TRADE_UNKNOWN,
	    NULL, "not found in the broker's open orders or history when "
	    "reconciled: check the account, then set the status by hand",
	    e)) != 0)
		return rc;
	if ((grown = reallocarray(out->trades, out->ntrades + 1,
	    sizeof *grown)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
	out->trades = grown;
	u = &out->trades[out->ntrades++];
	memset(u, 0, sizeof *u);
	u->trade_id = row->id;
	snprintf(u->ticker, sizeof u->ticker, "%s", row->ticker);
	snprintf(u->broker_ticker, sizeof u->broker_ticker, "%s",
	    row->broker_ticker);
	u->quantity = row->quantity;
	return 0;
}

int
journal_reconcile(struct journal_ctx *ctx, struct journal_reconciled *out,
    tb_err *e)
{
	struct journal_row *rows = NULL;
	struct journal_pending p;
	size_t nrows = 0, i;
	long k;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = rows_read(ctx->db, TRADE_PENDING, &rows, &nrows, e)) != 0)
		return rc;
	if (nrows > 0) {
		log_info("reconciling %zu pending order(s) with Trading 212",
		    nrows);
		rc = journal_broker_load(ctx, e);
	}
	for (i = 0; rc == 0 && i < nrows; i++) {
		p.trade_id = rows[i].id;
		p.broker_ticker = rows[i].broker_ticker;
		p.sell = rows[i].sell;
		p.quantity = rows[i].quantity;
		p.sent_at = rows[i].sent_at;
		if ((k = journal_match(&p, ctx->broker, ctx->nbroker,
		    ctx->claimed)) >= 0) {
			if ((rc = reconcile_matched(ctx, &rows[i], (size_t)k,
			    e)) == 0)
				out->matched++;
		} else if ((rc = reconcile_unknown(ctx, &rows[i], out, e)) ==
		    0)
			out->unknown++;
	}
	rows_free(rows, nrows);
	return rc;
}

/*
 * The broker order with this id: open (*open = 1) or in history.  An
 * order that was filled between the two reads is in both: the history,
 * read last, is the newer word.
 */
static const struct t212_order *
find_order(const struct journal_ctx *ctx, const char *id, int *open)
{
	size_t i;

	for (i = ctx->nbroker; i-- > 0;)
		if (strcmp(ctx->broker[i].id, id) == 0) {
			*open = i < ctx->nopen;
			return &ctx->broker[i];
		}
	*open = 0;
	return NULL;
}

/* Refresh the submitted rows[0..n-1] from the broker's orders. */
static int
refresh_submitted(struct journal_ctx *ctx, const struct journal_row *rows,
    size_t n, struct journal_refreshed *out, tb_err *e)
{
	const struct t212_order *o;
	enum trade_status status;
	size_t i;
	int rc, open;

	for (i = 0; i < n; i++) {
		if ((o = find_order(ctx, rows[i].broker_order_id, &open)) ==
		    NULL) {
			log_warn("trade %lld: the broker's order %s is neither "
			    "open nor in the recent history; still submitted",
			    rows[i].id, rows[i].broker_order_id);
			out->still_open++;
			continue;
		}
		if ((rc = settle_row(ctx, &rows[i], o, &status, e)) != 0)
			return rc;
		if (status == TRADE_FILLED)
			out->filled++;
		else if (status == TRADE_REJECTED)
			out->rejected++;
		else
			out->still_open++;
		log_info("trade %lld: order %s is %s", rows[i].id, o->id,
		    trade_status_name(status));
	}
	return 0;
}

/* Read again the fills of filled rows[0..n-1] that are not final. */
static int
refresh_fills(struct journal_ctx *ctx, const struct journal_row *rows,
    size_t n, struct journal_refreshed *out, tb_err *e)
{
	const struct t212_order *o;
	size_t i;
	int rc, open;

	for (i = 0; i < n; i++) {
		o = find_order(ctx, rows[i].broker_order_id, &open);
		if (o == NULL || t212_order_state(o) != T212_FILLED)
			continue;
		if ((rc = journal_filled(ctx, &rows[i], o, e)) != 0)
			return rc;
		out->fills++;
		log_info("trade %lld: the fill of order %s read again",
		    rows[i].id, o->id);
	}
	return 0;
}

int
journal_refresh(struct journal_ctx *ctx, struct journal_refreshed *out,
    tb_err *e)
{
	struct journal_row *rows = NULL, *fills = NULL;
	size_t nrows = 0, nfills = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = rows_read(ctx->db, TRADE_SUBMITTED, &rows, &nrows, e)) != 0 ||
	    (rc = rows_read(ctx->db, TRADE_FILLED, &fills, &nfills, e)) != 0)
		goto out;
	if (nrows + nfills == 0 || ctx->dry_run)
		goto out;
	if ((rc = journal_broker_load(ctx, e)) == 0 &&
	    (rc = refresh_submitted(ctx, rows, nrows, out, e)) == 0)
		rc = refresh_fills(ctx, fills, nfills, out, e);
out:
	rows_free(rows, nrows);
	rows_free(fills, nfills);
	return rc;
}
