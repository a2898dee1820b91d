/*
 * test_chart.c - the Yahoo chart parser on small bodies in Yahoo's shape.
 *
 * Times are written as days since 1970-01-01 plus an hour: day 20000 is
 * 1728000000, so 1728025200 is day 20000 at 07:00 UTC.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "unit.h"

/*
 * A London listing quoted in pence: a null close on day 20002 and the
 * live day 20006 sent twice (07:00 and 16:30 UTC).
 */
static const char body_london[] =
    "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"GBp\","
    "\"symbol\":\"SHEL.L\",\"exchangeName\":\"LSE\",\"instrumentType\":"
    "\"EQUITY\",\"regularMarketTime\":1728577800,\"gmtoffset\":3600,"
    "\"timezone\":\"BST\",\"regularMarketPrice\":2710.5,"
    "\"fiftyTwoWeekHigh\":2900,\"fiftyTwoWeekLow\":2300,"
    "\"regularMarketVolume\":999,\"longName\":\"Shell plc\","
    "\"shortName\":\"Shell\",\"chartPreviousClose\":2400.0,"
    "\"previousClose\":2700.0,\"dataGranularity\":\"1d\","
    "\"range\":\"6mo\"},"
    "\"timestamp\":[1728025200,1728111600,1728198000,1728284400,"
    "1728370800,1728457200,1728543600,1728577800],"
    "\"indicators\":{\"quote\":[{"
    "\"open\":[2590,2600,null,2640,2655,2690,2700,2700],"
    "\"close\":[2600,2610,null,2650,2660,2700,2705,2710.5],"
    "\"volume\":[100,110,null,130,140,150,160,170]}],"
    "\"adjclose\":[{\"adjclose\":[2600,2610,null,2650,2660,2700,2705,"
    "2710.5]}]}}],\"error\":null}}";

/*
 * Only the fallbacks: no longName, no price, no previousClose, no 52-week
 * range, no volume array, no gmtoffset (UTC).  Day 20010 comes twice, at
 * 22:00 and 23:30 UTC.  chartPreviousClose is the close before the range.
 */
static const char body_fallbacks[] =
    "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\","
    "\"symbol\":\"XYZ\",\"shortName\":\"XYZ Corp\","
    "\"chartPreviousClose\":50.0,\"regularMarketVolume\":5000},"
    "\"timestamp\":[1728741600,1728828000,1728943200,1728948600],"
    "\"indicators\":{\"quote\":[{\"close\":[10,12,11,13]}]}}],"
    "\"error\":null}}";

/*
 * Exchange at UTC+2: 21:30 and 22:30 UTC on day 20020 are 23:30 on day
 * 20020 and 00:30 on day 20021 there, two separate days.
 */
static const char body_offset[] =
    "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"ZAc\","
    "\"symbol\":\"NPN.JO\",\"gmtoffset\":7200,\"regularMarketPrice\":52,"
    "\"regularMarketTime\":1729850400,\"chartPreviousClose\":40},"
    "\"timestamp\":[1729805400,1729809000],"
    "\"indicators\":{\"quote\":[{\"close\":[50,51],"
    "\"volume\":[null,null]}]}}],\"error\":null}}";

/*
 * Exchange at UTC-5, one bar: 02:00 UTC on day 20030 is 21:00 on day 20029
 * there; the market time is the same local day, so there is no earlier
 * bar and chartPreviousClose is the previous close.
 */
static const char body_one_bar[] =
    "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"ILA\","
    "\"symbol\":\"TEVA.TA\",\"gmtoffset\":-18000,"
    "\"regularMarketPrice\":105,\"regularMarketTime\":1730602800,"
    "\"chartPreviousClose\":100},"
    "\"timestamp\":[1730599200],"
    "\"indicators\":{\"quote\":[{\"close\":[104],\"volume\":[7]}]}}],"
    "\"error\":null}}";

/* No bars in the range: Yahoo leaves out timestamp and the quote arrays. */
static const char body_no_bars[] =
    "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"EUR\","
    "\"symbol\":\"NEW.AS\",\"regularMarketPrice\":12.5,"
    "\"previousClose\":12.0},\"indicators\":{\"quote\":[{}]}}],"
    "\"error\":null}}";

