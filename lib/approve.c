/*
 * approve.c - tb-approve's steps: deciding now, or waiting for a decision
 * made elsewhere.  See approve.h; approval.c keeps the storage rules.
 */
#include "approve.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "approval_text.h"
#include "lineread.h"
#include "lock.h"
#include "log.h"
#include "notify.h"
#include "runs.h"
#include "util.h"

#define PROGRAM		"tb-approve"	/* whose runs rows are ours */
#define LOCK_DECIDE	"tb-approve"
#define LOCK_AWAIT	"tb-approve-await"
#define ANSWER_MAX	4096	/* longer answers are refused, not cut */
#define POLL_MS_DEFAULT	1000
#define POLL_MS_MIN	10
#define POLL_MS_MAX	60000

static const char prompt_text[] =
    "[a]pprove all, [r]eject all, or numbers like 1,3: ";
static const char answer_hint[] = "answer a, r, or pick numbers like 1,3";

/* One run of a step. */
struct step {
	const struct approve_input *in;
	struct approve_result *out;
	tb_err *e;
	struct approval_state state;	/* the day when the step began */
	struct approval_state seen;	/* the day when a wait ended */
	struct lineread piped;		/* approve_await's answer on in_fd */
	int piped_open;			/* still reading it */
	struct notify notify;		/* approval_notify_command */
};

/* How a wait ended (poll_decision). */
enum waited { WAITED_OUT, WAITED_DECIDED, WAITED_ANSWER };

enum approve_plan
approve_plan(enum approve_mode mode, int decided, int executed, int force,
    int piped)
{
	if (mode == APPROVE_MODE_AWAIT) {
		/* A piped answer with force may decide again; nothing else. */
		if (decided && !(piped && force))
			return APPROVE_PLAN_KEEP;
		if (executed)
			return APPROVE_PLAN_REFUSE_EXECUTED;
		return decided ? APPROVE_PLAN_WAIT_ANSWER : APPROVE_PLAN_WAIT;
	}
	/*
	 * Nothing was asked yet, and tb-daily reruns with --no-approval:
	 * those report the decision and go on; a flag is a decision that
	 * was not stored, which its human must hear.
	 */
	if (decided && !force && (mode == APPROVE_MODE_PROMPT ||
	    mode == APPROVE_MODE_NO_APPROVAL))
		return APPROVE_PLAN_KEEP;
	if (executed)
		return APPROVE_PLAN_REFUSE_EXECUTED;
	if (decided && !force)
		return APPROVE_PLAN_REFUSE_DECIDED;
	return mode == APPROVE_MODE_PROMPT ? APPROVE_PLAN_ASK :
	    APPROVE_PLAN_DECIDE;
}

int
approve_piped_answer(const char *line, const struct approval_picks *ap,
    struct approval_decision *d, tb_err *e)
{
	tb_err why;
	int rc;

	memset(d, 0, sizeof *d);
	if (line[strspn(line, " \t\r")] == '\0')
		return 0;
	if ((rc = approval_parse_answer(line, ap, d, &why)) == 0)
		return 1;
	return tb_errf(e, rc, "standard input: %s; %s (nothing decided)",
	    why.msg, answer_hint);
}

int
approve_poll_ms(const char *text, long *ms, tb_err *e)
{
	char *end;
	long v;

	*ms = POLL_MS_DEFAULT;
	if (text == NULL || *text == '\0')
		return 0;
	errno = 0;
	v = strtol(text, &end, 10);
	if (*end != '\0' || errno != 0 || v < POLL_MS_MIN || v > POLL_MS_MAX)
		return tb_errf(e, TB_ECONFIG, "TB_APPROVE_POLL_MS = \"%s\": "
		    "want milliseconds from %d to %d", text, POLL_MS_MIN,
		    POLL_MS_MAX);
	*ms = v;
	return 0;
}

