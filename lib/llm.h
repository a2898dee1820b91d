/*
 * llm.h - asking one LLM for the day's picks, and recording what it said.
 *
 * Two LLMs take part: "claude" (provider "anthropic", lib/anthropic.h) and
 * "minimax" (provider "minimax", lib/minimax.h).  Each provider turns one
 * exchange (system + user text, and on a second attempt the previous
 * answer and a correction) into one HTTP request and parses the answer.
 *
 * A job is one LLM's pipeline for the day (llm_run):
 *   1. ask (HTTP retries on 429/5xx and transport failures are the HTTP
 *      layer's, within each provider's rules);
 *   2. turn the answer into validated picks with lib/picks.h;
 *   3. if the answer is unusable (no JSON, no picks array, wrong shape,
 *      cut off at the token limit, no tool call), ask ONE more time with
 *      the previous answer and exactly what was wrong with it;
 *   4. the job succeeds with the picks that survive validation (possibly
 *      none), or fails with one line saying why.
 * Every attempt is kept (llm_attempt) so llm_store() can write one
 * llm_runs row each, with the raw answer.
 *
 * Concurrency.  llm_run_all() runs each job in its own thread, so both
 * LLMs are asked at the same time and neither waits for the other's
 * retries.  Each request has its own timeout (job->timeout_ms per
 * attempt).  Threads do HTTP and JSON only; every cJSON parse in them
 * goes through llm_parse() or holds llm_lock(), because cJSON's parser
 * writes a global.  The database is touched by the caller's thread only.
 */
#ifndef TB_LLM_H
#define TB_LLM_H

#include <stddef.h>
#include <sqlite3.h>

#include <cJSON.h>

#include "config.h"
#include "err.h"
#include "picks.h"
#include "prompt.h"

#define LLM_MAX_ATTEMPTS	2	/* the answer, and one corrective retry */
#define LLM_TIMEOUT_MS		120000	/* per request attempt */
#define LLM_PREVIOUS_MAX	16384	/* bytes of a bad answer sent back */

/* One request to a provider (see anthropic.h, minimax.h). */
struct llm_exchange {
	/* Inputs, borrowed. */
	const struct tb_config *cfg;
	const char *system;
	const char *user;
	const char *previous;		/* attempt 2: the unusable answer */
	const char *correction;		/* attempt 2: what was wrong */
	const char *const *candidates;	/* for Claude's tool schema */
	size_t ncandidates;
	int max_picks;
	long timeout_ms;		/* 0: LLM_TIMEOUT_MS */

	/* Outputs, owned: llm_exchange_reset() frees them. */
	long http_status;		/* 0 when no answer */
	long latency_ms;
	long tokens_in;			/* -1 when not reported */
	long tokens_out;
	char *raw;			/* the answer to store (redacted), or
					 * the error body; may be NULL */
	cJSON *answer;			/* Claude: the submit_picks input */
	char *text;			/* MiniMax: the message content */
	char *problem;			/* answered, but unusable as such */
};

void	llm_exchange_reset(struct llm_exchange *x);

/* One attempt of a job: one llm_runs row. */
struct llm_attempt {
	int	 attempt;		/* 1, or 2 for the corrective retry */
	int	 ok;
	long	 http_status;
	long	 latency_ms;
	long	 tokens_in;
	long	 tokens_out;
	char	*error;			/* NULL when ok */
	char	*raw_answer;
	char	*notes_json;		/* JSON array of strings, or NULL */
	char	 started_at[32];	/* ISO-8601 UTC */
};

struct llm_job {
	/* Inputs, borrowed. */
	const char *llm_name;		/* "claude", "minimax" */
	const struct tb_config *cfg;
	const struct prompt *prompt;
	enum prompt_style style;
	const char *const *candidates;
	size_t ncandidates;
	int max_picks;
	double budget_eur;
	long timeout_ms;		/* 0: LLM_TIMEOUT_MS */
	/*
	 * Called by llm_run_all in the job's own thread as soon as the job
	 * has run (NULL: nothing), so a caller can store one LLM's answer
	 * while the other is still thinking.  It must serialise its own
	 * access to shared state (the database connection).
	 */
	void (*on_done)(struct llm_job *, void *);
	void *on_done_arg;

