/*
 * refresh.c - the day's fills and closes.  See refresh.h.
 */
#include "refresh.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "journal.h"
#include "lock.h"
#include "log.h"
#include "market.h"
#include "marks.h"
#include "t212.h"
#include "trades.h"

/* The symbols of step 2 (refresh.h): held at the day's end, or bought
 * in its last trading days; the benchmark is added by the caller. */
static const char symbols_sql[] =
	"SELECT ticker FROM trades WHERE date <= ?1 AND " SB_COUNTED_SQL
	" GROUP BY llm_name, kind, ticker HAVING sum(CASE side WHEN 'buy' "
	"THEN " SB_QUANTITY_SQL " ELSE -" SB_QUANTITY_SQL " END) > 1e-9 "
	"UNION SELECT ticker FROM trades WHERE date <= ?1 AND date >= ?2 AND "
	"side = 'buy' AND " SB_COUNTED_SQL " ORDER BY 1";

/* ---- Step 1: fills. */

static int
refresh_fills(const struct refresh_input *in, struct refresh_result *out,
    tb_err *e)
{
	struct t212_client t212;
	struct orders_ctx ctx;
	char day[11];
	int rc, fd;

	if (in->cfg->t212_api_key == NULL || *in->cfg->t212_api_key == '\0') {
		snprintf(out->warning, sizeof out->warning, "T212_API_KEY is "
		    "not set: the fills of real orders were not read");
		log_warn("%s", out->warning);
		return 0;
	}
	if ((rc = journal_lock(in->cfg->home, &fd, e)) != 0)
		return rc;
	if ((rc = t212_init(&t212, in->cfg, e)) != 0) {
		lock_release(fd);
		return rc;
	}
	if ((rc = orders_ctx_init(&ctx, in->db, &t212, NULL,
	    date_format(&in->date, day), 0, 0, e)) == 0) {
		rc = orders_refresh(&ctx, &out->fills, e);
		out->fills_read = ctx.have_broker;
		orders_ctx_free(&ctx);
	}
	t212_free(&t212);
	lock_release(fd);
	return rc;
}

/* ---- Step 2: the symbols. */

