/*
 * tb-execute - the day's trades: real Trading 212 orders for the main
 * trader's approved picks, virtual trades for the other LLM's picks.
 *
 *	tb-execute [--date D] [--scheduled HH:MM] [--force] [--dry-run] [-v]
 *
 * The order of work is the safety argument (lib/orders.h):
 *   1. reconcile the journal's 'pending' orders with the broker, before
 *      anything else; if that cannot be done, no new real order is sent;
 *   2. refresh 'submitted' orders to 'filled' or 'rejected';
 *   3. place the main trader's approved picks, only when its pipeline
 *      succeeded, a decision was taken and the picks are within budget;
 *      stop at the first sign that the broker is unusable;
 *   4. book the virtual trader's picks (no broker involved), after the
 *      real orders, which wait for nothing the virtual trades need.
 * A dry run asks the broker only what it must (reconciliation reads),
 * sends no order, writes no trade row and records no run.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "db.h"
#include "instruments.h"
#include "log.h"
#include "orders.h"
#include "symbols.h"
#include "t212.h"
#include "trades.h"

/* Allocations may total the budget; this much over is rounding. */
#define BUDGET_SLACK_EUR 0.005

struct pick {
	long long id;
	char *ticker;
	double amount_eur;
	char *status;
};

struct execute {
	struct tb_app *app;
	int dry_run;
	struct universe universe;
	struct t212_client t212;
	int have_t212;
	struct orders_ctx ctx;
	int rc;				/* the run's exit code so far */
	cJSON *warnings;
	cJSON *orders;
	cJSON *skipped;
	long placed, failed;
	double eur_total;
};

