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

#endif
