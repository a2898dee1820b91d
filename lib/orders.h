/*
 * orders.h - real orders on Trading 212 and their journal.
 *
 * The journal is the `trades` table (kind 'real').  It keeps DESIGN
 * section 4's promise that no order is lost or doubled by a crash:
 *
 *   1. a row with status 'pending' and sent_at = the real wall clock
 *      (time(NULL), never TB_NOW) is COMMITTED before the order leaves;
 *   2. the broker's answer turns it into 'submitted' with the broker's
 *      order id, or 'rejected' with the broker's message when it refused
 *      the order (an HTTP 4xx: the order does not exist), or 'failed'
 *      when the request provably never reached the broker (no connection,
 *      or 408/429 still refused after the retries);
 *   3. anything else (a timeout, a reset, a 5xx, a 2xx we cannot read, a
 *      crash) leaves 'pending': the broker may have the order.
 *
 * orders_reconcile() runs first in every run: it matches each 'pending'
 * row against the broker's open orders and order history (initiatedFrom
 * API when reported, same ticker, same side, quantity within 1e-9, created
 * no earlier than sent_at - ORDERS_CLOCK_SKEW_S, an order id no other
 * trade has).  A match becomes 'submitted', 'filled' or 'rejected' with
 * the broker's id; no match becomes 'unknown', is logged as an ERROR and
 * is never sent again.  orders_refresh() then moves 'submitted' rows to
 * 'filled' (fill price, filled quantity, amount_eur = the filled value in
 * EUR) or 'rejected' (cancelled or rejected by the broker).
 *
 * When a pick is executed again (same llm_name, date, ticker, side, kind
 * real):
 *   - a row 'pending', 'submitted', 'filled' or 'unknown' exists: NEVER
 *     again, not even with --force (the broker has, or may have, the
 *     order; an 'unknown' row is for a human to settle: after checking the
 *     account, set its status to 'failed' to allow a retry with --force);
 *   - only 'rejected', 'failed' or 'skipped' rows exist: not again unless
 *     --force, which writes a new row (the old ones stay as history);
 *   - no row: executed.
 *
 * Quantity (orders_quantity): the EUR amount converted to the quoted
 * currency of the last price (GBX = pence: EUR -> GBP -> x100), divided by
 * that price, TRUNCATED (never rounded up) to 4 decimals.  A broker answer
 * that the quantity has too many decimals (t212_is_precision_error) is
 * retried on the same row with 2, then 1, then 0 decimals (the broker
 * refused the previous one, so this cannot double it); each retry commits
 * the new quantity and sent_at as 'pending' before it is sent.  A quantity
 * of 0, or worth less than ORDERS_MIN_EUR, is 'skipped' and never sent.
 *
 * Errors: functions return 0 or a tb_err code.  TB_EUNAVAIL means the
 * broker could not be reached (the caller stops sending); TB_ECONFIG that
 * it refused the API key (401/403); TB_EINTERNAL a database failure.
 */
#ifndef TB_ORDERS_H
#define TB_ORDERS_H

#include <stddef.h>
#include <time.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "err.h"
#include "symbols.h"
#include "t212.h"

#define ORDERS_DECIMALS		4	/* first try: 4 decimals */
#define ORDERS_CLOCK_SKEW_S	120	/* broker clock may be this far behind */
#define ORDERS_QTY_EPSILON	1e-9	/* quantities this close are equal */
#define ORDERS_MIN_EUR		1.0	/* smallest order worth sending */
/* History pages read per run, at most: 6 is the endpoint's limit per
 * minute (no waiting) and 300 orders, months of this program's orders. */
#define ORDERS_HISTORY_PAGES	6

/* ---- Arithmetic (pure). */

/*
 * q truncated to `decimals` decimals (0..8), never rounded up; a value a
 * hair below a decimal step because of binary floating point (2.9 stored
 * as 2.8999999999999999) counts as on the step.  Negative, NaN or
 * infinite q gives 0.
 */
double orders_truncate(double q, int decimals);

/* The next decimals to try after a precision refusal at `decimals`: 4 -> 2
 * -> 1 -> 0 -> -1 (none left). */
int orders_next_decimals(int decimals);

/*
 * A quoted currency in upper case, minor units made explicit:
 * "GBp", "GBX" and "GBx" -> "GBX" with *minor = 100 (pence per pound);
 * "ZAc" -> "ZAC" and "ILA" -> "ILA" likewise; "USD" -> "USD", *minor 1.
 * *major (4 bytes) gets the major currency ("GBP" for GBX).  Returns 0,
 * or -1 when quoted is not a 3-letter code.
 */
int orders_currency(const char *quoted, char norm[4], char major[4],
    double *minor);

/* A last price and how to convert EUR into its currency. */
struct orders_quote {
	double price;		/* last price per share, in currency */
	char currency[4];	/* normalised, "GBX" for pence */
	double per_eur;		/* units of currency per EUR (pence for GBX) */
	double price_eur;	/* price / per_eur */
};

/*
 * Shares for amount_eur at quote q: amount_eur * per_eur / price,
 * truncated to decimals.  0 when any input is not a positive finite
 * number.
 */
