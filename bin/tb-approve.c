/*
 * tb-approve - the human approval of the main trader's picks.
 *
 * At a terminal it shows the main trader's picks and asks; with --all,
 * --none or --pick it decides at once; with --await (what cron runs, and
 * what it does without a terminal) it waits for a decision made by
 * someone else, up to the timeout, then applies approval_timeout_action.
 * lib/approval.c stores a decision once, in one transaction.
 *
 * Locks: a deciding run (prompt, flags, --no-approval) holds
 * locks/tb-approve.lock, a waiting run locks/tb-approve-await.lock, so a
 * human deciding while cron waits is never refused with 75: the two meet
 * in the database.  Neither lock guards the decision itself; the
 * transaction in approval_store() does.  Because two runs of tb-approve
 * may be alive at once, a run marks older 'running' runs of tb-approve
 * as crashed only when it can hold both locks (see mark_crashed()).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "app.h"
#include "approval.h"
#include "db.h"
#include "lock.h"
#include "log.h"

#define LOCK_DECIDE	"tb-approve"
#define LOCK_AWAIT	"tb-approve-await"
#define POLL_MS_DEFAULT	1000
#define ANSWER_MAX	4096	/* longer answers are refused, not cut */
#define REASON_WIDTH	72	/* where reasons are wrapped in the table */

static const char prompt_text[] =
    "[a]pprove all, [r]eject all, or numbers like 1,3: ";

enum mode { MODE_PROMPT, MODE_ALL, MODE_NONE, MODE_PICK, MODE_AWAIT,
	MODE_NO_APPROVAL };

enum read_result { READ_LINE, READ_TIMEOUT, READ_EOF, READ_TOOLONG,
	READ_ERROR };

struct reader {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
	int	 eof;
	int	 discarding;	/* inside a line longer than ANSWER_MAX */
};

struct approve {
	struct tb_app		 app;
	enum mode		 mode;
	int			 mode_set;
	struct approval_decision pick;		/* --pick, parsed */
	long			 timeout;	/* seconds */
	int			 timeout_set;	/* --timeout given */
	long			 poll_ms;
	struct approval_picks	 picks;
	pid_t			 notify_pid;	/* running notify command */
	struct reader		 piped;		/* an answer piped on stdin */
	int			 piped_open;	/* still reading it */
};

/* What a wait ended with (poll_decision). */
enum waited { WAITED_OUT, WAITED_DECIDED, WAITED_ANSWER };

static int	set_mode(struct approve *, enum mode);
static long	parse_seconds(const char *);
static int	run(struct approve *);
static void	mark_crashed(struct approve *);
static int	decide(struct approve *, const struct approval_state *);
static int	await_decision(struct approve *, const struct approval_state *);
static int	prompt(struct approve *, int, struct approval_decision *,
		    int *);
static int	store(struct approve *, const struct approval_decision *,
		    const char *, int);
static int	already_decided(struct approve *,
		    const struct approval_record *, int);
static void	summarize(struct approve *, const struct approval_record *);
static char	*describe(const struct approve *,
		    const struct approval_decision *);
static void	print_table(const struct approve *, FILE *);
static void	notify_start(struct approve *);
static void	notify_reap(struct approve *, int);
static void	usage(int) __attribute__((noreturn));

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "all", no_argument, NULL, 'A' },
		{ "none", no_argument, NULL, 'N' },
		{ "pick", required_argument, NULL, 'P' },
		{ "await", no_argument, NULL, 'W' },
		{ "no-approval", no_argument, NULL, 'X' },
		{ "timeout", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	struct approve a;
	tb_err e;
	int ch, rc;

	memset(&a, 0, sizeof a);
	app_init(&a.app, "tb-approve");
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			rc = set_mode(&a, MODE_ALL);
			break;
		case 'N':
			rc = set_mode(&a, MODE_NONE);
			break;
		case 'W':
			rc = set_mode(&a, MODE_AWAIT);
			break;
		case 'X':
			rc = set_mode(&a, MODE_NO_APPROVAL);
			break;
		case 'P':
			/* The last --pick wins. */
			approval_decision_free(&a.pick);
			if ((rc = set_mode(&a, MODE_PICK)) == 0 &&
			    approval_parse_indices(optarg, &a.pick, &e) != 0) {
				fprintf(stderr, "tb-approve: --pick \"%s\": %s "
				    "(want pick numbers like 1,3)\n", optarg,
				    e.msg);
				return TB_EUSAGE;
			}
			break;
		case 'T':
			if ((a.timeout = parse_seconds(optarg)) < 0)
				return TB_EUSAGE;
			a.timeout_set = 1;
			rc = 0;
			break;
		default:
			app_getopt_default(&a.app, ch, optarg, usage);
			rc = 0;
		}
		if (rc != 0) {
			approval_decision_free(&a.pick);
			return TB_EUSAGE;
		}
	}
	if (app_getopt_done(&a.app, argc, usage)) {
		approval_decision_free(&a.pick);
		return 0;
	}
	/*
	 * Never block on a prompt nobody can see: without a terminal, wait
	 * like --await and take an answer piped on stdin meanwhile.
	 */
	if (!a.mode_set && !isatty(STDIN_FILENO)) {
		a.mode = MODE_AWAIT;
		a.piped.fd = STDIN_FILENO;
		a.piped_open = fcntl(STDIN_FILENO, F_GETFD) != -1;
	}
	rc = app_start(&a.app, APP_TRADING_DAY | APP_DB | APP_CHAINED);
	if (rc == 0 && !a.app.skipped)
		rc = run(&a);
	rc = app_finish(&a.app, rc);
	approval_picks_free(&a.picks);
	approval_decision_free(&a.pick);
	free(a.piped.buf);
	return rc;
}

