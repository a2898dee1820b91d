/*
 * app.c - the common frame of tb programs.  See app.h.
 */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "lock.h"
#include "log.h"
#include "notify.h"
#include "summary.h"

void
app_init(struct tb_app *app, const char *program)
{
	memset(app, 0, sizeof *app);
	app->program = program;
	app->lock_fd = -1;
	log_init(program, 0);
}

void
app_print_version(const char *program)
{
	printf("%s %s\n", program, TB_VERSION);
}

int
app_option(struct tb_app *app, int opt, const char *arg)
{
	struct tb_date d;

	switch (opt) {
	case APP_OPT_CONFIG:
		app->config_file = arg;
		return 1;
	case APP_OPT_DATE:
		if (date_parse(arg, &d) != 0) {
			fprintf(stderr, "%s: --date \"%s\": want a day "
			    "YYYY-MM-DD\n", app->program, arg);
			return -1;
		}
		app->date_arg = arg;
		return 1;
	case APP_OPT_SCHEDULED:
		if (config_parse_hhmm(arg) < 0) {
			fprintf(stderr, "%s: --scheduled \"%s\": want a time "
			    "HH:MM\n", app->program, arg);
			return -1;
		}
		app->scheduled = arg;
		return 1;
	case APP_OPT_FORCE:
		app->force = 1;
		return 1;
	case APP_OPT_VERSION:
		app->show_version = 1;
		return 1;
	case 'v':
		app->verbose = 1;
		log_init(app->program, 1);
		return 1;
	default:
		return 0;
	}
}

void
app_getopt_default(struct tb_app *app, int ch, const char *arg,
    void (*usage)(int))
{
	if (ch != 'h' && app_option(app, ch, arg) == 1)
		return;
	usage(ch == 'h' ? 0 : TB_EUSAGE);
}

int
app_getopt_done(struct tb_app *app, int argc, void (*usage)(int))
{
	if (optind != argc)
		usage(TB_EUSAGE);
	if (!app->show_version)
		return 0;
	app_print_version(app->program);
	return 1;
}

static void
summary_begin(struct tb_app *app)
{
	app->summary = cJSON_CreateObject();
	cJSON_AddStringToObject(app->summary, "program", app->program);
	if (app->day[0] != '\0')
		cJSON_AddStringToObject(app->summary, "date", app->day);
	cJSON_AddStringToObject(app->summary, "status", "ok");
}

/* Replace (or add) a string field of the summary. */
static void
summary_set(struct tb_app *app, const char *key, const char *value)
{
	if (app->summary == NULL)
		summary_begin(app);
	cJSON_DeleteItemFromObjectCaseSensitive(app->summary, key);
	cJSON_AddStringToObject(app->summary, key, value);
}

void
app_skip(struct tb_app *app, const char *reason)
{
	app->skipped = 1;
	summary_set(app, "status", "skipped");
	summary_set(app, "reason", reason);
	log_info("skipped: %s", reason);
}

int
app_fail(struct tb_app *app, const tb_err *e)
{
	char clean[sizeof e->msg];

	log_redact(e->msg, clean, sizeof clean);
	summary_set(app, "error", clean);
	return e->code != 0 ? e->code : TB_EINTERNAL;
}

static int
settle_date(struct tb_app *app, tb_err *e)
{
	int rc;

	if ((rc = clock_now(&app->now, e)) != 0)
		return rc;
	if (app->date_arg != NULL)
		date_parse(app->date_arg, &app->date);
	else
		clock_local_date(app->now, &app->date);
	date_format(&app->date, app->day);
	app->main_trader = get_main_trader(&app->date);
	app->virtual_trader = get_virtual_trader(&app->date);
	return 0;
}

