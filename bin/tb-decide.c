/*
 * tb-decide - the day's picks: digest, market data, both LLMs at once.
 *
 * The pipeline, for one date:
 *   1. the LLMs to ask: both (main trader first), or --llm NAME; one that
 *      already decided for the date (an 'ok' llm_runs row) is not asked
 *      again unless --force;
 *   2. the digest, built fresh from the stored posts (digest_build), and
 *      its top market_data_ticker_limit tickers; none: stop, no request;
 *   3. market data for those tickers, fetched in parallel (lib/market.h);
 *      the tickers with data are the candidates, the others are listed
 *      as unavailable and not offered;
 *   4. per LLM, its portfolio and the prompt; then all LLMs at once, one
 *      thread each (lib/llm.h), each within its own llm_timeout_seconds;
 *   5. per LLM, in one transaction: its llm_runs rows and, if it
 *      succeeded, its validated picks as 'proposed' daily_picks.
 *
 * Exit: 0 when the main trader succeeded, even if the other LLM failed
 * (the summary says which and why); 69 when the main trader's pipeline
 * failed (the other's picks are still stored), 78 when that was for want
 * of its API key.  Without the main trader in the run (--llm the other
 * one), the same when every LLM asked failed.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "app.h"
#include "digest.h"
#include "llm.h"
#include "log.h"
#include "market.h"
#include "portfolio.h"
#include "prompt.h"

static void usage(int status) __attribute__((noreturn));

/* One LLM of the run. */
struct seat {
	const struct llm *llm;
	int is_main;
	int ask;			/* asked this run */
	int done;			/* decided before, not asked again */
	const char *not_asked;		/* why it was not asked, or NULL */
	struct portfolio portfolio;
	struct prompt prompt;
	struct llm_job job;
	struct llm_stored stored;
	size_t kept;			/* earlier picks it must keep */
	double kept_eur;
	tb_err err;			/* a failure before the request */
	struct decide *decide;		/* for store_on_done */
	int store_rc;			/* storing its answer failed */
	tb_err store_err;
};

struct decide {
	struct tb_app *app;
	struct seat seats[LLM_COUNT];
	size_t nseats;
	cJSON *digest;
	size_t ndigest;			/* tickers in the digest */
	struct market_set market;
	struct prompt_candidate *cands;
	const char **cand_symbols;
	size_t ncands;
	struct timespec start;
};