/* Only one of the mode options; 0 or TB_EUSAGE (message printed). */
static int
set_mode(struct approve *a, enum mode m)
{
	if (a->mode_set && a->mode != m) {
		fprintf(stderr, "tb-approve: --all, --none, --pick, --await "
		    "and --no-approval exclude each other\n");
		return TB_EUSAGE;
	}
	a->mode = m;
	a->mode_set = 1;
	return 0;
}

/* --timeout S: whole seconds as approval_timeout_seconds takes; -1 if bad. */
static long
parse_seconds(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 86400) {
		fprintf(stderr, "tb-approve: --timeout \"%s\": want whole "
		    "seconds from 0 to 86400\n", s);
		return -1;
	}
	return v;
}

/* TB_APPROVE_POLL_MS: how often --await looks at the database. */
static int
read_poll_ms(struct approve *a, tb_err *e)
{
	const char *s = getenv("TB_APPROVE_POLL_MS");
	char *end;
	long v;

	a->poll_ms = POLL_MS_DEFAULT;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 10 || v > 60000)
		return tb_errf(e, TB_ECONFIG, "TB_APPROVE_POLL_MS = \"%s\": "
		    "want milliseconds from 10 to 60000", s);
	a->poll_ms = v;
	return 0;
}

static int
run(struct approve *a)
{
	struct tb_app *app = &a->app;
	struct approval_state state;
	char *reason;
	tb_err e;
	int rc;

	tb_err_clear(&e);
	if ((rc = lock_acquire(app->cfg.home, a->mode == MODE_AWAIT ?
	    LOCK_AWAIT : LOCK_DECIDE, &app->lock_fd, &e)) != 0 ||
	    (a->mode == MODE_AWAIT && (rc = read_poll_ms(a, &e)) != 0))
		return app_fail(app, &e);
	mark_crashed(a);
	if (app->main_trader == NULL) {
		app_skip(app, "nothing to approve: no main trader on a "
		    "weekend");
		return 0;
	}
	cJSON_AddStringToObject(app->summary, "main_trader", app->main_trader);
	a->timeout = a->timeout_set ? a->timeout :
	    app->cfg.approval_timeout_seconds;
	if ((rc = approval_load(app->db, app->day, app->main_trader,
	    &a->picks, &e)) != 0)
		return app_fail(app, &e);
	if (a->picks.npicks == 0) {
		if ((rc = approval_no_picks_reason(app->db, app->day,
		    app->main_trader, &reason, &e)) != 0)
			return app_fail(app, &e);
		app_skip(app, reason);
		free(reason);
		return 0;
	}
	if ((rc = approval_read_state(app->db, app->day, &state, &e)) != 0)
		return app_fail(app, &e);
	if (a->mode == MODE_AWAIT) {
		rc = await_decision(a, &state);
		notify_reap(a, 1);
	} else
		rc = decide(a, &state);
	approval_state_free(&state);
	return rc;
}

/*
 * A tb-approve run still 'running' died without finishing, but only if no
 * other tb-approve is alive: holding the other mode's lock as well proves
 * that.  Only runs older than ours are touched, so one that started just
 * now and has not taken its lock yet is left alone.
 */
