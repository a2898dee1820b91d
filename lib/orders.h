/*
 * orders.h - real orders on Trading 212 and their journal.
 *
 * The journal is the `trades` table (kind 'real').  It keeps DESIGN
 * section 4's promise that no order is lost or doubled by a crash, and
 * section 11's that only a proven refusal is a failure:
 *
 *   1. a row with status 'pending' and sent_at = the real wall clock
 *      (time(NULL), never TB_NOW) is COMMITTED before the order leaves;
 *   2. the broker's answer turns it into 'submitted' with the broker's
 *      order id; a row leaves 'pending' for 'rejected' or 'failed' only
 *      when the order provably does not exist (orders_outcome): no
 *      connection was made ('failed'), or the broker refused the request
 *      itself: 400 with an error body, 401, 403, 404, 422 ('rejected');
 *   3. anything else once the request may have left (408, 429, 5xx, a
 *      timeout, a reset, an unreadable or incomplete 2xx, a crash) leaves
 *      'pending': the broker may have the order.  The HTTP layer never
 *      sends an order twice by itself (http.h).
 *
 * orders_reconcile() runs first in every run: it matches each 'pending'
 * row against the broker's open orders and order history (initiatedFrom
 * API when reported, same ticker, same side, quantity within 1e-9, created
 * no earlier than sent_at - ORDERS_CLOCK_SKEW_S, an order id no other
 * trade has).  A match becomes 'submitted', 'filled' or 'rejected' with
 * the broker's id; no match becomes 'unknown', is logged as an ERROR and
 * is never sent again.  orders_refresh() then moves 'submitted' rows to
 * 'filled' (fill price, filled quantity, amount_eur = the filled value in
 * EUR, and the broker's fill: journal.h) or 'rejected' (cancelled or
 * rejected by the broker), and reads again the fills not final yet.
 *
 * Before each new order the broker is asked too (orders_broker_load, the
 * same reads): an API order for that instrument and side, created since
 * the day began (or since the day's first send, if earlier), that no
 * trade row names means an earlier run's answer or rows were lost (an
 * emptied or restored tb.db): nothing is sent, and the pick's row is
 * written 'unknown' naming the broker's order.
 *
 * When a pick is executed again (same llm_name, date, ticker, side, kind
 * real): a row in a state that may hold an order at the broker
 * (trade_status_holds: 'pending', 'submitted', 'filled', 'unknown')
 * means NEVER again, not even with --force; an 'unknown' row is for a
 * human to settle (after checking the account, set its status to
 * 'failed' to allow a retry with --force).  Only proven refusals
 * ('rejected', 'failed') and picks never sent ('skipped') may go again,
 * and only with --force, which writes a new row.
 *
 * Money (money.h): an order is sized from a price fetched by the run
 * that sends it (market_fetch_now: plausible or refused), the largest
 * quantity at ORDERS_DECIMALS whose value, rounded up to the EUR cent,
 * is within the pick's amount; then the gate: within the pick, within
 * the LLM's daily budget (every real buy of that day that may exist
 * counts, at its value_cents), within the account's cash when known.
 * A quantity of 0, or worth less than ORDERS_MIN_EUR, is 'skipped'.
 *
 * A refusal of the quantity (t212_is_quantity_refusal, any wording) is
 * retried on the same row with 2, then 1, then 0 decimals, truncating,
 * while the value stays at least ORDERS_MIN_EUR (the broker refused the
 * previous one, so this cannot double it); each retry commits the new
 * quantity and sent_at as 'pending' before it is sent.  Nothing unclear
 * is ever retried.
 *
 * Errors: functions return 0 or a tb_err code.  TB_EUNAVAIL means the
 * broker could not be reached or answered unclearly (the caller stops
 * sending); TB_ECONFIG that it refused the API key (401/403);
 * TB_EINTERNAL a database failure.
 */
