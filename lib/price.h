/*
 * price.h - whether a quoted price can be used for money.
 *
 * A price feed is wrong now and then in documented ways: Yahoo sends the
 * newest price of a London stock in pounds under its pence label (GBp),
 * a glitch sends 0.0001, a stale quote lags a day that moved.  A price is
 * used to size an order, book a virtual trade or value a position only
 * after price_check() accepted it against the same instrument's previous
 * close (the newest close of a day before the price's day):
 *
 *   - it must be a finite number > 0, and so must the reference;
 *   - within a factor PRICE_SLIP_LOW..PRICE_SLIP_HIGH of 100 or of 1/100
 *     of the reference, it is a unit slip (pounds for pence, or the
 *     reverse);
 *   - otherwise more than PRICE_MAX_MOVE (25 %) away from the reference
 *     is a jump no market order should chase.
 *
 * Anything refused is skipped with reason "implausible price: ..."
 * naming both numbers; nothing here guesses a repair.
 */
#ifndef TB_PRICE_H
#define TB_PRICE_H

#include <stddef.h>

#define PRICE_MAX_MOVE	0.25	/* largest accepted move from the close */
#define PRICE_SLIP_LOW	50.0	/* a ratio from 50 to 200 is "near 100" */
#define PRICE_SLIP_HIGH	200.0

enum price_verdict {
	PRICE_OK,
	PRICE_INVALID,		/* not a finite number > 0 */
	PRICE_NO_REFERENCE,	/* no previous close to compare with */
	PRICE_UNIT_SLIP,	/* about 100 or 1/100 times the close */
	PRICE_JUMP		/* more than PRICE_MAX_MOVE from the close */
};

/*
 * Check price against reference (the previous close, same unit as
 * quoted).  On anything but PRICE_OK, why gets "implausible price: 27.06
 * GBp against a previous close of 2706.29 GBp (about 1/100: a unit
 * slip)"; currency may be NULL or "".  Returns the verdict.
 */
enum price_verdict price_check(double price, double reference,
    const char *currency, char *why, size_t whysz);

/* ---- A price and how EUR converts into its currency. */

/*
 * A quoted currency in upper case, minor units made explicit:
 * "GBp", "GBX" and "GBx" -> "GBX" with *minor = 100 (pence per pound);
 * "ZAc" -> "ZAC" and "ILA" -> "ILA" likewise; "USD" -> "USD", *minor 1.
 * *major (4 bytes) gets the major currency ("GBP" for GBX).  Returns 0,
 * or -1 when quoted is not a 3-letter code.
 */
int price_currency(const char *quoted, char norm[4], char major[4],
    double *minor);

/* A last price and how to convert EUR into its currency. */
struct price_quote {
	double price;		/* last price per share, in currency */
	char currency[4];	/* normalised, "GBX" for pence */
	double per_eur;		/* units of currency per EUR (pence for GBX) */
	double price_eur;	/* price / per_eur */
};

/*
 * Build a quote from a price in `quoted` currency and the conversion
 * rates known (each NAN when unknown), in this order of preference:
 * fx_major = units of the major currency per EUR (Yahoo's EURGBP=X close,
 * times 100 for pence); eur_rate = units of the quoted currency per EUR
 * (85 for GBp when EURGBP is 0.85); price / price_eur.  EUR needs none.
 * Returns 0, or -1 with the reason in why.
 */
int price_quote_make(double price, const char *quoted, double fx_major,
    double eur_rate, double price_eur, struct price_quote *q, char *why,
    size_t whysz);

#endif
