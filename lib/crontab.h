/*
 * crontab.h - tb's day as a block of crontab entries, and the user's
 * crontab that holds it (tb-cron's work; see tb-cron(1)).
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
 * Every entry runs its programs through `tb-cron --run PROGRAM ARGS`
 * (cronjob.h): the log goes to $TB_HOME/logs/YYYY-MM-DD.log and cron sees
 * one line only when a run fails, which it mails to the MAILTO line the
 * block carries when mail_to is set.
 *
 * The block sits between marker lines naming TB_HOME, so several
 * accounts can be scheduled side by side; crontab_strip() takes out only
 * the block of one TB_HOME.
 *
 * cron runs the entries with almost no environment: only PATH, TB_HOME
 * and TB_CONFIG are set by the entries themselves.  The TB_ settings of
 * the environment that renders the block would silently not apply, so the
 * block lists them in comments with where to put them (tb.env or
 * tb.conf); crontab_uncarried() names them.
 */
#ifndef TB_CRONTAB_H
#define TB_CRONTAB_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "err.h"

#define CRONTAB_MAX_TIMES 4

/* A machine-local time of day and how its day differs from the slot's. */
struct crontab_time {
	int minute;		/* after machine-local midnight */
	int day_shift;		/* -1, 0, +1 */
};

/*
 * Every machine-local time that `minute` (after midnight in zone orch)
 * falls on during year in zone machine, sorted, into out (room for
 * CRONTAB_MAX_TIMES); returns how many.  Leaves the process in zone orch.
 */
size_t crontab_machine_times(const char *orch, const char *machine,
    int minute, int year, struct crontab_time *out);

/*
 * The machine's zone into buf: tz ($TZ as the program found it; a leading
 * ':' is dropped), else /etc/timezone, else the zone /etc/localtime links
 * to, else "UTC".
 */
void crontab_machine_zone(const char *tz, char *buf, size_t bufsz);

struct crontab_block {
	const struct tb_config *cfg;
	const char *bindir;		/* where the programs are */
	const char *config_path;	/* absolute, or NULL: no TB_CONFIG */
	const char *machine;		/* the machine's zone */
	int year;			/* whose daylight-saving rules apply */
};

/*
 * Write the block, markers included, to out.  TB_ECONFIG (naming the key)
 * when the execute time is also a collect time, or when slots need two
 * entries and misfire_grace_seconds is an hour or more (both would run).
 */
int crontab_render(const struct crontab_block *b, FILE *out, tb_err *e);

/* Copy text to f without home's block; *found says whether it was there. */
void crontab_strip(FILE *f, const char *text, const char *home, int *found);

/*
 * The TB_ variables of the environment that tb's programs read and the
 * block does not carry, sorted, into names (at most max; caller frees
 * each).  TB_HOME and TB_CONFIG (carried), TB_CRONTAB (tb-cron's own) and
 * variables that are not tb's (a test suite's TB_ROOT) are left out.
 */
size_t crontab_uncarried(char **names, size_t max);

/*
 * The user's crontab through the crontab command cmd (crontab(1), or a
 * stand-in in tests).  crontab_read: the table into *text ("" when the
 * user has none; caller frees).  crontab_write: install text, checked
 * first with `cmd -n` when check is set and the command knows -n; the
 * temporary file it needs is made in dir.  TB_EUNAVAIL when the command
 * fails, naming it and what it said.
 */
int crontab_read(const char *cmd, char **text, tb_err *e);
int crontab_write(const char *cmd, int check, const char *dir,
    const char *text, tb_err *e);

#endif
