/*
 * report_text.c - report.h's documents as text tables.  See report_text.h.
 *
 * Every section is a table of a document's array: a column names the
 * JSON key it shows and how, and each column is as wide as its widest
 * cell, so the text view follows the document, not the database.
 */
#include "report_text.h"

#include <string.h>
#include <sys/stat.h>

/* A column of a text table: the JSON key, its header, how to show it. */
struct column {
	const char *key;
	const char *header;
	char format;		/* 's' text, 'd' whole, '2' / '4' decimals */
};

#define MAX_COLUMNS 16
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
print_table(FILE *f, const char *title, const cJSON *rows,
    const struct column *cols, size_t ncols)
{
	int width[MAX_COLUMNS];
	const cJSON *row;
	char cell[CELL];
	size_t i;

	fprintf(f, "\n%s\n", title);
	if (cJSON_GetArraySize(rows) == 0) {
		fprintf(f, "  (none)\n");
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
	fprintf(f, " ");
	for (i = 0; i < ncols; i++)
		fprintf(f, " %-*s", width[i], cols[i].header);
	fprintf(f, "\n");
	cJSON_ArrayForEach(row, rows) {
		fprintf(f, " ");
		for (i = 0; i < ncols; i++) {
			cell_text(row, &cols[i], cell);
			fprintf(f, cols[i].format == 's' ? " %-*s" : " %*s",
			    width[i], cell);
		}
		fprintf(f, "\n");
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
print_sources(FILE *f, const cJSON *p)
{
	if (cJSON_IsTrue(cJSON_GetObjectItem(p, "second_on")))
		fprintf(f, "%-16s %s, then %s\n", "prices", str(p, "primary"),
		    str(p, "second"));
	else
		fprintf(f, "%-16s %s only (%s off: %s)\n", "prices",
		    str(p, "primary"), str(p, "second"),
		    str(p, "second_off_because"));
}

static void
print_header(FILE *f, const cJSON *doc)
{
	const cJSON *trading = cJSON_GetObjectItem(doc, "trading_day");

	fprintf(f, "%-16s %s (%s)\n", "date", str(doc, "date"),
	    str(doc, "weekday"));
	fprintf(f, "%-16s %s\n", "trading day", cJSON_IsTrue(trading) ? "yes" :
	    str(doc, "reason"));
	fprintf(f, "%-16s %s\n", "main trader", str(doc, "main_trader"));
	fprintf(f, "%-16s %s\n", "virtual trader", str(doc, "virtual_trader"));
	fprintf(f, "%-16s %s\n", "account", strcmp(str(doc, "t212_environment"),
	    "live") == 0 ? "live (real money)" : "demo");
	print_sources(f, cJSON_GetObjectItem(doc, "price_sources"));
}

static void
print_digest(FILE *f, const cJSON *digest)
{
	const cJSON *t;
	int first = 1;

	if (!cJSON_IsObject(digest)) {
		fprintf(f, "\nDIGEST  (none yet)\n");
		return;
	}
	fprintf(f, "\nDIGEST  %.0f tickers from %.0f posts\n", num(digest,
	    "tickers"), num(digest, "posts"));
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(digest, "top")) {
		fprintf(f, "%s%s (%.0f)", first ? "  top: " : ", ",
		    str(t, "symbol"), num(t, "mentions"));
		first = 0;
	}
	if (!first)
		fprintf(f, "\n");
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
print_account(FILE *f, const cJSON *acct)
{
	if (!cJSON_IsObject(acct)) {
		fprintf(f, "\nACCOUNT  (not read)\n");
		return;
	}
	fprintf(f, "\nACCOUNT  %.2f %s free to trade before the orders of %s",
	    num(acct, "cash_available"), str(acct, "currency"),
	    str(acct, "seen_at"));
	if (cJSON_IsNumber(cJSON_GetObjectItem(acct, "budget")))
		fprintf(f, "; daily budget %.2f %s", num(acct, "budget"),
		    str(acct, "currency"));
	fprintf(f, "\n");
}

void
report_print_day(FILE *f, const cJSON *doc)
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
		{ "fill_price", "fill", '2' }, { "fees_eur", "fees", '2' },
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

	print_header(f, doc);
	print_table(f, "ROUNDS", cJSON_GetObjectItem(doc, "rounds"), rounds, 6);
	print_digest(f, cJSON_GetObjectItem(doc, "digest"));
	flat = flatten_by_llm(cJSON_GetObjectItem(doc, "llms"), 0);
	print_table(f, "LLMS", flat, llms, 8);
	cJSON_Delete(flat);
	flat = flatten_by_llm(cJSON_GetObjectItem(doc, "picks"), 1);
	print_table(f, "PICKS", flat, picks, 6);
	cJSON_Delete(flat);
	if (cJSON_IsObject(approval))
		fprintf(f, "\nAPPROVAL  %s%s%s by %s at %s\n", str(approval,
		    "decision"), cJSON_IsString(cJSON_GetObjectItem(approval,
		    "indices")) ? " " : "", cJSON_IsString(cJSON_GetObjectItem(
		    approval, "indices")) ? str(approval, "indices") : "",
		    str(approval, "decided_by"), str(approval, "decided_at"));
	else
		fprintf(f, "\nAPPROVAL  (none)\n");
	print_table(f, "TRADES", cJSON_GetObjectItem(doc, "trades"), trades,
	    sizeof trades / sizeof trades[0]);
	print_account(f, cJSON_GetObjectItem(doc, "account"));
	fprintf(f, "\nTOTALS  orders placed %.0f, skipped %.0f, failed %.0f, "
	    "unknown %.0f; virtual booked %.0f; EUR real %.2f, virtual %.2f\n",
	    num(totals, "orders_placed"), num(totals, "orders_skipped"),
	    num(totals, "orders_failed"), num(totals, "orders_unknown"),
	    num(totals, "virtual_booked"), num(totals, "eur_real"),
	    num(totals, "eur_virtual"));
	print_table(f, "RUNS", cJSON_GetObjectItem(doc, "runs"), runs, 6);
}

void
report_print_range(FILE *f, const cJSON *days)
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
	print_table(f, "DAYS", flat, cols, 10);
	cJSON_Delete(flat);
}

/* The text of a value for the table: "" stays visible. */
static const char *
shown(const char *v)
{
	return *v != '\0' ? v : "\"\"";
}

static void
print_config_table(FILE *f, const struct tb_config *c)
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
	fprintf(f, "\n%-*s  %-*s  %s\n", kw, "KEY", vw, "VALUE", "SOURCE");
	for (i = 0; config_keys[i] != NULL; i++) {
		const char *v = shown(config_value(c, config_keys[i], &src));

		fprintf(f, "%-*s  %-*s  %s\n", kw, config_keys[i], vw, v,
		    config_source_name(src));
	}
	fprintf(f, "\n%-*s  %-5s  %s\n", kw, "SECRET", "SET", "SOURCE");
	for (i = 0; config_secrets[i] != NULL; i++) {
		src = config_secret_source(c, config_secrets[i]);
		fprintf(f, "%-*s  %-5s  %s\n", kw, config_secrets[i],
		    src == CONFIG_UNSET ? "unset" : "set",
		    src == CONFIG_UNSET ? "-" : config_source_name(src));
	}
}

void
report_print_config(FILE *f, const struct tb_config *c)
{
	struct stat st;

	fprintf(f, "%-12s %s%s\n", "TB_HOME", c->home, stat(c->home, &st) == 0 ?
	    "" : " (does not exist yet)");
	fprintf(f, "%-12s %s\n", "config file", c->file != NULL ? c->file :
	    "none (defaults)");
	fprintf(f, "%-12s %s\n", "env file", c->env_file != NULL ? c->env_file :
	    "none");
	print_config_table(f, c);
}

