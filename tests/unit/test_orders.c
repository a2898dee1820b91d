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
#include "unitdb.h"

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

	CHECK(price_currency("GBp", norm, major, &minor) == 0 &&
	    strcmp(norm, "GBX") == 0 && strcmp(major, "GBP") == 0 &&
	    minor == 100, "GBp is pence: GBX, 100 per GBP");
	CHECK(price_currency("GBX", norm, major, &minor) == 0 &&
	    strcmp(norm, "GBX") == 0 && minor == 100, "GBX is pence");
	CHECK(price_currency("GBP", norm, major, &minor) == 0 &&
	    strcmp(norm, "GBP") == 0 && minor == 1, "GBP is pounds");
	CHECK(price_currency("ZAc", norm, major, &minor) == 0 &&
	    strcmp(major, "ZAR") == 0 && minor == 100, "ZAc is cents");
	CHECK(price_currency("usd", norm, major, &minor) == 0 &&
	    strcmp(norm, "USD") == 0 && minor == 1, "lower case USD");
	CHECK(price_currency("EURO", norm, major, &minor) == -1,
	    "4 letters refused");
	CHECK(price_currency("U$D", norm, major, &minor) == -1,
	    "non-letters refused");
	CHECK(price_currency(NULL, norm, major, &minor) == -1, "NULL refused");
}

