/*
 * t212.c - the Trading 212 Public API client.  See t212.h.
 *
 * Every request goes through t212_request, which is where the three
 * rules of this API live: the Authorization header (a secret, never
 * logged), the per-endpoint rate limits (wait before a request whose
 * endpoint has none left, rather than fail), and the mapping of the
 * broker's answers to tb's error codes with the broker's own message.
 */
#include "t212.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "util.h"

#define T212_API_PREFIX		"/api/v0"
/* Never sleep longer than this for a rate limit (the slowest is 1/50 s). */
#define T212_MAX_LIMIT_WAIT_S	65
/* The instruments list is ~5 MB and grows. */
#define T212_METADATA_MAX	(32UL * 1024 * 1024)
#define T212_HISTORY_PAGES	20
#define T212_MAX_DECIMALS	8

static int	make_auth_header(struct t212_client *c, const char *key,
		    const char *secret, tb_err *e);
static void	endpoint_of(const char *path, char *buf, size_t bufsz);
static struct t212_limit *limit_slot(struct t212_client *c,
		    const char *endpoint);
static void	limit_wait(struct t212_client *c, const char *endpoint);
static void	limit_update(struct t212_client *c, const char *endpoint,
		    const struct http_request *req);
static int	request_capped(struct t212_client *c, const char *method,
		    const char *path, const char *body, int idempotent,
		    size_t max_response, struct http_request *req, tb_err *e);
static int	get_json(struct t212_client *c, const char *path,
		    size_t max_response, cJSON **out, tb_err *e);
static int	copy_field(char *dst, size_t dstsz, const cJSON *v);
static double	number_field(const cJSON *obj, const char *name);
static int	orders_append(struct t212_order **arr, size_t *n,
		    size_t *cap, const struct t212_order *o);
static void	order_gap(const struct t212_client *c);
static int	orders_from_array(const cJSON *arr, struct t212_order **out,
		    size_t *n, size_t *cap, time_t *oldest, tb_err *e);

int
t212_init(struct t212_client *c, const struct tb_config *cfg, tb_err *e)
{
	memset(c, 0, sizeof *c);
	c->cfg = cfg;
	if (cfg->t212_api_key == NULL || *cfg->t212_api_key == '\0')
		return tb_errf(e, TB_ECONFIG, "T212_API_KEY is not set: "
		    "Trading 212 needs an API key (and T212_API_SECRET for "
		    "keys issued with one)");
	return make_auth_header(c, cfg->t212_api_key,
	    cfg->t212_api_secret != NULL && *cfg->t212_api_secret != '\0' ?
	    cfg->t212_api_secret : NULL, e);
}

void
t212_free(struct t212_client *c)
{
	if (c->auth_header != NULL) {
		explicit_bzero(c->auth_header, strlen(c->auth_header));
		free(c->auth_header);
	}
	c->auth_header = NULL;
	c->nlimits = 0;
}

/*
 * Basic base64(key:secret) when there is a secret, else the bare key.
 * The base64 form is registered as a secret too: it is the key in
 * another spelling.
 */
static int
make_auth_header(struct t212_client *c, const char *key, const char *secret,
    tb_err *e)
{
	int n = 0;

	if (secret == NULL)
		n = asprintf(&c->auth_header, "Authorization: %s", key);
	else
		c->auth_header = http_basic_auth(key, secret);
	if (n < 0 || c->auth_header == NULL) {
		c->auth_header = NULL;
		return tb_errf(e, TB_EINTERNAL, "t212: out of memory");
	}
	return 0;
}

/*
 * The rate-limit key of a path: no query, numeric segments as "{id}"
 * ("/equity/orders/123?x" -> "/equity/orders/{id}").  "" when it does not
 * fit (that endpoint is then not tracked).
 */
static void
endpoint_of(const char *path, char *buf, size_t bufsz)
{
	size_t o = 0, seg;
	const char *p = path, *piece;
	int digits;

	buf[0] = '\0';
	while (*p != '\0' && *p != '?') {
		if (*p == '/') {
			if (o + 1 >= bufsz)
				goto toolong;
			buf[o++] = *p++;
			continue;
		}
		seg = strcspn(p, "/?");
		digits = 1;
		for (size_t i = 0; i < seg; i++)
			if (!isdigit((unsigned char)p[i]))
				digits = 0;
		piece = digits ? "{id}" : p;
		if (digits)
			seg = 4;
		if (o + seg >= bufsz)
			goto toolong;
		memcpy(buf + o, piece, seg);
		o += seg;
		p += digits ? strcspn(p, "/?") : seg;
	}
	buf[o] = '\0';
	return;
toolong:
	buf[0] = '\0';
}

