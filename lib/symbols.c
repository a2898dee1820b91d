/*
 * symbols.c - the Trading 212 <-> Yahoo mapping and the instrument universe.
 *
 * The market table below is the only place that knows which exchange
 * letter goes with which Yahoo suffix and currency; every conversion in
 * both directions walks it.  The universe keeps its strings in a chunked
 * pool so that 15,000 instruments cost a few large allocations, and keeps
 * three sorted views (by T212 ticker, Yahoo symbol, root) for binary
 * search.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "symbols.h"

/*
 * Order matters: it is the fixed market order of the multi-listing rule
 * (.DE, .AS, .PA, .MI, .MC first) and the order in which the two Swiss
 * letters are tried.
 */
static const struct symbols_market markets[] = {
	{ 'd', ".DE", { "EUR", NULL }, "DE", "Xetra" },
	{ 'a', ".AS", { "EUR", NULL }, "NL", "Euronext Amsterdam" },
	{ 'p', ".PA", { "EUR", NULL }, "FR", "Euronext Paris" },
	{ 'm', ".MI", { "EUR", NULL }, "IT", "Borsa Italiana" },
	{ 'e', ".MC", { "EUR", NULL }, "ES", "Bolsa de Madrid" },
	/* London quotes most shares in pence (GBX); some ETFs in GBP or USD. */
	{ 'l', ".L", { "GBX", "GBP", "USD", NULL }, "GB",
	    "London Stock Exchange" },
	{ 's', ".SW", { "CHF", NULL }, "CH", "SIX Swiss Exchange" },
	{ 'z', ".SW", { "CHF", NULL }, "CH", "SIX Swiss Exchange" },
	{ 0, "", { "USD", NULL }, "US", "NYSE / NASDAQ" },
};
#define NMARKETS (sizeof(markets) / sizeof(markets[0]))

static const char us_tail[] = "_US_EQ";
static const char eq_tail[] = "_EQ";

/* The longest shortName root taken as a symbol; keeps root + suffix < SYMBOLS_MAX. */
#define SHORTNAME_ROOT_MAX 15

static size_t
market_rank(const struct symbols_market *m)
{
	return (size_t)(m - markets);
}

