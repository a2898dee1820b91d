/*
 * test_money.c - money in integer cents and the order gate (money.h):
 * rounding that never favours spending, totals against a budget, and
 * every way an order can be too large for its pick, the day or the cash.
 */
#include "money.h"
#include "unit.h"

#include <math.h>
#include <string.h>

static void
test_rounding(void)
{
	static const struct {
		double eur;
		money_cents down, up;
	} cases[] = {
		{ 0, 0, 0 },
		{ 35, 3500, 3500 },
		{ 0.29, 29, 29 },		/* 28.999999999999996 */
		{ 1.005, 100, 101 },		/* 100.49999999999999 */
		{ 39.9701, 3997, 3998 },
		{ 39.9700000001, 3997, 3997 },	/* noise */
		{ 39.9699, 3996, 3997 },
		{ 0.1 + 0.2, 30, 30 },		/* 0.30000000000000004 */
		{ 1e9, 100000000000LL, 100000000000LL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(money_down(cases[i].eur) == cases[i].down,
		    "%.10g EUR rounds down to %lld cents", cases[i].eur,
		    cases[i].down);
		CHECK(money_up(cases[i].eur) == cases[i].up,
		    "%.10g EUR rounds up to %lld cents", cases[i].eur,
		    cases[i].up);
	}
	CHECK(money_down(-0.01) == MONEY_INVALID && money_up(NAN) ==
	    MONEY_INVALID && money_up(INFINITY) == MONEY_INVALID &&
	    money_down(1e9 + 1) == MONEY_INVALID, "negative, NaN, infinite "
	    "and absurd amounts are invalid");
	CHECK(money_major(3997) == 39.97, "3997 cents are 39.97");
}

static void
test_fits(void)
{
	double a[] = { 40, 20, 20, 20 }, b[] = { 0.1, 0.1, 0.1 };
	double over[] = { 90, 20, 20, 20 }, bad[] = { 10, NAN };
	money_cents total;

	CHECK(money_fits(a, 4, 100, &total) == 0 && total == 10000,
	    "40+20+20+20 fits 100");
	CHECK(money_fits(b, 3, 0.3, &total) == 0 && total == 30,
	    "0.1 three times fits 0.30 (doubles would not)");
	CHECK(money_fits(over, 4, 100, &total) == -1 && total == 15000,
	    "150 does not fit 100");
	CHECK(money_fits(bad, 2, 100, NULL) == -1, "NaN never fits");
	CHECK(money_fits(a, 0, 0, &total) == 0 && total == 0,
	    "nothing fits anything");
	CHECK(money_fits(a, 4, -1, NULL) == -1, "a negative budget is "
	    "invalid");
}

static void
test_gate(void)
{
	struct money_gate g = { .budget = 10000, .spent = 0, .cash = -1 };
	static const struct {
		money_cents spent, cash, pick, value, account;
		enum money_verdict want;
		const char *what;
	} cases[] = {
		{ 0, -1, 3500, 3500, -1, MONEY_OK, "the whole pick" },
		{ 0, -1, 3500, 3501, -1, MONEY_OVER_PICK,
		    "a cent over the pick" },
		{ 0, -1, 3500, 350000, -1, MONEY_OVER_PICK,
		    "a pence slip: 100 times the pick" },
		{ 6500, -1, 3500, 3500, -1, MONEY_OK,
		    "the budget to the cent" },
		{ 6501, -1, 3500, 3500, -1, MONEY_OVER_BUDGET,
		    "a cent over the budget" },
		{ 12000, -1, 100, 100, -1, MONEY_OVER_BUDGET,
		    "already over the budget" },
		{ 0, 3000, 3500, 3500, 3001, MONEY_OVER_CASH,
		    "a cent over the cash" },
		{ 0, 3001, 3500, 3500, 3001, MONEY_OK, "the cash to the cent" },
		{ 0, 3001, 3500, 3500, -1, MONEY_BAD,
		    "cash known, value in its currency unknown" },
		{ 0, -1, -1, 10, -1, MONEY_BAD, "an invalid pick" },
		{ 0, -1, 10, -1, -1, MONEY_BAD, "an invalid value" },
	};
	char buf[200];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		g.spent = cases[i].spent;
		g.cash = cases[i].cash;
		CHECK(money_gate_check(&g, cases[i].pick, cases[i].value,
		    cases[i].account) == cases[i].want, "gate: %s",
		    cases[i].what);
	}
	g.spent = 0;
	g.cash = 5000;
	money_gate_take(&g, 3500, 3000);
	CHECK(g.spent == 3500 && g.cash == 2000, "an order sent counts "
	    "against the day and the cash");
	CHECK(money_gate_check(&g, 3500, 3500, 3000) == MONEY_OVER_CASH,
	    "so the next one does not fit the cash");
	money_gate_take(&g, 3500, 3000);
	CHECK(g.cash == 0 && g.spent == 7000, "cash never below zero");
	money_gate_explain(&g, MONEY_OVER_CASH, 3500, 3500, 3000, "GBP", buf,
	    sizeof buf);
	CHECK(strncmp(buf, "insufficient cash: ", 19) == 0 &&
	    strstr(buf, "30.00 GBP") != NULL && strstr(buf, "0.00 GBP") !=
	    NULL, "the cash reason names both amounts: %s", buf);
	money_gate_explain(&g, MONEY_OVER_PICK, 3500, 3501, -1, "EUR", buf,
	    sizeof buf);
	CHECK(strstr(buf, "35.01 EUR") != NULL && strstr(buf, "35.00 EUR") !=
	    NULL, "the pick reason names both amounts: %s", buf);
	money_gate_explain(&g, MONEY_OVER_BUDGET, 3500, 3500, -1, "EUR", buf,
	    sizeof buf);
	CHECK(strstr(buf, "daily budget") != NULL && strstr(buf, "100.00 EUR")
	    != NULL, "the budget reason names the budget: %s", buf);
}

int
main(void)
{
	test_rounding();
	test_fits();
	test_gate();
	return unit_done();
}
