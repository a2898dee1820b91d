/*
 * chart.c - Yahoo Finance v8 chart body -> struct chart (see chart.h).
 *
 * Parsing goes in three steps over chart.result[0]: the meta fields, the
 * series (nulls skipped, one row per exchange-local day, the last one
 * kept), then the values derived from both.  Any failure frees what was
 * built, so the caller only ever sees a whole chart or a zeroed one.
 */
#include "chart.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "indicators.h"

#define SECS_PER_DAY	86400LL
#define AVG_VOLUME_BARS	20
#define WEEK_BARS	5
#define MONTH_BARS	21
/* Beyond this a JSON number is no plausible unix time (year ~33658). */
#define MAX_ABS_TIME	1e12
#define BODY_EXCERPT	40

struct minor_unit {
	const char *code;
	const char *major;
	double factor;
};

static const struct minor_unit minor_units[] = {
	{ "GBp", "GBP", 0.01 },
	{ "ZAc", "ZAR", 0.01 },
	{ "ILA", "ILS", 0.01 },
};

static int	chart_fail(tb_err *, int, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static cJSON	*parse_body(const char *, size_t, tb_err *);
static int	find_result(const cJSON *, const cJSON **, tb_err *);
static double	meta_number(const cJSON *, const char *);
static char	*meta_string(const cJSON *, const char *, const char *);
static int	read_meta(const cJSON *, struct chart *, tb_err *);
static int	read_time(const cJSON *, size_t, int *, long long *,
		    const struct chart *, tb_err *);
static int	read_value(const cJSON *, size_t, const char *, double *,
		    const struct chart *, tb_err *);
static const cJSON *first_item(const cJSON *);
static long long day_of(long long, long);
static int	series_arrays(const cJSON *, const cJSON **, const cJSON **,
		    const cJSON **, size_t *, const struct chart *, tb_err *);
static int	read_series(const cJSON *, struct chart *, tb_err *);
static double	previous_close(const struct chart *, const cJSON *);
static double	average_volume(const struct chart *, const cJSON *);
static void	derive(struct chart *, const cJSON *);

/* Fill *e with "yahoo chart[ for SYMBOL]: message" and return code. */
static int
chart_fail(tb_err *e, int code, const char *symbol, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (symbol != NULL && symbol[0] != '\0')
		return tb_errf(e, code, "yahoo chart for %s: %s", symbol, msg);
	return tb_errf(e, code, "yahoo chart: %s", msg);
}

/*
 * Parse the whole body as one JSON value.  On failure the message quotes
 * the start of the body, which is what tells an HTML error page or a
 * consent wall from a truncated transfer.
 */
static cJSON *
parse_body(const char *json, size_t len, tb_err *e)
{
	const char *end = NULL;
	char excerpt[BODY_EXCERPT + 1];
	size_t i, at;
	cJSON *root;

	if (json == NULL || len == 0) {
		chart_fail(e, TB_EDATA, NULL, "empty body");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root != NULL) {
		/* Only whitespace (or a final NUL) may follow the value. */
		at = (size_t)(end - json);
		while (at < len && isspace((unsigned char)json[at]))
			at++;
		if (at == len || json[at] == '\0')
			return root;
		cJSON_Delete(root);
	} else
		at = end != NULL && end >= json ? (size_t)(end - json) : 0;
	for (i = 0; i < len && i < BODY_EXCERPT && json[i] != '\0'; i++)
		excerpt[i] = isprint((unsigned char)json[i]) ? json[i] : ' ';
	excerpt[i] = '\0';
	chart_fail(e, TB_EDATA, NULL,
	    "body is not JSON (error at byte %zu of %zu), starts \"%s\"",
	    at, len, excerpt);
	return NULL;
}

/* Point *result at chart.result[0], or say why there is none. */
static int
find_result(const cJSON *root, const cJSON **result, tb_err *e)
{
	const cJSON *chart, *error, *code, *desc, *list;

	chart = cJSON_GetObjectItemCaseSensitive(root, "chart");
	if (!cJSON_IsObject(chart))
		return chart_fail(e, TB_EDATA, NULL, "no \"chart\" object");
	error = cJSON_GetObjectItemCaseSensitive(chart, "error");
	if (error != NULL && !cJSON_IsNull(error)) {
		code = cJSON_GetObjectItemCaseSensitive(error, "code");
		desc = cJSON_GetObjectItemCaseSensitive(error, "description");
		return chart_fail(e, TB_EDATA, NULL, "error \"%s\": %s",
		    cJSON_IsString(code) ? code->valuestring : "?",
		    cJSON_IsString(desc) ? desc->valuestring : "no description");
	}
	list = cJSON_GetObjectItemCaseSensitive(chart, "result");
	if (!cJSON_IsArray(list))
		return chart_fail(e, TB_EDATA, NULL, "no result");
	*result = cJSON_GetArrayItem(list, 0);
	if (!cJSON_IsObject(*result))
		return chart_fail(e, TB_EDATA, NULL, "empty result");
	return 0;
}

/* A finite number field of obj, or NAN when absent, null or not a number. */
static double
meta_number(const cJSON *obj, const char *key)
{
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return NAN;
	return v->valuedouble;
}

/* A copy of the first non-empty string among keys a and b (b may be NULL). */
static char *
meta_string(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(obj, a);
	if ((!cJSON_IsString(v) || v->valuestring[0] == '\0') && b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(obj, b);
	return strdup(cJSON_IsString(v) ? v->valuestring : "");
}

static int
read_meta(const cJSON *meta, struct chart *c, tb_err *e)
{
	const cJSON *cur;
	double v;

	if ((c->symbol = meta_string(meta, "symbol", NULL)) == NULL ||
	    (c->long_name = meta_string(meta, "longName", "shortName")) == NULL)
		return chart_fail(e, TB_EINTERNAL, NULL, "out of memory");
	cur = cJSON_GetObjectItemCaseSensitive(meta, "currency");
	if (!cJSON_IsString(cur) || cur->valuestring[0] == '\0')
		return chart_fail(e, TB_EDATA, c->symbol, "meta has no currency");
	if (strlen(cur->valuestring) >= sizeof c->currency)
		return chart_fail(e, TB_EDATA, c->symbol,
		    "currency \"%.32s\" is not a currency code",
		    cur->valuestring);
	memcpy(c->currency, cur->valuestring, strlen(cur->valuestring) + 1);
	c->unit_factor = chart_major_unit_factor(c->currency,
	    c->major_currency);

	v = meta_number(meta, "gmtoffset");
	if (!isnan(v)) {
		if (fabs(v) > SECS_PER_DAY)
			return chart_fail(e, TB_EDATA, c->symbol,
			    "gmtoffset %g out of range", v);
		c->gmtoffset = (long)v;
	}
	v = meta_number(meta, "regularMarketTime");
	if (!isnan(v) && fabs(v) <= MAX_ABS_TIME)
		c->market_time = (long long)v;
	c->price = meta_number(meta, "regularMarketPrice");
	return 0;
}

/*
 * Entry i of timestamp[] is v: *have = 0 for a null, else the time in *t.
 */
static int
read_time(const cJSON *v, size_t i, int *have, long long *t,
    const struct chart *c, tb_err *e)
{
	*have = 0;
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !(fabs(v->valuedouble) <= MAX_ABS_TIME))
		return chart_fail(e, TB_EDATA, c->symbol,
		    "timestamp[%zu] is not a unix time", i);
	*have = 1;
	*t = (long long)v->valuedouble;
	return 0;
}

/*
 * Entry i of a quote array is v (NULL when the array is absent): NAN for a
 * null, else the finite number.
 */
static int
read_value(const cJSON *v, size_t i, const char *name, double *out,
    const struct chart *c, tb_err *e)
{
	*out = NAN;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return chart_fail(e, TB_EDATA, c->symbol,
		    "%s[%zu] is not a number", name, i);
	*out = v->valuedouble;
	return 0;
}

/* The first entry of an array, or NULL for an empty or absent one. */
static const cJSON *
first_item(const cJSON *arr)
{
	return arr != NULL ? arr->child : NULL;
}

/* The calendar day of unix time t at offset off, as days since 1970-01-01. */
static long long
day_of(long long t, long off)
{
	long long s = t + off, d = s / SECS_PER_DAY;

	if (s % SECS_PER_DAY < 0)
		d--;
	return d;
}

/*
 * Find the parallel arrays and their common length.  A result without
 * timestamp[] is a symbol with no bars in the range: n = 0.  volume[] is
 * optional.
 */
static int
series_arrays(const cJSON *result, const cJSON **ts, const cJSON **close,
    const cJSON **volume, size_t *n, const struct chart *c, tb_err *e)
{
	const cJSON *ind, *quote;

	*ts = cJSON_GetObjectItemCaseSensitive(result, "timestamp");
	*close = *volume = NULL;
	*n = 0;
	if (*ts == NULL || cJSON_IsNull(*ts))
		return 0;
	if (!cJSON_IsArray(*ts))
		return chart_fail(e, TB_EDATA, c->symbol,
		    "timestamp is not an array");
	*n = (size_t)cJSON_GetArraySize(*ts);
	if (*n == 0)
		return 0;
	ind = cJSON_GetObjectItemCaseSensitive(result, "indicators");
	quote = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(ind, "quote"), 0);
	*close = cJSON_GetObjectItemCaseSensitive(quote, "close");
	if (!cJSON_IsArray(*close))
		return chart_fail(e, TB_EDATA, c->symbol,
		    "%zu timestamps but no indicators.quote[0].close", *n);
	if ((size_t)cJSON_GetArraySize(*close) != *n)
		return chart_fail(e, TB_EDATA, c->symbol,
		    "%d closes for %zu timestamps",
		    cJSON_GetArraySize(*close), *n);
	*volume = cJSON_GetObjectItemCaseSensitive(quote, "volume");
	if (*volume != NULL && cJSON_IsNull(*volume))
		*volume = NULL;
	if (*volume != NULL && (!cJSON_IsArray(*volume) ||
	    (size_t)cJSON_GetArraySize(*volume) != *n))
		return chart_fail(e, TB_EDATA, c->symbol,
		    "volume is not an array of %zu entries", *n);
	return 0;
}

