/*
 * digest_json.c - the digest's JSON document, written and read.  See
 * digest.h for the document.
 *
 * Writing builds the cJSON tree in the document's key order, so the same
 * digest always prints the same bytes (the stored text and the printed
 * one are equal).  Reading is strict: a field missing or of the wrong
 * type makes the whole document TB_EDATA, naming the field.
 */
#include "digest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

static cJSON *
string_or_null(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *
strings(char *const *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
	return arr;
}

static cJSON *
ticker_json(const struct digest_ticker *t)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return NULL;
	cJSON_AddNumberToObject(o, "rank", (double)t->rank);
	cJSON_AddStringToObject(o, "symbol", t->symbol);
	cJSON_AddItemToObject(o, "t212_ticker", string_or_null(t->t212_ticker));
	cJSON_AddItemToObject(o, "name", string_or_null(t->name));
	cJSON_AddItemToObject(o, "currency", string_or_null(t->currency));
	cJSON_AddNumberToObject(o, "mentions", (double)t->mentions);
	cJSON_AddNumberToObject(o, "posts", (double)t->posts);
	cJSON_AddNumberToObject(o, "weight", t->weight);
	cJSON_AddNumberToObject(o, "bullish", (double)t->bullish);
	cJSON_AddNumberToObject(o, "bearish", (double)t->bearish);
	cJSON_AddNumberToObject(o, "sentiment", t->sentiment);
	cJSON_AddItemToObject(o, "subreddits", strings(t->subreddits,
	    t->nsubreddits));
	cJSON_AddItemToObject(o, "titles", strings(t->titles, t->ntitles));
	return o;
}

char *
digest_json(const struct digest *d)
{
	cJSON *doc, *rounds, *tickers;
	char *text = NULL;
	size_t i;

	if ((doc = cJSON_CreateObject()) == NULL)
		return NULL;
	cJSON_AddStringToObject(doc, "date", d->date);
	cJSON_AddStringToObject(doc, "generated_at", d->generated_at);
	rounds = cJSON_AddArrayToObject(doc, "rounds");
	for (i = 0; rounds != NULL && i < d->nrounds; i++)
		cJSON_AddItemToArray(rounds, cJSON_CreateNumber(d->rounds[i]));
	cJSON_AddNumberToObject(doc, "post_count", (double)d->post_count);
	cJSON_AddStringToObject(doc, "universe", d->universe_loaded ?
	    "loaded" : "missing");
	tickers = cJSON_AddArrayToObject(doc, "tickers");
	for (i = 0; tickers != NULL && i < d->ntickers; i++)
		cJSON_AddItemToArray(tickers, ticker_json(&d->tickers[i]));
	/*
	 * cJSON drops an item it could not allocate; count what it kept so
	 * a short document is an out-of-memory failure, never stored.
	 */
	if (rounds != NULL && tickers != NULL &&
	    (size_t)cJSON_GetArraySize(tickers) == d->ntickers &&
	    (size_t)cJSON_GetArraySize(rounds) == d->nrounds)
		text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return text;
}

/* Reading: each helper fills one field or says which one is wrong. */

static int
bad(tb_err *e, const char *what)
{
	return tb_errf(e, TB_EDATA, "%s", what);
}

static int
get_number(const cJSON *o, const char *key, double *out, tb_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return tb_errf(e, TB_EDATA, "\"%s\" is not a number", key);
	*out = v->valuedouble;
	return 0;
}

static int
get_long(const cJSON *o, const char *key, long *out, tb_err *e)
{
	double v = 0;

	if (get_number(o, key, &v, e) != 0)
		return TB_EDATA;
	if (v < 0 || v > 1e15 || v != floor(v))
		return tb_errf(e, TB_EDATA, "\"%s\" is not a count", key);
	*out = (long)v;
	return 0;
}

/* A string field copied into *out; NULL for JSON null when may_be_null. */
static int
get_string(const cJSON *o, const char *key, int may_be_null, char **out,
    tb_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (may_be_null && cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return tb_errf(e, TB_EDATA, "\"%s\" is not a string", key);
	if ((*out = strdup(v->valuestring)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	return 0;
}

/* A string into a fixed buffer (date, stamp): it must fit. */
static int
get_fixed(const cJSON *o, const char *key, char *buf, size_t size,
    tb_err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v) || strlen(v->valuestring) >= size)
		return tb_errf(e, TB_EDATA, "\"%s\" is not a short string",
		    key);
	memcpy(buf, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

/* An array of strings (at most max) into a new array *out of *n. */
static int
get_strings(const cJSON *o, const char *key, char **out, size_t max,
    size_t *n, tb_err *e)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, key), *s;

	*n = 0;
	if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) > max)
		return tb_errf(e, TB_EDATA, "\"%s\" is not a list of at most "
		    "%zu strings", key, max);
	cJSON_ArrayForEach(s, arr) {
		if (!cJSON_IsString(s))
			return tb_errf(e, TB_EDATA, "\"%s\" holds a non-string",
			    key);
		if ((out[*n] = strdup(s->valuestring)) == NULL)
			return tb_errf(e, TB_EINTERNAL,
			    "digest: out of memory");
		(*n)++;
	}
	return 0;
}

