/*
 * cronjob.c - one program of a crontab entry: its log by date, one line
 * for cron when it fails.  See cronjob.h.
 */
#include "cronjob.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "log.h"
#include "notify.h"
#include "util.h"

/* How long a failed run waits for alert_command before leaving it. */
#define ALERT_WAIT_MS 5000

int
cronjob_valid_program(const char *bindir, const char *name)
{
	char path[4096];
	const char *p;

	if (strncmp(name, "tb-", 3) != 0 || name[3] == '\0')
		return 0;
	for (p = name + 3; *p != '\0'; p++)
		if (!islower((unsigned char)*p))
			return 0;
	snprintf(path, sizeof path, "%s/%s", bindir, name);
	return access(path, X_OK) == 0;
}

/* "YYYY-MM-DD.log" into *d; 0 or -1. */
static int
dated_log(const char *name, struct tb_date *d)
{
	char day[11];

	if (strlen(name) != 14 || strcmp(name + 10, ".log") != 0)
		return -1;
	memcpy(day, name, 10);
	day[10] = '\0';
	return date_parse(day, d);
}

int
cronjob_prune(const char *dir, const struct tb_date *today, long keep_days)
{
	struct tb_date cutoff = *today, d;
	struct dirent *de;
	int removed = 0;
	DIR *dp;

	date_add_days(&cutoff, -(int)keep_days);
	if ((dp = opendir(dir)) == NULL) {
		log_warn("cannot read %s to remove old logs: %s", dir,
		    strerror(errno));
		return 0;
	}
	while ((de = readdir(dp)) != NULL) {
		if (dated_log(de->d_name, &d) != 0 ||
		    date_compare(&d, &cutoff) >= 0)
			continue;
		if (unlinkat(dirfd(dp), de->d_name, 0) == 0) {
			log_info("removed %s/%s: older than log_keep_days (%ld)",
			    dir, de->d_name, keep_days);
			removed++;
		} else
			log_warn("cannot remove %s/%s: %s", dir, de->d_name,
			    strerror(errno));
	}
	closedir(dp);
	return removed;
}

int
cronjob_detach(void)
{
	int keep, devnull;

	if ((keep = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) < 0)
		return -1;
	if ((devnull = open("/dev/null", O_RDWR)) < 0 ||
	    dup2(devnull, STDOUT_FILENO) < 0 ||
	    dup2(devnull, STDERR_FILENO) < 0) {
		close(keep);
		keep = -1;
	}
	if (devnull >= 0)
		close(devnull);
	return keep;
}

int
cronjob_log(struct cronjob *job, tb_err *e)
{
	char dir[sizeof job->log - 16], day[11];
	int fd;

	snprintf(dir, sizeof dir, "%s/logs", job->cfg->home);
	snprintf(job->log, sizeof job->log, "%s/%s.log", dir,
	    date_format(&job->today, day));
	if (util_mkdirs(dir, 0700) != 0)
		return tb_errf(e, TB_ECANTCREAT, "cannot create %s: %s", dir,
		    strerror(errno));
	if ((fd = open(job->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) < 0)
		return tb_errf(e, TB_ECANTCREAT, "cannot open %s: %s",
		    job->log, strerror(errno));
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0) {
		tb_errf(e, TB_ECANTCREAT, "cannot write to %s: %s", job->log,
		    strerror(errno));
		close(fd);
		return e->code;
	}
	close(fd);
	cronjob_prune(dir, &job->today, job->cfg->log_keep_days);
	return 0;
}

/* Write all of s (n bytes) to fd; 0 or -1. */
static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, s, n)) < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

void
cronjob_alert_line(int fd, const char *program, const char *day,
    int status, const char *reason, const char *log)
{
	char raw[2048], line[2048], today[11];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	if (day == NULL) {
		if (localtime_r(&now, &tm) == NULL ||
		    strftime(today, sizeof today, "%Y-%m-%d", &tm) == 0)
			snprintf(today, sizeof today, "-");
		day = today;
	}
	if (log != NULL && log[0] != '\0')
		snprintf(raw, sizeof raw, "%s %s: exit %d: %s (log: %s)",
		    program, day, status, reason, log);
	else
		snprintf(raw, sizeof raw, "%s %s: exit %d: %s", program, day,
		    status, reason);
	log_redact(raw, line, sizeof line - 1);
	/* One line, whatever the reason carried. */
	for (i = 0; line[i] != '\0'; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[i++] = '\n';
	if (write_all(fd, line, i) != 0)
		log_error("cannot write the alert line: %s", strerror(errno));
}

/* In the child: stdout to out (stderr is the log), then the program. */
static void
exec_program(const char *path, char *const argv[], int out)
{
	if (dup2(out, STDOUT_FILENO) < 0)
		_exit(126);
	closefrom(STDERR_FILENO + 1);
	execv(path, argv);
	dprintf(STDERR_FILENO, "tb-cron: cannot run %s: %s\n", path,
	    strerror(errno));
	_exit(127);
}

/* The exit status of a waitpid(2) status, 128 + the signal when killed. */
static int
exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return TB_EINTERNAL;
}