static int
add_symbol(struct refresh_result *out, const char *symbol, tb_err *e)
{
	struct refresh_mark *grown, *m;
	size_t i;

	for (i = 0; i < out->nmarks; i++)
		if (strcmp(out->marks[i].symbol, symbol) == 0)
			return 0;
	if (strlen(symbol) >= SB_SYMBOL_MAX)
		return 0;
	if ((grown = reallocarray(out->marks, out->nmarks + 1,
	    sizeof *grown)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "refresh: out of memory");
	out->marks = grown;
	m = &out->marks[out->nmarks++];
	memset(m, 0, sizeof *m);
	snprintf(m->symbol, sizeof m->symbol, "%s", symbol);
	m->close = m->close_eur = NAN;
	return 0;
}

static int
list_symbols(const struct refresh_input *in, struct refresh_result *out,
    tb_err *e)
{
	struct tb_date since = in->date;
	sqlite3_stmt *st;
	char day[11], first[11];
	int rc = 0, step;

	scoreboard_trading_days(in->cfg, &since, -SB_HIT_DAYS);
	if (db_prepare(in->db, symbols_sql, &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date_format(&in->date, day));
	db_bind_text(st, 2, date_format(&since, first));
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = add_symbol(out, db_column_text(st, 0), e);
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	if (step != SQLITE_DONE)
		return db_fail(in->db, "read the held instruments", e);
	if ((rc = add_symbol(out, in->cfg->benchmark_symbol, e)) != 0)
		return rc;
	out->nsymbols = out->nmarks;
	return 0;
}

/*
 * What is known of a symbol before asking (market.h): its newest mark's
 * currency and close, else its newest trade's.
 */
static void
hint_of(sqlite3 *db, const char *symbol, const char *day, char cur[8],
    struct market_hint *h)
{
	sqlite3_stmt *st;
	tb_err e;

	h->currency = NULL;
	h->price = NAN;
	if (db_prepare(db, "SELECT currency, close FROM (SELECT date, "
	    "currency, close, 1 AS o FROM marks WHERE symbol = ?1 AND "
	    "date <= ?2 UNION ALL SELECT date, currency, price, 2 FROM trades "
	    "WHERE ticker = ?1 AND date <= ?2 AND price > 0 AND currency IS "
	    "NOT NULL) ORDER BY o, date DESC LIMIT 1", &st, &e) != 0)
		return;
	db_bind_text(st, 1, symbol);
	db_bind_text(st, 2, day);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(cur, 8, "%s", db_column_text(st, 0));
		h->currency = cur[0] != '\0' ? cur : NULL;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			h->price = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
}

/* ---- Steps 3 and 4: quotes and marks. */

static int
fetch(const struct refresh_input *in, const struct refresh_result *out,
    struct market_set *set, tb_err *e)
{
	struct tb_config cfg = *in->cfg;	/* shares every string */
	struct market_hint *hints;
	const char **symbols, *pairs[1];
	char (*cur)[8], acct[4], pair[16], day[11];
	size_t i, npairs = 0;
	int rc;

	hints = calloc(out->nsymbols + 1, sizeof *hints);
	cur = calloc(out->nsymbols + 1, sizeof *cur);
	symbols = calloc(out->nsymbols + 1, sizeof *symbols);
	if (hints == NULL || cur == NULL || symbols == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "refresh: out of memory");
		goto out;
	}
	date_format(&in->date, day);
	/* One read transaction for the lookups, not one each. */
	if ((rc = db_exec(in->db, "BEGIN", e)) != 0)
		goto out;
	for (i = 0; i < out->nsymbols; i++) {
		symbols[i] = out->marks[i].symbol;
		hint_of(in->db, symbols[i], day, cur[i], &hints[i]);
	}
	rc = trades_account_currency(in->db, acct, e);
	db_rollback(in->db);
	if (rc != 0)
		goto out;
	if (strcmp(acct, "EUR") != 0) {
		snprintf(pair, sizeof pair, "EUR%s=X", acct);
		pairs[npairs++] = pair;
	}
	cfg.market_parallel = REFRESH_PARALLEL;
	rc = market_fetch_now(&cfg, symbols, hints, out->nsymbols, pairs,
	    npairs, set, e);
out:
	free(hints);
	free(cur);
	free(symbols);
	return rc;
}

/* Store q as the day's mark, noting the outcome in *m. */
static int
store(const struct refresh_input *in, const struct market_quote *q,
    int pair, struct refresh_mark *m, tb_err *e)
{
	char day[11];
	int rc;

	if (q == NULL) {
		snprintf(m->error, sizeof m->error, "not fetched");
		return 0;
	}
	if ((rc = marks_store(in->db, date_format(&in->date, day), q, pair,
	    &m->stored, e)) != 0)
		return rc;
	if (m->stored) {
		m->close = q->price;
		snprintf(m->currency, sizeof m->currency, "%s", q->currency);
		m->close_eur = pair ? NAN : q->price_eur;
	} else
		snprintf(m->error, sizeof m->error, "%s", !q->ok ?
		    (q->error != NULL ? q->error : "unavailable") :
		    "no EUR price: its exchange rate is unknown");
	return 0;
}

/* Every mark in one transaction: one sync to disk, not one a symbol. */
static int
store_all(const struct refresh_input *in, const struct market_set *set,
    struct refresh_result *out, tb_err *e)
{
	struct refresh_mark *m;
	size_t i;
	int rc;

	for (i = 0; i < set->nfx; i++)
		if ((rc = add_symbol(out, set->fx[i].symbol, e)) != 0)
			return rc;
	if ((rc = db_begin(in->db, e)) != 0)
		return rc;
	for (i = 0; i < out->nmarks; i++) {
		m = &out->marks[i];
		if ((rc = store(in, market_find(set, m->symbol), i >=
		    out->nsymbols, m, e)) != 0) {
			db_rollback(in->db);
			return rc;
		}
		if (m->stored)
			out->nstored++;
		else {
			out->nfailed++;
			log_warn("no close of %s for the day: %s", m->symbol,
			    m->error);
		}
	}
	return db_commit(in->db, e);
}

int
refresh_day(const struct refresh_input *in, struct refresh_result *out,
    tb_err *e)
{
	struct market_set set;
	tb_err fills;
	int rc, frc;

	memset(out, 0, sizeof *out);
	memset(&set, 0, sizeof set);
	tb_err_clear(&fills);
	/* The closes first: a fill in another currency than EUR is
	 * converted with the day's rate, which is one of them. */
	if ((rc = list_symbols(in, out, e)) != 0 ||
	    (rc = fetch(in, out, &set, e)) != 0 ||
	    (rc = store_all(in, &set, out, e)) != 0) {
		market_set_free(&set);
		return rc;
	}
	market_set_free(&set);
	if ((frc = refresh_fills(in, out, &fills)) == TB_EINTERNAL ||
	    frc == TB_ELOCKED) {
		*e = fills;
		return frc;
	}
	if (frc != 0) {
		*e = fills;
		return frc == TB_ECONFIG ? TB_ECONFIG : TB_EUNAVAIL;
	}
	if (out->nfailed > 0)
		return tb_errf(e, TB_EUNAVAIL, "%zu of %zu symbols got no close "
		    "for the day (the others are stored)", out->nfailed,
		    out->nmarks);
	return 0;
}

void
refresh_result_free(struct refresh_result *out)
{
	free(out->marks);
	memset(out, 0, sizeof *out);
}
