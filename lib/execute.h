/*
 * execute.h - tb-execute's step: the day's real orders and virtual trades.
 *
 * execute_day() works in this order, and the order is the safety
 * argument:
 *
 *   1. reconcile the journal's 'pending' orders with the broker before
 *      anything else; when that cannot be done no new real order is sent;
 *   2. refresh 'submitted' orders to 'filled' or 'rejected';
 *   3. plan: the main trader's approved picks that may go (its pipeline
 *      succeeded, a decision was taken, the approved picks total at most
 *      daily_budget_eur, no earlier row of the pick stands: orders.h),
 *      and the virtual trader's picks not booked yet;
 *   4. before the first order: the account (currency, cash available),
 *      then one quote per pick to send or book, and the FX pairs they and
 *      the account need, all fetched now (market_fetch_now: a price that
 *      is not plausible is refused);
 *   5. the real orders, each sized within its pick, through the money
 *      gate (pick, daily budget, cash) and the broker check, 1.2 s apart;
 *      stop at the first sign that the broker is unusable;
 *   6. the virtual bookings, at the same quotes, sized the same way
 *      and paying the same FX fee (trades.h; they need no broker, so a
 *      broker failure does not stop them).
 *
 * The whole run holds the order journal's lock (journal.h), so tb-sell
 * and tb-report --refresh never work the journal at the same time.
 *
 * A dry run asks the broker and the price feed only what it must (reads),
 * sends no order and writes no trade row.
 *
 * Returns 0, or the first failure's code with *e (a database failure
 * wins over any other): TB_EDATA when the approved picks are over the
 * budget, TB_EUNAVAIL when the broker could not be used or a trade of the
 * day is left 'unknown' (a human must check the account), TB_ELOCKED
 * when another program holds the journal's lock, TB_ECONFIG
 * without T212_API_KEY while real orders are due or when the key is
 * refused, TB_EINTERNAL for the database.  *out is filled either way:
 * execute_result_free() it.
 */
#ifndef TB_EXECUTE_H
#define TB_EXECUTE_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "orders.h"
#include "t212.h"
#include "trades.h"

struct execute_input {
	sqlite3 *db;
	const struct tb_config *cfg;
	const char *day;		/* "YYYY-MM-DD" */
	const char *main_trader;	/* the real trader of the day */
	const char *virtual_trader;
	time_t now;			/* TB_NOW or the wall clock */
	int dry_run;
	int force;
};

/* One approved pick of the main trader and what became of it. */
struct execute_order {
	char ticker[SYMBOLS_MAX];
	double amount_eur;		/* the pick's amount */
	struct order_result r;		/* r.status "not_attempted" when an
					 * earlier failure stopped the run */
};

/* One pick of the virtual trader and what became of it. */
struct execute_virtual {
	char ticker[SYMBOLS_MAX];
	struct virtual_result r;
};

struct execute_result {
	struct orders_reconciled reconciled;
	struct orders_refreshed refreshed;
	struct execute_order *orders;	/* the approved main picks */
	size_t norders;
	struct execute_virtual *virt;	/* every virtual pick */
	size_t nvirt;
	char no_real_orders[256];	/* why none could go; "" */
	int have_account;		/* account read before the orders */
	struct t212_account account;
	double budget_account;		/* daily_budget_eur in the account's
					 * currency; NAN when unknown */
	char **warnings;		/* one line each, secrets redacted */
	size_t nwarnings;
	long unknown;			/* trades of the day left 'unknown' */
};

int execute_day(const struct execute_input *in, struct execute_result *out,
    tb_err *e);
void execute_result_free(struct execute_result *out);

#endif
