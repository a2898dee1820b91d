/*
 * tb-collect - one Reddit collection round, or the day's digest.
 *
 *	tb-collect --round N [--date D] [--scheduled HH:MM] [--force] [-v]
 *	tb-collect --digest [--date D]
 *
 * A round: settle the Trading 212 universe (refreshed at most once a day,
 * else the cache, else missing: lib/instruments.h), then for each
 * configured subreddit read /new back to the previous round and the first
 * page of /hot (lib/reddit.h), storing page by page (lib/posts.h).  A
 * subreddit that fails is reported in the summary and the round goes on;
 * only when every subreddit fails does the round fail (exit 69).  What
 * was stored before a failure stays stored.
 *
 * --digest builds the date's digest (lib/digest.h), stores it and prints
 * it as one JSON document instead of the run summary.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "app.h"
#include "config.h"
#include "digest.h"
#include "instruments.h"
#include "log.h"
#include "posts.h"
#include "reddit.h"
#include "symbols.h"

/* What one subreddit gave. */
struct sub_result {
	const char *name;
	struct posts_count count;
	int pages;
	tb_err err;
};

/* A round in progress. */
struct round {
	struct tb_app *app;
	int number;
	struct universe universe;
	enum universe_source source;
	char universe_error[256];
	struct posts_round store;
	struct reddit_client reddit;
	struct sub_result *subs;	/* one per configured subreddit */
	struct sub_result *current;
	struct posts_count total;
	size_t failed;
	long tickers;
	time_t wall_start;
};

static void usage(int status) __attribute__((noreturn));

static double
monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

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

/* reddit_collect's page callback: store the page's posts. */
static int
store_page(const struct reddit_page *page, void *arg, tb_err *e)
{
	struct round *r = arg;

	return posts_store(&r->store, page->posts, page->n, &r->current->count,
	    e);
}

static void
collect_subreddit(struct round *r, struct sub_result *sub, double since)
{
	tb_err_clear(&sub->err);
	r->current = sub;
	if (reddit_collect(&r->reddit, sub->name, since, store_page, r,
	    &sub->pages, &sub->err) != 0) {
		r->failed++;
		log_warn("%s", sub->err.msg);
	}
	log_info("r/%s: %ld posts (%ld new, %ld updated) from %d pages",
	    sub->name, sub->count.fetched, sub->count.added,
	    sub->count.updated, sub->pages);
	r->total.fetched += sub->count.fetched;
	r->total.added += sub->count.added;
	r->total.updated += sub->count.updated;
}

/* Every subreddit gets the same error (the token could not be had). */
static void
fail_all(struct round *r, const tb_err *err)
{
	size_t i;

	for (i = 0; i < r->app->cfg.nsubreddits; i++)
		r->subs[i].err = *err;
	r->failed = r->app->cfg.nsubreddits;
}

