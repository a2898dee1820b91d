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
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "app.h"
#include "clock.h"
#include "log.h"
#include "report.h"

static void usage(int status) __attribute__((noreturn));

/* A column of a text table: the JSON key, its header, how to show it. */
struct column {
	const char *key;
	const char *header;
	char format;		/* 's' text, 'd' whole, '2' / '4' decimals */
};

#define MAX_COLUMNS 14
#define CELL 48

static void
cell_text(const cJSON *row, const struct column *c, char *buf)
{
	const cJSON *v = cJSON_GetObjectItem(row, c->key);

	if (v == NULL || cJSON_IsNull(v))
		snprintf(buf, CELL, "-");
	else if (cJSON_IsString(v))
		snprintf(buf, CELL, "%.*s", CELL - 1, v->valuestring);
	else if (cJSON_IsBool(v))
		snprintf(buf, CELL, "%s", cJSON_IsTrue(v) ? "yes" : "no");
	else if (c->format == '2')
		snprintf(buf, CELL, "%.2f", v->valuedouble);
	else if (c->format == '4')
		snprintf(buf, CELL, "%.4f", v->valuedouble);
	else
		snprintf(buf, CELL, "%.0f", v->valuedouble);
}

/* Print rows under a title as a table whose columns fit their widest cell. */
static void
print_table(const char *title, const cJSON *rows, const struct column *cols,
    size_t ncols)
{
	int width[MAX_COLUMNS];
	const cJSON *row;
	char cell[CELL];
	size_t i;

	printf("\n%s\n", title);
	if (cJSON_GetArraySize(rows) == 0) {
		printf("  (none)\n");
		return;
	}
	for (i = 0; i < ncols; i++)
		width[i] = (int)strlen(cols[i].header);
	cJSON_ArrayForEach(row, rows)
		for (i = 0; i < ncols; i++) {
			cell_text(row, &cols[i], cell);
			if ((int)strlen(cell) > width[i])
				width[i] = (int)strlen(cell);
		}
	printf(" ");
	for (i = 0; i < ncols; i++)
		printf(" %-*s", width[i], cols[i].header);
	printf("\n");
	cJSON_ArrayForEach(row, rows) {
		printf(" ");
		for (i = 0; i < ncols; i++) {
			cell_text(row, &cols[i], cell);
			printf(cols[i].format == 's' ? " %-*s" : " %*s",
			    width[i], cell);
		}
		printf("\n");
	}
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Yahoo, and the second source or why it is off. */
static void
print_sources(const cJSON *p)
{
	if (cJSON_IsTrue(cJSON_GetObjectItem(p, "second_on")))
		printf("%-16s %s, then %s\n", "prices", str(p, "primary"),
		    str(p, "second"));
	else
		printf("%-16s %s only (%s off: %s)\n", "prices",
		    str(p, "primary"), str(p, "second"),
		    str(p, "second_off_because"));
}

static void
print_header(const cJSON *doc)
{
	const cJSON *trading = cJSON_GetObjectItem(doc, "trading_day");

	printf("%-16s %s (%s)\n", "date", str(doc, "date"),
	    str(doc, "weekday"));
	printf("%-16s %s\n", "trading day", cJSON_IsTrue(trading) ? "yes" :
	    str(doc, "reason"));
	printf("%-16s %s\n", "main trader", str(doc, "main_trader"));
	printf("%-16s %s\n", "virtual trader", str(doc, "virtual_trader"));
	printf("%-16s %s\n", "account", strcmp(str(doc, "t212_environment"),
	    "live") == 0 ? "live (real money)" : "demo");
	print_sources(cJSON_GetObjectItem(doc, "price_sources"));
}

static void
print_digest(const cJSON *digest)
{
	const cJSON *t;
	int first = 1;

	if (!cJSON_IsObject(digest)) {
		printf("\nDIGEST  (none yet)\n");
		return;
	}
	printf("\nDIGEST  %.0f tickers from %.0f posts\n", num(digest,
	    "tickers"), num(digest, "posts"));
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(digest, "top")) {
		printf("%s%s (%.0f)", first ? "  top: " : ", ", str(t, "symbol"),
		    num(t, "mentions"));
		first = 0;
	}
	if (!first)
		printf("\n");
}

