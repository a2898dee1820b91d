/*
 * market.c - Yahoo charts, technicals, EUR conversion and the
 * market_data table.  See market.h.
 *
 * Only the main thread touches the database and parses JSON; the
 * fundamentals thread does nothing but HTTP, so that cJSON's global
 * error pointer is never written by two threads at once.
 */
#include "market.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "clock.h"
#include "db.h"
#include "eodhd.h"
#include "http.h"
#include "indicators.h"
#include "log.h"
#include "price.h"
#include "symbols.h"
#include "yahoo.h"


/* The REAL columns of market_data, in the order of the SQL below. */
static const size_t quote_numbers[] = {
	offsetof(struct market_quote, price),
	offsetof(struct market_quote, price_eur),
	offsetof(struct market_quote, eur_rate),
	offsetof(struct market_quote, previous_close),
	offsetof(struct market_quote, change_1d_pct),
	offsetof(struct market_quote, change_5d_pct),
	offsetof(struct market_quote, change_1m_pct),
	offsetof(struct market_quote, high_52w),
	offsetof(struct market_quote, low_52w),
	offsetof(struct market_quote, avg_volume),
	offsetof(struct market_quote, sma20),
	offsetof(struct market_quote, sma50),
	offsetof(struct market_quote, ema12),
	offsetof(struct market_quote, ema26),
	offsetof(struct market_quote, macd),
	offsetof(struct market_quote, macd_signal),
	offsetof(struct market_quote, macd_hist),
	offsetof(struct market_quote, rsi14),
	offsetof(struct market_quote, market_cap),
	offsetof(struct market_quote, pe_ratio),
};
#define NNUMBERS (sizeof quote_numbers / sizeof quote_numbers[0])

#define NUMBER_COLUMNS "price, price_eur, eur_rate, previous_close, " \
	"change_1d_pct, change_5d_pct, change_1m_pct, high_52w, low_52w, " \
	"avg_volume, sma20, sma50, ema12, ema26, macd, macd_signal, " \
	"macd_hist, rsi14, market_cap, pe_ratio"

static const char load_sql[] =
	"SELECT name, currency, sector, source, " NUMBER_COLUMNS
	" FROM market_data WHERE date = ?1 AND symbol = ?2 AND status = 'ok'";
#define LOAD_FIRST_NUMBER 4

static const char store_sql[] =
	"INSERT OR REPLACE INTO market_data (date, symbol, status, error, "
	"name, currency, sector, fetched_at, source, " NUMBER_COLUMNS ") "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	"?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, "
	"?29)";
#define STORE_FIRST_NUMBER 10

/* The fundamentals, fetched in a thread of their own (HTTP only). */
struct fundamentals {
	const struct tb_config *cfg;
	struct market_quote **quotes;	/* borrowed */
	struct yahoo_answer *answers;	/* n, one per quote */
	size_t n;
};

static double	*number_of(struct market_quote *, size_t);
static double	 unit_factor(const char *, char *);
static int	 quote_init(struct market_quote *, const char *, tb_err *);
static int	 load_cached(sqlite3 *, const char *, struct market_quote *,
		    tb_err *);
static int	 store_one(sqlite3 *, sqlite3_stmt *, const char *,
		    const char *, const struct market_quote *, tb_err *);
static int	 store_set(sqlite3 *, const char *, const struct market_set *,
		    tb_err *);
static int	 plan(sqlite3 *, const char *, const char *const *, size_t,
		    struct market_set *, tb_err *);
static struct market_quote **uncached(struct market_set *, int, size_t,
		    size_t *);
static int	 first_round(const struct tb_config *, struct yahoo *,
		    struct market_set *, int, tb_err *);
static int	 missed_pairs(sqlite3 *, const char *, struct yahoo *,
		    struct market_set *, tb_err *);
static int	 bind_quote(sqlite3_stmt *, const char *, const char *,
		    const struct market_quote *);
static int	 fetch_charts(struct yahoo *, struct market_quote **,
		    size_t, tb_err *);
static void	 take_chart(struct market_quote *,
		    const struct yahoo_answer *);
static int	 add_pair(struct market_set *, const char *, size_t *,
		    tb_err *);
static struct market_quote *find_pair(struct market_set *, const char *);
static void	 convert(struct market_set *, struct market_quote *);
static void	*fundamentals_main(void *);
static void	 apply_fundamentals(struct fundamentals *);
static void	 fundamentals_free(struct fundamentals *);
static double	 raw_number(const cJSON *, const char *, const char *);

