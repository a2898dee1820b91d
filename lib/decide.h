/*
 * decide.h - tb-decide's step: the day's picks from the digest, market
 * data and both LLMs at once.
 *
 * decide_day() works for one date, in this order:
 *   1. the seats: every LLM of the table (lib/llm.h), the main trader's
 *      first, or only in->only; one that already decided for the date (an
 *      'ok' llm_runs row, or picks) is not asked again unless in->force;
 *      nobody left to ask: reason "already decided", nothing else;
 *   2. the digest, built fresh from the stored posts (digest_build) and
 *      stored; no tickers in it: reason "no tickers in the digest", no
 *      market request and no LLM asked;
 *   3. market data for its top market_data_ticker_limit tickers
 *      (lib/market.h); the ones with data are the candidates, in digest
 *      order; none: every LLM to ask fails with that reason, none asked;
 *   4. per LLM: the earlier picks a new decision keeps and the budget they
 *      leave (llm_kept_picks), its portfolio and its prompt; then every
 *      LLM at once, one thread each (llm_run_all), each within
 *      llm_timeout_seconds;
 *   5. each answer stored the moment its thread has it (llm_store), one
 *      store at a time, so a crash while the other LLM is still thinking
 *      does not lose, and pay again for, this one.
 *
 * The exit rule is decide_outcome()'s.  A failure on this machine's side
 * (database, disk, memory: tb_err_local) stops the day with its code.
 * Returns 0 or e->code: TB_EUNAVAIL or TB_ECONFIG by decide_outcome,
 * TB_EINTERNAL, TB_ECANTCREAT, TB_ELOCKED for the database.  *out is
 * filled either way: decide_result_free() it.
 */
#ifndef TB_DECIDE_H
#define TB_DECIDE_H

#include <stddef.h>

#include <sqlite3.h>

#include "clock.h"
#include "config.h"
#include "digest.h"
#include "err.h"
#include "llm.h"
#include "market.h"
#include "portfolio.h"
#include "prompt.h"

struct decide_input {
	sqlite3 *db;
	const struct tb_config *cfg;
	const struct tb_date *date;
	const char *day;		/* date as "YYYY-MM-DD" */
	const char *main_trader;	/* NULL: no rotation (forced weekend) */
	const struct llm *only;		/* --llm: this one only; NULL: all */
	int force;			/* ask an LLM that decided again */
};

/* One LLM of the day and what became of it. */
struct decide_seat {
	const struct llm *llm;
	int is_main;			/* the day's main trader */
	int ask;			/* to be asked (asked, once run) */
	int done;			/* decided before, not asked again */
	const char *not_asked;		/* why it was not asked, or NULL */
	size_t kept;			/* earlier picks it must keep */
	double kept_eur;		/* the budget they commit */
	tb_err err;			/* a failure before its request */
	struct llm_job job;		/* job.ran: asked; ok, err, attempts */
	struct llm_stored stored;	/* what its answer stored */

	/* Private to decide.c. */
	struct portfolio portfolio;
	struct prompt prompt;
	const struct decide_input *in;
	int store_rc;
	tb_err store_err;
};

struct decide_result {
	const char *reason;		/* "already decided", "no tickers in
					 * the digest", or NULL */
	struct decide_seat seats[LLM_COUNT];	/* main trader first */
	size_t nseats;
	int have_digest;		/* digest built */
	struct digest digest;
	struct market_set market;	/* market.n 0: not fetched */
	struct prompt_candidate *cands;	/* NULL until market data was
					 * asked for; into digest, market */
	const char **cand_symbols;	/* the candidates' symbols */
	size_t ncands;
};

int	decide_day(const struct decide_input *in, struct decide_result *out,
	    tb_err *e);
void	decide_result_free(struct decide_result *out);

/*
 * What became of a seat, for the summary: "skipped" (decided before),
 * "not asked", "ok" or "failed".
 */
const char *decide_seat_status(const struct decide_seat *s);

/* Picks of a seat's answer that were not stored (invalid, or kept). */
size_t	decide_seat_dropped(const struct decide_seat *s);

/*
 * The day's exit rule (DESIGN 10), over the n seats of a run:
 *   - the main trader was asked and failed: TB_EUNAVAIL ("claude, the
 *     main trader, failed: WHY"), TB_ECONFIG when that was for want of
 *     configuration (its API key), whatever the other LLM did;
 *   - a run without the main trader (--llm the other one) in which every
 *     LLM asked failed: the same codes for the first ("minimax failed:
 *     WHY");
 *   - else 0: the main trader succeeded, or was not asked again, even if
 *     the other LLM failed.
 * Pure: it reads the seats only.
 */
int	decide_outcome(const struct decide_seat *seats, size_t n, tb_err *e);

#endif
