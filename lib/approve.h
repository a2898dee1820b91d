/*
 * approve.h - tb-approve's steps: the human decision on the main trader's
 * picks of a day.
 *
 * approve_day() decides now: from --all, --none, --pick or --no-approval,
 * or from an answer typed at a terminal, which it asks for (the table and
 * the prompt on in->tty, the answer read from in->in_fd) for up to
 * in->timeout_s seconds from the first prompt; nobody answering applies
 * approval_timeout_action (decided_by 'timeout').
 *
 * approve_await() is what cron runs: it does not ask.  It waits for a
 * decision made elsewhere (a human running tb-approve at a terminal),
 * reading the database every in->poll_ms, for up to in->timeout_s, then
 * applies approval_timeout_action (decided_by 'timeout').  An answer
 * piped on in->in_fd (when it is not -1) decides meanwhile (decided_by
 * 'cli'); blank lines are skipped, the end of the input only ends the
 * reading, and a line that is not an answer decides nothing (TB_EDATA,
 * whatever the policy).  When it starts waiting it runs
 * approval_notify_command with the picks as JSON (notify.h).
 *
 * The rules, whose table is approve_plan():
 *   - a day already decided keeps its decision: a skip for the prompt,
 *     --no-approval and the wait (outcome APPROVE_UNCHANGED, return 0),
 *     a refusal for --all, --none and --pick (TB_EDATA).  force decides
 *     again: the flags at once, the prompt and a piped answer when one is
 *     given (none keeps the decision that stands, whatever the policy);
 *   - once execution started nothing changes, not even with force
 *     (TB_EDATA); a wait on a day already decided reports the decision;
 *   - a decision is stored by approval_store(), once, in one transaction,
 *     and someone else's decision stored first wins: refused (TB_EDATA)
 *     when a human's answer or a flag lost, a skip otherwise.
 *
 * Locks.  approve_day() takes locks/tb-approve.lock, approve_await()
 * locks/tb-approve-await.lock (TB_ELOCKED when held), so a human deciding
 * while cron waits is never refused with 75: the two meet in the
 * database.  Neither lock guards the decision; approval_store()'s
 * transaction does.  Because two runs of tb-approve may be alive at once,
 * a run marks older tb-approve runs left 'running' as crashed only when
 * it can hold the other lock too (runs.h).
 *
 * Errors: TB_ELOCKED, TB_EDATA (refused, bad pick numbers or piped
 * answer, picks changed while shown, over the budget; the message says
 * which), TB_EINTERNAL (database, reading the answer), the lock's
 * TB_ECANTCREAT.  *out is filled either way: approve_result_free() it.
 */
#ifndef TB_APPROVE_H
#define TB_APPROVE_H

#include <stdio.h>

#include <sqlite3.h>

#include "approval.h"
#include "config.h"
#include "err.h"

enum approve_mode {
	APPROVE_MODE_PROMPT,	/* ask at the terminal in_fd */
	APPROVE_MODE_ALL,	/* --all (decided_by flag) */
	APPROVE_MODE_NONE,	/* --none (decided_by flag) */
	APPROVE_MODE_PICK,	/* --pick: in->pick (decided_by flag) */
	APPROVE_MODE_NO_APPROVAL, /* all (decided_by no-approval) */
	APPROVE_MODE_AWAIT	/* approve_await() */
};

struct approve_input {
	sqlite3 *db;
	const struct tb_config *cfg;
	const char *day;		/* "YYYY-MM-DD" */
	const char *main_trader;	/* NULL on a weekend (with --force) */
	const char *virtual_trader;
	long long run_id;		/* this run's runs.id */
	const char *config_file;	/* --config, for the command a human is
					 * told to run; NULL */
	enum approve_mode mode;		/* approve_day: how to decide */
	const struct approval_decision *pick;	/* --pick's numbers */
	int force;			/* decide a decided day again */
	long timeout_s;			/* how long to ask or wait */
	long poll_ms;			/* approve_await: how often to look */
	int in_fd;			/* the answer: the terminal to ask
					 * (approve_day), a pipe to read
					 * meanwhile (approve_await), or -1 */
	FILE *tty;			/* the table, the prompt, its replies */
};

enum approve_outcome {
	APPROVE_NOT_DONE,	/* it failed first: see the return */
	APPROVE_NO_TRADER,	/* a weekend (with --force): skip, reason */
	APPROVE_NO_PICKS,	/* the main trader has none: skip, reason */
	APPROVE_STORED,		/* this run stored record */
	APPROVE_UNCHANGED,	/* record stood and stays: skip (or the
				 * refusal returned), reason */
	APPROVE_RELEASED	/* approve_await: someone else stored record
				 * while it waited */
};

struct approve_result {
	int lock_fd;		/* the lock taken, -1 when none: the caller
				 * keeps it until its run is recorded as
				 * finished, then lock_release()s it (so no
				 * run of tb-approve sees this one 'running'
				 * without its lock) */
	enum approve_outcome outcome;
	const char *main_trader;	/* whose picks were read, or NULL */
	char *reason;		/* why nothing was decided now, or NULL */
	struct approval_picks picks;	/* the main picks, when read */
	int decided;		/* record holds the day's decision */
	struct approval_record record;
	int waited;		/* approve_await waited waited_s seconds */
	long waited_s;
};

int	approve_day(const struct approve_input *in, struct approve_result *out,
	    tb_err *e);
int	approve_await(const struct approve_input *in,
	    struct approve_result *out, tb_err *e);

/* Frees what *out owns; its lock_fd is the caller's (see above). */
void	approve_result_free(struct approve_result *out);

/* What a step does with the day, by its mode and what stands. */
enum approve_plan {
	APPROVE_PLAN_KEEP,		/* report the decision; a skip */
	APPROVE_PLAN_REFUSE_DECIDED,	/* report it; refuse: use --force */
	APPROVE_PLAN_REFUSE_EXECUTED,	/* execution started: refuse */
	APPROVE_PLAN_DECIDE,		/* the flag decides */
	APPROVE_PLAN_ASK,		/* prompt; with a decision, no answer
					 * keeps it */
	APPROVE_PLAN_WAIT,		/* wait: elsewhere, piped, timeout */
	APPROVE_PLAN_WAIT_ANSWER	/* decided, force and a pipe: only a
					 * piped answer decides again */
};

/*
 * The rules above as a table: mode, whether the day is decided, whether
 * execution started, force, and whether an answer may be piped (await).
 */
enum approve_plan approve_plan(enum approve_mode mode, int decided,
	    int executed, int force, int piped);

/*
 * One line piped on stdin while waiting: 0 for a blank line (no answer,
 * read on), 1 with *d the decision it names (approval_decision_free),
 * TB_EDATA when it is not an answer ("standard input: ...; answer a, r,
 * or pick numbers like 1,3 (nothing decided)").
 */
int	approve_piped_answer(const char *line, const struct approval_picks *ap,
	    struct approval_decision *d, tb_err *e);

/*
 * TB_APPROVE_POLL_MS's value: NULL or empty is the default, 1000;
 * anything but whole milliseconds from 10 to 60000 is TB_ECONFIG.
 */
int	approve_poll_ms(const char *text, long *ms, tb_err *e);

#endif
