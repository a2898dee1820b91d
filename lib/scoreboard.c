/*
 * scoreboard.c - the scoreboard's arithmetic.  See scoreboard.h.
 *
 * The trades are applied in date order to one book per LLM while the
 * days of the series go by, so a year of days and trades is one pass; a
 * close is a binary search in its symbol's series.
 */
#include "scoreboard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rotation.h"

#define SB_QTY_EPSILON	1e-9	/* shares this close to 0 are none */

/* A position while the trades are applied. */
struct hold {
	char ticker[SB_SYMBOL_MAX];
	int real;
	double qty;
	double cost;			/* EUR the shares held cost */
	double price, price_eur;	/* its last trade's */
	char currency[8];
	const struct sb_series *series;
};

/* One LLM's book. */
struct book {
	struct hold *holds;
	size_t n, cap;
	double invested[2], proceeds[2];	/* [0] virtual, [1] real */
	double realised, fees;
	long trades;
	double bench_units, bench_cash;
};

static const struct sb_series *
find_series(const struct sb_input *in, const char *symbol)
{
	size_t lo = 0, hi = in->nseries, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(symbol, in->series[mid].symbol)) == 0)
			return &in->series[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct sb_mark *
scoreboard_mark(const struct sb_series *s, const char *day, int after)
{
	size_t lo = 0, hi, mid;

	if (s == NULL || s->n == 0)
		return NULL;
	/* The first mark dated after day is at lo. */
	hi = s->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(s->marks[mid].date, day) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
		return &s->marks[lo - 1];
	return after ? &s->marks[0] : NULL;
}

void
scoreboard_trading_days(const struct tb_config *cfg, struct tb_date *d, int n)
{
	int step = n < 0 ? -1 : 1;

	while (n != 0) {
		date_add_days(d, step);
		if (is_trading_day(cfg, d))
			n -= step;
	}
}

/* ---- The series' days. */

static int
make_days(const struct sb_input *in, struct sb_result *out, tb_err *e)
{
	struct tb_date d = in->from;
	size_t n = 0, pass;

	for (pass = 0; pass < 2; pass++) {
		d = in->from;
		n = 0;
		for (; date_compare(&d, &in->to) <= 0; date_add_days(&d, 1)) {
			if (!is_trading_day(in->cfg, &d) &&
			    date_compare(&d, &in->to) != 0)
				continue;
			if (pass == 1)
				date_format(&d, out->days[n]);
			n++;
		}
		if (n == 0) {
			/* from after to: the series is `to` alone. */
			if (pass == 1)
				date_format(&in->to, out->days[0]);
			n = 1;
		}
		if (pass == 0 && (out->days = calloc(n, sizeof *out->days)) ==
		    NULL)
			return tb_errf(e, TB_EINTERNAL, "scoreboard: out of "
			    "memory");
	}
	out->ndays = n;
	return 0;
}

/* ---- Books. */

static struct hold *
hold_of(struct book *b, const struct sb_input *in, const struct sb_trade *t)
{
	struct hold *h, *grown;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->holds[i].real == t->real &&
		    strcmp(b->holds[i].ticker, t->ticker) == 0)
			return &b->holds[i];
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		if ((grown = reallocarray(b->holds, b->cap, sizeof *grown)) ==
		    NULL)
			return NULL;
		b->holds = grown;
	}
	h = &b->holds[b->n++];
	memset(h, 0, sizeof *h);
	snprintf(h->ticker, sizeof h->ticker, "%s", t->ticker);
	h->real = t->real;
	h->price = h->price_eur = NAN;
	h->series = find_series(in, t->ticker);
	return h;
}

/* The benchmark side of trade t: the same euros, the same day. */
static void
bench_apply(struct book *b, const struct sb_series *bench,
    const struct sb_trade *t, double cash)
{
	const struct sb_mark *m = scoreboard_mark(bench, t->date, 1);
	double units;

	if (m == NULL || !(m->close_eur > 0))
		return;
	if (!t->sell) {
		b->bench_units += cash / m->close_eur;
		return;
	}
	units = fmin(cash / m->close_eur, b->bench_units);
	b->bench_units -= units;
	b->bench_cash += units * m->close_eur;
}

