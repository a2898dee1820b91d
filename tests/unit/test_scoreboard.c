/*
 * test_scoreboard.c - the scoreboard's arithmetic against figures worked
 * out by hand (the comments show the sums), the trading-day steps with a
 * holiday, the virtual fee model, the broker's fees and positions, and
 * the sparkline.
 */
#include "config.h"
#include "scoreboard.h"
#include "scoreview.h"
#include "t212.h"
#include "trades.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct tb_config cfg;

static struct sb_trade
trade(const char *date, size_t llm, const char *ticker, int real, int sell,
    double qty, money_cents cash, money_cents fees)
{
	struct sb_trade t;

	memset(&t, 0, sizeof t);
	snprintf(t.date, sizeof t.date, "%s", date);
	t.llm = llm;
	snprintf(t.ticker, sizeof t.ticker, "%s", ticker);
	t.real = real;
	t.sell = sell;
	t.quantity = qty;
	t.cash = cash;
	t.fees = fees;
	t.price = t.price_eur = NAN;
	snprintf(t.currency, sizeof t.currency, "EUR");
	return t;
}

/* Closes of B (the benchmark), X and Y, sorted by symbol. */
static struct sb_mark bm[] = {
	{ "2026-11-23", 50, 50 }, { "2026-11-24", 55, 55 },
	{ "2026-11-25", 52, 52 }
};
static struct sb_mark xm[] = {
	{ "2026-11-23", 100, 100 }, { "2026-11-24", 110, 110 },
	{ "2026-11-25", 105, 105 }, { "2026-11-30", 120, 120 }
};
static struct sb_mark ym[] = {
	{ "2026-11-23", 100, 100 }, { "2026-11-25", 90, 90 },
	{ "2026-11-30", 90, 90 }
};

static void
input(struct sb_input *in, struct sb_series *series, struct sb_trade *t,
    const char *to)
{
	static const char *const llms[] = { "a", "b" };

	memset(series, 0, 3 * sizeof *series);
	snprintf(series[0].symbol, SB_SYMBOL_MAX, "B");
	series[0].marks = bm;
	series[0].n = 3;
	snprintf(series[1].symbol, SB_SYMBOL_MAX, "X");
	series[1].marks = xm;
	series[1].n = strcmp(to, "2026-11-30") == 0 ? 4 : 3;
	snprintf(series[2].symbol, SB_SYMBOL_MAX, "Y");
	series[2].marks = ym;
	series[2].n = strcmp(to, "2026-11-30") == 0 ? 3 : 2;
	for (size_t i = 0; i < 3; i++)
		snprintf(series[i].currency, 8, "EUR");
	/* a: real 2 X for 200 EUR (1 EUR fees), virtual 1 Y for 100 EUR;
	 * the next day sells 1 X for 109 EUR.  b: real 1 Y for 100 EUR. */
	t[0] = trade("2026-11-23", 0, "X", 1, 0, 2, 20000, 100);
	t[1] = trade("2026-11-23", 0, "Y", 0, 0, 1, 10000, 0);
	t[2] = trade("2026-11-23", 1, "Y", 1, 0, 1, 10000, 0);
	t[3] = trade("2026-11-24", 0, "X", 1, 1, 1, 10900, 0);
	memset(in, 0, sizeof *in);
	in->cfg = &cfg;
	date_parse("2026-11-23", &in->from);
	date_parse(to, &in->to);
	in->benchmark = "B";
	in->llms = llms;
	in->nllms = 2;
	in->trades = t;
	in->ntrades = 4;
	in->series = series;
	in->nseries = 3;
}

