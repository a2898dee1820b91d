/*
 * orderonce - one buy through lib/orders.c whose POST cannot connect, for
 * tests/money.bats.
 *
 * usage: orderonce DATE LLM TICKER AMOUNT_EUR ORDER_BASE_URL
 *
 * The broker's orders are read from the configured t212_base_url (the
 * fake) and the quote from yahoo_base_url, as tb-execute does; only the
 * order itself goes to ORDER_BASE_URL (a closed port in the test).  A
 * single base URL cannot reach this path: the reads before the order
 * would fail first.  Prints the pick's status and reason; exits with
 * place_buy_order's code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "instruments.h"
#include "market.h"
#include "orders.h"
#include "t212.h"

static int
fail(const tb_err *e)
{
	fprintf(stderr, "orderonce: %s\n", e->msg);
	return e->code != 0 ? e->code : 70;
}

/* The broker and the quote, as tb-execute reads them before an order. */
static int
prepare(struct tb_config *cfg, sqlite3 *db, const char *date,
    const char *ticker, struct universe *u, struct t212_client *reads,
    struct journal_ctx *ctx, struct market_set *quotes, tb_err *e)
{
	enum universe_source source;
	const char *symbols[1] = { ticker };
	char why[256];
	time_t now;
	int rc;

	if ((rc = clock_now(&now, e)) != 0 ||
	    (rc = instruments_universe(db, cfg, now, u, &source, why,
	    sizeof why, e)) != 0 ||
	    (rc = t212_init(reads, cfg, e)) != 0 ||
	    (rc = journal_ctx_init(ctx, db, reads, u, date, 0, 1, e)) != 0 ||
	    (rc = journal_broker_load(ctx, e)) != 0 ||
	    (rc = journal_gate_load(ctx, "claude", cfg->daily_budget_eur, "",
	    NAN, NAN, e)) != 0)
		return rc;
	return market_fetch_now(cfg, symbols, NULL, 1, NULL, 0, quotes, e);
}

int
main(int argc, char *argv[])
{
	struct tb_config cfg;
	struct universe u;
	struct t212_client reads, orders;
	struct journal_ctx ctx;
	struct market_set quotes;
	struct order_result res;
	char *order_url;
	sqlite3 *db;
	tb_err e;
	int rc;

	if (argc != 6) {
		fprintf(stderr, "usage: orderonce DATE LLM TICKER AMOUNT_EUR "
		    "ORDER_BASE_URL\n");
		return 64;
	}
	universe_init(&u);
	if (config_load(&cfg, NULL, &e) != 0 ||
	    clock_set_timezone(cfg.orchestrator_timezone) != 0 ||
	    http_global_init(&e) != 0 || db_open(cfg.home, &db, &e) != 0)
		return fail(&e);
	if ((rc = prepare(&cfg, db, argv[1], argv[3], &u, &reads, &ctx,
	    &quotes, &e)) != 0)
		return fail(&e);
	/* Only the order goes elsewhere. */
	order_url = cfg.t212_base_url;
	cfg.t212_base_url = argv[5];
	if (t212_init(&orders, &cfg, &e) != 0)
		return fail(&e);
	ctx.t212 = &orders;
	rc = place_buy_order(&ctx, argv[2], argv[3], strtod(argv[4], NULL), 0,
	    market_find(&quotes, argv[3]), &res, &e);
	printf("%s %s\n", res.status, res.reason);
	cfg.t212_base_url = order_url;
	t212_free(&orders);
	t212_free(&reads);
	journal_ctx_free(&ctx);
	market_set_free(&quotes);
	universe_free(&u);
	db_close(db);
	config_free(&cfg);
	return rc;
}
