/*
 * orders.c - placing real orders.  See orders.h.
 *
 * The invariant kept here: a real order leaves this process only after a
 * committed 'pending' row names it, after the money gate passed it, and
 * after the broker showed no earlier order of it that no row names; and
 * a row leaves 'pending' only on proof of what the broker did.
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
#include "journal.h"
#include "log.h"

#define ORDERS_MAX_DECIMALS	8
/* How much of a broker's error body is kept in trades.error. */
#define ORDERS_RAW_KEEP		1000

/* One pick on its way to the broker. */
struct send {
	const char *llm_name;
	const char *ticker;
	int sell;
	double raw_quantity;		/* before truncation (retries) */
	struct price_quote quote;
	int have_quote;
	char quoted_at[21];		/* when the quote was fetched */
	const char *source;		/* where it came from: "yahoo" */
	money_cents value_account;	/* in the account's currency */
};

static int	place_order(struct journal_ctx *ctx, struct send *s,
		    double amount_eur, double quantity, long long pick_id,
		    const struct market_quote *now, struct order_result *res,
		    tb_err *e);

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

static int
quote_usable(const struct price_quote *q)
{
	return isfinite(q->price) && q->price > 0 && isfinite(q->per_eur) &&
	    q->per_eur > 0;
}

double
orders_quantity(double amount_eur, const struct price_quote *q,
    int decimals)
{
	if (!isfinite(amount_eur) || amount_eur <= 0 || !quote_usable(q))
		return 0;
	return orders_truncate(amount_eur * q->per_eur / q->price, decimals);
}

money_cents
orders_value(double shares, const struct price_quote *q)
{
	if (!quote_usable(q) || !isfinite(shares) || shares < 0)
		return MONEY_INVALID;
	return money_up(shares * q->price / q->per_eur);
}

double
orders_size(money_cents amount, const struct price_quote *q, int decimals)
{
	double step, shares;
	money_cents v;
	int i;

	if (amount <= 0 || decimals < 0 || decimals > ORDERS_MAX_DECIMALS)
		return 0;
	shares = orders_quantity(money_major(amount), q, decimals);
	step = pow(10.0, -decimals);
	/* Rounding the value up can pass the amount by a cent: step down. */
	for (i = 0; shares > 0 && i < 4; i++) {
		if ((v = orders_value(shares, q)) >= 0 && v <= amount)
			return shares;
		shares = orders_truncate(shares - step, decimals);
	}
	return 0;
}

double
orders_decision_price(sqlite3 *db, const char *date, const char *symbol)
{
	sqlite3_stmt *st;
	double v = NAN;
	tb_err e;

	if (db_prepare(db, "SELECT price FROM market_data WHERE date = ? AND "
	    "symbol = ? AND status = 'ok' AND price > 0", &st, &e) != 0)
		return NAN;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, symbol);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---- Outcomes and matching. */

enum order_outcome
orders_outcome(int rc, long status, int attempts, int connected,
    const char *body)
{
	if (rc == 0)
		return ORDER_TAKEN;
	if (attempts == 0)
		return ORDER_NOT_SENT;
	if (status == 0)
		return connected ? ORDER_UNCLEAR : ORDER_NOT_SENT;
	if (status == 400) {
		if (t212_is_quantity_refusal(status, body))
			return ORDER_QTY_REFUSED;
		return t212_is_error_body(body) ? ORDER_REFUSED :
		    ORDER_UNCLEAR;
	}
	if (status == 401 || status == 403 || status == 404 || status == 422)
		return ORDER_REFUSED;
	return ORDER_UNCLEAR;
}

/* ---- Placing orders. */

static void	result_init(struct order_result *res);