/* {"claude": [...], "minimax": [...]} -> one array with llm_name set. */
static cJSON *
flatten_by_llm(const cJSON *by, int arrays)
{
	cJSON *flat = cJSON_CreateArray(), *copy;
	const cJSON *llm, *row;

	cJSON_ArrayForEach(llm, by) {
		if (!arrays) {
			copy = cJSON_Duplicate(llm, 1);
			cJSON_AddStringToObject(copy, "llm", llm->string);
			cJSON_AddItemToArray(flat, copy);
			continue;
		}
		cJSON_ArrayForEach(row, llm) {
			copy = cJSON_Duplicate(row, 1);
			cJSON_AddStringToObject(copy, "llm", llm->string);
			cJSON_AddItemToArray(flat, copy);
		}
	}
	return flat;
}

/* The broker account as tb-execute last saw it that day. */
static void
print_account(const cJSON *acct)
{
	if (!cJSON_IsObject(acct)) {
		printf("\nACCOUNT  (not read)\n");
		return;
	}
	printf("\nACCOUNT  %.2f %s free to trade before the orders of %s",
	    num(acct, "cash_available"), str(acct, "currency"),
	    str(acct, "seen_at"));
	if (cJSON_IsNumber(cJSON_GetObjectItem(acct, "budget")))
		printf("; daily budget %.2f %s", num(acct, "budget"),
		    str(acct, "currency"));
	printf("\n");
}

static void
print_day(const cJSON *doc)
{
	static const struct column rounds[] = {
		{ "round", "round", 'd' }, { "started_at", "started", 's' },
		{ "posts_fetched", "fetched", 'd' }, { "posts_new", "new", 'd' },
		{ "posts_updated", "updated", 'd' }, { "errors", "errors", 'd' },
	};
	static const struct column llms[] = {
		{ "llm", "llm", 's' }, { "status", "status", 's' },
		{ "model", "model", 's' }, { "attempts", "attempts", 'd' },
		{ "input_tokens", "tokens in", 'd' },
		{ "output_tokens", "tokens out", 'd' },
		{ "latency_ms", "ms", 'd' }, { "error", "error", 's' },
	};
	static const struct column picks[] = {
		{ "llm", "llm", 's' }, { "index", "#", 'd' },
		{ "ticker", "ticker", 's' }, { "allocation_pct", "alloc %", '2' },
		{ "amount_eur", "EUR", '2' }, { "status", "status", 's' },
	};
	static const struct column trades[] = {
		{ "id", "id", 'd' }, { "llm_name", "llm", 's' },
		{ "kind", "kind", 's' }, { "ticker", "ticker", 's' },
		{ "broker_ticker", "broker", 's' }, { "side", "side", 's' },
		{ "quantity", "quantity", '4' }, { "price", "price", '2' },
		{ "currency", "cur", 's' }, { "amount_eur", "EUR", '2' },
		{ "status", "status", 's' },
		{ "broker_order_id", "order id", 's' },
		{ "error", "error", 's' },
	};
	static const struct column runs[] = {
		{ "program", "program", 's' }, { "started_at", "started", 's' },
		{ "finished_at", "finished", 's' }, { "status", "status", 's' },
		{ "exit_code", "exit", 'd' }, { "error", "error", 's' },
	};
	const cJSON *approval = cJSON_GetObjectItem(doc, "approval");
	const cJSON *totals = cJSON_GetObjectItem(doc, "totals");
	cJSON *flat;

	print_header(doc);
	print_table("ROUNDS", cJSON_GetObjectItem(doc, "rounds"), rounds, 6);
	print_digest(cJSON_GetObjectItem(doc, "digest"));
	flat = flatten_by_llm(cJSON_GetObjectItem(doc, "llms"), 0);
	print_table("LLMS", flat, llms, 8);
	cJSON_Delete(flat);
	flat = flatten_by_llm(cJSON_GetObjectItem(doc, "picks"), 1);
	print_table("PICKS", flat, picks, 6);
	cJSON_Delete(flat);
	if (cJSON_IsObject(approval))
		printf("\nAPPROVAL  %s%s%s by %s at %s\n", str(approval,
		    "decision"), cJSON_IsString(cJSON_GetObjectItem(approval,
		    "indices")) ? " " : "", cJSON_IsString(cJSON_GetObjectItem(
		    approval, "indices")) ? str(approval, "indices") : "",
		    str(approval, "decided_by"), str(approval, "decided_at"));
	else
		printf("\nAPPROVAL  (none)\n");
	print_table("TRADES", cJSON_GetObjectItem(doc, "trades"), trades, 13);
	print_account(cJSON_GetObjectItem(doc, "account"));
	printf("\nTOTALS  orders placed %.0f, skipped %.0f, failed %.0f, "
	    "unknown %.0f; virtual booked %.0f; EUR real %.2f, virtual %.2f\n",
	    num(totals, "orders_placed"), num(totals, "orders_skipped"),
	    num(totals, "orders_failed"), num(totals, "orders_unknown"),
	    num(totals, "virtual_booked"), num(totals, "eur_real"),
	    num(totals, "eur_virtual"));
	print_table("RUNS", cJSON_GetObjectItem(doc, "runs"), runs, 6);
}