	/* Outputs, owned: llm_job_free(). */
	int	 ran;			/* the job was run */
	int	 ok;
	tb_err	 err;			/* why it failed */
	struct llm_attempt attempts[LLM_MAX_ATTEMPTS];
	int	 nattempts;
	struct pick_set picks;		/* validated, answer order */
	size_t	 answered;		/* picks in the answer, before checks */
	long	 tokens_in;		/* over all attempts, -1 if none known */
	long	 tokens_out;
	long	 latency_ms;
};

/* "anthropic" for "claude", "minimax" for "minimax", NULL otherwise. */
const char *llm_provider(const char *llm_name);

/* The configured model for an LLM, or NULL. */
const char *llm_model(const struct tb_config *cfg, const char *llm_name);

/*
 * Run one job to its end (see the top of this file).  Returns 0 when the
 * job succeeded, else its error code (job->err says why): TB_ECONFIG for
 * a missing API key ("ANTHROPIC_API_KEY is not set"), TB_EUNAVAIL for the
 * provider (HTTP, timeout, API error, unusable answer after the corrective
 * retry), TB_EINTERNAL for memory.
 */
int	llm_run(struct llm_job *job);

/*
 * Run n jobs at the same time, one thread each (a job whose thread cannot
 * start runs in the caller's).  Returns when all are done; each job holds
 * its own result.
 */
void	llm_run_all(struct llm_job **jobs, size_t n);

void	llm_job_free(struct llm_job *job);

/* cJSON_ParseWithLength under the parse lock; NULL if not JSON. */
cJSON	*llm_parse(const char *s, size_t len);
void	llm_lock(void);
void	llm_unlock(void);

/*
 * A copy of s with every registered secret replaced (log_redact), for
 * text bound for the database.  NULL when s is NULL or memory ran out.
 */
char	*llm_redact(const char *s);

/*
 * Whether llm_name decided for date (*yes = 0 or 1): an 'ok' llm_runs row
 * (even one whose picks were all dropped), or picks in daily_picks.
 */
int	llm_decided(sqlite3 *db, const char *date, const char *llm_name,
	    int *yes, tb_err *e);

/*
 * The picks of llm_name for date that a new decision must keep: those
 * with a trade (by pick_id, or the same llm_name, date and ticker) and
 * those a human already approved or rejected.  *n of them, committing
 * *eur of the budget (approved ones and ones with trades).
 */
int	llm_kept_picks(sqlite3 *db, const char *date, const char *llm_name,
	    size_t *n, double *eur, tb_err *e);

/* What llm_store() did. */
struct llm_stored {
	size_t	 stored;		/* daily_picks rows written */
	size_t	 replaced;		/* proposed picks deleted first */
	size_t	 kept;			/* earlier picks kept (see above) */
	size_t	 skipped;		/* new picks of a kept pick's ticker */
};

/*
 * Record a finished job for date in one transaction: an llm_runs row per
 * attempt; if the job succeeded, its earlier proposed picks without
 * trades are deleted and the new ones inserted as 'proposed' with
 * is_main_trader, pick_index (after the highest kept index, in answer
 * order) and llm_run_id.  A new pick whose ticker is a kept pick's is not
 * inserted (logged).  Returns 0 or TB_EINTERNAL (rolled back).
 */
int	llm_store(sqlite3 *db, const char *date, const struct llm_job *job,
	    int is_main, struct llm_stored *out, tb_err *e);

/*
 * Helpers for the providers' bodies and answers: a {"role","content"}
 * message (NULL when out of memory), and usage.<name> of an answer as a
 * count (-1 when absent or not a count).
 */
cJSON *llm_chat_message(const char *role, const char *content);
long llm_usage_tokens(const cJSON *answer, const char *name);

#endif
