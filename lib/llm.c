/*
 * llm.c - one LLM's pipeline: ask, validate, correct once, record.
 * See llm.h.
 */
#include "llm.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anthropic.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "minimax.h"
#include "util.h"

/*
 * The LLMs.  Adding one is adding its provider module and a line here;
 * llm_runs.provider and the prompt style come from this line only.
 */
static const struct llm llms[LLM_COUNT] = {
	{ "claude", "anthropic", anthropic_exchange, PROMPT_TOOL, 0,
	    offsetof(struct tb_config, claude_model),
	    offsetof(struct tb_config, anthropic_api_key),
	    offsetof(struct tb_config, anthropic_base_url) },
	{ "minimax", "minimax", minimax_exchange, PROMPT_TEXT, 1,
	    offsetof(struct tb_config, minimax_model),
	    offsetof(struct tb_config, minimax_api_key),
	    offsetof(struct tb_config, minimax_base_url) },
};

/* A job's time: its deadline (monotonic seconds) and idle limit. */
struct deadline {
	double at;
	long idle_ms;
};

static void	 redact_err(tb_err *);
static double	 now_s(void);
static void	 sleep_s(double);
static int	 room_for(const struct deadline *, double);
static void	 job_start(struct llm_job *, struct llm_exchange *,
		    struct deadline *);
static int	 attempt(struct llm_job *, struct llm_exchange *,
		    const struct deadline *, char **, char **);
static int	 correct(struct llm_job *, struct llm_exchange *,
		    const struct deadline *, const char *, char **, char **);
static int	 ask(struct llm_job *, struct llm_exchange *,
		    const struct deadline *, tb_err *);
static void	 limits(const struct llm_job *, struct llm_exchange *,
		    const struct deadline *);
static double	 retry_wait(const struct llm_exchange *, int, char *, size_t);
static void	 say_tries(tb_err *, int, int);
static int	 validate(struct llm_job *, struct llm_exchange *,
		    struct pick_set *, size_t *, tb_err *);
static char	*notes_json(const struct pick_set *);
static char	*previous_answer(const struct llm_exchange *);
static struct llm_attempt *attempt_begin(struct llm_job *);
static void	 attempt_end(struct llm_job *, struct llm_attempt *,
		    const struct llm_exchange *, const char *);
static void	*job_thread(void *);
static int	 insert_run(sqlite3 *, const char *, const struct llm_job *,
		    const struct llm_attempt *, long long *, tb_err *);
static int	 replace_picks(sqlite3 *, const char *, const struct llm_job *,
		    int, long long, struct llm_stored *, tb_err *);

/* An upstream message may quote a key back: scrub it in place. */
static void
redact_err(tb_err *e)
{
	char clean[sizeof e->msg];

	log_redact(e->msg, clean, sizeof clean);
	memcpy(e->msg, clean, sizeof clean);
}

const struct llm *
llm_find(const char *name)
{
	size_t i;

	for (i = 0; i < LLM_COUNT; i++)
		if (strcmp(llms[i].name, name) == 0)
			return &llms[i];
	return NULL;
}

const struct llm *
llm_all(void)
{
	return llms;
}

/* The char * setting at offset off of cfg. */
static const char *
setting(const struct tb_config *cfg, size_t off)
{
	return *(char *const *)(const void *)((const char *)cfg + off);
}

const char *
llm_model(const struct llm *llm, const struct tb_config *cfg)
{
	return setting(cfg, llm->model);
}

long
llm_idle_ms(double timeout_s)
{
	double ms = timeout_s * 1000.0 / 5.0;

	if (ms < LLM_IDLE_MIN_MS)
		return LLM_IDLE_MIN_MS;
	if (ms > LLM_IDLE_MAX_MS)
		return LLM_IDLE_MAX_MS;
	return (long)ms;
}

/* The monotonic clock (util.h) in seconds, as the deadline keeps it. */
static double
now_s(void)
{
	return (double)util_now_ms() / 1000;
}