/* --scheduled: is the slot due now?  Skips (returns 1) when not. */
static int
check_schedule(struct tb_app *app)
{
	char reason[200], at[26];
	enum clock_due due;

	if (app->scheduled == NULL)
		return 0;
	due = clock_due(config_parse_hhmm(app->scheduled),
	    app->cfg.misfire_grace_seconds, app->now, &app->slot);
	if (due == DUE_NOW)
		return 0;
	if (due == DUE_MISSED && (app->flags & APP_CHAINED) &&
	    (app->flags & APP_DB) && app->now < app->slot + APP_CHAIN_WINDOW) {
		app->chain_check = 1;	/* decided once the database is open */
		return 0;
	}
	if (due == DUE_EARLY)
		snprintf(reason, sizeof reason, "not due: scheduled for %s, "
		    "now is %s", app->scheduled, clock_iso_local(app->now, at));
	else
		snprintf(reason, sizeof reason, "missed: scheduled for %s, now "
		    "is %s, later than the %lds grace", app->scheduled,
		    clock_iso_local(app->now, at),
		    app->cfg.misfire_grace_seconds);
	app_skip(app, reason);
	return 1;
}

/*
 * An APP_CHAINED program past its grace: due only if tb-decide's run for
 * this date started inside the slot's grace (the chain it belongs to).
 */
static int
check_chain(struct tb_app *app, tb_err *e)
{
	char from[21], to[21], reason[200];
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_prepare(app->db, "SELECT 1 FROM runs WHERE program = "
	    "'tb-decide' AND date = ? AND status = 'ok' AND started_at >= ? "
	    "AND started_at <= ?", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, app->day);
	db_bind_text(st, 2, clock_iso_utc(app->slot, from));
	db_bind_text(st, 3, clock_iso_utc(app->slot +
	    app->cfg.misfire_grace_seconds, to));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db_fail(app->db, "read runs", e);
	snprintf(reason, sizeof reason, "missed: scheduled for %s and "
	    "tb-decide did not run for that slot", app->scheduled);
	app_skip(app, reason);
	return 0;
}


/*
 * We hold the program's lock, so a run of it still marked 'running' died
 * without finishing (killed, power cut): say so.
 */