static void
test_quotes(void)
{
	struct price_quote q;
	char why[128];

	/* SHEL.L: 2650 GBp, EURGBP 0.85 -> 85 pence per EUR. */
	CHECK(price_quote_make(2650, "GBp", 0.85, NAN, NAN, &q, why,
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
	CHECK(price_quote_make(2650, "GBp", NAN, 85, NAN, &q, why,
	    sizeof why) == 0 && fabs(q.per_eur - 85) < 1e-9,
	    "eur_rate (pence per EUR) when no FX row");
	/* Last resort: price / price_eur. */
	CHECK(price_quote_make(227.56, "USD", NAN, NAN, 210.2948, &q, why,
	    sizeof why) == 0 && fabs(q.per_eur - 227.56 / 210.2948) < 1e-12,
	    "price / price_eur as the rate");
	/* The FX row wins over the other two. */
	CHECK(price_quote_make(227.56, "USD", 1.0821, 2.0, 1.0, &q, why,
	    sizeof why) == 0 && q.per_eur == 1.0821, "FX row preferred");
	CHECK_NUM(orders_quantity(20, &q, 4), 0.0951, 1e-12,
	    "20 EUR of AAPL at 227.56 USD, EURUSD 1.0821: 0.0951");
	CHECK(price_quote_make(700, "EUR", NAN, NAN, NAN, &q, why,
	    sizeof why) == 0 && q.per_eur == 1 && q.price_eur == 700,
	    "EUR needs no rate");
	CHECK_NUM(orders_quantity(40, &q, 4), 0.0571, 1e-12,
	    "40 EUR of ASML.AS at 700: 0.0571");
	CHECK_NUM(orders_quantity(40, &q, 0), 0, 1e-12,
	    "at 0 decimals 40 EUR of a 700 EUR share is 0");

	CHECK(price_quote_make(100, "USD", NAN, NAN, NAN, &q, why,
	    sizeof why) == -1 && strcmp(why, "no EURUSD exchange rate") == 0,
	    "no rate at all: refused with the reason");
	CHECK(price_quote_make(0, "EUR", NAN, NAN, NAN, &q, why,
	    sizeof why) == -1 && strcmp(why, "no market price") == 0,
	    "price 0 refused");
	CHECK(price_quote_make(NAN, "EUR", NAN, NAN, NAN, &q, why,
	    sizeof why) == -1, "NaN price refused");
	CHECK(price_quote_make(10, "XX", 1, NAN, NAN, &q, why,
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
	struct journal_pending row = { 7, "ASMLa_EQ", 0, 0.0571, sent };
	struct t212_order list[8];
	unsigned char claimed[8] = { 0 };

	list[0] = order("1", "ASMLa_EQ", 0, 0.0571, sent - 3600, "API");
	list[1] = order("2", "ASMLa_EQ", 1, 0.0571, sent + 1, "API");
	list[2] = order("3", "ASMLa_EQ", 0, 0.0572, sent + 1, "API");
	list[3] = order("4", "ASML_US_EQ", 0, 0.0571, sent + 1, "API");
	list[4] = order("5", "ASMLa_EQ", 0, 0.0571, sent + 1, "WEB");
	CHECK(journal_match(&row, list, 5, claimed) == -1, "too old, other "
	    "side, other quantity, other ticker, not from the API: no match");
	list[5] = order("6", "ASMLa_EQ", 0, 0.0571 + 1e-12, sent + 5, "API");
	list[6] = order("7", "ASMLa_EQ", 0, 0.0571, sent - 60, "");
	CHECK(journal_match(&row, list, 7, claimed) == 6, "within the clock "
	    "skew and without initiatedFrom: the earliest created matches");
	claimed[6] = 1;
	CHECK(journal_match(&row, list, 7, claimed) == 5, "a claimed order is "
	    "not taken twice; 1e-12 shares off still matches");
	claimed[5] = 1;
	CHECK(journal_match(&row, list, 7, claimed) == -1, "all claimed: none");
	list[7] = order("8", "ASMLa_EQ", 0, 0.0571, 0, "API");
	CHECK(journal_match(&row, list + 7, 1, NULL) == -1,
	    "an order without createdAt is never assumed ours");
	row.sell = 1;
	CHECK(journal_match(&row, list, 2, NULL) == 1, "a sell matches a sell");
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
	/* Quantity refusals in three wordings, and what is not one. */
	CHECK(t212_is_quantity_refusal(400, "{\"code\":"
	    "\"QuantityPrecisionMismatch\",\"clarification\":\"x\"}"),
	    "2024 QuantityPrecisionMismatch is a quantity refusal");
	CHECK(t212_is_quantity_refusal(400, "{\"type\":\"/api-errors/"
	    "invalid-request\",\"title\":\"The request is invalid\","
	    "\"detail\":\"Too many DECIMAL places\"}"),
	    "a 2026 detail about decimals, in capitals, is one");
	CHECK(t212_is_quantity_refusal(400, "{\"title\":\"Invalid "
	    "quantity\",\"detail\":\"fractional shares not supported\"}"),
	    "\"Invalid quantity\" is one");
	CHECK(!t212_is_quantity_refusal(400, "{\"code\":"
	    "\"InsufficientResources\"}") &&
	    !t212_is_quantity_refusal(400, NULL),
	    "insufficient funds is not");
	CHECK(!t212_is_quantity_refusal(500, "{\"detail\":\"quantity\"}") &&
	    !t212_is_quantity_refusal(429, "quantity"),
	    "only a 400 is a refusal of the quantity");
	CHECK(t212_is_error_body("{\"code\":\"X\"}") &&
	    t212_is_error_body("{\"type\":\"/api-errors/x\",\"status\":400}")
	    && !t212_is_error_body("<html>Bad Request</html>") &&
	    !t212_is_error_body("") && !t212_is_error_body("{}"),
	    "the broker's error bodies, and what is not one");
}

/* What each answer to a market order proves (orders.h). */
static void
test_outcome(void)
{
	static const char err[] = "{\"code\":\"InsufficientResources\"}";
	static const char qty[] = "{\"code\":\"QuantityPrecisionMismatch\"}";
	static const struct {
		int rc;
		long status;
		int attempts, connected;
		const char *body;
		enum order_outcome want;
		const char *what;
	} cases[] = {
		{ 0, 200, 1, 1, "{}", ORDER_TAKEN, "a readable 2xx" },
		{ TB_EUNAVAIL, 200, 1, 1, "garbage", ORDER_UNCLEAR,
		    "an unreadable 2xx" },
		{ TB_EUNAVAIL, 0, 1, 0, NULL, ORDER_NOT_SENT,
		    "connection refused" },
		{ TB_EINTERNAL, 0, 0, 0, NULL, ORDER_NOT_SENT,
		    "never attempted" },
		{ TB_EUNAVAIL, 0, 1, 1, NULL, ORDER_UNCLEAR,
		    "a timeout or reset after connecting" },
		{ TB_EUNAVAIL, 408, 1, 1, "", ORDER_UNCLEAR, "408" },
		{ TB_EUNAVAIL, 429, 1, 1, "Limited: 50 / 1m0s",
		    ORDER_UNCLEAR, "429" },
		{ TB_EUNAVAIL, 500, 1, 1, err, ORDER_UNCLEAR, "500" },
		{ TB_EUNAVAIL, 503, 1, 1, "", ORDER_UNCLEAR, "503" },
		{ TB_EDATA, 400, 1, 1, err, ORDER_REFUSED,
		    "400 with an error body" },
		{ TB_EDATA, 400, 1, 1, "<html>400</html>", ORDER_UNCLEAR,
		    "400 from a proxy (no error body)" },
		{ TB_EDATA, 400, 1, 1, qty, ORDER_QTY_REFUSED,
		    "400 about the quantity" },
		{ TB_EDATA, 401, 1, 1, "", ORDER_REFUSED, "401" },
		{ TB_EDATA, 403, 1, 1, "", ORDER_REFUSED, "403" },
		{ TB_EDATA, 404, 1, 1, "", ORDER_REFUSED, "404" },
		{ TB_EDATA, 422, 1, 1, err, ORDER_REFUSED, "422" },
		{ TB_EDATA, 409, 1, 1, err, ORDER_UNCLEAR, "409" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(orders_outcome(cases[i].rc, cases[i].status,
		    cases[i].attempts, cases[i].connected, cases[i].body) ==
		    cases[i].want, "outcome: %s", cases[i].what);
}

/* Sizing within the pick, in whole cents (orders_size, orders_value). */
static void
test_size(void)
{
	struct price_quote q;
	char why[64];
	double s;

	price_quote_make(700, "EUR", NAN, NAN, NAN, &q, why, sizeof why);
	CHECK(orders_size(4000, &q, 4) == 0.0571 &&
	    orders_value(0.0571, &q) == 3997, "40 EUR of a 700 EUR share: "
	    "0.0571 worth 39.97");
	price_quote_make(3, "EUR", NAN, NAN, NAN, &q, why, sizeof why);
	/* 0.1 / 0.3 etc.: 3333 cents at 3 EUR is 11.11 shares = 33.33. */
	CHECK(orders_size(3333, &q, 2) == 11.11 &&
	    orders_value(11.11, &q) <= 3333, "33.33 EUR at 3 EUR: 11.11");
	price_quote_make(0.07, "EUR", NAN, NAN, NAN, &q, why, sizeof why);
	s = orders_size(100, &q, 0);
	CHECK(s == 14 && orders_value(s, &q) == 98, "1 EUR at 0.07: 14 "
	    "shares, 0.98");
	/* A price a hair above a cent boundary must not round past it. */
	price_quote_make(10.000001, "EUR", NAN, NAN, NAN, &q, why, sizeof why);
	s = orders_size(1000, &q, 0);
	CHECK(s == 0, "10.00 EUR at 10.000001: 1 share would be 10.01 "
	    "rounded up: none");
	s = orders_size(2000, &q, 4);
	CHECK(s > 0 && orders_value(s, &q) <= 2000, "with decimals: within "
	    "the amount (%.4f)", s);
	/* GBX: 35 EUR at 2706.29 pence, 85.2 pence per EUR. */
	price_quote_make(2706.29, "GBp", 0.852, NAN, NAN, &q, why, sizeof why);
	s = orders_size(3500, &q, 4);
	CHECK(s == 1.1018 && orders_value(s, &q) <= 3500,
	    "35 EUR of SHEL.L in pence: 1.1018 shares");
	CHECK(orders_size(0, &q, 4) == 0 && orders_size(-1, &q, 4) == 0,
	    "nothing to spend: 0");
	q.price = NAN;
	CHECK(orders_size(3500, &q, 4) == 0 &&
	    orders_value(1, &q) == MONEY_INVALID, "no price: 0 and invalid");
}

/* An order at the broker that no row names blocks a new one. */
static void
test_unclaimed(void)
{
	struct t212_order o[4];
	unsigned char claimed[4] = { 0, 0, 0, 0 };
	time_t day = 1764000000;

	o[0] = order("1", "AAPL_US_EQ", 0, 0.1, day + 100, "API");
	o[1] = order("2", "AAPL_US_EQ", 0, 0.2, day + 200, "API");
	o[2] = order("3", "AAPL_US_EQ", 1, 0.2, day + 300, "API");
	o[3] = order("4", "MSFT_US_EQ", 0, 0.2, day - 100, "API");
	CHECK(journal_unclaimed(o, 4, claimed, "AAPL_US_EQ", 0, day) == 1,
	    "the newest unclaimed buy of the instrument");
	claimed[1] = 1;
	CHECK(journal_unclaimed(o, 4, claimed, "AAPL_US_EQ", 0, day) == 0,
	    "a claimed one does not count");
	claimed[0] = 1;
	CHECK(journal_unclaimed(o, 4, claimed, "AAPL_US_EQ", 0, day) == -1,
	    "all claimed: none (a sell is another side)");
	CHECK(journal_unclaimed(o, 4, claimed, "MSFT_US_EQ", 0, day) == -1,
	    "created before the window: none");
	snprintf(o[3].initiated_from, sizeof o[3].initiated_from, "WEB");
	CHECK(journal_unclaimed(o, 4, NULL, "MSFT_US_EQ", 0, day - 200) == -1,
	    "an order made in the app is not tb's");
	o[3].initiated_from[0] = '\0';
	o[3].created_at = 0;
	CHECK(journal_unclaimed(o, 4, NULL, "MSFT_US_EQ", 0, day) == 3,
	    "no origin and no creation time: cannot be ruled out");
}

/* The states and their moves (the trigger is checked in db.bats). */
static void
test_states(void)
{
	enum trade_status s;
	int i, moves = 0;

	for (i = 0; i < TRADE_NSTATUS; i++)
		CHECK(trade_status_parse(trade_status_name(i), &s) == 0 &&
		    (int)s == i, "state %s round-trips", trade_status_name(i));
	CHECK(trade_status_parse("lost", &s) == -1 &&
	    trade_status_name(TRADE_NSTATUS) == NULL, "no other states");
	CHECK(trade_status_may_move(TRADE_PENDING, TRADE_FAILED) &&
	    trade_status_may_move(TRADE_UNKNOWN, TRADE_FAILED) &&
	    !trade_status_may_move(TRADE_REJECTED, TRADE_PENDING) &&
	    !trade_status_may_move(TRADE_FAILED, TRADE_PENDING) &&
	    !trade_status_may_move(TRADE_SUBMITTED, TRADE_PENDING) &&
	    !trade_status_may_move(TRADE_BOOKED, TRADE_SKIPPED),
	    "refused orders cannot be revived");
	for (i = 0; i < TRADE_NSTATUS * TRADE_NSTATUS; i++)
		moves += i / TRADE_NSTATUS != i % TRADE_NSTATUS &&
		    trade_status_may_move(i / TRADE_NSTATUS,
		    i % TRADE_NSTATUS);
	CHECK(moves == 11, "eleven moves between states (%d)", moves);
	CHECK(trade_status_holds(TRADE_PENDING) &&
	    trade_status_holds(TRADE_SUBMITTED) &&
	    trade_status_holds(TRADE_FILLED) &&
	    trade_status_holds(TRADE_UNKNOWN) &&
	    !trade_status_holds(TRADE_REJECTED) &&
	    !trade_status_holds(TRADE_FAILED) &&
	    !trade_status_holds(TRADE_SKIPPED),
	    "only proven refusals and skips may be sent again");
}

/* Whether the database lets a row move from one status to another. */
static int
db_allows(sqlite3 *db, const char *from, const char *to)
{
	char sql[300];
	int ok;

	snprintf(sql, sizeof sql, "INSERT INTO trades (id, date, llm_name, "
	    "ticker, kind, side, status, created_at) VALUES (1, '2026-11-23', "
	    "'claude', 'AAPL', 'real', 'buy', '%s', 'x'); "
	    "UPDATE trades SET status = '%s' WHERE id = 1;", from, to);
	ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_exec(db, "DELETE FROM trades", NULL, NULL, NULL);
	return ok;
}

/* The trigger refuses exactly the moves trade_status_may_move refuses. */
static void
test_trigger(void)
{
	sqlite3 *db = unitdb_fresh("orders");
	int from, to, agree = 1;

	for (from = 0; from < TRADE_NSTATUS; from++)
		for (to = 0; to < TRADE_NSTATUS; to++)
			if (db_allows(db, trade_status_name(from),
			    trade_status_name(to)) !=
			    trade_status_may_move(from, to)) {
				agree = 0;
				printf("# %s -> %s disagrees\n",
				    trade_status_name(from),
				    trade_status_name(to));
			}
	CHECK(agree, "the trigger allows exactly the moves of orders.h");
	CHECK(!db_allows(db, "rejected", "pending") &&
	    db_allows(db, "unknown", "failed"),
	    "a refused order cannot be revived; an unknown one can be settled");
	db_close(db);
	unitdb_remove();
}

/* The account summary in both shapes (account/summary, account/cash). */
static void
test_account(void)
{
	struct t212_account a;
	cJSON *doc;
	tb_err e;

	doc = cJSON_Parse("{\"id\":1,\"currency\":\"GBP\",\"totalValue\":"
	    "900.5,\"cash\":{\"availableToTrade\":30.1,\"reservedForOrders\""
	    ":0}}");
	CHECK(t212_account_parse(doc, &a, &e) == 0 &&
	    strcmp(a.currency, "GBP") == 0 && a.cash == 30.1 &&
	    a.total == 900.5, "2026 summary: GBP, 30.10 to trade");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"currencyCode\":\"EUR\",\"free\":12,"
	    "\"total\":50}");
	CHECK(t212_account_parse(doc, &a, &e) == 0 &&
	    strcmp(a.currency, "EUR") == 0 && a.cash == 12,
	    "older shape: currencyCode and free");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"currency\":\"eur\",\"cash\":"
	    "{\"availableToTrade\":1}}");
	CHECK(t212_account_parse(doc, &a, &e) == TB_EDATA,
	    "a currency that is not a code is refused");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"currency\":\"EUR\",\"cash\":"
	    "{\"availableToTrade\":-5}}");
	CHECK(t212_account_parse(doc, &a, &e) == TB_EDATA,
	    "negative cash is refused");
	cJSON_Delete(doc);
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
	test_outcome();
	test_size();
	test_unclaimed();
	test_states();
	test_trigger();
	test_account();
	test_environment();
	http_global_cleanup();
	return unit_done();
}