static int
apply(struct book *b, const struct sb_input *in, const struct sb_series *bench,
    const struct sb_trade *t)
{
	struct hold *h;
	double cash = money_major(t->cash), sold, frac, part;

	if ((h = hold_of(b, in, t)) == NULL)
		return -1;
	b->trades++;
	b->fees += money_major(t->fees);
	if (isfinite(t->price_eur) && t->price_eur > 0) {
		h->price = t->price;
		h->price_eur = t->price_eur;
		snprintf(h->currency, sizeof h->currency, "%s", t->currency);
	}
	bench_apply(b, bench, t, cash);
	if (!t->sell) {
		b->invested[t->real] += cash;
		h->qty += t->quantity;
		h->cost += cash;
		return 0;
	}
	b->proceeds[t->real] += cash;
	sold = fmin(t->quantity, h->qty);
	frac = h->qty > SB_QTY_EPSILON ? sold / h->qty : 0;
	part = frac >= 1 ? h->cost : h->cost * frac;
	b->realised += cash - part;
	h->cost -= part;
	h->qty -= sold;
	if (h->qty < SB_QTY_EPSILON)
		h->qty = h->cost = 0;
	return 0;
}

/*
 * The price in EUR a hold is valued at on day, with the close used (as
 * quoted) in *price: the newest close, else its last trade's price, else
 * its cost.
 */
static double
hold_price(const struct hold *h, const char *day, double *price)
{
	const struct sb_mark *m = scoreboard_mark(h->series, day, 0);

	if (m != NULL) {
		*price = m->close;
		return m->close_eur;
	}
	*price = h->price;
	if (isfinite(h->price_eur))
		return h->price_eur;
	return h->qty > 0 ? h->cost / h->qty : 0;
}

/* Holdings of kind (real 0/1, or -1 for both) at day plus proceeds. */
static double
book_value(const struct book *b, const char *day, int kind)
{
	double v = 0, price;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->holds[i].qty > 0 && (kind < 0 || b->holds[i].real ==
		    kind))
			v += b->holds[i].qty * hold_price(&b->holds[i], day,
			    &price);
	if (kind < 0)
		return v + b->proceeds[0] + b->proceeds[1];
	return v + b->proceeds[kind];
}

static double
bench_value(const struct book *b, const struct sb_series *bench,
    const char *day)
{
	const struct sb_mark *m = scoreboard_mark(bench, day, 1);

	if (m == NULL)
		return NAN;
	return b->bench_units * m->close_eur + b->bench_cash;
}

static void
book_free(struct book *b)
{
	free(b->holds);
}

/* ---- Figures. */

static double
pct(double part, double whole)
{
	return whole > 0 ? part / whole * 100 : 0;
}

static void
money_of(struct sb_money *m, double invested, double value)
{
	m->invested = invested;
	m->value = value;
	m->pnl = value - invested;
}

static double
max_drawdown(const struct sb_llm *l, size_t ndays)
{
	double peak = 0, r, worst = 0;
	size_t i;

	for (i = 0; i < ndays; i++) {
		if (!(l->day_invested[i] > 0))
			continue;
		r = l->day_value[i] / l->day_invested[i];
		if (r > peak)
			peak = r;
		else if (peak > 0 && (peak - r) / peak * 100 > worst)
			worst = (peak - r) / peak * 100;
	}
	return worst;
}

/* The trading days after the first trade, up to `to`, oldest first. */
struct calendar {
	char (*days)[11];
	size_t n;
};

static int
calendar_make(const struct sb_input *in, struct calendar *c)
{
	struct tb_date d;
	size_t cap = 0;
	void *grown;

	memset(c, 0, sizeof *c);
	if (in->ntrades == 0 || date_parse(in->trades[0].date, &d) != 0)
		return 0;
	for (date_add_days(&d, 1); date_compare(&d, &in->to) <= 0;
	    date_add_days(&d, 1)) {
		if (!is_trading_day(in->cfg, &d))
			continue;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = reallocarray(c->days, cap,
			    sizeof *c->days)) == NULL)
				return -1;
			c->days = grown;
		}
		date_format(&d, c->days[c->n++]);
	}
	return 0;
}

/* The SB_HIT_DAYS-th trading day after day, or NULL when after `to`. */
static const char *
calendar_later(const struct calendar *c, const char *day)
{
	size_t lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(c->days[mid], day) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo + SB_HIT_DAYS - 1 < c->n ? c->days[lo + SB_HIT_DAYS - 1] :
	    NULL;
}