#ifndef TB_ORDERS_H
#define TB_ORDERS_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "err.h"
#include "market.h"
#include "money.h"
#include "symbols.h"
#include "t212.h"

#define ORDERS_DECIMALS		4	/* first try: 4 decimals */
#define ORDERS_CLOCK_SKEW_S	120	/* broker clock may be this far behind */
#define ORDERS_QTY_EPSILON	1e-9	/* quantities this close are equal */
#define ORDERS_MIN_EUR		1.0	/* smallest order worth sending */
/* History pages read per run, at most: 6 is the endpoint's limit per
 * minute (no waiting) and 300 orders, months of this program's orders. */
#define ORDERS_HISTORY_PAGES	6

/* ---- Trade states. */

/*
 * A trade's status.  A row moves only along these lines; the trigger
 * trades_status_moves (sql/006_money.sql) refuses any other UPDATE, so a
 * bug or a hand edit cannot revive a refused order as 'pending'.  A new
 * row may start in any state.
 *
 *   from       to          performed by
 *   pending    pending     journal_retry: a quantity refusal, fewer decimals
 *   pending    submitted   record_answer, settle_row: the broker has it
 *   pending    filled      settle_row: reconciled as filled
 *   pending    rejected    record_refusal: a proven refusal;
 *                          record_answer, settle_row: the order ended dead
 *   pending    failed      record_no_answer: no connection was made
 *   pending    unknown     reconcile_unknown: the broker has no such order
 *   submitted  filled      settle_row (refresh)
 *   submitted  rejected    settle_row (refresh): cancelled or rejected
 *   unknown    failed      a human who checked the account: not there
 *   unknown    submitted,  a human who found the order
 *              filled, rejected
 *
 * New rows: 'pending' (journal_insert, before sending), 'skipped'
 * (skip_pick; trades.h for virtual ones), 'unknown' (broker_check: an
 * unclaimed order at the broker), 'booked' (a virtual trade).
 */
enum trade_status {
	TRADE_PENDING, TRADE_SUBMITTED, TRADE_FILLED, TRADE_REJECTED,
	TRADE_FAILED, TRADE_SKIPPED, TRADE_UNKNOWN, TRADE_BOOKED,
	TRADE_NSTATUS
};

/* "pending", ...; NULL out of range. */
const char *trade_status_name(enum trade_status s);

/* The status named s: 0, or -1 when s names none. */
int trade_status_parse(const char *s, enum trade_status *out);

/* Whether an UPDATE may move a row from `from` to `to` (the table above;
 * staying in the same state is always allowed). */
int trade_status_may_move(enum trade_status from, enum trade_status to);

/* Whether a real row in state s may stand for an order at the broker: its
 * pick is never sent again. */
int trade_status_holds(enum trade_status s);

/* ---- Arithmetic (pure). */

/*
 * q truncated to `decimals` decimals (0..8), never rounded up; a value a
 * hair below a decimal step because of binary floating point (2.9 stored
 * as 2.8999999999999999) counts as on the step.  Negative, NaN or
 * infinite q gives 0.
 */
double orders_truncate(double q, int decimals);

/* The next decimals to try after a quantity refusal at `decimals`: 4 -> 2
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

/* What `shares` cost at quote q, in EUR cents rounded up (money_up);
 * MONEY_INVALID when q has no usable price. */
money_cents orders_value(double shares, const struct orders_quote *q);

/*
 * The largest quantity at `decimals` decimals whose orders_value() is at
 * most amount (EUR cents): orders_quantity() first, then one step down
 * while rounding up still passes the amount.  0 when nothing fits.
 */
double orders_size(money_cents amount, const struct orders_quote *q,
    int decimals);

/*
 * Build a quote from a price in `quoted` currency and the conversion
 * rates known (each NAN when unknown), in this order of preference:
 * fx_major = units of the major currency per EUR (Yahoo's EURGBP=X close,
 * times 100 for pence); eur_rate = units of the quoted currency per EUR
 * (85 for GBp when EURGBP is 0.85); price / price_eur.  EUR needs none.
 * Returns 0, or -1 with the reason in why.
 */
