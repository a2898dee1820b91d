/*
 * test_orders.c - the arithmetic and the judgements behind real orders:
 * truncation (never up, robust to binary fractions), the precision
 * fallbacks, currency units (GBX is pence), EUR conversion, quantities,
 * reconciliation matching, the broker's order and error shapes, and the
 * URL the client talks to (demo unless live).
 */
#include "clock.h"
#include "config.h"
#include "http.h"
#include "orders.h"
#include "t212.h"
#include "trades.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
test_truncate(void)
{
	CHECK_NUM(orders_truncate(0.057142857, 4), 0.0571, 1e-12,
	    "40/700 truncates to 0.0571");
	CHECK_NUM(orders_truncate(0.99999, 4), 0.9999, 1e-12,
	    "0.99999 is 0.9999, never rounded up to 1");
	CHECK_NUM(orders_truncate(0.641509, 2), 0.64, 1e-12, "2 decimals");
	CHECK_NUM(orders_truncate(0.641509, 1), 0.6, 1e-12, "1 decimal");
	CHECK_NUM(orders_truncate(3.99, 0), 3, 1e-12, "0 decimals: 3.99 -> 3");
	/* 2.9 is 2.899999999999999911... in binary. */
	CHECK(orders_truncate(2.9, 1) == 2.9, "2.9 at 1 decimal stays 2.9");
	CHECK(orders_truncate(0.29, 2) == 0.29, "0.29 at 2 decimals stays 0.29");
	CHECK(orders_truncate(1.1 * 3, 1) == 3.3, "1.1*3 (3.3000000000000003) "
	    "is 3.3");
	CHECK(orders_truncate(0.1 * 3, 4) == 0.3, "0.1*3 is 0.3");
	CHECK(orders_truncate(0.00009, 4) == 0, "below one step is 0");
	CHECK(orders_truncate(-1, 4) == 0, "negative is 0");
	CHECK(orders_truncate(NAN, 4) == 0, "NaN is 0");
	CHECK(orders_truncate(INFINITY, 4) == 0, "infinity is 0");
	CHECK(orders_truncate(1, 9) == 0, "more than 8 decimals refused");
	CHECK(orders_truncate(123456.78919, 4) == 123456.7891,
	    "large quantities keep 4 decimals");
}

static void
test_decimals(void)
{
	int d = ORDERS_DECIMALS, seq[5], n = 0;

	while (d >= 0 && n < 5) {
		seq[n++] = d;
		d = orders_next_decimals(d);
	}
	CHECK(n == 4 && seq[0] == 4 && seq[1] == 2 && seq[2] == 1 &&
	    seq[3] == 0, "precision fallbacks are 4, 2, 1, 0, then none");
}

static void
test_currency(void)
{
	char norm[4], major[4];
	double minor;

	CHECK(orders_currency("GBp", norm, major, &minor) == 0 &&
	    strcmp(norm, "GBX") == 0 && strcmp(major, "GBP") == 0 &&
	    minor == 100, "GBp is pence: GBX, 100 per GBP");
	CHECK(orders_currency("GBX", norm, major, &minor) == 0 &&
	    strcmp(norm, "GBX") == 0 && minor == 100, "GBX is pence");
	CHECK(orders_currency("GBP", norm, major, &minor) == 0 &&
	    strcmp(norm, "GBP") == 0 && minor == 1, "GBP is pounds");
	CHECK(orders_currency("ZAc", norm, major, &minor) == 0 &&
	    strcmp(major, "ZAR") == 0 && minor == 100, "ZAc is cents");
	CHECK(orders_currency("usd", norm, major, &minor) == 0 &&
	    strcmp(norm, "USD") == 0 && minor == 1, "lower case USD");
	CHECK(orders_currency("EURO", norm, major, &minor) == -1,
	    "4 letters refused");
	CHECK(orders_currency("U$D", norm, major, &minor) == -1,
	    "non-letters refused");
	CHECK(orders_currency(NULL, norm, major, &minor) == -1, "NULL refused");
}

