/*
 * tb-approve - the human approval of the main trader's picks.
 *
 *	tb-approve [--date D] [--all | --none | --pick N,... | --await |
 *	    --no-approval] [--timeout S] [--force] [-v]
 *
 * The work and its rules are lib/approve.h's: approve_day() decides now
 * (the flags, or the prompt at a terminal), approve_await() waits for a
 * decision made elsewhere until the timeout.  This file parses the
 * options, chooses the step, and writes its result as the run summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "app.h"
#include "approval.h"
#include "approve.h"

/* What the command line asks for. */
struct options {
	enum approve_mode	 mode;
	int			 mode_set;
	struct approval_decision pick;		/* --pick, parsed */
	long			 timeout;	/* --timeout, seconds */
	int			 timeout_set;
	int			 piped;		/* an answer may be on stdin */
};

static int	option(struct tb_app *, struct options *, int, const char *);
static int	set_mode(struct options *, enum approve_mode);
static int	run(struct tb_app *, const struct options *);
static void	summarize(struct tb_app *, const struct approve_result *,
		    int);
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
	struct options o;
	struct tb_app app;
	int ch, rc;

	memset(&o, 0, sizeof o);
	app_init(&app, "tb-approve");
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1)
		if (option(&app, &o, ch, optarg) != 0) {
			approval_decision_free(&o.pick);
			return TB_EUSAGE;
		}
	if (app_getopt_done(&app, argc, usage)) {
		approval_decision_free(&o.pick);
		return 0;
	}
	/*
	 * Never block on a prompt nobody can see: without a terminal, wait
	 * like --await and take an answer piped on stdin meanwhile.
	 */
	if (!o.mode_set && !isatty(STDIN_FILENO)) {
		o.mode = APPROVE_MODE_AWAIT;
		o.piped = fcntl(STDIN_FILENO, F_GETFD) != -1;
	}
	rc = app_start(&app, APP_TRADING_DAY | APP_DB | APP_CHAINED);
	if (rc == 0 && !app.skipped)
		rc = run(&app, &o);
	rc = app_finish(&app, rc);
	approval_decision_free(&o.pick);
	return rc;
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

/* One option of getopt_long; 0, or TB_EUSAGE (message printed). */
static int
option(struct tb_app *app, struct options *o, int ch, const char *arg)
{
	tb_err e;

	switch (ch) {
	case 'A':
		return set_mode(o, APPROVE_MODE_ALL);
	case 'N':
		return set_mode(o, APPROVE_MODE_NONE);
	case 'W':
		return set_mode(o, APPROVE_MODE_AWAIT);
	case 'X':
		return set_mode(o, APPROVE_MODE_NO_APPROVAL);
	case 'P':
		/* The last --pick wins. */
		approval_decision_free(&o->pick);
		if (set_mode(o, APPROVE_MODE_PICK) != 0)
			return TB_EUSAGE;
		if (approval_parse_indices(arg, &o->pick, &e) != 0) {
			fprintf(stderr, "tb-approve: --pick \"%s\": %s (want "
			    "pick numbers like 1,3)\n", arg, e.msg);
			return TB_EUSAGE;
		}
		return 0;
	case 'T':
		if ((o->timeout = parse_seconds(arg)) < 0)
			return TB_EUSAGE;
		o->timeout_set = 1;
		return 0;
	default:
		app_getopt_default(app, ch, arg, usage);
		return 0;
	}
}

/* Only one of the mode options; 0 or TB_EUSAGE (message printed). */
static int
set_mode(struct options *o, enum approve_mode m)
{
	if (o->mode_set && o->mode != m) {
		fprintf(stderr, "tb-approve: --all, --none, --pick, --await "
		    "and --no-approval exclude each other\n");
		return TB_EUSAGE;
	}
	o->mode = m;
	o->mode_set = 1;
	return 0;
}

static int
run(struct tb_app *app, const struct options *o)
{
	struct approve_input in;
	struct approve_result out;
	tb_err e;
	int rc;

	tb_err_clear(&e);
	memset(&in, 0, sizeof in);
	if (o->mode == APPROVE_MODE_AWAIT && (rc = approve_poll_ms(
	    getenv("TB_APPROVE_POLL_MS"), &in.poll_ms, &e)) != 0)
		return app_fail(app, &e);
	in.db = app->db;
	in.cfg = &app->cfg;
	in.day = app->day;
	in.main_trader = app->main_trader;
	in.virtual_trader = app->virtual_trader;
	in.run_id = app->run_id;
	in.config_file = app->config_file;
	in.mode = o->mode;
	in.pick = &o->pick;
	in.force = app->force;
	in.timeout_s = o->timeout_set ? o->timeout :
	    app->cfg.approval_timeout_seconds;
	in.in_fd = o->mode == APPROVE_MODE_PROMPT || o->piped ? STDIN_FILENO :
	    -1;
	in.tty = stderr;
	if (o->mode == APPROVE_MODE_AWAIT)
		rc = approve_await(&in, &out, &e);
	else
		rc = approve_day(&in, &out, &e);
	/* app_finish releases the lock after it records the run's end. */
	app->lock_fd = out.lock_fd;
	summarize(app, &out, rc);
	approve_result_free(&out);
	return rc != 0 ? app_fail(app, &e) : 0;
}

/* The day's decision in the summary. */
static void
add_decision(cJSON *s, const struct approval_picks *ap,
    const struct approval_record *r)
{
	cJSON *arr;
	size_t i, napproved;
	double amount;

	amount = approval_amount(ap, &r->decision, &napproved);
	cJSON_AddStringToObject(s, "decision",
	    approval_choice_name(r->decision.choice));
	if ((arr = cJSON_AddArrayToObject(s, "indices")) != NULL)
		for (i = 0; i < ap->npicks; i++)
			if (approval_approves(&r->decision,
			    ap->picks[i].index))
				cJSON_AddItemToArray(arr, cJSON_CreateNumber(
				    ap->picks[i].index));
	cJSON_AddStringToObject(s, "decided_by", r->decided_by);
	cJSON_AddStringToObject(s, "decided_at", r->decided_at);
	cJSON_AddNumberToObject(s, "approved", (double)napproved);
	cJSON_AddNumberToObject(s, "rejected",
	    (double)(ap->npicks - napproved));
	cJSON_AddNumberToObject(s, "amount_eur", amount);
}

static void
summarize(struct tb_app *app, const struct approve_result *r, int rc)
{
	if (r->main_trader != NULL)
		cJSON_AddStringToObject(app->summary, "main_trader",
		    r->main_trader);
	if (r->decided)
		add_decision(app->summary, &r->picks, &r->record);
	if (r->waited)
		cJSON_AddNumberToObject(app->summary, "waited_s",
		    (double)r->waited_s);
	if (rc == 0 && r->reason != NULL && (r->outcome == APPROVE_NO_TRADER ||
	    r->outcome == APPROVE_NO_PICKS || r->outcome == APPROVE_UNCHANGED))
		app_skip(app, r->reason);
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