static int
read_series(const cJSON *result, struct chart *c, tb_err *e)
{
	const cJSON *ts, *close, *volume, *tv, *cv, *vv;
	size_t i, rows, k = 0;
	long long t, day;
	double px, vol;
	int have, rc;

	if ((rc = series_arrays(result, &ts, &close, &volume, &rows, c, e))
	    != 0)
		return rc;
	if (rows == 0)
		return 0;
	c->close = calloc(rows, sizeof *c->close);
	c->volume = calloc(rows, sizeof *c->volume);
	c->time = calloc(rows, sizeof *c->time);
	c->day = calloc(rows, sizeof *c->day);
	if (c->close == NULL || c->volume == NULL || c->time == NULL ||
	    c->day == NULL)
		return chart_fail(e, TB_EINTERNAL, c->symbol, "out of memory");
	/* Walk the parallel arrays together: indexing each is quadratic. */
	tv = first_item(ts);
	cv = first_item(close);
	vv = first_item(volume);
	for (i = 0; i < rows; i++) {
		if ((rc = read_time(tv, i, &have, &t, c, e)) != 0 ||
		    (rc = read_value(cv, i, "close", &px, c, e)) != 0 ||
		    (rc = read_value(vv, i, "volume", &vol, c, e)) != 0)
			return rc;
		tv = tv->next;
		cv = cv->next;
		if (vv != NULL)
			vv = vv->next;
		if (!have || isnan(px))
			continue;
		day = day_of(t, c->gmtoffset);
		if (k > 0 && day < c->day[k - 1])
			return chart_fail(e, TB_EDATA, c->symbol,
			    "timestamp[%zu] is older than the row before", i);
		/* The later row of a day is the more recent quote. */
		if (k > 0 && day == c->day[k - 1])
			k--;
		c->close[k] = px;
		c->volume[k] = vol;
		c->time[k] = t;
		c->day[k] = day;
		k++;
	}
	c->n = k;
	return 0;
}

