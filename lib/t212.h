/*
 * t212.h - the Trading 212 Public API (v0) client core.
 *
 * Base URL: cfg->t212_base_url (demo or live, or a fake in tests) + the
 * path, e.g. "/api/v0/equity/orders/market".  Read ../shared-derived
 * tests/fixtures/t212/README.md for the shapes, limits and gotchas.
 *
 * Auth: T212_API_KEY with T212_API_SECRET -> "Authorization: Basic
 * base64(key:secret)"; a key without a secret -> the bare header
 * "Authorization: <key>".  t212_init fails (TB_ECONFIG, naming
 * T212_API_KEY) when there is no key.
 *
 * Rate limits: every response carries x-ratelimit-remaining and
 * x-ratelimit-reset (unix time).  The client remembers them per endpoint
 * and, before the next request to an endpoint whose remaining count is 0,
 * sleeps until its reset, plus a second as the reset is given in whole
 * seconds, at most 65 s ("wait, don't fail"); a 429 of a request other
 * than an order is retried after the reset by the HTTP layer.  An order
 * is never sent again once a connection was made, 429 included (http.h):
 * what to do about a refused order is the caller's decision.
 *
 * Errors: a non-2xx answer is TB_EUNAVAIL (5xx, transport) or TB_EDATA
 * (4xx: the broker refused the request), and *e carries the broker's
 * message parsed from either error shape:
 *   2024: {"code":"InsufficientResources","clarification":"..."}
 *   2026: {"type":"/api-errors/...","title":"...","status":400,"detail":"..."}
 * The raw body stays in the request (req->response) for the trade's error.
 */
#ifndef TB_T212_H
#define TB_T212_H

#include <stddef.h>
#include <time.h>

#include <cJSON.h>

#include "config.h"
#include "err.h"
#include "http.h"

#define T212_MAX_ENDPOINTS 12

struct t212_limit {
	char endpoint[48];		/* path without ids/query, e.g. "/equity/orders" */
	long remaining;			/* -1 when unknown */
	time_t reset;			/* unix time */
};

/* Trading 212's guidance: market orders at least this far apart. */
#define T212_ORDER_GAP_MS	1200

struct t212_client {
	const struct tb_config *cfg;	/* borrowed */
	char *auth_header;		/* "Authorization: ..." (secret!) */
	struct t212_limit limits[T212_MAX_ENDPOINTS];
	size_t nlimits;
	double last_order_ms;		/* monotonic ms of the last market
					 * order sent; 0 none */
};

/* Prepare a client; TB_ECONFIG when T212_API_KEY is missing. */
int t212_init(struct t212_client *c, const struct tb_config *cfg, tb_err *e);
void t212_free(struct t212_client *c);

/*
 * Send one request: method "GET"/"POST", path from "/equity/..." (the
 * client prefixes base URL and "/api/v0"), an optional JSON body.
 * idempotent = 0 for market orders.  req need not be initialised: it is
 * set up here.  On return *req holds the outcome (status, body,
 * headers): the caller calls http_request_reset(req) in every case.
 * Returns 0 on 2xx, else TB_EUNAVAIL or TB_EDATA as above (a 408 or a
 * 429, still refused after any retries, is TB_EUNAVAIL), TB_ECONFIG
 * without a key, TB_EINTERNAL when out of memory.  A 2xx answer that
 * is not the JSON expected is TB_EUNAVAIL in the functions below.
 */
int t212_request(struct t212_client *c, const char *method, const char *path,
    const char *body, int idempotent, struct http_request *req, tb_err *e);

/*
 * The broker's message from an error body of either shape, into buf:
 * "InsufficientResources: Not enough free cash" or "The request is
 * invalid: Invalid payload"; the raw body (cut) when it is neither.
 */
void t212_error_message(const char *body, char *buf, size_t bufsz);

/*
 * Whether body is one of the broker's error documents: a JSON object with
 * a string "code" (2024) or "title" or "type" (2026).  A proxy's HTML
 * page or an empty body is not: it does not prove the broker refused.
 */
int t212_is_error_body(const char *body);

/* GET /equity/metadata/instruments and /exchanges: parsed arrays (caller frees). */
int t212_get_instruments(struct t212_client *c, cJSON **out, tb_err *e);
int t212_get_exchanges(struct t212_client *c, cJSON **out, tb_err *e);

/*
 * One order as the broker reports it: the answer to a market order, an
 * item of the pending list, one pending order, or a history item (2026
 * shape {"order":{...},"fill":{...}}, or the 2024 flat shape with
 * orderedQuantity/dateCreated/fillPrice).  A text field too long for its
 * buffer makes the order unreadable (TB_EDATA), never truncated.
 */
