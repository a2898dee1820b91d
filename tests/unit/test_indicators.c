/*
 * test_indicators.c - indicators against the TA-Lib reference values of
 * fixtures/indicators.md (the series is embedded so the test stands alone).
 */
#include <math.h>
#include <stddef.h>

#include "indicators.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* StockCharts' RSI example closes, oldest first. */
static const double closes[] = {
	44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08,
	45.89, 46.03, 45.61, 46.28, 46.28, 46.00, 46.03, 46.41, 46.22, 45.64,
	46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57,
	43.42, 42.66, 43.13
};

/* RSI(14) from the 15th close on, rounded to 2 decimals. */
static const double rsi14[] = {
	70.46, 66.25, 66.48, 69.35, 66.29, 57.92, 62.88, 63.21, 56.01, 62.34,
	54.67, 50.39, 40.02, 41.49, 41.90, 45.50, 37.32, 33.09, 37.79
};

static void	test_rsi_reference(void);
static void	test_sma_ema_reference(void);
static void	test_macd_line(void);
static void	test_macd_seeding(void);
static void	test_too_short(void);
static void	test_constant_and_monotonic(void);
static void	test_period_one(void);
static void	test_change(void);

int
main(void)
{
	test_rsi_reference();
	test_sma_ema_reference();
	test_macd_line();
	test_macd_seeding();
	test_too_short();
	test_constant_and_monotonic();
	test_period_one();
	test_change();
	return unit_done();
}

static void
test_rsi_reference(void)
{
	double out[NELEM(closes)], last = -1;
	size_t i, n = NELEM(closes);
	int nan_before = 1;

	CHECK(NELEM(closes) == 33 && NELEM(rsi14) == 19, "reference sizes");
	CHECK(ind_rsi(closes, n, 14, out) == 0, "rsi14 full series");
	for (i = 0; i < 14; i++)
		nan_before &= isnan(out[i]) != 0;
	CHECK(nan_before, "rsi14 entries 0..13 are NAN");
	for (i = 0; i < NELEM(rsi14); i++)
		CHECK_NUM(out[14 + i], rsi14[i], 0.006, "rsi14[%zu] = %.2f",
		    14 + i, rsi14[i]);
	CHECK(ind_rsi_last(closes, n, 14, &last) == 0, "rsi14 last");
	CHECK(last == out[n - 1], "rsi14 last equals the series' last");
	CHECK_NUM(last, 37.79, 0.006, "rsi14 last value");
	CHECK(ind_rsi_last(closes, 15, 14, &last) == 0, "rsi14 on 15 closes");
	CHECK_NUM(last, 70.46, 0.006, "rsi14 first value from the seed");
}

static void
test_sma_ema_reference(void)
{
	double out[NELEM(closes)], last;
	size_t n = NELEM(closes);

	CHECK(ind_sma(closes, n, 10, out) == 0, "sma10 full series");
	CHECK(isnan(out[8]), "sma10 entry 8 is NAN");
	CHECK_NUM(out[9], 44.779, 1e-9, "sma10 first");
	CHECK_NUM(out[n - 1], 44.379, 1e-9, "sma10 last");
	CHECK(ind_sma_last(closes, n, 10, &last) == 0, "sma10 last call");
	CHECK_NUM(last, 44.379, 1e-9, "sma10 last value");

	CHECK(ind_ema(closes, n, 10, out) == 0, "ema10 full series");
	CHECK(isnan(out[8]), "ema10 entry 8 is NAN");
	CHECK_NUM(out[9], 44.779, 1e-9, "ema10 seed is sma10");
	CHECK_NUM(out[n - 1], 44.1193, 5e-5, "ema10 last");
	CHECK(ind_ema_last(closes, n, 10, &last) == 0, "ema10 last call");
	CHECK(last == out[n - 1], "ema10 last equals the series' last");

	CHECK(ind_sma_last(closes, n, 20, &last) == 0, "sma20 last call");
	CHECK_NUM(last, 45.241, 1e-9, "sma20 last");
	CHECK(ind_ema_last(closes, n, 20, &last) == 0, "ema20 last call");
	CHECK_NUM(last, 44.6354, 5e-5, "ema20 last");
}

