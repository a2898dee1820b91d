/*
 * decide.c - the day's picks: digest, market data, both LLMs at once.
 * See decide.h.
 */
#include "decide.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int
oom(tb_err *e)
{
	return tb_errf(e, TB_EINTERNAL, "out of memory");
}

/* Main trader first, then the table's others; in->only keeps one. */
static void
choose_seats(const struct decide_input *in, struct decide_result *r)
{
	const struct llm *all = llm_all(), *main = NULL, *llm;
	struct decide_seat *s;
	size_t i;

	if (in->main_trader != NULL)
		main = llm_find(in->main_trader);
	for (i = 0; i <= LLM_COUNT; i++) {
		/* Slot 0 is the main trader's; the table follows without it. */
		llm = i == 0 ? main : &all[i - 1];
		if (llm == NULL || (i > 0 && llm == main) ||
		    (in->only != NULL && llm != in->only))
			continue;
		s = &r->seats[r->nseats++];
		s->llm = llm;
		s->is_main = llm == main;
		s->ask = 1;
		s->in = in;
	}
}

/* An LLM that decided already is not asked again (unless force). */
static int
check_decided(const struct decide_input *in, struct decide_result *r,
    tb_err *e)
{
	struct decide_seat *s;
	size_t i;
	int yes, rc;

	for (i = 0; i < r->nseats; i++) {
		s = &r->seats[i];
		if ((rc = llm_decided(in->db, in->day, s->llm->name, &yes,
		    e)) != 0)
			return rc;
		if (yes && !in->force) {
			s->ask = 0;
			s->done = 1;
			s->not_asked = "already decided (use --force to decide "
			    "again)";
			log_info("%s already decided for %s; not asked again",
			    s->llm->name, in->day);
		}
	}
	return 0;
}

/* Nobody to ask: every seat not asked, with why. */
static void
ask_nobody(struct decide_result *r, const char *why)
{
	size_t i;

	for (i = 0; i < r->nseats; i++)
		if (r->seats[i].ask) {
			r->seats[i].ask = 0;
			r->seats[i].not_asked = why;
		}
}

/* Market data for the top tickers; the ones with data are candidates. */
static int
fetch_market(const struct decide_input *in, struct decide_result *r,
    tb_err *e)
{
	const struct digest *d = &r->digest;
	size_t i, n = 0, limit = (size_t)in->cfg->market_data_ticker_limit;
	const char **symbols;
	int rc;

	symbols = calloc(d->ntickers + 1, sizeof *symbols);
	r->cands = calloc(d->ntickers + 1, sizeof *r->cands);
	r->cand_symbols = calloc(d->ntickers + 1, sizeof *r->cand_symbols);
	if (symbols == NULL || r->cands == NULL || r->cand_symbols == NULL) {
		free(symbols);
		return oom(e);
	}
	for (i = 0; i < d->ntickers && n < limit; i++)
		symbols[n++] = d->tickers[i].symbol;
	log_info("market data for the top %zu of %zu tickers", n, d->ntickers);
	if ((rc = market_fetch(in->db, in->cfg, in->day, symbols, n, 0,
	    &r->market, e)) == 0) {
		/* symbols[i] is d->tickers[i].symbol, quotes[i] its quote. */
		for (i = 0; i < n; i++) {
			if (!r->market.quotes[i].ok)
				continue;
			r->cands[r->ncands].entry = &d->tickers[i];
			r->cands[r->ncands].quote = &r->market.quotes[i];
			r->cand_symbols[r->ncands++] = symbols[i];
		}
		if (r->ncands == 0)
			rc = tb_errf(e, TB_EUNAVAIL, "no market data for any "
			    "of the %zu tickers", n);
	}
	free(symbols);
	return rc;
}

/* The budget an LLM has left once the picks it must keep are counted. */
static double
budget_left(const struct decide_input *in, struct decide_seat *s)
{
	double budget = in->cfg->daily_budget_eur - s->kept_eur;

	if (budget < 0)
		budget = 0;
	if (s->kept > 0)
		log_warn("%s: keeping %zu earlier picks that have trades or a "
		    "decision (%.2f EUR); %.2f EUR left to pick", s->llm->name,
		    s->kept, s->kept_eur, budget);
	return budget;
}

static int
build_prompt(const struct decide_input *in, const struct decide_result *r,
    struct decide_seat *s, double budget, tb_err *e)
{
	struct prompt_input p;

	memset(&p, 0, sizeof p);
	p.date = in->day;
	p.weekday = date_weekday_name(in->date);
	p.llm_name = s->llm->name;
	p.is_main = s->is_main;
	p.budget_eur = budget;
	p.max_picks = (int)in->cfg->max_picks;
	p.post_count = r->digest.post_count;
	p.candidates = r->cands;
	p.ncandidates = r->ncands;
	p.portfolio = &s->portfolio;
	p.style = s->llm->style;
	return prompt_build(&p, &s->prompt, e);
}

/* Portfolio, budget left and prompt of one LLM, then its job. */
static int
prepare_seat(const struct decide_input *in, const struct decide_result *r,
    struct decide_seat *s, tb_err *e)
{
	double budget;
	int rc;

	if ((rc = llm_kept_picks(in->db, in->day, s->llm->name, &s->kept,
	    &s->kept_eur, e)) != 0)
		return rc;
	budget = budget_left(in, s);
	if ((rc = portfolio_load(in->db, s->llm->name, in->day,
	    &s->portfolio, e)) != 0 ||
	    (rc = build_prompt(in, r, s, budget, e)) != 0)
		return rc;
	s->job.llm = s->llm;
	s->job.cfg = in->cfg;
	s->job.prompt = &s->prompt;
	s->job.candidates = r->cand_symbols;
	s->job.ncandidates = r->ncands;
	s->job.max_picks = (int)in->cfg->max_picks;
	s->job.budget_eur = budget;
	s->job.timeout_s = in->cfg->llm_timeout_seconds;
	return 0;
}