struct t212_order {
	char id[32];			/* the broker's order id, decimal */
	char ticker[48];		/* "AAPL_US_EQ" */
	char status[32];		/* "NEW", "FILLED", "CANCELLED", ... */
	char initiated_from[16];	/* "API"; "" when not reported */
	int sell;			/* side SELL, or a negative quantity */
	double quantity;		/* shares ordered, >= 0 */
	double filled_quantity;		/* shares filled; NAN when unknown */
	double filled_value;		/* in the instrument's currency; NAN */
	double fill_price;		/* per share, instrument currency; NAN */
	double wallet_value;		/* fill's net value in the account
					 * currency (walletImpact); NAN */
	char wallet_currency[8];	/* "EUR"; "" when unknown */
	double wallet_fx_rate;		/* walletImpact.fxRate; NAN */
	double fees;			/* walletImpact.taxes summed, in the
					 * account currency; NAN without a
					 * walletImpact (see below) */
	char taxes[384];		/* walletImpact.taxes as JSON; "" when
					 * absent or too long to keep */
	time_t created_at;		/* 0 when absent or unreadable */
	time_t filled_at;		/* fill.filledAt; 0 when absent */
};

/* What became of an order, from its status. */
enum t212_state {
	T212_OPEN,			/* still working (NEW, CONFIRMED, ...) */
	T212_FILLED,			/* FILLED */
	T212_DEAD			/* CANCELLED, REJECTED, REPLACED */
};

/*
 * Parse one order object of any of the shapes above.  0 or TB_EDATA.
 *
 * A fill's money (2026 history): walletImpact.netValue is the trade's
 * value in the account's currency before fees and taxes (quantity x
 * price / fxRate), unsigned here; walletImpact.taxes lists what was
 * charged on top of it ({name, quantity, currency, chargedAt}: FX fee,
 * stamp duty, ...).  fees sums the quantities of the taxes in the
 * account's currency (or without a currency); a tax in another currency
 * cannot be added and is left out with a warning.  So a buy cost
 * wallet_value + fees and a sell brought wallet_value - fees.
 */
int t212_order_parse(const cJSON *item, struct t212_order *o, tb_err *e);

enum t212_state t212_order_state(const struct t212_order *o);

/*
 * Whether an answer is the broker refusing an order's quantity: an HTTP
 * 400 whose body mentions the quantity, its precision, decimals or
 * fractions in any wording or case (2024: QuantityPrecisionMismatch;
 * 2026: "Invalid quantity", "too many decimal places", ...).  Such a
 * refusal may be tried again with fewer decimals.
 */
int t212_is_quantity_refusal(long status, const char *body);

/*
 * POST /equity/orders/market {"ticker","quantity","extendedHours":false}
 * with quantity written with exactly `decimals` decimals (0..8), negative
 * for a sell.  The caller has already truncated quantity.  NOT idempotent:
 * the HTTP layer sends it once (it may only try again when no connection
 * was made; not after a 429, a 5xx nor a timeout); what an unclear
 * outcome means is the caller's to settle (orders.h).  Market orders
 * leave at least T212_ORDER_GAP_MS apart (scaled like the HTTP backoff,
 * TB_HTTP_BACKOFF_SCALE, so tests need not wait).  On 0, *o is the
 * broker's answer.  On failure req keeps the answer (status and raw
 * body) for the caller's journal; the caller calls
 * http_request_reset(req) in every case.  Returns as t212_request.
 */
int t212_market_order(struct t212_client *c, const char *ticker,
    double quantity, int decimals, int sell, struct http_request *req,
    struct t212_order *o, tb_err *e);

/*
 * GET /equity/orders: the open orders.  *out is a malloc'ed array of *n
 * orders (caller frees; NULL when none); unreadable items are skipped
 * with a warning.
 */
int t212_pending_orders(struct t212_client *c, struct t212_order **out,
    size_t *n, tb_err *e);

/*
 * GET /equity/history/orders?ticker=T&limit=50, following nextPagePath as
 * given, at most max_pages pages (0: 20), stopping early after a page
 * whose orders were all created before `since` (0: never stop early; the
 * history is newest first).  ticker NULL: all tickers.  out and n as for
 * t212_pending_orders.
 */
int t212_history_orders(struct t212_client *c, const char *ticker,
    time_t since, int max_pages, struct t212_order **out, size_t *n,
    tb_err *e);

int t212_positions(struct t212_client *c, cJSON **out, tb_err *e);

/*
 * The shares of ticker the account may sell, from a /equity/positions
 * array: quantityAvailableForTrading when reported, else quantity, of the
 * item whose instrument.ticker (2026) or ticker (2024) is ticker; 0 when
 * there is none.  Returns 0, or TB_EDATA when that item's quantity is
 * not a number.
 */
int t212_position_quantity(const cJSON *positions, const char *ticker,
    double *qty, tb_err *e);

/* The account as the summary reports it. */
struct t212_account {
	char currency[4];		/* "EUR", "GBP", ... */
	double cash;			/* available to trade, in currency */
	double total;			/* total value; NAN when not reported */
};

/*
 * Read the account's currency and cash from a summary document:
 * {"currency", "cash": {"availableToTrade"}, "totalValue"} (2026), or
 * the older {"currencyCode", "free", "total"}.  0, or TB_EDATA when the
 * currency or the cash is missing or not sane.
 */
int t212_account_parse(const cJSON *summary, struct t212_account *a,
    tb_err *e);

/* GET /equity/account/summary, parsed as above. */
int t212_account(struct t212_client *c, struct t212_account *a, tb_err *e);

#endif