static struct t212_limit *
limit_slot(struct t212_client *c, const char *endpoint)
{
	size_t i;

	if (*endpoint == '\0')
		return NULL;
	for (i = 0; i < c->nlimits; i++)
		if (strcmp(c->limits[i].endpoint, endpoint) == 0)
			return &c->limits[i];
	if (c->nlimits == T212_MAX_ENDPOINTS)
		return NULL;
	snprintf(c->limits[c->nlimits].endpoint,
	    sizeof c->limits[c->nlimits].endpoint, "%s", endpoint);
	c->limits[c->nlimits].remaining = -1;
	c->limits[c->nlimits].reset = 0;
	return &c->limits[c->nlimits++];
}

/* Sleep until the endpoint's window resets when it has no calls left. */
static void
limit_wait(struct t212_client *c, const char *endpoint)
{
	struct t212_limit *l = limit_slot(c, endpoint);
	struct timespec ts;
	time_t now = time(NULL), wait;

	if (l == NULL || l->remaining != 0 || l->reset < now)
		return;
	/* The reset is in whole seconds: wait one more to be past it. */
	wait = l->reset - now + 1;
	if (wait > T212_MAX_LIMIT_WAIT_S)
		wait = T212_MAX_LIMIT_WAIT_S;
	log_info("t212: rate limit of %s reached; waiting %lld s for its "
	    "reset", endpoint, (long long)wait);
	ts.tv_sec = wait;
	ts.tv_nsec = 0;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	l->remaining = -1;
}

static void
limit_update(struct t212_client *c, const char *endpoint,
    const struct http_request *req)
{
	struct t212_limit *l;
	char value[64], *end;
	long long v;

	if ((l = limit_slot(c, endpoint)) == NULL)
		return;
	if (http_header(req, "x-ratelimit-remaining", value, sizeof value) !=
	    NULL) {
		errno = 0;
		v = strtoll(value, &end, 10);
		l->remaining = errno == 0 && end != value && *end == '\0' &&
		    v >= 0 ? (long)v : -1;
	}
	if (http_header(req, "x-ratelimit-reset", value, sizeof value) !=
	    NULL) {
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno == 0 && end != value && *end == '\0' && v >= 0)
			/* A unix time, or (defensively) seconds from now. */
			l->reset = v >= 1000000000LL ? (time_t)v :
			    time(NULL) + (time_t)v;
	}
}

int
t212_request(struct t212_client *c, const char *method, const char *path,
    const char *body, int idempotent, struct http_request *req, tb_err *e)
{
	return request_capped(c, method, path, body, idempotent, 0, req, e);
}

/* t212_request with a response size cap (0: the HTTP default). */
static int
request_capped(struct t212_client *c, const char *method, const char *path,
    const char *body, int idempotent, size_t max_response,
    struct http_request *req, tb_err *e)
{
	char endpoint[sizeof c->limits[0].endpoint], msg[300];
	char *url;
	int rc;

	http_request_init(req, "t212", method, NULL);
	if (c->auth_header == NULL)
		return tb_errf(e, TB_ECONFIG, "T212_API_KEY is not set");
	if (asprintf(&url, "%s%s%s", c->cfg->t212_base_url, T212_API_PREFIX,
	    path) < 0)
		return tb_errf(e, TB_EINTERNAL, "t212: out of memory");
	endpoint_of(path, endpoint, sizeof endpoint);
	limit_wait(c, endpoint);

