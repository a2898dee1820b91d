/*
 * tb-cron - render the crontab of tb's day from the configuration, and
 * install it into (or remove it from) the user's crontab.
 *
 * Times in the configuration are in orchestrator_timezone; cron reads them
 * in the machine's zone (Debian's cron ignores CRON_TZ).  So each slot is
 * converted to every machine-local time it falls on during the year: one
 * entry when the zones agree, two (winter and summer) when they do not.
 * Every entry passes `--scheduled HH:MM` (the slot in the orchestrator
 * zone) and the program's own due check runs exactly one of them.  The
 * CRON_TZ line names the zone the entries are written in (the machine's),
 * so cronie, which honours it, reads them the same way.
 *
 * The block sits between marker lines naming TB_HOME, so several
 * accounts can be scheduled side by side; --install replaces only the
 * block of this TB_HOME and --remove takes only it out.
 *
 * cron runs the entries with almost no environment: only PATH, TB_HOME
 * and TB_CONFIG are set by the entries themselves.  The TB_ settings of
 * the shell that renders the block would silently not apply, so the
 * block lists them in comments with where to put them (tb.env or
 * tb.conf), and --install warns about them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "log.h"
#include "util.h"

#define MAX_ENTRY_TIMES 4
#define MAX_UNCARRIED 64

extern char **environ;

enum mode { MODE_PRINT, MODE_INSTALL, MODE_REMOVE };

/* A machine-local time of day and how its day differs from the slot's. */
struct cron_time {
	int minute;
	int day_shift;		/* -1, 0, +1 */
};

static void usage(int status) __attribute__((noreturn));

/* $TZ as the program found it, before app_start sets the orchestrator's. */
static char *startup_tz;

/* The machine's zone: $TZ, else /etc/timezone, else /etc/localtime's link. */
static void
machine_zone(char *buf, size_t bufsz)
{
	const char *tz = startup_tz;
	char link[PATH_MAX];
	const char *p;
	ssize_t n;
	FILE *f;

	if (tz != NULL && *tz == ':')
		tz++;
	if (tz != NULL && *tz != '\0') {
		snprintf(buf, bufsz, "%s", tz);
		return;
	}
	if ((f = fopen("/etc/timezone", "r")) != NULL) {
		if (fgets(buf, (int)bufsz, f) != NULL) {
			buf[strcspn(buf, " \t\r\n")] = '\0';
			fclose(f);
			if (*buf != '\0')
				return;
		} else
			fclose(f);
	}
	if ((n = readlink("/etc/localtime", link, sizeof link - 1)) > 0) {
		link[n] = '\0';
		if ((p = strstr(link, "zoneinfo/")) != NULL) {
			snprintf(buf, bufsz, "%s", p + 9);
			return;
		}
	}
	snprintf(buf, bufsz, "UTC");
}

static int
add_time(struct cron_time *t, size_t *n, int minute, int shift)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (t[i].minute == minute && t[i].day_shift == shift)
			return 0;
	if (*n == MAX_ENTRY_TIMES)
		return -1;
	t[*n].minute = minute;
	t[*n].day_shift = shift;
	(*n)++;
	return 0;
}

static int
compare_times(const void *a, const void *b)
{
	const struct cron_time *x = a, *y = b;

	if (x->day_shift != y->day_shift)
		return x->day_shift - y->day_shift;
	return x->minute - y->minute;
}

/*
 * Every machine-local time that `minute` in zone `orch` falls on during
 * `year`.  All instants are computed in one zone, then all converted in
 * the other (two zone switches, not two a day).  Leaves the process in
 * zone orch.
 */
static size_t
machine_times(const char *orch, const char *machine, int minute, int year,
    struct cron_time *out)
{
	static time_t at[366];
	static struct tb_date days[366];
	struct tb_date d = { year, 1, 1 };
	struct tm tm, local;
	size_t n = 0, ndays = 0, i;
	int shift;

