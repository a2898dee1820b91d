/*
 * orders.c - real orders and their journal.  See orders.h.
 *
 * The invariant kept here: a real order leaves this process only after a
 * committed 'pending' row names it, and a row leaves 'pending' only on
 * proof of what the broker did (its answer, or its records).  Everything
 * else is bookkeeping around those two rules.
 */
#include "orders.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "db.h"
#include "log.h"

#define ORDERS_MAX_DECIMALS	8
/* How much of a broker's error body is kept in trades.error. */
#define ORDERS_RAW_KEEP		1000

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

/* What is known of a new row. */
struct new_row {
	const char *llm_name;
	const char *ticker;
	const char *broker_ticker;	/* NULL when unresolved */
	int sell;
	double amount_eur;		/* NAN: NULL */
	double quantity;		/* NAN: NULL */
	const struct orders_quote *quote;	/* NULL: no price */
	const char *status;
	const char *error;
	int sent;			/* sent_at = now */
	long long pick_id;
};

static char	*iso_now(char buf[21]);
static void	bind_real(sqlite3_stmt *st, int i, double v);
static int	journal_insert(struct orders_ctx *ctx, const struct new_row *r,
		    long long *id, tb_err *e);
static int	journal_set(struct orders_ctx *ctx, long long id,
		    const char *status, const char *broker_id,
		    const char *error, tb_err *e);
static int	journal_retry(struct orders_ctx *ctx, long long id,
		    double quantity, const char *error, tb_err *e);
static int	journal_filled(struct orders_ctx *ctx,
		    const struct journal_row *row, const struct t212_order *o,
		    tb_err *e);
static int	journal_read(sqlite3 *db, const char *status,
		    struct journal_row **rows, size_t *n, tb_err *e);
static void	journal_rows_free(struct journal_row *rows, size_t n);
static int	broker_load(struct orders_ctx *ctx, tb_err *e);
static int	id_claimed(sqlite3 *db, const char *broker_id, int *claimed,
		    tb_err *e);
static int	settle_row(struct orders_ctx *ctx,
		    const struct journal_row *row, const struct t212_order *o,
		    const char **status, tb_err *e);
static double	per_eur_on(sqlite3 *db, const char *date,
		    const char *currency);
static int	earlier_rows(struct orders_ctx *ctx, const char *llm_name,
		    const char *ticker, int sell, struct order_result *res,
		    tb_err *e);