int
orders_earlier(struct journal_ctx *ctx, const char *llm_name,
    const char *ticker, int sell, struct order_result *res, tb_err *e)
{
	sqlite3_stmt *st;
	enum trade_status s, blocking_status = TRADE_PENDING;
	long long id = 0, blocking = 0;
	char last_status[16] = "";
	int rc;

	result_init(res);
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
		snprintf(last_status, sizeof last_status, "%s",
		    db_column_text(st, 1));
		/* A status this code does not know may hold an order too. */
		if (trade_status_parse(last_status, &s) == 0 &&
		    !trade_status_holds(s))
			continue;
		blocking = id;
		blocking_status = s;
		/* For the summary; a name too long is left out. */
		if (strlen(db_column_text(st, 2)) < sizeof res->broker_ticker)
			snprintf(res->broker_ticker, sizeof res->broker_ticker,
			    "%s", db_column_text(st, 2));
		if (strlen(db_column_text(st, 4)) <
		    sizeof res->broker_order_id)
			snprintf(res->broker_order_id,
			    sizeof res->broker_order_id, "%s",
			    db_column_text(st, 4));
		res->quantity = sqlite3_column_double(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(ctx->db, "read earlier trades", e);
	if (blocking != 0) {
		res->status = "not_repeated";
		res->trade_id = blocking;
		snprintf(res->reason, sizeof res->reason, "trade %lld is %s: "
		    "a real order is never placed twice, not even with "
		    "--force", blocking, trade_status_name(blocking_status));
	} else if (id != 0 && !ctx->force) {
		res->status = "not_repeated";
		res->trade_id = id;
		snprintf(res->reason, sizeof res->reason, "trade %lld is %s; "
		    "--force tries again", id, last_status);
	}
	return 0;
}

/* The journal row a pick starts from: what is known of it so far. */
static void
row_of(const struct send *s, const struct order_result *res,
    double amount_eur, long long pick_id, struct journal_new *r)
{
	memset(r, 0, sizeof *r);
	r->llm_name = s->llm_name;
	r->ticker = s->ticker;
	r->broker_ticker = res->broker_ticker[0] != '\0' ?
	    res->broker_ticker : NULL;
	r->sell = s->sell;
	r->amount_eur = amount_eur;
	r->quantity = res->quantity > 0 ? res->quantity : NAN;
	r->quote = s->have_quote ? &s->quote : NULL;
	r->value = res->value;
	r->decision_price = res->decision_price;
	r->price_source = s->have_quote ? s->source : NULL;
	r->quoted_at = s->have_quote ? s->quoted_at : NULL;
	r->pick_id = pick_id;
}

/* Settle a pick as skipped (a row unless dry run) with the reason. */
static int
skip_pick(struct journal_ctx *ctx, const struct journal_new *base,
    struct order_result *res, tb_err *e, const char *fmt, ...)
{
	struct journal_new r = *base;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof res->reason, fmt, ap);
	va_end(ap);
	res->status = "skipped";
	log_warn("%s %s: skipped: %s", base->sell ? "sell" : "buy",
	    base->ticker, res->reason);
	if (ctx->dry_run)
		return 0;
	r.status = TRADE_SKIPPED;
	r.error = res->reason;
	r.sent = 0;
	return journal_insert(ctx, &r, &res->trade_id, e);
}

/*
 * The broker's order that may be an unrecorded earlier send of this
 * pick: the row becomes 'unknown' naming it, and nothing is sent.
 * Returns 0 with res->status NULL when there is none.
 */
static int
broker_check(struct journal_ctx *ctx, const struct journal_new *base,
    struct order_result *res, tb_err *e)
{
	const struct t212_order *o;
	struct journal_new r = *base;
	char when[21];
	long k;

