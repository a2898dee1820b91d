/*
 * test_price.c - the plausibility rule for prices (price.h): what a
 * price feed gets wrong on its bad days is refused, naming both numbers,
 * and ordinary moves pass.
 */
#include "price.h"
#include "unit.h"

#include <math.h>
#include <string.h>

int
main(void)
{
	static const struct {
		double price, reference;
		enum price_verdict want;
		const char *what;
	} cases[] = {
		{ 2706.31, 2706.29, PRICE_OK, "a quiet day" },
		{ 2706.29 * 1.25, 2706.29, PRICE_OK, "+25 % exactly" },
		{ 2706.29 * 0.75, 2706.29, PRICE_OK, "-25 % exactly" },
		{ 2706.29 * 1.251, 2706.29, PRICE_JUMP, "+25.1 %" },
		{ 2706.29 * 1.40, 2706.29, PRICE_JUMP, "+40 %" },
		{ 2706.29 * 0.5, 2706.29, PRICE_JUMP, "-50 %" },
		{ 27.0629, 2706.29, PRICE_UNIT_SLIP,
		    "pounds under a pence label" },
		{ 270629, 2706.29, PRICE_UNIT_SLIP, "pence for pounds" },
		{ 2706.29 / 60, 2706.29, PRICE_UNIT_SLIP, "1/60: near 1/100" },
		{ 2706.29 * 150, 2706.29, PRICE_UNIT_SLIP, "150: near 100" },
		{ 0.0001, 2706.29, PRICE_JUMP, "0.0001" },
		{ 2706.29 * 1000, 2706.29, PRICE_JUMP, "a factor of 1000" },
		{ 0, 2706.29, PRICE_INVALID, "zero" },
		{ -1, 2706.29, PRICE_INVALID, "negative" },
		{ NAN, 2706.29, PRICE_INVALID, "NaN" },
		{ INFINITY, 2706.29, PRICE_INVALID, "infinite" },
		{ 100, NAN, PRICE_NO_REFERENCE, "no previous close" },
		{ 100, 0, PRICE_NO_REFERENCE, "a zero previous close" },
	};
	char why[300];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		why[0] = 'x';
		CHECK(price_check(cases[i].price, cases[i].reference, "GBp",
		    why, sizeof why) == cases[i].want && (cases[i].want ==
		    PRICE_OK ? why[0] == '\0' : strncmp(why,
		    "implausible price: ", 19) == 0), "%s", cases[i].what);
	}
	price_check(27.0629, 2706.29, "GBp", why, sizeof why);
	CHECK(strstr(why, "27.0629 GBp") != NULL && strstr(why, "2706.29 GBp")
	    != NULL && strstr(why, "unit slip") != NULL,
	    "the slip reason names both numbers: %s", why);
	price_check(140, 100, "USD", why, sizeof why);
	CHECK(strstr(why, "140 USD") != NULL && strstr(why, "100 USD") !=
	    NULL && strstr(why, "+40.0 %") != NULL,
	    "the jump reason names both numbers and the move: %s", why);
	price_check(0.0001, 2706.29, NULL, why, sizeof why);
	CHECK(strstr(why, "0.0001 against") != NULL, "no currency: bare "
	    "numbers: %s", why);
	return unit_done();
}
