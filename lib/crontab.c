/*
 * crontab.c - tb's day as crontab entries, and the crontab command.  See
 * crontab.h.
 */
#include "crontab.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

extern char **environ;

static int
add_time(struct crontab_time *t, size_t *n, int minute, int shift)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (t[i].minute == minute && t[i].day_shift == shift)
			return 0;
	if (*n == CRONTAB_MAX_TIMES)
		return -1;
	t[*n].minute = minute;
	t[*n].day_shift = shift;
	(*n)++;
	return 0;
}

static int
compare_times(const void *a, const void *b)
{
	const struct crontab_time *x = a, *y = b;

	if (x->day_shift != y->day_shift)
		return x->day_shift - y->day_shift;
	return x->minute - y->minute;
}

/*
 * All instants are computed in one zone, then all converted in the other
 * (two zone switches, not two a day).
 */
size_t
crontab_machine_times(const char *orch, const char *machine, int minute,
    int year, struct crontab_time *out)
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

void
crontab_machine_zone(const char *tz, char *buf, size_t bufsz)
{
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
		if (fgets(buf, (int)bufsz, f) == NULL)
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, " \t\r\n")] = '\0';
		if (*buf != '\0')
			return;
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

/* "export PATH=... TB_HOME=... [TB_CONFIG=...]; " */
static void
put_environment(const struct crontab_block *b, FILE *out)
{
	char path[PATH_MAX + 64];

	if (strcmp(b->bindir, "/usr/local/bin") == 0 ||
	    strcmp(b->bindir, "/usr/bin") == 0 || strcmp(b->bindir, "/bin") == 0)
		snprintf(path, sizeof path, "/usr/local/bin:/usr/bin:/bin");
	else
		snprintf(path, sizeof path, "%s:/usr/local/bin:/usr/bin:/bin",
		    b->bindir);
	fputs("export PATH=", out);
	put_quoted(out, path);
	fputs(" TB_HOME=", out);
	put_quoted(out, b->cfg->home);
	if (b->config_path != NULL) {
		fputs(" TB_CONFIG=", out);
		put_quoted(out, b->config_path);
	}
	fputs("; ", out);
}

/* '/abs/bin/tb-cron' --run PROGRAM ARGS */
static void
put_command(const struct crontab_block *b, FILE *out, const char *program,
    const char *args)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof path, "%s/tb-cron", b->bindir);
	put_quoted(out, path);
	fprintf(out, " --run %s %s", program, args);
}

static const char *
weekdays(int shift)
{
	return shift < 0 ? "0-4" : shift > 0 ? "2-6" : "1-5";
}

/*
 * The programs of one entry: round > 0 collects, round 0 is the chain,
 * round -1 the scoreboard's refresh.
 */
static void
put_programs(const struct crontab_block *b, FILE *out, int round,
    const char *hhmm)
{
	char args[64];

	if (round > 0) {
		snprintf(args, sizeof args, "--round %d --scheduled %s", round,
		    hhmm);
		put_command(b, out, "tb-collect", args);
		return;
	}
	if (round < 0) {
		snprintf(args, sizeof args, "--refresh --scheduled %s", hhmm);
		put_command(b, out, "tb-report", args);
		return;
	}
	snprintf(args, sizeof args, "--scheduled %s", hhmm);
	put_command(b, out, "tb-decide", args);
	fputs(" && ", out);
	snprintf(args, sizeof args, "--await --scheduled %s", hhmm);
	put_command(b, out, "tb-approve", args);
	fputs(" && ", out);
	snprintf(args, sizeof args, "--scheduled %s", hhmm);
	put_command(b, out, "tb-execute", args);
}

/* The entries of one slot; returns how many. */
static size_t
put_slot(const struct crontab_block *b, FILE *out, int minute, int round)
{
	struct crontab_time times[CRONTAB_MAX_TIMES];
	char hhmm[6];
	size_t n, i;

	config_format_hhmm(minute, hhmm);
	n = crontab_machine_times(b->cfg->orchestrator_timezone, b->machine,
	    minute, b->year, times);
	for (i = 0; i < n; i++) {
		fprintf(out, "%d %d * * %s ", times[i].minute % 60,
		    times[i].minute / 60, weekdays(times[i].day_shift));
		put_environment(b, out);
		put_programs(b, out, round, hhmm);
		fputc('\n', out);
	}
	return n;
}