static int
is_upper_alnum(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
ends_with(const char *s, size_t len, const char *tail)
{
	size_t tlen = strlen(tail);

	return len >= tlen && memcmp(s + len - tlen, tail, tlen) == 0;
}

/*
 * A root is upper-case letters and digits, with single class separators
 * (any of seps) between them: "BRK_B", "VOW3", "BRK-B".
 */
static int
valid_root(const char *s, size_t len, const char *seps)
{
	size_t i;

	if (len == 0 || !is_upper_alnum((unsigned char)s[0]) ||
	    !is_upper_alnum((unsigned char)s[len - 1]))
		return 0;
	for (i = 1; i < len - 1; i++) {
		if (is_upper_alnum((unsigned char)s[i]))
			continue;
		if (strchr(seps, s[i]) == NULL || s[i] == '\0' ||
		    !is_upper_alnum((unsigned char)s[i + 1]))
			return 0;
	}
	return 1;
}

/* Split a T212 ticker into its market and the length of its root. */
static const struct symbols_market *
t212_parse(const char *t, size_t *rootlen)
{
	const struct symbols_market *m = NULL;
	size_t len, i;

	if (t == NULL)
		return NULL;
	len = strlen(t);
	if (ends_with(t, len, us_tail)) {
		m = &markets[NMARKETS - 1];
		*rootlen = len - strlen(us_tail);
	} else if (ends_with(t, len, eq_tail) && len > strlen(eq_tail) + 1) {
		char code = t[len - strlen(eq_tail) - 1];

		for (i = 0; i < NMARKETS; i++)
			if (markets[i].t212_code != 0 &&
			    markets[i].t212_code == code)
				m = &markets[i];
		*rootlen = len - strlen(eq_tail) - 1;
	}
	if (m == NULL || !valid_root(t, *rootlen, "_."))
		return NULL;
	return m;
}

const struct symbols_market *
symbols_market_by_suffix(const char *suffix)
{
	size_t i;

	if (suffix == NULL)
		return NULL;
	for (i = 0; i < NMARKETS; i++)
		if (strcmp(markets[i].yahoo_suffix, suffix) == 0)
			return &markets[i];
	return NULL;
}

/* Split a Yahoo symbol into its market and the length of its root. */
static const struct symbols_market *
yahoo_parse(const char *y, size_t *rootlen)
{
	const struct symbols_market *m;
	const char *dot;

	if (y == NULL)
		return NULL;
	if ((dot = strrchr(y, '.')) != NULL) {
		m = symbols_market_by_suffix(dot);
		*rootlen = (size_t)(dot - y);
	} else {
		m = &markets[NMARKETS - 1];
		*rootlen = strlen(y);
	}
	if (m == NULL || !valid_root(y, *rootlen, "-"))
		return NULL;
	return m;
}

const struct symbols_market *
symbols_market_t212(const char *t212_ticker)
{
	size_t rootlen;

	return t212_parse(t212_ticker, &rootlen);
}

const struct symbols_market *
symbols_market_yahoo(const char *yahoo_symbol)
{
	size_t rootlen;

	return yahoo_parse(yahoo_symbol, &rootlen);
}

int
symbols_t212_to_yahoo(const char *t212_ticker, char *out, size_t outsz)
{
	const struct symbols_market *m;
	size_t rootlen, i, suflen;

	if (outsz > 0)
		out[0] = '\0';
	if ((m = t212_parse(t212_ticker, &rootlen)) == NULL)
		return -1;
	suflen = strlen(m->yahoo_suffix);
	if (rootlen + suflen + 1 > outsz)
		return -1;
	for (i = 0; i < rootlen; i++) {
		char c = t212_ticker[i];

		out[i] = (c == '_' || c == '.') ? '-' : c;
	}
	memcpy(out + rootlen, m->yahoo_suffix, suflen + 1);
	return 0;
}

int
symbols_yahoo_to_t212_candidates(const char *yahoo_symbol,
    char out[][SYMBOLS_MAX], size_t max)
{
	const struct symbols_market *m;
	size_t rootlen, i, j, n = 0;

	if ((m = yahoo_parse(yahoo_symbol, &rootlen)) == NULL)
		return -1;
	/* The longest tail is "_US_EQ". */
	if (rootlen + strlen(us_tail) + 1 > SYMBOLS_MAX)
		return -1;
	for (i = 0; i < NMARKETS && n < max; i++) {
		if (strcmp(markets[i].yahoo_suffix, m->yahoo_suffix) != 0)
			continue;
		for (j = 0; j < rootlen; j++)
			out[n][j] = yahoo_symbol[j] == '-' ? '_' :
			    yahoo_symbol[j];
		if (markets[i].t212_code == 0)
			memcpy(out[n] + rootlen, us_tail, sizeof(us_tail));
		else {
			out[n][rootlen] = markets[i].t212_code;
			memcpy(out[n] + rootlen + 1, eq_tail, sizeof(eq_tail));
		}
		n++;
	}
	return (int)n;
}

int
symbols_yahoo_root(const char *yahoo_symbol, char *out, size_t outsz)
{
	size_t rootlen;

	if (outsz > 0)
		out[0] = '\0';
	if (yahoo_parse(yahoo_symbol, &rootlen) == NULL || rootlen + 1 > outsz)
		return -1;
	memcpy(out, yahoo_symbol, rootlen);
	out[rootlen] = '\0';
	return 0;
}

const char *
symbols_market_currency(const char *yahoo_symbol)
{
	const struct symbols_market *m = symbols_market_yahoo(yahoo_symbol);

	return m ? m->currencies[0] : NULL;
}

static int
symbols_market_fits(const struct symbols_market *m, const char *currency)
{
	size_t i;

	if (m == NULL || currency == NULL)
		return 0;
	for (i = 0; m->currencies[i] != NULL; i++)
		if (strcmp(m->currencies[i], currency) == 0)
			return 1;
	return 0;
}

int
symbols_currency_fits(const char *yahoo_symbol, const char *currency)
{
	return symbols_market_fits(symbols_market_yahoo(yahoo_symbol), currency);
}

/*
 * Trading 212's shortName as a symbol root, class separator normalised to
 * '-' ("BRK.B" -> "BRK-B").  Return -1 when it does not look like one
 * (spaces, lower case, too long): then the suffix rule stands alone.
 */
static int
shortname_root(const char *sn, char *out, size_t outsz)
{
	size_t len, i;

	if (sn == NULL)
		return -1;
	len = strlen(sn);
	if (len == 0 || len > SHORTNAME_ROOT_MAX || len + 1 > outsz ||
	    !valid_root(sn, len, ".-_/") || !(sn[0] >= 'A' && sn[0] <= 'Z'))
		return -1;
	for (i = 0; i < len; i++)
		out[i] = is_upper_alnum((unsigned char)sn[i]) ? sn[i] : '-';
	out[len] = '\0';
	return 0;
}

/* The string pool: chunks that are never moved, freed all at once. */
struct universe_chunk {
	struct universe_chunk *next;
	size_t used;
	size_t size;
	char data[];
};

#define CHUNK_SIZE (64 * 1024)

static const char *
pool_strdup(struct universe *u, const char *s)
{
	struct universe_chunk *c = u->strings;
	size_t len = strlen(s) + 1;
	char *p;

	if (c == NULL || c->size - c->used < len) {
		size_t size = len > CHUNK_SIZE ? len : CHUNK_SIZE;

		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->next = u->strings;
		c->used = 0;
		c->size = size;
		u->strings = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	c->used += len;
	return p;
}

void
universe_init(struct universe *u)
{
	memset(u, 0, sizeof(*u));
	memcpy(u->account_currency, "EUR", 4);
}

int
universe_set_account_currency(struct universe *u, const char *currency)
{
	if (currency == NULL || strlen(currency) != 3 ||
	    !isupper((unsigned char)currency[0]) ||
	    !isupper((unsigned char)currency[1]) ||
	    !isupper((unsigned char)currency[2]))
		return TB_EUSAGE;
	memcpy(u->account_currency, currency, 4);
	return 0;
}

static const char *
or_empty(const char *s)
{
	return s ? s : "";
}

/* Copy every string of in into the pool, into out. */
static int
copy_instrument(struct universe *u, const struct instrument *in,
    const char *yahoo, const char *root, struct instrument *out)
{
	out->t212_ticker = pool_strdup(u, in->t212_ticker);
	out->yahoo_symbol = pool_strdup(u, yahoo);
	out->root = pool_strdup(u, root);
	out->type = pool_strdup(u, or_empty(in->type));
	out->currency = pool_strdup(u, or_empty(in->currency));
	out->isin = pool_strdup(u, or_empty(in->isin));
	out->short_name = pool_strdup(u, or_empty(in->short_name));
	out->name = pool_strdup(u, or_empty(in->name));
	out->working_schedule_id = in->working_schedule_id;
	if (out->t212_ticker == NULL || out->yahoo_symbol == NULL ||
	    out->root == NULL || out->type == NULL || out->currency == NULL ||
	    out->isin == NULL || out->short_name == NULL || out->name == NULL)
		return -1;
	return 0;
}

/* Whether base is root without its class suffix: "BRK" of "BRK-B". */
static int
is_class_base(const char *base, const char *root)
{
	const char *dash = strchr(root, '-');

	return dash != NULL && strlen(base) == (size_t)(dash - root) &&
	    strncmp(base, root, (size_t)(dash - root)) == 0;
}

int
universe_add(struct universe *u, const struct instrument *in, tb_err *e)
{
	const struct symbols_market *m;
	char yahoo[SYMBOLS_MAX], root[SYMBOLS_MAX], snroot[SYMBOLS_MAX];
	size_t rootlen;

	if (u->finished)
		return tb_errf(e, TB_EINTERNAL, "universe_add after universe_finish");
	if (in->t212_ticker == NULL ||
	    symbols_t212_to_yahoo(in->t212_ticker, yahoo, sizeof(yahoo)) == -1)
		return tb_errf(e, TB_EDATA,
		    "%s: not a known Trading 212 ticker pattern",
		    in->t212_ticker ? in->t212_ticker : "(null)");
	m = symbols_market_t212(in->t212_ticker);
	rootlen = strlen(yahoo) - strlen(m->yahoo_suffix);
	memcpy(root, yahoo, rootlen);
	root[rootlen] = '\0';
	/*
	 * The exchange's own symbol, when Trading 212 gives one, wins; but a
	 * shortName that merely drops the class ("BRK" for BRK_B_US_EQ) says
	 * nothing new.
	 */
	if (shortname_root(in->short_name, snroot, sizeof(snroot)) == 0 &&
	    strcmp(snroot, root) != 0 && !is_class_base(snroot, root)) {
		memcpy(root, snroot, strlen(snroot) + 1);
		(void)snprintf(yahoo, sizeof(yahoo), "%s%s", root,
		    m->yahoo_suffix);
	}
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 256;
		struct instrument *items;

		if (cap > SIZE_MAX / sizeof(*items) ||
		    (items = realloc(u->items, cap * sizeof(*items))) == NULL)
			return tb_errf(e, TB_EINTERNAL, "universe: out of memory");
		u->items = items;
		u->cap = cap;
	}
	if (copy_instrument(u, in, yahoo, root, &u->items[u->n]) == -1)
		return tb_errf(e, TB_EINTERNAL, "universe: out of memory");
	u->items[u->n].market = m;
	u->n++;
	return 0;
}

/* Sort keys for universe_finish: a T212 ticker added twice keeps the first. */
struct add_order {
	const struct instrument *it;
	size_t seq;
};

static int
cmp_add_order(const void *a, const void *b)
{
	const struct add_order *x = a, *y = b;
	int c = strcmp(x->it->t212_ticker, y->it->t212_ticker);

	if (c != 0)
		return c;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

enum field { F_YAHOO, F_ROOT };

static const char *
field_of(const struct instrument *it, enum field f)
{
	return f == F_YAHOO ? it->yahoo_symbol : it->root;
}

/* Equal keys are ordered by market table order, then T212 ticker. */
static int
cmp_listing(const struct instrument *x, const struct instrument *y)
{
	size_t rx = market_rank(x->market), ry = market_rank(y->market);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->t212_ticker, y->t212_ticker);
}

static int
cmp_by_yahoo(const void *a, const void *b)
{
	const struct instrument *x = *(const struct instrument *const *)a;
	const struct instrument *y = *(const struct instrument *const *)b;
	int c = strcmp(x->yahoo_symbol, y->yahoo_symbol);

	return c != 0 ? c : cmp_listing(x, y);
}

static int
cmp_by_root(const void *a, const void *b)
{
	const struct instrument *x = *(const struct instrument *const *)a;
	const struct instrument *y = *(const struct instrument *const *)b;
	int c = strcmp(x->root, y->root);

	return c != 0 ? c : cmp_listing(x, y);
}

/* Replace u->items by its copy sorted by T212 ticker, without duplicates. */
static int
sort_items(struct universe *u, tb_err *e)
{
	struct add_order *order;
	struct instrument *sorted;
	size_t i, kept = 0;

	order = malloc(u->n * sizeof(*order));
	sorted = malloc(u->n * sizeof(*sorted));
	if (order == NULL || sorted == NULL) {
		free(order);
		free(sorted);
		return tb_errf(e, TB_EINTERNAL, "universe: out of memory");
	}
	for (i = 0; i < u->n; i++) {
		order[i].it = &u->items[i];
		order[i].seq = i;
	}
	qsort(order, u->n, sizeof(*order), cmp_add_order);
	for (i = 0; i < u->n; i++) {
		if (kept > 0 && strcmp(sorted[kept - 1].t212_ticker,
		    order[i].it->t212_ticker) == 0) {
			log_warn("universe: %s listed twice, keeping the first",
			    order[i].it->t212_ticker);
			continue;
		}
		sorted[kept++] = *order[i].it;
	}
	free(order);
	free(u->items);
	u->items = sorted;
	u->n = kept;
	u->cap = u->n;
	return 0;
}

int
universe_finish(struct universe *u, tb_err *e)
{
	size_t i;
	int rc;

	if (u->finished)
		return 0;
	if (u->n == 0) {
		u->finished = 1;
		return 0;
	}
	if ((rc = sort_items(u, e)) != 0)
		return rc;
	u->by_yahoo = malloc(u->n * sizeof(*u->by_yahoo));
	u->by_root = malloc(u->n * sizeof(*u->by_root));
	if (u->by_yahoo == NULL || u->by_root == NULL) {
		free(u->by_yahoo);
		free(u->by_root);
		u->by_yahoo = u->by_root = NULL;
		return tb_errf(e, TB_EINTERNAL, "universe: out of memory");
	}
	for (i = 0; i < u->n; i++)
		u->by_yahoo[i] = u->by_root[i] = &u->items[i];
	qsort(u->by_yahoo, u->n, sizeof(*u->by_yahoo), cmp_by_yahoo);
	qsort(u->by_root, u->n, sizeof(*u->by_root), cmp_by_root);
	u->finished = 1;
	return 0;
}

void
universe_free(struct universe *u)
{
	struct universe_chunk *c, *next;

	for (c = u->strings; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(u->items);
	free(u->by_yahoo);
	free(u->by_root);
	universe_init(u);
}

const struct instrument *
universe_by_t212(const struct universe *u, const char *t212_ticker)
{
	size_t lo = 0, hi;

	if (u == NULL || !u->finished || t212_ticker == NULL)
		return NULL;
	hi = u->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t212_ticker, u->items[mid].t212_ticker);

		if (c == 0)
			return &u->items[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The index of the first entry of view whose field is >= key. */
static size_t
lower_bound(const struct instrument **view, size_t n, enum field f,
    const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(field_of(view[mid], f), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct instrument *
universe_by_yahoo(const struct universe *u, const char *yahoo_symbol)
{
	size_t i;

	if (u == NULL || !u->finished || u->n == 0 || yahoo_symbol == NULL)
		return NULL;
	i = lower_bound(u->by_yahoo, u->n, F_YAHOO, yahoo_symbol);
	if (i < u->n && strcmp(u->by_yahoo[i]->yahoo_symbol, yahoo_symbol) == 0)
		return u->by_yahoo[i];
	return NULL;
}

const struct instrument *const *
universe_by_root(const struct universe *u, const char *root, size_t *n)
{
	size_t first, end;

	*n = 0;
	if (u == NULL || !u->finished || u->n == 0 || root == NULL)
		return NULL;
	first = lower_bound(u->by_root, u->n, F_ROOT, root);
	for (end = first; end < u->n && strcmp(u->by_root[end]->root, root) == 0;
	    end++)
		;
	if (end == first)
		return NULL;
	*n = end - first;
	return u->by_root + first;
}

/* Pence and pounds are the same account currency. */
static int
same_currency(const char *a, const char *b)
{
	int a_gb = strcmp(a, "GBX") == 0 || strcmp(a, "GBP") == 0;
	int b_gb = strcmp(b, "GBX") == 0 || strcmp(b, "GBP") == 0;

	return strcmp(a, b) == 0 || (a_gb && b_gb);
}

/* Whether the listing is on the home market of its ISIN's country. */
static int
is_home_listing(const struct instrument *it)
{
	return strlen(it->isin) >= 2 &&
	    strncmp(it->isin, it->market->isin_country, 2) == 0;
}

const struct instrument *
universe_pick_listing(const struct universe *u, const char *root,
    const char *account_currency)
{
	const struct instrument *const *list;
	const struct instrument *first_in_ccy = NULL;
	size_t n, i;

	if ((list = universe_by_root(u, root, &n)) == NULL)
		return NULL;
	if (account_currency != NULL) {
		for (i = 0; i < n; i++) {
			if (!same_currency(list[i]->currency, account_currency))
				continue;
			if (is_home_listing(list[i]))
				return list[i];
			if (first_in_ccy == NULL)
				first_in_ccy = list[i];
		}
		if (first_in_ccy != NULL)
			return first_in_ccy;
	}
	for (i = 0; i < n; i++)
		if (is_home_listing(list[i]))
			return list[i];
	for (i = 0; i < n; i++)
		if (list[i]->market->t212_code == 0)
			return list[i];
	return list[0];
}

/* Append a note to why; a message, so shortening it is harmless. */
static void
why_add(char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
why_add(char *why, size_t whysz, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (whysz == 0)
		return;
	len = strnlen(why, whysz - 1);
	va_start(ap, fmt);
	(void)vsnprintf(why + len, whysz - len, fmt, ap);
	va_end(ap);
}

static int
resolved(const struct instrument *it, char *out, size_t outsz, char *why,
    size_t whysz, const char *how)
{
	if (whysz > 0)
		why[0] = '\0';
	if (strlen(it->t212_ticker) + 1 > outsz) {
		why_add(why, whysz, "output buffer too small for %s",
		    it->t212_ticker);
		return TB_EINTERNAL;
	}
	memcpy(out, it->t212_ticker, strlen(it->t212_ticker) + 1);
	why_add(why, whysz, "%s", how);
	return 0;
}

static int
on_market(const struct instrument *it, const struct symbols_market *m)
{
	return strcmp(it->market->yahoo_suffix, m->yahoo_suffix) == 0 &&
	    symbols_market_fits(m, it->currency);
}

/* Step 2 of the resolver: the suffix rule, checked against the universe. */
static const struct instrument *
resolve_by_suffix(const struct universe *u, const char *yahoo,
    const struct symbols_market *m, char *why, size_t whysz)
{
	char cand[NMARKETS][SYMBOLS_MAX];
	const struct instrument *it;
	int nc, i;

	nc = symbols_yahoo_to_t212_candidates(yahoo, cand, NMARKETS);
	for (i = 0; i < nc; i++) {
		if ((it = universe_by_t212(u, cand[i])) == NULL)
			why_add(why, whysz, "; no %s", cand[i]);
		else if (!symbols_market_fits(m, it->currency))
			why_add(why, whysz, "; %s trades in %s", cand[i],
			    it->currency);
		else if (strcmp(it->yahoo_symbol, yahoo) != 0)
			why_add(why, whysz, "; %s is %s (shortName %s)",
			    cand[i], it->yahoo_symbol, it->short_name);
		else
			return it;
	}
	return NULL;
}

/* Step 3: the ISIN on the symbol's market. */
static const struct instrument *
resolve_by_isin(const struct universe *u, const char *isin,
    const struct symbols_market *m, char *why, size_t whysz)
{
	size_t i;

	if (isin == NULL || *isin == '\0') {
		why_add(why, whysz, "; no ISIN given");
		return NULL;
	}
	for (i = 0; i < u->n; i++)
		if (strcmp(u->items[i].isin, isin) == 0 &&
		    on_market(&u->items[i], m))
			return &u->items[i];
	why_add(why, whysz, "; no ISIN %s on %s", isin, m->name);
	return NULL;
}

/* Step 4: shortName + market; two different companies are ambiguous. */
static const struct instrument *
resolve_by_short_name(const struct universe *u, const char *root,
    const struct symbols_market *m, char *why, size_t whysz)
{
	const struct instrument *found = NULL;
	char sn[SYMBOLS_MAX];
	size_t i;

	for (i = 0; i < u->n; i++) {
		const struct instrument *it = &u->items[i];

		if (shortname_root(it->short_name, sn, sizeof(sn)) != 0 ||
		    strcmp(sn, root) != 0 || !on_market(it, m))
			continue;
		if (found == NULL) {
			found = it;
			continue;
		}
		if (strcmp(found->isin, it->isin) != 0 ||
		    found->isin[0] == '\0') {
			why_add(why, whysz, "; shortName %s is ambiguous on %s"
			    " (%s, %s)", root, m->name, found->t212_ticker,
			    it->t212_ticker);
			return NULL;
		}
	}
	if (found == NULL)
		why_add(why, whysz, "; no shortName %s on %s", root, m->name);
	return found;
}

int
universe_resolve_t212(const struct universe *u, const char *yahoo_symbol,
    const char *isin, char *out, size_t outsz, char *why, size_t whysz)
{
	const struct symbols_market *m;
	const struct instrument *it;
	char root[SYMBOLS_MAX];

	if (whysz > 0)
		why[0] = '\0';
	if (outsz > 0)
		out[0] = '\0';
	if (u == NULL || !u->finished || yahoo_symbol == NULL) {
		why_add(why, whysz, "no instrument universe loaded");
		return TB_EDATA;
	}
	if ((it = universe_by_t212(u, yahoo_symbol)) != NULL)
		return resolved(it, out, outsz, why, whysz,
		    "exact Trading 212 ticker");
	if ((m = symbols_market_yahoo(yahoo_symbol)) == NULL ||
	    symbols_yahoo_root(yahoo_symbol, root, sizeof(root)) != 0) {
		why_add(why, whysz, "%s: not a symbol of a supported market",
		    yahoo_symbol);
		return TB_EDATA;
	}
	why_add(why, whysz, "%s: no Trading 212 instrument", yahoo_symbol);
	if ((it = resolve_by_suffix(u, yahoo_symbol, m, why, whysz)) != NULL)
		return resolved(it, out, outsz, why, whysz, "suffix rule");
	if ((it = resolve_by_isin(u, isin, m, why, whysz)) != NULL)
		return resolved(it, out, outsz, why, whysz, "ISIN on market");
	if ((it = resolve_by_short_name(u, root, m, why, whysz)) != NULL)
		return resolved(it, out, outsz, why, whysz,
		    "shortName on market");
	return TB_EDATA;
}
