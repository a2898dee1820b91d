/*
 * test_eodhd.c - the second price source's pure parts: Yahoo symbols as
 * EODHD's, the currency an exchange says alone, and an EOD answer read as
 * a chart with the same derived values as Yahoo's.
 */
#include "eodhd.h"
#include "unit.h"

#include <math.h>
#include <string.h>

static void
test_symbols(void)
{
	static const struct {
		const char *yahoo, *eodhd, *currency;
	} cases[] = {
		{ "AAPL", "AAPL.US", "USD" }, { "BRK-B", "BRK-B.US", "USD" },
		{ "SAP.DE", "SAP.XETRA", "EUR" }, { "SHEL.L", "SHEL.LSE", NULL },
		{ "ASML.AS", "ASML.AS", "EUR" }, { "AIR.PA", "AIR.PA", "EUR" },
		{ "ENI.MI", "ENI.MI", "EUR" }, { "NESN.SW", "NESN.SW", "CHF" },
		{ "EURGBP=X", "EURGBP.FOREX", "GBP" },
		{ "EURUSD=X", "EURUSD.FOREX", "USD" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(eodhd_symbol(cases[i].yahoo, out, sizeof out) == 0 &&
		    strcmp(out, cases[i].eodhd) == 0, "%s is %s on EODHD",
		    cases[i].yahoo, cases[i].eodhd);
		CHECK_STR(eodhd_currency(cases[i].yahoo), cases[i].currency,
		    "%s's prices are in %s", cases[i].yahoo,
		    cases[i].currency ? cases[i].currency : "pence or pounds");
	}
	CHECK(eodhd_symbol("7203.T", out, sizeof out) == -1 &&
	    eodhd_symbol(".DE", out, sizeof out) == -1 &&
	    eodhd_symbol("AAPL", out, 4) == -1,
	    "an unknown exchange, no root, no room: refused");
}

static void
test_parse(void)
{
	static const char body[] =
	    "[{\"date\":\"2026-11-18\",\"open\":1,\"high\":1,\"low\":1,"
	    "\"close\":2700.5,\"adjusted_close\":2700.5,\"volume\":10},"
	    "{\"date\":\"2026-11-19\",\"close\":null,\"volume\":5},"
	    "{\"date\":\"2026-11-20\",\"close\":2710,\"volume\":12},"
	    "{\"date\":\"2026-11-23\",\"close\":2730.25,\"volume\":null}]";
	struct chart c;
	tb_err e;

	CHECK(eodhd_parse(body, strlen(body), "GBp", &c, &e) == 0,
	    "an EOD answer parses");
	CHECK(c.n == 3, "three closes (a null skipped): %zu", c.n);
	CHECK(c.price == 2730.25 && c.prior_close == 2710 &&
	    c.previous_close == 2710, "price the last close, previous the one "
	    "before");
	CHECK_STR(c.currency, "GBp", "the currency given");
	CHECK(c.unit_factor == 0.01, "pence");
	chart_free(&c);
	CHECK(eodhd_parse("{\"error\":\"x\"}", 13, "EUR", &c, &e) ==
	    TB_EDATA, "an object is not an answer");
	CHECK(eodhd_parse("[]", 2, "EUR", &c, &e) == TB_EDATA &&
	    strstr(e.msg, "no usable close") != NULL, "no rows: no close");
	CHECK(eodhd_parse("[{\"date\":\"x\",\"close\":1}]", 25, "EUR", &c,
	    &e) == TB_EDATA, "a bad date: no usable row");
	CHECK(eodhd_parse("<html>", 6, "EUR", &c, &e) == TB_EDATA,
	    "an HTML page");
}

int
main(void)
{
	test_symbols();
	test_parse();
	return unit_done();
}
