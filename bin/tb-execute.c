/*
 * tb-execute - the day's trades: real Trading 212 orders for the main
 * trader's approved picks, virtual trades for the other LLM's picks.
 *
 *	tb-execute [--date D] [--scheduled HH:MM] [--force] [--dry-run] [-v]
 *
 * The work and its safety argument are lib/execute.h's execute_day();
 * this file parses the options, calls it and writes its result as the
 * run summary.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "execute.h"
#include "money.h"
#include "summary.h"

static void	usage(int status) __attribute__((noreturn));
static void	summarize(cJSON *s, const struct tb_app *app, int dry_run,
		    const struct execute_result *r);

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct execute_input in;
	struct execute_result out;
	struct tb_app app;
	tb_err e;
	int ch, rc, flags, dry_run = 0;

	app_init(&app, "tb-execute");
	while ((ch = getopt_long(argc, argv, "hnv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = 1;
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	/*
	 * A dry run changes nothing, not even the run history.  In cron,
	 * tb-execute runs after tb-decide in the chain (APP_CHAINED).
	 */
	flags = APP_TRADING_DAY | APP_LOCK | APP_DB | APP_CHAINED;
	if (dry_run)
		flags |= APP_NO_RUN;
	if ((rc = app_start(&app, flags)) != 0 || app.skipped)
		return app_finish(&app, rc);
	if (app.main_trader == NULL) {
		/* Only with --force on a weekend: there is no rotation. */
		app_skip(&app, "no trader rotation on a weekend");
		return app_finish(&app, 0);
	}
	memset(&in, 0, sizeof in);
	in.db = app.db;
	in.cfg = &app.cfg;
	in.day = app.day;
	in.main_trader = app.main_trader;
	in.virtual_trader = app.virtual_trader;
	in.now = app.now;
	in.dry_run = dry_run;
	in.force = app.force;
	tb_err_clear(&e);
	rc = execute_day(&in, &out, &e);
	summarize(app.summary, &app, dry_run, &out);
	execute_result_free(&out);
	return app_finish(&app, rc != 0 ? app_fail(&app, &e) : 0);
}

static void
add_skip(cJSON *list, const char *ticker, const char *reason)
{
	cJSON *item = cJSON_CreateObject();

	cJSON_AddStringToObject(item, "ticker", ticker);
	cJSON_AddStringToObject(item, "reason", reason);
	cJSON_AddItemToArray(list, item);
}

/* One real order's line; counts it as placed, skipped or failed. */
static void
add_order(cJSON *orders, cJSON *skipped, const struct execute_order *o,
    long *placed, long *failed, money_cents *total)
{
	const struct order_result *r = &o->r;
	cJSON *item = cJSON_CreateObject();
	const char *st = r->status;

	cJSON_AddStringToObject(item, "ticker", o->ticker);
	summary_string(item, "broker_ticker", r->broker_ticker);
	cJSON_AddStringToObject(item, "side", "buy");
	cJSON_AddNumberToObject(item, "quantity", r->quantity);
	cJSON_AddStringToObject(item, "status", st);
	summary_string(item, "broker_order_id", r->broker_order_id);
	if (r->trade_id != 0)
		cJSON_AddNumberToObject(item, "trade_id", (double)r->trade_id);
	cJSON_AddNumberToObject(item, "amount_eur",
	    summary_cents(o->amount_eur));
	if (r->value >= 0 && r->quantity > 0)
		cJSON_AddNumberToObject(item, "value_eur",
		    money_major(r->value));
	summary_number(item, "price", r->price);
	summary_string(item, "currency", r->currency);
	summary_number(item, "decision_price", r->decision_price);
	summary_string(item, "reason", r->reason);
	cJSON_AddItemToArray(orders, item);

	if (strcmp(st, "submitted") == 0 || strcmp(st, "would_send") == 0) {
		(*placed)++;
		if (r->value > 0)
			*total += r->value;
	} else if (strcmp(st, "skipped") == 0 ||
	    strcmp(st, "not_repeated") == 0 ||
	    strcmp(st, "not_attempted") == 0)
		add_skip(skipped, o->ticker, r->reason);
	else
		(*failed)++;
}

static void
add_virtual(cJSON *list, cJSON *skipped, const struct execute_virtual *v,
    long *booked, double *total)
{
	const struct virtual_result *r = &v->r;
	cJSON *item = cJSON_CreateObject();

	cJSON_AddStringToObject(item, "ticker", v->ticker);
	cJSON_AddStringToObject(item, "status", r->status);
	cJSON_AddNumberToObject(item, "quantity", r->quantity);
	if (isfinite(r->price_eur))
		cJSON_AddNumberToObject(item, "price_eur", r->price_eur);
	cJSON_AddNumberToObject(item, "amount_eur",
	    summary_cents(r->amount_eur));
	summary_number(item, "decision_price", r->decision_price);
	if (r->trade_id != 0)
		cJSON_AddNumberToObject(item, "trade_id", (double)r->trade_id);
	if (r->reason[0] != '\0')
		cJSON_AddStringToObject(item, "reason", r->reason);
	cJSON_AddItemToArray(list, item);
	if (strcmp(r->status, "skipped") == 0)
		add_skip(skipped, v->ticker, r->reason);
	else if (strcmp(r->status, "booked") == 0 ||
	    strcmp(r->status, "would_book") == 0) {
		(*booked)++;
		*total += r->amount_eur;
	}
}