static int
store_seat(struct decide_seat *s, tb_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < s->job.picks.nnotes; i++)
		log_warn("%s: %s", s->llm->name, s->job.picks.notes[i]);
	if ((rc = llm_store(s->in->db, s->in->day, &s->job, s->is_main,
	    &s->stored, e)) != 0)
		return rc;
	if (s->job.ok)
		log_info("%s: %zu picks stored (%zu in the answer)",
		    s->llm->name, s->stored.stored, s->job.answered);
	else
		log_error("%s: %s", s->llm->name, s->job.err.msg);
	return 0;
}

/*
 * llm_run_all's callback, in the job's thread: store its answer now.
 * The threads share the connection, so one store at a time.
 */
static void
store_on_done(struct llm_job *job, void *arg)
{
	static pthread_mutex_t store_mutex = PTHREAD_MUTEX_INITIALIZER;
	struct decide_seat *s = arg;

	(void)job;
	pthread_mutex_lock(&store_mutex);
	tb_err_clear(&s->store_err);
	s->store_rc = store_seat(s, &s->store_err);
	pthread_mutex_unlock(&store_mutex);
}

/* Every LLM that is to be asked, at the same time. */
static int
run_llms(const struct decide_input *in, struct decide_result *r, tb_err *e)
{
	struct llm_job *jobs[LLM_COUNT];
	struct decide_seat *s;
	size_t i, n = 0;

	for (i = 0; i < r->nseats; i++) {
		s = &r->seats[i];
		if (!s->ask)
			continue;
		if (prepare_seat(in, r, s, &s->err) != 0) {
			if (tb_err_local(s->err.code))
				return tb_errf(e, s->err.code, "%s",
				    s->err.msg);
			log_error("%s: %s", s->llm->name, s->err.msg);
			continue;
		}
		s->job.on_done = store_on_done;
		s->job.on_done_arg = s;
		jobs[n++] = &s->job;
	}
	if (n > 0)
		llm_run_all(jobs, n);
	for (i = 0; i < r->nseats; i++) {
		s = &r->seats[i];
		if (s->ask && s->job.ran && s->store_rc != 0)
			return tb_errf(e, s->store_rc, "%s", s->store_err.msg);
	}
	return 0;
}

static size_t
count_asking(const struct decide_result *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nseats; i++)
		n += r->seats[i].ask != 0;
	return n;
}

int
decide_day(const struct decide_input *in, struct decide_result *out,
    tb_err *e)
{
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	choose_seats(in, out);
	if ((rc = check_decided(in, out, e)) != 0)
		return rc;
	if (count_asking(out) == 0) {
		out->reason = "already decided";
		return 0;
	}
	if ((rc = digest_build(in->db, in->day, &out->digest, e)) != 0)
		return rc;
	out->have_digest = 1;
	if (out->digest.ntickers == 0) {
		log_info("no tickers in the digest of %s: no LLM is asked",
		    in->day);
		out->reason = "no tickers in the digest";
		ask_nobody(out, out->reason);
		return 0;
	}
	if ((rc = fetch_market(in, out, e)) == TB_EUNAVAIL) {
		/* No candidate at all: every LLM fails the same way. */
		for (i = 0; i < out->nseats; i++)
			if (out->seats[i].ask)
				out->seats[i].err = *e;
		tb_err_clear(e);
	} else if (rc != 0 || (rc = run_llms(in, out, e)) != 0)
		return rc;
	return decide_outcome(out->seats, out->nseats, e);
}

void
decide_result_free(struct decide_result *out)
{
	size_t i;

	for (i = 0; i < out->nseats; i++) {
		llm_job_free(&out->seats[i].job);
		prompt_free(&out->seats[i].prompt);
		portfolio_free(&out->seats[i].portfolio);
	}
	market_set_free(&out->market);
	digest_free(&out->digest);
	free(out->cands);
	free(out->cand_symbols);
	memset(out, 0, sizeof *out);
}

const char *
decide_seat_status(const struct decide_seat *s)
{
	if (s->done)
		return "skipped";
	if (!s->ask)
		return "not asked";
	return s->job.ok ? "ok" : "failed";
}

size_t
decide_seat_dropped(const struct decide_seat *s)
{
	if (!s->job.ok)
		return 0;
	return s->job.answered - s->job.picks.npicks + s->stored.skipped;
}

/* Why a seat failed: its request's error, or the one before it. */
static const tb_err *
decide_seat_error(const struct decide_seat *s)
{
	return s->job.ran ? &s->job.err : &s->err;
}

/* 78 for a seat that failed for want of configuration (its key), else 69. */
static int
failure_code(const struct decide_seat *s)
{
	return decide_seat_error(s)->code == TB_ECONFIG ? TB_ECONFIG :
	    TB_EUNAVAIL;
}

int
decide_outcome(const struct decide_seat *seats, size_t n, tb_err *e)
{
	const struct decide_seat *s, *first_failed = NULL;
	size_t i, asked = 0, failed = 0;
	int main_in_run = 0;

	for (i = 0; i < n; i++) {
		s = &seats[i];
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
			    "trader, failed: %s", s->llm->name,
			    decide_seat_error(s)->msg);
	}
	if (!main_in_run && asked > 0 && failed == asked)
		return tb_errf(e, failure_code(first_failed), "%s failed: %s",
		    first_failed->llm->name,
		    decide_seat_error(first_failed)->msg);
	return 0;
}