static int
mark_crashed_runs(struct tb_app *app, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(app->flags & APP_LOCK))
		return 0;
	if ((rc = db_prepare(app->db, "UPDATE runs SET status = 'crashed' "
	    "WHERE program = ? AND status = 'running'", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, app->program);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(app->db, "mark crashed runs", e);
	if (sqlite3_changes(app->db) > 0)
		log_warn("%d earlier run(s) of %s did not finish (crashed or "
		    "killed)", sqlite3_changes(app->db), app->program);
	return 0;
}

static int
record_run_start(struct tb_app *app, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	if ((rc = mark_crashed_runs(app, e)) != 0)
		return rc;
	if ((rc = db_prepare(app->db, "INSERT INTO runs (program, date, "
	    "started_at) VALUES (?, ?, ?)", &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, app->program);
	db_bind_text(st, 2, app->day);
	db_bind_text(st, 3, clock_iso_utc(time(NULL), now));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(app->db, "record run", e);
	app->run_id = sqlite3_last_insert_rowid(app->db);
	return 0;
}

int
app_start(struct tb_app *app, int flags)
{
	tb_err e;
	int rc;

	tb_err_clear(&e);
	app->flags = flags;
	umask(077);
	if ((rc = config_load(&app->cfg, app->config_file, &e)) != 0 ||
	    (clock_set_timezone(app->cfg.orchestrator_timezone) != 0 &&
	    (rc = tb_errf(&e, TB_ECONFIG, "config: orchestrator_timezone = "
	    "\"%s\": cannot be used", app->cfg.orchestrator_timezone))) ||
	    (rc = settle_date(app, &e)) != 0) {
		summary_begin(app);
		return app_fail(app, &e);
	}
	summary_begin(app);
	if ((flags & APP_TRADING_DAY) && !app->force &&
	    !is_trading_day(&app->cfg, &app->date)) {
		app_skip(app, "not a trading day");
		return 0;
	}
	if (check_schedule(app))
		return 0;
	if ((flags & APP_LOCK) && (rc = lock_acquire(app->cfg.home,
	    app->program, &app->lock_fd, &e)) != 0)
		return app_fail(app, &e);
	if ((flags & APP_DB) && (rc = (flags & APP_DB_EXISTING ?
	    db_open_existing : db_open)(app->cfg.home, &app->db, &e)) != 0)
		return app_fail(app, &e);
	if (app->chain_check && ((rc = check_chain(app, &e)) != 0 ||
	    app->skipped))
		return rc != 0 ? app_fail(app, &e) : 0;
	if ((flags & APP_DB) && !(flags & APP_NO_RUN) &&
	    (rc = record_run_start(app, &e)) != 0)
		return app_fail(app, &e);
	/*
	 * No http_global_init here: the first request initialises libcurl,
	 * so a program that makes none (tb-status, tb-approve, tb-cron) does
	 * not link or load it.  That is most of their start-up time.
	 */
	return 0;
}

static const char *
run_status(const struct tb_app *app, int rc)
{
	if (rc != 0)
		return "failed";
	return app->skipped ? "skipped" : "ok";
}

static void
record_run_end(struct tb_app *app, int rc, const char *json)
{
	sqlite3_stmt *st;
	tb_err e;
	char now[21];

	if (app->db == NULL || app->run_id == 0)
		return;
	if (db_prepare(app->db, "UPDATE runs SET finished_at = ?, status = ?, "
	    "exit_code = ?, summary_json = ? WHERE id = ?", &st, &e) != 0) {
		log_error("%s", e.msg);
		return;
	}
	db_bind_text(st, 1, clock_iso_utc(time(NULL), now));
	db_bind_text(st, 2, run_status(app, rc));
	sqlite3_bind_int(st, 3, rc);
	db_bind_text(st, 4, json);
	sqlite3_bind_int64(st, 5, app->run_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_error("database: cannot record the end of run %lld: %s",
		    app->run_id, sqlite3_errmsg(app->db));
	sqlite3_finalize(st);
}

/*
 * A failed run of a program that does work (one that holds its lock: not
 * the viewer tb-status) hands its summary to alert_command.  The summary
 * holds no secret, and notify.c gives the command none.
 */
static void
run_alert(const struct tb_app *app, int rc, const char *json)
{
	struct notify n;

	if (rc == 0 || json == NULL || !(app->flags & APP_LOCK) ||
	    app->cfg.alert_command == NULL || app->cfg.alert_command[0] == '\0')
		return;
	if (notify_start(&n, "alert_command", app->cfg.alert_command,
	    json) == 0)
		notify_finish(&n, APP_ALERT_WAIT_MS);
}

int
app_finish(struct tb_app *app, int rc)
{
	cJSON *err;
	char *json = NULL;

	if (app->summary == NULL)
		summary_begin(app);
	if (rc != 0) {
		summary_set(app, "status", "failed");
		if ((err = cJSON_GetObjectItem(app->summary, "error")) != NULL &&
		    cJSON_IsString(err))
			log_error("%s", err->valuestring);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(app->summary, "exit_code");
	cJSON_AddNumberToObject(app->summary, "exit_code", rc);
	summary_round(app->summary);
	if ((json = cJSON_PrintUnformatted(app->summary)) == NULL)
		rc = rc ? rc : TB_EINTERNAL;
	record_run_end(app, rc, json);
	if (json != NULL && !(app->flags & APP_NO_SUMMARY && rc == 0 &&
	    !app->skipped))
		printf("%s\n", json);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write to stdout\n", app->program);
		rc = rc ? rc : TB_EINTERNAL;
	}
	run_alert(app, rc, json);
	free(json);
	cJSON_Delete(app->summary);
	app->summary = NULL;
	db_close(app->db);
	app->db = NULL;
	lock_release(app->lock_fd);
	app->lock_fd = -1;
	config_free(&app->cfg);
	log_shutdown();
	return rc;
}