static int	skip_pick(struct orders_ctx *ctx, const struct new_row *base,
		    struct order_result *res, tb_err *e, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
static int	place_order(struct orders_ctx *ctx, const char *llm_name,
		    const char *ticker, int sell, double amount_eur,
		    double quantity, long long pick_id,
		    struct order_result *res, tb_err *e);
static int	send_order(struct orders_ctx *ctx, long long trade_id,
		    const char *ticker, int sell, double raw_quantity,
		    const struct orders_quote *quote,
		    struct order_result *res, tb_err *e);
static char	*refusal_text(const struct http_request *req);
static int	record_answer(struct orders_ctx *ctx, long long trade_id,
		    const struct t212_order *answer, struct order_result *res,
		    tb_err *e);
static int	record_no_answer(struct orders_ctx *ctx, long long trade_id,
		    int sell, int rc, const struct http_request *req,
		    int decimals, struct order_result *res, tb_err *e);
static int	record_refusal(struct orders_ctx *ctx, long long trade_id,
		    int sell, double raw_quantity,
		    const struct orders_quote *quote,
		    const struct http_request *req, int *decimals,
		    struct order_result *res, tb_err *e);

/* ---- Arithmetic. */

double
orders_truncate(double q, int decimals)
{
	double scale, x, t, tol;

	if (!isfinite(q) || q <= 0 || decimals < 0 ||
	    decimals > ORDERS_MAX_DECIMALS)
		return 0;
	scale = pow(10.0, decimals);
	x = q * scale;
	t = floor(x);
	/* 2.9 * 100 is 289.99999999999997: that is 290 steps, not 289. */
	tol = fmax(1e-9, x * 8 * DBL_EPSILON);
	if (t + 1 - x <= tol)
		t += 1;
	return t / scale;
}

int
orders_next_decimals(int decimals)
{
	if (decimals > 2)
		return 2;
	return decimals - 1;
}

int
orders_currency(const char *quoted, char norm[4], char major[4],
    double *minor)
{
	static const struct {
		const char *quoted, *norm, *major;
	} minors[] = {
		{ "GBp", "GBX", "GBP" }, { "GBX", "GBX", "GBP" },
		{ "GBx", "GBX", "GBP" }, { "ZAc", "ZAC", "ZAR" },
		{ "ZAC", "ZAC", "ZAR" }, { "ILA", "ILA", "ILS" }
	};
	size_t i;

	if (quoted == NULL || strlen(quoted) != 3)
		return -1;
	for (i = 0; i < 3; i++)
		if (!isalpha((unsigned char)quoted[i]))
			return -1;
	/* Case matters: GBp is pence, GBP is pounds. */
	for (i = 0; i < sizeof minors / sizeof minors[0]; i++)
		if (strcmp(quoted, minors[i].quoted) == 0) {
			memcpy(norm, minors[i].norm, 4);
			memcpy(major, minors[i].major, 4);
			*minor = 100;
			return 0;
		}
	for (i = 0; i < 3; i++)
		norm[i] = major[i] = (char)toupper((unsigned char)quoted[i]);
	norm[3] = major[3] = '\0';
	*minor = 1;
	return 0;
}

int
orders_make_quote(double price, const char *quoted, double fx_major,
    double eur_rate, double price_eur, struct orders_quote *q, char *why,
    size_t whysz)
{
	char major[4];
	double minor;

	memset(q, 0, sizeof *q);
	if (!isfinite(price) || price <= 0) {
		snprintf(why, whysz, "no market price");
		return -1;
	}
	if (orders_currency(quoted, q->currency, major, &minor) != 0) {
		snprintf(why, whysz, "unknown price currency \"%s\"",
		    quoted != NULL ? quoted : "");
		return -1;
	}
	q->price = price;
	if (strcmp(major, "EUR") == 0)
		q->per_eur = minor;
	else if (isfinite(fx_major) && fx_major > 0)
		q->per_eur = fx_major * minor;
	else if (isfinite(eur_rate) && eur_rate > 0)
		q->per_eur = eur_rate;
	else if (isfinite(price_eur) && price_eur > 0)
		q->per_eur = price / price_eur;
	else {
		snprintf(why, whysz, "no EUR%s exchange rate", major);
		return -1;
	}
	q->price_eur = price / q->per_eur;
	return 0;
}

double
orders_quantity(double amount_eur, const struct orders_quote *q,
    int decimals)
{
	if (!isfinite(amount_eur) || amount_eur <= 0 || !isfinite(q->price) ||
	    q->price <= 0 || !isfinite(q->per_eur) || q->per_eur <= 0)
		return 0;
	return orders_truncate(amount_eur * q->per_eur / q->price, decimals);
}

/* A REAL column, NAN for NULL. */
static double
column_real(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NAN;
	return sqlite3_column_double(st, i);
}

/* The close of EUR<major>=X on date, or NAN. */
static double
fx_close(sqlite3 *db, const char *date, const char *major)
{
	sqlite3_stmt *st;
	char symbol[16];
	double v = NAN;
	tb_err e;

	snprintf(symbol, sizeof symbol, "EUR%s=X", major);
	if (db_prepare(db, "SELECT price FROM market_data WHERE date = ? AND "
	    "symbol = ? AND status = 'ok'", &st, &e) != 0)
		return NAN;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, symbol);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = column_real(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
orders_load_quote(sqlite3 *db, const char *date, const char *symbol,
    struct orders_quote *q, char *why, size_t whysz, tb_err *e)
{
	sqlite3_stmt *st;
	char norm[4], major[4], currency[16];
	double price, price_eur, eur_rate, minor, fx = NAN;
	int rc, ok;

	memset(q, 0, sizeof *q);
	if (db_prepare(db, "SELECT status, price, currency, price_eur, "
	    "eur_rate FROM market_data WHERE date = ? AND symbol = ?", &st,
	    e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, symbol);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, "read market data", e);
		snprintf(why, whysz, "no market data for %s on %s", symbol,
		    date);
		return TB_EDATA;
	}
	ok = strcmp(db_column_text(st, 0), "ok") == 0;
	price = column_real(st, 1);
	snprintf(currency, sizeof currency, "%s", db_column_text(st, 2));
	price_eur = column_real(st, 3);
	eur_rate = column_real(st, 4);
	sqlite3_finalize(st);
	if (!ok || !isfinite(price) || price <= 0) {
		snprintf(why, whysz, "no market price for %s on %s", symbol,
		    date);
		return TB_EDATA;
	}
	if (orders_currency(currency, norm, major, &minor) == 0 &&
	    strcmp(major, "EUR") != 0)
		fx = fx_close(db, date, major);
	if (orders_make_quote(price, currency, fx, eur_rate, price_eur, q, why,
	    whysz) != 0)
		return TB_EDATA;
	return 0;
}

/* ---- Matching. */

long
orders_match(const struct orders_pending *row,
    const struct t212_order *orders, size_t n, const unsigned char *claimed)
{
	const struct t212_order *o;
	long best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		o = &orders[i];
		if (claimed != NULL && claimed[i])
			continue;
		if (o->initiated_from[0] != '\0' &&
		    strcasecmp(o->initiated_from, "API") != 0)
			continue;
		if (strcmp(o->ticker, row->broker_ticker) != 0 ||
		    o->sell != row->sell ||
		    fabs(o->quantity - row->quantity) > ORDERS_QTY_EPSILON)
			continue;
		/* Created after we sent it (give or take the clocks). */
		if (o->created_at == 0 ||
		    o->created_at < row->sent_at - ORDERS_CLOCK_SKEW_S)
			continue;
		if (best < 0 || o->created_at < orders[best].created_at)
			best = (long)i;
	}
	return best;
}

/* ---- The journal. */

static char *
iso_now(char buf[21])
{
	return clock_iso_utc(time(NULL), buf);
}