static void
test_quotes(void)
{
	struct orders_quote q;
	char why[128];

	/* SHEL.L: 2650 GBp, EURGBP 0.85 -> 85 pence per EUR. */
	CHECK(orders_make_quote(2650, "GBp", 0.85, NAN, NAN, &q, why,
	    sizeof why) == 0, "GBp quote with the FX row");
	CHECK_NUM(q.per_eur, 85, 1e-9, "85 pence per EUR");
	CHECK_STR(q.currency, "GBX", "quote currency GBX");
	CHECK_NUM(q.price_eur, 2650 / 85.0, 1e-9, "price in EUR");
	CHECK_NUM(orders_quantity(20, &q, 4), 0.6415, 1e-12,
	    "20 EUR of SHEL.L: 1700 pence / 2650 = 0.6415 shares");
	/* The classic bug: 20 EUR as 17 GBP divided by a price in pence. */
	CHECK(orders_quantity(20, &q, 4) > 0.6,
	    "not 0.0064 (GBP divided by a price in pence)");

	/* market_data.eur_rate is used when there is no FX row. */
	CHECK(orders_make_quote(2650, "GBp", NAN, 85, NAN, &q, why,
	    sizeof why) == 0 && fabs(q.per_eur - 85) < 1e-9,
	    "eur_rate (pence per EUR) when no FX row");
	/* Last resort: price / price_eur. */
	CHECK(orders_make_quote(227.56, "USD", NAN, NAN, 210.2948, &q, why,
	    sizeof why) == 0 && fabs(q.per_eur - 227.56 / 210.2948) < 1e-12,
	    "price / price_eur as the rate");
	/* The FX row wins over the other two. */
	CHECK(orders_make_quote(227.56, "USD", 1.0821, 2.0, 1.0, &q, why,
	    sizeof why) == 0 && q.per_eur == 1.0821, "FX row preferred");
	CHECK_NUM(orders_quantity(20, &q, 4), 0.0951, 1e-12,
	    "20 EUR of AAPL at 227.56 USD, EURUSD 1.0821: 0.0951");
	CHECK(orders_make_quote(700, "EUR", NAN, NAN, NAN, &q, why,
	    sizeof why) == 0 && q.per_eur == 1 && q.price_eur == 700,
	    "EUR needs no rate");
	CHECK_NUM(orders_quantity(40, &q, 4), 0.0571, 1e-12,
	    "40 EUR of ASML.AS at 700: 0.0571");
	CHECK_NUM(orders_quantity(40, &q, 0), 0, 1e-12,
	    "at 0 decimals 40 EUR of a 700 EUR share is 0");

	CHECK(orders_make_quote(100, "USD", NAN, NAN, NAN, &q, why,
	    sizeof why) == -1 && strcmp(why, "no EURUSD exchange rate") == 0,
	    "no rate at all: refused with the reason");
	CHECK(orders_make_quote(0, "EUR", NAN, NAN, NAN, &q, why,
	    sizeof why) == -1 && strcmp(why, "no market price") == 0,
	    "price 0 refused");
	CHECK(orders_make_quote(NAN, "EUR", NAN, NAN, NAN, &q, why,
	    sizeof why) == -1, "NaN price refused");
	CHECK(orders_make_quote(10, "XX", 1, NAN, NAN, &q, why,
	    sizeof why) == -1, "bad currency refused");
	q.price = 100;
	q.per_eur = 1;
	CHECK(orders_quantity(-5, &q, 4) == 0 && orders_quantity(NAN, &q, 4) ==
	    0, "non-positive or NaN amounts give 0");
}

static void
test_virtual(void)
{
	CHECK_NUM(trades_virtual_quantity(60, 200), 0.3, 1e-12,
	    "60 EUR at 200 EUR: 0.3");
	CHECK_NUM(trades_virtual_quantity(40, 210.2948), 0.1902, 1e-12,
	    "40 EUR at 210.2948 EUR: 0.1902 (truncated from 0.19021)");
	CHECK(trades_virtual_quantity(40, 0) == 0 &&
	    trades_virtual_quantity(40, NAN) == 0, "no price: 0");
	CHECK(trades_virtual_quantity(0.00001, 1) == 0, "dust: 0");
}

/* An order as the broker lists it. */
static struct t212_order
order(const char *id, const char *ticker, int sell, double qty,
    time_t created, const char *from)
{
	struct t212_order o;

	memset(&o, 0, sizeof o);
	snprintf(o.id, sizeof o.id, "%s", id);
	snprintf(o.ticker, sizeof o.ticker, "%s", ticker);
	snprintf(o.status, sizeof o.status, "NEW");
	snprintf(o.initiated_from, sizeof o.initiated_from, "%s", from);
	o.sell = sell;
	o.quantity = qty;
	o.created_at = created;
	return o;
}