static double *
number_of(struct market_quote *q, size_t i)
{
	return (double *)((char *)q + quote_numbers[i]);
}

void
market_quote_clear(struct market_quote *q)
{
	size_t i;

	memset(q, 0, sizeof *q);
	for (i = 0; i < NNUMBERS; i++)
		*number_of(q, i) = NAN;
	q->prior_close = NAN;
	q->source = "yahoo";
}

void
market_quote_free(struct market_quote *q)
{
	if (q == NULL)
		return;
	free(q->symbol);
	free(q->error);
	free(q->name);
	free(q->sector);
	market_quote_clear(q);
}

static int
quote_init(struct market_quote *q, const char *symbol, tb_err *e)
{
	market_quote_clear(q);
	if ((q->symbol = strdup(symbol)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "market: out of memory");
	return 0;
}

void
market_set_free(struct market_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		market_quote_free(&s->quotes[i]);
	for (i = 0; i < s->nfx; i++)
		market_quote_free(&s->fx[i]);
	free(s->quotes);
	free(s->fx);
	memset(s, 0, sizeof *s);
}

const struct market_quote *
market_find(const struct market_set *s, const char *symbol)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->quotes[i].symbol, symbol) == 0)
			return &s->quotes[i];
	for (i = 0; i < s->nfx; i++)
		if (strcmp(s->fx[i].symbol, symbol) == 0)
			return &s->fx[i];
	return NULL;
}

/*
 * chart_major_unit_factor(), plus Trading 212's "GBX" for pence (the
 * market table says GBX where Yahoo says GBp), and 0 unless the major
 * currency is a three-letter code.
 */
static double
unit_factor(const char *currency, char *major)
{
	double factor;
	size_t i;

	if (currency != NULL && strcmp(currency, "GBX") == 0) {
		strcpy(major, "GBP");
		return 0.01;
	}
	factor = chart_major_unit_factor(currency, major);
	if (strlen(major) != 3)
		return 0.0;
	for (i = 0; i < 3; i++)
		if (!isupper((unsigned char)major[i]))
			return 0.0;
	return factor;
}

int
market_fx_pair(const char *currency, char *pair, size_t pairsz)
{
	char major[CHART_CURRENCY_MAX];
	int len;

	if (!(unit_factor(currency, major) > 0.0))
		return -1;
	if (strcmp(major, "EUR") == 0)
		return 0;
	len = snprintf(pair, pairsz, "EUR%s=X", major);
	if (len < 0 || (size_t)len >= pairsz)
		return -1;
	return 1;
}

int
market_expected_pair(const char *symbol, char *pair, size_t pairsz)
{
	const struct symbols_market *m = symbols_market_yahoo(symbol);

	if (m == NULL || m->currencies[0] == NULL)
		return -1;
	return market_fx_pair(m->currencies[0], pair, pairsz);
}

int
market_apply_fx(struct market_quote *q, double major_per_eur)
{
	char major[CHART_CURRENCY_MAX];
	double factor;

	q->eur_rate = NAN;
	q->price_eur = NAN;
	factor = unit_factor(q->currency, major);
	if (!(factor > 0.0) || !isfinite(major_per_eur) ||
	    !(major_per_eur > 0.0))
		return -1;
	/* Units of the quoted currency per EUR: 85 pence when 0.85 GBP. */
	q->eur_rate = major_per_eur / factor;
	if (isfinite(q->price))
		q->price_eur = q->price / q->eur_rate;
	return 0;
}

