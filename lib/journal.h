/*
 * journal.h - the order journal: the real trades' rows (trades, kind
 * 'real') and what the broker says of them.  orders.h places orders on
 * top of it and states the rules (the top of orders.h); this module
 * keeps the rows, the run's view of the broker's orders (read once per
 * run), reconciliation, refresh, the check for an unclaimed order, and
 * the day's money so far (the gate, money.h).
 *
 * Every function writes with the real wall clock (time(NULL), never
 * TB_NOW) and commits before it returns: a row must be on disk before the
 * order it names may leave.  Status moves follow trade.h's table (the
 * database refuses any other).
 */
#ifndef TB_JOURNAL_H
#define TB_JOURNAL_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "err.h"
#include "money.h"
#include "price.h"
#include "symbols.h"
#include "t212.h"
#include "trade.h"

#define JOURNAL_CLOCK_SKEW_S	120	/* broker clock may be this far behind */
#define JOURNAL_QTY_EPSILON	1e-9	/* quantities this close are equal */
/* History pages read per run, at most: 6 is the endpoint's limit per
 * minute (no waiting) and 300 orders, months of this program's orders. */
#define JOURNAL_HISTORY_PAGES	6

/* ---- Matching the broker's orders (pure). */

/* A journal row waiting to be matched with a broker order. */
struct journal_pending {
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
long journal_match(const struct journal_pending *row,
    const struct t212_order *orders, size_t n, const unsigned char *claimed);

/*
 * An order in orders[0..n-1] that may be an unrecorded earlier send of
 * this instrument and side: initiated by the API (or not said), created
 * at or after `since`, not claimed.  Its index (the newest), or -1.
 */
long journal_unclaimed(const struct t212_order *orders, size_t n,
    const unsigned char *claimed, const char *broker_ticker, int sell,
    time_t since);

/* ---- The run. */

/*
 * What one run works with.  journal_ctx_init borrows everything; t212 may
 * be NULL in a dry run without a key (nothing is then asked of the
 * broker).  The broker's open orders and history are fetched at most once
 * per run and shared by reconcile, refresh and the check before sending
 * (their rate limits are 1 per 5 s and 6 per minute).
 */
struct journal_ctx {
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
int journal_ctx_init(struct journal_ctx *ctx, sqlite3 *db,
    struct t212_client *t212, const struct universe *u, const char *date,
    int dry_run, int force, tb_err *e);
void journal_ctx_free(struct journal_ctx *ctx);

/*
 * Set the gate for llm_name's real buys on ctx->date: budget_eur, what
 * that LLM's rows of the day may already hold at the broker, and the
 * account's cash (in `currency`, per_eur of it to a EUR; cash NAN when
 * unknown, which turns the cash check off).  TB_EINTERNAL on a database
 * error.
 */
int journal_gate_load(struct journal_ctx *ctx, const char *llm_name,
    double budget_eur, const char *currency, double per_eur, double cash,
    tb_err *e);

/*
 * Read the broker's open orders and its history back to the earliest of
 * the day's start and the oldest pending or submitted row (less the clock
 * skew), once per run.  TB_EUNAVAIL when they cannot be read: then no
 * order may be sent.
 */
int journal_broker_load(struct journal_ctx *ctx, tb_err *e);

/* A pending row the broker has no order for (journal_reconcile). */
struct journal_unknown {
	long long trade_id;
	char ticker[SYMBOLS_MAX];
	char broker_ticker[SYMBOLS_MAX];
	double quantity;
};

struct journal_reconciled {
	long matched;
	long unknown;
	struct journal_unknown *trades;	/* unknown ones; caller frees */
	size_t ntrades;
};

/*
 * Reconcile every 'pending' real row (of any date) with the broker into
 * *out.  In a dry run the outcome is reported but not written.
 * TB_EUNAVAIL when the broker's orders cannot be read (then no new order
 * may be sent).
 */
int journal_reconcile(struct journal_ctx *ctx, struct journal_reconciled *out,
    tb_err *e);

struct journal_refreshed {
	long filled, rejected, still_open;
	long fills;			/* filled rows whose fill was read again */
};

/*
 * Refresh every 'submitted' real row (of any date), and the fill of every
 * 'filled' one whose fill is not final yet (journal.h).  Not in a dry
 * run.
 */
int journal_refresh(struct journal_ctx *ctx, struct journal_refreshed *out,
    tb_err *e);


/*
 * Fills.  A filled row keeps the broker's fill (t212.h: price, quantity,
 * wallet impact in the account's currency, FX rate, fees and taxes) in
 * its fill_* columns, and what it moved in EUR cents in cash_cents (a
 * buy's cost, value + fees, rounded up; a sell's proceeds, value - fees,
 * rounded down) and fees_cents (rounded up).  An account not in EUR is
 * converted with the EUR<CUR>=X close of the trade's day (market_data,
 * else the newest mark on or before it).  The fill is final (fill_final)
 * once that is known; until then every journal_refresh() reads it again,
 * for rows sent in the last JOURNAL_FILL_DAYS days.
 */
#define JOURNAL_FILL_DAYS	7

/*
 * The journal's lock, $TB_HOME/locks/orders.lock: every program that
 * reconciles, refreshes or sends orders (tb-execute, tb-sell, tb-report
 * --refresh) holds it for its whole run, so that one never takes another
 * one's order in flight for a lost one.  lock.h's rules; TB_ELOCKED when
 * another program holds it.
 */
int journal_lock(const char *home, int *fd, tb_err *e);

/* What is known of a new row. */
struct journal_new {
	const char *llm_name;
	const char *ticker;
	const char *broker_ticker;	/* NULL when unresolved */
	int sell;
	double amount_eur;		/* NAN: NULL */
	double quantity;		/* NAN: NULL */
	const struct price_quote *quote;	/* NULL: no price */
	money_cents value;		/* MONEY_INVALID: NULL */
	double decision_price;		/* NAN: NULL */
	const char *price_source;	/* NULL when no price */
	const char *quoted_at;		/* ISO-8601 UTC; NULL */
	enum trade_status status;
	const char *broker_order_id;	/* NULL */
	const char *error;		/* NULL */
	int sent;			/* sent_at = now */
	long long pick_id;		/* 0: none */
};

/* Insert a row in its own committed transaction; *id gets its id. */
int journal_insert(struct journal_ctx *ctx, const struct journal_new *r,
    long long *id, tb_err *e);

/* Set a row's status (and its broker id and error when not NULL). */
int journal_set(struct journal_ctx *ctx, long long id, enum trade_status s,
    const char *broker_id, const char *error, tb_err *e);

/* A quantity retry: the same row, 'pending' with a new quantity, value
 * and sent_at, and why the last one was refused. */
int journal_retry(struct journal_ctx *ctx, long long id, double quantity,
    money_cents value, const char *error, tb_err *e);

#endif