static void
mark_crashed(struct approve *a)
{
	sqlite3_stmt *st;
	tb_err e;
	int other;

	if (lock_acquire(a->app.cfg.home, a->mode == MODE_AWAIT ? LOCK_DECIDE :
	    LOCK_AWAIT, &other, &e) != 0)
		return;
	if (db_prepare(a->app.db, "UPDATE runs SET status = 'crashed' "
	    "WHERE program = ? AND status = 'running' AND id < ?", &st,
	    &e) == 0) {
		db_bind_text(st, 1, a->app.program);
		sqlite3_bind_int64(st, 2, a->app.run_id);
		if (sqlite3_step(st) != SQLITE_DONE)
			log_warn("database: cannot mark crashed runs: %s",
			    sqlite3_errmsg(a->app.db));
		else if (sqlite3_changes(a->app.db) > 0)
			log_warn("%d earlier run(s) of tb-approve did not "
			    "finish (crashed or killed)",
			    sqlite3_changes(a->app.db));
		sqlite3_finalize(st);
	} else
		log_warn("%s", e.msg);
	lock_release(other);
}

/* Refuse with TB_EDATA: execution started. */
static int
refuse_executed(struct approve *a, const struct approval_state *s)
{
	tb_err e;

	tb_errf(&e, TB_EDATA, "execution started for %s (%s): the approval "
	    "can no longer change, not even with --force", a->app.day,
	    s->execution);
	return app_fail(&a->app, &e);
}

/*
 * The prompt, the flags and --no-approval.  A day already decided is
 * refused: with exit 65 for --all, --none and --pick (a decision that was
 * not stored), as a skip with exit 0 for --no-approval and for the prompt
 * (nothing was asked yet), so that a rerun of tb-daily goes through.
 */
static int
decide(struct approve *a, const struct approval_state *s)
{
	struct approval_decision d;
	const char *by = "flag";
	tb_err e;
	int rc, answered;

	if (s->decided && !a->app.force && (a->mode == MODE_NO_APPROVAL ||
	    a->mode == MODE_PROMPT)) {
		if (a->mode == MODE_PROMPT)
			fprintf(stderr, "The picks of %s for %s are already "
			    "decided; --force decides again.\n",
			    a->app.main_trader, a->app.day);
		return already_decided(a, &s->current, 0);
	}
	if (s->execution != NULL)
		return refuse_executed(a, s);
	if (s->decided && !a->app.force)
		return already_decided(a, &s->current, 1);
	memset(&d, 0, sizeof d);
	switch (a->mode) {
	case MODE_ALL:
		approval_policy(APPROVE_ALL, &d);
		break;
	case MODE_NONE:
		approval_policy(REJECT_ALL, &d);
		break;
	case MODE_NO_APPROVAL:
		approval_policy(APPROVE_ALL, &d);
		by = "no-approval";
		break;
	case MODE_PICK:
		d = a->pick;
		memset(&a->pick, 0, sizeof a->pick);
		if ((rc = approval_check(&d, &a->picks, &e)) != 0) {
			approval_decision_free(&d);
			return app_fail(&a->app, &e);
		}
		break;
	default:
		if (s->decided)
			fprintf(stderr, "Already decided: %s by %s at %s; your "
			    "answer replaces it (--force).\n",
			    approval_choice_name(s->current.decision.choice),
			    s->current.decided_by, s->current.decided_at);
		if ((rc = prompt(a, s->decided, &d, &answered)) != 0)
			return rc;
		if (!answered && s->decided)
			return already_decided(a, &s->current, 0);
		by = answered ? "cli" : "timeout";
		break;
	}
	rc = store(a, &d, by, a->mode == MODE_PROMPT);
	approval_decision_free(&d);
	return rc;
}

/* Store d; say what was decided.  Returns the exit code. */
static int
store(struct approve *a, const struct approval_decision *d, const char *by,
    int to_user)
{
	struct approval_record r;
	tb_err e;
	char *words;
	int rc, stored;

	if ((rc = approval_check_budget(&a->picks, d,
	    a->app.cfg.daily_budget_eur, &e)) != 0 ||
	    (rc = approval_store(a->app.db, a->app.day, &a->picks, d, by,
	    a->app.force, &stored, &r, &e)) != 0)
		return app_fail(&a->app, &e);
	if (!stored) {
		/*
		 * Someone decided between our check and our transaction: a
		 * human whose answer was not stored must hear it (65).
		 */
		rc = already_decided(a, &r, strcmp(by, "flag") == 0 ||
		    strcmp(by, "cli") == 0);
		approval_record_free(&r);
		return rc;
	}
	if ((words = describe(a, d)) != NULL) {
		if (to_user)
			fprintf(stderr, "%s\n", words);
		else
			log_info("%s (decided by %s)", words, by);
		free(words);
	}
	summarize(a, &r);
	approval_record_free(&r);
	return 0;
}

/*
 * A decision exists: an automatic run reports it and exits 0 (skipped);
 * an explicit human decision is refused (65), --force decides again.
 */
