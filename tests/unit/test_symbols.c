/*
 * test_symbols.c - the T212 <-> Yahoo mapping, the universe, the resolver
 * and the multi-listing rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "symbols.h"
#include "unit.h"

static void
test_t212_to_yahoo(void)
{
	static const struct { const char *t212, *yahoo; } ok[] = {
		{ "AAPL_US_EQ", "AAPL" },
		{ "BRK_B_US_EQ", "BRK-B" },
		{ "SHELl_EQ", "SHEL.L" },
		{ "VUSAl_EQ", "VUSA.L" },
		{ "SAPd_EQ", "SAP.DE" },
		{ "VOW3d_EQ", "VOW3.DE" },
		{ "ASMLa_EQ", "ASML.AS" },
		{ "MCp_EQ", "MC.PA" },
		{ "AIp_EQ", "AI.PA" },	/* the suffix rule alone; see the universe */
		{ "ENIm_EQ", "ENI.MI" },
		{ "NESNs_EQ", "NESN.SW" },
		{ "NESNz_EQ", "NESN.SW" },
		{ "SANe_EQ", "SAN.MC" },
		{ "BT.Al_EQ", "BT-A.L" },
	};
	static const char *bad[] = {
		"AAPL", "", "_US_EQ", "d_EQ", "_EQ", "FOOx_EQ", "ABIb_EQ",
		"sapd_EQ", "AAPL_CA_EQ", "SAPD_EQ", "BRK__B_US_EQ", "_BRK_US_EQ",
		"SAP d_EQ", "AAPL_US_EQX",
	};
	char out[SYMBOLS_MAX];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(symbols_t212_to_yahoo(ok[i].t212, out, sizeof(out)) == 0,
		    "t212_to_yahoo %s succeeds", ok[i].t212);
		CHECK_STR(out, ok[i].yahoo, "t212_to_yahoo %s", ok[i].t212);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(symbols_t212_to_yahoo(bad[i], out, sizeof(out)) == -1,
		    "t212_to_yahoo refuses \"%s\"", bad[i]);
		CHECK_STR(out, "", "t212_to_yahoo leaves \"\" for \"%s\"", bad[i]);
	}
	CHECK(symbols_t212_to_yahoo(NULL, out, sizeof(out)) == -1,
	    "t212_to_yahoo refuses NULL");
	/* "SAP.DE" needs 7 bytes: never a truncated symbol. */
	CHECK(symbols_t212_to_yahoo("SAPd_EQ", out, 6) == -1,
	    "t212_to_yahoo refuses a buffer one byte short");
	CHECK(symbols_t212_to_yahoo("SAPd_EQ", out, 7) == 0 &&
	    strcmp(out, "SAP.DE") == 0, "t212_to_yahoo fits an exact buffer");
}

/* Join the candidates with spaces for one comparison. */
static const char *
candidates(const char *yahoo, size_t max)
{
	static char joined[8 * SYMBOLS_MAX];
	char out[8][SYMBOLS_MAX];
	int n, i;

	n = symbols_yahoo_to_t212_candidates(yahoo, out, max);
	if (n < 0)
		return "(refused)";
	joined[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(joined, " ");
		strcat(joined, out[i]);
	}
	return joined;
}