int
market_quote_from_chart(struct market_quote *q, const struct chart *c,
    tb_err *e)
{
	double v;

	free(q->name);
	q->name = NULL;
	if (c->long_name != NULL && c->long_name[0] != '\0' &&
	    (q->name = strdup(c->long_name)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "market: out of memory");
	snprintf(q->currency, sizeof q->currency, "%s", c->currency);
	q->price = c->price;
	q->previous_close = c->previous_close;
	q->prior_close = c->prior_close;
	q->change_1d_pct = c->change_1d_pct;
	q->change_5d_pct = c->change_5d_pct;
	q->change_1m_pct = c->change_1m_pct;
	q->high_52w = c->high_52w;
	q->low_52w = c->low_52w;
	q->avg_volume = c->avg_volume;
	q->sma20 = ind_sma_last(c->close, c->n, 20, &v) == 0 ? v : NAN;
	q->sma50 = ind_sma_last(c->close, c->n, 50, &v) == 0 ? v : NAN;
	q->ema12 = ind_ema_last(c->close, c->n, 12, &v) == 0 ? v : NAN;
	q->ema26 = ind_ema_last(c->close, c->n, 26, &v) == 0 ? v : NAN;
	q->rsi14 = ind_rsi_last(c->close, c->n, IND_RSI_PERIOD, &v) == 0 ?
	    v : NAN;
	if (ind_macd_last(c->close, c->n, IND_MACD_FAST, IND_MACD_SLOW,
	    IND_MACD_SIGNAL, &q->macd, &q->macd_signal, &q->macd_hist) != 0)
		q->macd = q->macd_signal = q->macd_hist = NAN;
	q->ok = 1;
	free(q->error);
	q->error = NULL;
	return 0;
}

/* A fundamentals field: obj.module.field.raw, a finite number, else NAN. */
static double
raw_number(const cJSON *result, const char *module, const char *field)
{
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(result, module);
	v = cJSON_GetObjectItemCaseSensitive(v, field);
	if (cJSON_IsObject(v))
		v = cJSON_GetObjectItemCaseSensitive(v, "raw");
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return NAN;
	return v->valuedouble;
}

int
market_parse_fundamentals(struct market_quote *q, const char *body,
    size_t len)
{
	cJSON *doc;
	const cJSON *result, *sector;
	double v;

	if (body == NULL || (doc = cJSON_ParseWithLength(body, len)) == NULL)
		return -1;
	result = cJSON_GetObjectItemCaseSensitive(doc, "quoteSummary");
	result = cJSON_GetObjectItemCaseSensitive(result, "result");
	result = cJSON_GetArrayItem(result, 0);
	if (!cJSON_IsObject(result)) {
		cJSON_Delete(doc);
		return -1;
	}
	if (!isnan(v = raw_number(result, "summaryDetail", "marketCap")))
		q->market_cap = v;
	if (!isnan(v = raw_number(result, "summaryDetail", "trailingPE")) ||
	    !isnan(v = raw_number(result, "defaultKeyStatistics",
	    "forwardPE")))
		q->pe_ratio = v;
	sector = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(result, "assetProfile"), "sector");
	if (cJSON_IsString(sector) && sector->valuestring[0] != '\0') {
		free(q->sector);
		q->sector = strdup(sector->valuestring);
	}
	cJSON_Delete(doc);
	return 0;
}

/* Read an 'ok' row of the date back into q: 1 found, 0 not, or an error. */
static int
load_cached(sqlite3 *db, const char *date, struct market_quote *q,
    tb_err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (db_prepare(db, load_sql, &st, e) != 0)
		return -1;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, q->symbol);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			return 0;
		db_fail(db, "reading market_data", e);
		return -1;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    (q->name = strdup(db_column_text(st, 0))) == NULL)
		goto nomem;
	snprintf(q->currency, sizeof q->currency, "%s", db_column_text(st, 1));
	if (sqlite3_column_type(st, 2) != SQLITE_NULL &&
	    (q->sector = strdup(db_column_text(st, 2))) == NULL)
		goto nomem;
	q->source = strcmp(db_column_text(st, 3), "eodhd") == 0 ? "eodhd" :
	    "yahoo";
	for (i = 0; i < NNUMBERS; i++) {
		if (sqlite3_column_type(st, LOAD_FIRST_NUMBER + (int)i) !=
		    SQLITE_NULL)
			*number_of(q, i) = sqlite3_column_double(st,
			    LOAD_FIRST_NUMBER + (int)i);
	}
	sqlite3_finalize(st);
	q->ok = 1;
	q->cached = 1;
	log_debug("market: %s read back from market_data", q->symbol);
	return 1;
nomem:
	sqlite3_finalize(st);
	tb_errf(e, TB_EINTERNAL, "market: out of memory");
	return -1;
}