static void
bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Insert a row in its own committed transaction. */
static int
journal_insert(struct orders_ctx *ctx, const struct new_row *r,
    long long *id, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	iso_now(now);
	if ((rc = db_begin(ctx->db, e)) != 0)
		return rc;
	if (db_prepare(ctx->db, "INSERT INTO trades (date, llm_name, ticker, "
	    "broker_ticker, kind, side, amount_eur, quantity, price, currency, "
	    "price_eur, status, error, created_at, sent_at, updated_at, "
	    "pick_id) VALUES (?, ?, ?, ?, 'real', ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?)", &st, e) != 0) {
		db_rollback(ctx->db);
		return TB_EINTERNAL;
	}
	db_bind_text(st, 1, ctx->date);
	db_bind_text(st, 2, r->llm_name);
	db_bind_text(st, 3, r->ticker);
	db_bind_text(st, 4, r->broker_ticker);
	db_bind_text(st, 5, r->sell ? "sell" : "buy");
	bind_real(st, 6, r->amount_eur);
	bind_real(st, 7, r->quantity);
	bind_real(st, 8, r->quote ? r->quote->price : NAN);
	db_bind_text(st, 9, r->quote ? r->quote->currency : NULL);
	bind_real(st, 10, r->quote ? r->quote->price_eur : NAN);
	db_bind_text(st, 11, r->status);
	db_bind_text(st, 12, r->error);
	db_bind_text(st, 13, now);
	db_bind_text(st, 14, r->sent ? now : NULL);
	db_bind_text(st, 15, now);
	if (r->pick_id > 0)
		sqlite3_bind_int64(st, 16, r->pick_id);
	else
		sqlite3_bind_null(st, 16);
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

/* Set a row's status (and broker id, error when not NULL). */
static int
journal_set(struct orders_ctx *ctx, long long id, const char *status,
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
	db_bind_text(st, 1, status);
	db_bind_text(st, 2, broker_id);
	db_bind_text(st, 3, error);
	db_bind_text(st, 4, iso_now(now));
	sqlite3_bind_int64(st, 5, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "update a trade", e);
	return 0;
}

/* A precision retry: the same row, pending again with a new quantity. */
static int
journal_retry(struct orders_ctx *ctx, long long id, double quantity,
    const char *error, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	if (db_prepare(ctx->db, "UPDATE trades SET status = 'pending', "
	    "quantity = ?, sent_at = ?, error = ?, updated_at = ? WHERE id = ?",
	    &st, e) != 0)
		return TB_EINTERNAL;
	sqlite3_bind_double(st, 1, quantity);
	db_bind_text(st, 2, iso_now(now));
	db_bind_text(st, 3, error);
	db_bind_text(st, 4, now);
	sqlite3_bind_int64(st, 5, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "update a trade", e);
	return 0;
}

/* Units of currency (as the broker prices it) per EUR on date, or NAN. */
static double
per_eur_on(sqlite3 *db, const char *date, const char *currency)
{
	char norm[4], major[4];
	double minor, fx;

	if (orders_currency(currency, norm, major, &minor) != 0)
		return NAN;
	if (strcmp(major, "EUR") == 0)
		return minor;
	fx = fx_close(db, date, major);
	return isfinite(fx) && fx > 0 ? fx * minor : NAN;
}

/*
 * A filled order: the fill's price and quantity, amount_eur = its value
 * in EUR (the broker's wallet impact when in EUR, else converted with the
 * day's rate; the planned amount stays when neither is known).
 */
static int
journal_filled(struct orders_ctx *ctx, const struct journal_row *row,
    const struct t212_order *o, tb_err *e)
{
	const struct instrument *in = NULL;
	const char *currency = NULL;
	sqlite3_stmt *st;
	double qty, price, eur = NAN, per;
	char now[21];
	int rc;

	qty = isfinite(o->filled_quantity) && o->filled_quantity > 0 ?
	    o->filled_quantity : o->quantity;
	price = o->fill_price;
	if (!isfinite(price) && isfinite(o->filled_value) && qty > 0)
		price = o->filled_value / qty;
	if (ctx->universe != NULL && (in = universe_by_t212(ctx->universe,
	    o->ticker)) != NULL)
		currency = in->currency;
	if (isfinite(o->wallet_value) && o->wallet_value > 0 &&
	    strcasecmp(o->wallet_currency, "EUR") == 0)
		eur = o->wallet_value;
	else if (currency != NULL && isfinite(price) &&
	    isfinite(per = per_eur_on(ctx->db, row->date, currency)))
		eur = qty * price / per;
	if (!isfinite(eur))
		log_warn("trade %lld: filled, but its EUR value is unknown; "
		    "amount_eur stays as planned", row->id);
	if (db_prepare(ctx->db, "UPDATE trades SET status = 'filled', "
	    "broker_order_id = ?, quantity = ?, price = COALESCE(?, price), "
	    "currency = COALESCE(?, currency), "
	    "amount_eur = COALESCE(?, amount_eur), "
	    "price_eur = COALESCE(?, price_eur), updated_at = ? WHERE id = ?",
	    &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, o->id);
	sqlite3_bind_double(st, 2, qty);
	bind_real(st, 3, price);
	db_bind_text(st, 4, currency);
	bind_real(st, 5, eur);
	bind_real(st, 6, isfinite(eur) && qty > 0 ? eur / qty : NAN);
	db_bind_text(st, 7, iso_now(now));
	sqlite3_bind_int64(st, 8, row->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "record a fill", e);
	return 0;
}

static char *
dup_text(sqlite3_stmt *st, int i)
{
	return strdup(db_column_text(st, i));
}

/* Every real row with that status, oldest first. */
static int
journal_read(sqlite3 *db, const char *status, struct journal_row **rows,
    size_t *n, tb_err *e)
{
	struct journal_row *arr = NULL, *grown, *r;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if (db_prepare(db, "SELECT id, date, ticker, broker_ticker, "
	    "broker_order_id, side, quantity, sent_at FROM trades "
	    "WHERE kind = 'real' AND status = ? ORDER BY id", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, status);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((grown = reallocarray(arr, cap, sizeof *arr)) ==
			    NULL)
				goto nomem;
			arr = grown;
		}
		r = &arr[*n];
		memset(r, 0, sizeof *r);
		(*n)++;
		r->id = sqlite3_column_int64(st, 0);
		r->date = dup_text(st, 1);
		r->ticker = dup_text(st, 2);
		r->broker_ticker = dup_text(st, 3);
		r->broker_order_id = dup_text(st, 4);
		if (r->date == NULL || r->ticker == NULL ||
		    r->broker_ticker == NULL || r->broker_order_id == NULL)
			goto nomem;
		r->sell = strcmp(db_column_text(st, 5), "sell") == 0;
		r->quantity = column_real(st, 6);
		if (clock_parse_iso(db_column_text(st, 7), &r->sent_at) != 0)
			r->sent_at = 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		journal_rows_free(arr, *n);
		*n = 0;
		return db_fail(db, "read the order journal", e);
	}
	*rows = arr;
	return 0;
nomem:
	sqlite3_finalize(st);
	journal_rows_free(arr, *n);
	*n = 0;
	return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
}

static void
journal_rows_free(struct journal_row *rows, size_t n)
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

int
orders_count_open(sqlite3 *db, long *pending, long *submitted, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*pending = *submitted = 0;
	if (db_prepare(db, "SELECT "
	    "coalesce(sum(status = 'pending'), 0), "
	    "coalesce(sum(status = 'submitted'), 0) "
	    "FROM trades WHERE kind = 'real'", &st, e) != 0)
		return TB_EINTERNAL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*pending = (long)sqlite3_column_int64(st, 0);
		*submitted = (long)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "count open orders", e);
}