static void	usage(int status) __attribute__((noreturn));
static int	execute(struct execute *x);
static void	set_rc(struct execute *x, int rc, const tb_err *e);
static void	warn(struct execute *x, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static int	load_picks(sqlite3 *db, const char *date, const char *llm,
		    struct pick **out, size_t *n, tb_err *e);
static void	picks_free(struct pick *p, size_t n);
static int	book_virtual(struct execute *x);
static int	real_orders(struct execute *x);
static int	real_blocker(struct execute *x, const struct pick *p,
		    size_t n, char *why, size_t whysz, tb_err *e);
static void	add_order(struct execute *x, const struct pick *p,
		    const struct order_result *r);
static void	add_skip(cJSON *list, const char *ticker, const char *reason);
static double	cents(double v);

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_app app;
	struct execute x;
	int ch, rc, flags;

	app_init(&app, "tb-execute");
	memset(&x, 0, sizeof x);
	while ((ch = getopt_long(argc, argv, "hnv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			x.dry_run = 1;
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
	if (x.dry_run)
		flags |= APP_NO_RUN;
	if ((rc = app_start(&app, flags)) != 0 || app.skipped)
		return app_finish(&app, rc);
	x.app = &app;
	return app_finish(&app, execute(&x));
}

static int
execute(struct execute *x)
{
	struct tb_app *app = x->app;
	enum universe_source source;
	cJSON *s = app->summary, *rec, *ref;
	char why[256];
	tb_err e;
	int rc;

	tb_err_clear(&e);
	cJSON_AddStringToObject(s, "main_trader", app->main_trader ?
	    app->main_trader : "");
	cJSON_AddStringToObject(s, "virtual_trader", app->virtual_trader ?
	    app->virtual_trader : "");
	cJSON_AddStringToObject(s, "environment", app->cfg.t212_live ? "live" :
	    "demo");
	cJSON_AddBoolToObject(s, "dry_run", x->dry_run);
	x->warnings = cJSON_AddArrayToObject(s, "warnings");
	if (app->main_trader == NULL) {
		/* Only with --force on a weekend: there is no rotation. */
		app_skip(app, "no trader rotation on a weekend");
		return 0;
	}

	universe_init(&x->universe);
	if ((rc = instruments_universe(app->db, &app->cfg, app->now,
	    &x->universe, &source, why, sizeof why, &e)) != 0)
		return app_fail(app, &e);
	if (why[0] != '\0')
		warn(x, "instruments: %s", why);
	if (app->cfg.t212_api_key != NULL && *app->cfg.t212_api_key != '\0') {
		if ((rc = t212_init(&x->t212, &app->cfg, &e)) != 0) {
			universe_free(&x->universe);
			return app_fail(app, &e);
		}
		x->have_t212 = 1;
	}
	orders_ctx_init(&x->ctx, app->db, x->have_t212 ? &x->t212 : NULL,
	    &x->universe, app->day, x->dry_run, app->force);

	/* 1. Reconcile before anything else. */
	rec = cJSON_AddObjectToObject(s, "reconciled");
	if ((rc = orders_reconcile(&x->ctx, rec, &e)) != 0) {
		if (rc == TB_ECONFIG && x->dry_run)
			warn(x, "%s (a real run would fail)", e.msg);
		else
			set_rc(x, rc, &e);
	}
	/* 2. Refresh submitted orders (only reads; not in a dry run). */
	ref = cJSON_AddObjectToObject(s, "refreshed");
	if (x->rc == 0 && x->have_t212) {
		if ((rc = orders_refresh(&x->ctx, ref, &e)) == TB_EINTERNAL)
			set_rc(x, rc, &e);
		else if (rc != 0)
			warn(x, "refresh: %s", e.msg);
	}
	/* 3. Real orders, only with a reconciled journal. */
	if (x->rc == 0)
		real_orders(x);
	else
		cJSON_AddStringToObject(s, "no_real_orders", "the order "
		    "journal could not be reconciled with the broker");
	/* 4. Virtual trades need no broker: booked whatever it said. */
	if (x->rc != TB_EINTERNAL && (rc = book_virtual(x)) != 0)
		set_rc(x, rc, &e);

	orders_ctx_free(&x->ctx);
	if (x->have_t212)
		t212_free(&x->t212);
	universe_free(&x->universe);
	return x->rc;
}

/* Keep the first failure's code; a database failure overrides all. */
static void
set_rc(struct execute *x, int rc, const tb_err *e)
{
	if (rc == 0)
		return;
	if (x->rc == 0 || (rc == TB_EINTERNAL && x->rc != TB_EINTERNAL)) {
		app_fail(x->app, e);
		x->rc = rc;
	} else
		log_error("%s", e->msg);
}

static void
warn(struct execute *x, const char *fmt, ...)
{
	char buf[600], clean[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_redact(buf, clean, sizeof clean);
	log_warn("%s", clean);
	cJSON_AddItemToArray(x->warnings, cJSON_CreateString(clean));
}

static int
load_picks(sqlite3 *db, const char *date, const char *llm, struct pick **out,
    size_t *n, tb_err *e)
{
	struct pick *arr = NULL, *grown;
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, "SELECT id, ticker, amount_eur, status FROM "
	    "daily_picks WHERE date = ? AND llm_name = ? ORDER BY pick_index, "
	    "id", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, llm);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((grown = reallocarray(arr, cap, sizeof *arr)) ==
			    NULL)
				goto nomem;
			arr = grown;
		}
		arr[*n].id = sqlite3_column_int64(st, 0);
		arr[*n].ticker = strdup(db_column_text(st, 1));
		arr[*n].amount_eur = sqlite3_column_double(st, 2);
		arr[*n].status = strdup(db_column_text(st, 3));
		(*n)++;
		if (arr[*n - 1].ticker == NULL || arr[*n - 1].status == NULL)
			goto nomem;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		picks_free(arr, *n);
		*n = 0;
		return db_fail(db, "read the day's picks", e);
	}
	*out = arr;
	return 0;
nomem:
	sqlite3_finalize(st);
	picks_free(arr, *n);
	*n = 0;
	return tb_errf(e, TB_EINTERNAL, "out of memory");
}

static void
picks_free(struct pick *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].ticker);
		free(p[i].status);
	}
	free(p);
}

static double
cents(double v)
{
	return isfinite(v) ? round(v * 100) / 100 : 0;
}

static void
add_skip(cJSON *list, const char *ticker, const char *reason)
{
	cJSON *item = cJSON_CreateObject();

	cJSON_AddStringToObject(item, "ticker", ticker);
	cJSON_AddStringToObject(item, "reason", reason);
	cJSON_AddItemToArray(list, item);
}