static double
hit_rate(const struct sb_input *in, const struct calendar *cal, size_t llm)
{
	const struct sb_trade *t;
	const struct sb_mark *m;
	const char *later;
	long n = 0, hits = 0;
	size_t i;

	for (i = 0; i < in->ntrades; i++) {
		t = &in->trades[i];
		if (t->llm != llm || t->sell || !(t->quantity > 0) ||
		    (later = calendar_later(cal, t->date)) == NULL)
			continue;
		m = scoreboard_mark(find_series(in, t->ticker), later, 0);
		if (m == NULL)
			continue;
		n++;
		if (m->close_eur > money_major(t->cash) / t->quantity)
			hits++;
	}
	return n > 0 ? (double)hits / (double)n * 100 : NAN;
}

static int
position_order(const void *a, const void *b)
{
	const struct sb_position *x = a, *y = b;
	int c = strcmp(x->ticker, y->ticker);

	return c != 0 ? c : y->real - x->real;
}

static int
positions(struct sb_llm *l, const struct book *b, const char *day)
{
	struct sb_position *p;
	size_t i;

	if ((l->positions = calloc(b->n + 1, sizeof *l->positions)) == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		if (!(b->holds[i].qty > 0))
			continue;
		p = &l->positions[l->npositions++];
		snprintf(p->ticker, sizeof p->ticker, "%s",
		    b->holds[i].ticker);
		p->real = b->holds[i].real;
		p->quantity = b->holds[i].qty;
		p->cost_eur = b->holds[i].cost;
		p->value_eur = p->quantity * hold_price(&b->holds[i], day,
		    &p->price);
		p->pnl_eur = p->value_eur - p->cost_eur;
		if (b->holds[i].series != NULL &&
		    scoreboard_mark(b->holds[i].series, day, 0) != NULL)
			snprintf(p->currency, sizeof p->currency, "%s",
			    b->holds[i].series->currency);
		else
			snprintf(p->currency, sizeof p->currency, "%s",
			    b->holds[i].currency);
	}
	l->open_positions = (long)l->npositions;
	qsort(l->positions, l->npositions, sizeof *l->positions,
	    position_order);
	return 0;
}

/* An LLM's figures at the last day, from its book and series. */
static int
finish_llm(const struct sb_input *in, const struct calendar *cal,
    struct sb_result *out, size_t k, const struct book *b,
    const struct sb_series *bench)
{
	struct sb_llm *l = &out->llms[k];
	const char *day = out->days[out->ndays - 1];
	double invested = b->invested[0] + b->invested[1];

	money_of(&l->all, invested, book_value(b, day, -1));
	money_of(&l->real, b->invested[1], book_value(b, day, 1));
	money_of(&l->virt, b->invested[0], book_value(b, day, 0));
	money_of(&l->bench, invested, bench_value(b, bench, day));
	l->return_pct = pct(l->all.pnl, invested);
	l->bench_return_pct = isfinite(l->bench.value) ? pct(l->bench.pnl,
	    invested) : NAN;
	l->excess_pct = l->return_pct - l->bench_return_pct;
	l->realised = b->realised;
	l->unrealised = l->all.pnl - b->realised;
	l->fees = b->fees;
	l->trades = b->trades;
	l->max_drawdown_pct = max_drawdown(l, out->ndays);
	l->hit_rate_pct = hit_rate(in, cal, k);
	return positions(l, b, day);
}

