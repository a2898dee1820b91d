/*
 * llm.h - asking one LLM for the day's picks, and recording what it said.
 *
 * The LLMs are one table (llm_find, llm_all): each entry names the LLM
 * ("claude", "minimax"), its provider ("anthropic", "minimax"), the
 * provider's wire function (lib/llm_wire.h), the prompt style it answers
 * in, and where its model, API key and base URL are in the configuration.
 * Nothing else in tb tells LLMs apart by name.
 *
 * A job is one LLM's pipeline for the day (llm_run):
 *   1. ask: one request, and up to LLM_TRIES - 1 more when the provider
 *      says asking again may help (429, 5xx, transport failures, each
 *      provider's own rules: see anthropic.h, minimax.h);
 *   2. turn the answer into validated picks with lib/picks.h;
 *   3. if the answer is unusable (no JSON, no picks array, wrong shape,
 *      cut off at the token limit, no tool call), ask ONE more time with
 *      the previous answer and exactly what was wrong with it;
 *   4. the job succeeds with the picks that survive validation (possibly
 *      none), or fails with one line saying why.
 * Every attempt is kept (llm_attempt) so llm_store() can write one
 * llm_runs row each, with the raw answer.
 *
 * Time.  A job has one deadline, job->timeout_s (llm_timeout_seconds)
 * after it starts, for everything: every request, every wait between
 * them, the corrective retry.  Each request may take what is left of it.
 * Streamed answers (MiniMax) also have an idle limit: no byte for
 * llm_idle_ms() ends that request (a slow answer that keeps streaming
 * completes; a dead one fails fast).  The idle limit is a fifth of the
 * deadline, at least LLM_IDLE_MIN_MS and at most LLM_IDLE_MAX_MS (60 s of
 * the default 300 s), and is left out when no less than what remains.
 * A request after the first (a retry or the corrective one) starts only
 * while at least two idle limits of the deadline remain after its wait,
 * room for an answer to show it is alive; else the job fails with the
 * last reason and says no time was left.
 *
 * Waits between requests are the server's when it asks for 0 to
 * LLM_RETRY_AFTER_MAX_S (retry-after-ms, retry-after: llm_retry_after),
 * else the HTTP layer's capped backoff (http_backoff_s: 0.5 s doubling,
 * at most 8 s, scaled by TB_HTTP_BACKOFF_SCALE), as the official
 * Anthropic SDKs do: a longer retry-after is not waited out.
 *
 * Concurrency.  llm_run_all() runs each job in its own thread, so both
 * LLMs are asked at the same time and neither waits for the other's
 * retries or deadline.  Threads do HTTP and JSON only (see
 * lib/llm_wire.h for the cJSON parse lock); the database is touched by
 * the caller's thread only.
 */
#ifndef TB_LLM_H
#define TB_LLM_H

#include <stddef.h>
#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "llm_wire.h"
#include "picks.h"
#include "prompt.h"

#define LLM_MAX_ATTEMPTS	2	/* the answer, and one corrective retry */
#define LLM_TRIES		3	/* requests per attempt, retries included */
#define LLM_PREVIOUS_MAX	16384	/* bytes of a bad answer sent back */
#define LLM_COUNT		2	/* entries in the table */
#define LLM_TIMEOUT_S		300.0	/* the deadline when job->timeout_s is 0 */
#define LLM_IDLE_MIN_MS		1000
#define LLM_IDLE_MAX_MS		60000
#define LLM_RETRY_AFTER_MAX_S	60.0	/* a longer retry-after: backoff */

/* One LLM of the table. */
struct llm {
	const char *name;		/* "claude": llm_name everywhere */
	const char *provider;		/* "anthropic", for llm_runs */
	llm_wire_fn wire;
	enum prompt_style style;
	int streams;			/* answers as a stream: idle limit */
	/* Offsets of its char * settings in struct tb_config. */
	size_t model, api_key, base_url;
};

/* The LLM named name, or NULL when there is none. */
const struct llm *llm_find(const char *name);

/* The table: LLM_COUNT entries, in a fixed order. */
const struct llm *llm_all(void);

/* The configured model of an LLM. */
const char *llm_model(const struct llm *llm, const struct tb_config *cfg);

/* The idle limit for a deadline of timeout_s seconds (see Time). */
long	llm_idle_ms(double timeout_s);

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
	const struct llm *llm;
	const struct tb_config *cfg;
	const struct prompt *prompt;
	const char *const *candidates;
	size_t ncandidates;
	int max_picks;
	double budget_eur;
	double timeout_s;		/* the deadline; 0: LLM_TIMEOUT_S */
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

/*
 * Run one job to its end (see the top of this file).  Returns 0 when the
 * job succeeded, else its error code (job->err says why): TB_ECONFIG for
 * a missing API key ("ANTHROPIC_API_KEY is not set"), TB_EUNAVAIL for the
 * provider (HTTP, timeout, idle timeout, API error, unusable answer after
 * the corrective retry, no time left), TB_EINTERNAL for memory.  A
 * failure after several requests says how many: "minimax: HTTP 500:
 * error 1000: unknown error (3 attempts)".
 */
int	llm_run(struct llm_job *job);

/*
 * Run n jobs at the same time, one thread each (a job whose thread cannot
 * start runs in the caller's).  Returns when all are done; each job holds
 * its own result.
 */
void	llm_run_all(struct llm_job **jobs, size_t n);

void	llm_job_free(struct llm_job *job);

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

#endif