static int
already_decided(struct approve *a, const struct approval_record *r,
    int refuse)
{
	char *indices, *reason;
	tb_err e;
	int n;

	indices = approval_indices_text(&r->decision);
	n = asprintf(&reason, "already decided: %s%s%s by %s at %s",
	    approval_choice_name(r->decision.choice), indices ? " " : "",
	    indices ? indices : "", r->decided_by, r->decided_at);
	free(indices);
	if (n < 0) {
		tb_errf(&e, TB_EINTERNAL, "out of memory");
		return app_fail(&a->app, &e);
	}
	summarize(a, r);
	if (refuse) {
		tb_errf(&e, TB_EDATA, "%s; use --force to decide again "
		    "(before execution)", reason);
		free(reason);
		return app_fail(&a->app, &e);
	}
	app_skip(&a->app, reason);
	free(reason);
	return 0;
}

/* The decision's fields in the summary. */
static void
summarize(struct approve *a, const struct approval_record *r)
{
	cJSON *s = a->app.summary, *arr;
	size_t i, napproved;
	double amount;

	amount = approval_amount(&a->picks, &r->decision, &napproved);
	cJSON_AddStringToObject(s, "decision",
	    approval_choice_name(r->decision.choice));
	if ((arr = cJSON_AddArrayToObject(s, "indices")) != NULL)
		for (i = 0; i < a->picks.npicks; i++)
			if (approval_approves(&r->decision,
			    a->picks.picks[i].index))
				cJSON_AddItemToArray(arr, cJSON_CreateNumber(
				    a->picks.picks[i].index));
	cJSON_AddStringToObject(s, "decided_by", r->decided_by);
	cJSON_AddStringToObject(s, "decided_at", r->decided_at);
	cJSON_AddNumberToObject(s, "approved", (double)napproved);
	cJSON_AddNumberToObject(s, "rejected",
	    (double)(a->picks.npicks - napproved));
	cJSON_AddNumberToObject(s, "amount_eur", amount);
}

/* The decision in words, for the user and the log (malloc'ed). */
static char *
describe(const struct approve *a, const struct approval_decision *d)
{
	const struct approval_picks *ap = &a->picks;
	char *text = NULL;
	size_t size = 0, i, napproved;
	double amount = approval_amount(ap, d, &napproved);
	FILE *f;
	int pass, first;

	if ((f = open_memstream(&text, &size)) == NULL)
		return NULL;
	if (d->choice == APPROVAL_APPROVE_ALL)
		fprintf(f, "Approved all %zu pick(s) of %s for %s: %.2f EUR in "
		    "orders.", ap->npicks, ap->llm_name, a->app.day, amount);
	else if (d->choice == APPROVAL_REJECT_ALL)
		fprintf(f, "Rejected all %zu pick(s) of %s for %s: no real "
		    "orders.", ap->npicks, ap->llm_name, a->app.day);
	else
		for (pass = 1; pass >= 0; pass--) {
			fprintf(f, "%s", pass ? "Approved" : "; rejected");
			for (first = 1, i = 0; i < ap->npicks; i++)
				if (approval_approves(d, ap->picks[i].index) ==
				    pass) {
					fprintf(f, "%s %d (%s)",
					    first ? "" : ",",
					    ap->picks[i].index,
					    ap->picks[i].ticker);
					first = 0;
				}
			if (pass)
				fprintf(f, " of %s for %s: %.2f EUR in orders",
				    ap->llm_name, a->app.day, amount);
			else
				fputc('.', f);
		}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * Upstream text (an LLM's reason, a company name) made safe for a
 * terminal: control characters, C0 and C1, become spaces, so no escape
 * sequence in it can reach the terminal.  Malloc'ed; NULL when out of memory.
 */
static char *
printable(const char *s)
{
	unsigned char *t, *o;
	const unsigned char *p;

	if ((t = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (p = (const unsigned char *)s, o = t; *p != '\0'; p++) {
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			*o++ = ' ';
			p++;
		} else
			*o++ = *p < 0x20 || *p == 0x7F ? ' ' : *p;
	}
	*o = '\0';
	return (char *)t;
}

/* Print text wrapped at spaces, each line indented. */
static void
print_wrapped(FILE *f, const char *text, const char *indent)
{
	const char *p = text, *word;
	size_t col = 0, n;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (word = p; *p != '\0' && *p != ' ';)
			p++;
		n = (size_t)(p - word);
		if (col > 0 && col + 1 + n > REASON_WIDTH) {
			fputc('\n', f);
			col = 0;
		}
		fprintf(f, "%s%.*s", col ? " " : indent, (int)n, word);
		col += col ? n + 1 : n;
	}
	if (col > 0)
		fputc('\n', f);
}

static void
print_pick(FILE *f, const struct approval_pick *p)
{
	char *name = printable(p->name ? p->name : "-");
	char *ticker = printable(p->ticker);
	char *reason = printable(p->reasoning);
	char *currency = printable(p->currency ? p->currency : "");

	fprintf(f, "  %2d  %-10s %-28s %6.1f%% %9.2f  ", p->index,
	    ticker ? ticker : "?", name ? name : "?", p->allocation_pct,
	    p->amount_eur);
	if (p->has_price)
		fprintf(f, "%.2f %s\n", p->price, currency ? currency : "");
	else
		fprintf(f, "-\n");
	if (reason != NULL && reason[0] != '\0')
		print_wrapped(f, reason, "      ");
	free(name);
	free(ticker);
	free(reason);
	free(currency);
}

/* The picks as the human sees them (on stderr: stdout is the summary). */
static void
print_table(const struct approve *a, FILE *f)
{
	const struct tb_app *app = &a->app;
	double pct = 0;
	size_t i;

	fprintf(f, "\n%s is the main trader on %s: its approved picks become "
	    "real orders\n(Trading 212 %s account).  %s's picks are booked "
	    "as virtual trades\nwithout approval.\n\n", app->main_trader,
	    app->day, app->cfg.t212_live ? "LIVE, real money" : "demo",
	    app->virtual_trader);
	fprintf(f, "  %2s  %-10s %-28s %7s %9s  %s\n", "#", "ticker", "name",
	    "alloc", "EUR", "last price");
	for (i = 0; i < a->picks.npicks; i++) {
		print_pick(f, &a->picks.picks[i]);
		pct += a->picks.picks[i].allocation_pct;
	}
	fprintf(f, "      %-10s %-28s %6.1f%% %9.2f\n\n", "total", "", pct,
	    approval_amount(&a->picks, &(struct approval_decision){
	    APPROVAL_APPROVE_ALL, NULL, 0 }, NULL));
}

/* Whole seconds since start (monotonic clock). */
static long
seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec -
	    (now.tv_nsec < start->tv_nsec));
}