static int
rank_order(const void *a, const void *b)
{
	const struct sb_llm *x = *(const struct sb_llm *const *)a;
	const struct sb_llm *y = *(const struct sb_llm *const *)b;

	if (x->return_pct != y->return_pct)
		return x->return_pct > y->return_pct ? -1 : 1;
	if (x->all.pnl != y->all.pnl)
		return x->all.pnl > y->all.pnl ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
rank(struct sb_result *out)
{
	struct sb_llm **order;
	size_t i;

	if ((order = calloc(out->nllms + 1, sizeof *order)) == NULL)
		return -1;
	for (i = 0; i < out->nllms; i++)
		order[i] = &out->llms[i];
	qsort(order, out->nllms, sizeof *order, rank_order);
	for (i = 0; i < out->nllms; i++)
		order[i]->rank = (int)i + 1;
	free(order);
	return 0;
}

static int
alloc_llms(const struct sb_input *in, struct sb_result *out)
{
	struct sb_llm *l;
	size_t i;

	if ((out->llms = calloc(in->nllms + 1, sizeof *out->llms)) == NULL)
		return -1;
	out->nllms = in->nllms;
	for (i = 0; i < in->nllms; i++) {
		l = &out->llms[i];
		l->name = in->llms[i];
		l->day_invested = calloc(out->ndays, sizeof (double));
		l->day_value = calloc(out->ndays, sizeof (double));
		l->day_bench = calloc(out->ndays, sizeof (double));
		if (l->day_invested == NULL || l->day_value == NULL ||
		    l->day_bench == NULL)
			return -1;
	}
	return 0;
}

/* Apply the trades day by day, noting each LLM's figures on each day. */
static int
walk(const struct sb_input *in, struct sb_result *out, struct book *books,
    const struct sb_series *bench)
{
	const struct sb_trade *t;
	const char *day;
	size_t i = 0, k, j;

	for (k = 0; k < out->ndays; k++) {
		day = out->days[k];
		for (; i < in->ntrades && strcmp(in->trades[i].date, day) <= 0;
		    i++) {
			t = &in->trades[i];
			if (t->llm < in->nllms && apply(&books[t->llm], in,
			    bench, t) != 0)
				return -1;
		}
		for (j = 0; j < in->nllms; j++) {
			out->llms[j].day_invested[k] = books[j].invested[0] +
			    books[j].invested[1];
			out->llms[j].day_value[k] = book_value(&books[j], day,
			    -1);
			out->llms[j].day_bench[k] = bench_value(&books[j],
			    bench, day);
		}
	}
	return 0;
}

static void
bench_close(const struct sb_input *in, struct sb_result *out,
    const struct sb_series *bench)
{
	const struct sb_mark *m = scoreboard_mark(bench, out->to, 0);

	snprintf(out->benchmark, sizeof out->benchmark, "%s",
	    in->benchmark != NULL ? in->benchmark : "");
	out->bench_close = m != NULL ? m->close : NAN;
	if (m != NULL)
		snprintf(out->bench_currency, sizeof out->bench_currency, "%s",
		    bench->currency);
}

int
scoreboard_compute(const struct sb_input *in, struct sb_result *out,
    tb_err *e)
{
	const struct sb_series *bench;
	struct calendar cal;
	struct book *books;
	size_t k;
	int rc = 0;

	memset(out, 0, sizeof *out);
	memset(&cal, 0, sizeof cal);
	date_format(&in->from, out->from);
	date_format(&in->to, out->to);
	bench = in->benchmark != NULL ? find_series(in, in->benchmark) : NULL;
	bench_close(in, out, bench);
	if ((rc = make_days(in, out, e)) != 0)
		return rc;
	if ((books = calloc(in->nllms + 1, sizeof *books)) == NULL ||
	    alloc_llms(in, out) != 0 || walk(in, out, books, bench) != 0 ||
	    calendar_make(in, &cal) != 0)
		rc = -1;
	for (k = 0; rc == 0 && k < in->nllms; k++)
		if (finish_llm(in, &cal, out, k, &books[k], bench) != 0)
			rc = -1;
	free(cal.days);
	if (rc == 0 && rank(out) != 0)
		rc = -1;
	for (k = 0; books != NULL && k < in->nllms; k++)
		book_free(&books[k]);
	free(books);
	if (rc != 0) {
		scoreboard_free(out);
		return tb_errf(e, TB_EINTERNAL, "scoreboard: out of memory");
	}
	return 0;
}

void
scoreboard_free(struct sb_result *r)
{
	size_t i;

	for (i = 0; r->llms != NULL && i < r->nllms; i++) {
		free(r->llms[i].positions);
		free(r->llms[i].day_invested);
		free(r->llms[i].day_value);
		free(r->llms[i].day_bench);
	}
	free(r->llms);
	free(r->days);
	memset(r, 0, sizeof *r);
}

/* ---- JSON. */

/* EUR cents, or a percentage's 2 decimals; NAN as null. */
static void
add_2dp(cJSON *o, const char *name, double v)
{
	/* + 0.0 turns -0 (a loss that rounds to nothing) into 0. */
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, round(v * 100) / 100 + 0.0);
	else
		cJSON_AddNullToObject(o, name);
}

static void
add_money(cJSON *o, const char *name, const struct sb_money *m, int pnl)
{
	cJSON *part = cJSON_AddObjectToObject(o, name);

	add_2dp(part, "invested_eur", m->invested);
	add_2dp(part, "value_eur", m->value);
	if (pnl)
		add_2dp(part, "pnl_eur", m->pnl);
}

