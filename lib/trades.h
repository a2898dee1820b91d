/*
 * trades.h - virtual trades: the non-main LLM's picks, booked at the
 * day's market price so the two LLMs can be compared fairly.
 *
 * A virtual trade is a `trades` row with kind 'virtual', llm_name = the
 * day's virtual trader, status 'booked', sized exactly as a real order
 * is (orders_size): from a quote fetched by the run that books it
 * (market_fetch_now: plausible, or refused), the largest quantity at 4
 * decimals whose value, rounded up to the cent, is within amount_eur;
 * price and currency as quoted (GBp as GBX), price_eur, value_cents, and
 * amount_eur = that value (what was actually "bought").  The decision
 * day's price is kept in decision_price.  Without a usable price (none,
 * or implausible), or when the quantity truncates to 0, the pick is
 * booked as 'skipped' with the reason in error: the caller warns.
 *
 * Idempotency: a pick with a virtual row (any status) is not booked again
 * unless force, which replaces its rows in one transaction (no double
 * counting).  dry_run computes everything and writes nothing.
 */
#ifndef TB_TRADES_H
#define TB_TRADES_H

#include <sqlite3.h>

#include "err.h"
#include "market.h"

/* Shares of a virtual trade: amount_eur / price_eur truncated to 4 decimals. */
double trades_virtual_quantity(double amount_eur, double price_eur);

struct virtual_result {
	const char *status;		/* "booked", "skipped", "not_repeated",
					 * or "would_book" (dry run) */
	long long trade_id;		/* row written or found; 0 none */
	double quantity;
	double price;			/* as quoted; NAN when none */
	char currency[4];		/* "" when none */
	double price_eur;		/* NAN when none */
	double amount_eur;		/* quantity * price_eur; 0 if skipped */
	double decision_price;		/* the decision day's; NAN */
	char reason[512];		/* why skipped / not repeated */
};

/*
 * Whether the pick already has a virtual row that stands (any, unless
 * force): 0 with *res filled and res->status "not_repeated", 0 with
 * res->status NULL when it may be booked; TB_EINTERNAL.
 */
int trades_virtual_earlier(sqlite3 *db, const char *date,
    const char *llm_name, const char *ticker, int force,
    struct virtual_result *res, tb_err *e);

/*
 * Book one virtual pick of llm_name on date at quote `now` (NULL: none
 * was fetched).  *res is always filled.  Returns 0 (booked or skipped
 * alike) or TB_EINTERNAL on a database error.
 */
int trades_book_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id,
    const struct market_quote *now, int force, int dry_run,
    struct virtual_result *res, tb_err *e);

#endif