/* For x_i = i, each SMA-seeded EMA(p) lags the line by (p - 1) / 2. */
static void
test_macd_line(void)
{
	double x[60], m[60], s[60], h[60], lm, ls, lh;
	size_t i, n = NELEM(x);
	int ok = 1;

	for (i = 0; i < n; i++)
		x[i] = (double)i;
	CHECK(ind_macd(x, n, 12, 26, 9, m, s, h) == 0, "macd full series");
	CHECK(isnan(m[32]) && isnan(s[32]) && isnan(h[32]),
	    "macd entries before 33 are NAN");
	for (i = 33; i < n; i++)
		ok &= fabs(m[i] - 7.0) < 1e-9 && fabs(s[i] - 7.0) < 1e-9 &&
		    fabs(h[i]) < 1e-9;
	CHECK(ok, "macd/signal/hist are 7/7/0 from index 33 on");
	CHECK_NUM(m[33], 7.0, 1e-9, "macd at 33");
	CHECK(ind_macd_last(x, n, 12, 26, 9, &lm, &ls, &lh) == 0, "macd last");
	CHECK_NUM(lm, 7.0, 1e-9, "macd last value");
	CHECK_NUM(ls, 7.0, 1e-9, "signal last value");
	CHECK_NUM(lh, 0.0, 1e-9, "hist last value");
	CHECK(ind_macd_last(x, 33, 12, 26, 9, &lm, &ls, &lh) == -1,
	    "macd on 33 bars has no value");
	CHECK(ind_macd_last(x, 34, 12, 26, 9, &lm, NULL, NULL) == 0,
	    "macd on 34 bars has one value");
	CHECK(ind_macd(x, n, 26, 12, 9, m, s, h) == -1, "fast >= slow refused");
	CHECK(ind_macd(x, n, 12, 26, 0, m, NULL, NULL) == -1,
	    "signal period 0 refused");
}

/*
 * On a line every seeding gives the same MACD, so check the seed window
 * on real closes: MACD(5,10,4) computed independently (python, TA-Lib
 * definition).  A fast EMA seeded from bar 0 instead would give 0.45772 at
 * index 12.
 */
static void
test_macd_seeding(void)
{
	double m[NELEM(closes)], s[NELEM(closes)], h[NELEM(closes)];
	size_t n = NELEM(closes);

	CHECK(ind_macd(closes, n, 5, 10, 4, m, s, h) == 0, "macd(5,10,4)");
	CHECK(isnan(m[11]), "macd(5,10,4) starts at 12");
	CHECK_NUM(m[12], 0.4471793694521011, 1e-9, "macd(5,10,4) first");
	CHECK_NUM(s[12], 0.5779185797367656, 1e-9, "signal(5,10,4) first");
	CHECK_NUM(h[12], -0.1307392102846645, 1e-9, "hist(5,10,4) first");
	CHECK_NUM(m[32], -0.6082237145105722, 1e-9, "macd(5,10,4) last");
	CHECK_NUM(s[32], -0.541023164954262, 1e-9, "signal(5,10,4) last");
	CHECK_NUM(h[32], -0.06720054955631027, 1e-9, "hist(5,10,4) last");
}

static void
test_too_short(void)
{
	double out[NELEM(closes)], last = 123.0;
	size_t i;
	int all_nan = 1;

	CHECK(ind_rsi_last(closes, 14, 14, &last) == -1, "rsi14 on 14 closes");
	CHECK(last == 123.0, "*out untouched when too short");
	CHECK(ind_sma(closes, 9, 10, out) == -1, "sma10 on 9 closes");
	for (i = 0; i < 9; i++)
		all_nan &= isnan(out[i]) != 0;
	CHECK(all_nan, "too short: every entry NAN");
	CHECK(ind_sma_last(closes, 10, 10, &last) == 0, "sma10 on 10 closes");
	CHECK(ind_ema_last(closes, 9, 10, &last) == -1, "ema10 on 9 closes");
	CHECK(ind_ema_last(closes, 0, 10, &last) == -1, "ema on no closes");
	CHECK(ind_rsi_last(NULL, 0, 14, &last) == -1, "rsi on no closes");
	CHECK(ind_sma_last(closes, 33, 0, &last) == -1, "sma period 0");
	CHECK(ind_ema_last(closes, 33, -3, &last) == -1, "ema period < 0");
	CHECK(ind_rsi_last(closes, 33, 0, &last) == -1, "rsi period 0");
}