static const char body_not_found[] =
    "{\"chart\": {\"result\": null, \"error\": {\"code\": \"Not Found\", "
    "\"description\": \"No data found, symbol may be delisted\"}}}";

static const char body_html[] =
    "<!DOCTYPE html>\n<html><head><title>Yahoo</title></head>"
    "<body>Will be right back...</body></html>\n";

static int	parse(const char *, struct chart *, tb_err *);
static int	is_zeroed(const struct chart *);
static void	test_london(void);
static void	test_not_nul_terminated(void);
static void	test_fallbacks(void);
static void	test_offset(void);
static void	test_one_bar(void);
static void	test_no_bars(void);
static void	test_long_series(void);
static void	expect_error(const char *, size_t, const char *, const char *);
static void	test_errors(void);
static void	test_unit_factor(void);

int
main(void)
{
	test_london();
	test_not_nul_terminated();
	test_fallbacks();
	test_offset();
	test_one_bar();
	test_no_bars();
	test_long_series();
	test_errors();
	test_unit_factor();
	return unit_done();
}

static int
parse(const char *body, struct chart *c, tb_err *e)
{
	tb_err_clear(e);
	return chart_parse(body, strlen(body), c, e);
}

static int
is_zeroed(const struct chart *c)
{
	return c->symbol == NULL && c->long_name == NULL && c->n == 0 &&
	    c->close == NULL && c->volume == NULL && c->time == NULL &&
	    c->day == NULL && c->currency[0] == '\0';
}

static void
test_london(void)
{
	struct chart c;
	tb_err e;

	CHECK(parse(body_london, &c, &e) == 0, "london body parses: %s", e.msg);
	CHECK_STR(c.symbol, "SHEL.L", "symbol");
	CHECK_STR(c.long_name, "Shell plc", "longName preferred to shortName");
	CHECK_STR(c.currency, "GBp", "currency kept as given");
	CHECK_STR(c.major_currency, "GBP", "major currency of GBp");
	CHECK_NUM(c.unit_factor, 0.01, 1e-15, "GBp unit factor");
	CHECK(c.gmtoffset == 3600, "gmtoffset");
	CHECK(c.market_time == 1728577800LL, "regularMarketTime");
	CHECK_NUM(c.price, 2710.5, 1e-9, "price from regularMarketPrice");
	CHECK_NUM(c.previous_close, 2700.0, 1e-9,
	    "previousClose preferred to chartPreviousClose");
	CHECK_NUM(c.change_1d_pct, 0.388888888888883, 1e-9, "1-day change");
	CHECK(c.n == 6, "null close skipped, duplicated day merged: n %zu",
	    c.n);
	if (c.n != 6) {
		chart_free(&c);
		return;
	}
	CHECK(c.close[0] == 2600 && c.close[1] == 2610 && c.close[2] == 2650 &&
	    c.close[3] == 2660 && c.close[4] == 2700, "closes in order");
	CHECK(c.day[0] == 20000 && c.day[1] == 20001 && c.day[2] == 20003 &&
	    c.day[5] == 20006, "days (the null day 20002 is gone)");
	CHECK_NUM(c.close[5], 2710.5, 1e-9, "last row of the live day kept");
	CHECK(c.time[5] == 1728577800LL, "its timestamp kept");
	CHECK_NUM(c.volume[5], 170, 1e-9, "its volume kept");
	CHECK_NUM(c.change_5d_pct, 4.25, 1e-9, "5-day change (2600 -> 2710.5)");
	CHECK(isnan(c.change_1m_pct), "1-month change needs 22 bars");
	CHECK_NUM(c.high_52w, 2900, 1e-9, "52-week high from meta");
	CHECK_NUM(c.low_52w, 2300, 1e-9, "52-week low from meta");
	CHECK_NUM(c.avg_volume, 800.0 / 6, 1e-9,
	    "average volume of the kept rows");
	chart_free(&c);
	CHECK(is_zeroed(&c), "chart_free zeroes the chart");
	chart_free(&c);
	chart_free(NULL);
	CHECK(1, "chart_free twice and on NULL is harmless");
}

