/*
 * test_summary.c - money in tb's JSON output (summary.h): amounts print
 * as cents and prices with 4 decimals, wherever they sit in a document,
 * and nothing else is touched.
 */
#include "summary.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>

/* doc printed after summary_round (caller frees). */
static char *
rounded(const char *json)
{
	cJSON *doc = cJSON_Parse(json);
	char *text;

	summary_round(doc);
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return text;
}

static void
test_cents(void)
{
	CHECK(summary_cents(39.969999999999999) == 39.97, "39.969999... is "
	    "39.97");
	CHECK(summary_cents(24.987824074074076) == 24.99, "24.9878... is "
	    "24.99");
	CHECK(summary_cents(0.1 + 0.2) == 0.3, "0.1 + 0.2 is 0.3");
	CHECK(summary_cents(-24.987824074074076) == -24.99, "a negative "
	    "amount rounds to a cent too");
	CHECK(isnan(summary_cents(NAN)) && isinf(summary_cents(INFINITY)),
	    "NaN and infinity are left alone");
}

static void
test_document(void)
{
	static const struct {
		const char *in, *want, *what;
	} cases[] = {
		{ "{\"amount_eur\":24.987824074074076}",
		  "{\"amount_eur\":24.99}", "amount_eur to the cent" },
		{ "{\"eur_real\":39.969999999999999,\"value_eur\":0.30000000000000004}",
		  "{\"eur_real\":39.97,\"value_eur\":0.3}", "eur_ and _eur keys" },
		{ "{\"account\":{\"cash\":1000.0049999,\"cash_available\":5.555,"
		  "\"budget\":99.999}}",
		  "{\"account\":{\"cash\":1000,\"cash_available\":5.56,"
		  "\"budget\":100}}", "the account's money, nested" },
		{ "{\"price_eur\":163.42592592592592,\"price\":209.87680053710938,"
		  "\"decision_price\":673.815}",
		  "{\"price_eur\":163.4259,\"price\":209.8768,"
		  "\"decision_price\":673.815}", "prices to 4 decimals" },
		{ "{\"trades\":[{\"amount_eur\":1.23456,\"quantity\":0.05934567}]}",
		  "{\"trades\":[{\"amount_eur\":1.23,\"quantity\":0.05934567}]}",
		  "inside arrays; quantities untouched" },
		{ "{\"amount_eur\":[1.234,2.345]}", "{\"amount_eur\":[1.23,2.35]}",
		  "an array of amounts takes its key" },
		{ "{\"allocation_pct\":33.333333333333336,\"exit_code\":69,"
		  "\"amount_eur\":null,\"budget_note\":\"x\"}",
		  "{\"allocation_pct\":33.333333333333336,\"exit_code\":69,"
		  "\"amount_eur\":null,\"budget_note\":\"x\"}",
		  "percentages, counts, nulls and strings untouched" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = rounded(cases[i].in);
		CHECK_STR(got, cases[i].want, "%s", cases[i].what);
		free(got);
	}
}

int
main(void)
{
	test_cents();
	test_document();
	return unit_done();
}