int orders_make_quote(double price, const char *quoted, double fx_major,
    double eur_rate, double price_eur, struct orders_quote *q, char *why,
    size_t whysz);

/*
 * The decision day's price of a Yahoo symbol from market_data (status
 * 'ok', price > 0), for the record: NAN when there is none.
 */
double orders_decision_price(sqlite3 *db, const char *date,
    const char *symbol);

/* ---- What a send's outcome proves (pure). */

enum order_outcome {
	ORDER_TAKEN,		/* a 2xx with a readable order */
	ORDER_NOT_SENT,		/* provably never left: no connection */
	ORDER_REFUSED,		/* the broker refused it: it does not exist */
	ORDER_QTY_REFUSED,	/* refused for its quantity: fewer decimals */
	ORDER_UNCLEAR		/* it may exist: settle by reconciliation */
};

/*
 * The outcome of t212_market_order(): rc is its return, status, attempts
 * and connected the request's (http.h), body its answer (may be NULL).
 * A refusal is 400 with an error body (either of the broker's shapes),
 * 401, 403, 404 or 422; every other answer, and every failure once a
 * connection was made, is ORDER_UNCLEAR.
 */
enum order_outcome orders_outcome(int rc, long status, int attempts,
    int connected, const char *body);

/* ---- Matching the broker's orders (pure). */

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

/*
 * An order in orders[0..n-1] that may be an unrecorded earlier send of
 * this instrument and side: initiated by the API (or not said), created
 * at or after `since`, not claimed.  Its index (the newest), or -1.
 */
long orders_unclaimed(const struct t212_order *orders, size_t n,
    const unsigned char *claimed, const char *broker_ticker, int sell,
    time_t since);

/* ---- The run. */

/*
 * What one run works with.  orders_ctx_init borrows everything; t212 may
 * be NULL in a dry run without a key (nothing is then asked of the
 * broker).  The broker's open orders and history are fetched at most once
 * per run and shared by reconcile, refresh and the check before sending
 * (their rate limits are 1 per 5 s and 6 per minute).
 */
struct orders_ctx {
	sqlite3 *db;
	struct t212_client *t212;
	const struct universe *universe;
	const char *date;		/* the run's day, "YYYY-MM-DD" */
	time_t day_start;		/* its local midnight */
	int dry_run;			/* send nothing, write nothing */
	int force;			/* retry rejected/failed/skipped picks */

	/* Money: the gate of the LLM whose orders are placed, and the
	 * account's currency (units per EUR; NAN when unknown). */
	struct money_gate gate;
	char account_currency[4];	/* "" when unknown */
	double account_per_eur;

	/* Broker state cached for the run: open orders, then the history
	 * since history_since; claimed[i] says a trade names broker[i]. */
	struct t212_order *broker;
	size_t nbroker, nopen;
	unsigned char *claimed;
	int have_broker;
	time_t history_since;
	time_t check_since;		/* orders since then may be a lost send */
};

/* Returns 0, or TB_EDATA when date is not a date. */
int orders_ctx_init(struct orders_ctx *ctx, sqlite3 *db,
    struct t212_client *t212, const struct universe *u, const char *date,
    int dry_run, int force, tb_err *e);
void orders_ctx_free(struct orders_ctx *ctx);

/*
 * Set the gate for llm_name's real buys on ctx->date: budget_eur, what
 * that LLM's rows of the day may already hold at the broker, and the
 * account's cash (in `currency`, per_eur of it to a EUR; cash NAN when
 * unknown, which turns the cash check off).  TB_EINTERNAL on a database
 * error.
 */
int orders_gate_load(struct orders_ctx *ctx, const char *llm_name,
    double budget_eur, const char *currency, double per_eur, double cash,
    tb_err *e);