static void	choose_seats(struct decide *, const struct llm *);
static int	check_decided(struct decide *, tb_err *);
static int	load_digest(struct decide *, tb_err *);
static int	fetch_market(struct decide *, tb_err *);
static int	prepare_seat(struct decide *, struct seat *, tb_err *);
static int	run_llms(struct decide *, tb_err *);
static int	store_seat(struct decide *, struct seat *, tb_err *);
static void	store_on_done(struct llm_job *, void *);
static cJSON	*seat_summary(const struct seat *);
static void	summarise(struct decide *);
static int	outcome(struct decide *, tb_err *);
static int	decide(struct decide *, const struct llm *);
static void	decide_free(struct decide *);
static long	elapsed_ms(const struct timespec *);

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "llm", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_app app;
	struct decide d;
	const struct llm *only = NULL;
	int ch, rc;

	memset(&d, 0, sizeof d);
	clock_gettime(CLOCK_MONOTONIC, &d.start);
	app_init(&app, "tb-decide");
	while ((ch = getopt_long(argc, argv, "hl:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if ((only = llm_find(optarg)) == NULL) {
				fprintf(stderr, "tb-decide: --llm: \"%s\" is "
				    "not claude or minimax\n", optarg);
				usage(TB_EUSAGE);
			}
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	if ((rc = app_start(&app, APP_TRADING_DAY | APP_LOCK | APP_DB)) != 0 ||
	    app.skipped)
		return app_finish(&app, rc);
	d.app = &app;
	rc = decide(&d, only);
	decide_free(&d);
	return app_finish(&app, rc);
}

/* Main trader first, then the table's others; --llm keeps one. */
static void
choose_seats(struct decide *d, const struct llm *only)
{
	const struct llm *all = llm_all(), *main = NULL, *llm;
	size_t i;

	if (d->app->main_trader != NULL)
		main = llm_find(d->app->main_trader);
	for (i = 0; i <= LLM_COUNT; i++) {
		/* Slot 0 is the main trader's; the table follows without it. */
		llm = i == 0 ? main : &all[i - 1];
		if (llm == NULL || (i > 0 && llm == main) ||
		    (only != NULL && llm != only))
			continue;
		d->seats[d->nseats].llm = llm;
		d->seats[d->nseats].is_main = llm == main;
		d->seats[d->nseats].ask = 1;
		d->nseats++;
	}
}

/* An LLM that decided already is not asked again (unless --force). */
static int
check_decided(struct decide *d, tb_err *e)
{
	struct seat *s;
	size_t i;
	int yes;

	for (i = 0; i < d->nseats; i++) {
		s = &d->seats[i];
		if (llm_decided(d->app->db, d->app->day, s->llm->name, &yes,
		    e) != 0)
			return e->code;
		if (yes && !d->app->force) {
			s->ask = 0;
			s->done = 1;
			s->not_asked = "already decided (use --force to decide "
			    "again)";
			log_info("%s already decided for %s; not asked again",
			    s->llm->name, d->app->day);
		}
	}
	return 0;
}

static int
load_digest(struct decide *d, tb_err *e)
{
	const cJSON *tickers;
	char *json = NULL;

	if (digest_build(d->app->db, d->app->day, &d->app->cfg, &json, e) != 0)
		return e->code;
	d->digest = cJSON_Parse(json);
	free(json);
	if (d->digest == NULL)
		return tb_errf(e, TB_EINTERNAL, "the digest of %s is not JSON",
		    d->app->day);
	tickers = cJSON_GetObjectItemCaseSensitive(d->digest, "tickers");
	d->ndigest = cJSON_IsArray(tickers) ?
	    (size_t)cJSON_GetArraySize(tickers) : 0;
	return 0;
}

/* Market data for the top tickers; the ones with data are candidates. */
static int
fetch_market(struct decide *d, tb_err *e)
{
	const cJSON *tickers, *entry, *sym;
	const char **symbols;
	const cJSON **entries;
	const struct market_quote *q;
	size_t i, n = 0, limit = (size_t)d->app->cfg.market_data_ticker_limit;
	int rc;

	tickers = cJSON_GetObjectItemCaseSensitive(d->digest, "tickers");
	symbols = calloc(d->ndigest + 1, sizeof *symbols);
	entries = calloc(d->ndigest + 1, sizeof *entries);
	d->cands = calloc(d->ndigest + 1, sizeof *d->cands);
	d->cand_symbols = calloc(d->ndigest + 1, sizeof *d->cand_symbols);
	if (symbols == NULL || entries == NULL || d->cands == NULL ||
	    d->cand_symbols == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(entry, tickers) {
		if (n == limit)
			break;
		sym = cJSON_GetObjectItemCaseSensitive(entry, "symbol");
		if (!cJSON_IsString(sym) || sym->valuestring[0] == '\0')
			continue;
		symbols[n] = sym->valuestring;
		entries[n++] = entry;
	}
	log_info("market data for the top %zu of %zu tickers", n, d->ndigest);
	if ((rc = market_fetch(d->app->db, &d->app->cfg, d->app->day, symbols,
	    n, 0, &d->market, e)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		q = &d->market.quotes[i];
		if (!q->ok)
			continue;
		d->cands[d->ncands].entry = entries[i];
		d->cands[d->ncands].quote = q;
		d->cand_symbols[d->ncands++] = symbols[i];
	}
	if (d->ncands == 0)
		rc = tb_errf(e, TB_EUNAVAIL, "no market data for any of the %zu "
		    "tickers", n);
out:
	free(symbols);
	free(entries);
	return rc;
}

/* Portfolio, budget left and prompt of one LLM, then its job. */
static int
prepare_seat(struct decide *d, struct seat *s, tb_err *e)
{
	struct tb_app *app = d->app;
	struct prompt_input in;
	const cJSON *posts;
	double budget;

	if (llm_kept_picks(app->db, app->day, s->llm->name, &s->kept,
	    &s->kept_eur, e) != 0)
		return e->code;
	budget = app->cfg.daily_budget_eur - s->kept_eur;
	if (budget < 0)
		budget = 0;
	if (s->kept > 0)
		log_warn("%s: keeping %zu earlier picks that have trades or a "
		    "decision (%.2f EUR); %.2f EUR left to pick", s->llm->name,
		    s->kept, s->kept_eur, budget);
	if (portfolio_load(app->db, s->llm->name, app->day, &s->portfolio,
	    e) != 0)
		return e->code;

	memset(&in, 0, sizeof in);
	in.date = app->day;
	in.weekday = date_weekday_name(&app->date);
	in.llm_name = s->llm->name;
	in.is_main = s->is_main;
	in.budget_eur = budget;
	in.max_picks = (int)app->cfg.max_picks;
	posts = cJSON_GetObjectItemCaseSensitive(d->digest, "post_count");
	in.post_count = cJSON_IsNumber(posts) ? (long)posts->valuedouble : 0;
	in.candidates = d->cands;
	in.ncandidates = d->ncands;
	in.portfolio = &s->portfolio;
	in.style = s->llm->style;
	if (prompt_build(&in, &s->prompt, e) != 0)
		return e->code;

	s->job.llm = s->llm;
	s->job.cfg = &app->cfg;
	s->job.prompt = &s->prompt;
	s->job.candidates = d->cand_symbols;
	s->job.ncandidates = d->ncands;
	s->job.max_picks = in.max_picks;
	s->job.budget_eur = budget;
	s->job.timeout_s = app->cfg.llm_timeout_seconds;
	return 0;
}

/* All LLMs that are to be asked, at the same time. */
static int
run_llms(struct decide *d, tb_err *e)
{
	struct llm_job *jobs[LLM_COUNT];
	struct seat *s;
	size_t i, n = 0;

	for (i = 0; i < d->nseats; i++) {
		s = &d->seats[i];
		if (!s->ask)
			continue;
		tb_err_clear(&s->err);
		if (prepare_seat(d, s, &s->err) != 0) {
			if (s->err.code == TB_EINTERNAL)
				return tb_errf(e, TB_EINTERNAL, "%s", s->err.msg);
			log_error("%s: %s", s->llm->name, s->err.msg);
			continue;
		}
		s->decide = d;
		s->job.on_done = store_on_done;
		s->job.on_done_arg = s;
		jobs[n++] = &s->job;
	}
	if (n > 0)
		llm_run_all(jobs, n);
	for (i = 0; i < d->nseats; i++) {
		s = &d->seats[i];
		if (s->ask && s->job.ran && s->store_rc != 0)
			return tb_errf(e, s->store_rc, "%s", s->store_err.msg);
	}
	return 0;
}

/*
 * Store an LLM's answer the moment its thread has it, so a crash while
 * the other LLM is still thinking does not lose (and pay again for) this
 * one.  The two threads share the connection: one store at a time.
 */
static void
store_on_done(struct llm_job *job, void *arg)
{
	static pthread_mutex_t store_mutex = PTHREAD_MUTEX_INITIALIZER;
	struct seat *s = arg;

	(void)job;
	pthread_mutex_lock(&store_mutex);
	tb_err_clear(&s->store_err);
	s->store_rc = store_seat(s->decide, s, &s->store_err);
	pthread_mutex_unlock(&store_mutex);
}

static int
store_seat(struct decide *d, struct seat *s, tb_err *e)
{
	size_t i;

	for (i = 0; i < s->job.picks.nnotes; i++)
		log_warn("%s: %s", s->llm->name, s->job.picks.notes[i]);
	if (llm_store(d->app->db, d->app->day, &s->job, s->is_main,
	    &s->stored, e) != 0)
		return e->code;
	if (s->job.ok)
		log_info("%s: %zu picks stored (%zu in the answer)",
		    s->llm->name, s->stored.stored, s->job.answered);
	else
		log_error("%s: %s", s->llm->name, s->job.err.msg);
	return 0;
}

static cJSON *
seat_summary(const struct seat *s)
{
	const struct llm_job *j = &s->job;
	cJSON *o = cJSON_CreateObject();
	const char *status;

	if (s->done)
		status = "skipped";
	else if (!s->ask)
		status = "not asked";
	else if (j->ok)
		status = "ok";
	else
		status = "failed";
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddBoolToObject(o, "main_trader", s->is_main);
	if (s->not_asked != NULL)
		cJSON_AddStringToObject(o, "reason", s->not_asked);
	if (!j->ran && s->err.code != 0)
		cJSON_AddStringToObject(o, "error", s->err.msg);
	if (!j->ran)
		return o;
	cJSON_AddNumberToObject(o, "picks", (double)s->stored.stored);
	cJSON_AddNumberToObject(o, "dropped", j->ok ?
	    (double)(j->answered - j->picks.npicks + s->stored.skipped) : 0);
	if (s->kept > 0)
		cJSON_AddNumberToObject(o, "kept", (double)s->kept);
	cJSON_AddNumberToObject(o, "attempts", j->nattempts);
	if (j->tokens_in >= 0)
		cJSON_AddNumberToObject(o, "tokens_in", (double)j->tokens_in);
	else
		cJSON_AddNullToObject(o, "tokens_in");
	if (j->tokens_out >= 0)
		cJSON_AddNumberToObject(o, "tokens_out", (double)j->tokens_out);
	else
		cJSON_AddNullToObject(o, "tokens_out");
	cJSON_AddNumberToObject(o, "latency_ms", (double)j->latency_ms);
	if (!j->ok)
		cJSON_AddStringToObject(o, "error", j->err.msg);
	return o;
}

static void
summarise(struct decide *d)
{
	cJSON *sum = d->app->summary, *md, *list, *llms, *failed;
	size_t i;

	cJSON_AddStringToObject(sum, "main_trader", d->app->main_trader != NULL ?
	    d->app->main_trader : "none");
	if (d->digest != NULL)
		cJSON_AddNumberToObject(sum, "digest_tickers",
		    (double)d->ndigest);
	if (d->cands != NULL) {
		list = cJSON_AddArrayToObject(sum, "candidates");
		for (i = 0; i < d->ncands; i++)
			cJSON_AddItemToArray(list,
			    cJSON_CreateString(d->cand_symbols[i]));
	}
	if (d->market.n > 0) {
		md = cJSON_AddObjectToObject(sum, "market_data");
		cJSON_AddNumberToObject(md, "ok", (double)d->market.nok);
		list = cJSON_AddArrayToObject(md, "unavailable");
		for (i = 0; i < d->market.n; i++)
			if (!d->market.quotes[i].ok)
				cJSON_AddItemToArray(list, cJSON_CreateString(
				    d->market.quotes[i].symbol));
		cJSON_AddNumberToObject(md, "cached",
		    (double)d->market.ncached);
		cJSON_AddNumberToObject(md, "requests",
		    (double)d->market.nrequests);
	}
	llms = cJSON_AddObjectToObject(sum, "llms");
	failed = cJSON_CreateArray();
	for (i = 0; i < d->nseats; i++) {
		cJSON_AddItemToObject(llms, d->seats[i].llm->name,
		    seat_summary(&d->seats[i]));
		if (d->seats[i].ask && !d->seats[i].job.ok)
			cJSON_AddItemToArray(failed,
			    cJSON_CreateString(d->seats[i].llm->name));
	}
	if (cJSON_GetArraySize(failed) > 0)
		cJSON_AddItemToObject(sum, "failed", failed);
	else
		cJSON_Delete(failed);
	cJSON_AddNumberToObject(sum, "duration_ms",
	    (double)elapsed_ms(&d->start));
}

/* 78 for a seat that failed for want of configuration (its key), else 69. */
static int
failure_code(const struct seat *s)
{
	const tb_err *why = s->job.ran ? &s->job.err : &s->err;

	return why->code == TB_ECONFIG ? TB_ECONFIG : TB_EUNAVAIL;
}

/* The exit status, from the LLMs that were asked (see the top). */
static int
outcome(struct decide *d, tb_err *e)
{
	const struct seat *s, *first_failed = NULL;
	size_t i, asked = 0, failed = 0;
	int main_in_run = 0;

	for (i = 0; i < d->nseats; i++) {
		s = &d->seats[i];
		main_in_run |= s->is_main;
		if (!s->ask)
			continue;
		asked++;
		if (s->job.ok)
			continue;
		failed++;
		if (first_failed == NULL)
			first_failed = s;
		if (s->is_main)
			return tb_errf(e, failure_code(s), "%s, the main "
			    "trader, failed: %s", s->llm->name, s->job.ran ?
			    s->job.err.msg : s->err.msg);
	}
	if (!main_in_run && asked > 0 && failed == asked)
		return tb_errf(e, failure_code(first_failed), "%s failed: %s",
		    first_failed->llm->name, first_failed->job.ran ?
		    first_failed->job.err.msg : first_failed->err.msg);
	return 0;
}

static int
decide(struct decide *d, const struct llm *only)
{
	struct tb_app *app = d->app;
	tb_err e;
	size_t i, asking = 0;
	int rc;

	tb_err_clear(&e);
	choose_seats(d, only);
	if ((rc = check_decided(d, &e)) != 0)
		goto fail;
	for (i = 0; i < d->nseats; i++)
		asking += d->seats[i].ask;
	if (asking == 0) {
		cJSON_AddStringToObject(app->summary, "reason",
		    "already decided");
		summarise(d);
		return 0;
	}
	if ((rc = load_digest(d, &e)) != 0)
		goto fail;
	if (d->ndigest == 0) {
		log_info("no tickers in the digest of %s: no LLM is asked",
		    app->day);
		for (i = 0; i < d->nseats; i++)
			if (d->seats[i].ask) {
				d->seats[i].ask = 0;
				d->seats[i].not_asked = "no tickers in the "
				    "digest";
			}
		cJSON_AddStringToObject(app->summary, "reason",
		    "no tickers in the digest");
		summarise(d);
		return 0;
	}
	if ((rc = fetch_market(d, &e)) != 0) {
		if (rc != TB_EUNAVAIL)
			goto fail;
		/* No candidate at all: every LLM fails the same way. */
		for (i = 0; i < d->nseats; i++)
			if (d->seats[i].ask)
				d->seats[i].err = e;
	} else if ((rc = run_llms(d, &e)) != 0)
		goto fail;
	summarise(d);
	if ((rc = outcome(d, &e)) != 0)
		return app_fail(app, &e);
	return 0;
fail:
	summarise(d);
	return app_fail(app, &e);
}

static void
decide_free(struct decide *d)
{
	size_t i;

	for (i = 0; i < d->nseats; i++) {
		llm_job_free(&d->seats[i].job);
		prompt_free(&d->seats[i].prompt);
		portfolio_free(&d->seats[i].portfolio);
	}
	market_set_free(&d->market);
	cJSON_Delete(d->digest);
	free(d->cands);
	free(d->cand_symbols);
}

static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-decide [--date YYYY-MM-DD] [--llm claude|minimax] "
	    "[--force]\n"
	    "                 [--scheduled HH:MM] [--config FILE] [-v]\n"
	    "\n"
	    "Build the day's digest, fetch market data for its top tickers and\n"
	    "ask both LLMs (concurrently) for picks; store them as proposed.\n"
	    "\n"
	    "  --date D         the day (default: today in "
	    "orchestrator_timezone)\n"
	    "  --llm NAME       ask only claude or only minimax\n"
	    "  --force          ask an LLM that already decided again (its\n"
	    "                   proposed picks are replaced), and run on a\n"
	    "                   day that is not a trading day\n"
	    "  --scheduled T    started by cron for HH:MM: do nothing unless "
	    "due\n"
	    "  --config FILE    configuration file (default $TB_CONFIG, then\n"
	    "                   $TB_HOME/tb.conf)\n"
	    "  -v, --verbose    debug logging on stderr\n"
	    "  --version        print the version\n"
	    "  -h, --help       this help\n"
	    "\n"
	    "Exit status: 0 done (the main trader's picks stored) or nothing\n"
	    "to do, 64 usage, 69 the main trader's pipeline failed, 70\n"
	    "internal error, 75 another tb-decide is running, 78 "
	    "configuration\n(also the main trader's API key missing).\n");
	exit(status);
}
