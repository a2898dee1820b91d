/*
 * app.h - the frame every tb program runs in.
 *
 * A program parses its options with getopt_long, passing the options it
 * does not know itself to app_option() (the common ones: --config,
 * --date, -v/--verbose, --scheduled, --force, --version).  Then
 * app_start() does, in this order, what DESIGN section 3 asks of every
 * program:
 *
 *   1. load the configuration and switch to the orchestrator timezone;
 *   2. settle the date (--date, else today in that zone, from TB_NOW or
 *      the wall clock);
 *   3. APP_TRADING_DAY: a weekend or holiday is skipped ("not a trading
 *      day") unless --force, before any lock, database or network;
 *   4. --scheduled HH:MM: not due yet, or missed by more than
 *      misfire_grace_seconds, is skipped.  APP_CHAINED programs (tb-approve
 *      and tb-execute, which cron runs after `tb-decide --scheduled T &&`)
 *      are also due later than the grace when tb-decide's run for this
 *      date started inside the slot's grace and the slot is less than
 *      APP_CHAIN_WINDOW seconds old: the chain goes on however long
 *      deciding and approving took, while the other zone offset's entry
 *      of the same slot (an hour away) still skips;
 *   5. APP_LOCK: the program's lock (exit 75 when held);
 *   6. APP_DB: open and migrate the database (with APP_DB_EXISTING only
 *      one that exists: a viewer never creates TB_HOME or tb.db), and
 *      record a `runs` row.
 *
 * The program then adds its results to app->summary (a cJSON object that
 * already holds program, date and status) and ends with
 * `return app_finish(app, rc);`, which rounds the summary's amounts
 * (summary.h), records the run's end, prints the summary as one JSON line
 * on stdout, logs a failure on stderr, hands a failed run's summary to
 * alert_command (programs that hold a lock: the viewer tb-status never
 * alerts; the command gets APP_ALERT_WAIT_MS to finish, then goes on
 * alone), releases everything, and returns the exit code.  A skip is rc 0
 * with status "skipped" and a reason (app_skip).
 */
#ifndef TB_APP_H
#define TB_APP_H

#include <getopt.h>
#include <sqlite3.h>
#include <time.h>

#include <cJSON.h>

#include "clock.h"
#include "config.h"
#include "err.h"
#include "rotation.h"

enum app_flags {
	APP_TRADING_DAY = 1 << 0,	/* skip weekends and holidays */
	APP_LOCK = 1 << 1,		/* one instance at a time */
	APP_DB = 1 << 2,		/* open the database, record the run */
	APP_NO_SUMMARY = 1 << 3,	/* the program prints its own document */
	APP_NO_RUN = 1 << 4,		/* with APP_DB: a viewer, no runs row */
	APP_CHAINED = 1 << 5,		/* runs after tb-decide in the cron chain */
	APP_DB_EXISTING = 1 << 6	/* with APP_DB: never create one (78) */
};

/* Option codes of the common long options (outside any short option). */
enum app_option_code {
	APP_OPT_CONFIG = 1000, APP_OPT_DATE, APP_OPT_SCHEDULED, APP_OPT_FORCE,
	APP_OPT_VERSION, APP_OPT_VERBOSE
};

/* Put these in a program's struct option array (before its own). */
#define APP_LONG_OPTIONS						\
	{ "config", required_argument, NULL, APP_OPT_CONFIG },		\
	{ "date", required_argument, NULL, APP_OPT_DATE },		\
	{ "scheduled", required_argument, NULL, APP_OPT_SCHEDULED },	\
	{ "force", no_argument, NULL, APP_OPT_FORCE },			\
	{ "version", no_argument, NULL, APP_OPT_VERSION },		\
	{ "verbose", no_argument, NULL, 'v' },				\
	{ "help", no_argument, NULL, 'h' }

/* How long a failed run waits for alert_command (notify.h). */
#define APP_ALERT_WAIT_MS 5000

/* How long after its slot a cron chain may still run (under an hour). */
#define APP_CHAIN_WINDOW 3000

struct tb_app {
	const char *program;		/* "tb-collect" */
	struct tb_config cfg;
	sqlite3 *db;			/* with APP_DB */
	int lock_fd;			/* with APP_LOCK, else -1 */
	int flags;

	/* Common options. */
	const char *config_file;
	const char *date_arg;
	const char *scheduled;		/* "HH:MM" or NULL */
	int force;
	int verbose;
	int show_version;

	/* Settled by app_start. */
	time_t now;			/* TB_NOW or wall clock */
	struct tb_date date;
	char day[11];			/* date as "YYYY-MM-DD" */
	const char *main_trader;	/* NULL on weekends */
	const char *virtual_trader;
	long long run_id;		/* runs.id, 0 without APP_DB */
	int skipped;
	int chain_check;		/* missed: due only as a chain's tail */
	time_t slot;			/* --scheduled slot instant */
	cJSON *summary;			/* the one-line result */
};

/*
 * Handle a common option: 1 if it was one, 0 if not, -1 if its argument
 * is invalid (a message was printed; exit 64).
 */
int app_option(struct tb_app *app, int opt, const char *arg);

/*
 * The `default:` of a program's getopt_long switch: a common option is
 * taken; -h calls usage(0); anything else, or a common option with a bad
 * argument, calls usage(64).  usage prints the program's help (to stdout
 * for 0, else stderr) and exits.
 */
void app_getopt_default(struct tb_app *app, int ch, const char *arg,
    void (*usage)(int));

/*
 * After the option loop: operands are a usage error (usage(64)); with
 * --version the version is printed and 1 returned (main returns 0).
 */
int app_getopt_done(struct tb_app *app, int argc, void (*usage)(int));

/* Initialise app for program (before option parsing). */
void app_init(struct tb_app *app, const char *program);

/*
 * Steps 1-6 above.  Returns 0 to go on; otherwise the program should
 * `return app_finish(app, rc)` at once: rc is 0 for a skip (app->skipped
 * set) or an exit code.
 */
int app_start(struct tb_app *app, int flags);

/* Mark the run skipped with a reason (exit 0). */
void app_skip(struct tb_app *app, const char *reason);

/*
 * Record the failure message in the summary ("error") and log it; returns
 * e->code so a program can write `return app_finish(app, app_fail(app, &e))`.
 */
int app_fail(struct tb_app *app, const tb_err *e);

/* End the run: see the top of this file.  Returns the exit status. */
int app_finish(struct tb_app *app, int rc);

/* Print the version line and exit status 0 helper for --version. */
void app_print_version(const char *program);

#endif