/* Every pick of the virtual trader, at the day's market price. */
static int
book_virtual(struct execute *x)
{
	struct tb_app *app = x->app;
	struct virtual_result r;
	struct pick *picks;
	cJSON *list, *skipped, *item;
	size_t n, i;
	long booked = 0;
	double eur = 0;
	tb_err e;
	int rc;

	list = cJSON_AddArrayToObject(app->summary, "virtual");
	skipped = cJSON_AddArrayToObject(app->summary, "virtual_skipped");
	if ((rc = load_picks(app->db, app->day, app->virtual_trader, &picks,
	    &n, &e)) != 0) {
		set_rc(x, rc, &e);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((rc = trades_book_virtual(app->db, app->day,
		    app->virtual_trader, picks[i].ticker, picks[i].amount_eur,
		    picks[i].id, app->force, x->dry_run, &r, &e)) != 0) {
			set_rc(x, rc, &e);
			break;
		}
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "ticker", picks[i].ticker);
		cJSON_AddStringToObject(item, "status", r.status);
		cJSON_AddNumberToObject(item, "quantity", r.quantity);
		if (isfinite(r.price_eur))
			cJSON_AddNumberToObject(item, "price_eur", r.price_eur);
		cJSON_AddNumberToObject(item, "amount_eur",
		    cents(r.amount_eur));
		if (r.trade_id != 0)
			cJSON_AddNumberToObject(item, "trade_id",
			    (double)r.trade_id);
		if (r.reason[0] != '\0')
			cJSON_AddStringToObject(item, "reason", r.reason);
		cJSON_AddItemToArray(list, item);
		if (strcmp(r.status, "skipped") == 0) {
			add_skip(skipped, picks[i].ticker, r.reason);
			warn(x, "virtual trade %s skipped: %s",
			    picks[i].ticker, r.reason);
		} else if (strcmp(r.status, "booked") == 0 ||
		    strcmp(r.status, "would_book") == 0) {
			booked++;
			eur += r.amount_eur;
		}
	}
	picks_free(picks, n);
	cJSON_AddNumberToObject(app->summary, "virtual_booked", booked);
	cJSON_AddNumberToObject(app->summary, "eur_virtual", cents(eur));
	return 0;
}

/*
 * Why the main trader's picks cannot become real orders at all, into
 * why (0 with why "" when they can).  TB_EDATA when the picks are over
 * the budget, TB_EINTERNAL on a database error.
 */