/* ---- The broker's side, fetched once per run. */

void
orders_ctx_init(struct orders_ctx *ctx, sqlite3 *db,
    struct t212_client *t212, const struct universe *u, const char *date,
    int dry_run, int force)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->db = db;
	ctx->t212 = t212;
	ctx->universe = u;
	ctx->date = date;
	ctx->dry_run = dry_run;
	ctx->force = force;
}

void
orders_ctx_free(struct orders_ctx *ctx)
{
	free(ctx->open);
	free(ctx->history);
	ctx->open = ctx->history = NULL;
	ctx->nopen = ctx->nhistory = 0;
	ctx->have_open = ctx->have_history = 0;
}

/*
 * The open orders and the history back to the oldest pending or
 * submitted row's send time (less the clock skew).
 */
static int
broker_load(struct orders_ctx *ctx, tb_err *e)
{
	sqlite3_stmt *st;
	time_t since = 0;
	int rc;

	if (ctx->have_open && ctx->have_history)
		return 0;
	if (ctx->t212 == NULL)
		return tb_errf(e, TB_ECONFIG, "T212_API_KEY is not set: the "
		    "order journal cannot be checked with Trading 212");
	if (db_prepare(ctx->db, "SELECT min(sent_at), count(*) FROM trades "
	    "WHERE kind = 'real' AND status IN ('pending', 'submitted')", &st,
	    e) != 0)
		return TB_EINTERNAL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    clock_parse_iso(db_column_text(st, 0), &since) == 0)
		since -= ORDERS_CLOCK_SKEW_S;
	else
		since = 0;	/* unknown: read every page allowed */
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(ctx->db, "read the order journal", e);
	if (!ctx->have_open) {
		if ((rc = t212_pending_orders(ctx->t212, &ctx->open,
		    &ctx->nopen, e)) != 0)
			return rc;
		ctx->have_open = 1;
	}
	if ((rc = t212_history_orders(ctx->t212, NULL, since,
	    ORDERS_HISTORY_PAGES, &ctx->history, &ctx->nhistory, e)) != 0)
		return rc;
	ctx->have_history = 1;
	ctx->history_since = since;
	log_debug("t212: %zu open orders, %zu in the history since %lld",
	    ctx->nopen, ctx->nhistory, (long long)since);
	return 0;
}

/* Whether some trade already carries this broker order id. */
static int
id_claimed(sqlite3 *db, const char *broker_id, int *claimed, tb_err *e)
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
 * Record what the broker's order o says of row: filled, rejected
 * (cancelled or rejected) or submitted (still open).  *status names it.
 */
static int
settle_row(struct orders_ctx *ctx, const struct journal_row *row,
    const struct t212_order *o, const char **status, tb_err *e)
{
	char why[96];

	switch (t212_order_state(o)) {
	case T212_FILLED:
		*status = "filled";
		return ctx->dry_run ? 0 : journal_filled(ctx, row, o, e);
	case T212_DEAD:
		*status = "rejected";
		snprintf(why, sizeof why, "the broker's order %s ended %s",
		    o->id, o->status);
		return ctx->dry_run ? 0 : journal_set(ctx, row->id,
		    "rejected", o->id, why, e);
	default:
		*status = "submitted";
		return ctx->dry_run ? 0 : journal_set(ctx, row->id,
		    "submitted", o->id, NULL, e);
	}
}

/*
 * Every order the broker lists, open ones first, then history, into *allp;
 * (*claimedp)[i] says whether a trade of ours already has order i's id.
 */