	req->url = url;
	req->idempotent = idempotent;
	req->max_response = max_response;
	req->timeout_ms = c->cfg->t212_timeout_seconds * 1000L;
	req->max_wait_s = T212_MAX_LIMIT_WAIT_S;
	req->headers[0] = c->auth_header;
	req->headers[1] = "Accept: application/json";
	if (body != NULL) {
		req->headers[2] = "Content-Type: application/json";
		req->body = body;
		req->body_len = strlen(body);
	}
	rc = http_perform(req, e);
	limit_update(c, endpoint, req);
	req->url = NULL;
	req->body = NULL;
	free(url);
	if (rc == 0)
		return 0;
	if (req->status >= 400 && req->status <= 499 && req->status != 408 &&
	    req->status != 429) {
		t212_error_message(req->response, msg, sizeof msg);
		return tb_errf(e, TB_EDATA, "t212: %s %s: HTTP %ld: %s",
		    method, path, req->status, msg);
	}
	return rc;
}

void
t212_error_message(const char *body, char *buf, size_t bufsz)
{
	cJSON *doc, *a, *b;
	char raw[512];

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	if (body == NULL || *body == '\0') {
		snprintf(buf, bufsz, "(no body)");
		return;
	}
	doc = cJSON_Parse(body);
	if (cJSON_IsObject(doc)) {
		/* 2024: code + clarification; 2026: title + detail. */
		a = cJSON_GetObjectItemCaseSensitive(doc, "code");
		b = cJSON_GetObjectItemCaseSensitive(doc, "clarification");
		if (!cJSON_IsString(a)) {
			a = cJSON_GetObjectItemCaseSensitive(doc, "title");
			b = cJSON_GetObjectItemCaseSensitive(doc, "detail");
		}
		if (cJSON_IsString(a) && cJSON_IsString(b))
			snprintf(raw, sizeof raw, "%s: %s", a->valuestring,
			    b->valuestring);
		else if (cJSON_IsString(a))
			snprintf(raw, sizeof raw, "%s", a->valuestring);
		else
			snprintf(raw, sizeof raw, "%s", body);
	} else
		snprintf(raw, sizeof raw, "%s", body);
	cJSON_Delete(doc);
	/* One line, no secrets (an error may echo a header). */
	for (char *p = raw; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	log_redact(raw, buf, bufsz);
}

int
t212_is_error_body(const char *body)
{
	cJSON *doc;
	int yes;

	if (body == NULL || (doc = cJSON_Parse(body)) == NULL)
		return 0;
	yes = cJSON_IsObject(doc) &&
	    (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "code")) ||
	    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "title")) ||
	    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "type")));
	cJSON_Delete(doc);
	return yes;
}

int
t212_is_quantity_refusal(long status, const char *body)
{
	static const char *const words[] = {
		"quantit", "precision", "decimal", "fraction"
	};
	size_t i;

	if (status != 400 || body == NULL)
		return 0;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasestr(body, words[i]) != NULL)
			return 1;
	return 0;
}

/* GET a JSON document. */
static int
get_json(struct t212_client *c, const char *path, size_t max_response,
    cJSON **out, tb_err *e)
{
	struct http_request req;
	int rc;

	*out = NULL;
	rc = request_capped(c, "GET", path, NULL, 1, max_response, &req, e);
	if (rc == 0 && (*out = cJSON_Parse(req.response)) == NULL)
		rc = tb_errf(e, TB_EUNAVAIL, "t212: GET %s: the answer is not "
		    "JSON", path);
	http_request_reset(&req);
	return rc;
}

