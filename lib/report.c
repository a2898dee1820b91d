/*
 * report.c - a day's (or a range's) story from the database.  See report.h.
 *
 * Each section is one SQL query whose columns are named as the JSON keys
 * they become; rows_json() turns any such result into objects, so adding
 * a field is a change to a query, not to C.
 */
#include "report.h"

#include <string.h>

#include "db.h"
#include "rotation.h"
#include "summary.h"

/* One column of the current row as JSON, by its SQLite type. */
static cJSON *
column_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return cJSON_CreateNumber((double)sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return cJSON_CreateNumber(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return cJSON_CreateNull();
	default:
		return cJSON_CreateString(db_column_text(st, i));
	}
}

static cJSON *
row_json(sqlite3_stmt *st)
{
	cJSON *row = cJSON_CreateObject();
	int i;

	for (i = 0; i < sqlite3_column_count(st); i++)
		cJSON_AddItemToObject(row, sqlite3_column_name(st, i),
		    column_json(st, i));
	return row;
}

/*
 * Run sql with the date bound to every parameter and return its rows as
 * an array of objects (*out), or NULL on error.
 */
static int
rows_json(sqlite3 *db, const char *sql, const char *day, cJSON **out,
    tb_err *e)
{
	sqlite3_stmt *st;
	int rc, i;

	*out = NULL;
	if ((rc = db_prepare(db, sql, &st, e)) != 0)
		return rc;
	for (i = 1; i <= sqlite3_bind_parameter_count(st); i++)
		db_bind_text(st, i, day);
	*out = cJSON_CreateArray();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cJSON_AddItemToArray(*out, row_json(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(*out);
		*out = NULL;
		return db_fail(db, "read the day", e);
	}
	return 0;
}

/* The first row of sql as an object, or JSON null when there is none. */
static int
row_or_null(sqlite3 *db, const char *sql, const char *day, cJSON **out,
    tb_err *e)
{
	cJSON *rows;
	int rc;

	if ((rc = rows_json(db, sql, day, &rows, e)) != 0)
		return rc;
	if (cJSON_GetArraySize(rows) > 0)
		*out = cJSON_DetachItemFromArray(rows, 0);
	else
		*out = cJSON_CreateNull();
	cJSON_Delete(rows);
	return 0;
}

/* Move each row into out[row.llm_name] (an array or object per llm). */
static cJSON *
group_by_llm(cJSON *rows, int as_array)
{
	cJSON *by = cJSON_CreateObject(), *row, *name, *slot;

	while ((row = cJSON_DetachItemFromArray(rows, 0)) != NULL) {
		name = cJSON_GetObjectItem(row, "llm_name");
		if (!cJSON_IsString(name)) {
			cJSON_Delete(row);
			continue;
		}
		slot = cJSON_GetObjectItem(by, name->valuestring);
		if (as_array && slot == NULL)
			slot = cJSON_AddArrayToObject(by, name->valuestring);
		if (as_array) {
			cJSON_DeleteItemFromObject(row, "llm_name");
			cJSON_AddItemToArray(slot, row);
		} else {
			cJSON_AddItemToObject(by, name->valuestring, row);
			cJSON_DeleteItemFromObject(row, "llm_name");
		}
	}
	cJSON_Delete(rows);
	return by;
}

static const char SQL_ROUNDS[] =
    "SELECT round, started_at, finished_at, posts_fetched, posts_new, "
    "posts_updated, CASE WHEN json_valid(errors_json) AND "
    "json_type(errors_json) = 'array' THEN json_array_length(errors_json) "
    "ELSE 0 END AS errors FROM collection_rounds WHERE date = ?1 "
    "ORDER BY round";
static const char SQL_DIGEST[] =
    "SELECT ticker_count AS tickers, post_count AS posts, created_at "
    "FROM digests WHERE date = ?1";
static const char SQL_DIGEST_TOP[] =
    "SELECT json_extract(t.value, '$.symbol') AS symbol, "
    "json_extract(t.value, '$.mentions') AS mentions, "
    "json_extract(t.value, '$.weight') AS weight "
    "FROM digests d, json_each(d.json, '$.tickers') t "
    "WHERE d.date = ?1 AND json_valid(d.json) LIMIT 5";
static const char SQL_LLMS[] =
    "SELECT l.llm_name, l.status, l.model, "
    "(SELECT count(*) FROM llm_runs a WHERE a.date = ?1 AND "
    "a.llm_name = l.llm_name) AS attempts, "
    "(SELECT sum(input_tokens) FROM llm_runs a WHERE a.date = ?1 AND "
    "a.llm_name = l.llm_name) AS input_tokens, "
    "(SELECT sum(output_tokens) FROM llm_runs a WHERE a.date = ?1 AND "
    "a.llm_name = l.llm_name) AS output_tokens, "
    "l.latency_ms, l.error FROM llm_runs l WHERE l.id IN "
    "(SELECT max(id) FROM llm_runs WHERE date = ?1 GROUP BY llm_name)";
static const char SQL_PICKS[] =
    "SELECT llm_name, pick_index AS \"index\", ticker, allocation_pct, "
    "amount_eur, status, is_main_trader FROM daily_picks WHERE date = ?1 "
    "ORDER BY llm_name, pick_index";
static const char SQL_APPROVAL[] =
    "SELECT decision, indices, decided_by, decided_at FROM approvals "
    "WHERE date = ?1 AND superseded_at IS NULL";
static const char SQL_TRADES[] =
    "SELECT id, llm_name, kind, ticker, broker_ticker, side, quantity, "
    "price, currency, amount_eur, status, broker_order_id, error, "
    "fill_price, fill_quantity, fill_value, fill_currency, fill_fx_rate, "
    "fill_fees, filled_at, fill_final, fees_cents / 100.0 AS fees_eur, "
    "cash_cents / 100.0 AS cash_eur "
    "FROM trades WHERE date = ?1 ORDER BY id";
static const char SQL_TOTALS[] =
    "SELECT coalesce(sum(kind = 'real' AND status IN ('submitted', "
    "'filled')), 0) AS orders_placed, "
    "coalesce(sum(kind = 'real' AND status = 'skipped'), 0) "
    "AS orders_skipped, "
    "coalesce(sum(kind = 'real' AND status IN ('failed', 'rejected')), 0) "
    "AS orders_failed, "
    "coalesce(sum(kind = 'real' AND status IN ('pending', 'unknown')), 0) "
    "AS orders_unknown, "
    "coalesce(sum(kind = 'virtual' AND status = 'booked'), 0) "
    "AS virtual_booked, "
    "round(coalesce(sum(CASE WHEN kind = 'real' AND status IN "
    "('submitted', 'filled') THEN amount_eur END), 0), 2) AS eur_real, "
    "round(coalesce(sum(CASE WHEN kind = 'virtual' AND status = 'booked' "
    "THEN amount_eur END), 0), 2) AS eur_virtual "
    "FROM trades WHERE date = ?1";
/* The account as the day's last tb-execute that read it saw it. */
static const char SQL_ACCOUNT[] =
    "SELECT json_extract(summary_json, '$.account.currency') AS currency, "
    "json_extract(summary_json, '$.account.cash_available') AS "
    "cash_available, json_extract(summary_json, '$.account.budget') AS "
    "budget, started_at AS seen_at FROM runs WHERE date = ?1 AND "
    "program = 'tb-execute' AND json_valid(summary_json) AND "
    "json_type(summary_json, '$.account') = 'object' ORDER BY id DESC "
    "LIMIT 1";
static const char SQL_RUNS[] =
    "SELECT program, started_at, finished_at, status, exit_code, "
    "CASE WHEN json_valid(summary_json) THEN "
    "json_extract(summary_json, '$.error') END AS error "
    "FROM runs WHERE date = ?1 ORDER BY id";

static void
add_rotation(cJSON *doc, const struct tb_config *cfg,
    const struct tb_date *d)
{
	const char *main_trader = get_main_trader(d);
	int trading = is_trading_day(cfg, d);

	cJSON_AddStringToObject(doc, "weekday", date_weekday_name(d));
	cJSON_AddBoolToObject(doc, "trading_day", trading);
	if (!trading)
		cJSON_AddStringToObject(doc, "reason", main_trader == NULL ?
		    "weekend" : "holiday");
	if (main_trader != NULL) {
		cJSON_AddStringToObject(doc, "main_trader", main_trader);
		cJSON_AddStringToObject(doc, "virtual_trader",
		    get_virtual_trader(d));
	} else {
		cJSON_AddNullToObject(doc, "main_trader");
		cJSON_AddNullToObject(doc, "virtual_trader");
	}
}

static int
add_digest(sqlite3 *db, cJSON *doc, const char *day, tb_err *e)
{
	cJSON *digest, *top;
	int rc;

	if ((rc = row_or_null(db, SQL_DIGEST, day, &digest, e)) != 0)
		return rc;
	if (!cJSON_IsNull(digest)) {
		if ((rc = rows_json(db, SQL_DIGEST_TOP, day, &top, e)) != 0) {
			cJSON_Delete(digest);
			return rc;
		}
		cJSON_AddItemToObject(digest, "top", top);
	}
	cJSON_AddItemToObject(doc, "digest", digest);
	return 0;
}

/* Where prices come from: Yahoo, then EODHD when its key is set. */
static void
add_price_sources(cJSON *doc, const struct tb_config *cfg)
{
	cJSON *p = cJSON_AddObjectToObject(doc, "price_sources");
	int on = cfg->eodhd_api_key != NULL && *cfg->eodhd_api_key != '\0';

	cJSON_AddStringToObject(p, "primary", "yahoo");
	cJSON_AddStringToObject(p, "second", "eodhd");
	cJSON_AddBoolToObject(p, "second_on", on);
	if (!on)
		cJSON_AddStringToObject(p, "second_off_because", "EODHD_API_KEY "
		    "is not set");
}

int
report_day(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *date, cJSON **out, tb_err *e)
{
	cJSON *doc = cJSON_CreateObject(), *part;
	char day[11];
	int rc;

	date_format(date, day);
	cJSON_AddStringToObject(doc, "date", day);
	add_rotation(doc, cfg, date);
	add_price_sources(doc, cfg);
	cJSON_AddStringToObject(doc, "t212_environment", cfg->t212_live ?
	    "live" : "demo");
	if ((rc = rows_json(db, SQL_ROUNDS, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "rounds", part);
	if ((rc = add_digest(db, doc, day, e)) != 0 ||
	    (rc = rows_json(db, SQL_LLMS, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "llms", group_by_llm(part, 0));
	if ((rc = rows_json(db, SQL_PICKS, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "picks", group_by_llm(part, 1));
	if ((rc = row_or_null(db, SQL_APPROVAL, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "approval", part);
	if ((rc = rows_json(db, SQL_TRADES, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "trades", part);
	if ((rc = row_or_null(db, SQL_TOTALS, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "totals", part);
	if ((rc = row_or_null(db, SQL_ACCOUNT, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "account", part);
	if ((rc = rows_json(db, SQL_RUNS, day, &part, e)) != 0)
		goto fail;
	cJSON_AddItemToObject(doc, "runs", part);
	summary_round(doc);
	*out = doc;
	return 0;
fail:
	cJSON_Delete(doc);
	*out = NULL;
	return rc;
}

static const char SQL_RANGE_DAY[] =
    "SELECT "
    "(SELECT count(*) FROM daily_picks WHERE date = ?1 AND "
    "llm_name = 'claude') AS claude_picks, "
    "(SELECT count(*) FROM daily_picks WHERE date = ?1 AND "
    "llm_name = 'minimax') AS minimax_picks, "
    "(SELECT decision FROM approvals WHERE date = ?1 AND "
    "superseded_at IS NULL) AS approval, "
    "(SELECT count(*) FROM trades WHERE date = ?1 AND kind = 'real' AND "
    "status IN ('submitted', 'filled')) AS orders_placed, "
    "(SELECT count(*) FROM trades WHERE date = ?1 AND kind = 'virtual' "
    "AND status = 'booked') AS virtual_booked, "
    "(SELECT round(coalesce(sum(amount_eur), 0), 2) FROM trades WHERE "
    "date = ?1 AND kind = 'real' AND status IN ('submitted', 'filled')) "
    "AS eur_real, "
    "(SELECT count(*) FROM runs WHERE date = ?1 AND status IN "
    "('failed', 'crashed')) AS failed_runs";

static int
range_day(sqlite3_stmt *st, const struct tb_config *cfg,
    const struct tb_date *d, cJSON *days)
{
	cJSON *row, *picks;
	char day[11];
	int rc;

	sqlite3_reset(st);
	db_bind_text(st, 1, date_format(d, day));
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return -1;
	row = cJSON_CreateObject();
	cJSON_AddStringToObject(row, "date", day);
	add_rotation(row, cfg, d);
	picks = cJSON_AddObjectToObject(row, "picks");
	cJSON_AddNumberToObject(picks, "claude", sqlite3_column_int(st, 0));
	cJSON_AddNumberToObject(picks, "minimax", sqlite3_column_int(st, 1));
	cJSON_AddItemToObject(row, "approval", column_json(st, 2));
	cJSON_AddItemToObject(row, "orders_placed", column_json(st, 3));
	cJSON_AddItemToObject(row, "virtual_booked", column_json(st, 4));
	cJSON_AddItemToObject(row, "eur_real", column_json(st, 5));
	cJSON_AddItemToObject(row, "failed_runs", column_json(st, 6));
	cJSON_AddItemToArray(days, row);
	return 0;
}

int
report_range(sqlite3 *db, const struct tb_config *cfg,
    const struct tb_date *from, const struct tb_date *to, cJSON **out,
    tb_err *e)
{
	struct tb_date d = *from;
	sqlite3_stmt *st;
	cJSON *days;
	int rc;

	*out = NULL;
	if ((rc = db_prepare(db, SQL_RANGE_DAY, &st, e)) != 0)
		return rc;
	days = cJSON_CreateArray();
	for (; date_compare(&d, to) <= 0; date_add_days(&d, 1))
		if (range_day(st, cfg, &d, days) != 0) {
			sqlite3_finalize(st);
			cJSON_Delete(days);
			return db_fail(db, "read the range", e);
		}
	sqlite3_finalize(st);
	summary_round(days);
	*out = days;
	return 0;
}

/* A string, or JSON null for NULL. */
static cJSON *
string_or_null(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static void
add_config_keys(cJSON *doc, const struct tb_config *c)
{
	cJSON *keys, *o;
	enum config_source src;
	size_t i;

	keys = cJSON_AddArrayToObject(doc, "keys");
	for (i = 0; config_keys[i] != NULL; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", config_keys[i]);
		cJSON_AddStringToObject(o, "value", config_value(c,
		    config_keys[i], &src));
		cJSON_AddStringToObject(o, "source", config_source_name(src));
		cJSON_AddItemToArray(keys, o);
	}
}

static void
add_config_secrets(cJSON *doc, const struct tb_config *c)
{
	cJSON *secrets, *o;
	enum config_source src;
	size_t i;

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
}

int
report_config(const struct tb_config *cfg, cJSON **out, tb_err *e)
{
	cJSON *doc;

	if ((*out = doc = cJSON_CreateObject()) == NULL)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	cJSON_AddStringToObject(doc, "home", cfg->home);
	cJSON_AddItemToObject(doc, "file", string_or_null(cfg->file));
	cJSON_AddItemToObject(doc, "env_file", string_or_null(cfg->env_file));
	add_config_keys(doc, cfg);
	add_config_secrets(doc, cfg);
	return 0;
}