	if (ctx->t212 == NULL)
		return 0;	/* a dry run without a key: nothing to ask */
	if (!ctx->have_broker && journal_broker_load(ctx, e) != 0) {
		res->status = "not_sent";
		snprintf(res->reason, sizeof res->reason, "the broker's orders "
		    "could not be read to make sure this one was not sent "
		    "before: %.300s", e->msg);
		return tb_errf(e, e->code == TB_EINTERNAL ? TB_EINTERNAL :
		    TB_EUNAVAIL, "%s %s: %s", base->sell ? "sell" : "buy",
		    base->ticker, res->reason);
	}
	k = journal_unclaimed(ctx->broker, ctx->nbroker, ctx->claimed,
	    res->broker_ticker, base->sell, ctx->check_since);
	if (k < 0)
		return 0;
	o = &ctx->broker[k];
	ctx->claimed[k] = 1;
	snprintf(res->broker_order_id, sizeof res->broker_order_id, "%s",
	    o->id);
	snprintf(res->reason, sizeof res->reason, "the broker already has "
	    "%s order %s for %s (%.4f shares, created %s, %s) that no trade "
	    "names: an earlier answer or row was lost; nothing sent, check "
	    "the account", o->sell ? "sell" : "buy", o->id, o->ticker,
	    o->quantity, o->created_at != 0 ? clock_iso_utc(o->created_at,
	    when) : "at an unknown time", o->status);
	res->status = "unknown";
	log_error("%s %s: %s", base->sell ? "sell" : "buy", base->ticker,
	    res->reason);
	if (ctx->dry_run)
		return 0;
	r.status = TRADE_UNKNOWN;
	r.broker_order_id = o->id;
	r.error = res->reason;
	return journal_insert(ctx, &r, &res->trade_id, e);
}

int
place_buy_order(struct journal_ctx *ctx, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id,
    const struct market_quote *now, struct order_result *res, tb_err *e)
{
	struct send s;

	memset(&s, 0, sizeof s);
	s.llm_name = llm_name;
	s.ticker = ticker;
	return place_order(ctx, &s, amount_eur, NAN, pick_id, now, res, e);
}

int
place_sell_order(struct journal_ctx *ctx, const char *llm_name,
    const char *ticker, double quantity, const struct market_quote *now,
    struct order_result *res, tb_err *e)
{
	struct send s;

	memset(&s, 0, sizeof s);
	s.llm_name = llm_name;
	s.ticker = ticker;
	s.sell = 1;
	return place_order(ctx, &s, NAN, quantity, 0, now, res, e);
}

/*
 * The price to size with, from the run's own quote: 0, or -1 with the
 * reason (an implausible price says so, naming both numbers).
 */
static int
quote_of(const struct market_quote *now, struct send *s, char *why,
    size_t whysz)
{
	if (now == NULL) {
		snprintf(why, whysz, "no market price: %s could not be quoted",
		    s->ticker);
		return -1;
	}
	if (!now->ok) {
		snprintf(why, whysz, "%s%s", now->implausible ? "" :
		    "no market price: ", now->error != NULL ? now->error :
		    "unavailable");
		return -1;
	}
	if (price_quote_make(now->price, now->currency, NAN, now->eur_rate,
	    now->price_eur, &s->quote, why, whysz) != 0)
		return -1;
	s->have_quote = 1;
	s->source = now->source != NULL ? now->source : "yahoo";
	clock_iso_utc(now->fetched_at != 0 ? now->fetched_at : time(NULL),
	    s->quoted_at);
	return 0;
}

/*
 * Size a buy within its amount and pass it through the gate (money.h).
 * 0 with res->quantity and res->value set, or -1 with the reason why
 * nothing may be sent.
 */
static int
size_buy(struct journal_ctx *ctx, struct send *s, double amount_eur,
    struct order_result *res, char *why, size_t whysz)
{
	money_cents pick = money_down(amount_eur);
	enum money_verdict v;

	if (pick <= 0) {
		snprintf(why, whysz, "amount %g EUR is not a positive amount",
		    amount_eur);
		return -1;
	}
	s->raw_quantity = money_major(pick) * s->quote.per_eur /
	    s->quote.price;
	res->quantity = orders_size(pick, &s->quote, ORDERS_DECIMALS);
	res->value = orders_value(res->quantity, &s->quote);
	if (res->quantity <= 0) {
		snprintf(why, whysz, "%.2f EUR at %.6g %s a share truncates to "
		    "0 shares at %d decimals", money_major(pick),
		    s->quote.price, s->quote.currency, ORDERS_DECIMALS);
		return -1;
	}
	if (money_major(res->value) < ORDERS_MIN_EUR) {
		snprintf(why, whysz, "%.4f shares are worth %.2f EUR, below "
		    "the minimum of %.2f EUR", res->quantity,
		    money_major(res->value), ORDERS_MIN_EUR);
		return -1;
	}
	s->value_account = isfinite(ctx->account_per_eur) ?
	    money_up(money_major(res->value) * ctx->account_per_eur) :
	    MONEY_INVALID;
	if ((v = money_gate_check(&ctx->gate, pick, res->value,
	    s->value_account)) != MONEY_OK) {
		money_gate_explain(&ctx->gate, v, pick, res->value,
		    s->value_account, ctx->account_currency, why, whysz);
		return -1;
	}
	return 0;
}