double orders_quantity(double amount_eur, const struct orders_quote *q,
    int decimals);

/*
 * Build a quote from a price in `quoted` currency and the conversion
 * rates known (each NAN when unknown), in this order of preference:
 * fx_major = units of the major currency per EUR (Yahoo's EURGBP=X close,
 * times 100 for pence); eur_rate = units of the quoted currency per EUR
 * (market_data.eur_rate: 85 for GBp when EURGBP is 0.85); price /
 * price_eur.  EUR needs none.  Returns 0, or -1 with the reason in why.
 */
int orders_make_quote(double price, const char *quoted, double fx_major,
    double eur_rate, double price_eur, struct orders_quote *q, char *why,
    size_t whysz);

/*
 * The day's quote of a Yahoo symbol from market_data (status 'ok', price
 * > 0, eur_rate, price_eur), with the FX row "EUR<major>=X" of the same
 * date when there is one.  0; TB_EDATA with the reason in why when there is no usable price
 * or rate; TB_EINTERNAL on a database error (*e).
 */
int orders_load_quote(sqlite3 *db, const char *date, const char *symbol,
    struct orders_quote *q, char *why, size_t whysz, tb_err *e);

/* ---- Reconciliation matching (pure). */

/* A journal row waiting to be matched with a broker order. */
struct orders_pending {
	long long trade_id;
	const char *broker_ticker;
	int sell;
	double quantity;
	time_t sent_at;
};

/*
 * The index in orders[0..n-1] of the broker order that is this row's, or
 * -1.  Rules: see the top of this file; claimed[i] != 0 excludes order i
 * (already some trade's).  Among several, the earliest created.
 */
long orders_match(const struct orders_pending *row,
    const struct t212_order *orders, size_t n, const unsigned char *claimed);

/* ---- The run. */

/*
 * What one run works with.  orders_ctx_init borrows everything; t212 may
 * be NULL in a dry run without a key (nothing is then asked of the
 * broker).  The broker's open orders and history are fetched at most once
 * per run and shared by reconcile and refresh (their rate limits are 1
 * per 5 s and 6 per minute).
 */
struct orders_ctx {
	sqlite3 *db;
	struct t212_client *t212;
	const struct universe *universe;
	const char *date;		/* the run's day, "YYYY-MM-DD" */
	int dry_run;			/* send nothing, write nothing */
	int force;			/* retry rejected/failed/skipped picks */

	/* Broker state cached for the run. */
	struct t212_order *open;
	size_t nopen;
	int have_open;
	struct t212_order *history;
	size_t nhistory;
	int have_history;
	time_t history_since;
};

void orders_ctx_init(struct orders_ctx *ctx, sqlite3 *db,
    struct t212_client *t212, const struct universe *u, const char *date,
    int dry_run, int force);
void orders_ctx_free(struct orders_ctx *ctx);

/* How many journal rows need the broker: 'pending' and 'submitted'. */
int orders_count_open(sqlite3 *db, long *pending, long *submitted,
    tb_err *e);

/*
 * Reconcile every 'pending' real row (of any date) with the broker.  Adds
 * to out (a JSON object): "matched", "unknown" (counts) and
 * "unknown_trades": [{trade_id, ticker, broker_ticker, quantity}].  In a
 * dry run the outcome is reported but not written.  TB_EUNAVAIL when the
 * broker's orders cannot be read (then no new order may be sent).
 */
int orders_reconcile(struct orders_ctx *ctx, cJSON *out, tb_err *e);

/*
 * Refresh every 'submitted' real row (of any date).  Adds to out:
 * "filled", "rejected", "still_open".  Not in a dry run.
 */
int orders_refresh(struct orders_ctx *ctx, cJSON *out, tb_err *e);

/* The outcome of one place_*_order call, for the summary. */
struct order_result {
	const char *status;		/* the row's status: "submitted",
					 * "rejected", "failed", "pending",
					 * "skipped"; or "would_send" (dry
					 * run), "not_repeated" (an earlier
					 * row stands) */
	long long trade_id;		/* the row written or found; 0 none */
	char broker_ticker[SYMBOLS_MAX];
	double quantity;		/* shares sent or to send */
	int decimals;			/* decimals of quantity as sent */
	char broker_order_id[32];
	double value_eur;		/* quantity at the last price, EUR */
	char reason[512];		/* why not sent / refused; "" if none */
};

/*
 * Buy amount_eur of a Yahoo symbol for llm_name (that day's main trader)
 * on ctx->date: resolve the Trading 212 ticker, apply the rules above,
 * journal and send.  pick_id (0: none) is recorded.  *res is always
 * filled.  Returns 0 when the pick is settled for this run, whatever its
 * status (a refusal or a skip is not an error of the run); TB_EUNAVAIL,
 * TB_ECONFIG, TB_EINTERNAL as at the top.
 */
int place_buy_order(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id,
    struct order_result *res, tb_err *e);

/*
 * Sell `quantity` shares (truncated to 4 decimals) of a Yahoo symbol for
 * llm_name: the same journal, rules and precision retries as a buy, sent
 * as a negative quantity.
 */
int place_sell_order(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, double quantity, struct order_result *res,
    tb_err *e);

#endif