/* Milliseconds from now until deadline (monotonic clock), at least 0. */
static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(deadline->tv_sec - now.tv_sec) * 1000000000LL +
	    (deadline->tv_nsec - now.tv_nsec);
	/* Rounded up: a deadline 0.4 ms away is not reached yet. */
	return ns > 0 ? (long)((ns + 999999) / 1000000) : 0;
}

static void
deadline_in_ms(struct timespec *deadline, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += ms / 1000;
	deadline->tv_nsec += (ms % 1000) * 1000000L;
	if (deadline->tv_nsec >= 1000000000L) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000L;
	}
}

static void
deadline_in(struct timespec *deadline, long seconds)
{
	deadline_in_ms(deadline, seconds * 1000);
}

/* Take one line out of the reader's buffer (without the newline). */
static enum read_result
take_line(struct reader *r, size_t n, char **line)
{
	size_t rest = n < r->len ? r->len - n - 1 : 0;

	if ((*line = strndup(r->buf, n)) == NULL)
		return READ_ERROR;
	memmove(r->buf, r->buf + r->len - rest, rest);
	r->len = rest;
	return READ_LINE;
}

/*
 * The next line typed, waiting with poll(2) no later than deadline.  A
 * line longer than ANSWER_MAX is read to its end and reported as
 * READ_TOOLONG, never cut.
 */
static enum read_result
read_line(struct reader *r, const struct timespec *deadline, char **line)
{
	enum read_result got;
	struct pollfd pfd;
	char *nl, *grown;
	ssize_t k;
	int n;

	for (;;) {
		nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
		if (nl != NULL) {
			got = take_line(r, (size_t)(nl - r->buf), line);
			if (got == READ_LINE && r->discarding) {
				/* The end of a line too long to answer. */
				free(*line);
				*line = NULL;
				r->discarding = 0;
				got = READ_TOOLONG;
			}
			return got;
		}
		if (r->len == ANSWER_MAX) {
			r->discarding = 1;
			r->len = 0;
		}
		if (r->eof && r->len > 0 && !r->discarding)
			return take_line(r, r->len, line);
		if (r->eof)
			return r->discarding ? READ_TOOLONG : READ_EOF;
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, (int)ms_left(deadline))) < 0 &&
		    errno != EINTR)
			return READ_ERROR;
		if (n == 0)
			return READ_TIMEOUT;
		if (n < 0)
			continue;
		if (r->cap == 0) {
			if ((grown = malloc(ANSWER_MAX)) == NULL)
				return READ_ERROR;
			r->buf = grown;
			r->cap = ANSWER_MAX;
		}
		k = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (k > 0)
			r->len += (size_t)k;
		else if (k == 0 || errno == EIO)
			r->eof = 1;	/* EIO: the terminal went away */
		else if (errno != EINTR && errno != EAGAIN)
			return READ_ERROR;
	}
}