static int
broker_candidates(struct orders_ctx *ctx, struct t212_order **allp,
    unsigned char **claimedp, size_t *nallp, tb_err *e)
{
	struct t212_order *all;
	unsigned char *claimed;
	size_t nall = ctx->nopen + ctx->nhistory, i;
	int rc, taken = 0;

	*allp = NULL;
	*claimedp = NULL;
	*nallp = 0;
	if (nall == 0)
		return 0;
	if ((all = calloc(nall, sizeof *all)) == NULL ||
	    (claimed = calloc(nall, 1)) == NULL) {
		free(all);
		return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
	}
	if (ctx->nopen > 0)
		memcpy(all, ctx->open, ctx->nopen * sizeof *all);
	if (ctx->nhistory > 0)
		memcpy(all + ctx->nopen, ctx->history,
		    ctx->nhistory * sizeof *all);
	for (i = 0; i < nall; i++) {
		if ((rc = id_claimed(ctx->db, all[i].id, &taken, e)) != 0) {
			free(claimed);
			free(all);
			return rc;
		}
		claimed[i] = (unsigned char)taken;
	}
	*allp = all;
	*claimedp = claimed;
	*nallp = nall;
	return 0;
}

/* A pending row that is the broker's order all[k]: settle it from that. */
static int
reconcile_matched(struct orders_ctx *ctx, const struct journal_row *row,
    const struct t212_order *all, unsigned char *claimed, size_t nall,
    size_t k, tb_err *e)
{
	const char *status;
	size_t j;
	int rc;

	/* The same order may be listed open and in history. */
	for (j = 0; j < nall; j++)
		if (strcmp(all[j].id, all[k].id) == 0)
			claimed[j] = 1;
	if ((rc = settle_row(ctx, row, &all[k], &status, e)) != 0)
		return rc;
	log_info("trade %lld: %s %s %.4f is the broker's order %s (%s): %s",
	    row->id, row->sell ? "sell" : "buy", row->broker_ticker,
	    row->quantity, all[k].id, all[k].status, status);
	return 0;
}

/*
 * A pending row the broker has no order for: 'unknown', never sent again,
 * and listed in the summary's unknown_trades for a human to check.
 */