	clock_set_timezone(orch);
	for (; ndays < 366 && d.year == year; ndays++, date_add_days(&d, 1)) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = d.year - 1900;
		tm.tm_mon = d.month - 1;
		tm.tm_mday = d.day;
		tm.tm_hour = minute / 60;
		tm.tm_min = minute % 60;
		tm.tm_isdst = -1;
		at[ndays] = mktime(&tm);
		days[ndays] = d;
	}
	clock_set_timezone(machine);
	for (i = 0; i < ndays; i++) {
		localtime_r(&at[i], &local);
		d.year = local.tm_year + 1900;
		d.month = local.tm_mon + 1;
		d.day = local.tm_mday;
		shift = date_compare(&d, &days[i]);
		if (add_time(out, &n, local.tm_hour * 60 + local.tm_min,
		    shift) != 0)
			break;
	}
	clock_set_timezone(orch);
	qsort(out, n, sizeof out[0], compare_times);
	return n;
}

/* Write s single-quoted for sh, with cron's '%' escaped. */
static void
put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else if (*s == '%')
			fputs("\\%", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

struct render {
	FILE *out;
	const struct tb_config *cfg;
	const char *bindir;
	const char *config_path;	/* absolute, or NULL */
	const char *machine;
	int year;
};

/* "export PATH=... TB_HOME=... [TB_CONFIG=...]; " */
static void
put_environment(const struct render *r)
{
	char path[PATH_MAX + 64];

	if (strcmp(r->bindir, "/usr/local/bin") == 0 ||
	    strcmp(r->bindir, "/usr/bin") == 0 || strcmp(r->bindir, "/bin") == 0)
		snprintf(path, sizeof path, "/usr/local/bin:/usr/bin:/bin");
	else
		snprintf(path, sizeof path, "%s:/usr/local/bin:/usr/bin:/bin",
		    r->bindir);
	fputs("export PATH=", r->out);
	put_quoted(r->out, path);
	fputs(" TB_HOME=", r->out);
	put_quoted(r->out, r->cfg->home);
	if (r->config_path != NULL) {
		fputs(" TB_CONFIG=", r->out);
		put_quoted(r->out, r->config_path);
	}
	fputs("; ", r->out);
}

/* '/abs/bin/PROG' ARGS >> '/home/logs/PROG.log' 2>&1 */
static void
put_command(const struct render *r, const char *program, const char *args)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/%s", r->bindir, program);
	put_quoted(r->out, path);
	fprintf(r->out, " %s >> ", args);
	snprintf(path, sizeof path, "%s/logs/%s.log", r->cfg->home, program);
	put_quoted(r->out, path);
	fputs(" 2>&1", r->out);
}

static const char *
weekdays(int shift)
{
	return shift < 0 ? "0-4" : shift > 0 ? "2-6" : "1-5";
}

/*
 * The entries of one slot: round > 0 collects, round 0 is the chain,
 * round -1 the scoreboard's refresh.
 */
static int
put_slot(const struct render *r, int minute, int round)
{
	struct cron_time times[MAX_ENTRY_TIMES];
	char hhmm[6], args[64];
	size_t n, i;

	config_format_hhmm(minute, hhmm);
	n = machine_times(r->cfg->orchestrator_timezone, r->machine, minute,
	    r->year, times);
	for (i = 0; i < n; i++) {
		fprintf(r->out, "%d %d * * %s ", times[i].minute % 60,
		    times[i].minute / 60, weekdays(times[i].day_shift));
		put_environment(r);
		if (round > 0) {
			snprintf(args, sizeof args, "--round %d --scheduled %s",
			    round, hhmm);
			put_command(r, "tb-collect", args);
		} else if (round < 0) {
			snprintf(args, sizeof args, "--refresh --scheduled %s",
			    hhmm);
			put_command(r, "tb-report", args);
		} else {
			snprintf(args, sizeof args, "--scheduled %s", hhmm);
			put_command(r, "tb-decide", args);
			fputs(" && ", r->out);
			snprintf(args, sizeof args, "--await --scheduled %s",
			    hhmm);
			put_command(r, "tb-approve", args);
			fputs(" && ", r->out);
			snprintf(args, sizeof args, "--scheduled %s", hhmm);
			put_command(r, "tb-execute", args);
		}
		fputc('\n', r->out);
	}
	return (int)n;
}

