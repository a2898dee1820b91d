/*
 * eodhd.c - EODHD's end-of-day prices as charts.  See eodhd.h.
 *
 * An answer is turned into the shape of a Yahoo chart and parsed by
 * chart.c, so that both sources give the same derived values (previous
 * close, changes, technicals) by the same code.
 */
#include "eodhd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "clock.h"
#include "http.h"
#include "log.h"

static const struct {
	const char *suffix;		/* Yahoo's, with the dot */
	const char *exchange;		/* EODHD's */
	const char *currency;		/* NULL: pence or pounds */
} exchanges[] = {
	{ "", "US", "USD" }, { ".DE", "XETRA", "EUR" }, { ".F", "F", "EUR" },
	{ ".L", "LSE", NULL }, { ".AS", "AS", "EUR" }, { ".PA", "PA", "EUR" },
	{ ".MI", "MI", "EUR" }, { ".MC", "MC", "EUR" }, { ".BR", "BR", "EUR" },
	{ ".VI", "VI", "EUR" }, { ".HE", "HE", "EUR" }, { ".LS", "LIS", "EUR" },
	{ ".IR", "IR", "EUR" }, { ".SW", "SW", "CHF" }, { ".CO", "CO", "DKK" },
	{ ".ST", "ST", "SEK" }, { ".OL", "OL", "NOK" },
};

/* The exchange entry of a Yahoo symbol (by its last dot), or -1. */
static int
exchange_of(const char *symbol, size_t *rootlen)
{
	const char *dot = strrchr(symbol, '.');
	size_t i;

	*rootlen = dot != NULL ? (size_t)(dot - symbol) : strlen(symbol);
	for (i = 0; i < sizeof exchanges / sizeof exchanges[0]; i++)
		if (strcmp(dot != NULL ? dot : "", exchanges[i].suffix) == 0)
			return (int)i;
	return -1;
}

/* "EURUSD=X": an FX pair. */
static int
fx_pair(const char *symbol)
{
	size_t n = strlen(symbol);

	return n == 8 && strcmp(symbol + 6, "=X") == 0;
}

int
eodhd_symbol(const char *yahoo_symbol, char *out, size_t outsz)
{
	size_t root;
	int i, n;

	if (fx_pair(yahoo_symbol))
		n = snprintf(out, outsz, "%.6s.FOREX", yahoo_symbol);
	else if ((i = exchange_of(yahoo_symbol, &root)) < 0 || root == 0)
		return -1;
	else
		n = snprintf(out, outsz, "%.*s.%s", (int)root, yahoo_symbol,
		    exchanges[i].exchange);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

const char *
eodhd_currency(const char *yahoo_symbol)
{
	static char quote[4];
	size_t root;
	int i;

	if (fx_pair(yahoo_symbol)) {
		memcpy(quote, yahoo_symbol + 3, 3);
		quote[3] = '\0';
		return quote;
	}
	if ((i = exchange_of(yahoo_symbol, &root)) < 0)
		return NULL;
	return exchanges[i].currency;
}

/* The epoch of a "YYYY-MM-DD" day at noon UTC, or -1. */
static double
noon_of(const char *date)
{
	struct tb_date d;
	struct tm tm;

	if (date_parse(date, &d) != 0)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = 12;
	return (double)timegm(&tm);
}

/* Append one EOD row to the chart's arrays; 0, or -1 to skip it. */
static int
add_row(const cJSON *row, cJSON *times, cJSON *closes, cJSON *volumes)
{
	const cJSON *date = cJSON_GetObjectItemCaseSensitive(row, "date");
	const cJSON *close = cJSON_GetObjectItemCaseSensitive(row, "close");
	const cJSON *volume = cJSON_GetObjectItemCaseSensitive(row, "volume");
	double t;

	if (!cJSON_IsString(date) || !cJSON_IsNumber(close) ||
	    !isfinite(close->valuedouble) || close->valuedouble <= 0 ||
	    (t = noon_of(date->valuestring)) < 0)
		return -1;
	cJSON_AddItemToArray(times, cJSON_CreateNumber(t));
	cJSON_AddItemToArray(closes, cJSON_CreateNumber(close->valuedouble));
	cJSON_AddItemToArray(volumes, cJSON_IsNumber(volume) ?
	    cJSON_CreateNumber(volume->valuedouble) : cJSON_CreateNull());
	return 0;
}

/* The Yahoo-shaped chart document of an EOD array. */
static cJSON *
as_chart(const cJSON *rows, const char *currency)
{
	cJSON *doc, *result, *meta, *quote, *times, *closes, *volumes, *last;
	const cJSON *row;

	doc = cJSON_CreateObject();
	result = cJSON_AddArrayToObject(cJSON_AddObjectToObject(doc, "chart"),
	    "result");
	cJSON_AddItemToArray(result, (last = cJSON_CreateObject()));
	meta = cJSON_AddObjectToObject(last, "meta");
	cJSON_AddStringToObject(meta, "currency", currency);
	times = cJSON_AddArrayToObject(last, "timestamp");
	quote = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(cJSON_AddObjectToObject(
	    last, "indicators"), "quote"), quote);
	closes = cJSON_AddArrayToObject(quote, "close");
	volumes = cJSON_AddArrayToObject(quote, "volume");
	cJSON_ArrayForEach(row, rows)
		(void)add_row(row, times, closes, volumes);
	return doc;
}

