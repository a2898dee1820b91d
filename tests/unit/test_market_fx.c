/*
 * test_market_fx.c - lib/market's pure parts: which FX pair a currency
 * needs, EUR conversion with minor units (London's GBp pence), a quote
 * from a chart fixture, and quoteSummary's fundamentals.
 */
#include "market.h"
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicators.h"

static char *
slurp(const char *name, size_t *len)
{
	const char *root = getenv("TB_ROOT");
	char path[1024];
	char *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof path, "%s/tests/fixtures/yahoo/%s",
	    root != NULL ? root : ".", name);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static void
test_pairs(void)
{
	char pair[16];

	CHECK(market_fx_pair("USD", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURUSD=X") == 0, "pair: USD -> EURUSD=X");
	CHECK(market_fx_pair("GBp", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURGBP=X") == 0, "pair: GBp pence -> EURGBP=X");
	CHECK(market_fx_pair("GBP", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURGBP=X") == 0, "pair: GBP -> EURGBP=X");
	CHECK(market_fx_pair("GBX", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURGBP=X") == 0, "pair: T212's GBX -> EURGBP=X");
	CHECK(market_fx_pair("ZAc", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURZAR=X") == 0, "pair: ZAc cents -> EURZAR=X");
	CHECK(market_fx_pair("CHF", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURCHF=X") == 0, "pair: CHF -> EURCHF=X");
	CHECK(market_fx_pair("EUR", pair, sizeof pair) == 0,
	    "pair: EUR needs none");
	CHECK(market_fx_pair("", pair, sizeof pair) == -1 &&
	    market_fx_pair(NULL, pair, sizeof pair) == -1 &&
	    market_fx_pair("usd", pair, sizeof pair) == -1 &&
	    market_fx_pair("DOLLARS", pair, sizeof pair) == -1,
	    "pair: unknown currencies are refused");
	CHECK(market_fx_pair("USD", pair, 8) == -1,
	    "pair: a buffer too small is refused, not cut");
	CHECK(market_expected_pair("SHEL.L", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURGBP=X") == 0, "expected: .L -> EURGBP=X");
	CHECK(market_expected_pair("AAPL", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURUSD=X") == 0, "expected: US -> EURUSD=X");
	CHECK(market_expected_pair("SAP.DE", pair, sizeof pair) == 0,
	    "expected: .DE needs none");
	CHECK(market_expected_pair("NESN.SW", pair, sizeof pair) == 1 &&
	    strcmp(pair, "EURCHF=X") == 0, "expected: .SW -> EURCHF=X");
}

static void
test_apply(void)
{
	struct market_quote q;

	market_quote_clear(&q);
	strcpy(q.currency, "GBp");
	q.price = 2706.306;
	CHECK(market_apply_fx(&q, 0.8652) == 0, "apply: GBp with EURGBP");
	CHECK_NUM(q.eur_rate, 86.52, 1e-9, "apply: 86.52 pence per EUR");
	CHECK_NUM(q.price_eur, 2706.306 / 86.52, 1e-9,
	    "apply: 2706.306 GBp is 31.28 EUR");
	CHECK_NUM(q.price_eur, 31.2795, 1e-4, "apply: the EUR value itself");

	strcpy(q.currency, "GBP");
	q.price = 27.06306;
	CHECK(market_apply_fx(&q, 0.8652) == 0 && fabs(q.eur_rate - 0.8652) <
	    1e-12, "apply: GBP (pounds) is not scaled");
	CHECK_NUM(q.price_eur, 31.2795, 1e-4, "apply: pounds give the same EUR");

	strcpy(q.currency, "USD");
	q.price = 108.0;
	CHECK(market_apply_fx(&q, 1.08) == 0, "apply: USD");
	CHECK_NUM(q.price_eur, 100.0, 1e-9, "apply: 108 USD at 1.08 is 100 EUR");

	strcpy(q.currency, "EUR");
	q.price = 673.815;
	CHECK(market_apply_fx(&q, 1.0) == 0 && q.price_eur == 673.815 &&
	    q.eur_rate == 1.0, "apply: EUR at 1");

	strcpy(q.currency, "USD");
	CHECK(market_apply_fx(&q, NAN) == -1 && isnan(q.price_eur) &&
	    isnan(q.eur_rate), "apply: no rate leaves the EUR price unknown");
	CHECK(market_apply_fx(&q, 0) == -1 && isnan(q.price_eur),
	    "apply: a zero rate is refused");
	CHECK(market_apply_fx(&q, -1.1) == -1, "apply: a negative rate too");
	q.currency[0] = '\0';
	CHECK(market_apply_fx(&q, 1.1) == -1 && isnan(q.price_eur),
	    "apply: an unknown currency is refused");
}

static void
test_chart(void)
{
	struct market_quote q;
	struct chart c;
	tb_err e;
	char *body;
	size_t len = 0;
	double v, m, s, h;

	if ((body = slurp("chart_SHEL.L.json", &len)) == NULL) {
		CHECK(0, "chart: tests/fixtures/yahoo/chart_SHEL.L.json "
		    "readable (set TB_ROOT)");
		return;
	}
	CHECK(chart_parse(body, len, &c, &e) == 0, "chart: SHEL.L parses");
	market_quote_clear(&q);
	q.symbol = strdup("SHEL.L");
	CHECK(market_quote_from_chart(&q, &c, &e) == 0 && q.ok,
	    "chart: quote filled");
	CHECK_STR(q.currency, "GBp", "chart: currency as quoted");
	CHECK_STR(q.name, "Shell plc", "chart: the long name");
	CHECK_NUM(q.price, 2706.306, 1e-9, "chart: regularMarketPrice");
	CHECK_NUM(q.previous_close, 2706.2901, 1e-9, "chart: previousClose");
	CHECK_NUM(q.high_52w, 2867.7841, 1e-9, "chart: 52-week high");
	CHECK(ind_sma_last(c.close, c.n, 20, &v) == 0 &&
	    fabs(q.sma20 - v) < 1e-9, "chart: SMA20 of the closes");
	CHECK(ind_sma_last(c.close, c.n, 50, &v) == 0 &&
	    fabs(q.sma50 - v) < 1e-9 && q.sma50 != q.sma20,
	    "chart: SMA50 of the closes");
	CHECK(ind_ema_last(c.close, c.n, 12, &v) == 0 &&
	    fabs(q.ema12 - v) < 1e-9, "chart: EMA12");
	CHECK(ind_ema_last(c.close, c.n, 26, &v) == 0 &&
	    fabs(q.ema26 - v) < 1e-9, "chart: EMA26");
	CHECK(ind_rsi_last(c.close, c.n, 14, &v) == 0 &&
	    fabs(q.rsi14 - v) < 1e-9 && q.rsi14 > 0 && q.rsi14 < 100,
	    "chart: RSI14 (Wilder)");
	CHECK(ind_macd_last(c.close, c.n, 12, 26, 9, &m, &s, &h) == 0 &&
	    fabs(q.macd - m) < 1e-9 && fabs(q.macd_signal - s) < 1e-9 &&
	    fabs(q.macd_hist - (q.macd - q.macd_signal)) < 1e-9,
	    "chart: MACD 12/26/9, signal and histogram");
	CHECK(market_apply_fx(&q, 0.8652) == 0 &&
	    fabs(q.price_eur - 31.2795) < 1e-4, "chart: pence to EUR");
	market_quote_free(&q);

	/* Too short a series: the long indicators are unknown, not zero. */
	c.n = 30;
	market_quote_clear(&q);
	q.symbol = strdup("SHEL.L");
	CHECK(market_quote_from_chart(&q, &c, &e) == 0 && isnan(q.sma50) &&
	    isnan(q.macd) && !isnan(q.sma20), "chart: 30 bars give no SMA50 "
	    "or MACD, but an SMA20");
	market_quote_free(&q);
	c.n = 0;
	chart_free(&c);
	free(body);
}

static void
test_fundamentals(void)
{
	struct market_quote q;
	const char *ok = "{\"quoteSummary\":{\"result\":[{\"summaryDetail\":"
	    "{\"marketCap\":{\"raw\":2.8e11,\"fmt\":\"280B\"},\"trailingPE\":"
	    "{\"raw\":35.2,\"fmt\":\"35.20\"}},\"assetProfile\":{\"sector\":"
	    "\"Technology\"}}],\"error\":null}}";
	const char *forward = "{\"quoteSummary\":{\"result\":[{"
	    "\"defaultKeyStatistics\":{\"forwardPE\":{\"raw\":12.5}}}]}}";
	const char *denied = "{\"finance\":{\"result\":null,\"error\":"
	    "{\"code\":\"Unauthorized\",\"description\":\"Invalid Crumb\"}}}";

	market_quote_clear(&q);
	CHECK(market_parse_fundamentals(&q, ok, strlen(ok)) == 0,
	    "fundamentals: a result");
	CHECK_NUM(q.market_cap, 2.8e11, 1, "fundamentals: market cap raw");
	CHECK_NUM(q.pe_ratio, 35.2, 1e-9, "fundamentals: trailing P/E");
	CHECK_STR(q.sector, "Technology", "fundamentals: sector");
	market_quote_free(&q);

	market_quote_clear(&q);
	CHECK(market_parse_fundamentals(&q, forward, strlen(forward)) == 0 &&
	    fabs(q.pe_ratio - 12.5) < 1e-9 && isnan(q.market_cap) &&
	    q.sector == NULL, "fundamentals: forward P/E when no trailing");
	CHECK(market_parse_fundamentals(&q, denied, strlen(denied)) == -1 &&
	    fabs(q.pe_ratio - 12.5) < 1e-9,
	    "fundamentals: Invalid Crumb changes nothing");
	CHECK(market_parse_fundamentals(&q, "<html>", 6) == -1,
	    "fundamentals: HTML is no result");
	market_quote_free(&q);
}

int
main(void)
{
	test_pairs();
	test_apply();
	test_chart();
	test_fundamentals();
	return unit_done();
}