void
approve_result_free(struct approve_result *out)
{
	free(out->reason);
	out->reason = NULL;
	approval_picks_free(&out->picks);
	approval_record_free(&out->record);
	out->decided = 0;
}

static const char *
action_name(enum approval_action a)
{
	return a == REJECT_ALL ? "reject_all" : "approve_all";
}

/* ---- Starting: the lock, crashed runs, the picks, the day's state. */

/*
 * A tb-approve run still 'running' died without finishing, but only if
 * no other tb-approve is alive: holding the other mode's lock as well
 * proves that.  Failing to check is only a warning.
 */
static void
mark_crashed(const struct approve_input *in, const char *held)
{
	tb_err e;
	int other, n;

	if (lock_acquire(in->cfg->home, strcmp(held, LOCK_AWAIT) == 0 ?
	    LOCK_DECIDE : LOCK_AWAIT, &other, &e) != 0)
		return;
	if (runs_mark_crashed(in->db, PROGRAM, in->run_id, &n, &e) != 0)
		log_warn("%s", e.msg);
	lock_release(other);
}

/* A skip's reason, copied. */
static int
set_reason(struct approve_result *out, enum approve_outcome o,
    const char *reason, tb_err *e)
{
	out->outcome = o;
	if ((out->reason = strdup(reason)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	return 0;
}

/*
 * Lock, load the main picks and the day's state.  *done is set when
 * there is nothing to approve (the outcome says why).
 */
static int
begin(struct step *s, const char *lock, int *done)
{
	const struct approve_input *in = s->in;
	struct approve_result *out = s->out;
	int rc;

	*done = 0;
	if ((rc = lock_acquire(in->cfg->home, lock, &out->lock_fd, s->e)) !=
	    0) {
		out->lock_fd = -1;
		return rc;
	}
	mark_crashed(in, lock);
	if (in->main_trader == NULL) {
		*done = 1;
		return set_reason(out, APPROVE_NO_TRADER, "nothing to approve: "
		    "no main trader on a weekend", s->e);
	}
	out->main_trader = in->main_trader;
	if ((rc = approval_load(in->db, in->day, in->main_trader, &out->picks,
	    s->e)) != 0)
		return rc;
	if (out->picks.npicks == 0) {
		*done = 1;
		out->outcome = APPROVE_NO_PICKS;
		return approval_no_picks_reason(in->db, in->day,
		    in->main_trader, &out->reason, s->e);
	}
	return approval_read_state(in->db, in->day, &s->state, s->e);
}

static void
step_init(struct step *s, const struct approve_input *in,
    struct approve_result *out, tb_err *e)
{
	memset(s, 0, sizeof *s);
	memset(out, 0, sizeof *out);
	out->lock_fd = -1;
	s->in = in;
	s->out = out;
	s->e = e;
	lineread_init(&s->piped, in->in_fd, ANSWER_MAX);
	s->piped_open = in->in_fd >= 0;
}

static void
step_free(struct step *s)
{
	approval_state_free(&s->state);
	approval_state_free(&s->seen);
	lineread_free(&s->piped);
}

/* ---- Outcomes. */

/* Move *r into the result as the day's decision. */
static void
take_record(struct approve_result *out, struct approval_record *r)
{
	approval_record_free(&out->record);
	out->record = *r;
	out->decided = 1;
	memset(r, 0, sizeof *r);
}

/*
 * A decision stands (*r, moved into the result): a skip, or with refuse
 * a refusal (TB_EDATA) that --force would get past.
 */
static int
unchanged(struct step *s, struct approval_record *r, int refuse)
{
	struct approve_result *out = s->out;
	char *indices;
	int n;

	take_record(out, r);
	out->outcome = APPROVE_UNCHANGED;
	r = &out->record;
	indices = approval_indices_text(&r->decision);
	n = asprintf(&out->reason, "already decided: %s%s%s by %s at %s",
	    approval_choice_name(r->decision.choice), indices ? " " : "",
	    indices ? indices : "", r->decided_by, r->decided_at);
	free(indices);
	if (n < 0) {
		out->reason = NULL;
		return tb_errf(s->e, TB_EINTERNAL, "out of memory");
	}
	if (refuse)
		return tb_errf(s->e, TB_EDATA, "%s; use --force to decide "
		    "again (before execution)", out->reason);
	return 0;
}

static int
refuse_executed(struct step *s, const struct approval_state *st)
{
	return tb_errf(s->e, TB_EDATA, "execution started for %s (%s): the "
	    "approval can no longer change, not even with --force",
	    s->in->day, st->execution);
}

/*
 * Store d (decided_by by) and say what it does: to the terminal when
 * to_tty, else in the log.  Someone else's decision stored first is
 * reported instead; a human whose answer or flag lost must hear it
 * (TB_EDATA).
 */
static int
store(struct step *s, const struct approval_decision *d, const char *by,
    int to_tty)
{
	const struct approve_input *in = s->in;
	struct approve_result *out = s->out;
	struct approval_record r;
	char *words;
	int rc, stored;

	if ((rc = approval_check_budget(&out->picks, d,
	    in->cfg->daily_budget_eur, s->e)) != 0 ||
	    (rc = approval_store(in->db, in->day, &out->picks, d, by,
	    in->force, &stored, &r, s->e)) != 0)
		return rc;
	if (!stored) {
		rc = unchanged(s, &r, strcmp(by, "flag") == 0 ||
		    strcmp(by, "cli") == 0);
		approval_record_free(&r);
		return rc;
	}
	if ((words = approval_describe(&out->picks, d, in->day)) != NULL) {
		if (to_tty)
			fprintf(in->tty, "%s\n", words);
		else
			log_info("%s (decided by %s)", words, by);
		free(words);
	}
	take_record(out, &r);
	out->outcome = APPROVE_STORED;
	return 0;
}

/* ---- Deciding now: the flags and the prompt. */

static int
decide_by_flag(struct step *s)
{
	const struct approve_input *in = s->in;
	struct approval_decision d;
	int rc = 0;

	memset(&d, 0, sizeof d);
	switch (in->mode) {
	case APPROVE_MODE_NONE:
		approval_policy(REJECT_ALL, &d);
		break;
	case APPROVE_MODE_PICK:
		if (in->pick == NULL)
			return tb_errf(s->e, TB_EINTERNAL, "approve: --pick "
			    "without pick numbers");
		if ((rc = approval_decision_copy(&d, in->pick, s->e)) == 0)
			rc = approval_check(&d, &s->out->picks, s->e);
		break;
	default:
		approval_policy(APPROVE_ALL, &d);
	}
	if (rc == 0)
		rc = store(s, &d, in->mode == APPROVE_MODE_NO_APPROVAL ?
		    "no-approval" : "flag", 0);
	approval_decision_free(&d);
	return rc;
}

/* What no answer does, in words. */
static const char *
fallback_text(int keep, enum approval_action action)
{
	if (keep)
		return "the current decision stays";
	return action == REJECT_ALL ? "reject_all (approval_timeout_action)" :
	    "approve_all (approval_timeout_action)";
}

/*
 * Ask until a valid answer (*answered = 1), or the end of the input or
 * the timeout, counted from the first prompt (*answered = 0: *d is then
 * approval_timeout_action's decision, said so).  With keep (a decided day
 * asked again with force) no answer keeps the decision that stands.
 */
static int
prompt(struct step *s, int keep, struct approval_decision *d, int *answered)
{
	const struct approve_input *in = s->in;
	const char *fallback = fallback_text(keep,
	    in->cfg->approval_timeout_action);
	struct lineread r;
	long long deadline;
	char *line;
	tb_err why;
	int done = 0, rc = 0;

	approval_print_table(in->tty, &s->out->picks, in->day,
	    in->virtual_trader, in->cfg->t212_live);
	fprintf(in->tty, "No answer within %ld s: %s.\n", in->timeout_s,
	    fallback);
	deadline = util_now_ms() + in->timeout_s * 1000LL;
	lineread_init(&r, in->in_fd, ANSWER_MAX);
	*answered = 0;
	while (!done && rc == 0) {
		fputs(prompt_text, in->tty);
		fflush(in->tty);
		switch (lineread_next(&r, deadline, &line)) {
		case LINEREAD_LINE:
			if (approval_parse_answer(line, &s->out->picks, d,
			    &why) == 0)
				done = *answered = 1;
			else
				fprintf(in->tty, "%s; %s.\n", why.msg,
				    answer_hint);
			free(line);
			break;
		case LINEREAD_TOOLONG:
			fprintf(in->tty, "That answer is longer than %d bytes; "
			    "%s.\n", ANSWER_MAX, answer_hint);
			break;
		case LINEREAD_TIMEOUT:
			fprintf(in->tty, "\nno answer in %ld s: %s\n",
			    in->timeout_s, fallback);
			done = 1;
			break;
		case LINEREAD_EOF:
			fprintf(in->tty, "\nend of input, no answer: %s\n",
			    fallback);
			done = 1;
			break;
		default:
			rc = tb_errf(s->e, TB_EINTERNAL, "cannot read the "
			    "answer: %s", strerror(errno));
		}
	}
	lineread_free(&r);
	if (rc == 0 && !*answered)
		approval_policy(in->cfg->approval_timeout_action, d);
	return rc;
}

static int
ask(struct step *s)
{
	const struct approval_state *st = &s->state;
	struct approval_decision d;
	int rc, answered;

	if (st->decided)
		fprintf(s->in->tty, "Already decided: %s by %s at %s; your "
		    "answer replaces it (--force).\n",
		    approval_choice_name(st->current.decision.choice),
		    st->current.decided_by, st->current.decided_at);
	memset(&d, 0, sizeof d);
	if ((rc = prompt(s, st->decided, &d, &answered)) != 0)
		return rc;
	if (!answered && st->decided)
		return unchanged(s, &s->state.current, 0);
	rc = store(s, &d, answered ? "cli" : "timeout", 1);
	approval_decision_free(&d);
	return rc;
}

int
approve_day(const struct approve_input *in, struct approve_result *out,
    tb_err *e)
{
	const struct approval_state *st;
	struct step s;
	int rc, done;

	step_init(&s, in, out, e);
	if (in->mode == APPROVE_MODE_AWAIT)
		rc = tb_errf(e, TB_EINTERNAL, "approve_day: waiting is "
		    "approve_await's");
	else if ((rc = begin(&s, LOCK_DECIDE, &done)) == 0 && !done) {
		st = &s.state;
		switch (approve_plan(in->mode, st->decided, st->execution !=
		    NULL, in->force, 0)) {
		case APPROVE_PLAN_KEEP:
			if (in->mode == APPROVE_MODE_PROMPT)
				fprintf(in->tty, "The picks of %s for %s are "
				    "already decided; --force decides again.\n",
				    in->main_trader, in->day);
			rc = unchanged(&s, &s.state.current, 0);
			break;
		case APPROVE_PLAN_REFUSE_EXECUTED:
			rc = refuse_executed(&s, st);
			break;
		case APPROVE_PLAN_REFUSE_DECIDED:
			rc = unchanged(&s, &s.state.current, 1);
			break;
		case APPROVE_PLAN_ASK:
			rc = ask(&s);
			break;
		default:
			rc = decide_by_flag(&s);
		}
	}
	step_free(&s);
	return rc;
}

/* ---- Waiting: the database, the piped answer, the notify command. */

/* The command a human runs to decide (malloc'ed), or NULL. */
static char *
approve_command(const struct approve_input *in)
{
	char *s;
	int n;

	if (in->config_file != NULL)
		n = asprintf(&s, "tb-approve --date %s --config %s", in->day,
		    in->config_file);
	else
		n = asprintf(&s, "tb-approve --date %s", in->day);
	return n < 0 ? NULL : s;
}

/* The picks JSON approval_notify_command reads (malloc'ed), or NULL. */
static char *
notify_json(const struct step *s, const char *command)
{
	const struct approve_input *in = s->in;
	cJSON *doc;
	char *json = NULL;

	if ((doc = approval_picks_json(&s->out->picks, in->day)) == NULL)
		return NULL;
	if (cJSON_AddNumberToObject(doc, "timeout_seconds",
	    (double)in->timeout_s) != NULL &&
	    cJSON_AddStringToObject(doc, "timeout_action",
	    action_name(in->cfg->approval_timeout_action)) != NULL &&
	    (command == NULL || cJSON_AddStringToObject(doc, "approve_command",
	    command) != NULL))
		json = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return json;
}

static void
start_notify(struct step *s, const char *command)
{
	const char *hook = s->in->cfg->approval_notify_command;
	char *json;

	if (hook == NULL || hook[0] == '\0')
		return;
	if ((json = notify_json(s, command)) == NULL) {
		log_warn("approval_notify_command not run: cannot prepare its "
		    "input: out of memory");
		return;
	}
	/* A hook that cannot start was logged; it never fails the wait. */
	(void)notify_start(&s->notify, "approval_notify_command", hook, json);
	free(json);
}

/*
 * Wait ms for the answer piped on stdin, or idle when there is none (any
 * more).  1 with *d set when a valid answer came; 0 when none did (blank
 * lines are skipped; the end of the input or a read error only ends the
 * reading); TB_EDATA when the piped answer is not one, nothing decided.
 */
static int
wait_piped(struct step *s, long long ms, struct approval_decision *d)
{
	char *line;
	int rc;

	if (!s->piped_open) {
		/* Interrupted early, it only looks at the database sooner. */
		(void)poll(NULL, 0, (int)ms);
		return 0;
	}
	switch (lineread_next(&s->piped, util_now_ms() + ms, &line)) {
	case LINEREAD_LINE:
		rc = approve_piped_answer(line, &s->out->picks, d, s->e);
		free(line);
		if (rc == 1)
			log_info("the answer piped on standard input decides");
		return rc;
	case LINEREAD_TOOLONG:
		return tb_errf(s->e, TB_EDATA, "standard input: the answer is "
		    "longer than %d bytes (nothing decided)", ANSWER_MAX);
	case LINEREAD_ERROR:
		log_warn("cannot read standard input (%s); waiting for a "
		    "decision made elsewhere", strerror(errno));
		s->piped_open = 0;
		return 0;
	case LINEREAD_EOF:
		s->piped_open = 0;	/* nothing (more) piped: only wait */
		return 0;
	default:
		return 0;
	}
}

/*
 * Look at the database every poll_ms until the deadline, reading the
 * piped answer meanwhile.  *how says how it ended: WAITED_DECIDED, a
 * decision appeared (or execution started) and s->seen holds it;
 * WAITED_ANSWER, *d is the piped answer; WAITED_OUT, the deadline passed.
 */
static int
poll_decision(struct step *s, long long deadline, struct approval_decision *d,
    enum waited *how)
{
	const struct approve_input *in = s->in;
	long long left;
	int rc;

	*how = WAITED_OUT;
	while ((left = util_ms_left(deadline)) > 0) {
		if ((rc = wait_piped(s, left < in->poll_ms ? left :
		    in->poll_ms, d)) != 0) {
			if (rc == 1)
				*how = WAITED_ANSWER;
			return rc == 1 ? 0 : rc;
		}
		(void)notify_reap(&s->notify, 0);
		approval_state_free(&s->seen);
		if ((rc = approval_read_state(in->db, in->day, &s->seen,
		    s->e)) != 0)
			return rc;
		if (s->seen.decided || s->seen.execution != NULL) {
			*how = WAITED_DECIDED;
			return 0;
		}
	}
	return 0;
}

/* A decision appeared while waiting: someone else's (or a race's). */
static int
released(struct step *s, long waited)
{
	struct approval_record *r = &s->seen.current;
	char *indices = approval_indices_text(&r->decision);

	log_info("decided elsewhere after %ld s: %s%s%s by %s at %s", waited,
	    approval_choice_name(r->decision.choice), indices ? " " : "",
	    indices ? indices : "", r->decided_by, r->decided_at);
	free(indices);
	take_record(s->out, r);
	s->out->outcome = APPROVE_RELEASED;
	s->out->waited = 1;
	s->out->waited_s = waited;
	return 0;
}

/* Nobody decided, nothing is running yet: wait, then the policy. */
static int
wait_decision(struct step *s)
{
	const struct approve_input *in = s->in;
	enum approval_action action = in->cfg->approval_timeout_action;
	struct approval_decision d;
	long long start;
	enum waited how;
	char *command;
	int rc;

	command = approve_command(in);
	log_info("waiting up to %ld s for a decision on %s's %zu pick(s), then "
	    "%s (approval_timeout_action); to decide, run: %s", in->timeout_s,
	    in->main_trader, s->out->picks.npicks, action_name(action),
	    command ? command : "tb-approve");
	start = util_now_ms();
	start_notify(s, command);
	free(command);
	memset(&d, 0, sizeof d);
	if ((rc = poll_decision(s, start + in->timeout_s * 1000LL, &d,
	    &how)) != 0)
		return rc;
	if (how == WAITED_DECIDED)
		return s->seen.decided ? released(s, (long)((util_now_ms() -
		    start) / 1000)) : refuse_executed(s, &s->seen);
	s->out->waited = 1;
	s->out->waited_s = (long)((util_now_ms() - start) / 1000);
	if (how == WAITED_ANSWER) {
		rc = store(s, &d, "cli", 0);
		approval_decision_free(&d);
		return rc;
	}
	log_info("no answer in %ld s: %s (approval_timeout_action)",
	    in->timeout_s, action_name(action));
	approval_policy(action, &d);
	return store(s, &d, "timeout", 0);
}

/*
 * force on a decided day with an answer piped: that answer decides
 * again; without one (the end of the input, the timeout) it stays.
 */
static int
wait_answer(struct step *s)
{
	struct approval_decision d;
	long long deadline = util_now_ms() + s->in->timeout_s * 1000LL;
	int rc = 0;

	memset(&d, 0, sizeof d);
	while (rc == 0 && s->piped_open && util_ms_left(deadline) > 0)
		rc = wait_piped(s, util_ms_left(deadline), &d);
	if (rc == 1) {
		rc = store(s, &d, "cli", 0);
		approval_decision_free(&d);
		return rc;
	}
	if (rc != 0)
		return rc;
	return unchanged(s, &s->state.current, 0);
}

int
approve_await(const struct approve_input *in, struct approve_result *out,
    tb_err *e)
{
	const struct approval_state *st;
	enum approve_plan plan;
	struct step s;
	int rc, done;

	step_init(&s, in, out, e);
	if ((rc = begin(&s, LOCK_AWAIT, &done)) == 0 && !done) {
		st = &s.state;
		plan = approve_plan(APPROVE_MODE_AWAIT, st->decided,
		    st->execution != NULL, in->force, s.piped_open);
		if (plan == APPROVE_PLAN_KEEP)
			rc = unchanged(&s, &s.state.current, 0);
		else if (plan == APPROVE_PLAN_REFUSE_EXECUTED)
			rc = refuse_executed(&s, st);
		else {
			approval_print_table(in->tty, &out->picks, in->day,
			    in->virtual_trader, in->cfg->t212_live);
			rc = plan == APPROVE_PLAN_WAIT_ANSWER ? wait_answer(&s) :
			    wait_decision(&s);
		}
	}
	notify_finish(&s.notify, 0);
	step_free(&s);
	return rc;
}