/*
 * Append what the program printed on out (a memfd) to the log, and parse
 * its last line as the summary (NULL when it is not one).
 */
static cJSON *
copy_summary(int out, int log_fd)
{
	char *text = NULL, *last;
	size_t len = 0;
	char buf[8192];
	cJSON *summary;
	ssize_t n;
	FILE *f;

	if (lseek(out, 0, SEEK_SET) != 0 ||
	    (f = open_memstream(&text, &len)) == NULL)
		return NULL;
	while ((n = read(out, buf, sizeof buf)) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, (size_t)n, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	if (write_all(log_fd, text, len) != 0)
		log_error("cannot append the summary to the log: %s",
		    strerror(errno));
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	last = strrchr(text, '\n');
	summary = cJSON_Parse(last != NULL ? last + 1 : text);
	free(text);
	if (summary != NULL && !cJSON_IsObject(summary)) {
		cJSON_Delete(summary);
		summary = NULL;
	}
	return summary;
}

/* A string field of the summary, or NULL. */
static const char *
field(const cJSON *summary, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(summary, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * The program ended without a summary, so it could not run alert_command:
 * run it with a summary made here.
 */
static void
alert_command(const struct cronjob *job, const char *program,
    const char *day, int status, const char *reason)
{
	struct notify n;
	cJSON *doc;
	char *json;

	if (job->cfg->alert_command[0] == '\0')
		return;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "program", program);
	cJSON_AddStringToObject(doc, "date", day);
	cJSON_AddStringToObject(doc, "status", "failed");
	cJSON_AddStringToObject(doc, "error", reason);
	cJSON_AddNumberToObject(doc, "exit_code", status);
	if ((json = cJSON_PrintUnformatted(doc)) != NULL &&
	    notify_start(&n, "alert_command", job->cfg->alert_command,
	    json) == 0)
		notify_finish(&n, ALERT_WAIT_MS);
	free(json);
	cJSON_Delete(doc);
}

/* Steps 3 and 4 of cronjob.h for a run that failed. */
static void
report(const struct cronjob *job, const char *program, int wstatus,
    int status, const cJSON *summary)
{
	char today[11], died[128];
	const char *day, *reason;

	date_format(&job->today, today);
	if ((day = field(summary, "date")) == NULL)
		day = today;
	if ((reason = field(summary, "error")) == NULL) {
		if (WIFSIGNALED(wstatus))
			snprintf(died, sizeof died, "killed by signal %d (%s)",
			    WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
		else
			snprintf(died, sizeof died, "ended without a summary");
		reason = died;
	}
	log_error("%s %s: exit %d: %s", program, day, status, reason);
	cronjob_alert_line(job->alert_fd, program, day, status, reason,
	    job->log);
	if (summary == NULL)
		alert_command(job, program, day, status, reason);
}

int
cronjob_run(const struct cronjob *job, char *const argv[])
{
	char path[4096];
	int out, wstatus = 0, status;
	cJSON *summary;
	pid_t pid;

	snprintf(path, sizeof path, "%s/%s", job->bindir, argv[0]);
	if ((out = memfd_create("tb-cron-stdout", MFD_CLOEXEC)) < 0)
		log_warn("no memfd for %s's summary (%s): it goes to the log "
		    "as it is", argv[0], strerror(errno));
	log_debug("running %s", path);
	fflush(stdout);
	fflush(stderr);
	/* An inherited SIG_IGN would make waitpid lose the status. */
	signal(SIGCHLD, SIG_DFL);
	if ((pid = fork()) == 0)
		exec_program(path, argv, out >= 0 ? out : STDERR_FILENO);
	if (pid < 0)
		log_error("cannot run %s: fork: %s", argv[0], strerror(errno));
	else
		while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
			;
	status = pid < 0 ? TB_EINTERNAL : exit_status(wstatus);
	summary = out >= 0 ? copy_summary(out, STDOUT_FILENO) : NULL;
	if (out >= 0)
		close(out);
	if (status != 0)
		report(job, argv[0], wstatus, status, summary);
	cJSON_Delete(summary);
	return status;
}