/* The failed subreddits as a JSON text for collection_rounds, or NULL. */
static char *
errors_json(const struct round *r)
{
	cJSON *arr, *o;
	char *text;
	size_t i;

	if (r->failed == 0 || (arr = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < r->app->cfg.nsubreddits; i++) {
		if (r->subs[i].err.code == 0 ||
		    (o = cJSON_CreateObject()) == NULL)
			continue;
		cJSON_AddStringToObject(o, "subreddit", r->subs[i].name);
		cJSON_AddStringToObject(o, "error", r->subs[i].err.msg);
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return text;
}

static void
add_summary(struct round *r, double started)
{
	cJSON *s = r->app->summary, *subs, *o;
	char hhmm[6];
	size_t i;

	cJSON_AddNumberToObject(s, "round", r->number);
	config_format_hhmm(r->app->cfg.collect_minutes[r->number - 1], hhmm);
	cJSON_AddStringToObject(s, "scheduled", hhmm);
	subs = cJSON_AddArrayToObject(s, "subreddits");
	for (i = 0; subs != NULL && i < r->app->cfg.nsubreddits; i++) {
		const struct sub_result *sub = &r->subs[i];

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
	cJSON_AddNumberToObject(s, "posts_fetched", r->total.fetched);
	cJSON_AddNumberToObject(s, "posts_new", r->total.added);
	cJSON_AddNumberToObject(s, "posts_updated", r->total.updated);
	cJSON_AddNumberToObject(s, "mentions", r->tickers);
	cJSON_AddStringToObject(s, "universe", universe_source_name(r->source));
	cJSON_AddNumberToObject(s, "instruments", (double)r->universe.n);
	if (r->universe_error[0] != '\0')
		cJSON_AddStringToObject(s, "universe_error", r->universe_error);
	cJSON_AddNumberToObject(s, "duration_ms",
	    (double)(long long)((monotonic_now() - started) * 1000));
}

/* Fetch and store every subreddit; then close the round's record. */
static int
collect(struct round *r, tb_err *e)
{
	struct tb_app *app = r->app;
	char *errors;
	time_t since;
	tb_err auth;
	size_t i;
	int rc;

	if ((rc = posts_since(app->db, app->day, r->number, app->now, &since,
	    e)) != 0 || (rc = posts_round_begin(&r->store, app->db, app->day,
	    r->number, app->now, r->source == UNIVERSE_MISSING ? NULL :
	    &r->universe, e)) != 0)
		return rc;
	reddit_init(&r->reddit, &app->cfg, app->db);
	tb_err_clear(&auth);
	if (reddit_authenticate(&r->reddit, &auth) != 0)
		fail_all(r, &auth);
	else
		for (i = 0; i < app->cfg.nsubreddits; i++)
			collect_subreddit(r, &r->subs[i], (double)since);
	reddit_free(&r->reddit);
	errors = errors_json(r);
	/* The round's clock is the program's (TB_NOW); its length is real. */
	rc = posts_round_end(&r->store, &r->total, errors,
	    app->now + (time(NULL) - r->wall_start), e);
	free(errors);
	posts_round_free(&r->store);
	if (rc == 0)
		rc = posts_round_tickers(app->db, app->day, r->number,
		    &r->tickers, e);
	if (rc == 0 && auth.code != 0)
		rc = tb_errf(e, auth.code, "%s", auth.msg);
	else if (rc == 0 && r->failed > 0 &&
	    r->failed == app->cfg.nsubreddits)
		rc = tb_errf(e, TB_EUNAVAIL, "reddit: all %zu subreddits "
		    "failed; first: %s", r->failed, r->subs[0].err.msg);
	return rc;
}

static int
run_round(struct tb_app *app, int number)
{
	struct round r;
	double started = monotonic_now();
	tb_err e;
	size_t i;
	int rc;

	if ((rc = app_start(app, APP_TRADING_DAY | APP_LOCK | APP_DB)) != 0 ||
	    app->skipped)
		return app_finish(app, rc);
	tb_err_clear(&e);
	if ((size_t)number > app->cfg.ncollect) {
		tb_errf(&e, TB_EUSAGE, "--round %d: there are %zu rounds "
		    "(scheduler_collect_times)", number, app->cfg.ncollect);
		return app_finish(app, app_fail(app, &e));
	}
	memset(&r, 0, sizeof r);
	r.app = app;
	r.number = number;
	r.wall_start = time(NULL);
	if ((r.subs = calloc(app->cfg.nsubreddits, sizeof *r.subs)) == NULL) {
		tb_errf(&e, TB_EINTERNAL, "out of memory");
		return app_finish(app, app_fail(app, &e));
	}
	for (i = 0; i < app->cfg.nsubreddits; i++)
		r.subs[i].name = app->cfg.subreddits[i];
	if ((rc = instruments_universe(app->db, &app->cfg, app->now,
	    &r.universe, &r.source, r.universe_error,
	    sizeof r.universe_error, &e)) == 0) {
		rc = collect(&r, &e);
		add_summary(&r, started);
		universe_free(&r.universe);
	}
	free(r.subs);
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
	    "70 internal error, 75 another tb-collect is running, 78 configuration.\n");
	exit(status);
}