static void
add_reconciled(cJSON *s, const struct execute_result *r)
{
	cJSON *rec, *list, *item;
	size_t i;

	rec = cJSON_AddObjectToObject(s, "reconciled");
	list = cJSON_AddArrayToObject(rec, "unknown_trades");
	for (i = 0; i < r->reconciled.ntrades; i++) {
		item = cJSON_CreateObject();
		cJSON_AddNumberToObject(item, "trade_id",
		    (double)r->reconciled.trades[i].trade_id);
		cJSON_AddStringToObject(item, "ticker",
		    r->reconciled.trades[i].ticker);
		cJSON_AddStringToObject(item, "broker_ticker",
		    r->reconciled.trades[i].broker_ticker);
		cJSON_AddNumberToObject(item, "quantity",
		    r->reconciled.trades[i].quantity);
		cJSON_AddItemToArray(list, item);
	}
	cJSON_AddNumberToObject(rec, "matched", (double)r->reconciled.matched);
	cJSON_AddNumberToObject(rec, "unknown", (double)r->reconciled.unknown);
	rec = cJSON_AddObjectToObject(s, "refreshed");
	cJSON_AddNumberToObject(rec, "filled", (double)r->refreshed.filled);
	cJSON_AddNumberToObject(rec, "rejected",
	    (double)r->refreshed.rejected);
	cJSON_AddNumberToObject(rec, "still_open",
	    (double)r->refreshed.still_open);
}

static void
add_account(cJSON *s, const struct execute_result *r)
{
	cJSON *acct;

	if (!r->have_account)
		return;
	acct = cJSON_AddObjectToObject(s, "account");
	cJSON_AddStringToObject(acct, "currency", r->account.currency);
	cJSON_AddNumberToObject(acct, "cash_available",
	    summary_cents(r->account.cash));
	summary_number(acct, "budget", isfinite(r->budget_account) ?
	    summary_cents(r->budget_account) : NAN);
}

static void
summarize(cJSON *s, const struct tb_app *app, int dry_run,
    const struct execute_result *r)
{
	cJSON *warnings, *orders, *skipped, *virt, *vskipped;
	money_cents real_total = 0;
	double virtual_total = 0;
	long placed = 0, failed = 0, booked = 0;
	size_t i;

	cJSON_AddStringToObject(s, "main_trader", app->main_trader);
	cJSON_AddStringToObject(s, "virtual_trader", app->virtual_trader);
	cJSON_AddStringToObject(s, "environment", app->cfg.t212_live ? "live" :
	    "demo");
	cJSON_AddBoolToObject(s, "dry_run", dry_run);
	warnings = cJSON_AddArrayToObject(s, "warnings");
	for (i = 0; i < r->nwarnings; i++)
		cJSON_AddItemToArray(warnings,
		    cJSON_CreateString(r->warnings[i]));
	add_reconciled(s, r);
	add_account(s, r);
	orders = cJSON_AddArrayToObject(s, "orders");
	skipped = cJSON_AddArrayToObject(s, "skipped");
	for (i = 0; i < r->norders; i++)
		add_order(orders, skipped, &r->orders[i], &placed, &failed,
		    &real_total);
	if (r->no_real_orders[0] != '\0')
		cJSON_AddStringToObject(s, "no_real_orders", r->no_real_orders);
	cJSON_AddNumberToObject(s, "placed", placed);
	cJSON_AddNumberToObject(s, "failed", failed);
	cJSON_AddNumberToObject(s, "eur_total", money_major(real_total));
	virt = cJSON_AddArrayToObject(s, "virtual");
	vskipped = cJSON_AddArrayToObject(s, "virtual_skipped");
	for (i = 0; i < r->nvirt; i++)
		add_virtual(virt, vskipped, &r->virt[i], &booked,
		    &virtual_total);
	cJSON_AddNumberToObject(s, "virtual_booked", booked);
	cJSON_AddNumberToObject(s, "eur_virtual", summary_cents(virtual_total));
	cJSON_AddNumberToObject(s, "unknown_trades", (double)r->unknown);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-execute [--date YYYY-MM-DD] [--scheduled HH:MM] [--force]\n"
	    "                  [--dry-run] [--config FILE] [-v] [-h]\n"
	    "\n"
	    "Place the main trader's approved picks as real Trading 212 market\n"
	    "orders (demo account unless t212_environment = live) and book the\n"
	    "virtual trader's picks as virtual trades.  Pending orders of earlier\n"
	    "runs are reconciled with the broker first, and the broker is asked\n"
	    "before every order: a real order is never placed twice.  Orders and\n"
	    "virtual trades are sized with prices fetched now, each checked\n"
	    "against its previous close; never more than a pick's amount, the\n"
	    "daily budget, or the account's cash.\n"
	    "\n"
	    "  --date D           the day (default: today in orchestrator_timezone)\n"
	    "  --scheduled HH:MM  started by cron for that time: skip unless due\n"
	    "  --force            retry picks whose order was refused (rejected,\n"
	    "                     failed) or skipped, rebook virtual trades, run\n"
	    "                     on a non-trading day (never re-sends an order\n"
	    "                     that is pending, submitted, filled or unknown)\n"
	    "  -n, --dry-run      print what would be sent; send and write nothing\n"
	    "  --config FILE      configuration file (default $TB_CONFIG, then\n"
	    "                     $TB_HOME/tb.conf)\n"
	    "  -v, --verbose      debug logging on stderr\n"
	    "  -h, --help         this help\n"
	    "  --version          print the version\n"
	    "  -h, --help         this help\n"
	    "\n"
	    "Exit status: 0 done (also with skipped orders), 64 usage, 65 bad\n"
	    "input (picks over the budget), 69 Trading 212 unavailable or a trade\n"
	    "of the day left unknown (check the account), 70 internal error, 75\n"
	    "already running, 78 configuration error (no T212_API_KEY when real\n"
	    "orders are due, or the key refused).\n");
	exit(status);
}
