/*
 * trades.h - virtual trades: the non-main LLM's picks, booked at the
 * day's market price so the two LLMs can be compared fairly, and virtual
 * sells (tb-sell).
 *
 * A virtual trade is a `trades` row with kind 'virtual', status 'booked',
 * sized exactly as a real order is (orders_size): from a quote fetched by
 * the run that books it (market_fetch_now: plausible, or refused), the
 * largest quantity at 4 decimals whose value, rounded up to the cent, is
 * within amount_eur; price and currency as quoted (GBp as GBX),
 * price_eur, value_cents, and amount_eur = that value (what was actually
 * "bought").  The decision day's price is kept in decision_price.
 * Without a usable price (none, or implausible), or when the quantity
 * truncates to 0, the pick is booked as 'skipped' with the reason in
 * error: the caller warns.
 *
 * Equal terms: a virtual trade pays what a real one would.  Trading 212
 * charges its FX fee, virtual_fx_fee_pct of the value, when the
 * instrument's currency (the major one: GBP for GBp) is not the
 * account's; trades_virtual_fee() is that model, in EUR cents rounded up
 * (a cost).  fees_cents holds it and cash_cents what the trade moved: a
 * buy's value_cents + fees, a sell's proceeds (its value rounded down)
 * - fees.  The account's currency is the one tb-execute read, else the
 * last one the broker reported (trades_account_currency).
 *
 * A virtual sell books `quantity` shares (truncated to 4 decimals) at a
 * fresh plausible quote; it never sells more than the caller checked the
 * LLM holds (sell.h).
 *
 * Idempotency: a pick with a virtual row of its side (any status) is not
 * booked again unless force, which replaces its rows of that side in one
 * transaction (no double counting).  dry_run computes everything and
 * writes nothing.
 */
#ifndef TB_TRADES_H
#define TB_TRADES_H

#include <sqlite3.h>

#include "err.h"
#include "market.h"
#include "money.h"

/* Shares of a virtual trade: amount_eur / price_eur truncated to 4 decimals. */
double trades_virtual_quantity(double amount_eur, double price_eur);

/*
 * The fee of a virtual trade worth value_eur of an instrument quoted in
 * `quoted` ("GBp", "USD") for an account in `account` ("EUR"): EUR cents
 * of fee_pct % of the value, rounded up, when their major currencies
 * differ; 0 when they agree; MONEY_INVALID for a value or percentage that
 * is not a finite number >= 0 or a currency that is not one.
 */
money_cents trades_virtual_fee(double value_eur, const char *quoted,
    const char *account, double fee_pct);

/*
 * The account's currency as last known into cur: the wallet currency of
 * the newest real fill, else the account tb-execute last read, else
 * "EUR".  Returns 0, or TB_EINTERNAL on a database error.
 */
int trades_account_currency(sqlite3 *db, char cur[4], tb_err *e);

struct virtual_result {
	const char *status;		/* "booked", "skipped", "not_repeated",
					 * or "would_book" (dry run) */
	long long trade_id;		/* row written or found; 0 none */
	double quantity;
	double price;			/* as quoted; NAN when none */
	char currency[4];		/* "" when none */
	double price_eur;		/* NAN when none */
	double amount_eur;		/* quantity * price_eur; 0 if skipped */
	money_cents fees;		/* the fee model's, EUR cents; 0 */
	money_cents cash;		/* paid (buy) or received (sell), fees
					 * included; MONEY_INVALID if skipped */
	double decision_price;		/* the decision day's; NAN */
	char reason[512];		/* why skipped / not repeated */
};

/* One virtual trade to book. */
struct virtual_book {
	const char *date;		/* "YYYY-MM-DD" */
	const char *llm_name;
	const char *ticker;		/* Yahoo symbol */
	int sell;
	double amount_eur;		/* a buy: the pick's amount */
	double quantity;		/* a sell: the shares */
	long long pick_id;		/* 0: none */
	const struct market_quote *now;	/* NULL: none was fetched */
	const char *account_currency;	/* for the fee model */
	double fx_fee_pct;		/* virtual_fx_fee_pct */
	int force, dry_run;
};

/*
 * Whether the trade already has a virtual row of that side that stands
 * (any, unless force): 0 with *res filled and res->status "not_repeated",
 * 0 with res->status NULL when it may be booked; TB_EINTERNAL.
 */
int trades_virtual_earlier(sqlite3 *db, const char *date,
    const char *llm_name, const char *ticker, int sell, int force,
    struct virtual_result *res, tb_err *e);

/*
 * Book one virtual trade.  *res is always filled.  Returns 0 (booked or
 * skipped alike) or TB_EINTERNAL on a database error.
 */
int trades_book_virtual(sqlite3 *db, const struct virtual_book *b,
    struct virtual_result *res, tb_err *e);

#endif