static void
print_range(const cJSON *days)
{
	static const struct column cols[] = {
		{ "date", "date", 's' }, { "weekday", "day", 's' },
		{ "main_trader", "main", 's' }, { "claude", "claude", 'd' },
		{ "minimax", "minimax", 'd' }, { "approval", "approval", 's' },
		{ "orders_placed", "orders", 'd' },
		{ "virtual_booked", "virtual", 'd' },
		{ "eur_real", "EUR real", '2' },
		{ "failed_runs", "failed runs", 'd' },
	};
	cJSON *flat = cJSON_Duplicate(days, 1), *row, *picks;

	/* Lift the pick counts to the row for the table. */
	cJSON_ArrayForEach(row, flat) {
		picks = cJSON_DetachItemFromObject(row, "picks");
		cJSON_AddItemToObject(row, "claude", cJSON_DetachItemFromObject(
		    picks, "claude"));
		cJSON_AddItemToObject(row, "minimax",
		    cJSON_DetachItemFromObject(picks, "minimax"));
		cJSON_Delete(picks);
	}
	print_table("DAYS", flat, cols, 10);
	cJSON_Delete(flat);
}

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

/* The text of a value for the table: "" stays visible. */
static const char *
shown(const char *v)
{
	return *v != '\0' ? v : "\"\"";
}

static void
print_config_table(const struct tb_config *c)
{
	enum config_source src;
	int kw = 3, vw = 5;
	size_t i;

	for (i = 0; config_keys[i] != NULL; i++) {
		if ((int)strlen(config_keys[i]) > kw)
			kw = (int)strlen(config_keys[i]);
		if ((int)strlen(shown(config_value(c, config_keys[i], NULL))) >
		    vw)
			vw = (int)strlen(shown(config_value(c, config_keys[i],
			    NULL)));
	}
	printf("\n%-*s  %-*s  %s\n", kw, "KEY", vw, "VALUE", "SOURCE");
	for (i = 0; config_keys[i] != NULL; i++) {
		const char *v = shown(config_value(c, config_keys[i], &src));

		printf("%-*s  %-*s  %s\n", kw, config_keys[i], vw, v,
		    config_source_name(src));
	}
	printf("\n%-*s  %-5s  %s\n", kw, "SECRET", "SET", "SOURCE");
	for (i = 0; config_secrets[i] != NULL; i++) {
		src = config_secret_source(c, config_secrets[i]);
		printf("%-*s  %-5s  %s\n", kw, config_secrets[i],
		    src == CONFIG_UNSET ? "unset" : "set",
		    src == CONFIG_UNSET ? "-" : config_source_name(src));
	}
}

