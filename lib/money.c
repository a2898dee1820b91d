/*
 * money.c - integer cents and the order gate.  See money.h.
 */
#include "money.h"

#include <math.h>
#include <stdio.h>

static int
valid_eur(double eur)
{
	return isfinite(eur) && eur >= 0 && eur <= MONEY_MAX_EUR;
}

money_cents
money_down(double eur)
{
	if (!valid_eur(eur))
		return MONEY_INVALID;
	return (money_cents)floor(eur * 100 + MONEY_NOISE_CENTS);
}

money_cents
money_up(double eur)
{
	double c;

	if (!valid_eur(eur))
		return MONEY_INVALID;
	c = ceil(eur * 100 - MONEY_NOISE_CENTS);
	return c < 0 ? 0 : (money_cents)c;
}

double
money_major(money_cents c)
{
	return (double)c / 100.0;
}

int
money_fits(const double *amounts, size_t n, double budget,
    money_cents *total)
{
	money_cents sum = 0, c, limit = money_down(budget);
	size_t i;
	int bad = limit == MONEY_INVALID;

	for (i = 0; i < n; i++) {
		if ((c = money_down(amounts[i])) == MONEY_INVALID)
			bad = 1;
		else
			sum += c;
	}
	if (total != NULL)
		*total = sum;
	return bad || sum > limit ? -1 : 0;
}

enum money_verdict
money_gate_check(const struct money_gate *g, money_cents pick,
    money_cents value, money_cents value_account)
{
	if (pick < 0 || value < 0 || g->budget < 0 || g->spent < 0)
		return MONEY_BAD;
	if (value > pick)
		return MONEY_OVER_PICK;
	if (g->spent > g->budget || value > g->budget - g->spent)
		return MONEY_OVER_BUDGET;
	if (g->cash >= 0) {
		if (value_account < 0)
			return MONEY_BAD;
		if (value_account > g->cash)
			return MONEY_OVER_CASH;
	}
	return MONEY_OK;
}

void
money_gate_take(struct money_gate *g, money_cents value,
    money_cents value_account)
{
	if (value > 0)
		g->spent += value;
	if (g->cash >= 0 && value_account > 0)
		g->cash = value_account > g->cash ? 0 : g->cash -
		    value_account;
}

char *
money_gate_explain(const struct money_gate *g, enum money_verdict v,
    money_cents pick, money_cents value, money_cents value_account,
    const char *currency, char *buf, size_t bufsz)
{
	switch (v) {
	case MONEY_OK:
		snprintf(buf, bufsz, "within the pick, the budget and the "
		    "cash");
		break;
	case MONEY_OVER_PICK:
		snprintf(buf, bufsz, "the order is worth %.2f EUR, more than "
		    "the pick's %.2f EUR", money_major(value),
		    money_major(pick));
		break;
	case MONEY_OVER_BUDGET:
		snprintf(buf, bufsz, "over the daily budget: %.2f EUR of "
		    "%.2f EUR already ordered today, this order is %.2f EUR",
		    money_major(g->spent), money_major(g->budget),
		    money_major(value));
		break;
	case MONEY_OVER_CASH:
		snprintf(buf, bufsz, "insufficient cash: the order is %.2f "
		    "%s, the account has %.2f %s left", money_major(
		    value_account), currency, money_major(g->cash), currency);
		break;
	default:
		snprintf(buf, bufsz, "an amount is not a valid sum of money");
		break;
	}
	return buf;
}