static int
bind_quote(sqlite3_stmt *st, const char *date, const char *fetched_at,
    const struct market_quote *q)
{
	double v;
	size_t i;
	int rc = SQLITE_OK;

	rc |= db_bind_text(st, 1, date);
	rc |= db_bind_text(st, 2, q->symbol);
	rc |= db_bind_text(st, 3, q->ok ? "ok" : "unavailable");
	rc |= db_bind_text(st, 4, q->error);
	rc |= db_bind_text(st, 5, q->name);
	rc |= db_bind_text(st, 6, q->currency[0] != '\0' ? q->currency : NULL);
	rc |= db_bind_text(st, 7, q->sector);
	rc |= db_bind_text(st, 8, fetched_at);
	rc |= db_bind_text(st, 9, q->ok ? q->source : NULL);
	for (i = 0; i < NNUMBERS; i++) {
		v = *number_of((struct market_quote *)q, i);
		if (isfinite(v))
			rc |= sqlite3_bind_double(st, STORE_FIRST_NUMBER +
			    (int)i, v);
		else
			rc |= sqlite3_bind_null(st, STORE_FIRST_NUMBER +
			    (int)i);
	}
	return rc;
}

/* Store one fetched quote (a cached one is already there). */
static int
store_one(sqlite3 *db, sqlite3_stmt *st, const char *date,
    const char *fetched_at, const struct market_quote *q, tb_err *e)
{
	if (q->cached)
		return 0;
	if (bind_quote(st, date, fetched_at, q) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		return db_fail(db, "storing market_data", e);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

/* Store every fetched quote and pair of the set, in one transaction. */
static int
store_set(sqlite3 *db, const char *date, const struct market_set *s,
    tb_err *e)
{
	sqlite3_stmt *st = NULL;
	char fetched_at[32];
	size_t i;

	clock_iso_utc(time(NULL), fetched_at);
	if (db_begin(db, e) != 0)
		return e->code;
	if (db_prepare(db, store_sql, &st, e) != 0)
		goto fail;
	for (i = 0; i < s->n; i++)
		if (store_one(db, st, date, fetched_at, &s->quotes[i], e) != 0)
			goto fail;
	for (i = 0; i < s->nfx; i++)
		if (store_one(db, st, date, fetched_at, &s->fx[i], e) != 0)
			goto fail;
	sqlite3_finalize(st);
	return db_commit(db, e);
fail:
	sqlite3_finalize(st);
	db_rollback(db);
	return e->code;
}

/* Turn a chart's answer into its quote. */
static void
take_chart(struct market_quote *q, const struct yahoo_answer *a)
{
	struct chart c;
	tb_err e;
	const char *why = NULL;

	tb_err_clear(&e);
	q->fetched_at = time(NULL);
	if (a->body == NULL)
		why = a->error[0] != '\0' ? a->error : "no answer";
	else if (chart_parse(a->body, a->len, &c, &e) != 0)
		why = e.msg;
	else {
		if (market_quote_from_chart(q, &c, &e) != 0)
			why = e.msg;
		chart_free(&c);
	}
	if (why != NULL) {
		q->ok = 0;
		free(q->error);
		q->error = strdup(why);
		log_warn("market: %s unavailable: %s", q->symbol, why);
	}
}

/*
 * Fetch the charts of qs[0..n-1] (yahoo.h) and fill each quote.  Only
 * memory can make this fail; a failed chart is an unavailable quote.
 */
static int
fetch_charts(struct yahoo *y, struct market_quote **qs, size_t n, tb_err *e)
{
	struct yahoo_answer *a;
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	if ((a = calloc(n, sizeof *a)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "market: out of memory");
	for (i = 0; i < n; i++)
		a[i].symbol = qs[i]->symbol;
	if ((rc = yahoo_charts(y, a, n, e)) == 0)
		for (i = 0; i < n; i++)
			take_chart(qs[i], &a[i]);
	yahoo_answers_reset(a, n);
	free(a);
	return rc;
}

static struct market_quote *
find_pair(struct market_set *s, const char *pair)
{
	size_t i;

	for (i = 0; i < s->nfx; i++)
		if (strcmp(s->fx[i].symbol, pair) == 0)
			return &s->fx[i];
	return NULL;
}

/* Add an FX pair to the set unless it is there; *added counts new ones. */
static int
add_pair(struct market_set *s, const char *pair, size_t *added, tb_err *e)
{
	struct market_quote *fx;

	if (find_pair(s, pair) != NULL)
		return 0;
	fx = reallocarray(s->fx, s->nfx + 1, sizeof *fx);
	if (fx == NULL)
		return tb_errf(e, TB_EINTERNAL, "market: out of memory");
	s->fx = fx;
	if (quote_init(&s->fx[s->nfx], pair, e) != 0)
		return e->code;
	s->nfx++;
	(*added)++;
	return 0;
}

/* Convert a fetched quote to EUR with the pair its currency needs. */
static void
convert(struct market_set *s, struct market_quote *q)
{
	char pair[CHART_CURRENCY_MAX + 8];
	const struct market_quote *fx;
	int need;

	need = market_fx_pair(q->currency, pair, sizeof pair);
	if (need == 0) {
		market_apply_fx(q, 1.0);
		return;
	}
	if (need < 0) {
		log_warn("market: %s: currency \"%s\" cannot be converted to "
		    "EUR", q->symbol, q->currency);
		return;
	}
	fx = find_pair(s, pair);
	if (fx == NULL || !fx->ok || market_apply_fx(q, fx->price) != 0)
		log_warn("market: %s: no %s rate, no EUR price", q->symbol,
		    pair);
}

/* The thread: its own Yahoo client (a client is one thread's). */
static void *
fundamentals_main(void *arg)
{
	struct fundamentals *fu = arg;
	struct yahoo y;
	tb_err e;

	if (yahoo_init(&y, fu->cfg, &e) != 0)
		return NULL;
	/*
	 * The charts wait for this thread: beside a base that is not
	 * Yahoo's own (a proxy, a fake), the crumb alone, so that the chain
	 * is over before the charts are.
	 */
	y.base_cookie = 0;
	(void)yahoo_fundamentals(&y, fu->answers, fu->n, &e);
	yahoo_free(&y);
	return NULL;
}

static void
apply_fundamentals(struct fundamentals *fu)
{
	size_t i, got = 0;

	for (i = 0; i < fu->n; i++) {
		if (fu->answers[i].body == NULL || !fu->quotes[i]->ok)
			continue;
		if (market_parse_fundamentals(fu->quotes[i],
		    fu->answers[i].body, fu->answers[i].len) == 0)
			got++;
	}
	if (fu->n > 0 && got == 0)
		log_debug("market: no fundamentals (quoteSummary did not "
		    "answer)");
}

static void
fundamentals_free(struct fundamentals *fu)
{
	if (fu->answers != NULL)
		yahoo_answers_reset(fu->answers, fu->n);
	free(fu->answers);
	free(fu->quotes);
	memset(fu, 0, sizeof *fu);
}

/*
 * The set's quotes, read back where the date has them, and the FX pairs
 * their markets suggest (read back too where possible).
 */
static int
plan(sqlite3 *db, const char *date, const char *const *symbols, size_t n,
    struct market_set *s, tb_err *e)
{
	char pair[CHART_CURRENCY_MAX + 8];
	size_t i, added = 0;
	int rc;

	if (n > 0 && (s->quotes = calloc(n, sizeof *s->quotes)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "market: out of memory");
	for (i = 0; i < n; i++, s->n++) {
		if (quote_init(&s->quotes[i], symbols[i], e) != 0)
			return e->code;
		rc = 0;
		if (db != NULL &&
		    (rc = load_cached(db, date, &s->quotes[i], e)) < 0)
			return e->code;
		if (rc == 1)
			s->ncached++;
		else if (market_expected_pair(symbols[i], pair, sizeof pair) ==
		    1 && add_pair(s, pair, &added, e) != 0)
			return e->code;
	}
	for (i = 0; db != NULL && i < s->nfx; i++)
		if (load_cached(db, date, &s->fx[i], e) < 0)
			return e->code;
	return 0;
}

/*
 * The entries still to fetch: the quotes (when stocks is set), then the
 * pairs from fx_from on.  NULL when out of memory; *n may be 0.
 */
static struct market_quote **
uncached(struct market_set *s, int stocks, size_t fx_from, size_t *n)
{
	struct market_quote **list;
	size_t i;

	*n = 0;
	if ((list = calloc(s->n + s->nfx + 1, sizeof *list)) == NULL)
		return NULL;
	for (i = 0; stocks && i < s->n; i++)
		if (!s->quotes[i].cached)
			list[(*n)++] = &s->quotes[i];
	for (i = fx_from; i < s->nfx; i++)
		if (!s->fx[i].cached)
			list[(*n)++] = &s->fx[i];
	return list;
}

/*
 * Start the fundamentals of the first fu->n quotes in unfetched: 1 when
 * the thread runs, 0 when it could not start, -1 when out of memory.
 */
static int
fundamentals_start(struct fundamentals *fu, const struct tb_config *cfg,
    struct market_quote **unfetched, pthread_t *thread, tb_err *e)
{
	size_t i;

	fu->cfg = cfg;
	if ((fu->quotes = calloc(fu->n, sizeof *fu->quotes)) == NULL ||
	    (fu->answers = calloc(fu->n, sizeof *fu->answers)) == NULL) {
		tb_errf(e, TB_EINTERNAL, "market: out of memory");
		return -1;
	}
	memcpy(fu->quotes, unfetched, fu->n * sizeof *unfetched);
	for (i = 0; i < fu->n; i++)
		fu->answers[i].symbol = fu->quotes[i]->symbol;
	if (pthread_create(thread, NULL, fundamentals_main, fu) == 0)
		return 1;
	log_warn("market: cannot start the fundamentals thread; going on "
	    "without fundamentals");
	return 0;
}

/*
 * Charts of every quote and pair to fetch; fundamentals beside them when
 * with_fundamentals is set.
 */
static int
first_round(const struct tb_config *cfg, struct yahoo *y,
    struct market_set *s, int with_fundamentals, tb_err *e)
{
	struct market_quote **unfetched;
	struct fundamentals fu;
	pthread_t thread;
	size_t i, nunfetched;
	int rc = 0, started = 0;

	memset(&fu, 0, sizeof fu);
	if ((unfetched = uncached(s, 1, 0, &nunfetched)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "market: out of memory");
	/* The list starts with the quotes; pairs have no fundamentals. */
	for (i = 0; with_fundamentals && i < s->n; i++)
		fu.n += !s->quotes[i].cached;
	if (fu.n > 0 && (started = fundamentals_start(&fu, cfg, unfetched,
	    &thread, e)) < 0) {
		rc = TB_EINTERNAL;
		goto out;
	}
	rc = fetch_charts(y, unfetched, nunfetched, e);
	if (started)
		pthread_join(thread, NULL);
	if (rc == 0 && started)
		apply_fundamentals(&fu);
out:
	fundamentals_free(&fu);
	free(unfetched);
	return rc;
}

/* The pairs that the charts' own currencies need and the guess missed. */
static int
missed_pairs(sqlite3 *db, const char *date, struct yahoo *y,
    struct market_set *s, tb_err *e)
{
	struct market_quote **unfetched;
	char pair[CHART_CURRENCY_MAX + 8];
	size_t i, first = s->nfx, added = 0, nunfetched;
	int rc;

	for (i = 0; i < s->n; i++)
		if (!s->quotes[i].cached && s->quotes[i].ok &&
		    market_fx_pair(s->quotes[i].currency, pair, sizeof pair) ==
		    1 && add_pair(s, pair, &added, e) != 0)
			return e->code;
	if (added == 0)
		return 0;
	for (i = first; db != NULL && i < s->nfx; i++)
		if (load_cached(db, date, &s->fx[i], e) < 0)
			return e->code;
	if ((unfetched = uncached(s, 0, first, &nunfetched)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "market: out of memory");
	rc = fetch_charts(y, unfetched, nunfetched, e);
	free(unfetched);
	return rc;
}

/* Refuse a fetched quote or pair whose price is not plausible (price.h). */
static void
check_plausible(struct market_quote *q)
{
	char why[300];

	if (!q->ok || q->cached || price_check(q->price, q->prior_close,
	    q->currency, why, sizeof why) == PRICE_OK)
		return;
	log_warn("market: %s: %s", q->symbol, why);
	q->ok = 0;
	q->implausible = 1;
	free(q->error);
	q->error = strdup(why);
}

/* ---- The second price source (eodhd.h). */

/* How far back the second source's days go: enough for the technicals. */
#define SECOND_DAYS	200
/* Two sources that both answered may differ by this much at most. */
#define SECOND_AGREE	0.02

/* One quote or pair that Yahoo could not give plausibly. */
struct second {
	struct market_quote *q;
	const struct market_hint *hint;	/* NULL: none */
	const char *currency;		/* the one its prices are in */
};

static int
second_source_on(const struct tb_config *cfg)
{
	return cfg->eodhd_api_key != NULL && *cfg->eodhd_api_key != '\0' &&
	    cfg->eodhd_base_url != NULL && *cfg->eodhd_base_url != '\0';
}

/*
 * The currency q's second-source prices are in: Yahoo's label when it
 * gave a chart, else the caller's, else the exchange's own (eodhd.h).
 * NULL when nobody can tell (London without a label: pence or pounds).
 */
static const char *
second_currency(const struct market_quote *q, const struct market_hint *h)
{
	if (q->currency[0] != '\0')
		return q->currency;
	if (h != NULL && h->currency != NULL && *h->currency != '\0')
		return h->currency;
	return eodhd_currency(q->symbol);
}

/*
 * Whether the second source's quote t may replace q: plausible against
 * its own previous close, within SECOND_AGREE of Yahoo's price when Yahoo
 * gave one, and plausible against the caller's price when it knows one.
 * 0, or -1 with the reason in why.
 */
static int
second_agrees(const struct market_quote *q, const struct market_quote *t,
    const struct market_hint *h, char *why, size_t whysz)
{
	double gap;

	if (price_check(t->price, t->prior_close, t->currency, why, whysz) !=
	    PRICE_OK)
		return -1;
	if (isfinite(q->price) && q->price > 0 &&
	    (gap = fabs(q->price / t->price - 1)) > SECOND_AGREE) {
		snprintf(why, whysz, "implausible price: Yahoo says %.6g and "
		    "EODHD %.6g %s (%.1f %% apart, more than %.0f %%)",
		    q->price, t->price, t->currency, gap * 100,
		    SECOND_AGREE * 100);
		return -1;
	}
	if (h != NULL && isfinite(h->price) && h->price > 0 &&
	    price_check(t->price, h->price, t->currency, why, whysz) !=
	    PRICE_OK) {
		snprintf(why + strlen(why), whysz - strlen(why), ", the "
		    "decision's price");
		return -1;
	}
	return 0;
}

/* q stays unavailable: its error says what both sources said. */
static void
second_failed(struct market_quote *q, const char *why)
{
	char *both;

	log_warn("market: %s: the second source too: %s", q->symbol, why);
	if (asprintf(&both, "%s; second source: %s", q->error != NULL ?
	    q->error : "unavailable", why) < 0)
		return;
	free(q->error);
	q->error = both;
}

/* Replace q by the second source's quote from answer a, if it agrees. */
static void
take_second(struct second *sec, const struct eodhd_answer *a)
{
	struct market_quote *q = sec->q, t;
	struct chart c;
	char why[600];
	tb_err e;

	market_quote_clear(&t);
	t.symbol = q->symbol;
	if (a->body == NULL)
		snprintf(why, sizeof why, "%s", a->error);
	else if (eodhd_parse(a->body, a->len, sec->currency, &c, &e) != 0)
		snprintf(why, sizeof why, "%s", e.msg);
	else {
		if (market_quote_from_chart(&t, &c, &e) != 0)
			snprintf(why, sizeof why, "%s", e.msg);
		else if (second_agrees(q, &t, sec->hint, why, sizeof why) == 0)
			why[0] = '\0';
		chart_free(&c);
	}
	if (why[0] != '\0') {
		second_failed(q, why);
		t.symbol = NULL;
		market_quote_free(&t);
		return;
	}
	log_info("market: %s from EODHD: %.6g %s", q->symbol, t.price,
	    t.currency);
	t.source = "eodhd";
	t.fetched_at = time(NULL);
	free(q->error);
	free(q->name);
	free(q->sector);
	*q = t;
}

/* The quotes and pairs Yahoo did not give plausibly, into list. */
static size_t
second_list(struct market_set *s, const struct market_hint *hints,
    struct second *list)
{
	size_t i, k = 0;

	for (i = 0; i < s->nfx + s->n; i++) {
		struct market_quote *q = i < s->nfx ? &s->fx[i] :
		    &s->quotes[i - s->nfx];
		const struct market_hint *h = i < s->nfx || hints == NULL ?
		    NULL : &hints[i - s->nfx];

		if (q->ok || q->cached)
			continue;
		list[k].q = q;
		list[k].hint = h;
		if ((list[k].currency = second_currency(q, h)) == NULL) {
			second_failed(q, "EODHD does not say whether its London "
			    "prices are pence or pounds, and nothing else did");
			continue;
		}
		k++;
	}
	return k;
}

/*
 * Ask the second source for what Yahoo could not give plausibly, when
 * EODHD_API_KEY is set.  Only memory fails it.
 */
static int
second_source(const struct tb_config *cfg, struct market_set *s,
    const struct market_hint *hints, tb_err *e)
{
	struct eodhd_answer *a;
	struct second *list;
	struct tb_date d;
	char from[11];
	size_t i, k;
	int rc = 0;

	if (!second_source_on(cfg) || s->n + s->nfx == 0)
		return 0;
	list = calloc(s->n + s->nfx, sizeof *list);
	a = calloc(s->n + s->nfx, sizeof *a);
	if (list == NULL || a == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "market: out of memory");
		goto out;
	}
	if ((k = second_list(s, hints, list)) == 0)
		goto out;
	clock_local_date(time(NULL) - SECOND_DAYS * 86400L, &d);
	date_format(&d, from);
	for (i = 0; i < k; i++)
		a[i].symbol = list[i].q->symbol;
	log_info("market: asking EODHD for %zu symbol(s) Yahoo did not give",
	    k);
	if ((rc = eodhd_fetch(cfg->eodhd_base_url, cfg->eodhd_api_key, from,
	    cfg->market_parallel > 0 ? (int)cfg->market_parallel : 4,
	    cfg->yahoo_timeout_seconds * 1000L, a, k, e)) == 0)
		for (i = 0; i < k; i++)
			take_second(&list[i], &a[i]);
	eodhd_answers_reset(a, k);
out:
	free(list);
	free(a);
	return rc;
}

/*
 * The charts of a planned set, its missed pairs, each checked and
 * converted to EUR.  with_fundamentals starts the quoteSummary thread.
 */
static int
fetch_set(sqlite3 *db, const char *date, const struct tb_config *cfg,
    int parallel, int with_fundamentals, const struct market_hint *hints,
    struct market_set *s, tb_err *e)
{
	struct yahoo y;
	size_t i;
	int rc;

	if ((rc = yahoo_init(&y, cfg, e)) != 0)
		return rc;
	if (parallel > 0)
		y.parallel = parallel;
	if ((rc = first_round(cfg, &y, s, with_fundamentals, e)) == 0)
		rc = missed_pairs(db, date, &y, s, e);
	s->nrequests = y.nrequests;
	yahoo_free(&y);
	if (rc != 0)
		return rc;
	for (i = 0; i < s->nfx; i++)
		check_plausible(&s->fx[i]);
	for (i = 0; i < s->n; i++)
		check_plausible(&s->quotes[i]);
	if ((rc = second_source(cfg, s, hints, e)) != 0)
		return rc;
	for (i = 0; i < s->n; i++) {
		if (!s->quotes[i].cached && s->quotes[i].ok)
			convert(s, &s->quotes[i]);
		s->nok += s->quotes[i].ok;
	}
	return 0;
}

int
market_fetch(sqlite3 *db, const struct tb_config *cfg, const char *date,
    const char *const *symbols, size_t n, int parallel,
    struct market_set *out, tb_err *e)
{
	struct market_set s;
	int rc;

	memset(&s, 0, sizeof s);
	memset(out, 0, sizeof *out);
	if ((rc = plan(db, date, symbols, n, &s, e)) != 0 ||
	    (rc = fetch_set(db, date, cfg, parallel, 1, NULL, &s, e)) != 0 ||
	    (rc = store_set(db, date, &s, e)) != 0) {
		market_set_free(&s);
		return rc;
	}
	*out = s;
	return 0;
}

int
market_fetch_now(const struct tb_config *cfg, const char *const *symbols,
    const struct market_hint *hints, size_t n,
    const char *const *extra_pairs, size_t nextra, struct market_set *out,
    tb_err *e)
{
	struct market_set s;
	size_t i, added = 0;
	int rc;

	memset(&s, 0, sizeof s);
	memset(out, 0, sizeof *out);
	if ((rc = plan(NULL, NULL, symbols, n, &s, e)) != 0)
		goto fail;
	for (i = 0; i < nextra; i++)
		if ((rc = add_pair(&s, extra_pairs[i], &added, e)) != 0)
			goto fail;
	if ((rc = fetch_set(NULL, NULL, cfg, 0, 0, hints, &s, e)) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	market_set_free(&s);
	return rc;
}