static int
parse_ticker(const cJSON *o, struct digest_ticker *t, tb_err *e)
{
	const cJSON *subs = cJSON_GetObjectItemCaseSensitive(o, "subreddits");
	long rank;
	int rc;

	if (!cJSON_IsObject(o))
		return bad(e, "a ticker is not an object");
	if ((rc = get_long(o, "rank", &rank, e)) != 0 ||
	    (rc = get_string(o, "symbol", 0, &t->symbol, e)) != 0 ||
	    (rc = get_string(o, "t212_ticker", 1, &t->t212_ticker, e)) != 0 ||
	    (rc = get_string(o, "name", 1, &t->name, e)) != 0 ||
	    (rc = get_string(o, "currency", 1, &t->currency, e)) != 0 ||
	    (rc = get_long(o, "mentions", &t->mentions, e)) != 0 ||
	    (rc = get_long(o, "posts", &t->posts, e)) != 0 ||
	    (rc = get_number(o, "weight", &t->weight, e)) != 0 ||
	    (rc = get_long(o, "bullish", &t->bullish, e)) != 0 ||
	    (rc = get_long(o, "bearish", &t->bearish, e)) != 0 ||
	    (rc = get_number(o, "sentiment", &t->sentiment, e)) != 0 ||
	    (rc = get_strings(o, "titles", t->titles, DIGEST_TITLES,
	    &t->ntitles, e)) != 0)
		return rc;
	t->rank = (size_t)rank;
	if (cJSON_IsArray(subs) && cJSON_GetArraySize(subs) > 0 &&
	    (t->subreddits = calloc((size_t)cJSON_GetArraySize(subs),
	    sizeof *t->subreddits)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	return get_strings(o, "subreddits", t->subreddits,
	    cJSON_IsArray(subs) ? (size_t)cJSON_GetArraySize(subs) : 0,
	    &t->nsubreddits, e);
}

static int
parse_rounds(const cJSON *doc, struct digest *d, tb_err *e)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "rounds"), *r;

	if (!cJSON_IsArray(arr))
		return bad(e, "\"rounds\" is not a list");
	if (cJSON_GetArraySize(arr) > 0 && (d->rounds = calloc(
	    (size_t)cJSON_GetArraySize(arr), sizeof *d->rounds)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	cJSON_ArrayForEach(r, arr) {
		if (!cJSON_IsNumber(r) || r->valuedouble < 1 ||
		    r->valuedouble > 1000 || r->valuedouble != floor(
		    r->valuedouble))
			return bad(e, "\"rounds\" holds a non-round");
		d->rounds[d->nrounds++] = (int)r->valuedouble;
	}
	return 0;
}

static int
parse_tickers(const cJSON *doc, struct digest *d, tb_err *e)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "tickers"), *t;
	int rc;

	if (!cJSON_IsArray(arr))
		return bad(e, "\"tickers\" is not a list");
	if (cJSON_GetArraySize(arr) > 0 && (d->tickers = calloc(
	    (size_t)cJSON_GetArraySize(arr), sizeof *d->tickers)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "digest: out of memory");
	cJSON_ArrayForEach(t, arr)
		if ((rc = parse_ticker(t, &d->tickers[d->ntickers++], e)) != 0)
			return rc;
	return 0;
}

static int
parse_doc(const cJSON *doc, struct digest *d, tb_err *e)
{
	const cJSON *universe;
	int rc;

	if (!cJSON_IsObject(doc))
		return bad(e, "not a JSON object");
	universe = cJSON_GetObjectItemCaseSensitive(doc, "universe");
	if (!cJSON_IsString(universe) || (strcmp(universe->valuestring,
	    "loaded") != 0 && strcmp(universe->valuestring, "missing") != 0))
		return bad(e, "\"universe\" is not \"loaded\" or \"missing\"");
	d->universe_loaded = strcmp(universe->valuestring, "loaded") == 0;
	if ((rc = get_fixed(doc, "date", d->date, sizeof d->date, e)) != 0 ||
	    (rc = get_fixed(doc, "generated_at", d->generated_at,
	    sizeof d->generated_at, e)) != 0 ||
	    (rc = get_long(doc, "post_count", &d->post_count, e)) != 0 ||
	    (rc = parse_rounds(doc, d, e)) != 0)
		return rc;
	return parse_tickers(doc, d, e);
}

int
digest_parse(const char *json, struct digest *out, tb_err *e)
{
	cJSON *doc;
	int rc;

	memset(out, 0, sizeof *out);
	if ((doc = cJSON_Parse(json)) == NULL)
		return bad(e, "not JSON");
	if ((rc = parse_doc(doc, out, e)) != 0)
		digest_free(out);
	cJSON_Delete(doc);
	return rc;
}