/* A sell: the quantity asked, valued at the quote when there is one. */
static int
size_sell(struct send *s, double quantity, struct order_result *res,
    char *why, size_t whysz)
{
	s->raw_quantity = quantity;
	res->quantity = orders_truncate(quantity, ORDERS_DECIMALS);
	res->value = s->have_quote ? orders_value(res->quantity, &s->quote) :
	    MONEY_INVALID;
	if (res->quantity <= 0) {
		snprintf(why, whysz, "quantity %.6g truncates to 0 at %d "
		    "decimals", quantity, ORDERS_DECIMALS);
		return -1;
	}
	return 0;
}

static int	send_order(struct journal_ctx *ctx, struct send *s,
		    long long trade_id, struct order_result *res,
		    tb_err *e);

/* The ticker at the broker, into res->broker_ticker; -1 with why. */
static int
resolve(const struct journal_ctx *ctx, const char *ticker,
    struct order_result *res, char *why, size_t whysz)
{
	char how[200];

	if (ctx->universe == NULL || ctx->universe->n == 0) {
		snprintf(why, whysz, "no Trading 212 instruments known "
		    "(tb-collect caches them)");
		return -1;
	}
	if (universe_resolve_t212(ctx->universe, ticker, NULL,
	    res->broker_ticker, sizeof res->broker_ticker, how,
	    sizeof how) != 0) {
		res->broker_ticker[0] = '\0';
		snprintf(why, whysz, "not tradable on Trading 212: %s", how);
		return -1;
	}
	log_debug("%s -> %s (%s)", ticker, res->broker_ticker, how);
	return 0;
}

static void
result_init(struct order_result *res)
{
	memset(res, 0, sizeof *res);
	res->price = res->decision_price = NAN;
	res->value = MONEY_INVALID;
}

static int
place_order(struct journal_ctx *ctx, struct send *s, double amount_eur,
    double quantity, long long pick_id, const struct market_quote *now,
    struct order_result *res, tb_err *e)
{
	struct journal_new row;
	char why[400];
	int rc;

	if ((rc = orders_earlier(ctx, s->llm_name, s->ticker, s->sell, res,
	    e)) != 0 || res->status != NULL)
		return rc;
	/* Without a key nothing is decided, so a later run can do it all. */
	if (ctx->t212 == NULL && !ctx->dry_run) {
		res->status = "not_sent";
		snprintf(res->reason, sizeof res->reason, "T212_API_KEY is "
		    "not set");
		return tb_errf(e, TB_ECONFIG, "T212_API_KEY is not set: real "
		    "orders are due for %s", ctx->date);
	}
	res->decision_price = orders_decision_price(ctx->db, ctx->date,
	    s->ticker);
	row_of(s, res, amount_eur, pick_id, &row);
	if (resolve(ctx, s->ticker, res, why, sizeof why) != 0)
		return skip_pick(ctx, &row, res, e, "%s", why);
	row_of(s, res, amount_eur, pick_id, &row);
	if (quote_of(now, s, why, sizeof why) != 0 && !s->sell)
		return skip_pick(ctx, &row, res, e, "%s", why);
	if (s->have_quote) {
		res->price = s->quote.price;
		memcpy(res->currency, s->quote.currency, sizeof res->currency);
	}
	rc = s->sell ? size_sell(s, quantity, res, why, sizeof why) :
	    size_buy(ctx, s, amount_eur, res, why, sizeof why);
	row_of(s, res, amount_eur, pick_id, &row);
	if (rc != 0)
		return skip_pick(ctx, &row, res, e, "%s", why);
	if ((rc = broker_check(ctx, &row, res, e)) != 0 || res->status != NULL)
		return rc;
	if (ctx->dry_run) {
		res->status = "would_send";
		money_gate_take(&ctx->gate, s->sell ? 0 : res->value,
		    s->sell ? 0 : s->value_account);
		log_info("dry run: would send %s %s %.*f (%s)", s->sell ?
		    "SELL" : "BUY", res->broker_ticker, ORDERS_DECIMALS,
		    res->quantity, s->ticker);
		return 0;
	}
	row.status = TRADE_PENDING;
	row.sent = 1;
	if ((rc = journal_insert(ctx, &row, &res->trade_id, e)) != 0) {
		res->status = "not_sent";
		snprintf(res->reason, sizeof res->reason, "%s", e->msg);
		return rc;
	}
	/* From here the order may exist: it counts against the day. */
	if (!s->sell)
		money_gate_take(&ctx->gate, res->value, s->value_account);
	return send_order(ctx, s, res->trade_id, res, e);
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
	const char *body = req->response != NULL ? req->response : "";
	size_t len = strlen(body);

