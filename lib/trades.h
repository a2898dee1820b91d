/*
 * trades.h - virtual trades: the non-main LLM's picks, booked at the
 * day's market price so the two LLMs can be compared fairly.
 *
 * A virtual trade is a `trades` row with kind 'virtual', llm_name = the
 * day's virtual trader, status 'booked', quantity = amount_eur / the
 * stored price in EUR (market_data.price_eur; else the price converted
 * with the day's FX row, as real orders are sized), truncated to 4
 * decimals like a real order, price and currency as quoted (GBp as GBX),
 * price_eur, and amount_eur = quantity * price_eur (the value actually
 * "bought").  Without a price, or when the quantity truncates to 0, the
 * pick is booked as 'skipped' with the reason in error: the caller warns.
 *
 * Idempotency: a pick with a virtual row (any status) is not booked again
 * unless force, which replaces its rows in one transaction (no double
 * counting).  dry_run computes everything and writes nothing.
 */
#ifndef TB_TRADES_H
#define TB_TRADES_H

#include <sqlite3.h>

#include "err.h"

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
	char reason[256];		/* why skipped / not repeated */
};

/*
 * Book one virtual pick of llm_name on date.  *res is always filled.
 * Returns 0 (booked or skipped alike) or TB_EINTERNAL on a database error.
 */
int trades_book_virtual(sqlite3 *db, const char *date, const char *llm_name,
    const char *ticker, double amount_eur, long long pick_id, int force,
    int dry_run, struct virtual_result *res, tb_err *e);

#endif