static void
add_position(cJSON *list, const struct sb_position *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "ticker", p->ticker);
	cJSON_AddStringToObject(o, "kind", p->real ? "real" : "virtual");
	cJSON_AddNumberToObject(o, "quantity", round(p->quantity * 1e8) /
	    1e8);
	add_2dp(o, "cost_eur", p->cost_eur);
	if (isfinite(p->price))
		cJSON_AddNumberToObject(o, "price", p->price);
	else
		cJSON_AddNullToObject(o, "price");
	if (p->currency[0] != '\0')
		cJSON_AddStringToObject(o, "currency", p->currency);
	else
		cJSON_AddNullToObject(o, "currency");
	add_2dp(o, "value_eur", p->value_eur);
	add_2dp(o, "pnl_eur", p->pnl_eur);
	cJSON_AddItemToArray(list, o);
}

static cJSON *
llm_json(const struct sb_llm *l)
{
	cJSON *o = cJSON_CreateObject(), *b, *list;
	size_t i;

	cJSON_AddStringToObject(o, "llm", l->name);
	cJSON_AddNumberToObject(o, "rank", l->rank);
	add_2dp(o, "invested_eur", l->all.invested);
	add_2dp(o, "value_eur", l->all.value);
	add_2dp(o, "pnl_eur", l->all.pnl);
	add_2dp(o, "return_pct", l->return_pct);
	add_2dp(o, "realised_eur", l->realised);
	add_2dp(o, "unrealised_eur", l->unrealised);
	add_2dp(o, "fees_eur", l->fees);
	cJSON_AddNumberToObject(o, "trades", (double)l->trades);
	cJSON_AddNumberToObject(o, "open_positions", (double)l->open_positions);
	add_money(o, "real", &l->real, 1);
	add_money(o, "virtual", &l->virt, 1);
	b = cJSON_AddObjectToObject(o, "benchmark");
	add_2dp(b, "invested_eur", l->bench.invested);
	add_2dp(b, "value_eur", l->bench.value);
	add_2dp(b, "return_pct", l->bench_return_pct);
	add_2dp(o, "excess_vs_benchmark_pct", l->excess_pct);
	add_2dp(o, "max_drawdown_pct", l->max_drawdown_pct);
	add_2dp(o, "hit_rate_pct", l->hit_rate_pct);
	list = cJSON_AddArrayToObject(o, "positions");
	for (i = 0; i < l->npositions; i++)
		add_position(list, &l->positions[i]);
	return o;
}

static cJSON *
days_json(const struct sb_result *r)
{
	cJSON *days = cJSON_CreateArray(), *day, *by, *one;
	size_t k, i;

	for (k = 0; k < r->ndays; k++) {
		day = cJSON_CreateObject();
		cJSON_AddStringToObject(day, "date", r->days[k]);
		by = cJSON_AddObjectToObject(day, "llms");
		for (i = 0; i < r->nllms; i++) {
			one = cJSON_AddObjectToObject(by, r->llms[i].name);
			add_2dp(one, "invested_eur", r->llms[i].day_invested[k]);
			add_2dp(one, "value_eur", r->llms[i].day_value[k]);
			add_2dp(one, "benchmark_value_eur",
			    r->llms[i].day_bench[k]);
		}
		cJSON_AddItemToArray(days, day);
	}
	return days;
}

cJSON *
scoreboard_json(const struct sb_result *r)
{
	cJSON *doc = cJSON_CreateObject(), *b, *list;
	int rank;
	size_t i;

	if (doc == NULL)
		return NULL;
	cJSON_AddStringToObject(doc, "date", r->to);
	cJSON_AddStringToObject(doc, "from", r->from);
	cJSON_AddStringToObject(doc, "to", r->to);
	cJSON_AddStringToObject(doc, "currency", "EUR");
	b = cJSON_AddObjectToObject(doc, "benchmark");
	cJSON_AddStringToObject(b, "symbol", r->benchmark);
	if (isfinite(r->bench_close)) {
		cJSON_AddNumberToObject(b, "close", r->bench_close);
		cJSON_AddStringToObject(b, "close_currency", r->bench_currency);
	} else {
		cJSON_AddNullToObject(b, "close");
		cJSON_AddNullToObject(b, "close_currency");
	}
	list = cJSON_AddArrayToObject(doc, "llms");
	for (rank = 1; rank <= (int)r->nllms; rank++)
		for (i = 0; i < r->nllms; i++)
			if (r->llms[i].rank == rank)
				cJSON_AddItemToArray(list,
				    llm_json(&r->llms[i]));
	cJSON_AddItemToObject(doc, "days", days_json(r));
	return doc;
}