static void
put_marker(FILE *out, const char *home, int begin)
{
	fprintf(out, "# %s tb: TB_HOME=%s %s\n", begin ? ">>>" : "<<<", home,
	    begin ? ">>>" : "<<<");
}

/*
 * A slot that falls on two machine times makes two entries an hour or more
 * apart: a grace that long would let both run.
 */
static int
check_grace(const struct render *r, int entries, tb_err *e)
{
	if (entries > 1 && r->cfg->misfire_grace_seconds >= 3600)
		return tb_errf(e, TB_ECONFIG, "config: misfire_grace_seconds = "
		    "\"%ld\": must be under 3600 when the machine's zone (%s) "
		    "differs from orchestrator_timezone (%s)",
		    r->cfg->misfire_grace_seconds, r->machine,
		    r->cfg->orchestrator_timezone);
	return 0;
}

/* One of the TB_ variables tb reads only from the environment. */
static int
is_env_only(const char *name)
{
	size_t i;

	for (i = 0; config_env_only[i] != NULL; i++)
		if (strcmp(config_env_only[i], name) == 0)
			return 1;
	return 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names of the TB_ variables of this environment that tb's programs
 * read and the crontab does not carry, sorted, into names (caller frees
 * each).  Variables that are not tb's (a test suite's TB_ROOT) are left
 * out, as is TB_CRONTAB, which only tb-cron reads.
 */
static size_t
uncarried(char **names, size_t max)
{
	size_t n = 0, i, len;
	const char *v;

	for (i = 0; environ[i] != NULL && n < max; i++) {
		v = environ[i];
		if (strncmp(v, "TB_", 3) != 0 || strchr(v, '=') == NULL)
			continue;
		len = (size_t)(strchr(v, '=') - v);
		if ((names[n] = strndup(v, len)) == NULL)
			break;
		if (strcmp(names[n], "TB_HOME") == 0 ||
		    strcmp(names[n], "TB_CONFIG") == 0 ||
		    strcmp(names[n], "TB_CRONTAB") == 0 ||
		    (config_env_key(names[n]) == NULL &&
		    !is_env_only(names[n])))
			free(names[n]);
		else
			n++;
	}
	qsort(names, n, sizeof names[0], compare_names);
	return n;
}

static void
free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
}

/* A comment line per variable of `uncarried`; returns how many. */
static size_t
put_uncarried(const struct render *r)
{
	char *names[MAX_UNCARRIED];
	const char *key;
	size_t n, i;

	if ((n = uncarried(names, MAX_UNCARRIED)) == 0)
		return 0;
	fprintf(r->out, "# This environment sets TB_ variables that cron "
	    "will not pass to these entries:\n");
	for (i = 0; i < n; i++) {
		if ((key = config_env_key(names[i])) != NULL)
			fprintf(r->out, "# %s: for cron's runs, put it in "
			    "%s/tb.env (or %s in %s).\n", names[i],
			    r->cfg->home, key, r->cfg->file != NULL ?
			    r->cfg->file : "tb.conf");
		else
			fprintf(r->out, "# %s: read only from the environment; "
			    "cron's runs go without it.\n", names[i]);
	}
	free_names(names, n);
	return n;
}