static void
test_match(void)
{
	time_t sent = 1795450000;
	struct orders_pending row = { 7, "ASMLa_EQ", 0, 0.0571, sent };
	struct t212_order list[8];
	unsigned char claimed[8] = { 0 };

	list[0] = order("1", "ASMLa_EQ", 0, 0.0571, sent - 3600, "API");
	list[1] = order("2", "ASMLa_EQ", 1, 0.0571, sent + 1, "API");
	list[2] = order("3", "ASMLa_EQ", 0, 0.0572, sent + 1, "API");
	list[3] = order("4", "ASML_US_EQ", 0, 0.0571, sent + 1, "API");
	list[4] = order("5", "ASMLa_EQ", 0, 0.0571, sent + 1, "WEB");
	CHECK(orders_match(&row, list, 5, claimed) == -1, "too old, other "
	    "side, other quantity, other ticker, not from the API: no match");
	list[5] = order("6", "ASMLa_EQ", 0, 0.0571 + 1e-12, sent + 5, "API");
	list[6] = order("7", "ASMLa_EQ", 0, 0.0571, sent - 60, "");
	CHECK(orders_match(&row, list, 7, claimed) == 6, "within the clock "
	    "skew and without initiatedFrom: the earliest created matches");
	claimed[6] = 1;
	CHECK(orders_match(&row, list, 7, claimed) == 5, "a claimed order is "
	    "not taken twice; 1e-12 shares off still matches");
	claimed[5] = 1;
	CHECK(orders_match(&row, list, 7, claimed) == -1, "all claimed: none");
	list[7] = order("8", "ASMLa_EQ", 0, 0.0571, 0, "API");
	CHECK(orders_match(&row, list + 7, 1, NULL) == -1,
	    "an order without createdAt is never assumed ours");
	row.sell = 1;
	CHECK(orders_match(&row, list, 2, NULL) == 1, "a sell matches a sell");
}

static void
test_order_parse(void)
{
	const char *hist = "{\"items\":[{\"order\":{\"id\":54850132221,"
	    "\"ticker\":\"AAPL_US_EQ\",\"quantity\":0.2514,\"filledQuantity\":"
	    "0.2514,\"filledValue\":57.21,\"status\":\"FILLED\",\"side\":"
	    "\"BUY\",\"initiatedFrom\":\"API\",\"createdAt\":"
	    "\"2026-11-23T16:10:02Z\"},\"fill\":{\"quantity\":0.2514,"
	    "\"price\":227.56,\"walletImpact\":{\"currency\":\"EUR\","
	    "\"fxRate\":1.0821,\"netValue\":52.87}}}]}";
	const char *old = "{\"id\":\"99\",\"ticker\":\"SAPd_EQ\","
	    "\"orderedQuantity\":-2,\"filledQuantity\":-2,\"fillPrice\":200.5,"
	    "\"status\":\"FILLED\",\"dateCreated\":\"2024-05-01T10:00:00.123+02:00\"}";
	struct t212_order o;
	cJSON *doc;
	tb_err e;
	time_t t;

	doc = cJSON_Parse(hist);
	CHECK(t212_order_parse(cJSON_GetArrayItem(cJSON_GetObjectItem(doc,
	    "items"), 0), &o, &e) == 0, "2026 history item parses");
	clock_parse_iso("2026-11-23T16:10:02Z", &t);
	CHECK(strcmp(o.id, "54850132221") == 0 && strcmp(o.ticker,
	    "AAPL_US_EQ") == 0 && !o.sell && o.quantity == 0.2514 &&
	    o.created_at == t && strcmp(o.initiated_from, "API") == 0,
	    "id, ticker, side, quantity, createdAt, initiatedFrom");
	CHECK(o.fill_price == 227.56 && o.filled_quantity == 0.2514 &&
	    o.wallet_value == 52.87 && strcmp(o.wallet_currency, "EUR") == 0 &&
	    t212_order_state(&o) == T212_FILLED, "the fill: price, quantity, "
	    "EUR value, FILLED");
	cJSON_Delete(doc);

	doc = cJSON_Parse(old);
	CHECK(t212_order_parse(doc, &o, &e) == 0 && o.sell &&
	    o.quantity == 2 && o.fill_price == 200.5 &&
	    strcmp(o.id, "99") == 0, "2024 flat shape: a sell of 2 at 200.5");
	clock_parse_iso("2024-05-01T08:00:00Z", &t);
	CHECK(o.created_at == t, "dateCreated with an offset and millis");
	cJSON_Delete(doc);

	doc = cJSON_Parse("{\"id\":1,\"ticker\":\"X_US_EQ\"}");
	CHECK(t212_order_parse(doc, &o, &e) == TB_EDATA, "no quantity: refused");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"id\":1.5,\"ticker\":\"X_US_EQ\",\"quantity\":1}");
	CHECK(t212_order_parse(doc, &o, &e) == TB_EDATA,
	    "a fractional id is refused");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"id\":1,\"ticker\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAA_US_EQ\",\"quantity\":1}");
	CHECK(t212_order_parse(doc, &o, &e) == TB_EDATA,
	    "a ticker too long is refused, not truncated");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"id\":5,\"ticker\":\"X_US_EQ\",\"quantity\":1,"
	    "\"status\":\"CANCELLED\"}");
	CHECK(t212_order_parse(doc, &o, &e) == 0 &&
	    t212_order_state(&o) == T212_DEAD && o.created_at == 0,
	    "CANCELLED is dead; no createdAt is 0");
	cJSON_Delete(doc);
}