int
eodhd_parse(const char *body, size_t len, const char *currency,
    struct chart *out, tb_err *e)
{
	cJSON *rows, *doc;
	char *text;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rows = cJSON_ParseWithLength(body, len)) == NULL ||
	    !cJSON_IsArray(rows)) {
		cJSON_Delete(rows);
		return tb_errf(e, TB_EDATA, "eodhd: the answer is not an "
		    "array of days");
	}
	doc = as_chart(rows, currency);
	cJSON_Delete(rows);
	if (doc == NULL || (text = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		return tb_errf(e, TB_EINTERNAL, "eodhd: out of memory");
	}
	cJSON_Delete(doc);
	rc = chart_parse(text, strlen(text), out, e);
	free(text);
	if (rc == TB_EDATA)
		tb_errf(e, TB_EDATA, "eodhd: no usable close in the answer");
	return rc;
}

void
eodhd_answers_reset(struct eodhd_answer *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].body);
		a[i].body = NULL;
		a[i].len = 0;
		a[i].status = 0;
		a[i].error[0] = '\0';
	}
}

/* What a finished request says of its symbol (its body moves to a). */
static void
take_answer(struct eodhd_answer *a, struct http_request *r)
{
	a->status = r->status;
	if (r->status >= 200 && r->status <= 299 && r->response != NULL) {
		a->body = r->response;
		a->len = r->response_len;
		r->response = NULL;
	} else if (r->status == 402)
		snprintf(a->error, sizeof a->error, "eodhd: the day's calls "
		    "are used up (HTTP 402)");
	else if (r->status == 401)
		snprintf(a->error, sizeof a->error, "eodhd: EODHD_API_KEY "
		    "refused (HTTP 401)");
	else if (r->status == 404)
		snprintf(a->error, sizeof a->error, "eodhd: not found");
	else
		snprintf(a->error, sizeof a->error, "%s", r->error[0] != '\0' ?
		    r->error : "eodhd: no answer");
}

static char *
eod_url(const char *base_url, const char *key, const char *from,
    const char *symbol)
{
	char code[64], *esc_code, *esc_key, *url = NULL;

	if (eodhd_symbol(symbol, code, sizeof code) != 0)
		return NULL;
	esc_code = http_escape(code);
	esc_key = http_escape(key);
	if (esc_code != NULL && esc_key != NULL && asprintf(&url,
	    "%s/api/eod/%s?api_token=%s&fmt=json&order=a&from=%s", base_url,
	    esc_code, esc_key, from) < 0)
		url = NULL;
	free(esc_code);
	free(esc_key);
	return url;
}

int
eodhd_fetch(const char *base_url, const char *key, const char *from,
    int parallel, long timeout_ms, struct eodhd_answer *a, size_t n,
    tb_err *e)
{
	struct http_request *reqs = NULL, **rp = NULL;
	char **urls = NULL;
	size_t i, k = 0;
	tb_err he;
	int rc = 0;

	if (n == 0)
		return 0;
	if ((reqs = calloc(n, sizeof *reqs)) == NULL ||
	    (rp = calloc(n, sizeof *rp)) == NULL ||
	    (urls = calloc(n, sizeof *urls)) == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "eodhd: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((urls[i] = eod_url(base_url, key, from, a[i].symbol)) ==
		    NULL) {
			snprintf(a[i].error, sizeof a[i].error, "eodhd: no code "
			    "for %s", a[i].symbol);
			continue;
		}
		http_request_init(&reqs[i], "eodhd", "GET", urls[i]);
		reqs[i].timeout_ms = timeout_ms;
		reqs[i].max_wait_s = 10;
		rp[k++] = &reqs[i];
	}
	(void)http_perform_all(rp, k, parallel, &he);
	for (i = 0; i < n; i++)
		if (urls[i] != NULL)
			take_answer(&a[i], &reqs[i]);
out:
	for (i = 0; reqs != NULL && urls != NULL && i < n; i++) {
		http_request_reset(&reqs[i]);
		free(urls[i]);
	}
	free(urls);
	free(rp);
	free(reqs);
	return rc;
}