/* --install: say on stderr too what the block's comments say. */
static void
warn_uncarried(const char *home)
{
	char *names[MAX_UNCARRIED], list[1024];
	size_t n, i, len = 0;

	if ((n = uncarried(names, MAX_UNCARRIED)) == 0)
		return;
	list[0] = '\0';
	for (i = 0; i < n && len + strlen(names[i]) + 3 < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
		    i > 0 ? ", " : "", names[i]);
	log_warn("cron will not pass %s to the installed entries: put "
	    "settings for cron's runs in %s/tb.env or tb.conf (the block's "
	    "comments say which)", list, home);
	free_names(names, n);
}

static int
render_block(const struct render *r, tb_err *e)
{
	const struct tb_config *c = r->cfg;
	int n = 0, rc;
	size_t i;
	char hhmm[6];

	for (i = 0; i < c->ncollect; i++)
		if (c->collect_minutes[i] == c->execute_minute) {
			config_format_hhmm(c->execute_minute, hhmm);
			return tb_errf(e, TB_ECONFIG, "config: "
			    "scheduler_execute_time = \"%s\": also a "
			    "scheduler_collect_times time", hhmm);
		}
	put_marker(r->out, c->home, 1);
	fprintf(r->out, "# Generated by tb-cron %s: do not edit. Change the "
	    "configuration, then run tb-cron --install.\n", TB_VERSION);
	fprintf(r->out, "# Slots in %s, entries in the machine's zone %s.\n",
	    c->orchestrator_timezone, r->machine);
	put_uncarried(r);
	fprintf(r->out, "CRON_TZ=%s\n", r->machine);
	for (i = 0; i < c->ncollect; i++)
		n += put_slot(r, c->collect_minutes[i], (int)i + 1);
	n += put_slot(r, c->execute_minute, 0);
	n += put_slot(r, c->report_minute, -1);
	put_marker(r->out, c->home, 0);
	if ((rc = check_grace(r, n > (int)c->ncollect + 2 ? 2 : 1, e)) != 0)
		return rc;
	return 0;
}

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

/*
 * Run `crontab ARG1 [ARG2]`, its stdout into *out (caller frees; may be
 * NULL), its stderr into errbuf.  Returns the exit status, or -1.
 */