	t212_error_message(req->response, msg, sizeof msg);
	if (len > ORDERS_RAW_KEEP)
		len = ORDERS_RAW_KEEP;
	if ((raw = strndup(body, len)) == NULL)
		return NULL;
	/* "[REDACTED]" is at most 2.5 times the 4-byte secret it hides. */
	if ((clean = malloc(len * 3 + 1)) == NULL) {
		free(raw);
		return NULL;
	}
	log_redact(raw, clean, len * 3 + 1);
	if (asprintf(&text, "%s (HTTP %ld: %s%s)", msg, req->status, clean,
	    strlen(body) > len ? "...(cut)" : "") < 0)
		text = NULL;
	free(raw);
	free(clean);
	return text;
}

/* The broker took the order. */
static int
record_answer(struct journal_ctx *ctx, long long trade_id,
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
	return journal_set(ctx, trade_id, dead ? TRADE_REJECTED :
	    TRADE_SUBMITTED, answer->id, dead ? res->reason : NULL, e);
}

/*
 * No answer that settles it (rc from t212_market_order).  ORDER_NOT_SENT
 * proves the order never left: 'failed'.  Anything else may have created
 * it: the row stays 'pending' for the next run's reconciliation.  Either
 * way the broker is not usable now: TB_EUNAVAIL (or rc's own code).
 */
static int
record_no_answer(struct journal_ctx *ctx, long long trade_id,
    const struct send *s, enum order_outcome outcome, int rc,
    struct order_result *res, tb_err *e)
{
	char cause[sizeof e->msg];
	int dbrc;

	snprintf(cause, sizeof cause, "%s", e->msg);
	if (outcome == ORDER_NOT_SENT) {
		res->status = "failed";
		snprintf(res->reason, sizeof res->reason, "not sent: %.400s",
		    cause);
		log_warn("trade %lld: %s", trade_id, res->reason);
	} else {
		res->status = "pending";
		snprintf(res->reason, sizeof res->reason, "no clear answer "
		    "(%.400s): the order may exist; the next run reconciles "
		    "it with the broker and never sends it again", cause);
		log_error("trade %lld: %s %s %.*f: %s", trade_id, s->sell ?
		    "sell" : "buy", res->broker_ticker, res->decimals,
		    res->quantity, res->reason);
	}
	if ((dbrc = journal_set(ctx, trade_id, outcome == ORDER_NOT_SENT ?
	    TRADE_FAILED : TRADE_PENDING, NULL, res->reason, e)) != 0)
		return dbrc;
	return tb_errf(e, rc == TB_EINTERNAL ? TB_EINTERNAL : TB_EUNAVAIL,
	    "trade %lld: %s", trade_id, res->reason);
}

/*
 * A refusal of the quantity with fewer decimals left to try, at a value
 * still worth sending: update the row for the retry (pending again, new
 * quantity, value and sent_at) and return 1.  0 when there is no retry.
 */