int
t212_get_instruments(struct t212_client *c, cJSON **out, tb_err *e)
{
	int rc;

	if ((rc = get_json(c, "/equity/metadata/instruments",
	    T212_METADATA_MAX, out, e)) != 0)
		return rc;
	if (!cJSON_IsArray(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		return tb_errf(e, TB_EUNAVAIL, "t212: instruments: want a "
		    "JSON array");
	}
	return 0;
}

int
t212_get_exchanges(struct t212_client *c, cJSON **out, tb_err *e)
{
	int rc;

	if ((rc = get_json(c, "/equity/metadata/exchanges", T212_METADATA_MAX,
	    out, e)) != 0)
		return rc;
	if (!cJSON_IsArray(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		return tb_errf(e, TB_EUNAVAIL, "t212: exchanges: want a JSON "
		    "array");
	}
	return 0;
}

static int
t212_account_summary(struct t212_client *c, cJSON **out, tb_err *e)
{
	int rc;

	if ((rc = get_json(c, "/equity/account/summary", 0, out, e)) != 0)
		return rc;
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		return tb_errf(e, TB_EUNAVAIL, "t212: account summary: want "
		    "a JSON object");
	}
	return 0;
}

/* A 3-letter upper-case currency code from a string item, or -1. */
static int
currency_field(const cJSON *v, char out[4])
{
	size_t i;

	if (!cJSON_IsString(v) || strlen(v->valuestring) != 3)
		return -1;
	for (i = 0; i < 3; i++) {
		if (!isupper((unsigned char)v->valuestring[i]))
			return -1;
		out[i] = v->valuestring[i];
	}
	out[3] = '\0';
	return 0;
}

int
t212_account_parse(const cJSON *summary, struct t212_account *a, tb_err *e)
{
	const cJSON *cur, *cash;
	double v;

	memset(a, 0, sizeof *a);
	a->cash = a->total = NAN;
	if (!cJSON_IsObject(summary))
		return tb_errf(e, TB_EDATA, "t212: account summary: want an "
		    "object");
	cur = cJSON_GetObjectItemCaseSensitive(summary, "currency");
	if (cur == NULL)
		cur = cJSON_GetObjectItemCaseSensitive(summary, "currencyCode");
	if (currency_field(cur, a->currency) != 0)
		return tb_errf(e, TB_EDATA, "t212: account summary: no "
		    "currency code");
	cash = cJSON_GetObjectItemCaseSensitive(summary, "cash");
	v = cJSON_IsObject(cash) ? number_field(cash, "availableToTrade") :
	    number_field(summary, "free");
	if (!isfinite(v) || v < 0 || v > 1e12)
		return tb_errf(e, TB_EDATA, "t212: account summary: no usable "
		    "cash available to trade");
	a->cash = v;
	v = number_field(summary, "totalValue");
	a->total = isfinite(v) ? v : number_field(summary, "total");
	return 0;
}

int
t212_account(struct t212_client *c, struct t212_account *a, tb_err *e)
{
	cJSON *doc;
	int rc;

	if ((rc = t212_account_summary(c, &doc, e)) != 0)
		return rc;
	rc = t212_account_parse(doc, a, e);
	cJSON_Delete(doc);
	return rc;
}

int
t212_positions(struct t212_client *c, cJSON **out, tb_err *e)
{
	int rc;

	if ((rc = get_json(c, "/equity/positions", 0, out, e)) != 0)
		return rc;
	if (!cJSON_IsArray(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		return tb_errf(e, TB_EUNAVAIL, "t212: positions: want a JSON "
		    "array");
	}
	return 0;
}

/* The Trading 212 ticker of a position item of either shape, or NULL. */
static const char *
position_ticker(const cJSON *item)
{
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(item, "instrument");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_IsObject(in) ?
	    in : item, "ticker");

	return cJSON_IsString(t) ? t->valuestring : NULL;
}

int
t212_position_quantity(const cJSON *positions, const char *ticker,
    double *qty, tb_err *e)
{
	const cJSON *item;
	const char *t;
	double q;

	*qty = 0;
	cJSON_ArrayForEach(item, positions) {
		if ((t = position_ticker(item)) == NULL ||
		    strcmp(t, ticker) != 0)
			continue;
		q = number_field(item, "quantityAvailableForTrading");
		if (isnan(q))
			q = number_field(item, "quantity");
		if (isnan(q) || q < 0)
			return tb_errf(e, TB_EDATA, "t212: position %s: no "
			    "usable quantity", ticker);
		*qty = q;
		return 0;
	}
	return 0;
}

/*
 * Copy a string or integral number into dst.  -1 when v is neither or
 * does not fit; 0 (dst "") when v is absent.
 */
static int
copy_field(char *dst, size_t dstsz, const cJSON *v)
{
	int n;

	dst[0] = '\0';
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v))
		n = snprintf(dst, dstsz, "%s", v->valuestring);
	else if (cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	    v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9007199254740992.0)
		n = snprintf(dst, dstsz, "%.0f", v->valuedouble);
	else
		return -1;
	if (n < 0 || (size_t)n >= dstsz) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

/* A finite number field, or NAN. */
static double
number_field(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
		return v->valuedouble;
	return NAN;
}

/*
 * The sum of walletImpact.taxes in the wallet's currency (t212.h), and
 * the array as JSON into o->taxes when it fits.
 */
