/*
 * tb-status - what happened on a day: rotation and trading-day status.
 *
 * A viewer: it takes no lock and records no run, so it can be run at any
 * time, even while the day's programs are running (it creates and
 * migrates the database if there is none yet).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "clock.h"
#include "log.h"

static void usage(int status) __attribute__((noreturn));

static const char *const weekday_names[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

/* Why the day is not a trading day, or NULL. */
static const char *
closed_reason(const struct tb_app *app)
{
	if (app->main_trader == NULL)
		return "weekend";
	if (!is_trading_day(&app->cfg, &app->date))
		return "holiday";
	return NULL;
}

static cJSON *
status_document(const struct tb_app *app)
{
	const char *closed = closed_reason(app);
	cJSON *doc = cJSON_CreateObject();

	cJSON_AddStringToObject(doc, "date", app->day);
	cJSON_AddStringToObject(doc, "weekday",
	    weekday_names[date_weekday(&app->date)]);
	cJSON_AddBoolToObject(doc, "trading_day", closed == NULL);
	if (closed != NULL)
		cJSON_AddStringToObject(doc, "reason", closed);
	if (app->main_trader != NULL) {
		cJSON_AddStringToObject(doc, "main_trader", app->main_trader);
		cJSON_AddStringToObject(doc, "virtual_trader",
		    app->virtual_trader);
	} else {
		cJSON_AddNullToObject(doc, "main_trader");
		cJSON_AddNullToObject(doc, "virtual_trader");
	}
	cJSON_AddStringToObject(doc, "t212_environment",
	    app->cfg.t212_live ? "live" : "demo");
	return doc;
}

static void
print_text(const struct tb_app *app)
{
	const char *closed = closed_reason(app);

	printf("%-16s %s (%s)\n", "date", app->day,
	    weekday_names[date_weekday(&app->date)]);
	printf("%-16s %s\n", "trading day", closed == NULL ? "yes" : closed);
	printf("%-16s %s\n", "main trader", app->main_trader ?
	    app->main_trader : "-");
	printf("%-16s %s\n", "virtual trader", app->virtual_trader ?
	    app->virtual_trader : "-");
	printf("%-16s %s\n", "account", app->cfg.t212_live ?
	    "live (real money)" : "demo");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_app app;
	int ch, json = 0, rc;
	char *text;

	app_init(&app, "tb-status");
	while ((ch = getopt_long(argc, argv, "hjv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(0);
		default:
			if ((rc = app_option(&app, ch, optarg)) == 1)
				break;
			if (rc < 0)
				return TB_EUSAGE;
			usage(TB_EUSAGE);
		}
	}
	if (optind != argc)
		usage(TB_EUSAGE);
	if (app.show_version) {
		app_print_version(app.program);
		return 0;
	}
	if ((rc = app_start(&app, APP_DB | APP_NO_RUN | APP_NO_SUMMARY)) != 0 || app.skipped)
		return app_finish(&app, rc);
	if (json) {
		cJSON *doc = status_document(&app);

		if ((text = cJSON_PrintUnformatted(doc)) != NULL)
			printf("%s\n", text);
		free(text);
		cJSON_Delete(doc);
	} else
		print_text(&app);
	return app_finish(&app, 0);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-status [--date YYYY-MM-DD] [--json] [--config FILE] [-v]\n"
	    "\n"
	    "Show what tb does on a day: whether it is a trading day, and which\n"
	    "LLM is the main trader (real orders) and which the virtual one.\n"
	    "\n"
	    "  --date D      the day (default: today in orchestrator_timezone)\n"
	    "  --json        one JSON document instead of the table\n"
	    "  --config FILE configuration file (default $TB_CONFIG, then\n"
	    "                $TB_HOME/tb.conf)\n"
	    "  -v, --verbose debug logging on stderr\n"
	    "  --version     print the version\n"
	    "\n"
	    "Exit status: 0 ok, 64 usage, 78 configuration error.\n");
	exit(status);
}