static void
test_figures(void)
{
	struct sb_series series[3];
	struct sb_trade t[4];
	struct sb_input in;
	struct sb_result r;
	const struct sb_llm *a, *b;
	tb_err e;

	input(&in, series, t, "2026-11-25");
	CHECK(scoreboard_compute(&in, &r, &e) == 0, "computes");
	a = &r.llms[0];
	b = &r.llms[1];
	CHECK(r.ndays == 3 && strcmp(r.days[2], "2026-11-25") == 0,
	    "three trading days");
	/* 25th: X 1 x 105 + Y 1 x 90 + proceeds 109 = 304 of 300. */
	CHECK_NUM(a->all.invested, 300, 1e-9, "invested 200 + 100");
	CHECK_NUM(a->all.value, 304, 1e-9, "value 105 + 90 + 109");
	CHECK_NUM(a->all.pnl, 4, 1e-9, "pnl 4");
	CHECK_NUM(a->return_pct, 4.0 / 3, 1e-9, "return 4/300");
	/* The sold share cost 100 (200 / 2): realised 9. */
	CHECK_NUM(a->realised, 9, 1e-9, "realised 109 - 100");
	CHECK_NUM(a->unrealised, -5, 1e-9, "unrealised X +5, Y -10");
	CHECK_NUM(a->fees, 1, 1e-9, "fees");
	CHECK(a->trades == 3 && a->open_positions == 2, "3 trades, 2 open");
	CHECK_NUM(a->real.invested, 200, 1e-9, "real invested");
	CHECK_NUM(a->real.value, 214, 1e-9, "real value 105 + 109");
	CHECK_NUM(a->virt.pnl, -10, 1e-9, "virtual pnl -10");
	/* Benchmark: 6 units at 50; sold 109/55 units on the 24th. */
	CHECK_NUM(a->day_bench[0], 300, 1e-9, "benchmark day 1: 6 x 50");
	CHECK_NUM(a->day_bench[1], 330, 1e-9, "benchmark day 2: same as "
	    "before the sell, 6 x 55");
	CHECK_NUM(a->bench.value, (6 - 109.0 / 55) * 52 + 109, 1e-9,
	    "benchmark value at 52 plus the cash kept");
	CHECK_NUM(a->excess_pct, 4.0 / 3 - ((6 - 109.0 / 55) * 52 + 109 -
	    300) / 3, 1e-9, "excess = return - the benchmark's");
	CHECK_NUM(a->day_value[1], 319, 1e-9, "day 2: 110 + Y's older 100 "
	    "+ 109");
	CHECK_NUM(a->max_drawdown_pct, (319.0 / 300 - 304.0 / 300) /
	    (319.0 / 300) * 100, 1e-9, "drawdown from 319/300 to 304/300");
	CHECK(isnan(a->hit_rate_pct), "no buy is five trading days old");
	CHECK(a->npositions == 2 && strcmp(a->positions[0].ticker, "X") == 0 &&
	    a->positions[0].real && fabs(a->positions[0].cost_eur - 100) <
	    1e-9 && fabs(a->positions[0].value_eur - 105) < 1e-9,
	    "X: 1 share, cost 100, worth 105");
	CHECK(b->rank == 2 && a->rank == 1, "a (+1.33 %%) ranks above b "
	    "(-10 %%)");
	CHECK(r.bench_close == 52 && strcmp(r.bench_currency, "EUR") == 0,
	    "the benchmark's close at `to`");
	scoreboard_free(&r);
}

static void
test_hit_rate(void)
{
	struct sb_series series[3];
	struct sb_trade t[4];
	struct sb_input in;
	struct sb_result r;
	tb_err e;

	input(&in, series, t, "2026-11-30");
	CHECK(scoreboard_compute(&in, &r, &e) == 0, "computes to the 30th");
	/* X at 120 > 100 a share: a hit; Y at 90 < 100: not. */
	CHECK_NUM(r.llms[0].hit_rate_pct, 50, 1e-9, "one hit of two");
	CHECK_NUM(r.llms[1].hit_rate_pct, 0, 1e-9, "b: none of one");
	CHECK(r.ndays == 6, "23, 24, 25, 26, 27, 30: %zu", r.ndays);
	scoreboard_free(&r);

	cfg.holidays[0] = "2026-11-26";
	cfg.nholidays = 1;
	CHECK(scoreboard_compute(&in, &r, &e) == 0, "with a holiday");
	CHECK(isnan(r.llms[0].hit_rate_pct), "the 26th off: the fifth "
	    "trading day is December 1st, after `to`");
	CHECK(r.ndays == 5, "the holiday is not a day of the series");
	scoreboard_free(&r);
	cfg.nholidays = 0;
}

static void
test_days(void)
{
	struct tb_date d;
	char buf[11];
	struct sb_mark m[] = { { "2026-11-24", 1, 1 }, { "2026-11-26", 2, 2 } };
	struct sb_series s = { "S", "EUR", m, 2 };

	date_parse("2026-11-27", &d);
	scoreboard_trading_days(&cfg, &d, 1);
	CHECK_STR(date_format(&d, buf), "2026-11-30", "Friday + 1 is Monday");
	scoreboard_trading_days(&cfg, &d, -SB_HIT_DAYS);
	CHECK_STR(date_format(&d, buf), "2026-11-23", "Monday - 5 is the "
	    "Monday before");
	CHECK(scoreboard_mark(&s, "2026-11-25", 0) == &m[0], "on or before");
	CHECK(scoreboard_mark(&s, "2026-11-26", 0) == &m[1], "on the day");
	CHECK(scoreboard_mark(&s, "2026-11-23", 0) == NULL, "none before");
	CHECK(scoreboard_mark(&s, "2026-11-23", 1) == &m[0], "else the first "
	    "after, when asked");
}