static void
taxes_parse(const cJSON *taxes, struct t212_order *o)
{
	const cJSON *tax, *cur;
	char *text;
	double q, sum = 0;

	if (!cJSON_IsArray(taxes)) {
		o->fees = 0;
		return;
	}
	cJSON_ArrayForEach(tax, taxes) {
		q = number_field(tax, "quantity");
		cur = cJSON_GetObjectItemCaseSensitive(tax, "currency");
		if (isnan(q))
			continue;
		if (cJSON_IsString(cur) && o->wallet_currency[0] != '\0' &&
		    strcasecmp(cur->valuestring, o->wallet_currency) != 0) {
			log_warn("t212: order %s: a tax of %g %s is not in the "
			    "account's currency %s: left out of its fees",
			    o->id, fabs(q), cur->valuestring,
			    o->wallet_currency);
			continue;
		}
		sum += fabs(q);
	}
	o->fees = sum;
	if ((text = cJSON_PrintUnformatted(taxes)) != NULL &&
	    strlen(text) < sizeof o->taxes)
		memcpy(o->taxes, text, strlen(text) + 1);
	free(text);
}

/* The fill of a 2026 history item: price, quantity, wallet impact. */
static void
fill_parse(const cJSON *fill, struct t212_order *o)
{
	const cJSON *wallet, *at;

	if (!isnan(number_field(fill, "price")))
		o->fill_price = number_field(fill, "price");
	if (isnan(o->filled_quantity) && !isnan(number_field(fill,
	    "quantity")))
		o->filled_quantity = fabs(number_field(fill, "quantity"));
	at = cJSON_GetObjectItemCaseSensitive(fill, "filledAt");
	if (cJSON_IsString(at) && clock_parse_iso(at->valuestring,
	    &o->filled_at) != 0)
		o->filled_at = 0;
	wallet = cJSON_GetObjectItemCaseSensitive(fill, "walletImpact");
	if (!cJSON_IsObject(wallet))
		return;
	o->wallet_value = fabs(number_field(wallet, "netValue"));
	o->wallet_fx_rate = number_field(wallet, "fxRate");
	if (copy_field(o->wallet_currency, sizeof o->wallet_currency,
	    cJSON_GetObjectItemCaseSensitive(wallet, "currency")) != 0)
		o->wallet_currency[0] = '\0';
	taxes_parse(cJSON_GetObjectItemCaseSensitive(wallet, "taxes"), o);
}

int
t212_order_parse(const cJSON *item, struct t212_order *o, tb_err *e)
{
	const cJSON *order = item, *fill = NULL, *v, *side;
	double q;

	memset(o, 0, sizeof *o);
	o->filled_quantity = o->filled_value = o->fill_price = NAN;
	o->wallet_value = o->wallet_fx_rate = o->fees = NAN;
	if (!cJSON_IsObject(item))
		return tb_errf(e, TB_EDATA, "t212: an order is not an object");
	/* 2026 history: {"order": {...}, "fill": {...}}. */
	if (cJSON_IsObject(v = cJSON_GetObjectItemCaseSensitive(item,
	    "order"))) {
		order = v;
		fill = cJSON_GetObjectItemCaseSensitive(item, "fill");
		if (!cJSON_IsObject(fill))
			fill = NULL;
	}
	if (copy_field(o->id, sizeof o->id,
	    cJSON_GetObjectItemCaseSensitive(order, "id")) != 0 ||
	    o->id[0] == '\0')
		return tb_errf(e, TB_EDATA, "t212: an order without a usable "
		    "id");
	if (copy_field(o->ticker, sizeof o->ticker,
	    cJSON_GetObjectItemCaseSensitive(order, "ticker")) != 0 ||
	    o->ticker[0] == '\0')
		return tb_errf(e, TB_EDATA, "t212: order %s: no usable ticker",
		    o->id);
	if (copy_field(o->status, sizeof o->status,
	    cJSON_GetObjectItemCaseSensitive(order, "status")) != 0 ||
	    copy_field(o->initiated_from, sizeof o->initiated_from,
	    cJSON_GetObjectItemCaseSensitive(order, "initiatedFrom")) != 0)
		return tb_errf(e, TB_EDATA, "t212: order %s: unreadable "
		    "status or initiatedFrom", o->id);

	q = number_field(order, "quantity");
	if (isnan(q))
		q = number_field(order, "orderedQuantity");	/* 2024 */
	if (isnan(q))
		return tb_errf(e, TB_EDATA, "t212: order %s: no quantity",
		    o->id);
	side = cJSON_GetObjectItemCaseSensitive(order, "side");
	o->sell = q < 0 || (cJSON_IsString(side) &&
	    strcasecmp(side->valuestring, "SELL") == 0);
	o->quantity = fabs(q);
	o->filled_quantity = fabs(number_field(order, "filledQuantity"));
	o->filled_value = fabs(number_field(order, "filledValue"));
	o->fill_price = number_field(order, "fillPrice");	/* 2024 */

	v = cJSON_GetObjectItemCaseSensitive(order, "createdAt");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(order, "dateCreated");
	if (cJSON_IsString(v) && clock_parse_iso(v->valuestring,
	    &o->created_at) != 0)
		o->created_at = 0;

	if (fill != NULL)
		fill_parse(fill, o);
	return 0;
}