/* The last close of the series dated before the price's day, or NAN. */
static double
prior_close(const struct chart *c)
{
	long long today;
	size_t i;

	if (c->n == 0)
		return NAN;
	today = c->market_time != 0 ? day_of(c->market_time, c->gmtoffset) :
	    c->day[c->n - 1];
	for (i = c->n; i > 0; i--)
		if (c->day[i - 1] < today)
			return c->close[i - 1];
	return NAN;
}

/* See chart.h for why chartPreviousClose comes last. */
static double
previous_close(const struct chart *c, const cJSON *meta)
{
	double v;

	v = meta_number(meta, "previousClose");
	if (!isnan(v))
		return v;
	if (!isnan(c->prior_close))
		return c->prior_close;
	return meta_number(meta, "chartPreviousClose");
}

static double
average_volume(const struct chart *c, const cJSON *meta)
{
	size_t i, used = 0;
	double sum = 0.0;

	for (i = c->n; i > 0 && used < AVG_VOLUME_BARS; i--) {
		if (isnan(c->volume[i - 1]))
			continue;
		sum += c->volume[i - 1];
		used++;
	}
	if (used > 0)
		return sum / used;
	return meta_number(meta, "regularMarketVolume");
}

static void
derive(struct chart *c, const cJSON *meta)
{
	size_t i;

	c->prior_close = prior_close(c);
	c->previous_close = previous_close(c, meta);
	c->change_1d_pct = NAN;
	if (!isnan(c->previous_close) && c->previous_close != 0.0)
		c->change_1d_pct = 100.0 * (c->price / c->previous_close - 1.0);
	if (ind_change_pct_last(c->close, c->n, WEEK_BARS,
	    &c->change_5d_pct) != 0)
		c->change_5d_pct = NAN;
	if (ind_change_pct_last(c->close, c->n, MONTH_BARS,
	    &c->change_1m_pct) != 0)
		c->change_1m_pct = NAN;

	c->high_52w = meta_number(meta, "fiftyTwoWeekHigh");
	c->low_52w = meta_number(meta, "fiftyTwoWeekLow");
	if (isnan(c->high_52w) || isnan(c->low_52w)) {
		/* Fall back to the series for whichever meta lacks. */
		for (i = 0; i < c->n; i++) {
			if (isnan(c->high_52w) || c->close[i] > c->high_52w)
				c->high_52w = c->close[i];
			if (isnan(c->low_52w) || c->close[i] < c->low_52w)
				c->low_52w = c->close[i];
		}
	}
	c->avg_volume = average_volume(c, meta);
}

