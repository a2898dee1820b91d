/*
 * price.c - the plausibility rule for prices.  See price.h.
 */
#include "price.h"

#include <math.h>
#include <stdio.h>

static int
positive(double v)
{
	return isfinite(v) && v > 0;
}

enum price_verdict
price_check(double price, double reference, const char *currency, char *why,
    size_t whysz)
{
	const char *cur = currency != NULL && *currency != '\0' ? currency :
	    "";
	const char *sp = *cur != '\0' ? " " : "";
	double ratio;

	if (!positive(price)) {
		snprintf(why, whysz, "implausible price: %g%s%s is not a "
		    "price", price, sp, cur);
		return PRICE_INVALID;
	}
	if (!positive(reference)) {
		snprintf(why, whysz, "implausible price: %.6g%s%s cannot be "
		    "checked, there is no previous close", price, sp, cur);
		return PRICE_NO_REFERENCE;
	}
	ratio = price / reference;
	if ((ratio >= PRICE_SLIP_LOW && ratio <= PRICE_SLIP_HIGH) ||
	    (ratio >= 1 / PRICE_SLIP_HIGH && ratio <= 1 / PRICE_SLIP_LOW)) {
		snprintf(why, whysz, "implausible price: %.6g%s%s against a "
		    "previous close of %.6g%s%s (about %s: a unit slip)",
		    price, sp, cur, reference, sp, cur, ratio > 1 ? "100 times" :
		    "1/100");
		return PRICE_UNIT_SLIP;
	}
	if (fabs(ratio - 1) > PRICE_MAX_MOVE) {
		snprintf(why, whysz, "implausible price: %.6g%s%s against a "
		    "previous close of %.6g%s%s (%+.1f %%, more than %.0f %%)",
		    price, sp, cur, reference, sp, cur, (ratio - 1) * 100,
		    PRICE_MAX_MOVE * 100);
		return PRICE_JUMP;
	}
	why[0] = '\0';
	return PRICE_OK;
}