static void
sleep_s(double s)
{
	struct timespec ts;

	if (!(s > 0))
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Whether a new request may start after waiting wait seconds: two idle
 * limits of the deadline must remain (see llm.h, Time).
 */
static int
room_for(const struct deadline *d, double wait)
{
	return d->at - now_s() - wait >= 2.0 * d->idle_ms / 1000.0;
}

/*
 * One attempt's request, and its retries while the provider says they
 * may help: LLM_TRIES in all, within the deadline.
 */
static int
ask(struct llm_job *job, struct llm_exchange *x, const struct deadline *d,
    tb_err *e)
{
	char note[128];
	double start = now_s(), wait;
	int tries = 0, late = 0, rc;

	for (;;) {
		llm_exchange_reset(x);
		limits(job, x, d);
		tb_err_clear(e);
		tries++;
		rc = job->llm->wire(x, e);
		if (rc == 0 || rc == TB_ECONFIG || rc == TB_EINTERNAL ||
		    !x->retry || tries == LLM_TRIES)
			break;
		wait = retry_wait(x, tries - 1, note, sizeof note);
		if (!room_for(d, wait)) {
			late = 1;
			break;
		}
		/* The provider's message names it. */
		log_warn("%s; retry %d of %d in %.2f s%s", e->msg, tries,
		    LLM_TRIES - 1, wait, note);
		sleep_s(wait);
	}
	x->latency_ms = (long)((now_s() - start) * 1000.0);
	if (rc != 0 && rc != TB_ECONFIG)
		say_tries(e, tries, late);
	return rc;
}

/* The next request's limits: what is left of the deadline, and idle. */
static void
limits(const struct llm_job *job, struct llm_exchange *x,
    const struct deadline *d)
{
	double left_ms = (d->at - now_s()) * 1000.0;

	x->timeout_ms = left_ms >= 1 ? (long)left_ms : 1;
	x->idle_ms = job->llm->streams && d->idle_ms < x->timeout_ms ?
	    d->idle_ms : 0;
}

/*
 * The wait before retry n (0 first): the server's when it asked for at
 * most LLM_RETRY_AFTER_MAX_S, else the backoff.  note says which.
 */
static double
retry_wait(const struct llm_exchange *x, int n, char *note, size_t notesz)
{
	double asked = x->retry_after_s;

	note[0] = '\0';
	if (asked > 0 && asked <= LLM_RETRY_AFTER_MAX_S) {
		snprintf(note, notesz, " (as the server asked)");
		return asked;
	}
	if (asked > LLM_RETRY_AFTER_MAX_S)
		snprintf(note, notesz, " (the server asked for %.0f s, over "
		    "%.0f s: backing off instead)", asked,
		    LLM_RETRY_AFTER_MAX_S);
	return http_backoff_s(n);
}

/* Say in the error how many requests it took, and if time ran out. */
static void
say_tries(tb_err *e, int tries, int late)
{
	char tail[96];
	size_t len = strlen(e->msg);

	if (tries > 1 && late)
		snprintf(tail, sizeof tail, " (%d attempts, no time left for "
		    "another)", tries);
	else if (tries > 1)
		snprintf(tail, sizeof tail, " (%d attempts)", tries);
	else if (late)
		snprintf(tail, sizeof tail, " (no time left to try again)");
	else
		return;
	/* A message too long for the tail loses its end, not the count. */
	if (len + strlen(tail) >= sizeof e->msg) {
		len = sizeof e->msg - strlen(tail) - 1;
		while (len > 0 && ((unsigned char)e->msg[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(e->msg + len, tail, strlen(tail) + 1);
}

/*
 * The picks in an answer.  TB_EDATA means the answer is unusable as a
 * whole (what is wrong is in *e, fit to tell the model).
 */
static int
validate(struct llm_job *job, struct llm_exchange *x, struct pick_set *set,
    size_t *answered, tb_err *e)
{
	cJSON *found = NULL;
	const cJSON *answer = x->answer, *picks;
	int rc;

	*answered = 0;
	if (x->problem != NULL)
		return tb_errf(e, TB_EDATA, "%s", x->problem);
	llm_lock();
	if (answer == NULL)
		answer = found = picks_extract(x->text, e);
	if (answer == NULL)
		rc = e->code;
	else {
		picks = cJSON_GetObjectItemCaseSensitive(answer, "picks");
		if (cJSON_IsArray(picks))
			*answered = (size_t)cJSON_GetArraySize(picks);
		rc = pick_set_from_json(answer, job->candidates,
		    job->ncandidates, job->max_picks, job->budget_eur, set, e);
	}
	cJSON_Delete(found);
	llm_unlock();
	return rc;
}

static char *
notes_json(const struct pick_set *set)
{
	cJSON *arr;
	char *text;
	size_t i;

	if (set->nnotes == 0)
		return NULL;
	if ((arr = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < set->nnotes; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(set->notes[i]));
	text = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return text;
}

/* The unusable answer as sent back: its start, at a UTF-8 boundary. */
static char *
previous_answer(const struct llm_exchange *x)
{
	const char *s = x->raw != NULL ? x->raw : x->text;
	size_t len;
	char *out;

	if (s == NULL)
		return strdup("");
	len = strlen(s);
	if (len > LLM_PREVIOUS_MAX) {
		len = LLM_PREVIOUS_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

static struct llm_attempt *
attempt_begin(struct llm_job *job)
{
	struct llm_attempt *a = &job->attempts[job->nattempts];

	memset(a, 0, sizeof *a);
	a->attempt = ++job->nattempts;
	a->tokens_in = a->tokens_out = -1;
	clock_iso_utc(time(NULL), a->started_at);
	return a;
}

/* Record the attempt's outcome; error NULL means it succeeded. */
static void
attempt_end(struct llm_job *job, struct llm_attempt *a,
    const struct llm_exchange *x, const char *error)
{
	a->ok = error == NULL;
	a->http_status = x->http_status;
	a->latency_ms = x->latency_ms;
	a->tokens_in = x->tokens_in;
	a->tokens_out = x->tokens_out;
	a->error = llm_redact(error);
	a->raw_answer = x->raw != NULL ? strdup(x->raw) : NULL;
	job->latency_ms += x->latency_ms;
	if (x->tokens_in >= 0)
		job->tokens_in = (job->tokens_in < 0 ? 0 : job->tokens_in) +
		    x->tokens_in;
	if (x->tokens_out >= 0)
		job->tokens_out = (job->tokens_out < 0 ? 0 :
		    job->tokens_out) + x->tokens_out;
}

int
llm_run(struct llm_job *job)
{
	struct llm_exchange x;
	struct deadline d;
	char *previous = NULL, *correction = NULL;

	job_start(job, &x, &d);
	while (attempt(job, &x, &d, &previous, &correction))
		;
	llm_exchange_reset(&x);
	free(previous);
	free(correction);
	redact_err(&job->err);
	return job->ok ? 0 : (job->err.code ? job->err.code : TB_EINTERNAL);
}

/* Reset the job's outputs; the exchange's inputs; the deadline. */
static void
job_start(struct llm_job *job, struct llm_exchange *x, struct deadline *d)
{
	double timeout = job->timeout_s > 0 ? job->timeout_s : LLM_TIMEOUT_S;

	job->ran = 1;
	job->ok = 0;
	job->tokens_in = job->tokens_out = -1;
	tb_err_clear(&job->err);
	memset(x, 0, sizeof *x);
	x->base_url = setting(job->cfg, job->llm->base_url);
	x->model = setting(job->cfg, job->llm->model);
	x->api_key = setting(job->cfg, job->llm->api_key);
	x->system = job->prompt->system;
	x->user = job->prompt->user;
	x->candidates = job->candidates;
	x->ncandidates = job->ncandidates;
	x->max_picks = job->max_picks;
	d->at = now_s() + timeout;
	d->idle_ms = llm_idle_ms(timeout);
}

/*
 * One attempt, one llm_runs row: ask, then validate.  Returns 1 when the
 * answer was unusable and the corrective retry follows (x then carries
 * *previous and *correction), else 0 with the job's outcome set.
 */
static int
attempt(struct llm_job *job, struct llm_exchange *x,
    const struct deadline *d, char **previous, char **correction)
{
	struct llm_attempt *a = attempt_begin(job);
	char why[sizeof ((tb_err *)0)->msg + 32];
	tb_err e;
	int rc;

	tb_err_clear(&e);
	if ((rc = ask(job, x, d, &e)) != 0) {
		if (rc == TB_ECONFIG)
			job->nattempts--;	/* nothing asked: no row */
		else
			attempt_end(job, a, x, e.msg);
		tb_errf(&job->err, rc, "%s", e.msg);
		return 0;
	}
	if ((rc = validate(job, x, &job->picks, &job->answered, &e)) == 0) {
		attempt_end(job, a, x, NULL);
		a->notes_json = notes_json(&job->picks);
		job->ok = 1;
		return 0;
	}
	snprintf(why, sizeof why, "unusable answer: %s", e.msg);
	attempt_end(job, a, x, why);
	if (rc != TB_EDATA) {
		tb_errf(&job->err, rc, "%s: %s", job->llm->name, e.msg);
		return 0;
	}
	return correct(job, x, d, e.msg, previous, correction);
}

/*
 * After an unusable answer (what): prepare the one corrective retry, or
 * fail the job when it was the retry or no time is left for one.
 */
static int
correct(struct llm_job *job, struct llm_exchange *x,
    const struct deadline *d, const char *what, char **previous,
    char **correction)
{
	const char *name = job->llm->name;

	if (job->nattempts == LLM_MAX_ATTEMPTS) {
		tb_errf(&job->err, TB_EUNAVAIL, "%s: unusable answer after a "
		    "corrective retry: %s", name, what);
		return 0;
	}
	if (!room_for(d, 0)) {
		tb_errf(&job->err, TB_EUNAVAIL, "%s: unusable answer, and no "
		    "time left for a corrective retry: %s", name, what);
		return 0;
	}
	log_warn("%s: unusable answer: %s; asking once more", name, what);
	free(*previous);
	free(*correction);
	*previous = previous_answer(x);
	*correction = prompt_correction(what, job->llm->style);
	if (*previous == NULL || *correction == NULL) {
		tb_errf(&job->err, TB_EINTERNAL, "%s: out of memory", name);
		return 0;
	}
	x->previous = *previous;
	x->correction = *correction;
	return 1;
}

static void
run_job(struct llm_job *job)
{
	llm_run(job);
	if (job->on_done != NULL)
		job->on_done(job, job->on_done_arg);
}

static void *
job_thread(void *arg)
{
	run_job(arg);
	return NULL;
}

void
llm_run_all(struct llm_job **jobs, size_t n)
{
	pthread_t *threads;
	int *started;
	size_t i;

	threads = calloc(n ? n : 1, sizeof *threads);
	started = calloc(n ? n : 1, sizeof *started);
	for (i = 0; i < n; i++) {
		if (threads != NULL && started != NULL &&
		    pthread_create(&threads[i], NULL, job_thread, jobs[i]) == 0)
			started[i] = 1;
		else
			run_job(jobs[i]);
	}
	for (i = 0; i < n; i++)
		if (started != NULL && started[i])
			pthread_join(threads[i], NULL);
	free(threads);
	free(started);
}

void
llm_job_free(struct llm_job *job)
{
	int i;

	for (i = 0; i < job->nattempts; i++) {
		free(job->attempts[i].error);
		free(job->attempts[i].raw_answer);
		free(job->attempts[i].notes_json);
	}
	job->nattempts = 0;
	pick_set_free(&job->picks);
}

int
llm_decided(sqlite3 *db, const char *date, const char *llm_name, int *yes,
    tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*yes = 0;
	if (db_prepare(db, "SELECT 1 WHERE EXISTS (SELECT 1 FROM llm_runs "
	    "WHERE date = ?1 AND llm_name = ?2 AND status = 'ok') OR EXISTS "
	    "(SELECT 1 FROM daily_picks WHERE date = ?1 AND llm_name = ?2)",
	    &st, e) != 0)
		return e->code;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm_name);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		*yes = 1;
	else if (rc != SQLITE_DONE)
		return db_fail(db, "reading llm_runs", e);
	return 0;
}

/* A pick is kept when it has a trade or a human decided on it. */
#define KEPT_PICK "(status <> 'proposed' OR EXISTS (SELECT 1 FROM trades t " \
	"WHERE t.pick_id = p.id OR (t.llm_name = p.llm_name AND " \
	"t.date = p.date AND t.ticker = p.ticker)))"

int
llm_kept_picks(sqlite3 *db, const char *date, const char *llm_name,
    size_t *n, double *eur, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	*eur = 0;
	if (db_prepare(db, "SELECT count(*), coalesce(sum(CASE WHEN status "
	    "<> 'rejected' OR EXISTS (SELECT 1 FROM trades t WHERE "
	    "t.pick_id = p.id OR (t.llm_name = p.llm_name AND t.date = p.date "
	    "AND t.ticker = p.ticker)) THEN amount_eur ELSE 0 END), 0) "
	    "FROM daily_picks p WHERE date = ?1 AND llm_name = ?2 AND "
	    KEPT_PICK, &st, e) != 0)
		return e->code;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm_name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_int64(st, 0);
		*eur = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading daily_picks", e);
	return 0;
}

static int
insert_run(sqlite3 *db, const char *date, const struct llm_job *job,
    const struct llm_attempt *a, long long *id, tb_err *e)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (db_prepare(db, "INSERT INTO llm_runs (date, llm_name, provider, "
	    "model, attempt, status, http_status, latency_ms, input_tokens, "
	    "output_tokens, error, raw_answer, notes_json, started_at) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	    &st, e) != 0)
		return e->code;
	rc |= db_bind_text(st, 1, date);
	rc |= db_bind_text(st, 2, job->llm->name);
	rc |= db_bind_text(st, 3, job->llm->provider);
	rc |= db_bind_text(st, 4, llm_model(job->llm, job->cfg));
	rc |= sqlite3_bind_int(st, 5, a->attempt);
	rc |= db_bind_text(st, 6, a->ok ? "ok" : "failed");
	rc |= a->http_status > 0 ? sqlite3_bind_int64(st, 7, a->http_status) :
	    sqlite3_bind_null(st, 7);
	rc |= sqlite3_bind_int64(st, 8, a->latency_ms);
	rc |= a->tokens_in >= 0 ? sqlite3_bind_int64(st, 9, a->tokens_in) :
	    sqlite3_bind_null(st, 9);
	rc |= a->tokens_out >= 0 ? sqlite3_bind_int64(st, 10, a->tokens_out) :
	    sqlite3_bind_null(st, 10);
	rc |= db_bind_text(st, 11, a->error);
	rc |= db_bind_text(st, 12, a->raw_answer);
	rc |= db_bind_text(st, 13, a->notes_json);
	rc |= db_bind_text(st, 14, a->started_at);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(db, "storing llm_runs", e);
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

/* Delete the replaceable picks, then insert the job's. */
static int
replace_picks(sqlite3 *db, const char *date, const struct llm_job *job,
    int is_main, long long run_id, struct llm_stored *out, tb_err *e)
{
	sqlite3_stmt *st = NULL;
	const struct pick *p;
	char now[32];
	long long next_index = 1;
	size_t i;
	int rc;

	if (db_prepare(db, "DELETE FROM daily_picks AS p WHERE date = ?1 AND "
	    "llm_name = ?2 AND NOT " KEPT_PICK, &st, e) != 0)
		return e->code;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, job->llm->name);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dbfail;
	out->replaced = (size_t)sqlite3_changes(db);
	sqlite3_finalize(st);

	if (db_prepare(db, "SELECT count(*), coalesce(max(pick_index), 0) "
	    "FROM daily_picks WHERE date = ?1 AND llm_name = ?2", &st, e) != 0)
		return e->code;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, job->llm->name);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto dbfail;
	out->kept = (size_t)sqlite3_column_int64(st, 0);
	next_index = sqlite3_column_int64(st, 1) + 1;
	sqlite3_finalize(st);

	clock_iso_utc(time(NULL), now);
	if (db_prepare(db, "INSERT INTO daily_picks (date, llm_name, ticker, "
	    "allocation_pct, amount_eur, reasoning, is_main_trader, status, "
	    "pick_index, llm_run_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, 'proposed', ?8, ?9, ?10) ON CONFLICT (llm_name, date, "
	    "ticker) DO NOTHING", &st, e) != 0)
		return e->code;
	for (i = 0; i < job->picks.npicks; i++) {
		p = &job->picks.picks[i];
		rc = db_bind_text(st, 1, date);
		rc |= db_bind_text(st, 2, job->llm->name);
		rc |= db_bind_text(st, 3, p->ticker);
		rc |= sqlite3_bind_double(st, 4, p->allocation_pct);
		rc |= sqlite3_bind_double(st, 5, p->amount_eur);
		rc |= db_bind_text(st, 6, p->reasoning);
		rc |= sqlite3_bind_int(st, 7, is_main ? 1 : 0);
		rc |= sqlite3_bind_int64(st, 8, next_index);
		rc |= sqlite3_bind_int64(st, 9, run_id);
		rc |= db_bind_text(st, 10, now);
		if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
			goto dbfail;
		if (sqlite3_changes(db) == 1) {
			out->stored++;
			next_index++;
		} else {
			out->skipped++;
			log_warn("%s: %s not stored: an earlier pick of it is "
			    "kept (it has a trade or a decision)",
			    job->llm->name, p->ticker);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
dbfail:
	sqlite3_finalize(st);
	return db_fail(db, "storing daily_picks", e);
}

int
llm_store(sqlite3 *db, const char *date, const struct llm_job *job,
    int is_main, struct llm_stored *out, tb_err *e)
{
	long long id = 0, ok_id = 0;
	int i;

	memset(out, 0, sizeof *out);
	if (db_begin(db, e) != 0)
		return e->code;
	for (i = 0; i < job->nattempts; i++) {
		if (insert_run(db, date, job, &job->attempts[i], &id, e) != 0)
			goto fail;
		if (job->attempts[i].ok)
			ok_id = id;
	}
	if (job->ok && replace_picks(db, date, job, is_main, ok_id, out, e)
	    != 0)
		goto fail;
	if (db_commit(db, e) != 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	memset(out, 0, sizeof *out);
	return e->code;
}
