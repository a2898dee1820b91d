/*
 * tb-sell - close (part of) one LLM's position, real or virtual.
 *
 *	tb-sell --llm NAME --ticker SYMBOL [--quantity Q] [--kind real|virtual]
 *	    [--date D] [--dry-run] [--config FILE] [-v]
 *
 * The work and its safety argument are lib/sell.h's sell_position();
 * this file parses the options, calls it and writes its result as the
 * run summary.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "money.h"
#include "sell.h"
#include "summary.h"

static void	usage(int status) __attribute__((noreturn));
static int	valid_symbol(const char *s);
static int	parse_quantity(const char *s, double *q);
static void	bad_option(const char *what, const char *value)
		    __attribute__((noreturn));
static void	summarize(cJSON *s, const struct sell_input *in,
		    const struct sell_result *r);

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "llm", required_argument, NULL, 'l' },
		{ "ticker", required_argument, NULL, 't' },
		{ "quantity", required_argument, NULL, 'q' },
		{ "kind", required_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct sell_input in;
	struct sell_result out;
	struct tb_app app;
	tb_err e;
	int ch, rc, flags;

	memset(&in, 0, sizeof in);
	in.quantity = NAN;
	app_init(&app, "tb-sell");
	while ((ch = getopt_long(argc, argv, "hnv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (strcmp(optarg, "claude") != 0 &&
			    strcmp(optarg, "minimax") != 0)
				bad_option("--llm: want claude or minimax, not",
				    optarg);
			in.llm = optarg;
			break;
		case 't':
			if (!valid_symbol(optarg))
				bad_option("--ticker: not a symbol:", optarg);
			in.ticker = optarg;
			break;
		case 'q':
			if (parse_quantity(optarg, &in.quantity) != 0)
				bad_option("--quantity: want shares > 0, not",
				    optarg);
			break;
		case 'k':
			if (strcmp(optarg, "real") == 0)
				in.kind = SELL_REAL;
			else if (strcmp(optarg, "virtual") == 0)
				in.kind = SELL_VIRTUAL;
			else
				bad_option("--kind: want real or virtual, not",
				    optarg);
			break;
		case 'n':
			in.dry_run = 1;
			break;
		default:
			app_getopt_default(&app, ch, optarg, usage);
		}
	}
	if (app_getopt_done(&app, argc, usage))
		return 0;
	if (in.llm == NULL || in.ticker == NULL) {
		fprintf(stderr, "tb-sell: --llm and --ticker are required\n");
		usage(TB_EUSAGE);
	}
	/* A dry run changes nothing, not even the run history. */
	flags = APP_TRADING_DAY | APP_LOCK | APP_DB;
	if (in.dry_run)
		flags |= APP_NO_RUN;
	if ((rc = app_start(&app, flags)) != 0 || app.skipped)
		return app_finish(&app, rc);
	in.db = app.db;
	in.cfg = &app.cfg;
	in.day = app.day;
	in.now = app.now;
	in.force = app.force;
	tb_err_clear(&e);
	rc = sell_position(&in, &out, &e);
	summarize(app.summary, &in, &out);
	sell_result_free(&out);
	return app_finish(&app, rc != 0 ? app_fail(&app, &e) : 0);
}

/* A Yahoo-style symbol: letters, digits and . - = ^, at most 31. */
static int
valid_symbol(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= SYMBOLS_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr(".-=^", s[i]) ==
		    NULL)
			return 0;
	return 1;
}

/* A number of shares: finite, > 0. */
static int
parse_quantity(const char *s, double *q)
{
	char *end;

	errno = 0;
	*q = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*q) &&
	    *q > 0 ? 0 : -1;
}

static void
bad_option(const char *what, const char *value)
{
	fprintf(stderr, "tb-sell: %s \"%s\"\n", what, value);
	usage(TB_EUSAGE);
}

static void
add_cents(cJSON *o, const char *name, money_cents c)
{
	if (c >= 0)
		cJSON_AddNumberToObject(o, name, money_major(c));
	else
		cJSON_AddNullToObject(o, name);
}