static void
test_yahoo_to_t212(void)
{
	static const struct { const char *yahoo, *want; } cases[] = {
		{ "AAPL", "AAPL_US_EQ" },
		{ "BRK-B", "BRK_B_US_EQ" },
		{ "SHEL.L", "SHELl_EQ" },
		{ "VUSA.L", "VUSAl_EQ" },
		{ "SAP.DE", "SAPd_EQ" },
		{ "VOW3.DE", "VOW3d_EQ" },
		{ "ASML.AS", "ASMLa_EQ" },
		{ "MC.PA", "MCp_EQ" },
		{ "AIR.PA", "AIRp_EQ" },
		{ "ENI.MI", "ENIm_EQ" },
		{ "NESN.SW", "NESNs_EQ NESNz_EQ" },
		{ "SAN.MC", "SANe_EQ" },
		{ "BT-A.L", "BT_Al_EQ" },
		{ "ABI.BR", "(refused)" },
		{ "7203.T", "(refused)" },
		{ "^GSPC", "(refused)" },
		{ "EURUSD=X", "(refused)" },
		{ "aapl", "(refused)" },
		{ "BRK.B", "(refused)" },
		{ ".L", "(refused)" },
		{ "", "(refused)" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "(refused)" },
	};
	char one[1][SYMBOLS_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(candidates(cases[i].yahoo, 8), cases[i].want,
		    "candidates for \"%s\"", cases[i].yahoo);
	CHECK_STR(candidates("NESN.SW", 1), "NESNs_EQ",
	    "candidates stop at max");
	CHECK(symbols_yahoo_to_t212_candidates("NESN.SW", one, 0) == 0,
	    "max 0 writes nothing");
}

static void
test_markets(void)
{
	char root[SYMBOLS_MAX];

	CHECK_STR(symbols_market_currency("SHEL.L"), "GBX", "London is GBX");
	CHECK_STR(symbols_market_currency("SAP.DE"), "EUR", "Xetra is EUR");
	CHECK_STR(symbols_market_currency("NESN.SW"), "CHF", "Swiss is CHF");
	CHECK_STR(symbols_market_currency("AAPL"), "USD", "US is USD");
	CHECK(symbols_market_currency("ABI.BR") == NULL, "Brussels unknown");

	CHECK(symbols_currency_fits("SHEL.L", "GBX"), "GBX fits .L");
	CHECK(symbols_currency_fits("VUSA.L", "GBP"), "GBP fits .L");
	CHECK(symbols_currency_fits("VUSD.L", "USD"), "USD fits .L");
	CHECK(!symbols_currency_fits("SHEL.L", "EUR"), "EUR does not fit .L");
	CHECK(symbols_currency_fits("SAP.DE", "EUR"), "EUR fits .DE");
	CHECK(symbols_currency_fits("ASML.AS", "EUR"), "EUR fits .AS");
	CHECK(symbols_currency_fits("MC.PA", "EUR"), "EUR fits .PA");
	CHECK(symbols_currency_fits("ENI.MI", "EUR"), "EUR fits .MI");
	CHECK(symbols_currency_fits("SAN.MC", "EUR"), "EUR fits .MC");
	CHECK(!symbols_currency_fits("SAP.DE", "USD"), "USD does not fit .DE");
	CHECK(symbols_currency_fits("NESN.SW", "CHF"), "CHF fits .SW");
	CHECK(!symbols_currency_fits("NESN.SW", "EUR"), "EUR does not fit .SW");
	CHECK(symbols_currency_fits("AAPL", "USD"), "USD fits US");
	CHECK(!symbols_currency_fits("AAPL", "EUR"), "EUR does not fit US");
	CHECK(!symbols_currency_fits("ABI.BR", "EUR"), "unknown market fits nothing");
	CHECK(!symbols_currency_fits("AAPL", NULL), "NULL currency fits nothing");

	CHECK(symbols_market_t212("NESNz_EQ") == symbols_market_t212("NESNz_EQ") &&
	    strcmp(symbols_market_t212("NESNz_EQ")->yahoo_suffix, ".SW") == 0,
	    "z is the Swiss market");
	CHECK(symbols_market_t212("AAPL_US_EQ")->t212_code == 0,
	    "US has no letter");
	CHECK(symbols_market_yahoo("SAP.DE") == symbols_market_t212("SAPd_EQ"),
	    "one table entry serves both directions");
	CHECK(symbols_yahoo_root("ASML.AS", root, sizeof(root)) == 0 &&
	    strcmp(root, "ASML") == 0, "root of ASML.AS");
	CHECK(symbols_yahoo_root("BRK-B", root, sizeof(root)) == 0 &&
	    strcmp(root, "BRK-B") == 0, "root of BRK-B keeps the class");
	CHECK(symbols_yahoo_root("ASML.AS", root, 4) == -1,
	    "root refuses a short buffer");
}

/* The fixture instruments (fixtures/t212/instruments.json) and a few more. */
static const struct instrument sample[] = {
	{ .t212_ticker = "AAPL_US_EQ", .type = "STOCK", .currency = "USD",
	  .isin = "US0378331005", .short_name = "AAPL", .name = "Apple",
	  .working_schedule_id = 71 },
	{ .t212_ticker = "ASMLa_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "NL0010273215", .short_name = "ASML", .name = "ASML Holding",
	  .working_schedule_id = 60 },
	{ .t212_ticker = "ASML_US_EQ", .type = "STOCK", .currency = "USD",
	  .isin = "USN070592100", .short_name = "ASML",
	  .name = "ASML Holding (ADR)", .working_schedule_id = 71 },
	{ .t212_ticker = "SAPd_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "DE0007164600", .short_name = "SAP", .name = "SAP",
	  .working_schedule_id = 54 },
	{ .t212_ticker = "SHELl_EQ", .type = "STOCK", .currency = "GBX",
	  .isin = "GB00BP6MXD84", .short_name = "SHEL", .name = "Shell",
	  .working_schedule_id = 73 },
	{ .t212_ticker = "AIp_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "NL0000235190", .short_name = "AIR", .name = "Airbus",
	  .working_schedule_id = 58 },
	{ .t212_ticker = "VUSAl_EQ", .type = "ETF", .currency = "GBP",
	  .isin = "IE00B3XXRP09", .short_name = "VUSA",
	  .name = "Vanguard S&P 500 (Dist)", .working_schedule_id = 73 },
	{ .t212_ticker = "NESNz_EQ", .type = "STOCK", .currency = "CHF",
	  .isin = "CH0038863350", .short_name = "NESN", .name = "Nestle" },
	{ .t212_ticker = "MCp_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "FR0000121014", .short_name = "MC", .name = "LVMH" },
	{ .t212_ticker = "BRK_B_US_EQ", .type = "STOCK", .currency = "USD",
	  .isin = "US0846707026", .short_name = "BRK.B",
	  .name = "Berkshire Hathaway (Class B)" },
	{ .t212_ticker = "VOW3d_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "DE0007664039", .short_name = "VOW3", .name = "Volkswagen" },
	{ .t212_ticker = "SHEL_US_EQ", .type = "STOCK", .currency = "USD",
	  .isin = "US7802593050", .short_name = "SHEL", .name = "Shell (ADR)" },
	/* A London line in EUR: does not fit .L. */
	{ .t212_ticker = "CURl_EQ", .type = "ETF", .currency = "EUR",
	  .isin = "IE0000000001", .short_name = "CUR", .name = "Euro line" },
	/* A Xetra share whose shortName is not a symbol: found by ISIN only. */
	{ .t212_ticker = "XYZAd_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "DE000XYZ0001", .short_name = "Xyz AG", .name = "Xyz" },
	/* Two different companies with one shortName on Paris. */
	{ .t212_ticker = "DUP1p_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "FR0000000011", .short_name = "DUP", .name = "Dup One" },
	{ .t212_ticker = "DUP2p_EQ", .type = "STOCK", .currency = "EUR",
	  .isin = "FR0000000022", .short_name = "DUP", .name = "Dup Two" },
};

static void
build(struct universe *u, const struct instrument *v, size_t n)
{
	tb_err e;
	size_t i;

	universe_init(u);
	for (i = 0; i < n; i++)
		if (universe_add(u, &v[i], &e) != 0)
			printf("# universe_add %s: %s\n", v[i].t212_ticker, e.msg);
	if (universe_finish(u, &e) != 0)
		printf("# universe_finish: %s\n", e.msg);
}

static void
test_universe(void)
{
	struct universe u;
	const struct instrument *it;
	const struct instrument *const *list;
	struct instrument in;
	size_t n;
	tb_err e;

	build(&u, sample, sizeof(sample) / sizeof(sample[0]));
	CHECK(u.n == sizeof(sample) / sizeof(sample[0]), "all samples added");

	it = universe_by_t212(&u, "ASMLa_EQ");
	CHECK(it != NULL && strcmp(it->yahoo_symbol, "ASML.AS") == 0 &&
	    strcmp(it->root, "ASML") == 0 && strcmp(it->currency, "EUR") == 0 &&
	    strcmp(it->isin, "NL0010273215") == 0 &&
	    strcmp(it->name, "ASML Holding") == 0 &&
	    strcmp(it->type, "STOCK") == 0 && it->working_schedule_id == 60,
	    "by_t212 ASMLa_EQ with every field");
	it = universe_by_t212(&u, "AIp_EQ");
	CHECK(it != NULL && strcmp(it->yahoo_symbol, "AIR.PA") == 0 &&
	    strcmp(it->root, "AIR") == 0,
	    "AIp_EQ is AIR.PA through its shortName");
	it = universe_by_t212(&u, "BRK_B_US_EQ");
	CHECK(it != NULL && strcmp(it->yahoo_symbol, "BRK-B") == 0,
	    "shortName BRK.B agrees with BRK-B");
	it = universe_by_t212(&u, "XYZAd_EQ");
	CHECK(it != NULL && strcmp(it->yahoo_symbol, "XYZA.DE") == 0,
	    "a shortName that is not a symbol leaves the suffix rule");
	CHECK(universe_by_t212(&u, "TSLA_US_EQ") == NULL, "by_t212 unknown");

	it = universe_by_yahoo(&u, "NESN.SW");
	CHECK(it != NULL && strcmp(it->t212_ticker, "NESNz_EQ") == 0,
	    "by_yahoo NESN.SW");
	CHECK(universe_by_yahoo(&u, "AI.PA") == NULL, "by_yahoo AI.PA is none");
	CHECK(universe_by_yahoo(&u, "NESN") == NULL, "by_yahoo NESN is none");

	list = universe_by_root(&u, "ASML", &n);
	CHECK(list != NULL && n == 2 &&
	    strcmp(list[0]->t212_ticker, "ASMLa_EQ") == 0 &&
	    strcmp(list[1]->t212_ticker, "ASML_US_EQ") == 0,
	    "by_root ASML: both listings, table order");
	list = universe_by_root(&u, "ASM", &n);
	CHECK(list == NULL && n == 0, "by_root is exact, not a prefix");

	/* After finish: no more adding. */
	memset(&in, 0, sizeof(in));
	in.t212_ticker = "TSLA_US_EQ";
	CHECK(universe_add(&u, &in, &e) == TB_EINTERNAL,
	    "universe_add after finish is refused");
	universe_free(&u);
	CHECK(u.n == 0 && u.items == NULL && !u.finished,
	    "universe_free leaves an empty universe");

	/* Unknown patterns are refused, NULL strings become "". */
	universe_init(&u);
	in.t212_ticker = "ABIb_EQ";
	CHECK(universe_add(&u, &in, &e) == TB_EDATA && strstr(e.msg, "ABIb_EQ"),
	    "universe_add refuses an unknown pattern, naming it");
	in.t212_ticker = "TSLA_US_EQ";
	CHECK(universe_add(&u, &in, &e) == 0, "universe_add with NULL strings");
	CHECK(universe_by_t212(&u, "TSLA_US_EQ") == NULL,
	    "no lookups before finish");
	in.name = "Second copy";
	CHECK(universe_add(&u, &in, &e) == 0, "a duplicate is accepted");
	CHECK(universe_finish(&u, &e) == 0, "finish");
	it = universe_by_t212(&u, "TSLA_US_EQ");
	CHECK(u.n == 1 && it != NULL && strcmp(it->name, "") == 0 &&
	    strcmp(it->isin, "") == 0 && strcmp(it->yahoo_symbol, "TSLA") == 0,
	    "the first copy of a duplicate is kept");
	universe_free(&u);

	universe_init(&u);
	CHECK(universe_finish(&u, &e) == 0 && universe_by_t212(&u, "X") == NULL &&
	    universe_by_yahoo(&u, "X") == NULL &&
	    universe_pick_listing(&u, "X", "EUR") == NULL,
	    "an empty universe answers nothing");
	CHECK(universe_set_account_currency(&u, "GBP") == 0 &&
	    strcmp(u.account_currency, "GBP") == 0, "account currency set");
	CHECK(universe_set_account_currency(&u, "gbp") == TB_EUSAGE &&
	    universe_set_account_currency(&u, "EURO") == TB_EUSAGE,
	    "bad account currencies refused");
	universe_free(&u);
}

static void
check_resolve(const struct universe *u, const char *yahoo, const char *isin,
    const char *want, const char *why_has)
{
	char out[SYMBOLS_MAX], why[256];
	int rc;

	rc = universe_resolve_t212(u, yahoo, isin, out, sizeof(out), why,
	    sizeof(why));
	if (want != NULL) {
		CHECK(rc == 0, "resolve %s succeeds (%s)", yahoo, why);
		CHECK_STR(out, want, "resolve %s", yahoo);
	} else {
		CHECK(rc == TB_EDATA && out[0] == '\0',
		    "resolve %s is refused (%s)", yahoo, why);
	}
	CHECK(strstr(why, why_has) != NULL, "resolve %s: why says \"%s\"",
	    yahoo, why_has);
}

static void
test_resolve(void)
{
	struct universe u;
	char out[4], why[64];

	build(&u, sample, sizeof(sample) / sizeof(sample[0]));
	check_resolve(&u, "AIR.PA", NULL, "AIp_EQ", "shortName");
	check_resolve(&u, "ASML.AS", NULL, "ASMLa_EQ", "suffix rule");
	check_resolve(&u, "SHEL.L", NULL, "SHELl_EQ", "suffix rule");
	check_resolve(&u, "AAPL", NULL, "AAPL_US_EQ", "suffix rule");
	check_resolve(&u, "NESN.SW", NULL, "NESNz_EQ", "suffix rule");
	check_resolve(&u, "BRK-B", NULL, "BRK_B_US_EQ", "suffix rule");
	check_resolve(&u, "VUSA.L", NULL, "VUSAl_EQ", "suffix rule");
	check_resolve(&u, "VOW3.DE", NULL, "VOW3d_EQ", "suffix rule");
	check_resolve(&u, "ASML", NULL, "ASML_US_EQ", "suffix rule");
	check_resolve(&u, "SAPd_EQ", NULL, "SAPd_EQ", "exact");
	check_resolve(&u, "XYZ.DE", "DE000XYZ0001", "XYZAd_EQ", "ISIN");

	/* AIp_EQ exists and is EUR, but it is Airbus (AIR), not AI.PA. */
	check_resolve(&u, "AI.PA", NULL, NULL, "AIp_EQ is AIR.PA");
	check_resolve(&u, "TSLA", NULL, NULL, "no TSLA_US_EQ");
	check_resolve(&u, "SAP.L", NULL, NULL, "no SAPl_EQ");
	check_resolve(&u, "CUR.L", NULL, NULL, "CURl_EQ trades in EUR");
	check_resolve(&u, "XYZ.DE", NULL, NULL, "no ISIN given");
	check_resolve(&u, "XYZ.DE", "US0378331005", NULL, "no ISIN US0378331005");
	check_resolve(&u, "DUP.PA", NULL, NULL, "ambiguous");
	check_resolve(&u, "ABI.BR", NULL, NULL, "not a symbol of a supported");
	check_resolve(NULL, "AAPL", NULL, NULL, "no instrument universe");

	CHECK(universe_resolve_t212(&u, "ASML.AS", NULL, out, sizeof(out), why,
	    sizeof(why)) == TB_EINTERNAL && out[0] == '\0',
	    "resolve refuses to truncate the ticker");
	universe_free(&u);
}

static const char *
pick(const struct universe *u, const char *root, const char *ccy)
{
	const struct instrument *it = universe_pick_listing(u, root, ccy);

	return it ? it->yahoo_symbol : "(none)";
}

static void
test_pick_listing(void)
{
	static const struct instrument multi[] = {
		/* EUR on .DE and .PA, French ISIN: home is Paris. */
		{ .t212_ticker = "ORAd_EQ", .currency = "EUR", .isin = "FR0000133308" },
		{ .t212_ticker = "ORAp_EQ", .currency = "EUR", .isin = "FR0000133308" },
		/* EUR on .AS and .DE, US ISIN: the fixed order says .DE. */
		{ .t212_ticker = "USCOa_EQ", .currency = "EUR", .isin = "US0000000001" },
		{ .t212_ticker = "USCOd_EQ", .currency = "EUR", .isin = "US0000000001" },
		{ .t212_ticker = "USCO_US_EQ", .currency = "USD", .isin = "US0000000001" },
		/* CHF and USD, Swiss ISIN: the primary listing. */
		{ .t212_ticker = "ZZZs_EQ", .currency = "CHF", .isin = "CH0000000001" },
		{ .t212_ticker = "ZZZ_US_EQ", .currency = "USD", .isin = "US0000000002" },
		/* GBX and USD, US ISIN: the primary is the US. */
		{ .t212_ticker = "YYYl_EQ", .currency = "GBX", .isin = "US0000000003" },
		{ .t212_ticker = "YYY_US_EQ", .currency = "USD", .isin = "US0000000003" },
		/* GBX and CHF, Irish ISIN: no primary, no US: table order. */
		{ .t212_ticker = "QQQQz_EQ", .currency = "CHF", .isin = "IE0000000004" },
		{ .t212_ticker = "QQQQl_EQ", .currency = "GBX", .isin = "IE0000000004" },
		/* GBX and USD, Irish ISIN: no primary: the US. */
		{ .t212_ticker = "WWWl_EQ", .currency = "GBX", .isin = "IE0000000005" },
		{ .t212_ticker = "WWW_US_EQ", .currency = "USD", .isin = "IE0000000005" },
	};
	struct universe u;

	build(&u, sample, sizeof(sample) / sizeof(sample[0]));
	CHECK_STR(pick(&u, "ASML", "EUR"), "ASML.AS", "ASML in EUR is ASML.AS");
	CHECK_STR(pick(&u, "ASML", "USD"), "ASML", "ASML in USD is the ADR");
	CHECK_STR(pick(&u, "SHEL", "EUR"), "SHEL.L",
	    "SHEL in EUR: no EUR line, the primary (GB) listing");
	CHECK_STR(pick(&u, "SHEL", "GBP"), "SHEL.L", "GBX counts as GBP");
	CHECK_STR(pick(&u, "SHEL", "USD"), "SHEL", "SHEL in USD is the ADR");
	CHECK_STR(pick(&u, "AIR", "EUR"), "AIR.PA", "AIR has one listing");
	CHECK_STR(pick(&u, "AI", "EUR"), "(none)", "AI is not a root here");
	CHECK_STR(pick(&u, "ASML", NULL), "ASML.AS",
	    "no account currency: the primary listing (NL ISIN: .AS)");
	universe_free(&u);

	build(&u, multi, sizeof(multi) / sizeof(multi[0]));
	CHECK_STR(pick(&u, "ORA", "EUR"), "ORA.PA", "EUR lines: the ISIN's home");
	CHECK_STR(pick(&u, "USCO", "EUR"), "USCO.DE",
	    "EUR lines without a home: .DE first");
	CHECK_STR(pick(&u, "USCO", "GBP"), "USCO", "no GBP line: primary US");
	CHECK_STR(pick(&u, "ZZZ", "EUR"), "ZZZ.SW", "primary by ISIN CH");
	CHECK_STR(pick(&u, "YYY", "EUR"), "YYY", "primary by ISIN US");
	CHECK_STR(pick(&u, "YYY", "GBP"), "YYY.L", "account currency first");
	CHECK_STR(pick(&u, "QQQQ", "EUR"), "QQQQ.L", "neither: table order");
	CHECK_STR(pick(&u, "WWW", "EUR"), "WWW", "no primary: the US");
	universe_free(&u);
}

/* Roots "AAAA", "AAAB", ... for generated instruments. */
static void
gen_root(size_t i, char *out)
{
	int k;

	for (k = 3; k >= 0; k--) {
		out[k] = (char)('A' + i % 26);
		i /= 26;
	}
	out[4] = '\0';
}

#define NGEN 15000

static void
test_large_universe(void)
{
	static const char *fmt[] = { "%s_US_EQ", "%sd_EQ", "%sl_EQ", "%sp_EQ",
	    "%sz_EQ" };
	static const char *ysuf[] = { "", ".DE", ".L", ".PA", ".SW" };
	static const char *ccy[] = { "USD", "EUR", "GBX", "EUR", "CHF" };
	static char tick[NGEN][SYMBOLS_MAX];
	struct instrument in;
	struct universe u;
	char root[8], yahoo[SYMBOLS_MAX], out[SYMBOLS_MAX], why[128];
	const struct instrument *it;
	size_t i, j, bad_t212 = 0, bad_yahoo = 0, bad_root = 0, bad_res = 0;
	clock_t t0;
	tb_err e;

	universe_init(&u);
	memset(&in, 0, sizeof(in));
	/* Added in a scrambled order, so finish has to sort. */
	for (j = 0; j < NGEN; j++) {
		i = (j * 7919) % NGEN;
		gen_root(i, root);
		(void)snprintf(tick[i], sizeof(tick[i]), fmt[i % 5], root);
		in.t212_ticker = tick[i];
		in.short_name = root;
		in.currency = ccy[i % 5];
		if (universe_add(&u, &in, &e) != 0)
			break;
	}
	CHECK(j == NGEN && universe_finish(&u, &e) == 0 && u.n == NGEN,
	    "%d generated instruments loaded", NGEN);
	t0 = clock();
	for (i = 0; i < NGEN; i++) {
		size_t n;

		gen_root(i, root);
		(void)snprintf(yahoo, sizeof(yahoo), "%s%s", root, ysuf[i % 5]);
		it = universe_by_t212(&u, tick[i]);
		if (it == NULL || strcmp(it->yahoo_symbol, yahoo) != 0)
			bad_t212++;
		if (universe_by_yahoo(&u, yahoo) != it)
			bad_yahoo++;
		if (universe_by_root(&u, root, &n) == NULL || n != 1 ||
		    universe_pick_listing(&u, root, "EUR") != it)
			bad_root++;
		if (universe_resolve_t212(&u, yahoo, NULL, out, sizeof(out), why,
		    sizeof(why)) != 0 || strcmp(out, tick[i]) != 0)
			bad_res++;
	}
	printf("# %d x 4 lookups in %.1f ms\n", NGEN,
	    (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC);
	CHECK(bad_t212 == 0, "every generated ticker found by T212 ticker (%zu bad)",
	    bad_t212);
	CHECK(bad_yahoo == 0, "every generated ticker found by Yahoo symbol (%zu bad)",
	    bad_yahoo);
	CHECK(bad_root == 0, "every generated root picked (%zu bad)", bad_root);
	CHECK(bad_res == 0, "every generated symbol resolved (%zu bad)", bad_res);
	CHECK(universe_by_root(&u, "ZZZZ", &i) == NULL,
	    "a root past the generated ones is absent");
	universe_free(&u);
}

int
main(void)
{
	/* Whole lines, so a warning on stderr never splits a TAP line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_t212_to_yahoo();
	test_yahoo_to_t212();
	test_markets();
	test_universe();
	test_resolve();
	test_pick_listing();
	test_large_universe();
	return unit_done();
}