static void
print_config(const struct tb_config *c)
{
	struct stat st;

	printf("%-12s %s%s\n", "TB_HOME", c->home, stat(c->home, &st) == 0 ?
	    "" : " (does not exist yet)");
	printf("%-12s %s\n", "config file", c->file != NULL ? c->file :
	    "none (defaults)");
	printf("%-12s %s\n", "env file", c->env_file != NULL ? c->env_file :
	    "none");
	print_config_table(c);
}

/* A string, or JSON null for NULL. */
static cJSON *
string_or_null(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *
config_json(const struct tb_config *c)
{
	cJSON *doc = cJSON_CreateObject(), *keys, *secrets, *o;
	enum config_source src;
	size_t i;

	cJSON_AddStringToObject(doc, "home", c->home);
	cJSON_AddItemToObject(doc, "file", string_or_null(c->file));
	cJSON_AddItemToObject(doc, "env_file", string_or_null(c->env_file));
	keys = cJSON_AddArrayToObject(doc, "keys");
	for (i = 0; config_keys[i] != NULL; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", config_keys[i]);
		cJSON_AddStringToObject(o, "value", config_value(c,
		    config_keys[i], &src));
		cJSON_AddStringToObject(o, "source", config_source_name(src));
		cJSON_AddItemToArray(keys, o);
	}
	secrets = cJSON_AddArrayToObject(doc, "secrets");
	for (i = 0; config_secrets[i] != NULL; i++) {
		src = config_secret_source(c, config_secrets[i]);
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", config_secrets[i]);
		cJSON_AddBoolToObject(o, "set", src != CONFIG_UNSET);
		cJSON_AddItemToObject(o, "source", src == CONFIG_UNSET ?
		    cJSON_CreateNull() : cJSON_CreateString(
		    config_source_name(src)));
		cJSON_AddItemToArray(secrets, o);
	}
	return doc;
}

/* --config: the effective configuration (config_load has validated it). */
static int
show_config(struct tb_app *app, int json)
{
	cJSON *doc;
	char *text;
	tb_err e;

	if (!json) {
		print_config(&app->cfg);
		return 0;
	}
	if ((doc = config_json(&app->cfg)) == NULL ||
	    (text = cJSON_PrintUnformatted(doc)) == NULL) {
		cJSON_Delete(doc);
		return app_fail(app, (tb_errf(&e, TB_EINTERNAL, "out of "
		    "memory"), &e));
	}
	printf("%s\n", text);
	free(text);
	cJSON_Delete(doc);
	return 0;
}

static int
show(struct tb_app *app, int json, const char *range)
{
	struct tb_date from, to;
	cJSON *doc;
	char *text;
	tb_err e;
	int rc;

	if (range != NULL) {
		parse_range(range, &from, &to);
		rc = report_range(app->db, &app->cfg, &from, &to, &doc, &e);
	} else
		rc = report_day(app->db, &app->cfg, &app->date, &doc, &e);
	if (rc != 0)
		return app_fail(app, &e);
	if (json) {
		if ((text = cJSON_PrintUnformatted(doc)) != NULL)
			printf("%s\n", text);
		free(text);
	} else if (range != NULL)
		print_range(doc);
	else
		print_day(doc);
	cJSON_Delete(doc);
	return 0;
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
	const char *range = NULL;
	struct tb_app app;
	int ch, json = 0, config = 0, rc;

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
			range = optarg;
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
	return app_finish(&app, show(&app, json, range));
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