/*
 * Ask until a valid answer (*answered = 1), or end of input or the
 * timeout, counted from the first prompt (*answered = 0: d is then the
 * decision of approval_timeout_action, said so).  When keep is set (a
 * day already decided, asked again with --force) no answer decides
 * nothing: the current decision stays, whatever the policy.
 */
static int
prompt(struct approve *a, int keep, struct approval_decision *d,
    int *answered)
{
	const char *fallback = keep ? "the current decision stays" :
	    a->app.cfg.approval_timeout_action == REJECT_ALL ?
	    "reject_all (approval_timeout_action)" :
	    "approve_all (approval_timeout_action)";
	struct reader r = { .fd = STDIN_FILENO };
	struct timespec deadline;
	char *line = NULL;
	tb_err e;
	int done = 0;

	print_table(a, stderr);
	fprintf(stderr, "No answer within %ld s: %s.\n", a->timeout, fallback);
	deadline_in(&deadline, a->timeout);
	*answered = 0;
	while (!done) {
		fputs(prompt_text, stderr);
		fflush(stderr);
		switch (read_line(&r, &deadline, &line)) {
		case READ_LINE:
			if (approval_parse_answer(line, &a->picks, d, &e) == 0)
				done = *answered = 1;
			else
				fprintf(stderr, "%s; answer a, r, or pick "
				    "numbers like 1,3.\n", e.msg);
			free(line);
			line = NULL;
			break;
		case READ_TOOLONG:
			fprintf(stderr, "That answer is longer than %d bytes; "
			    "answer a, r, or pick numbers like 1,3.\n",
			    ANSWER_MAX);
			break;
		case READ_TIMEOUT:
			fprintf(stderr, "\nno answer in %ld s: %s\n",
			    a->timeout, fallback);
			done = 1;
			break;
		case READ_EOF:
			fprintf(stderr, "\nend of input, no answer: %s\n",
			    fallback);
			done = 1;
			break;
		default:
			free(r.buf);
			tb_errf(&e, TB_EINTERNAL, "cannot read the answer: %s",
			    strerror(errno));
			return app_fail(&a->app, &e);
		}
	}
	free(r.buf);
	if (!*answered)
		approval_policy(a->app.cfg.approval_timeout_action, d);
	return 0;
}

/* The command a human runs to decide, for the waiting message. */
static char *
approve_command(const struct approve *a)
{
	char *s;

	if (a->app.config_file != NULL) {
		if (asprintf(&s, "tb-approve --date %s --config %s",
		    a->app.day, a->app.config_file) < 0)
			return NULL;
	} else if (asprintf(&s, "tb-approve --date %s", a->app.day) < 0)
		return NULL;
	return s;
}

/* A decision appeared while waiting (someone else's, or a race's). */
static int
released(struct approve *a, const struct approval_record *r, long waited)
{
	char *indices = approval_indices_text(&r->decision);

	log_info("decided elsewhere after %ld s: %s%s%s by %s at %s", waited,
	    approval_choice_name(r->decision.choice), indices ? " " : "",
	    indices ? indices : "", r->decided_by, r->decided_at);
	free(indices);
	summarize(a, r);
	cJSON_AddNumberToObject(a->app.summary, "waited_s", (double)waited);
	return 0;
}

/*
 * Wait ms for the answer piped on stdin, or idle when there is none (any
 * more).  1 with *d set when a valid answer came; 0 when none did (blank
 * lines are skipped; the end of the input or a read error only ends the
 * reading); TB_EDATA when the piped answer is not one, nothing decided.
 */
static int
wait_piped(struct approve *a, long ms, struct approval_decision *d,
    tb_err *e)
{
	struct timespec until;
	char *line = NULL, why[sizeof e->msg];
	int rc;

	if (!a->piped_open) {
		poll(NULL, 0, (int)ms);
		return 0;
	}
	deadline_in_ms(&until, ms);
	switch (read_line(&a->piped, &until, &line)) {
	case READ_LINE:
		if (line[strspn(line, " \t\r")] == '\0') {
			free(line);
			return 0;
		}
		rc = approval_parse_answer(line, &a->picks, d, e);
		free(line);
		if (rc == 0) {
			log_info("the answer piped on standard input decides");
			return 1;
		}
		snprintf(why, sizeof why, "%s", e->msg);
		return tb_errf(e, rc, "standard input: %s; answer a, r, or "
		    "pick numbers like 1,3 (nothing decided)", why);
	case READ_TOOLONG:
		return tb_errf(e, TB_EDATA, "standard input: the answer is "
		    "longer than %d bytes (nothing decided)", ANSWER_MAX);
	case READ_ERROR:
		log_warn("cannot read standard input (%s); waiting for a "
		    "decision made elsewhere", strerror(errno));
		a->piped_open = 0;
		return 0;
	case READ_EOF:
		a->piped_open = 0;	/* nothing (more) piped: only wait */
		return 0;
	default:
		return 0;
	}
}

