/*
 * instruments.c - the Trading 212 universe cache.  See instruments.h.
 */
#include "instruments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "t212.h"

const char *
universe_source_name(enum universe_source s)
{
	switch (s) {
	case UNIVERSE_REFRESHED:
		return "refreshed";
	case UNIVERSE_CACHED:
		return "cached";
	default:
		return "missing";
	}
}

static int
same_local_day(time_t a, time_t b)
{
	struct tb_date da, db;

	clock_local_date(a, &da);
	clock_local_date(b, &db);
	return date_compare(&da, &db) == 0;
}

int
instruments_due(sqlite3 *db, const char *kind, time_t now,
    long min_interval, int *due, tb_err *e)
{
	sqlite3_stmt *st;
	time_t fetched;
	long long rows;
	int rc;

	*due = 1;
	if (db_prepare(db, "SELECT fetched_at, row_count FROM metadata_refresh "
	    "WHERE kind = ?", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, kind);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fetched = (time_t)sqlite3_column_int64(st, 0);
		rows = sqlite3_column_int64(st, 1);
		/* The rate limit holds even across days and empty caches. */
		if (llabs((long long)(now - fetched)) < min_interval)
			*due = 0;
		else if (rows > 0 && same_local_day(fetched, now))
			*due = 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "read metadata_refresh", e);
	return 0;
}

static int
record_refresh(sqlite3 *db, const char *kind, time_t now, size_t rows,
    tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, "INSERT INTO metadata_refresh (kind, fetched_at, "
	    "row_count) VALUES (?1, ?2, ?3) ON CONFLICT (kind) DO UPDATE SET "
	    "fetched_at = ?2, row_count = ?3", &st, e) != 0)
		return TB_EINTERNAL;
	db_bind_text(st, 1, kind);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)rows);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "record metadata_refresh",
	    e);
}

static const char *
str_field(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) && it->valuestring[0] != '\0' ?
	    it->valuestring : NULL;
}

/* A number field; out of any sane range counts as absent. */
static int
num_field(const cJSON *obj, const char *key, double *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
	    fabs(it->valuedouble) > 1e15)
		return 0;
	*out = it->valuedouble;
	return 1;
}