static void
put_marker(FILE *out, const char *home, int begin)
{
	fprintf(out, "# %s tb: TB_HOME=%s %s\n", begin ? ">>>" : "<<<", home,
	    begin ? ">>>" : "<<<");
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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

/* Whether the TB_ variable name is tb's and not carried by the block. */
static int
is_uncarried(const char *name)
{
	return strcmp(name, "TB_HOME") != 0 && strcmp(name, "TB_CONFIG") != 0 &&
	    strcmp(name, "TB_CRONTAB") != 0 &&
	    (config_env_key(name) != NULL || is_env_only(name));
}

size_t
crontab_uncarried(char **names, size_t max)
{
	const char *v, *eq;
	size_t n = 0, i;

	for (i = 0; environ[i] != NULL && n < max; i++) {
		v = environ[i];
		if (strncmp(v, "TB_", 3) != 0 || (eq = strchr(v, '=')) == NULL)
			continue;
		if ((names[n] = strndup(v, (size_t)(eq - v))) == NULL)
			break;
		if (is_uncarried(names[n]))
			n++;
		else
			free(names[n]);
	}
	qsort(names, n, sizeof names[0], compare_names);
	return n;
}

/* A comment line per variable crontab_uncarried names. */
static void
put_uncarried(const struct crontab_block *b, FILE *out)
{
	char *names[64];
	const char *key;
	size_t n, i;

	if ((n = crontab_uncarried(names, 64)) == 0)
		return;
	fprintf(out, "# This environment sets TB_ variables that cron will "
	    "not pass to these entries:\n");
	for (i = 0; i < n; i++) {
		if ((key = config_env_key(names[i])) != NULL)
			fprintf(out, "# %s: for cron's runs, put it in %s/tb.env "
			    "(or %s in %s).\n", names[i], b->cfg->home, key,
			    b->cfg->file != NULL ? b->cfg->file : "tb.conf");
		else
			fprintf(out, "# %s: read only from the environment; "
			    "cron's runs go without it.\n", names[i]);
		free(names[i]);
	}
}

/* The execute time must not also be a collect time. */
static int
check_times(const struct tb_config *c, tb_err *e)
{
	char hhmm[6];
	size_t i;

	for (i = 0; i < c->ncollect; i++)
		if (c->collect_minutes[i] == c->execute_minute) {
			config_format_hhmm(c->execute_minute, hhmm);
			return tb_errf(e, TB_ECONFIG, "config: "
			    "scheduler_execute_time = \"%s\": also a "
			    "scheduler_collect_times time", hhmm);
		}
	return 0;
}

/*
 * A slot that falls on two machine times makes two entries an hour or more
 * apart: a grace that long would let both run.
 */
static int
check_grace(const struct crontab_block *b, int two, tb_err *e)
{
	if (two && b->cfg->misfire_grace_seconds >= 3600)
		return tb_errf(e, TB_ECONFIG, "config: misfire_grace_seconds = "
		    "\"%ld\": must be under 3600 when the machine's zone (%s) "
		    "differs from orchestrator_timezone (%s)",
		    b->cfg->misfire_grace_seconds, b->machine,
		    b->cfg->orchestrator_timezone);
	return 0;
}

int
crontab_render(const struct crontab_block *b, FILE *out, tb_err *e)
{
	const struct tb_config *c = b->cfg;
	size_t i, n = 0;
	int rc;

	if ((rc = check_times(c, e)) != 0)
		return rc;
	put_marker(out, c->home, 1);
	fprintf(out, "# Generated by tb-cron %s: do not edit. Change the "
	    "configuration, then run tb-cron --install.\n", TB_VERSION);
	fprintf(out, "# Slots in %s, entries in the machine's zone %s.\n",
	    c->orchestrator_timezone, b->machine);
	put_uncarried(b, out);
	fprintf(out, "CRON_TZ=%s\n", b->machine);
	if (c->mail_to[0] != '\0')
		fprintf(out, "MAILTO=%s\n", c->mail_to);
	for (i = 0; i < c->ncollect; i++)
		n += put_slot(b, out, c->collect_minutes[i], (int)i + 1);
	n += put_slot(b, out, c->execute_minute, 0);
	n += put_slot(b, out, c->report_minute, -1);
	put_marker(out, c->home, 0);
	return check_grace(b, n > c->ncollect + 2, e);
}

void
crontab_strip(FILE *f, const char *text, const char *home, int *found)
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

/* Read all of fd into a malloc'ed string (*text); 0 or -1. */
static int
read_all(int fd, char **text)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	FILE *f;

	*text = NULL;
	if ((f = open_memstream(text, &len)) == NULL)
		return -1;
	while ((n = read(fd, buf, sizeof buf)) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, (size_t)n, f);
	if (fclose(f) != 0 || n < 0) {
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

/* In the child: stdout to out, stderr to err, then cmd arg1 [arg2]. */
static void
exec_crontab(int out, int err, const char *cmd, const char *arg1,
    const char *arg2)
{
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		_exit(126);
	closefrom(STDERR_FILENO + 1);
	execlp(cmd, cmd, arg1, arg2, (char *)NULL);
	dprintf(STDERR_FILENO, "cannot run %s: %s", cmd, strerror(errno));
	_exit(127);
}

/*
 * Run `cmd arg1 [arg2]`: its stdout into *out (caller frees; NULL: thrown
 * away), the first line of its stderr into errbuf.  Returns its exit
 * status, or -1 when it could not be run or was killed.  Its stderr goes
 * to a temporary file, not a pipe, so a command that fills both outputs
 * cannot block on the one not being read.
 */
static int
run_crontab(const char *cmd, const char *arg1, const char *arg2, char **out,
    char *errbuf, size_t errsz)
{
	int outp[2], errfd, status = -1, got;
	char *text = NULL;
	ssize_t n;
	pid_t pid;

	errbuf[0] = '\0';
	if ((errfd = memfd_create("tb-crontab-stderr", MFD_CLOEXEC)) < 0)
		return -1;
	if (pipe2(outp, O_CLOEXEC) != 0) {
		close(errfd);
		return -1;
	}
	if ((pid = fork()) == 0)
		exec_crontab(outp[1], errfd, cmd, arg1, arg2);
	close(outp[1]);
	if (pid > 0) {
		got = read_all(outp[0], &text);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		status = got == 0 && WIFEXITED(status) ?
		    WEXITSTATUS(status) : -1;
	}
	close(outp[0]);
	if ((n = pread(errfd, errbuf, errsz - 1, 0)) < 0)
		n = 0;
	errbuf[n] = '\0';
	errbuf[strcspn(errbuf, "\n")] = '\0';
	close(errfd);
	if (out != NULL && status >= 0)
		*out = text;
	else
		free(text);
	return status;
}

int
crontab_read(const char *cmd, char **text, tb_err *e)
{
	char errbuf[512];
	int rc;

	*text = NULL;
	if ((rc = run_crontab(cmd, "-l", NULL, text, errbuf, sizeof errbuf)) < 0)
		return tb_errf(e, TB_EUNAVAIL, "cannot run %s -l", cmd);
	if (rc != 0 && (**text == '\0' || strstr(errbuf, "no crontab") !=
	    NULL)) {
		free(*text);
		*text = strdup("");
	} else if (rc != 0) {
		free(*text);
		*text = NULL;
		return tb_errf(e, TB_EUNAVAIL, "%s -l failed (status %d): %s",
		    cmd, rc, errbuf);
	}
	return *text != NULL ? 0 : tb_errf(e, TB_EINTERNAL, "out of memory");
}

/* Write text to a private temporary file in dir; its path into buf. */
static int
write_temp(const char *dir, const char *text, char *buf, size_t bufsz,
    tb_err *e)
{
	size_t len = strlen(text);
	int fd;

	snprintf(buf, bufsz, "%s/crontab.XXXXXX", dir);
	if ((fd = mkstemp(buf)) < 0)
		return tb_errf(e, TB_ECANTCREAT, "cannot create %s: %s", buf,
		    strerror(errno));
	if (write(fd, text, len) != (ssize_t)len) {
		tb_errf(e, TB_ECANTCREAT, "cannot write %s: %s", buf,
		    strerror(errno));
		close(fd);
		unlink(buf);
		return e->code;
	}
	if (close(fd) != 0) {
		unlink(buf);
		return tb_errf(e, TB_ECANTCREAT, "cannot write %s: %s", buf,
		    strerror(errno));
	}
	return 0;
}

/*
 * `cmd -n FILE` refused the table.  A crontab without -n says so with
 * "invalid option" or its usage: that is no refusal.
 */
static int
refused(const char *cmd, const char *path, char *errbuf, size_t errsz)
{
	return run_crontab(cmd, "-n", path, NULL, errbuf, errsz) > 0 &&
	    strstr(errbuf, "invalid option") == NULL &&
	    strstr(errbuf, "usage") == NULL;
}

int
crontab_write(const char *cmd, int check, const char *dir, const char *text,
    tb_err *e)
{
	char path[PATH_MAX + 32], errbuf[512];
	int rc;

	if ((rc = write_temp(dir, text, path, sizeof path, e)) != 0)
		return rc;
	if (check && refused(cmd, path, errbuf, sizeof errbuf)) {
		unlink(path);
		return tb_errf(e, TB_ECONFIG, "%s -n refused the new crontab: "
		    "%s", cmd, errbuf);
	}
	rc = run_crontab(cmd, path, NULL, NULL, errbuf, sizeof errbuf);
	unlink(path);
	if (rc != 0)
		return tb_errf(e, TB_EUNAVAIL, "%s failed (status %d): %s",
		    cmd, rc, errbuf);
	return 0;
}