/* The length bounds the parse: no NUL after the body, junk after len. */
static void
test_not_nul_terminated(void)
{
	size_t len = strlen(body_london);
	struct chart c;
	tb_err e;
	char *buf;

	if ((buf = malloc(len + 8)) == NULL) {
		CHECK(0, "malloc");
		return;
	}
	memcpy(buf, body_london, len);
	memcpy(buf + len, "garbage!", 8);
	CHECK(chart_parse(buf, len, &c, &e) == 0, "parse by length: %s", e.msg);
	CHECK(c.n == 6 && c.close != NULL && c.close[5] == 2710.5,
	    "same chart as the NUL-terminated body");
	chart_free(&c);
	CHECK(chart_parse(buf, len + 8, &c, &e) == TB_EDATA,
	    "junk after the JSON value is refused");
	CHECK(strstr(e.msg, "not JSON") != NULL, "message: %s", e.msg);
	/* Exactly len bytes, so ASan sees any read past the end. */
	memcpy(buf, body_no_bars, strlen(body_no_bars));
	CHECK(chart_parse(buf, strlen(body_no_bars), &c, &e) == 0,
	    "exact-size buffer parses");
	chart_free(&c);
	free(buf);
}

static void
test_fallbacks(void)
{
	struct chart c;
	tb_err e;

	CHECK(parse(body_fallbacks, &c, &e) == 0, "fallback body parses: %s",
	    e.msg);
	CHECK_STR(c.long_name, "XYZ Corp", "shortName when no longName");
	CHECK_STR(c.major_currency, "USD", "USD is its own major unit");
	CHECK_NUM(c.unit_factor, 1.0, 0, "USD factor 1");
	CHECK(c.gmtoffset == 0, "no gmtoffset: UTC");
	CHECK(c.n == 3, "22:00 and 23:30 UTC are one UTC day: n %zu", c.n);
	if (c.n == 3) {
		CHECK(c.close[2] == 13 && c.time[2] == 1728948600LL,
		    "the later row of day 20010 kept");
		CHECK(c.day[2] == 20010, "day 20010");
	}
	CHECK_NUM(c.price, 13, 1e-9, "no regularMarketPrice: last close");
	CHECK_NUM(c.previous_close, 12, 1e-9,
	    "previous close from the series, not the range's chartPreviousClose");
	CHECK_NUM(c.change_1d_pct, 8.333333333333325, 1e-9, "1-day change");
	CHECK(isnan(c.change_5d_pct), "5-day change needs 6 bars");
	CHECK_NUM(c.high_52w, 13, 1e-9, "52-week high from the series");
	CHECK_NUM(c.low_52w, 10, 1e-9, "52-week low from the series");
	CHECK_NUM(c.avg_volume, 5000, 1e-9,
	    "no volumes: regularMarketVolume");
	CHECK(c.n == 3 && isnan(c.volume[0]) && isnan(c.volume[2]),
	    "volumes are NAN without a volume array");
	chart_free(&c);
}

static void
test_offset(void)
{
	struct chart c;
	tb_err e;

	CHECK(parse(body_offset, &c, &e) == 0, "offset body parses: %s", e.msg);
	CHECK_STR(c.currency, "ZAc", "ZAc kept");
	CHECK_STR(c.major_currency, "ZAR", "ZAc -> ZAR");
	CHECK_NUM(c.unit_factor, 0.01, 1e-15, "ZAc factor");
	CHECK(c.n == 2, "UTC+2 splits the rows into two local days: n %zu",
	    c.n);
	if (c.n == 2)
		CHECK(c.day[0] == 20020 && c.day[1] == 20021,
		    "local days 20020 and 20021");
	CHECK_NUM(c.previous_close, 50, 1e-9,
	    "previous close: the bar before the market time's local day");
	CHECK_NUM(c.change_1d_pct, 4.0, 1e-9, "1-day change 50 -> 52");
	CHECK(isnan(c.avg_volume), "only null volumes, no meta volume: NAN");
	CHECK_STR(c.long_name, "", "no name: empty string");
	chart_free(&c);
}

