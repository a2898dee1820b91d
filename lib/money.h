/*
 * money.h - money as integer cents, and the one gate every real order
 * passes before it may leave.
 *
 * Rounding says who is protected.  What tb was given or planned (a
 * budget, a pick's amount_eur, the cash the broker reports) is rounded
 * DOWN to the cent: tb never plans with more than it has.  What an order
 * costs (shares x price) is rounded UP: tb never tells itself an order
 * is cheaper than it is.  A value less than MONEY_NOISE_CENTS from a
 * whole cent counts as that cent, since it is binary floating-point noise
 * (0.29 * 100 is 28.999999999999996).
 *
 * The gate.  An order worth `value` (EUR cents, money_up of shares x
 * price in EUR) for a pick of `pick` cents passes money_gate_check() only
 * when all of these hold:
 *
 *   value <= pick                    never more than the pick's amount;
 *   spent + value <= budget          never more than the LLM's daily
 *                                    budget, counting every real buy of
 *                                    that day that may exist at the broker;
 *   value_account <= cash            never more than the account's cash
 *                                    left (in the account's currency),
 *                                    when the cash is known (cash >= 0).
 *
 * money_gate_take() books an order that was sent (or may have been).
 * Amounts above MONEY_MAX_EUR, negative or not finite are refused as
 * invalid: they cannot come from a sane configuration or quote.
 */
#ifndef TB_MONEY_H
#define TB_MONEY_H

#include <stddef.h>

typedef long long money_cents;

#define MONEY_MAX_EUR		1e9	/* cents stay exact in a double */
#define MONEY_NOISE_CENTS	1e-6
#define MONEY_INVALID		(-1LL)

/* eur rounded down / up to whole cents; MONEY_INVALID when eur is not a
 * finite number from 0 to MONEY_MAX_EUR. */
money_cents money_down(double eur);
money_cents money_up(double eur);

/* Cents as EUR (or any currency's major unit), for output. */
double money_major(money_cents c);

/*
 * Whether amounts[0..n-1] (each rounded down to cents, as planned) add up
 * to no more than budget (rounded down).  0 when they fit, -1 when they do
 * not or one of them is invalid.  *total (if not NULL) gets the sum.
 */
int money_fits(const double *amounts, size_t n, double budget,
    money_cents *total);

enum money_verdict {
	MONEY_OK,
	MONEY_OVER_PICK,	/* value > the pick's amount */
	MONEY_OVER_BUDGET,	/* the day's real orders would pass the budget */
	MONEY_OVER_CASH,	/* the account has not that much cash left */
	MONEY_BAD		/* an invalid amount */
};

struct money_gate {
	money_cents budget;	/* the LLM's daily budget, EUR cents */
	money_cents spent;	/* its real buys of the day so far, EUR cents */
	money_cents cash;	/* the account's cash left, in the account
				 * currency's cents; -1 when unknown */
};

/* The gate for one order; see the top of this file. */
enum money_verdict money_gate_check(const struct money_gate *g,
    money_cents pick, money_cents value, money_cents value_account);

/* Count an order that left (or may have) against budget and cash. */
void money_gate_take(struct money_gate *g, money_cents value,
    money_cents value_account);

/*
 * Why the gate said no, with the numbers, into buf: "the order is worth
 * 35.01 EUR, more than the pick's 35.00 EUR".  currency names the
 * account's currency for MONEY_OVER_CASH.  Returns buf.
 */
char *money_gate_explain(const struct money_gate *g, enum money_verdict v,
    money_cents pick, money_cents value, money_cents value_account,
    const char *currency, char *buf, size_t bufsz);

#endif