static int
retry_fewer_decimals(struct journal_ctx *ctx, long long trade_id,
    const struct send *s, const char *refusal, struct order_result *res,
    int *rc, tb_err *e)
{
	double next;
	money_cents value;
	char *note;
	int nd = orders_next_decimals(res->decimals);

	next = nd >= 0 ? orders_truncate(s->raw_quantity, nd) : 0;
	if (next > 0 && !s->sell)
		next = fmin(next, orders_size(res->value, &s->quote, nd));
	value = s->have_quote ? orders_value(next, &s->quote) : MONEY_INVALID;
	if (next <= 0 || (s->have_quote && money_major(value) <
	    ORDERS_MIN_EUR))
		return 0;
	log_warn("trade %lld: %s %.*f refused for its quantity; retrying "
	    "with %d decimals: %.*f", trade_id, res->broker_ticker,
	    res->decimals, res->quantity, nd, nd, next);
	if (asprintf(&note, "refused at %d decimals: %s", res->decimals,
	    refusal) < 0) {
		*rc = tb_errf(e, TB_EINTERNAL, "orders: out of memory");
		return 1;
	}
	*rc = journal_retry(ctx, trade_id, next, value, note, e);
	free(note);
	res->decimals = nd;
	res->quantity = next;
	res->value = value;
	return 1;
}

/*
 * The broker refused the order, so it does not exist: a quantity refusal
 * is retried with fewer decimals (res->status NULL: send again); anything
 * else makes the row 'rejected' with the broker's message.  A refused key
 * (401/403) is TB_ECONFIG.
 */
static int
record_refusal(struct journal_ctx *ctx, long long trade_id,
    const struct send *s, enum order_outcome outcome,
    const struct http_request *req, struct order_result *res, tb_err *e)
{
	char *refusal;
	int rc = 0;

	if ((refusal = refusal_text(req)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "orders: out of memory");
	if (outcome == ORDER_QTY_REFUSED && retry_fewer_decimals(ctx,
	    trade_id, s, refusal, res, &rc, e)) {
		free(refusal);
		res->status = NULL;
		return rc;
	}
	res->status = "rejected";
	snprintf(res->reason, sizeof res->reason, "%s", refusal);
	log_warn("trade %lld: %s %s refused: %s", trade_id, s->sell ? "sell" :
	    "buy", res->broker_ticker, refusal);
	rc = journal_set(ctx, trade_id, TRADE_REJECTED, NULL, refusal, e);
	free(refusal);
	if (rc == 0 && (req->status == 401 || req->status == 403))
		rc = tb_errf(e, TB_ECONFIG, "Trading 212 refused the API key "
		    "(HTTP %ld): is T212_API_KEY a key of this account (%s)?",
		    req->status, ctx->t212->cfg->t212_base_url);
	return rc;
}

/*
 * Send the journalled order of row trade_id, retrying quantity refusals
 * with fewer decimals, and record what the outcome proves (orders.h).
 */
static int
send_order(struct journal_ctx *ctx, struct send *s, long long trade_id,
    struct order_result *res, tb_err *e)
{
	struct http_request req;
	struct t212_order answer;
	enum order_outcome outcome;
	int rc;

	res->decimals = ORDERS_DECIMALS;
	for (;;) {
		log_info("sending %s %s %.*f (%s, trade %lld)", s->sell ?
		    "SELL" : "BUY", res->broker_ticker, res->decimals,
		    res->quantity, s->ticker, trade_id);
		rc = t212_market_order(ctx->t212, res->broker_ticker,
		    res->quantity, res->decimals, s->sell, &req, &answer, e);
		outcome = orders_outcome(rc, req.status, req.attempts,
		    req.connected, req.response);
		if (outcome == ORDER_TAKEN)
			rc = record_answer(ctx, trade_id, &answer, res, e);
		else if (outcome == ORDER_REFUSED ||
		    outcome == ORDER_QTY_REFUSED) {
			rc = record_refusal(ctx, trade_id, s, outcome, &req,
			    res, e);
			if (rc == 0 && res->status == NULL) {
				http_request_reset(&req);
				continue;	/* fewer decimals */
			}
		} else
			rc = record_no_answer(ctx, trade_id, s, outcome, rc,
			    res, e);
		http_request_reset(&req);
		return rc;
	}
}