static void
test_one_bar(void)
{
	struct chart c;
	tb_err e;

	CHECK(parse(body_one_bar, &c, &e) == 0, "one-bar body parses: %s",
	    e.msg);
	CHECK_STR(c.major_currency, "ILS", "ILA -> ILS");
	CHECK(c.n == 1 && c.day[0] == 20029,
	    "UTC-5: 02:00 UTC is the day before locally");
	CHECK_NUM(c.previous_close, 100, 1e-9,
	    "no earlier bar: chartPreviousClose");
	CHECK_NUM(c.change_1d_pct, 5.0, 1e-9, "1-day change 100 -> 105");
	CHECK_NUM(c.avg_volume, 7, 1e-9, "average of one volume");
	CHECK_NUM(c.high_52w, 104, 1e-9, "52-week high of one close");
	chart_free(&c);
}

static void
test_no_bars(void)
{
	struct chart c;
	tb_err e;

	CHECK(parse(body_no_bars, &c, &e) == 0, "body without bars parses: %s",
	    e.msg);
	CHECK(c.n == 0 && c.close == NULL, "no bars");
	CHECK_NUM(c.price, 12.5, 1e-9, "price from meta");
	CHECK_NUM(c.change_1d_pct, 100.0 * (12.5 / 12.0 - 1.0), 1e-9,
	    "1-day change from previousClose");
	CHECK(isnan(c.high_52w) && isnan(c.low_52w), "no 52-week range");
	CHECK(isnan(c.avg_volume), "no volume");
	chart_free(&c);
}

/*
 * 30 bars, close 100 + i, volume 1000 + i except a null on bar 27: the
 * average takes the last 20 volumes that exist (bars 9..29 without 27).
 */
static void
test_long_series(void)
{
	struct chart c;
	tb_err e;
	char *body = NULL;
	size_t len = 0, i;
	FILE *f;
	int ok = 1;

	if ((f = open_memstream(&body, &len)) == NULL) {
		CHECK(0, "open_memstream");
		return;
	}
	fputs("{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"EUR\","
	    "\"symbol\":\"LONG.DE\",\"regularMarketPrice\":129},"
	    "\"timestamp\":[", f);
	for (i = 0; i < 30; i++)
		fprintf(f, "%s%lld", i ? "," : "", (20000LL + i) * 86400 + 3600);
	fputs("],\"indicators\":{\"quote\":[{\"close\":[", f);
	for (i = 0; i < 30; i++)
		fprintf(f, "%s%zu", i ? "," : "", 100 + i);
	fputs("],\"volume\":[", f);
	for (i = 0; i < 30; i++) {
		if (i == 27)
			fputs(",null", f);
		else
			fprintf(f, "%s%zu", i ? "," : "", 1000 + i);
	}
	fputs("]}]}}],\"error\":null}}", f);
	if (fclose(f) != 0 || body == NULL) {
		CHECK(0, "building the body");
		free(body);
		return;
	}
	CHECK(chart_parse(body, len, &c, &e) == 0, "30-bar body parses: %s",
	    e.msg);
	CHECK(c.n == 30, "30 bars");
	for (i = 0; i < c.n; i++)
		ok &= c.close[i] == 100.0 + i && c.day[i] == 20000LL + (long)i;
	CHECK(ok, "every close and day in order");
	CHECK_NUM(c.avg_volume, 20372.0 / 20, 1e-9,
	    "average of the last 20 non-null volumes");
	CHECK_NUM(c.change_5d_pct, 100.0 * (129.0 / 124.0 - 1.0), 1e-9,
	    "5-day change: 5 bars back");
	CHECK_NUM(c.change_1m_pct, 100.0 * (129.0 / 108.0 - 1.0), 1e-9,
	    "1-month change: 21 bars back");
	CHECK_NUM(c.previous_close, 128, 1e-9,
	    "no market time: the bar before the last one");
	chart_free(&c);
	free(body);
}

/* Parse body[0..len-1], expect TB_EDATA, a zeroed chart and the words. */
static void
expect_error(const char *what, size_t len, const char *body,
    const char *words)
{
	struct chart c;
	tb_err e;
	int rc;

	tb_err_clear(&e);
	memset(&c, 0xa5, sizeof c);
	rc = chart_parse(body, len, &c, &e);
	CHECK(rc == TB_EDATA && e.code == TB_EDATA, "%s: TB_EDATA (got %d)",
	    what, rc);
	CHECK(strstr(e.msg, words) != NULL, "%s: message \"%s\" has \"%s\"",
	    what, e.msg, words);
	CHECK(is_zeroed(&c), "%s: chart left zeroed", what);
}