enum t212_state
t212_order_state(const struct t212_order *o)
{
	if (strcasecmp(o->status, "FILLED") == 0)
		return T212_FILLED;
	if (strcasecmp(o->status, "CANCELLED") == 0 ||
	    strcasecmp(o->status, "REJECTED") == 0 ||
	    strcasecmp(o->status, "REPLACED") == 0)
		return T212_DEAD;
	return T212_OPEN;
}

/* Wait until the last market order is T212_ORDER_GAP_MS old. */
static void
order_gap(const struct t212_client *c)
{
	double wait_ms;
	struct timespec ts;

	if (c->last_order_ms <= 0)
		return;
	wait_ms = (T212_ORDER_GAP_MS - ((double)util_now_ms() -
	    c->last_order_ms)) * http_backoff_scale();
	if (wait_ms <= 0)
		return;
	log_debug("t212: %.0f ms before the next market order", wait_ms);
	ts.tv_sec = (time_t)(wait_ms / 1000);
	ts.tv_nsec = (long)((wait_ms - (double)ts.tv_sec * 1000) * 1e6);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int
t212_market_order(struct t212_client *c, const char *ticker,
    double quantity, int decimals, int sell, struct http_request *req,
    struct t212_order *o, tb_err *e)
{
	cJSON *body, *answer;
	char qty[64], *text;
	int rc, n;

	/* The caller reads and resets req whatever happens. */
	http_request_init(req, "t212", "POST", NULL);
	if (decimals < 0 || decimals > T212_MAX_DECIMALS ||
	    !isfinite(quantity) || quantity <= 0)
		return tb_errf(e, TB_EINTERNAL, "t212: order %s: bad quantity "
		    "%g or decimals %d", ticker, quantity, decimals);
	n = snprintf(qty, sizeof qty, "%s%.*f", sell ? "-" : "", decimals,
	    quantity);
	if (n < 0 || (size_t)n >= sizeof qty)
		return tb_errf(e, TB_EINTERNAL, "t212: order %s: quantity %g "
		    "too large", ticker, quantity);
	if ((body = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(body, "ticker", ticker) == NULL ||
	    cJSON_AddRawToObject(body, "quantity", qty) == NULL ||
	    cJSON_AddFalseToObject(body, "extendedHours") == NULL ||
	    (text = cJSON_PrintUnformatted(body)) == NULL) {
		cJSON_Delete(body);
		return tb_errf(e, TB_EINTERNAL, "t212: out of memory");
	}
	cJSON_Delete(body);
	order_gap(c);
	rc = t212_request(c, "POST", "/equity/orders/market", text, 0, req,
	    e);
	c->last_order_ms = (double)util_now_ms();
	free(text);
	if (rc != 0)
		return rc;
	if ((answer = cJSON_Parse(req->response)) == NULL)
		return tb_errf(e, TB_EUNAVAIL, "t212: order %s: the answer "
		    "is not JSON", ticker);
	rc = t212_order_parse(answer, o, e);
	cJSON_Delete(answer);
	if (rc != 0)
		return tb_errf(e, TB_EUNAVAIL, "t212: order %s accepted but "
		    "its answer is unreadable", ticker);
	return 0;
}

static int
orders_append(struct t212_order **arr, size_t *n, size_t *cap,
    const struct t212_order *o)
{
	struct t212_order *grown;

	if ((grown = util_grow(*arr, cap, *n + 1, sizeof **arr)) == NULL)
		return -1;
	*arr = grown;
	(*arr)[(*n)++] = *o;
	return 0;
}

/* Parse an array of orders, appending; *oldest gets the oldest createdAt. */
static int
orders_from_array(const cJSON *arr, struct t212_order **out, size_t *n,
    size_t *cap, time_t *oldest, tb_err *e)
{
	const cJSON *item;
	struct t212_order o;
	tb_err skip;

	cJSON_ArrayForEach(item, arr) {
		if (t212_order_parse(item, &o, &skip) != 0) {
			log_warn("%s (skipped)", skip.msg);
			continue;
		}
		if (o.created_at != 0 && (*oldest == 0 ||
		    o.created_at < *oldest))
			*oldest = o.created_at;
		if (orders_append(out, n, cap, &o) != 0)
			return tb_errf(e, TB_EINTERNAL, "t212: out of memory");
	}
	return 0;
}

int
t212_pending_orders(struct t212_client *c, struct t212_order **out,
    size_t *n, tb_err *e)
{
	cJSON *doc;
	size_t cap = 0;
	time_t oldest = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = get_json(c, "/equity/orders", 0, &doc, e)) != 0)
		return rc;
	if (!cJSON_IsArray(doc))
		rc = tb_errf(e, TB_EUNAVAIL, "t212: pending orders: want a "
		    "JSON array");
	else
		rc = orders_from_array(doc, out, n, &cap, &oldest, e);
	cJSON_Delete(doc);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int
t212_history_orders(struct t212_client *c, const char *ticker, time_t since,
    int max_pages, struct t212_order **out, size_t *n, tb_err *e)
{
	cJSON *doc = NULL, *items, *next;
	char *path = NULL, *esc = NULL;
	size_t cap = 0;
	time_t oldest;
	int rc = 0, page;

	*out = NULL;
	*n = 0;
	if (max_pages <= 0)
		max_pages = T212_HISTORY_PAGES;
	if (ticker != NULL && (esc = http_escape(ticker)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "t212: out of memory");
	if (asprintf(&path, "/equity/history/orders?%s%s%slimit=50",
	    esc ? "ticker=" : "", esc ? esc : "", esc ? "&" : "") < 0) {
		free(esc);
		return tb_errf(e, TB_EINTERNAL, "t212: out of memory");
	}
	free(esc);
	for (page = 0; rc == 0 && path != NULL && page < max_pages; page++) {
		if ((rc = get_json(c, path, 0, &doc, e)) != 0)
			break;
		free(path);
		path = NULL;
		items = cJSON_GetObjectItemCaseSensitive(doc, "items");
		if (!cJSON_IsArray(items)) {
			rc = tb_errf(e, TB_EUNAVAIL, "t212: order history: no "
			    "items array");
			break;
		}
		oldest = 0;
		if ((rc = orders_from_array(items, out, n, &cap, &oldest,
		    e)) != 0)
			break;
		next = cJSON_GetObjectItemCaseSensitive(doc, "nextPagePath");
		if (cJSON_IsString(next) && *next->valuestring != '\0' &&
		    !(since != 0 && oldest != 0 && oldest < since)) {
			/* As given, relative to the host or to /api/v0. */
			const char *p = next->valuestring;

			if (strncmp(p, T212_API_PREFIX "/",
			    strlen(T212_API_PREFIX) + 1) == 0)
				p += strlen(T212_API_PREFIX);
			if (*p != '/')
				rc = tb_errf(e, TB_EUNAVAIL, "t212: order "
				    "history: odd nextPagePath \"%s\"", p);
			else if ((path = strdup(p)) == NULL)
				rc = tb_errf(e, TB_EINTERNAL, "t212: out of "
				    "memory");
		}
		cJSON_Delete(doc);
		doc = NULL;
	}
	if (rc == 0 && path != NULL)
		log_warn("t212: order history: stopped after %d pages",
		    max_pages);
	cJSON_Delete(doc);
	free(path);
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