static int
real_blocker(struct execute *x, const struct pick *p, size_t n, char *why,
    size_t whysz, tb_err *e)
{
	struct tb_app *app = x->app;
	sqlite3_stmt *st;
	double total = 0;
	size_t i, approved = 0;
	int rc, ok;

	why[0] = '\0';
	if (n == 0) {
		snprintf(why, whysz, "no picks from the main trader %s",
		    app->main_trader);
		return 0;
	}
	if (db_prepare(app->db, "SELECT EXISTS (SELECT 1 FROM llm_runs WHERE "
	    "date = ? AND llm_name = ? AND status = 'ok')", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, app->day);
	db_bind_text(st, 2, app->main_trader);
	ok = (rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(app->db, "read llm_runs", e);
	if (!ok) {
		snprintf(why, whysz, "the main trader %s's pipeline did not "
		    "succeed on %s", app->main_trader, app->day);
		return 0;
	}
	if (db_prepare(app->db, "SELECT EXISTS (SELECT 1 FROM approvals WHERE "
	    "date = ? AND superseded_at IS NULL)", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, app->day);
	ok = (rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(app->db, "read approvals", e);
	if (!ok) {
		snprintf(why, whysz, "no approval decision for %s (tb-approve)",
		    app->day);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (strcmp(p[i].status, "approved") == 0) {
			approved++;
			total += p[i].amount_eur;
			if (!isfinite(p[i].amount_eur))
				total = INFINITY;
		}
	if (approved == 0) {
		snprintf(why, whysz, "no pick of %s was approved",
		    app->main_trader);
		return 0;
	}
	if (!(total <= app->cfg.daily_budget_eur + BUDGET_SLACK_EUR)) {
		snprintf(why, whysz, "the approved picks total %.2f EUR, over "
		    "the daily budget of %.2f EUR", total,
		    app->cfg.daily_budget_eur);
		return tb_errf(e, TB_EDATA, "%s: no real order sent", why);
	}
	return 0;
}

/* The main trader's approved picks as real orders. */
static int
real_orders(struct execute *x)
{
	struct tb_app *app = x->app;
	struct order_result r;
	struct pick *picks;
	size_t n, i;
	char why[256];
	tb_err e;
	int rc, stop = 0;

	x->orders = cJSON_AddArrayToObject(app->summary, "orders");
	x->skipped = cJSON_AddArrayToObject(app->summary, "skipped");
	if ((rc = load_picks(app->db, app->day, app->main_trader, &picks, &n,
	    &e)) != 0) {
		set_rc(x, rc, &e);
		goto done;
	}
	if ((rc = real_blocker(x, picks, n, why, sizeof why, &e)) != 0)
		set_rc(x, rc, &e);
	if (why[0] != '\0') {
		log_info("no real orders: %s", why);
		cJSON_AddStringToObject(app->summary, "no_real_orders", why);
		goto done_picks;
	}
	if (x->universe.n == 0 && x->have_t212 && !x->dry_run) {
		/* A broker-wide failure, not a reason to skip each pick. */
		tb_errf(&e, TB_EUNAVAIL, "no Trading 212 instruments are cached "
		    "and none could be fetched: no real order can be mapped");
		set_rc(x, TB_EUNAVAIL, &e);
		goto done_picks;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(picks[i].status, "approved") != 0)
			continue;
		if (stop) {
			memset(&r, 0, sizeof r);
			r.status = "not_attempted";
			snprintf(r.reason, sizeof r.reason, "not attempted: "
			    "an earlier order could not be completed");
			add_order(x, &picks[i], &r);
			continue;
		}
		rc = place_buy_order(&x->ctx, app->main_trader,
		    picks[i].ticker, picks[i].amount_eur, picks[i].id, &r, &e);
		add_order(x, &picks[i], &r);
		if (rc != 0) {
			set_rc(x, rc, &e);
			stop = 1;
		}
	}
done_picks:
	picks_free(picks, n);
done:
	cJSON_AddNumberToObject(app->summary, "placed", x->placed);
	cJSON_AddNumberToObject(app->summary, "failed", x->failed);
	cJSON_AddNumberToObject(app->summary, "eur_total",
	    cents(x->eur_total));
	return 0;
}

static void
add_order(struct execute *x, const struct pick *p,
    const struct order_result *r)
{
	cJSON *item = cJSON_CreateObject();
	const char *st = r->status;
	int sent;

	cJSON_AddStringToObject(item, "ticker", p->ticker);
	if (r->broker_ticker[0] != '\0')
		cJSON_AddStringToObject(item, "broker_ticker",
		    r->broker_ticker);
	else
		cJSON_AddNullToObject(item, "broker_ticker");
	cJSON_AddStringToObject(item, "side", "buy");
	cJSON_AddNumberToObject(item, "quantity", r->quantity);
	cJSON_AddStringToObject(item, "status", st);
	if (r->broker_order_id[0] != '\0')
		cJSON_AddStringToObject(item, "broker_order_id",
		    r->broker_order_id);
	else
		cJSON_AddNullToObject(item, "broker_order_id");
	if (r->trade_id != 0)
		cJSON_AddNumberToObject(item, "trade_id", (double)r->trade_id);
	cJSON_AddNumberToObject(item, "amount_eur", cents(p->amount_eur));
	if (isfinite(r->value_eur) && r->quantity > 0)
		cJSON_AddNumberToObject(item, "value_eur", cents(r->value_eur));
	if (r->reason[0] != '\0')
		cJSON_AddStringToObject(item, "reason", r->reason);
	else
		cJSON_AddNullToObject(item, "reason");
	cJSON_AddItemToArray(x->orders, item);

	sent = strcmp(st, "submitted") == 0 || strcmp(st, "would_send") == 0;
	if (sent) {
		x->placed++;
		if (isfinite(r->value_eur))
			x->eur_total += r->value_eur;
	} else if (strcmp(st, "skipped") == 0 ||
	    strcmp(st, "not_repeated") == 0 ||
	    strcmp(st, "not_attempted") == 0)
		add_skip(x->skipped, p->ticker, r->reason);
	else
		x->failed++;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-execute [--date YYYY-MM-DD] [--scheduled HH:MM] [--force]\n"
	    "                  [--dry-run] [--config FILE] [-v]\n"
	    "\n"
	    "Place the main trader's approved picks as real Trading 212 market\n"
	    "orders (demo account unless t212_environment = live) and book the\n"
	    "virtual trader's picks as virtual trades.  Pending orders of earlier\n"
	    "runs are reconciled with the broker first; a real order is never\n"
	    "placed twice.\n"
	    "\n"
	    "  --date D           the day (default: today in orchestrator_timezone)\n"
	    "  --scheduled HH:MM  started by cron for that time: skip unless due\n"
	    "  --force            retry picks whose order was rejected, failed or\n"
	    "                     skipped, rebook virtual trades, run on a\n"
	    "                     non-trading day (never re-sends a submitted,\n"
	    "                     filled, pending or unknown order)\n"
	    "  -n, --dry-run      print what would be sent; send and write nothing\n"
	    "  --config FILE      configuration file (default $TB_CONFIG, then\n"
	    "                     $TB_HOME/tb.conf)\n"
	    "  -v, --verbose      debug logging on stderr\n"
	    "  --version          print the version\n"
	    "  -h, --help         this help\n"
	    "\n"
	    "Exit status: 0 done (also with skipped orders), 64 usage, 65 bad\n"
	    "input (picks over the budget), 69 Trading 212 unavailable, 70\n"
	    "internal error, 75 already running, 78 configuration error (no\n"
	    "T212_API_KEY when real orders are due, or the key refused).\n");
	exit(status);
}