static void
test_fee(void)
{
	CHECK(trades_virtual_fee(40, "EUR", "EUR", 0.15) == 0, "EUR in EUR: "
	    "no fee");
	CHECK(trades_virtual_fee(40, "USD", "EUR", 0.15) == 6, "40 EUR of "
	    "USD: 0.06");
	CHECK(trades_virtual_fee(20.01, "GBp", "EUR", 0.15) == 4, "0.030015 "
	    "rounds up to 0.04");
	CHECK(trades_virtual_fee(20, "GBp", "GBP", 0.15) == 0, "pence in a "
	    "pound account: no fee");
	CHECK(trades_virtual_fee(20, "EUR", "GBP", 0.15) == 3, "EUR in a "
	    "pound account: 0.03");
	CHECK(trades_virtual_fee(NAN, "USD", "EUR", 0.15) == MONEY_INVALID,
	    "no value: invalid");
}

static void
test_broker(void)
{
	struct t212_order o;
	cJSON *doc;
	double q;
	tb_err e;

	doc = cJSON_Parse("{\"order\":{\"id\":7,\"ticker\":\"AIp_EQ\","
	    "\"quantity\":0.1333,\"status\":\"FILLED\"},\"fill\":{\"quantity\":"
	    "0.1333,\"price\":150,\"filledAt\":\"2026-11-23T16:10:03Z\","
	    "\"walletImpact\":{\"currency\":\"EUR\",\"fxRate\":1,\"netValue\":"
	    "20,\"taxes\":[{\"name\":\"FRENCH_TRANSACTION_TAX\",\"quantity\":"
	    "0.08,\"currency\":\"EUR\"},{\"name\":\"CURRENCY_CONVERSION_FEE\","
	    "\"quantity\":0.03},{\"name\":\"STAMP_DUTY\",\"quantity\":0.5,"
	    "\"currency\":\"GBP\"}]}}}");
	CHECK(t212_order_parse(doc, &o, &e) == 0, "a fill with taxes parses");
	CHECK_NUM(o.fees, 0.11, 1e-12, "fees: the EUR taxes and the one "
	    "without a currency; the GBP one left out");
	CHECK(o.wallet_fx_rate == 1 && o.wallet_value == 20 && o.filled_at !=
	    0 && strstr(o.taxes, "FRENCH_TRANSACTION_TAX") != NULL,
	    "fxRate, netValue, filledAt and the taxes as JSON");
	cJSON_Delete(doc);

	doc = cJSON_Parse("[{\"instrument\":{\"ticker\":\"AIp_EQ\"},"
	    "\"quantity\":2,\"quantityAvailableForTrading\":1.5},"
	    "{\"ticker\":\"SAPd_EQ\",\"quantity\":3}]");
	CHECK(t212_position_quantity(doc, "AIp_EQ", &q, &e) == 0 && q == 1.5,
	    "2026 shape: what is available for trading");
	CHECK(t212_position_quantity(doc, "SAPd_EQ", &q, &e) == 0 && q == 3,
	    "2024 shape: the quantity");
	CHECK(t212_position_quantity(doc, "X_US_EQ", &q, &e) == 0 && q == 0,
	    "no position: 0");
	cJSON_Delete(doc);
}

static void
test_spark(void)
{
	double v[] = { 1, 2, 3, 4, 5, 6, 7, 8 }, flat[] = { 3, 3, 3 };
	char buf[3 * SCOREVIEW_SPARK_MAX + 1];

	CHECK_STR(scoreview_spark(v, 8, 40, buf, sizeof buf),
	    "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588",
	    "eight rising values, eight blocks");
	CHECK_STR(scoreview_spark(flat, 3, 40, buf, sizeof buf),
	    "\u2581\u2581\u2581", "a flat series is all the lowest");
	CHECK(strlen(scoreview_spark(v, 8, 4, buf, sizeof buf)) == 12,
	    "sampled down to 4 characters");
}

int
main(void)
{
	test_figures();
	test_hit_rate();
	test_days();
	test_fee();
	test_broker();
	test_spark();
	return unit_done();
}
