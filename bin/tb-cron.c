/*
 * tb-cron - render the crontab of tb's day from the configuration,
 * install it into (or remove it from) the user's crontab, and run the
 * programs of its entries (--run).
 *
 * The block, its slot arithmetic across daylight saving and the crontab
 * command are crontab.h; how an entry's program runs so that cron mails
 * one line per failure and nothing on a good day is cronjob.h.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cronjob.h"
#include "crontab.h"
#include "log.h"
#include "util.h"

enum mode { MODE_PRINT, MODE_INSTALL, MODE_REMOVE, MODE_RUN };

static void usage(int status) __attribute__((noreturn));

/* $TZ as the program found it, before app_start sets the orchestrator's. */
static char *startup_tz;

/* The directory this program lives in (its siblings are the programs). */
static int
program_dir(char *buf, size_t bufsz)
{
	ssize_t n;
	char *slash;

	if ((n = readlink("/proc/self/exe", buf, bufsz - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

/* The crontab command: TB_CRONTAB (tests), else crontab. */
static const char *
crontab_command(void)
{
	const char *c = getenv("TB_CRONTAB");

	return c != NULL && *c != '\0' ? c : "crontab";
}

/* --install: say on stderr too what the block's comments say. */
static void
warn_uncarried(const char *home)
{
	char *names[64], list[1024];
	size_t n, i, len = 0;

	if ((n = crontab_uncarried(names, 64)) == 0)
		return;
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (len + strlen(names[i]) + 3 < sizeof list)
			len += (size_t)snprintf(list + len, sizeof list - len,
			    "%s%s", i > 0 ? ", " : "", names[i]);
		free(names[i]);
	}
	log_warn("cron will not pass %s to the installed entries: put "
	    "settings for cron's runs in %s/tb.env or tb.conf (the block's "
	    "comments say which)", list, home);
}

static const char *
action(enum mode mode, int found)
{
	if (mode == MODE_INSTALL)
		return found ? "replaced" : "installed";
	return found ? "removed" : "absent";
}

/* --install, --remove: the crontab with this TB_HOME's block replaced. */
static int
install_block(struct tb_app *app, const char *block, enum mode mode,
    tb_err *e)
{
	char *current, *next = NULL, logs[PATH_MAX];
	size_t len = 0;
	int found, rc;
	FILE *f;

	if ((rc = crontab_read(crontab_command(), &current, e)) != 0)
		return rc;
	if ((f = open_memstream(&next, &len)) == NULL) {
		free(current);
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	}
	crontab_strip(f, current, app->cfg.home, &found);
	if (mode == MODE_INSTALL)
		fputs(block, f);
	fclose(f);
	free(current);
	snprintf(logs, sizeof logs, "%s/logs", app->cfg.home);
	if (util_mkdirs(logs, 0700) != 0)
		rc = tb_errf(e, TB_ECANTCREAT, "cannot create %s: %s", logs,
		    strerror(errno));
	else
		rc = crontab_write(crontab_command(), getenv("TB_CRONTAB") ==
		    NULL, app->cfg.home, next, e);
	free(next);
	if (rc != 0)
		return rc;
	cJSON_AddStringToObject(app->summary, "action", action(mode, found));
	cJSON_AddStringToObject(app->summary, "tb_home", app->cfg.home);
	log_info("crontab block for %s %s", app->cfg.home,
	    strcmp(action(mode, found), "absent") == 0 ? "was not there" :
	    action(mode, found));
	return 0;
}

/* The block for this configuration and machine, into *block. */
static int
render(struct tb_app *app, const char *bindir, char **block, tb_err *e)
{
	char zone[256], config_path[PATH_MAX];
	struct crontab_block b;
	struct tm tm;
	size_t len = 0;
	FILE *out;
	int rc;

	crontab_machine_zone(startup_tz, zone, sizeof zone);
	if (!clock_valid_timezone(zone))
		return tb_errf(e, TB_ECONFIG, "the machine's timezone \"%s\" "
		    "is not in the tz database", zone);
	localtime_r(&app->now, &tm);
	memset(&b, 0, sizeof b);
	b.cfg = &app->cfg;
	b.bindir = bindir;
	b.machine = zone;
	b.year = tm.tm_year + 1900;
	if (app->cfg.file != NULL && realpath(app->cfg.file, config_path))
		b.config_path = config_path;
	if ((out = open_memstream(block, &len)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	rc = crontab_render(&b, out, e);
	fclose(out);
	return rc;
}

static int
run_mode(struct tb_app *app, enum mode mode)
{
	char bindir[PATH_MAX], *block = NULL;
	tb_err e;
	int rc;

	tb_err_clear(&e);
	if (program_dir(bindir, sizeof bindir) != 0)
		rc = tb_errf(&e, TB_EINTERNAL, "cannot find the programs' "
		    "directory");
	else if ((rc = render(app, bindir, &block, &e)) == 0 &&
	    mode == MODE_PRINT)
		fputs(block, stdout);
	else if (rc == 0)
		rc = install_block(app, block, mode, &e);
	if (rc == 0 && mode == MODE_INSTALL)
		warn_uncarried(app->cfg.home);
	free(block);
	return rc != 0 ? app_fail(app, &e) : 0;
}

/*
 * --run PROGRAM ARGS (cronjob.h): cron's standard error is kept for the
 * one line of a failure; all else goes to the day's log, or nowhere
 * before it is open.
 */
static int
run_job(struct tb_app *app, int argc, char *argv[])
{
	char bindir[PATH_MAX];
	struct cronjob job;
	const cJSON *err;
	tb_err e;
	int rc;

	memset(&job, 0, sizeof job);
	if (argc == 0 || program_dir(bindir, sizeof bindir) != 0 ||
	    !cronjob_valid_program(bindir, argv[0])) {
		fprintf(stderr, "tb-cron: --run wants one of tb's programs, "
		    "installed beside tb-cron\n");
		usage(TB_EUSAGE);
	}
	if ((job.alert_fd = cronjob_detach()) < 0)
		return TB_EINTERNAL;
	job.bindir = bindir;
	if ((rc = app_start(app, APP_NO_SUMMARY)) == 0) {
		job.cfg = &app->cfg;
		job.today = app->date;
		if ((rc = cronjob_log(&job, &e)) != 0)
			rc = app_fail(app, &e);
	}
	if (rc != 0) {
		err = cJSON_GetObjectItem(app->summary, "error");
		cronjob_alert_line(job.alert_fd, argv[0], app->day[0] != '\0' ?
		    app->day : NULL, rc, cJSON_IsString(err) ?
		    err->valuestring : "tb-cron --run failed", NULL);
		rc = app_finish(app, rc);
	} else {
		rc = cronjob_run(&job, argv);
		app_finish(app, 0);
	}
	close(job.alert_fd);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "print", no_argument, NULL, 'p' },
		{ "install", no_argument, NULL, 'i' },
		{ "remove", no_argument, NULL, 'r' },
		{ "run", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_app app;
	enum mode mode = MODE_PRINT;
	int ch, rc;

	app_init(&app, "tb-cron");
	if (getenv("TZ") != NULL && (startup_tz = strdup(getenv("TZ"))) == NULL)
		return TB_EINTERNAL;
	/* "+": the options stop at --run's program, whose own follow. */
	while ((ch = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		if (ch == 'p' || ch == 'i' || ch == 'r' || ch == 'R')
			mode = ch == 'p' ? MODE_PRINT : ch == 'i' ?
			    MODE_INSTALL : ch == 'r' ? MODE_REMOVE : MODE_RUN;
		else
			app_getopt_default(&app, ch, optarg, usage);
	}
	if (mode == MODE_RUN && !app.show_version)
		rc = run_job(&app, argc - optind, argv + optind);
	else if (app_getopt_done(&app, argc, usage))
		rc = 0;
	else if ((rc = app_start(&app, mode == MODE_PRINT ? APP_NO_SUMMARY :
	    APP_LOCK)) != 0)
		rc = app_finish(&app, rc);
	else
		rc = app_finish(&app, run_mode(&app, mode));
	free(startup_tz);
	return rc;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-cron [--print | --install | --remove] [--config FILE] [-v]\n"
	    "       tb-cron --run PROGRAM [ARG ...]\n"
	    "\n"
	    "Render tb's day as crontab entries from the configuration\n"
	    "(scheduler_collect_times, scheduler_execute_time,\n"
	    "scheduler_report_time, in orchestrator_timezone), converted to\n"
	    "the machine's zone.\n"
	    "\n"
	    "  --print       print the block (the default)\n"
	    "  --install     put the block into the user's crontab, replacing an\n"
	    "                earlier block of the same TB_HOME, keeping all else\n"
	    "  --remove      take this TB_HOME's block out of the crontab\n"
	    "  --run PROGRAM run one of tb's programs as an entry does: its log\n"
	    "                to $TB_HOME/logs/YYYY-MM-DD.log, one line on stderr\n"
	    "                only when it fails (for cron to mail)\n"
	    "  --config FILE configuration file (the entries pass it on)\n"
	    "  -v, --verbose debug logging on stderr\n"
	    "  --version     print the version\n"
	    "  -h, --help    this help\n"
	    "\n"
	    "cron runs the entries with almost no environment: settings for them\n"
	    "go in $TB_HOME/tb.env or tb.conf.  The block lists, as comments, the\n"
	    "TB_ variables of this environment that the entries will not see.\n"
	    "mail_to sets the block's MAILTO.\n"
	    "\n"
	    "Environment: TB_HOME, TB_CONFIG, TB_CRONTAB (the crontab command,\n"
	    "default crontab), TZ (the machine's zone, default /etc/timezone).\n"
	    "Exit status: 0 ok, 64 usage, 69 crontab failed, 73 cannot write,\n"
	    "75 another tb-cron is running, 78 configuration error; with --run,\n"
	    "the program's own.\n");
	exit(status);
}
