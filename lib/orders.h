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
 * journal_reconcile() runs first in every run: it matches each 'pending'
 * row against the broker's open orders and order history (initiatedFrom
 * API when reported, same ticker, same side, quantity within 1e-9, created
 * no earlier than sent_at - JOURNAL_CLOCK_SKEW_S, an order id no other
 * trade has).  A match becomes 'submitted', 'filled' or 'rejected' with
 * the broker's id; no match becomes 'unknown', is logged as an ERROR and
 * is never sent again.  journal_refresh() then moves 'submitted' rows to
 * 'filled' (fill price, filled quantity, amount_eur = the filled value in
 * EUR, and the broker's fill: journal.h) or 'rejected' (cancelled or
 * rejected by the broker), and reads again the fills not final yet.
 *
 * Before each new order the broker is asked too (journal_broker_load, the
 * same reads): an API order for that instrument and side, created since
 * the day began (or since the day's first send, if earlier), that no
 * trade row names means an earlier run's answer or rows were lost (an
 * emptied or restored tb.db): nothing is sent, and the pick's row is
 * written 'unknown' naming the broker's order.
 *
 * When a pick is executed again (same llm_name, date, ticker, side, kind
 * real): a row in a state that may hold an order at the broker
 * (trade_status_holds, trade.h: 'pending', 'submitted', 'filled',
 * 'unknown')
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
#include "journal.h"
#include "symbols.h"
#include "t212.h"

#define ORDERS_DECIMALS		4	/* first try: 4 decimals */
#define ORDERS_MIN_EUR		1.0	/* smallest order worth sending */

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
 * Shares for amount_eur at quote q: amount_eur * per_eur / price,
 * truncated to decimals.  0 when any input is not a positive finite
 * number.
 */
double orders_quantity(double amount_eur, const struct price_quote *q,
    int decimals);

/* What `shares` cost at quote q, in EUR cents rounded up (money_up);
 * MONEY_INVALID when q has no usable price. */
money_cents orders_value(double shares, const struct price_quote *q);

/*
 * The largest quantity at `decimals` decimals whose orders_value() is at
 * most amount (EUR cents): orders_quantity() first, then one step down
 * while rounding up still passes the amount.  0 when nothing fits.
 */
double orders_size(money_cents amount, const struct price_quote *q,
    int decimals);

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
int orders_earlier(struct journal_ctx *ctx, const char *llm_name,
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
int place_buy_order(struct journal_ctx *ctx, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id,
    const struct market_quote *now, struct order_result *res, tb_err *e);

/*
 * Sell `quantity` shares (truncated to 4 decimals) of a Yahoo symbol for
 * llm_name: the same journal, rules, broker check and quantity retries as
 * a buy, sent as a negative quantity; `now` (may be NULL) only values it.
 */
int place_sell_order(struct journal_ctx *ctx, const char *llm_name,
    const char *ticker, double quantity, const struct market_quote *now,
    struct order_result *res, tb_err *e);

#endif