static void
test_constant_and_monotonic(void)
{
	double flat[20], up[20], down[20], out[20], last;
	size_t i;
	int zeros = 1;

	for (i = 0; i < 20; i++) {
		flat[i] = 50.0;
		up[i] = 10.0 + i;
		down[i] = 100.0 - 2.0 * i;
	}
	CHECK(ind_rsi(flat, 20, 14, out) == 0, "rsi of a constant series");
	for (i = 14; i < 20; i++)
		zeros &= out[i] == 0.0;
	CHECK(zeros, "constant series: RSI is 0 (no gain, no loss)");
	CHECK(ind_rsi_last(up, 20, 14, &last) == 0, "rsi of a rising series");
	CHECK_NUM(last, 100.0, 1e-12, "only gains: RSI 100");
	CHECK(ind_rsi_last(down, 20, 14, &last) == 0, "rsi of a falling series");
	CHECK_NUM(last, 0.0, 1e-12, "only losses: RSI 0");
	CHECK(ind_ema_last(flat, 20, 5, &last) == 0, "ema of a constant");
	CHECK_NUM(last, 50.0, 1e-12, "ema of a constant is the constant");
}

static void
test_period_one(void)
{
	const double x[] = { 1.0, 2.0, 1.0, 1.0, 4.0 };
	double out[5];

	CHECK(ind_sma(x, 5, 1, out) == 0, "sma1");
	CHECK(out[0] == 1.0 && out[1] == 2.0 && out[4] == 4.0, "sma1 is x");
	CHECK(ind_ema(x, 5, 1, out) == 0, "ema1");
	CHECK(out[0] == 1.0 && out[2] == 1.0 && out[4] == 4.0, "ema1 is x");
	CHECK(ind_rsi(x, 5, 1, out) == 0, "rsi1");
	CHECK(isnan(out[0]), "rsi1 has no value on the first close");
	CHECK_NUM(out[1], 100.0, 1e-12, "rsi1 after a rise");
	CHECK_NUM(out[2], 0.0, 1e-12, "rsi1 after a fall");
	CHECK_NUM(out[3], 0.0, 1e-12, "rsi1 after no change");
	CHECK_NUM(out[4], 100.0, 1e-12, "rsi1 after a rise again");
}

static void
test_change(void)
{
	const double x[] = { 100.0, 110.0, 121.0, 96.8 };
	const double z[] = { 0.0, 5.0, 10.0 };
	double out[4], last;

	CHECK(ind_change_pct(x, 4, 1, out) == 0, "change over 1 bar");
	CHECK(isnan(out[0]), "change entry 0 is NAN");
	CHECK_NUM(out[1], 10.0, 1e-9, "100 -> 110 is +10%%");
	CHECK_NUM(out[2], 10.0, 1e-9, "110 -> 121 is +10%%");
	CHECK_NUM(out[3], -20.0, 1e-9, "121 -> 96.8 is -20%%");
	CHECK(ind_change_pct_last(x, 3, 2, &last) == 0, "change over 2 bars");
	CHECK_NUM(last, 21.0, 1e-9, "100 -> 121 is +21%%");
	CHECK(ind_change_pct_last(x, 4, 4, &last) == -1,
	    "change over 4 bars needs 5 closes");
	CHECK(ind_change_pct_last(x, 4, 0, &last) == -1, "k = 0 refused");
	CHECK(ind_change_pct_last(z, 3, 2, &last) == -1,
	    "change from a base of 0 has no value");
	CHECK(ind_change_pct(z, 3, 1, out) == 0, "series with a zero base");
	CHECK(isnan(out[1]) && out[2] == 100.0, "only the zero-base entry is NAN");
}
