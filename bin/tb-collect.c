/*
 * tb-collect - one Reddit collection round, or the day's digest.
 *
 *	tb-collect --round N [--date D] [--scheduled HH:MM] [--force] [-v]
 *	tb-collect --digest [--date D]
 *
 * A round is lib/collect.h's collect_round(): the universe, every
 * subreddit, and the rule of which failures fail it (collect_verdict: a
 * subreddit Reddit fails is a warning; all of them failing is exit 69).
 * --digest is lib/digest.h's digest_build(), printed as its one JSON
 * document instead of the run summary.  This file parses the options,
 * calls the step and writes what it returned.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "collect.h"
#include "config.h"
#include "digest.h"
#include "util.h"

static void usage(int status) __attribute__((noreturn));

/* Parse --round's argument: 1 to CONFIG_MAX_TIMES, else -1. */
static int
parse_round(const char *s)
{
	char *end;
	long n;

	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || n < 1 || n > CONFIG_MAX_TIMES)
		return -1;
	return (int)n;
}

static void
add_subreddits(cJSON *s, const struct collect_result *r)
{
	cJSON *subs, *o;
	size_t i;

	subs = cJSON_AddArrayToObject(s, "subreddits");
	for (i = 0; subs != NULL && i < r->nsubs; i++) {
		const struct collect_sub *sub = &r->subs[i];

		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(o, "name", sub->name);
		cJSON_AddNumberToObject(o, "fetched", sub->count.fetched);
		cJSON_AddNumberToObject(o, "new", sub->count.added);
		cJSON_AddNumberToObject(o, "updated", sub->count.updated);
		if (sub->err.code != 0)
			cJSON_AddStringToObject(o, "error", sub->err.msg);
		else
			cJSON_AddNullToObject(o, "error");
		cJSON_AddItemToArray(subs, o);
	}
}

static void
summarize(cJSON *s, const struct tb_app *app, int number,
    const struct collect_result *r, long long started)
{
	char hhmm[6];

	cJSON_AddNumberToObject(s, "round", number);
	config_format_hhmm(app->cfg.collect_minutes[number - 1], hhmm);
	cJSON_AddStringToObject(s, "scheduled", hhmm);
	add_subreddits(s, r);
	cJSON_AddNumberToObject(s, "posts_fetched", r->total.fetched);
	cJSON_AddNumberToObject(s, "posts_new", r->total.added);
	cJSON_AddNumberToObject(s, "posts_updated", r->total.updated);
	cJSON_AddNumberToObject(s, "mentions", r->tickers);
	cJSON_AddStringToObject(s, "universe",
	    universe_source_name(r->universe));
	cJSON_AddNumberToObject(s, "instruments", (double)r->instruments);
	if (r->universe_error[0] != '\0')
		cJSON_AddStringToObject(s, "universe_error", r->universe_error);
	cJSON_AddNumberToObject(s, "duration_ms",
	    (double)(util_now_ms() - started));
}

static int
run_round(struct tb_app *app, int number)
{
	long long started = util_now_ms();
	struct collect_input in;
	struct collect_result out;
	tb_err e;
	int rc;

	if ((rc = app_start(app, APP_TRADING_DAY | APP_LOCK | APP_DB)) != 0 ||
	    app->skipped)
		return app_finish(app, rc);
	memset(&in, 0, sizeof in);
	in.db = app->db;
	in.cfg = &app->cfg;
	in.day = app->day;
	in.round = number;
	in.now = app->now;
	tb_err_clear(&e);
	rc = collect_round(&in, &out, &e);
	if (out.collected)
		summarize(app->summary, app, number, &out, started);
	collect_result_free(&out);
	return app_finish(app, rc != 0 ? app_fail(app, &e) : 0);
}

static int
run_digest(struct tb_app *app)
{
	struct digest d;
	char *json;
	tb_err e;
	int rc;

	if ((rc = app_start(app, APP_DB | APP_NO_RUN | APP_NO_SUMMARY)) != 0 ||
	    app->skipped)
		return app_finish(app, rc);
	tb_err_clear(&e);
	if ((rc = digest_build(app->db, app->day, &d, &e)) != 0)
		return app_finish(app, app_fail(app, &e));
	/* The same bytes digest_build stored. */
	json = digest_json(&d);
	digest_free(&d);
	if (json == NULL) {
		tb_errf(&e, TB_EINTERNAL, "digest: out of memory");
		return app_finish(app, app_fail(app, &e));
	}
	printf("%s\n", json);
	free(json);
	return app_finish(app, 0);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "round", required_argument, NULL, 'r' },
		{ "digest", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_app app;
	int ch, number = 0, digest = 0;

	app_init(&app, "tb-collect");
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if ((number = parse_round(optarg)) < 0) {
				fprintf(stderr, "tb-collect: --round \"%s\": "
				    "want a round number (1, 2, ...)\n",
				    optarg);
				return TB_EUSAGE;
			}
			break;
		case 'd':
			digest = 1;
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	if (digest && number > 0) {
		fprintf(stderr, "tb-collect: --round and --digest exclude each "
		    "other\n");
		usage(TB_EUSAGE);
	}
	if (digest)
		return run_digest(&app);
	if (number == 0) {
		fprintf(stderr, "tb-collect: --round N or --digest is "
		    "required\n");
		usage(TB_EUSAGE);
	}
	return run_round(&app, number);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-collect --round N [--date YYYY-MM-DD] [--scheduled HH:MM]\n"
	    "                  [--force] [--config FILE] [-v]\n"
	    "       tb-collect --digest [--date YYYY-MM-DD] [--config FILE] [-v]\n"
	    "\n"
	    "Collect one round of Reddit posts (round N of scheduler_collect_times)\n"
	    "and the tickers they mention, or print the day's digest as JSON.\n"
	    "\n"
	    "  --round N       the round to collect, 1 .. the number of\n"
	    "                  scheduler_collect_times\n"
	    "  --digest        build, store and print the date's digest\n"
	    "  --date D        the day (default: today in orchestrator_timezone)\n"
	    "  --scheduled T   started by cron for HH:MM: skip unless due\n"
	    "  --force         run on a weekend or holiday too\n"
	    "  --config FILE   configuration file (default $TB_CONFIG, then\n"
	    "                  $TB_HOME/tb.conf)\n"
	    "  -v, --verbose   debug logging on stderr\n"
	    "  --version       print the version\n"
	    "  -h, --help      this help\n"
	    "\n"
	    "Exit status: 0 done or skipped, 64 usage, 69 every subreddit failed,\n"
	    "70 internal error, 73 disk full, 75 another tb-collect is running or\n"
	    "the database stayed locked, 78 configuration.\n");
	exit(status);
}
