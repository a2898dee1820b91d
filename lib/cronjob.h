/*
 * cronjob.h - run one program of a crontab entry the way cron needs it:
 * `tb-cron --run PROGRAM ARGS...`.
 *
 * cron mails whatever a job writes.  A good day must mail nothing and a
 * failure exactly one line, while the full log is kept.  So each entry of
 * the block (crontab.h) runs its programs through tb-cron --run, which:
 *
 *   1. appends the program's standard error (its log lines) and then its
 *      standard output (its one-line summary) to
 *      $TB_HOME/logs/YYYY-MM-DD.log, the day being today in
 *      orchestrator_timezone: the logs rotate by date without a daemon;
 *   2. removes the dated logs more than log_keep_days days older than
 *      today (other files in logs/ are never touched);
 *   3. when the program exits non-zero (tb-execute does when it leaves a
 *      trade unknown) or is killed, writes ONE line to cron's standard
 *      error, which cron mails:
 *
 *        tb-execute 2026-03-30: exit 69: trade 7 (ASML.AS) of ... is
 *        unknown: ... (log: /home/u/.local/share/tb/logs/2026-03-30.log)
 *
 *      naming the program, the day, the exit status and the reason (the
 *      summary's "error", else how it died), secrets redacted;
 *   4. when the program ended without a summary (killed, or it could not
 *      start), runs alert_command with a summary of its own making, since
 *      the program could not: a program that ends runs alert_command
 *      itself (app_finish), so a failure is alerted once;
 *   5. returns the program's exit status (128 + the signal when killed),
 *      so `tb-cron --run A && tb-cron --run B` chains as A && B would.
 *
 * Nothing else reaches cron: cronjob_detach keeps cron's standard error
 * for the one line and points the caller's standard output and error at
 * /dev/null, and cronjob_log at the day's log once it is open.
 */
#ifndef TB_CRONJOB_H
#define TB_CRONJOB_H

#include <stddef.h>

#include "clock.h"
#include "config.h"
#include "err.h"

struct cronjob {
	const struct tb_config *cfg;
	const char *bindir;		/* the program's directory */
	struct tb_date today;		/* in orchestrator_timezone */
	int alert_fd;			/* cron's standard error */
	char log[4096];			/* the day's log, set by cronjob_log */
};

/*
 * Whether name is a program the block may run: "tb-" and lower-case
 * letters, present and executable in bindir.
 */
int cronjob_valid_program(const char *bindir, const char *name);

/*
 * A copy of standard error (close-on-exec) for cronjob_alert_line, with
 * standard output and error then on /dev/null; -1 when that fails.
 */
int cronjob_detach(void);

/*
 * Open the day's log for appending (creating logs/ 0700 and the file
 * 0600), set job->log, make the log standard output and error, and
 * remove the expired dated logs (step 2).  0, or TB_ECANTCREAT with *e.
 */
int cronjob_log(struct cronjob *job, tb_err *e);

/*
 * Remove the files "YYYY-MM-DD.log" in dir whose day is more than
 * keep_days days before today, logging each; returns how many.
 */
int cronjob_prune(const char *dir, const struct tb_date *today,
    long keep_days);

/*
 * After cronjob_log: run argv (argv[0] a program of bindir) with its
 * stdout captured and its stderr on the log, then steps 3 to 5 above.
 * Returns the program's exit status.
 */
int cronjob_run(const struct cronjob *job, char *const argv[]);

/*
 * Write the one line of step 3 to fd: program, day (NULL: today on the
 * machine's clock, when the orchestrator's is not known), status, reason,
 * and the log when log is not NULL or empty.  Also what the caller does
 * when it fails before the program can run (a configuration error).
 */
void cronjob_alert_line(int fd, const char *program, const char *day,
    int status, const char *reason, const char *log);

#endif
