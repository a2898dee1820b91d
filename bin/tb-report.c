/*
 * tb-report - the scoreboard: which LLM is winning, real and virtual
 * trades together, against buying the benchmark with the same euros.
 *
 *	tb-report [--date D | --range FROM..TO] [--json] [--html FILE]
 *	    [--refresh] [--scheduled HH:MM] [--config FILE] [-v]
 *
 * Without --refresh it reads the database only (no request at all).
 * --refresh first stores the day's fills and closes (lib/refresh.h);
 * the figures are lib/scoreboard.h's, the table and the page
 * lib/scoreview.h's.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "refresh.h"
#include "scoreboard.h"
#include "scoreview.h"
#include "summary.h"

struct options {
	const char *range;
	struct tb_date from, to;
	const char *html;
	int json;
	int refresh;
};

static void	usage(int status) __attribute__((noreturn));
static int	parse_range(const char *s, struct tb_date *from,
		    struct tb_date *to);
static int	refresh(struct tb_app *app);
static int	report(struct tb_app *app, const struct options *o);

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "range", required_argument, NULL, 'r' },
		{ "html", required_argument, NULL, 'H' },
		{ "refresh", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	struct options o;
	struct tb_app app;
	int ch, rc, flags;

	memset(&o, 0, sizeof o);
	app_init(&app, "tb-report");
	while ((ch = getopt_long(argc, argv, "hjv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			o.json = 1;
			break;
		case 'r':
			if (parse_range(optarg, &o.from, &o.to) != 0) {
				fprintf(stderr, "tb-report: --range \"%s\": "
				    "want FROM..TO, e.g. 2026-11-02..2026-11-27"
				    "\n", optarg);
				usage(TB_EUSAGE);
			}
			o.range = optarg;
			break;
		case 'H':
			o.html = optarg;
			break;
		case 'R':
			o.refresh = 1;
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	if (o.range != NULL && app.date_arg != NULL) {
		fprintf(stderr, "tb-report: --date and --range: give one\n");
		usage(TB_EUSAGE);
	}
	/*
	 * A report reads; a refresh is a run, on trading days, like cron's,
	 * whose result is its run summary unless the document is asked for.
	 */
	flags = APP_DB;
	flags |= o.refresh ? APP_TRADING_DAY | APP_LOCK : APP_NO_RUN;
	if (!o.refresh || o.json)
		flags |= APP_NO_SUMMARY;
	if ((rc = app_start(&app, flags)) != 0 || app.skipped)
		return app_finish(&app, rc);
	if (o.range == NULL)
		o.to = app.date;
	if (o.refresh && (rc = refresh(&app)) != 0)
		return app_finish(&app, rc);
	if (o.refresh && !o.json && o.html == NULL)
		return app_finish(&app, 0);
	return app_finish(&app, report(&app, &o));
}

/* FROM..TO, both dates, FROM not after TO. */
static int
parse_range(const char *s, struct tb_date *from, struct tb_date *to)
{
	char a[11];
	const char *dots = strstr(s, "..");

	if (dots == NULL || dots - s != 10)
		return -1;
	memcpy(a, s, 10);
	a[10] = '\0';
	if (date_parse(a, from) != 0 || date_parse(dots + 2, to) != 0 ||
	    date_compare(from, to) > 0)
		return -1;
	return 0;
}

/* The refresh's part of the run summary (the runs row, or a failure). */
static void
summarize_refresh(cJSON *s, const struct refresh_result *r)
{
	cJSON *marks, *m, *fills;
	size_t i;

	fills = cJSON_AddObjectToObject(s, "fills");
	cJSON_AddBoolToObject(fills, "read", r->fills_read);
	cJSON_AddNumberToObject(fills, "filled", (double)r->fills.filled);
	cJSON_AddNumberToObject(fills, "rejected", (double)r->fills.rejected);
	cJSON_AddNumberToObject(fills, "still_open",
	    (double)r->fills.still_open);
	cJSON_AddNumberToObject(fills, "fills_updated",
	    (double)r->fills.fills);
	marks = cJSON_AddArrayToObject(s, "marks");
	for (i = 0; i < r->nmarks; i++) {
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "symbol", r->marks[i].symbol);
		cJSON_AddBoolToObject(m, "stored", r->marks[i].stored);
		summary_number(m, "close", r->marks[i].close);
		if (r->marks[i].stored)
			cJSON_AddStringToObject(m, "currency",
			    r->marks[i].currency);
		summary_number(m, "close_eur", r->marks[i].close_eur);
		if (!r->marks[i].stored)
			cJSON_AddStringToObject(m, "error", r->marks[i].error);
		cJSON_AddItemToArray(marks, m);
	}
	cJSON_AddNumberToObject(s, "marks_stored", (double)r->nstored);
	cJSON_AddNumberToObject(s, "marks_failed", (double)r->nfailed);
	if (r->warning[0] != '\0')
		cJSON_AddStringToObject(s, "warning", r->warning);
}