static int
reconcile_unknown(struct orders_ctx *ctx, const struct journal_row *row,
    cJSON *unknown, tb_err *e)
{
	cJSON *item;
	int rc;

	log_error("trade %lld: %s %s (%s) quantity %.4f: no matching order "
	    "at the broker; marked unknown, it will NOT be sent again: check "
	    "the account by hand", row->id, row->sell ? "sell" : "buy",
	    row->ticker, row->broker_ticker, row->quantity);
	if (!ctx->dry_run && (rc = journal_set(ctx, row->id, "unknown", NULL,
	    "not found in the broker's open orders or history when "
	    "reconciled", e)) != 0)
		return rc;
	if ((item = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(unknown, item)) {
		cJSON_Delete(item);
		return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
	}
	cJSON_AddNumberToObject(item, "trade_id", (double)row->id);
	cJSON_AddStringToObject(item, "ticker", row->ticker);
	cJSON_AddStringToObject(item, "broker_ticker", row->broker_ticker);
	cJSON_AddNumberToObject(item, "quantity", row->quantity);
	return 0;
}

int
orders_reconcile(struct orders_ctx *ctx, cJSON *out, tb_err *e)
{
	struct journal_row *rows = NULL;
	struct t212_order *all = NULL;
	struct orders_pending p;
	unsigned char *claimed = NULL;
	cJSON *unknown;
	size_t nrows = 0, nall = 0, i;
	long matched = 0, nunknown = 0, k;
	int rc;

	if ((unknown = cJSON_AddArrayToObject(out, "unknown_trades")) == NULL)
		return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
	if ((rc = journal_read(ctx->db, "pending", &rows, &nrows, e)) != 0)
		return rc;
	if (nrows > 0) {
		log_info("reconciling %zu pending order(s) with Trading 212",
		    nrows);
		if ((rc = broker_load(ctx, e)) == 0)
			rc = broker_candidates(ctx, &all, &claimed, &nall, e);
	}
	for (i = 0; rc == 0 && i < nrows; i++) {
		p.trade_id = rows[i].id;
		p.broker_ticker = rows[i].broker_ticker;
		p.sell = rows[i].sell;
		p.quantity = rows[i].quantity;
		p.sent_at = rows[i].sent_at;
		if ((k = orders_match(&p, all, nall, claimed)) >= 0) {
			rc = reconcile_matched(ctx, &rows[i], all, claimed,
			    nall, (size_t)k, e);
			matched += rc == 0;
		} else {
			rc = reconcile_unknown(ctx, &rows[i], unknown, e);
			nunknown += rc == 0;
		}
	}
	cJSON_AddNumberToObject(out, "matched", (double)matched);
	cJSON_AddNumberToObject(out, "unknown", (double)nunknown);
	free(claimed);
	free(all);
	journal_rows_free(rows, nrows);
	return rc;
}

/* The broker order with this id: open (*open = 1) or in history. */
static const struct t212_order *
find_order(const struct orders_ctx *ctx, const char *id, int *open)
{
	size_t i;

	for (i = 0; i < ctx->nopen; i++)
		if (strcmp(ctx->open[i].id, id) == 0) {
			*open = 1;
			return &ctx->open[i];
		}
	*open = 0;
	for (i = 0; i < ctx->nhistory; i++)
		if (strcmp(ctx->history[i].id, id) == 0)
			return &ctx->history[i];
	return NULL;
}

int
orders_refresh(struct orders_ctx *ctx, cJSON *out, tb_err *e)
{
	struct journal_row *rows = NULL;
	const struct t212_order *o;
	const char *status;
	size_t nrows, i;
	long filled = 0, rejected = 0, open_left = 0;
	int rc, open;

	if ((rc = journal_read(ctx->db, "submitted", &rows, &nrows, e)) != 0)
		return rc;
	if (nrows == 0 || ctx->dry_run)
		goto done;
	if ((rc = broker_load(ctx, e)) != 0)
		goto out;
	for (i = 0; i < nrows; i++) {
		if ((o = find_order(ctx, rows[i].broker_order_id, &open)) ==
		    NULL) {
			log_warn("trade %lld: the broker's order %s is neither "
			    "open nor in the recent history; still submitted",
			    rows[i].id, rows[i].broker_order_id);
			open_left++;
			continue;
		}
		if ((rc = settle_row(ctx, &rows[i], o, &status, e)) != 0)
			goto out;
		if (strcmp(status, "filled") == 0)
			filled++;
		else if (strcmp(status, "rejected") == 0)
			rejected++;
		else
			open_left++;
		log_info("trade %lld: order %s is %s", rows[i].id, o->id,
		    status);
	}
done:
	rc = 0;
out:
	cJSON_AddNumberToObject(out, "filled", (double)filled);
	cJSON_AddNumberToObject(out, "rejected", (double)rejected);
	cJSON_AddNumberToObject(out, "still_open", (double)open_left);
	journal_rows_free(rows, nrows);
	return rc;
}

/* ---- Placing orders. */

/*
 * The rules for an earlier row of the same pick (orders.h).  Returns 0
 * with res->status set when the pick must not go again, 0 with
 * res->status NULL when it may, or a database error.
 */
static int
earlier_rows(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, int sell, struct order_result *res, tb_err *e)
{
	sqlite3_stmt *st;
	const char *status;
	long long id = 0, blocking = 0;
	char blocking_status[16] = "", last_status[16] = "";
	int rc;

	if (db_prepare(ctx->db, "SELECT id, status, broker_ticker, quantity, "
	    "broker_order_id FROM trades WHERE kind = 'real' AND "
	    "llm_name = ? AND date = ? AND ticker = ? AND side = ? "
	    "ORDER BY id", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, llm_name);
	db_bind_text(st, 2, ctx->date);
	db_bind_text(st, 3, ticker);
	db_bind_text(st, 4, sell ? "sell" : "buy");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		status = db_column_text(st, 1);
		snprintf(last_status, sizeof last_status, "%s", status);
		if (strcmp(status, "pending") == 0 ||
		    strcmp(status, "submitted") == 0 ||
		    strcmp(status, "filled") == 0 ||
		    strcmp(status, "unknown") == 0) {
			blocking = id;
			snprintf(blocking_status, sizeof blocking_status, "%s",
			    status);
			/* For the summary; a name too long is left out. */
			if (strlen(db_column_text(st, 2)) <
			    sizeof res->broker_ticker)
				snprintf(res->broker_ticker,
				    sizeof res->broker_ticker, "%s",
				    db_column_text(st, 2));
			if (strlen(db_column_text(st, 4)) <
			    sizeof res->broker_order_id)
				snprintf(res->broker_order_id,
				    sizeof res->broker_order_id, "%s",
				    db_column_text(st, 4));
			res->quantity = sqlite3_column_double(st, 3);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "read earlier trades", e);
	if (blocking != 0) {
		res->status = "not_repeated";
		res->trade_id = blocking;
		snprintf(res->reason, sizeof res->reason, "trade %lld is %s: "
		    "a real order is never placed twice, not even with "
		    "--force", blocking, blocking_status);
	} else if (id != 0 && !ctx->force) {
		res->status = "not_repeated";
		res->trade_id = id;
		snprintf(res->reason, sizeof res->reason, "trade %lld is %s; "
		    "--force tries again", id, last_status);
	}
	return 0;
}

/* Settle a pick as skipped (a row unless dry run) with the reason. */
static int
skip_pick(struct orders_ctx *ctx, const struct new_row *base,
    struct order_result *res, tb_err *e, const char *fmt, ...)
{
	struct new_row r = *base;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof res->reason, fmt, ap);
	va_end(ap);
	res->status = "skipped";
	log_warn("%s %s: skipped: %s", base->sell ? "sell" : "buy",
	    base->ticker, res->reason);
	if (ctx->dry_run)
		return 0;
	r.status = "skipped";
	r.error = res->reason;
	r.sent = 0;
	return journal_insert(ctx, &r, &res->trade_id, e);
}

int
place_buy_order(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id,
    struct order_result *res, tb_err *e)
{
	return place_order(ctx, llm_name, ticker, 0, amount_eur, NAN, pick_id,
	    res, e);
}

int
place_sell_order(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, double quantity, struct order_result *res,
    tb_err *e)
{
	return place_order(ctx, llm_name, ticker, 1, NAN, quantity, 0, res,
	    e);
}

static int
place_order(struct orders_ctx *ctx, const char *llm_name, const char *ticker,
    int sell, double amount_eur, double quantity, long long pick_id,
    struct order_result *res, tb_err *e)
{
	struct orders_quote quote;
	struct new_row row;
	char why[256];
	double raw, q;
	int rc, have_quote;

	memset(res, 0, sizeof *res);
	if ((rc = earlier_rows(ctx, llm_name, ticker, sell, res, e)) != 0 ||
	    res->status != NULL)
		return rc;
	/* Without a key nothing is decided, so a later run can do it all. */
	if (ctx->t212 == NULL && !ctx->dry_run) {
		res->status = "not_sent";
		snprintf(res->reason, sizeof res->reason, "T212_API_KEY is "
		    "not set");
		return tb_errf(e, TB_ECONFIG, "T212_API_KEY is not set: real "
		    "orders are due for %s", ctx->date);
	}
	memset(&row, 0, sizeof row);
	row.llm_name = llm_name;
	row.ticker = ticker;
	row.sell = sell;
	row.amount_eur = amount_eur;
	row.quantity = NAN;
	row.pick_id = pick_id;

	if (ctx->universe == NULL || ctx->universe->n == 0)
		return skip_pick(ctx, &row, res, e, "no Trading 212 "
		    "instruments known (tb-collect caches them)");
	if (universe_resolve_t212(ctx->universe, ticker, NULL,
	    res->broker_ticker, sizeof res->broker_ticker, why,
	    sizeof why) != 0) {
		res->broker_ticker[0] = '\0';
		return skip_pick(ctx, &row, res, e, "not tradable on Trading "
		    "212: %s", why);
	}
	row.broker_ticker = res->broker_ticker;
	log_debug("%s -> %s (%s)", ticker, res->broker_ticker, why);

	rc = orders_load_quote(ctx->db, ctx->date, ticker, &quote, why,
	    sizeof why, e);
	if (rc == TB_EINTERNAL)
		return rc;
	have_quote = rc == 0;
	if (have_quote)
		row.quote = &quote;
	if (!sell) {
		if (!isfinite(amount_eur) || amount_eur <= 0)
			return skip_pick(ctx, &row, res, e, "amount %g EUR is "
			    "not a positive amount", amount_eur);
		if (!have_quote)
			return skip_pick(ctx, &row, res, e, "%s", why);
		raw = amount_eur * quote.per_eur / quote.price;
	} else
		raw = quantity;
	q = orders_truncate(raw, ORDERS_DECIMALS);
	row.quantity = q;
	res->quantity = q;
	res->decimals = ORDERS_DECIMALS;
	res->value_eur = have_quote ? q * quote.price_eur : NAN;
	if (sell && have_quote)
		row.amount_eur = res->value_eur;
	if (q <= 0)
		return skip_pick(ctx, &row, res, e, "quantity %.6g truncates "
		    "to 0 at %d decimals", raw, ORDERS_DECIMALS);
	if (have_quote && res->value_eur < ORDERS_MIN_EUR)
		return skip_pick(ctx, &row, res, e, "%.4f shares are worth "
		    "%.2f EUR, below the minimum of %.2f EUR", q,
		    res->value_eur, ORDERS_MIN_EUR);

	if (ctx->dry_run) {
		res->status = "would_send";
		log_info("dry run: would send %s %s %.*f (%s)", sell ? "SELL" :
		    "BUY", res->broker_ticker, ORDERS_DECIMALS, q, ticker);
		return 0;
	}
	row.status = "pending";
	row.sent = 1;
	if ((rc = journal_insert(ctx, &row, &res->trade_id, e)) != 0) {
		res->status = "not_sent";
		snprintf(res->reason, sizeof res->reason, "%s", e->msg);
		return rc;
	}
	return send_order(ctx, res->trade_id, ticker, sell, raw,
	    have_quote ? &quote : NULL, res, e);
}

/*
 * The broker's refusal for trades.error: its message in either shape,
 * then the raw body (cut at ORDERS_RAW_KEEP bytes), secrets redacted.
 * NULL when out of memory.
 */
static char *
refusal_text(const struct http_request *req)
{
	char msg[300], *raw, *clean, *text;
	size_t len;

	t212_error_message(req->response, msg, sizeof msg);
	len = req->response != NULL ? strlen(req->response) : 0;
	if (len > ORDERS_RAW_KEEP)
		len = ORDERS_RAW_KEEP;
	if ((raw = strndup(req->response != NULL ? req->response : "", len)) ==
	    NULL)
		return NULL;
	/* "[REDACTED]" is at most 2.5 times the 4-byte secret it hides. */
	if ((clean = malloc(len * 3 + 1)) == NULL) {
		free(raw);
		return NULL;
	}
	log_redact(raw, clean, len * 3 + 1);
	if (asprintf(&text, "%s (HTTP %ld: %s%s)", msg, req->status, clean,
	    strlen(req->response != NULL ? req->response : "") > len ?
	    "...(cut)" : "") < 0)
		text = NULL;
	free(raw);
	free(clean);
	return text;
}

/*
 * Send the journalled order of row trade_id, retrying on precision
 * refusals with fewer decimals, and record the outcome (orders.h).
 */
static int
send_order(struct orders_ctx *ctx, long long trade_id, const char *ticker,
    int sell, double raw_quantity, const struct orders_quote *quote,
    struct order_result *res, tb_err *e)
{
	struct http_request req;
	struct t212_order answer;
	int rc, decimals = ORDERS_DECIMALS;

	for (;;) {
		log_info("sending %s %s %.*f (%s, trade %lld)", sell ? "SELL" :
		    "BUY", res->broker_ticker, decimals, res->quantity, ticker,
		    trade_id);
		rc = t212_market_order(ctx->t212, res->broker_ticker,
		    res->quantity, decimals, sell, &req, &answer, e);
		if (rc == 0)
			rc = record_answer(ctx, trade_id, &answer, res, e);
		else if (req.status >= 400 && req.status <= 499 &&
		    req.status != 408 && req.status != 429) {
			rc = record_refusal(ctx, trade_id, sell, raw_quantity,
			    quote, &req, &decimals, res, e);
			if (rc == 0 && res->status == NULL) {
				http_request_reset(&req);
				continue;	/* fewer decimals */
			}
		} else
			rc = record_no_answer(ctx, trade_id, sell, rc, &req,
			    decimals, res, e);
		http_request_reset(&req);
		return rc;
	}
}

/* The broker took the order. */
static int
record_answer(struct orders_ctx *ctx, long long trade_id,
    const struct t212_order *answer, struct order_result *res, tb_err *e)
{
	int dead = t212_order_state(answer) == T212_DEAD;

	snprintf(res->broker_order_id, sizeof res->broker_order_id, "%s",
	    answer->id);
	res->status = dead ? "rejected" : "submitted";
	if (dead)
		snprintf(res->reason, sizeof res->reason, "the broker's order "
		    "%s ended %s", answer->id, answer->status);
	log_info("trade %lld: the broker's order %s (%s)", trade_id,
	    answer->id, answer->status);
	return journal_set(ctx, trade_id, res->status, answer->id,
	    dead ? res->reason : NULL, e);
}

/*
 * No answer we can use (rc from t212_market_order).  The order provably
 * did not reach the broker when no attempt was made, no connection was
 * made, or the broker said 408/429: 'failed'.  Otherwise it may exist:
 * the row stays 'pending' for the next run's reconciliation.  Either way
 * the broker is not usable now: TB_EUNAVAIL (or rc's own code).
 */
static int
record_no_answer(struct orders_ctx *ctx, long long trade_id, int sell,
    int rc, const struct http_request *req, int decimals,
    struct order_result *res, tb_err *e)
{
	char cause[sizeof e->msg];
	int dbrc;

	snprintf(cause, sizeof cause, "%s", e->msg);
	if (req->attempts == 0 || (req->status == 0 && !req->connected) ||
	    req->status == 408 || req->status == 429) {
		res->status = "failed";
		snprintf(res->reason, sizeof res->reason, "not sent: %.400s",
		    cause);
		log_warn("trade %lld: %s", trade_id, res->reason);
	} else {
		res->status = "pending";
		snprintf(res->reason, sizeof res->reason, "no usable answer "
		    "(%.400s); the next run reconciles it", cause);
		log_error("trade %lld: %s %s %.*f: %s", trade_id, sell ?
		    "sell" : "buy", res->broker_ticker, decimals,
		    res->quantity, res->reason);
	}
	if ((dbrc = journal_set(ctx, trade_id, res->status, NULL,
	    res->reason, e)) != 0)
		return dbrc;
	return tb_errf(e, rc == TB_EINTERNAL ? TB_EINTERNAL : TB_EUNAVAIL,
	    "trade %lld: %s", trade_id, res->reason);
}

/*
 * The broker refused the order (HTTP 4xx), so it does not exist.  A
 * precision refusal with fewer decimals left to try updates the row for
 * the retry (pending again, new quantity and sent_at) and returns 0 with
 * res->status NULL; anything else makes the row 'rejected' with the
 * broker's message.  A refused key (401/403) is TB_ECONFIG.
 */
static int
record_refusal(struct orders_ctx *ctx, long long trade_id, int sell,
    double raw_quantity, const struct orders_quote *quote,
    const struct http_request *req, int *decimals, struct order_result *res,
    tb_err *e)
{
	char *refusal, *note;
	double next;
	int nd, rc;

	if ((refusal = refusal_text(req)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
	nd = orders_next_decimals(*decimals);
	next = nd >= 0 ? orders_truncate(raw_quantity, nd) : 0;
	if (t212_is_precision_error(req->response) && next > 0 &&
	    (sell || quote == NULL ||
	    next * quote->price_eur >= ORDERS_MIN_EUR)) {
		log_warn("trade %lld: %s %.*f refused for its precision; "
		    "retrying with %d decimals: %.*f", trade_id,
		    res->broker_ticker, *decimals, res->quantity, nd, nd, next);
		if (asprintf(&note, "refused at %d decimals: %s", *decimals,
		    refusal) < 0) {
			free(refusal);
			return tb_errf(e, TB_EINTERNAL, "orders: out of "
			    "memory");
		}
		free(refusal);
		rc = journal_retry(ctx, trade_id, next, note, e);
		free(note);
		*decimals = nd;
		res->quantity = next;
		res->decimals = nd;
		if (quote != NULL)
			res->value_eur = next * quote->price_eur;
		res->status = NULL;
		return rc;
	}
	res->status = "rejected";
	snprintf(res->reason, sizeof res->reason, "%s", refusal);
	log_warn("trade %lld: %s %s refused: %s", trade_id, sell ? "sell" :
	    "buy", res->broker_ticker, refusal);
	rc = journal_set(ctx, trade_id, "rejected", NULL, refusal, e);
	free(refusal);
	if (rc == 0 && (req->status == 401 || req->status == 403))
		rc = tb_errf(e, TB_ECONFIG, "Trading 212 refused the API key "
		    "(HTTP %ld): is T212_API_KEY a key of this account (%s)?",
		    req->status, ctx->t212->cfg->t212_base_url);
	return rc;
}