static void
summarize_real(cJSON *s, const struct order_result *r)
{
	if (r->trade_id != 0)
		cJSON_AddNumberToObject(s, "trade_id", (double)r->trade_id);
	summary_string(s, "broker_ticker", r->broker_ticker);
	summary_string(s, "broker_order_id", r->broker_order_id);
	summary_number(s, "price", r->price);
	summary_string(s, "currency", r->currency);
	add_cents(s, "value_eur", r->value);
	if (r->reason[0] != '\0')
		cJSON_AddStringToObject(s, "reason", r->reason);
}

static void
summarize_virtual(cJSON *s, const struct virtual_result *r)
{
	if (r->trade_id != 0)
		cJSON_AddNumberToObject(s, "trade_id", (double)r->trade_id);
	summary_number(s, "price", r->price);
	summary_string(s, "currency", r->currency);
	summary_number(s, "value_eur", isfinite(r->amount_eur) &&
	    r->amount_eur > 0 ? round(r->amount_eur * 100) / 100 : NAN);
	add_cents(s, "fees_eur", r->cash >= 0 ? r->fees : MONEY_INVALID);
	add_cents(s, "proceeds_eur", r->cash);
	if (r->reason[0] != '\0')
		cJSON_AddStringToObject(s, "reason", r->reason);
}

static void
summarize(cJSON *s, const struct sell_input *in, const struct sell_result *r)
{
	cJSON *rec;

	cJSON_AddStringToObject(s, "llm", in->llm);
	cJSON_AddStringToObject(s, "ticker", in->ticker);
	cJSON_AddStringToObject(s, "kind", sell_kind_name(r->kind));
	cJSON_AddBoolToObject(s, "dry_run", in->dry_run);
	summary_number(s, "held", r->held);
	summary_number(s, "broker_held", r->broker_held);
	summary_number(s, "quantity", r->quantity > 0 ? r->quantity : NAN);
	summary_string(s, "sell_status", r->status);
	if (r->reason[0] != '\0')
		cJSON_AddStringToObject(s, "reason", r->reason);
	if (r->kind == SELL_REAL) {
		summarize_real(s, &r->real);
		rec = cJSON_AddObjectToObject(s, "reconciled");
		cJSON_AddNumberToObject(rec, "matched",
		    (double)r->reconciled.matched);
		cJSON_AddNumberToObject(rec, "unknown",
		    (double)r->reconciled.unknown);
	} else if (r->kind == SELL_VIRTUAL)
		summarize_virtual(s, &r->virt);
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: tb-sell --llm NAME --ticker SYMBOL [--quantity Q]\n"
	    "               [--kind real|virtual] [--date YYYY-MM-DD] [--force]\n"
	    "               [--dry-run] [--config FILE] [-v] [-h]\n"
	    "\n"
	    "Close (part of) one LLM's position in one instrument.  A real sell\n"
	    "is a Trading 212 market order with the journal and rules of a buy:\n"
	    "pending orders are reconciled first, the broker is asked before it\n"
	    "is sent, and a sell that may exist is never sent twice.  A virtual\n"
	    "sell is booked at a price fetched now, paying the same FX fee as a\n"
	    "real one.  Never more than the LLM holds, nor than the broker's\n"
	    "position.\n"
	    "\n"
	    "  --llm NAME         claude or minimax\n"
	    "  --ticker SYMBOL    the instrument, as the trades name it (ASML.AS)\n"
	    "  --quantity Q       shares to sell (default: the whole position)\n"
	    "  --kind KIND        real or virtual (default: the kind it holds)\n"
	    "  --date D           the trade's day (default: today)\n"
	    "  --force            sell again after a refused sell of the day, or\n"
	    "                     on a non-trading day\n"
	    "  -n, --dry-run      print what would be sent; send and write nothing\n"
	    "  --config FILE      configuration file (default $TB_CONFIG, then\n"
	    "                     $TB_HOME/tb.conf)\n"
	    "  -v, --verbose      debug logging on stderr\n"
	    "  -h, --help         this help\n"
	    "  --version          print the version\n"
	    "\n"
	    "Exit status: 0 sent, booked, or already done, 64 usage, 65 refused\n"
	    "(more than held, nothing held, the broker refused), 69 Trading 212\n"
	    "or the price feed unavailable, or the order's outcome unclear (the\n"
	    "next run reconciles it), 70 internal error, 75 already running or\n"
	    "the order journal is busy, 78 configuration error.\n");
	exit(status);
}
