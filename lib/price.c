/*
 * price.c - the plausibility rule for prices.  See price.h.
 */
#include "price.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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

int
price_currency(const char *quoted, char norm[4], char major[4],
    double *minor)
{
	static const struct {
		const char *quoted, *norm, *major;
	} minors[] = {
		{ "GBp", "GBX", "GBP" }, { "GBX", "GBX", "GBP" },
		{ "GBx", "GBX", "GBP" }, { "ZAc", "ZAC", "ZAR" },
		{ "ZAC", "ZAC", "ZAR" }, { "ILA", "ILA", "ILS" }
	};
	size_t i;

	if (quoted == NULL || strlen(quoted) != 3)
		return -1;
	for (i = 0; i < 3; i++)
		if (!isalpha((unsigned char)quoted[i]))
			return -1;
	/* Case matters: GBp is pence, GBP is pounds. */
	for (i = 0; i < sizeof minors / sizeof minors[0]; i++)
		if (strcmp(quoted, minors[i].quoted) == 0) {
			memcpy(norm, minors[i].norm, 4);
			memcpy(major, minors[i].major, 4);
			*minor = 100;
			return 0;
		}
	for (i = 0; i < 3; i++)
		norm[i] = major[i] = (char)toupper((unsigned char)quoted[i]);
	norm[3] = major[3] = '\0';
	*minor = 1;
	return 0;
}

int
price_quote_make(double price, const char *quoted, double fx_major,
    double eur_rate, double price_eur, struct price_quote *q, char *why,
    size_t whysz)
{
	char major[4];
	double minor;

	memset(q, 0, sizeof *q);
	if (!isfinite(price) || price <= 0) {
		snprintf(why, whysz, "no market price");
		return -1;
	}
	if (price_currency(quoted, q->currency, major, &minor) != 0) {
		snprintf(why, whysz, "unknown price currency \"%s\"",
		    quoted != NULL ? quoted : "");
		return -1;
	}
	q->price = price;
	if (strcmp(major, "EUR") == 0)
		q->per_eur = minor;
	else if (isfinite(fx_major) && fx_major > 0)
		q->per_eur = fx_major * minor;
	else if (isfinite(eur_rate) && eur_rate > 0)
		q->per_eur = eur_rate;
	else if (isfinite(price_eur) && price_eur > 0)
		q->per_eur = price / price_eur;
	else {
		snprintf(why, whysz, "no EUR%s exchange rate", major);
		return -1;
	}
	q->price_eur = price / q->per_eur;
	return 0;
}