static void
test_errors(void)
{
	char buf[200];

	t212_error_message("{\"code\":\"InsufficientResources\","
	    "\"clarification\":\"Insufficient funds to place the order\"}",
	    buf, sizeof buf);
	CHECK_STR(buf, "InsufficientResources: Insufficient funds to place "
	    "the order", "2024 shape: code: clarification");
	t212_error_message("{\"type\":\"/api-errors/invalid-request\","
	    "\"title\":\"The request is invalid\",\"status\":400,"
	    "\"detail\":\"Invalid payload\"}", buf, sizeof buf);
	CHECK_STR(buf, "The request is invalid: Invalid payload",
	    "2026 shape: title: detail");
	t212_error_message("Limited: 50 / 1m0s\n", buf, sizeof buf);
	CHECK_STR(buf, "Limited: 50 / 1m0s ", "plain text kept on one line");
	t212_error_message("", buf, sizeof buf);
	CHECK_STR(buf, "(no body)", "empty body");
	CHECK(t212_is_precision_error("{\"code\":\"QuantityPrecisionMismatch\"}"),
	    "QuantityPrecisionMismatch is a precision error");
	CHECK(t212_is_precision_error("{\"detail\":\"Too many decimal places\"}"),
	    "a 2026 detail about decimals is one");
	CHECK(!t212_is_precision_error("{\"code\":\"InsufficientResources\"}") &&
	    !t212_is_precision_error(NULL), "insufficient funds is not");
}

/* The URL comes from t212_environment: demo unless "live". */
static void
test_environment(void)
{
	struct tb_config c;
	struct t212_client t;
	struct http_request req;
	char home[] = "/tmp/test_orders.XXXXXX";
	tb_err e;
	int rc;

	if (mkdtemp(home) == NULL) {
		CHECK(0, "mkdtemp");
		return;
	}
	setenv("TB_HOME", home, 1);
	unsetenv("TB_CONFIG");
	unsetenv("TB_T212_BASE_URL");
	unsetenv("TB_T212_ENVIRONMENT");
	unsetenv("T212_API_KEY");
	unsetenv("T212_API_SECRET");
	CHECK(config_load(&c, NULL, &e) == 0, "defaults load");
	CHECK_STR(c.t212_base_url, "https://demo.trading212.com",
	    "the default account is demo");
	CHECK(t212_init(&t, &c, &e) == TB_ECONFIG &&
	    strstr(e.msg, "T212_API_KEY") != NULL,
	    "no key: a configuration error naming T212_API_KEY");
	config_free(&c);
	setenv("TB_T212_ENVIRONMENT", "live", 1);
	CHECK(config_load(&c, NULL, &e) == 0 &&
	    strcmp(c.t212_base_url, "https://live.trading212.com") == 0,
	    "live only when asked for");
	config_free(&c);
	unsetenv("TB_T212_ENVIRONMENT");

	/* The client's URL is base + /api/v0 + path (to a closed port). */
	setenv("TB_T212_BASE_URL", "http://127.0.0.1:1", 1);
	setenv("T212_API_KEY", "unit-key", 1);
	setenv("TB_HTTP_BACKOFF_SCALE", "0", 1);
	CHECK(config_load(&c, NULL, &e) == 0, "config with a key");
	CHECK(t212_init(&t, &c, &e) == 0, "client with a key");
	rc = t212_request(&t, "GET", "/equity/orders", NULL, 1, &req, &e);
	CHECK(rc == TB_EUNAVAIL && strstr(e.msg,
	    "http://127.0.0.1:1/api/v0/equity/orders") != NULL &&
	    strstr(e.msg, "unit-key") == NULL,
	    "GET base/api/v0/equity/orders; unreachable is 69; no key shown");
	CHECK(!req.connected && req.status == 0, "never connected");
	http_request_reset(&req);
	t212_free(&t);
	config_free(&c);
	unsetenv("TB_T212_BASE_URL");
	unsetenv("T212_API_KEY");
	rmdir(home);
}

int
main(void)
{
	tb_err e;

	if (http_global_init(&e) != 0)
		return 1;
	test_truncate();
	test_decimals();
	test_currency();
	test_quotes();
	test_virtual();
	test_match();
	test_order_parse();
	test_errors();
	test_environment();
	http_global_cleanup();
	return unit_done();
}
