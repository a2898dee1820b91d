/*
 * journal.h - the order journal's rows (trades, kind 'real'): how
 * orders.c writes them.  Internal to the orders module (orders.h has the
 * rules; journal.c also reconciles and refreshes them).
 *
 * Every function writes with the real wall clock (time(NULL), never
 * TB_NOW) and commits before it returns: a row must be on disk before the
 * order it names may leave.  Status moves follow orders.h's table (the
 * database refuses any other).
 */
#ifndef TB_JOURNAL_H
#define TB_JOURNAL_H

#include "orders.h"

/*
 * Fills.  A filled row keeps the broker's fill (t212.h: price, quantity,
 * wallet impact in the account's currency, FX rate, fees and taxes) in
 * its fill_* columns, and what it moved in EUR cents in cash_cents (a
 * buy's cost, value + fees, rounded up; a sell's proceeds, value - fees,
 * rounded down) and fees_cents (rounded up).  An account not in EUR is
 * converted with the EUR<CUR>=X close of the trade's day (market_data,
 * else the newest mark on or before it).  The fill is final (fill_final)
 * once that is known; until then every orders_refresh() reads it again,
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
	const struct orders_quote *quote;	/* NULL: no price */
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
int journal_insert(struct orders_ctx *ctx, const struct journal_new *r,
    long long *id, tb_err *e);

/* Set a row's status (and its broker id and error when not NULL). */
int journal_set(struct orders_ctx *ctx, long long id, enum trade_status s,
    const char *broker_id, const char *error, tb_err *e);

/* A quantity retry: the same row, 'pending' with a new quantity, value
 * and sent_at, and why the last one was refused. */
int journal_retry(struct orders_ctx *ctx, long long id, double quantity,
    money_cents value, const char *error, tb_err *e);

/* "2026-03-30T15:10:02Z" of the wall clock into buf (21 bytes). */
char *journal_now(char buf[21]);

#endif