int
chart_parse(const char *json, size_t len, struct chart *out, tb_err *e)
{
	const cJSON *result = NULL, *meta;
	cJSON *root;
	int rc;

	memset(out, 0, sizeof *out);
	if ((root = parse_body(json, len, e)) == NULL)
		return TB_EDATA;
	if ((rc = find_result(root, &result, e)) != 0)
		goto fail;
	meta = cJSON_GetObjectItemCaseSensitive(result, "meta");
	if (!cJSON_IsObject(meta)) {
		rc = chart_fail(e, TB_EDATA, NULL, "result has no meta");
		goto fail;
	}
	if ((rc = read_meta(meta, out, e)) != 0 ||
	    (rc = read_series(result, out, e)) != 0)
		goto fail;
	if (isnan(out->price) && out->n > 0)
		out->price = out->close[out->n - 1];
	if (isnan(out->price)) {
		rc = chart_fail(e, TB_EDATA, out->symbol,
		    "no regularMarketPrice and no close");
		goto fail;
	}
	derive(out, meta);
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	chart_free(out);
	return rc;
}

void
chart_free(struct chart *c)
{
	if (c == NULL)
		return;
	free(c->symbol);
	free(c->long_name);
	free(c->close);
	free(c->volume);
	free(c->time);
	free(c->day);
	memset(c, 0, sizeof *c);
}

double
chart_major_unit_factor(const char *currency, char major[CHART_CURRENCY_MAX])
{
	size_t i, len;

	major[0] = '\0';
	if (currency == NULL || (len = strlen(currency)) >= CHART_CURRENCY_MAX)
		return 0.0;
	for (i = 0; i < sizeof minor_units / sizeof minor_units[0]; i++) {
		if (strcmp(currency, minor_units[i].code) == 0) {
			memcpy(major, minor_units[i].major,
			    strlen(minor_units[i].major) + 1);
			return minor_units[i].factor;
		}
	}
	memcpy(major, currency, len + 1);
	return 1.0;
}