static int
refresh(struct tb_app *app)
{
	struct refresh_input in;
	struct refresh_result out;
	tb_err e;
	int rc;

	memset(&in, 0, sizeof in);
	in.db = app->db;
	in.cfg = &app->cfg;
	in.date = app->date;
	tb_err_clear(&e);
	rc = refresh_day(&in, &out, &e);
	summarize_refresh(app->summary, &out);
	refresh_result_free(&out);
	return rc != 0 ? app_fail(app, &e) : 0;
}

static int
write_html(const char *path, const struct sb_result *r, tb_err *e)
{
	FILE *f;
	int bad;

	if ((f = fopen(path, "w")) == NULL)
		return tb_errf(e, TB_ECANTCREAT, "--html %s: cannot create it: "
		    "%m", path);
	bad = scoreview_html(f, r) != 0;
	if (fclose(f) != 0 || bad)
		return tb_errf(e, TB_ECANTCREAT, "--html %s: cannot write it: "
		    "%m", path);
	return 0;
}

static int
report(struct tb_app *app, const struct options *o)
{
	struct sb_result r;
	cJSON *doc;
	char *text;
	tb_err e;
	int rc;

	if ((rc = scoreboard_build(app->db, &app->cfg, o->range != NULL ?
	    &o->from : NULL, &o->to, &r, &e)) != 0)
		return app_fail(app, &e);
	if (o->html != NULL && (rc = write_html(o->html, &r, &e)) != 0) {
		scoreboard_free(&r);
		return app_fail(app, &e);
	}
	if (o->refresh && !o->json)
		;	/* the run summary is the result */
	else if (o->json) {
		doc = scoreboard_json(&r);
		text = doc != NULL ? cJSON_PrintUnformatted(doc) : NULL;
		if (text == NULL)
			rc = tb_errf(&e, TB_EINTERNAL, "tb-report: out of "
			    "memory");
		else
			printf("%s\n", text);
		free(text);
		cJSON_Delete(doc);
	} else if (scoreview_table(stdout, &r) != 0)
		rc = tb_errf(&e, TB_EINTERNAL, "tb-report: cannot write the "
		    "table: %m");
	scoreboard_free(&r);
	return rc != 0 ? app_fail(app, &e) : 0;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-report [--date YYYY-MM-DD | --range FROM..TO] [--json]\n"
	    "                 [--html FILE] [--refresh] [--scheduled HH:MM]\n"
	    "                 [--config FILE] [-v] [-h]\n"
	    "\n"
	    "The scoreboard of the two LLMs: each one's real and virtual trades\n"
	    "valued at the stored daily closes, ranked by return, against buying\n"
	    "the benchmark (benchmark_symbol) with the same euros on the same\n"
	    "days.  Without --refresh no request is made.\n"
	    "\n"
	    "  --date D           figures as of D (default: today); the series\n"
	    "                     starts at the first trade\n"
	    "  --range FROM..TO   figures as of TO, the series from FROM\n"
	    "  --json             one JSON document instead of the table\n"
	    "  --html FILE        also write a self-contained HTML page (charts\n"
	    "                     of each LLM against its benchmark, the table)\n"
	    "  --refresh          first read the broker's fills and store the\n"
	    "                     day's closes of every held instrument, the FX\n"
	    "                     rates and the benchmark (trading days only,\n"
	    "                     unless --force); prints the run summary, or\n"
	    "                     with --json the document\n"
	    "  --scheduled HH:MM  started by cron for that time: skip unless due\n"
	    "  --config FILE      configuration file (default $TB_CONFIG, then\n"
	    "                     $TB_HOME/tb.conf)\n"
	    "  -v, --verbose      debug logging on stderr\n"
	    "  -h, --help         this help\n"
	    "  --version          print the version\n"
	    "\n"
	    "Exit status: 0 done or skipped, 64 usage, 69 a close or the broker's\n"
	    "fills could not be fetched (what could be is stored), 70 internal\n"
	    "error, 73 the HTML file cannot be written, 75 already running or\n"
	    "the order journal is busy, 78 configuration error.\n");
	exit(status);
}
