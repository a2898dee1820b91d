/*
 * tb-decide - the day's picks: digest, market data, both LLMs at once.
 *
 *	tb-decide [--date D] [--llm NAME] [--force] [--scheduled HH:MM] [-v]
 *
 * The work, its order and the exit rule are lib/decide.h's decide_day();
 * this file parses the options, calls it and writes its result as the
 * run summary.
 *
 * Exit: 0 when the main trader succeeded, even if the other LLM failed
 * (the summary says which and why); 69 when the main trader's pipeline
 * failed (the other's picks are still stored), 78 when that was for want
 * of its API key.  Without the main trader in the run (--llm the other
 * one), the same when every LLM asked failed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "decide.h"
#include "llm.h"
#include "util.h"

static void	usage(int status) __attribute__((noreturn));
static void	summarize(cJSON *sum, const struct tb_app *app,
		    const struct decide_result *r, long long started);

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "llm", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	long long started = util_now_ms();
	struct decide_input in;
	struct decide_result out;
	struct tb_app app;
	const struct llm *only = NULL;
	tb_err e;
	int ch, rc;

	app_init(&app, "tb-decide");
	while ((ch = getopt_long(argc, argv, "hl:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if ((only = llm_find(optarg)) == NULL) {
				fprintf(stderr, "tb-decide: --llm: \"%s\" is "
				    "not claude or minimax\n", optarg);
				usage(TB_EUSAGE);
			}
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	if ((rc = app_start(&app, APP_TRADING_DAY | APP_LOCK | APP_DB)) != 0 ||
	    app.skipped)
		return app_finish(&app, rc);
	memset(&in, 0, sizeof in);
	in.db = app.db;
	in.cfg = &app.cfg;
	in.date = &app.date;
	in.day = app.day;
	in.main_trader = app.main_trader;
	in.only = only;
	in.force = app.force;
	tb_err_clear(&e);
	rc = decide_day(&in, &out, &e);
	summarize(app.summary, &app, &out, started);
	decide_result_free(&out);
	return app_finish(&app, rc != 0 ? app_fail(&app, &e) : 0);
}

static void
add_count_or_null(cJSON *o, const char *name, long v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(o, name, (double)v);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *
seat_summary(const struct decide_seat *s)
{
	const struct llm_job *j = &s->job;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "status", decide_seat_status(s));
	cJSON_AddBoolToObject(o, "main_trader", s->is_main);
	if (s->not_asked != NULL)
		cJSON_AddStringToObject(o, "reason", s->not_asked);
	if (!j->ran && s->err.code != 0)
		cJSON_AddStringToObject(o, "error", s->err.msg);
	if (!j->ran)
		return o;
	cJSON_AddNumberToObject(o, "picks", (double)s->stored.stored);
	cJSON_AddNumberToObject(o, "dropped",
	    (double)decide_seat_dropped(s));
	if (s->kept > 0)
		cJSON_AddNumberToObject(o, "kept", (double)s->kept);
	cJSON_AddNumberToObject(o, "attempts", j->nattempts);
	add_count_or_null(o, "tokens_in", j->tokens_in);
	add_count_or_null(o, "tokens_out", j->tokens_out);
	cJSON_AddNumberToObject(o, "latency_ms", (double)j->latency_ms);
	if (!j->ok)
		cJSON_AddStringToObject(o, "error", j->err.msg);
	return o;
}

static void
add_market(cJSON *sum, const struct market_set *m)
{
	cJSON *md, *list;
	size_t i;

	if (m->n == 0)
		return;
	md = cJSON_AddObjectToObject(sum, "market_data");
	cJSON_AddNumberToObject(md, "ok", (double)m->nok);
	list = cJSON_AddArrayToObject(md, "unavailable");
	for (i = 0; i < m->n; i++)
		if (!m->quotes[i].ok)
			cJSON_AddItemToArray(list,
			    cJSON_CreateString(m->quotes[i].symbol));
	cJSON_AddNumberToObject(md, "cached", (double)m->ncached);
	cJSON_AddNumberToObject(md, "requests", (double)m->nrequests);
}

static void
summarize(cJSON *sum, const struct tb_app *app, const struct decide_result *r,
    long long started)
{
	cJSON *list, *llms, *failed;
	size_t i;

	if (r->reason != NULL)
		cJSON_AddStringToObject(sum, "reason", r->reason);
	cJSON_AddStringToObject(sum, "main_trader", app->main_trader != NULL ?
	    app->main_trader : "none");
	if (r->have_digest)
		cJSON_AddNumberToObject(sum, "digest_tickers",
		    (double)r->digest.ntickers);
	if (r->cands != NULL) {
		list = cJSON_AddArrayToObject(sum, "candidates");
		for (i = 0; i < r->ncands; i++)
			cJSON_AddItemToArray(list,
			    cJSON_CreateString(r->cand_symbols[i]));
	}
	add_market(sum, &r->market);
	llms = cJSON_AddObjectToObject(sum, "llms");
	failed = cJSON_CreateArray();
	for (i = 0; i < r->nseats; i++) {
		cJSON_AddItemToObject(llms, r->seats[i].llm->name,
		    seat_summary(&r->seats[i]));
		if (strcmp(decide_seat_status(&r->seats[i]), "failed") == 0)
			cJSON_AddItemToArray(failed,
			    cJSON_CreateString(r->seats[i].llm->name));
	}
	if (cJSON_GetArraySize(failed) > 0)
		cJSON_AddItemToObject(sum, "failed", failed);
	else
		cJSON_Delete(failed);
	cJSON_AddNumberToObject(sum, "duration_ms",
	    (double)(util_now_ms() - started));
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-decide [--date YYYY-MM-DD] [--llm claude|minimax] "
	    "[--force]\n"
	    "                 [--scheduled HH:MM] [--config FILE] [-v]\n"
	    "\n"
	    "Build the day's digest, fetch market data for its top tickers and\n"
	    "ask both LLMs (concurrently) for picks; store them as proposed.\n"
	    "\n"
	    "  --date D         the day (default: today in "
	    "orchestrator_timezone)\n"
	    "  --llm NAME       ask only claude or only minimax\n"
	    "  --force          ask an LLM that already decided again (its\n"
	    "                   proposed picks are replaced), and run on a\n"
	    "                   day that is not a trading day\n"
	    "  --scheduled T    started by cron for HH:MM: do nothing unless "
	    "due\n"
	    "  --config FILE    configuration file (default $TB_CONFIG, then\n"
	    "                   $TB_HOME/tb.conf)\n"
	    "  -v, --verbose    debug logging on stderr\n"
	    "  --version        print the version\n"
	    "  -h, --help       this help\n"
	    "\n"
	    "Exit status: 0 done (the main trader's picks stored) or nothing\n"
	    "to do, 64 usage, 69 the main trader's pipeline failed, 70\n"
	    "internal error, 75 another tb-decide is running, 78 "
	    "configuration\n(also the main trader's API key missing).\n");
	exit(status);
}