/*
 * Look at the database every poll_ms until the deadline, reading the
 * piped answer meanwhile.  *waited says how it ended: WAITED_DECIDED, a
 * decision appeared (or execution started) and *s holds it; WAITED_ANSWER,
 * *d is the piped answer; WAITED_OUT, the deadline passed.
 */
static int
poll_decision(struct approve *a, const struct timespec *deadline,
    struct approval_state *s, struct approval_decision *d,
    enum waited *waited, tb_err *e)
{
	long left;
	int rc;

	*waited = WAITED_OUT;
	memset(s, 0, sizeof *s);
	while ((left = ms_left(deadline)) > 0) {
		if ((rc = wait_piped(a, left < a->poll_ms ? left : a->poll_ms,
		    d, e)) != 0) {
			if (rc == 1)
				*waited = WAITED_ANSWER;
			return rc == 1 ? 0 : rc;
		}
		notify_reap(a, 0);
		if ((rc = approval_read_state(a->app.db, a->app.day, s,
		    e)) != 0)
			return rc;
		if (s->decided || s->execution != NULL) {
			*waited = WAITED_DECIDED;
			return 0;
		}
		approval_state_free(s);
	}
	return 0;
}

/*
 * --force on a decided day with an answer piped: that answer decides
 * again; without one (end of input, the timeout) the decision stays.
 */
static int
redecide_piped(struct approve *a, const struct approval_state *s)
{
	struct approval_decision d;
	struct timespec deadline;
	tb_err e;
	int rc = 0;

	memset(&d, 0, sizeof d);
	deadline_in(&deadline, a->timeout);
	while (rc == 0 && a->piped_open && ms_left(&deadline) > 0)
		rc = wait_piped(a, ms_left(&deadline), &d, &e);
	if (rc == 1) {
		rc = store(a, &d, "cli", 0);
		approval_decision_free(&d);
		return rc;
	}
	if (rc != 0)
		return app_fail(&a->app, &e);
	return already_decided(a, &s->current, 0);
}

/* --await: no prompt; meet the deciding human in the database. */
static int
await_decision(struct approve *a, const struct approval_state *s)
{
	const char *action = a->app.cfg.approval_timeout_action == REJECT_ALL ?
	    "reject_all" : "approve_all";
	struct approval_decision d;
	struct approval_state now;
	struct timespec deadline, start;
	enum waited waited;
	char *cmd;
	tb_err e;
	int rc;

	/* A piped answer with --force may decide again; nothing else here. */
	if (s->decided && !(a->piped_open && a->app.force))
		return already_decided(a, &s->current, 0);
	if (s->execution != NULL)
		return refuse_executed(a, s);
	print_table(a, stderr);
	if (s->decided)
		return redecide_piped(a, s);
	cmd = approve_command(a);
	log_info("waiting up to %ld s for a decision on %s's %zu pick(s), then "
	    "%s (approval_timeout_action); to decide, run: %s", a->timeout,
	    a->app.main_trader, a->picks.npicks, action, cmd ? cmd :
	    "tb-approve");
	free(cmd);
	clock_gettime(CLOCK_MONOTONIC, &start);
	deadline_in(&deadline, a->timeout);
	notify_start(a);
	memset(&d, 0, sizeof d);
	if ((rc = poll_decision(a, &deadline, &now, &d, &waited, &e)) != 0)
		return app_fail(&a->app, &e);
	if (waited == WAITED_DECIDED) {
		rc = now.decided ? released(a, &now.current,
		    seconds_since(&start)) : refuse_executed(a, &now);
		approval_state_free(&now);
		return rc;
	}
	cJSON_AddNumberToObject(a->app.summary, "waited_s",
	    (double)seconds_since(&start));
	if (waited == WAITED_ANSWER) {
		rc = store(a, &d, "cli", 0);
		approval_decision_free(&d);
		return rc;
	}
	log_info("no answer in %ld s: %s (approval_timeout_action)",
	    a->timeout, action);
	approval_policy(a->app.cfg.approval_timeout_action, &d);
	return store(a, &d, "timeout", 0);
}

/*
 * Run approval_notify_command via /bin/sh -c with the picks JSON on its
 * stdin (a temporary file, so a command that never reads cannot block
 * us).  Its stdout goes to our stderr: our stdout is the summary.  The
 * API keys are removed from its environment.  Failure is only logged.
 */
