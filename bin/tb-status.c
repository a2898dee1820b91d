/*
 * tb-status - what happened on a day: rotation, collection rounds, the
 * digest, each LLM's run and picks, the approval, trades and the runs of
 * every program; or one line per day over a range.
 *
 * A viewer: it takes no lock and records no run, so it can be run at any
 * time, even while the day's programs are running.  It never creates
 * TB_HOME or a database: a mistyped TB_HOME is exit 78 saying so.
 *
 * `--config` without a FILE prints the effective configuration instead:
 * every key's value and where it came from, the secrets only as set or
 * unset.  It needs no database.
 *
 * The documents are lib/report.h's, their text tables
 * lib/report_text.h's; this file parses the options, asks for the
 * document and prints it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "clock.h"
#include "report.h"
#include "report_text.h"

static void usage(int status) __attribute__((noreturn));

/* "FROM..TO" into two dates; -1 if malformed or reversed. */
static int
parse_range(const char *s, struct tb_date *from, struct tb_date *to)
{
	char a[11], b[11];

	if (strlen(s) != 22 || strncmp(s + 10, "..", 2) != 0)
		return -1;
	memcpy(a, s, 10);
	a[10] = '\0';
	memcpy(b, s + 12, 10);
	b[10] = '\0';
	if (date_parse(a, from) != 0 || date_parse(b, to) != 0 ||
	    date_compare(from, to) > 0)
		return -1;
	return 0;
}

/* One JSON document on stdout, as one line. */
static int
print_json(struct tb_app *app, const cJSON *doc)
{
	char *text;
	tb_err e;

	if ((text = cJSON_PrintUnformatted(doc)) == NULL)
		return app_fail(app, (tb_errf(&e, TB_EINTERNAL, "out of "
		    "memory"), &e));
	printf("%s\n", text);
	free(text);
	return 0;
}

/* --config: the effective configuration (config_load has validated it). */
static int
show_config(struct tb_app *app, int json)
{
	cJSON *doc;
	tb_err e;
	int rc;

	if (!json) {
		report_print_config(stdout, &app->cfg);
		return 0;
	}
	if (report_config(&app->cfg, &doc, &e) != 0)
		return app_fail(app, &e);
	rc = print_json(app, doc);
	cJSON_Delete(doc);
	return rc;
}

/* The day, or the range from..to when range is set. */
static int
show(struct tb_app *app, int json, int range, const struct tb_date *from,
    const struct tb_date *to)
{
	cJSON *doc;
	tb_err e;
	int rc;

	if (range)
		rc = report_range(app->db, &app->cfg, from, to, &doc, &e);
	else
		rc = report_day(app->db, &app->cfg, &app->date, &doc, &e);
	if (rc != 0)
		return app_fail(app, &e);
	rc = 0;
	if (json)
		rc = print_json(app, doc);
	else if (range)
		report_print_range(stdout, doc);
	else
		report_print_day(stdout, doc);
	cJSON_Delete(doc);
	return rc;
}

int
main(int argc, char *argv[])
{
	/*
	 * --config's FILE is optional here (see the top): this entry comes
	 * before the common one, and getopt_long takes the first that
	 * matches exactly.
	 */
	static const struct option longopts[] = {
		{ "config", optional_argument, NULL, 'C' },
		APP_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "range", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_date from, to;
	struct tb_app app;
	int ch, json = 0, config = 0, range = 0, rc;

	app_init(&app, "tb-status");
	while ((ch = getopt_long(argc, argv, "hjv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			/* A separate FILE operand is --config FILE. */
			if (optarg == NULL && optind < argc &&
			    argv[optind][0] != '-')
				optarg = argv[optind++];
			if (optarg != NULL)
				app.config_file = optarg;
			else
				config = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'r':
			if (parse_range(optarg, &from, &to) != 0) {
				fprintf(stderr, "tb-status: --range \"%s\": want "
				    "FROM..TO, e.g. 2026-03-01..2026-03-31\n",
				    optarg);
				return TB_EUSAGE;
			}
			range = 1;
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	if (config) {
		if ((rc = app_start(&app, APP_NO_SUMMARY)) != 0)
			return app_finish(&app, rc);
		return app_finish(&app, show_config(&app, json));
	}
	if ((rc = app_start(&app, APP_DB | APP_DB_EXISTING | APP_NO_RUN |
	    APP_NO_SUMMARY)) != 0 || app.skipped)
		return app_finish(&app, rc);
	return app_finish(&app, show(&app, json, range, &from, &to));
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-status [--date YYYY-MM-DD | --range FROM..TO] [--json]\n"
	    "                 [--config FILE] [-v]\n"
	    "       tb-status --config [--json]\n"
	    "\n"
	    "Show what tb did on a day: the rotation (main and virtual trader),\n"
	    "collection rounds, the digest's top tickers, each LLM's run and\n"
	    "picks, the approval, trades with broker ids, totals, and the runs\n"
	    "of every program with their exit status.  Or, with --config alone,\n"
	    "every configuration key's effective value and where it came from.\n"
	    "\n"
	    "  --date D          the day (default: today in orchestrator_timezone)\n"
	    "  --range FROM..TO  one line per day, FROM and TO included\n"
	    "  --json            one JSON document instead of tables\n"
	    "  --config FILE     configuration file (default $TB_CONFIG, then\n"
	    "                    $TB_HOME/tb.conf)\n"
	    "  --config          without FILE: print each key, its value and its\n"
	    "                    source (default, tb.conf, tb.env, environment);\n"
	    "                    secrets only as set or unset\n"
	    "  -v, --verbose     debug logging on stderr\n"
	    "  --version         print the version\n"
	    "  -h, --help        this help\n"
	    "\n"
	    "Exit status: 0 ok, 64 usage, 70 database error, 73 disk full, 75\n"
	    "database locked, 78 configuration error (also: no TB_HOME or no\n"
	    "database there yet; tb-status never creates one).\n");
	exit(status);
}