static void
test_errors(void)
{
	static const char *const bodies[][3] = {
		{ "not found", body_not_found, "Not Found" },
		{ "html page", body_html, "not JSON" },
		{ "empty result array",
		  "{\"chart\":{\"result\":[],\"error\":null}}",
		  "empty result" },
		{ "null result, null error",
		  "{\"chart\":{\"result\":null,\"error\":null}}", "no result" },
		{ "no chart object", "{\"finance\":{\"result\":null}}",
		  "no \"chart\"" },
		{ "JSON that is not an object", "[1,2,3]", "no \"chart\"" },
		{ "no meta",
		  "{\"chart\":{\"result\":[{\"timestamp\":[1728025200]}],"
		  "\"error\":null}}", "no meta" },
		{ "no currency",
		  "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"ABC\","
		  "\"regularMarketPrice\":1}}],\"error\":null}}",
		  "ABC: meta has no currency" },
		{ "currency too long",
		  "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"ABC\","
		  "\"currency\":\"DOLLARS!\",\"regularMarketPrice\":1}}],"
		  "\"error\":null}}", "not a currency code" },
		{ "no price at all",
		  "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"ABC\","
		  "\"currency\":\"USD\"},\"timestamp\":[1728025200],"
		  "\"indicators\":{\"quote\":[{\"close\":[null]}]}}],"
		  "\"error\":null}}", "ABC: no regularMarketPrice" },
		{ "arrays of different lengths",
		  "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"ABC\","
		  "\"currency\":\"USD\"},\"timestamp\":[1728025200,1728111600],"
		  "\"indicators\":{\"quote\":[{\"close\":[1]}]}}],"
		  "\"error\":null}}", "for ABC: 1 closes for 2 timestamps" },
		{ "timestamps without closes",
		  "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"ABC\","
		  "\"currency\":\"USD\"},\"timestamp\":[1728025200]}],"
		  "\"error\":null}}", "no indicators.quote[0].close" },
		{ "a close that is a string",
		  "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"ABC\","
		  "\"currency\":\"USD\"},\"timestamp\":[1728025200,1728111600],"
		  "\"indicators\":{\"quote\":[{\"close\":[1,\"2\"]}]}}],"
		  "\"error\":null}}", "close[1] is not a number" },
		{ "rows out of order",
		  "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"ABC\","
		  "\"currency\":\"USD\"},\"timestamp\":[1728111600,1728025200],"
		  "\"indicators\":{\"quote\":[{\"close\":[1,2]}]}}],"
		  "\"error\":null}}", "older than the row before" },
	};
	size_t i;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		expect_error(bodies[i][0], strlen(bodies[i][1]), bodies[i][1],
		    bodies[i][2]);
	expect_error("truncated body", strlen(body_london) / 2, body_london,
	    "not JSON");
	expect_error("empty body", 0, "", "empty body");
	expect_error("html page quoted", strlen(body_html), body_html,
	    "<!DOCTYPE html>");
	expect_error("not found description", strlen(body_not_found),
	    body_not_found, "symbol may be delisted");
}

static void
test_unit_factor(void)
{
	static const struct {
		const char *code, *major;
		double factor;
	} cases[] = {
		{ "GBp", "GBP", 0.01 },
		{ "GBP", "GBP", 1.0 },
		{ "ZAc", "ZAR", 0.01 },
		{ "ZAC", "ZAC", 1.0 },
		{ "ILA", "ILS", 0.01 },
		{ "ILS", "ILS", 1.0 },
		{ "USD", "USD", 1.0 },
		{ "gbp", "gbp", 1.0 },
		{ "", "", 1.0 },
	};
	char major[CHART_CURRENCY_MAX];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_NUM(chart_major_unit_factor(cases[i].code, major),
		    cases[i].factor, 0, "factor of \"%s\"", cases[i].code);
		CHECK_STR(major, cases[i].major, "major unit of \"%s\"",
		    cases[i].code);
	}
	CHECK(chart_major_unit_factor(NULL, major) == 0.0 && major[0] == '\0',
	    "NULL currency: 0 and \"\"");
	CHECK(chart_major_unit_factor("TOOLONGCODE", major) == 0.0 &&
	    major[0] == '\0', "a code too long to copy: 0 and \"\"");
}