/* How many journal rows need the broker: 'pending' and 'submitted'. */
int orders_count_open(sqlite3 *db, long *pending, long *submitted,
    tb_err *e);

/*
 * Read the broker's open orders and its history back to the earliest of
 * the day's start and the oldest pending or submitted row (less the clock
 * skew), once per run.  TB_EUNAVAIL when they cannot be read: then no
 * order may be sent.
 */
int orders_broker_load(struct orders_ctx *ctx, tb_err *e);

/* A pending row the broker has no order for (orders_reconcile). */
struct orders_unknown {
	long long trade_id;
	char ticker[SYMBOLS_MAX];
	char broker_ticker[SYMBOLS_MAX];
	double quantity;
};

struct orders_reconciled {
	long matched;
	long unknown;
	struct orders_unknown *trades;	/* unknown ones; caller frees */
	size_t ntrades;
};

/*
 * Reconcile every 'pending' real row (of any date) with the broker into
 * *out.  In a dry run the outcome is reported but not written.
 * TB_EUNAVAIL when the broker's orders cannot be read (then no new order
 * may be sent).
 */
int orders_reconcile(struct orders_ctx *ctx, struct orders_reconciled *out,
    tb_err *e);

struct orders_refreshed {
	long filled, rejected, still_open;
	long fills;			/* filled rows whose fill was read again */
};

/*
 * Refresh every 'submitted' real row (of any date), and the fill of every
 * 'filled' one whose fill is not final yet (journal.h).  Not in a dry
 * run.
 */
int orders_refresh(struct orders_ctx *ctx, struct orders_refreshed *out,
    tb_err *e);

/* The outcome of one place_*_order call, for the summary. */
struct order_result {
	const char *status;		/* the row's status: "submitted",
					 * "rejected", "failed", "pending",
					 * "skipped", "unknown"; or
					 * "would_send" (dry run),
					 * "not_repeated" (an earlier row
					 * stands) */
	long long trade_id;		/* the row written or found; 0 none */
	char broker_ticker[SYMBOLS_MAX];
	double quantity;		/* shares sent or to send */
	int decimals;			/* decimals of quantity as sent */
	char broker_order_id[32];
	double price;			/* the price used, in currency; NAN */
	char currency[4];		/* "" when none */
	double decision_price;		/* the decision day's; NAN */
	money_cents value;		/* quantity at the price used, EUR
					 * cents; MONEY_INVALID when unknown */
	char reason[512];		/* why not sent / refused; "" if none */
};

/*
 * The rules for an earlier row of the same pick (the top of this file),
 * without sending anything: 0 with *res filled and res->status
 * "not_repeated" (the reason says why) when the pick must not go now, 0
 * with res->status NULL when it may; TB_EINTERNAL.
 */
int orders_earlier(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, int sell, struct order_result *res, tb_err *e);

/*
 * Buy amount_eur of a Yahoo symbol for llm_name (that day's main trader)
 * on ctx->date at quote `now` (market_fetch_now's; NULL when none was
 * fetched): resolve the Trading 212 ticker, apply the rules above,
 * journal and send.  pick_id (0: none) is recorded.  *res is always
 * filled.  Returns 0 when the pick is settled for this run, whatever its
 * status (a refusal or a skip is not an error of the run); TB_EUNAVAIL,
 * TB_ECONFIG, TB_EINTERNAL as at the top.
 */
int place_buy_order(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id,
    const struct market_quote *now, struct order_result *res, tb_err *e);

/*
 * Sell `quantity` shares (truncated to 4 decimals) of a Yahoo symbol for
 * llm_name: the same journal, rules, broker check and quantity retries as
 * a buy, sent as a negative quantity; `now` (may be NULL) only values it.
 */
int place_sell_order(struct orders_ctx *ctx, const char *llm_name,
    const char *ticker, double quantity, const struct market_quote *now,
    struct order_result *res, tb_err *e);

#endif