static int
run_crontab(const char *arg1, const char *arg2, char **out, char *errbuf,
    size_t errsz)
{
	int outp[2], errp[2], status;
	char *text = NULL;
	size_t len = 0, n;
	FILE *f, *fe;
	pid_t pid;

	if (pipe(outp) != 0)
		return -1;
	if (pipe(errp) != 0) {
		close(outp[0]);
		close(outp[1]);
		return -1;
	}
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		close(outp[0]);
		close(errp[0]);
		execlp(crontab_command(), crontab_command(), arg1, arg2,
		    (char *)NULL);
		fprintf(stderr, "cannot run %s: %s", crontab_command(),
		    strerror(errno));
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	f = open_memstream(&text, &len);
	fe = fdopen(outp[0], "r");
	while (fe != NULL && f != NULL && (n = fread(errbuf, 1, errsz, fe)) > 0)
		fwrite(errbuf, 1, n, f);
	if (fe != NULL)
		fclose(fe);
	else
		close(outp[0]);
	if (f != NULL)
		fclose(f);
	n = 0;
	while (n + 1 < errsz && read(errp[0], errbuf + n, 1) == 1)
		n++;
	errbuf[n] = '\0';
	errbuf[strcspn(errbuf, "\n")] = '\0';
	close(errp[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		free(text);
		return -1;
	}
	if (out != NULL)
		*out = text;
	else
		free(text);
	return WEXITSTATUS(status);
}

/* The current crontab ("" when the user has none). */
static int
crontab_read(char **text, tb_err *e)
{
	char errbuf[512];
	int rc;

	*text = NULL;
	if ((rc = run_crontab("-l", NULL, text, errbuf, sizeof errbuf)) < 0)
		return tb_errf(e, TB_EUNAVAIL, "cannot run %s -l",
		    crontab_command());
	if (rc != 0 && (*text == NULL || **text == '\0' ||
	    strstr(errbuf, "no crontab") != NULL)) {
		free(*text);
		*text = strdup("");
	} else if (rc != 0) {
		free(*text);
		return tb_errf(e, TB_EUNAVAIL, "%s -l failed (status %d): %s",
		    crontab_command(), rc, errbuf);
	}
	return *text != NULL ? 0 : tb_errf(e, TB_EINTERNAL, "out of memory");
}

/*
 * Copy text into f without this TB_HOME's block; *found says whether it
 * was there.
 */
static void
strip_block(FILE *f, const char *text, const char *home, int *found)
{
	char begin[PATH_MAX + 32], end[PATH_MAX + 32];
	const char *line = text, *nl;
	int inside = 0;
	size_t len;

	snprintf(begin, sizeof begin, "# >>> tb: TB_HOME=%s >>>", home);
	snprintf(end, sizeof end, "# <<< tb: TB_HOME=%s <<<", home);
	*found = 0;
	while (*line != '\0') {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		if (len == strlen(begin) && strncmp(line, begin, len) == 0)
			inside = *found = 1;
		else if (inside && len == strlen(end) &&
		    strncmp(line, end, len) == 0)
			inside = 0;
		else if (!inside) {
			fwrite(line, 1, len, f);
			fputc('\n', f);
		}
		line += len + (nl != NULL);
	}
}

/* Write text to a private temporary file under home; path into buf. */
static int
write_temp(const char *home, const char *text, char *buf, size_t bufsz,
    tb_err *e)
{
	size_t len = strlen(text);
	int fd;

	snprintf(buf, bufsz, "%s/crontab.XXXXXX", home);
	if ((fd = mkstemp(buf)) < 0)
		return tb_errf(e, TB_ECANTCREAT, "cannot create %s: %s", buf,
		    strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
		unlink(buf);
		return tb_errf(e, TB_ECANTCREAT, "cannot write %s: %s", buf,
		    strerror(errno));
	}
	return 0;
}

/* Install text as the crontab, checked first with `crontab -n` if it has one. */
static int
crontab_write(const char *home, const char *text, tb_err *e)
{
	char path[PATH_MAX + 32], errbuf[512];
	int rc;

	if ((rc = write_temp(home, text, path, sizeof path, e)) != 0)
		return rc;
	if (getenv("TB_CRONTAB") == NULL &&
	    run_crontab("-n", path, NULL, errbuf, sizeof errbuf) > 0 &&
	    strstr(errbuf, "invalid option") == NULL &&
	    strstr(errbuf, "usage") == NULL) {
		unlink(path);
		return tb_errf(e, TB_ECONFIG, "crontab -n refused the new "
		    "crontab: %s", errbuf);
	}
	rc = run_crontab(path, NULL, NULL, errbuf, sizeof errbuf);
	unlink(path);
	if (rc != 0)
		return tb_errf(e, TB_EUNAVAIL, "%s failed (status %d): %s",
		    crontab_command(), rc, errbuf);
	return 0;
}

static int
install_block(struct tb_app *app, const char *block, enum mode mode,
    tb_err *e)
{
	char *current, *next = NULL, logs[PATH_MAX];
	size_t len = 0;
	int found, rc;
	FILE *f;

	if ((rc = crontab_read(&current, e)) != 0)
		return rc;
	if ((f = open_memstream(&next, &len)) == NULL) {
		free(current);
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	}
	strip_block(f, current, app->cfg.home, &found);
	if (mode == MODE_INSTALL)
		fputs(block, f);
	fclose(f);
	free(current);
	snprintf(logs, sizeof logs, "%s/logs", app->cfg.home);
	if (util_mkdirs(logs, 0700) != 0)
		rc = tb_errf(e, TB_ECANTCREAT, "cannot create %s: %s", logs,
		    strerror(errno));
	else
		rc = crontab_write(app->cfg.home, next, e);
	free(next);
	if (rc == 0) {
		cJSON_AddStringToObject(app->summary, "action", mode ==
		    MODE_INSTALL ? (found ? "replaced" : "installed") :
		    (found ? "removed" : "absent"));
		cJSON_AddStringToObject(app->summary, "tb_home", app->cfg.home);
		log_info("crontab block for %s %s", app->cfg.home, mode ==
		    MODE_INSTALL ? (found ? "replaced" : "installed") :
		    (found ? "removed" : "was not there"));
	}
	return rc;
}

static int
run_mode(struct tb_app *app, enum mode mode)
{
	char bindir[PATH_MAX], zone[256], config_path[PATH_MAX], *block = NULL;
	struct render r;
	struct tm tm;
	size_t len = 0;
	tb_err e;
	int rc;

	tb_err_clear(&e);
	if (program_dir(bindir, sizeof bindir) != 0)
		return app_fail(app, (tb_errf(&e, TB_EINTERNAL,
		    "cannot find the programs' directory"), &e));
	machine_zone(zone, sizeof zone);
	if (!clock_valid_timezone(zone))
		return app_fail(app, (tb_errf(&e, TB_ECONFIG, "the machine's "
		    "timezone \"%s\" is not in the tz database", zone), &e));
	localtime_r(&app->now, &tm);
	memset(&r, 0, sizeof r);
	r.cfg = &app->cfg;
	r.bindir = bindir;
	r.machine = zone;
	r.year = tm.tm_year + 1900;
	if (app->cfg.file != NULL && realpath(app->cfg.file, config_path))
		r.config_path = config_path;
	if ((r.out = open_memstream(&block, &len)) == NULL)
		return app_fail(app, (tb_errf(&e, TB_EINTERNAL,
		    "out of memory"), &e));
	rc = render_block(&r, &e);
	fclose(r.out);
	if (rc == 0 && mode == MODE_PRINT)
		fputs(block, stdout);
	else if (rc == 0)
		rc = install_block(app, block, mode, &e);
	if (rc == 0 && mode == MODE_INSTALL)
		warn_uncarried(app->cfg.home);
	free(block);
	return rc != 0 ? app_fail(app, &e) : 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "print", no_argument, NULL, 'p' },
		{ "install", no_argument, NULL, 'i' },
		{ "remove", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_app app;
	enum mode mode = MODE_PRINT;
	int ch, rc;

	app_init(&app, "tb-cron");
	if (getenv("TZ") != NULL && (startup_tz = strdup(getenv("TZ"))) == NULL)
		return TB_EINTERNAL;
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			mode = MODE_PRINT;
			break;
		case 'i':
			mode = MODE_INSTALL;
			break;
		case 'r':
			mode = MODE_REMOVE;
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	if ((rc = app_start(&app, mode == MODE_PRINT ? APP_NO_SUMMARY :
	    APP_LOCK)) != 0)
		return app_finish(&app, rc);
	rc = app_finish(&app, run_mode(&app, mode));
	free(startup_tz);
	return rc;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-cron [--print | --install | --remove] [--config FILE] [-v]\n"
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
	    "  --config FILE configuration file (the entries pass it on)\n"
	    "  -v, --verbose debug logging on stderr\n"
	    "  --version     print the version\n"
	    "  -h, --help    this help\n"
	    "\n"
	    "cron runs the entries with almost no environment: settings for them\n"
	    "go in $TB_HOME/tb.env or tb.conf.  The block lists, as comments, the\n"
	    "TB_ variables of this environment that the entries will not see.\n"
	    "\n"
	    "Environment: TB_HOME, TB_CONFIG, TB_CRONTAB (the crontab command,\n"
	    "default crontab), TZ (the machine's zone, default /etc/timezone).\n"
	    "Exit status: 0 ok, 64 usage, 69 crontab failed, 73 cannot write,\n"
	    "75 another tb-cron is running, 78 configuration error.\n");
	exit(status);
}