static void
notify_start(struct approve *a)
{
	static const char *const secrets[] = {
		"ANTHROPIC_API_KEY", "MINIMAX_API_KEY", "T212_API_KEY",
		"T212_API_SECRET", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET",
		NULL
	};
	const char *command = a->app.cfg.approval_notify_command;
	cJSON *doc;
	char *json = NULL, *cmd;
	FILE *in = NULL;
	size_t i;
	pid_t pid;

	if (command == NULL || command[0] == '\0')
		return;
	if ((doc = approval_picks_json(&a->picks, a->app.day)) != NULL) {
		cJSON_AddNumberToObject(doc, "timeout_seconds",
		    (double)a->timeout);
		cJSON_AddStringToObject(doc, "timeout_action",
		    a->app.cfg.approval_timeout_action == REJECT_ALL ?
		    "reject_all" : "approve_all");
		if ((cmd = approve_command(a)) != NULL)
			cJSON_AddStringToObject(doc, "approve_command", cmd);
		free(cmd);
		json = cJSON_PrintUnformatted(doc);
		cJSON_Delete(doc);
	}
	if (json == NULL || (in = tmpfile()) == NULL ||
	    fprintf(in, "%s\n", json) < 0 || fflush(in) != 0 ||
	    fseek(in, 0, SEEK_SET) != 0) {
		log_warn("approval_notify_command not run: cannot prepare its "
		    "input: %s", strerror(errno));
		goto out;
	}
	fflush(stderr);
	if ((pid = fork()) < 0) {
		log_warn("approval_notify_command not run: fork: %s",
		    strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(fileno(in), STDIN_FILENO) < 0 ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(126);
		for (i = 0; secrets[i] != NULL; i++)
			unsetenv(secrets[i]);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	a->notify_pid = pid;
	log_info("approval_notify_command started (pid %ld)", (long)pid);
out:
	if (in != NULL)
		fclose(in);
	free(json);
}

/* Collect the notify command if it ended; at the end, say if it did not. */
static void
notify_reap(struct approve *a, int final)
{
	pid_t got;
	int status;

	if (a->notify_pid <= 0)
		return;
	if ((got = waitpid(a->notify_pid, &status, WNOHANG)) == 0) {
		if (final)
			log_warn("approval_notify_command (pid %ld) is still "
			    "running; not waiting for it", (long)a->notify_pid);
		return;
	}
	a->notify_pid = 0;
	if (got < 0)
		log_warn("approval_notify_command: waitpid: %s",
		    strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("approval_notify_command finished");
	else if (WIFEXITED(status))
		log_warn("approval_notify_command failed with exit status %d "
		    "(not fatal)", WEXITSTATUS(status));
	else
		log_warn("approval_notify_command killed by signal %d (not "
		    "fatal)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-approve [--date YYYY-MM-DD] [--all | --none | --pick N,... |\n"
	    "                  --await | --no-approval] [--timeout S] [--force]\n"
	    "                  [--scheduled HH:MM] [--config FILE] [-v]\n"
	    "\n"
	    "Show the main trader's picks of a day and take the human decision:\n"
	    "approve all, reject all, or a subset by number.  At a terminal it\n"
	    "asks; without one, and without a mode option, it waits as --await\n"
	    "does and takes an answer piped on stdin (echo 1,3 | tb-approve).\n"
	    "Nobody deciding within the timeout applies approval_timeout_action.\n"
	    "\n"
	    "  --all            approve every main pick (decided_by flag)\n"
	    "  --none           reject every main pick (decided_by flag)\n"
	    "  --pick N,...     approve the picks numbered N,..., reject the rest\n"
	    "  --await          do not ask: wait for a decision stored by another\n"
	    "                   tb-approve, then apply the timeout policy\n"
	    "  --no-approval    approve every main pick (decided_by no-approval),\n"
	    "                   for tb-daily --no-approval\n"
	    "  --timeout S      seconds to wait (default approval_timeout_seconds)\n"
	    "  --force          decide again a day already decided (refused once\n"
	    "                   execution started); also runs on a non-trading day\n"
	    "  --date D         the day (default: today in orchestrator_timezone)\n"
	    "  --scheduled HH:MM  do nothing unless that slot is due now\n"
	    "  --config FILE    configuration file (default $TB_CONFIG, then\n"
	    "                   $TB_HOME/tb.conf)\n"
	    "  -v, --verbose    debug logging on stderr\n"
	    "  -h, --help       this text\n"
	    "  --version        print the version\n"
	    "\n"
	    "Environment: TB_APPROVE_POLL_MS (how often --await looks, default 1000).\n"
	    "Exit status: 0 decided, nothing to approve, or skipped; 64 usage;\n"
	    "65 already decided (without --force), execution started, bad pick\n"
	    "number or piped answer; 70 internal error; 75 another tb-approve\n"
	    "of the same mode is running; 78 configuration error.\n");
	exit(status);
}