static void
bind_opt_double(sqlite3_stmt *st, int i, const cJSON *obj, const char *key)
{
	double v;

	if (num_field(obj, key, &v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

enum stored { UNUSABLE, STORED, REPEATED };

/*
 * Store one instrument element and add it to the universe.  *what says
 * whether it was unusable (no ticker or currency), stored, or a ticker
 * already stored (the first copy stays, as in the universe).
 */
static int
store_instrument(sqlite3 *db, sqlite3_stmt *ins, const cJSON *item,
    struct universe *u, enum stored *what, tb_err *e)
{
	struct instrument in;
	double schedule = 0;
	int rc;

	*what = UNUSABLE;
	memset(&in, 0, sizeof in);
	in.t212_ticker = str_field(item, "ticker");
	in.currency = str_field(item, "currencyCode");
	if (in.t212_ticker == NULL || in.currency == NULL)
		return 0;
	in.type = str_field(item, "type");
	in.isin = str_field(item, "isin");
	in.short_name = str_field(item, "shortName");
	in.name = str_field(item, "name");
	if (num_field(item, "workingScheduleId", &schedule))
		in.working_schedule_id = (long)schedule;
	db_bind_text(ins, 1, in.t212_ticker);
	db_bind_text(ins, 2, in.type);
	db_bind_text(ins, 3, in.currency);
	db_bind_text(ins, 4, in.isin);
	db_bind_text(ins, 5, in.short_name);
	db_bind_text(ins, 6, in.name);
	if (in.working_schedule_id != 0)
		sqlite3_bind_int64(ins, 7, in.working_schedule_id);
	else
		sqlite3_bind_null(ins, 7);
	bind_opt_double(ins, 8, item, "maxOpenQuantity");
	db_bind_text(ins, 9, str_field(item, "addedOn"));
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	sqlite3_clear_bindings(ins);
	if (rc != SQLITE_DONE)
		return db_fail(db, "store an instrument", e);
	if (sqlite3_changes(db) == 0) {
		*what = REPEATED;
		return 0;
	}
	*what = STORED;
	/* A ticker of unknown pattern stays cached, outside the universe. */
	if ((rc = universe_add(u, &in, e)) == TB_EDATA)
		return 0;
	return rc;
}

/* Write each universe member's derived Yahoo symbol into its row. */
static int
store_yahoo_symbols(sqlite3 *db, const struct universe *u, tb_err *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE;

	if (db_prepare(db, "UPDATE instruments SET yahoo_symbol = ? "
	    "WHERE ticker = ?", &st, e) != 0)
		return TB_EINTERNAL;
	for (i = 0; i < u->n && rc == SQLITE_DONE; i++) {
		db_bind_text(st, 1, u->items[i].yahoo_symbol);
		db_bind_text(st, 2, u->items[i].t212_ticker);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "store Yahoo symbols", e);
}

/* The streaming part of instruments_store, inside its transaction. */
static int
stream_instruments(sqlite3 *db, cJSON *list, struct universe *u,
    size_t *stored, tb_err *e)
{
	sqlite3_stmt *ins;
	cJSON *item;
	size_t skipped = 0, repeated = 0;
	enum stored what;
	int rc = 0;

	*stored = 0;
	if ((rc = db_exec(db, "DELETE FROM instruments", e)) != 0 ||
	    (rc = db_prepare(db, "INSERT INTO instruments (ticker, type, "
	    "currency, isin, short_name, name, working_schedule_id, "
	    "max_open_quantity, added_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (ticker) DO NOTHING", &ins, e)) != 0)
		return rc;
	/* Detach and free each element once stored: the tree shrinks. */
	while (rc == 0 && (item = list->child) != NULL) {
		cJSON_DetachItemViaPointer(list, item);
		rc = store_instrument(db, ins, item, u, &what, e);
		cJSON_Delete(item);
		*stored += what == STORED;
		skipped += what == UNUSABLE;
		repeated += what == REPEATED;
	}
	sqlite3_finalize(ins);
	if (rc == 0 && skipped > 0)
		log_warn("t212: %zu instruments without ticker or currency "
		    "were skipped", skipped);
	if (rc == 0 && repeated > 0)
		log_warn("t212: %zu instruments repeat a ticker; the first "
		    "copy is kept", repeated);
	return rc;
}

int
instruments_store(sqlite3 *db, cJSON *list, time_t now, struct universe *u,
    tb_err *e)
{
	size_t stored;
	int rc;

	if (!cJSON_IsArray(list))
		return tb_errf(e, TB_EDATA, "t212: instruments: not a JSON "
		    "array");
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if ((rc = stream_instruments(db, list, u, &stored, e)) == 0 &&
	    stored == 0)
		rc = tb_errf(e, TB_EDATA, "t212: instruments: the list has no "
		    "usable instrument; the cache is kept");
	if (rc == 0 && (rc = universe_finish(u, e)) == 0 &&
	    (rc = store_yahoo_symbols(db, u, e)) == 0 &&
	    (rc = record_refresh(db, "instruments", now, stored, e)) == 0)
		rc = db_commit(db, e);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

static int
store_exchange(sqlite3 *db, sqlite3_stmt *ins, const cJSON *item, int *kept,
    tb_err *e)
{
	const char *name = str_field(item, "name");
	char *json;
	double id;
	int rc;

	*kept = 0;
	if (!num_field(item, "id", &id) || name == NULL)
		return 0;
	if ((json = cJSON_PrintUnformatted(item)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "t212: out of memory");
	sqlite3_bind_int64(ins, 1, (sqlite3_int64)id);
	db_bind_text(ins, 2, name);
	db_bind_text(ins, 3, json);
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	sqlite3_clear_bindings(ins);
	free(json);
	if (rc != SQLITE_DONE)
		return db_fail(db, "store an exchange", e);
	*kept = 1;
	return 0;
}

int
exchanges_store(sqlite3 *db, cJSON *list, time_t now, size_t *count,
    tb_err *e)
{
	sqlite3_stmt *ins = NULL;
	cJSON *item;
	int kept, rc;

	*count = 0;
	if (!cJSON_IsArray(list))
		return tb_errf(e, TB_EDATA, "t212: exchanges: not a JSON "
		    "array");
	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if ((rc = db_exec(db, "DELETE FROM exchanges", e)) == 0)
		rc = db_prepare(db, "INSERT OR REPLACE INTO exchanges (id, "
		    "name, json) VALUES (?, ?, ?)", &ins, e);
	cJSON_ArrayForEach(item, list) {
		if (rc != 0)
			break;
		rc = store_exchange(db, ins, item, &kept, e);
		*count += kept;
	}
	sqlite3_finalize(ins);
	if (rc == 0 && *count == 0)
		rc = tb_errf(e, TB_EDATA, "t212: exchanges: the list has no "
		    "usable exchange; the cache is kept");
	if (rc == 0 && (rc = record_refresh(db, "exchanges", now, *count,
	    e)) == 0)
		rc = db_commit(db, e);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

int
instruments_load(sqlite3 *db, struct universe *u, tb_err *e)
{
	sqlite3_stmt *st;
	struct instrument in;
	size_t unknown = 0;
	int rc, step;

	if (db_prepare(db, "SELECT ticker, type, currency, isin, short_name, "
	    "name, working_schedule_id FROM instruments", &st, e) != 0)
		return TB_EINTERNAL;
	rc = 0;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&in, 0, sizeof in);
		in.t212_ticker = db_column_text(st, 0);
		in.type = db_column_text(st, 1);
		in.currency = db_column_text(st, 2);
		in.isin = db_column_text(st, 3);
		in.short_name = db_column_text(st, 4);
		in.name = db_column_text(st, 5);
		in.working_schedule_id = (long)sqlite3_column_int64(st, 6);
		if ((rc = universe_add(u, &in, e)) == TB_EDATA) {
			unknown++;
			rc = 0;
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_fail(db, "read instruments", e);
	sqlite3_finalize(st);
	if (rc == 0)
		rc = universe_finish(u, e);
	if (rc == 0 && unknown > 0)
		log_debug("t212: %zu cached instruments have a ticker of "
		    "unknown pattern", unknown);
	return rc;
}

/* Fetch and store the instruments into u; u is left unfinished on error. */
static int
refresh_instruments(sqlite3 *db, struct t212_client *c, time_t now,
    struct universe *u, tb_err *e)
{
	cJSON *list;
	int rc;

	if ((rc = t212_get_instruments(c, &list, e)) != 0)
		return rc;
	rc = instruments_store(db, list, now, u, e);
	cJSON_Delete(list);
	if (rc == 0)
		log_info("t212: instruments refreshed: %zu in the universe",
		    u->n);
	return rc;
}

static void
refresh_exchanges(sqlite3 *db, struct t212_client *c, time_t now)
{
	cJSON *list;
	size_t n;
	tb_err e;

	tb_err_clear(&e);
	if (t212_get_exchanges(c, &list, &e) == 0) {
		exchanges_store(db, list, now, &n, &e);
		cJSON_Delete(list);
	}
	if (e.code != 0)
		log_warn("exchanges not refreshed, the cache stays: %s", e.msg);
	else
		log_info("t212: exchanges refreshed: %zu", n);
}

/* Refresh what is due; *refreshed says whether u holds fresh instruments. */
static int
refresh_due(sqlite3 *db, const struct tb_config *cfg, time_t now,
    struct universe *u, int *refreshed, char *why, size_t whysz, tb_err *e)
{
	struct t212_client c;
	tb_err fail;
	int due_i, due_x, rc;

	*refreshed = 0;
	if ((rc = instruments_due(db, "instruments", now,
	    INSTRUMENTS_MIN_INTERVAL_S, &due_i, e)) != 0 ||
	    (rc = instruments_due(db, "exchanges", now,
	    EXCHANGES_MIN_INTERVAL_S, &due_x, e)) != 0)
		return rc;
	if (!due_i && !due_x)
		return 0;
	tb_err_clear(&fail);
	if (t212_init(&c, cfg, &fail) == 0 && due_i) {
		if (refresh_instruments(db, &c, now, u, &fail) == 0)
			*refreshed = 1;
		else {
			universe_free(u);
			universe_init(u);
		}
	}
	if (fail.code == 0 && due_x)
		refresh_exchanges(db, &c, now);
	t212_free(&c);
	if (fail.code == TB_EINTERNAL && !*refreshed)
		return tb_errf(e, fail.code, "%s", fail.msg);
	if (fail.code != 0) {
		log_warn("instruments not refreshed (the cache, if any, is "
		    "used): %s", fail.msg);
		if (why != NULL)
			snprintf(why, whysz, "%s", fail.msg);
	}
	return 0;
}

int
instruments_universe(sqlite3 *db, const struct tb_config *cfg, time_t now,
    struct universe *u, enum universe_source *source, char *why,
    size_t whysz, tb_err *e)
{
	int refreshed = 0, rc;

	universe_init(u);
	*source = UNIVERSE_MISSING;
	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (cfg->t212_api_key != NULL && cfg->t212_api_key[0] != '\0' &&
	    (rc = refresh_due(db, cfg, now, u, &refreshed, why, whysz,
	    e)) != 0) {
		universe_free(u);
		return rc;
	}
	if (refreshed) {
		*source = UNIVERSE_REFRESHED;
		return 0;
	}
	if ((rc = instruments_load(db, u, e)) != 0) {
		universe_free(u);
		return rc;
	}
	if (u->n > 0)
		*source = UNIVERSE_CACHED;
	return 0;
}
