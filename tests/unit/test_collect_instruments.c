/*
 * test_collect_instruments.c - the universe cache (lib/instruments.c):
 * the refresh policy as a table of (last fetch, now) cases, a refresh
 * streamed from a parsed list into the table and the universe, lists
 * that must not replace the cache, loading the cache back.
 */
#include "clock.h"
#include "config.h"
#include "db.h"
#include "instruments.h"
#include "unit.h"
#include "unitdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static time_t
at(const char *iso)
{
	time_t t;

	clock_parse_iso(iso, &t);
	return t;
}

struct due_case {
	const char *fetched;		/* last fetch, NULL: never */
	long rows;
	const char *now;
	long interval;
	int due;
	const char *why;
};

static const struct due_case due_cases[] = {
	{ NULL, 0, "2026-03-30T08:00:00+02:00", 50, 1, "never fetched" },
	{ "2026-03-30T08:00:00+02:00", 40, "2026-03-30T16:30:00+02:00", 50, 0,
	    "fetched earlier the same day" },
	{ "2026-03-30T08:00:00+02:00", 40, "2026-03-31T08:00:00+02:00", 50, 1,
	    "fetched the day before" },
	{ "2026-03-30T23:59:40+02:00", 40, "2026-03-31T00:00:15+02:00", 50, 0,
	    "the next day but 35 s later: the 50 s limit" },
	{ "2026-03-30T23:59:40+02:00", 40, "2026-03-31T00:00:15+02:00", 30, 1,
	    "the same 35 s with a 30 s limit" },
	{ "2026-03-30T23:30:00Z", 40, "2026-03-31T00:30:00Z", 50, 0,
	    "midnight UTC is not midnight in Berlin" },
	{ "2026-03-30T08:00:00+02:00", 0, "2026-03-30T08:00:20+02:00", 50, 0,
	    "an empty cache, but within 50 s" },
	{ "2026-03-30T08:00:00+02:00", 0, "2026-03-30T09:00:00+02:00", 50, 1,
	    "an empty cache, later the same day" },
	{ "2026-03-31T08:00:00+02:00", 40, "2026-03-31T07:59:30+02:00", 50, 0,
	    "a fetch 30 s in the future (clock moved back)" },
};

static void
test_due(sqlite3 *db)
{
	sqlite3_stmt *st;
	size_t i;
	int due;
	tb_err e;

	tb_err_clear(&e);
	for (i = 0; i < sizeof due_cases / sizeof due_cases[0]; i++) {
		const struct due_case *c = &due_cases[i];

		db_exec(db, "DELETE FROM metadata_refresh", &e);
		if (c->fetched != NULL && sqlite3_prepare_v2(db,
		    "INSERT INTO metadata_refresh VALUES ('instruments', ?, ?)",
		    -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, at(c->fetched));
			sqlite3_bind_int64(st, 2, c->rows);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
		due = -1;
		CHECK(instruments_due(db, "instruments", at(c->now),
		    c->interval, &due, &e) == 0 && due == c->due, "%s: %s",
		    c->why, c->due ? "due" : "not due");
	}
	db_exec(db, "DELETE FROM metadata_refresh", &e);
}

static const char instruments_json[] = "["
    "{\"ticker\":\"ASMLa_EQ\",\"type\":\"STOCK\",\"currencyCode\":\"EUR\","
    " \"isin\":\"NL0010273215\",\"shortName\":\"ASML\",\"name\":\"ASML\","
    " \"workingScheduleId\":60,\"maxOpenQuantity\":2400.0,"
    " \"addedOn\":\"2019-03-04T09:00:00.000+02:00\"},"
    "{\"ticker\":\"AIp_EQ\",\"currencyCode\":\"EUR\",\"shortName\":\"AIR\","
    " \"name\":\"Airbus\"},"
    "{\"ticker\":\"NOCURRENCY_US_EQ\",\"shortName\":\"X\"},"
    "{\"currencyCode\":\"USD\",\"name\":\"no ticker\"},"
    "{\"ticker\":\"ODDx_EQ\",\"currencyCode\":\"EUR\",\"name\":\"Unknown\"},"
    "{\"ticker\":\"ASMLa_EQ\",\"currencyCode\":\"USD\",\"name\":\"again\"},"
    "{\"ticker\":\"AAPL_US_EQ\",\"currencyCode\":\"USD\",\"name\":\"Apple\"}"
    "]";

static void
test_store(sqlite3 *db)
{
	struct universe u;
	const struct instrument *in;
	cJSON *list;
	char buf[256];
	size_t n;
	tb_err e;

	tb_err_clear(&e);
	list = cJSON_Parse(instruments_json);
	universe_init(&u);
	CHECK(instruments_store(db, list, at("2026-03-30T08:00:00Z"), &u,
	    &e) == 0, "store: %s", e.msg);
	CHECK(list->child == NULL, "every element was taken from the list");
	cJSON_Delete(list);
	CHECK_STR(unitdb_query(db, "SELECT count(*) FROM instruments", buf,
	    sizeof buf), "4", "four rows: no ticker or currency is skipped, "
	    "a repeated ticker keeps its first");
	CHECK_STR(unitdb_query(db, "SELECT currency || ' ' || isin || ' ' || "
	    "working_schedule_id || ' ' || max_open_quantity || ' ' || "
	    "added_on FROM instruments WHERE ticker = 'ASMLa_EQ'", buf,
	    sizeof buf), "EUR NL0010273215 60 2400.0 "
	    "2019-03-04T09:00:00.000+02:00", "every field of a row");
	CHECK_STR(unitdb_query(db, "SELECT yahoo_symbol FROM instruments WHERE "
	    "ticker = 'AIp_EQ'", buf, sizeof buf), "AIR.PA",
	    "the universe's Yahoo symbol (shortName AIR)");
	CHECK_STR(unitdb_query(db, "SELECT coalesce(yahoo_symbol, 'NULL') FROM "
	    "instruments WHERE ticker = 'ODDx_EQ'", buf, sizeof buf), "NULL",
	    "an unknown pattern is cached without a symbol");
	CHECK(u.finished && u.n == 3, "the universe: 3 of known pattern");
	CHECK((in = universe_by_yahoo(&u, "ASML.AS")) != NULL &&
	    strcmp(in->currency, "EUR") == 0, "ASML.AS in EUR");
	universe_free(&u);
	CHECK_STR(unitdb_query(db, "SELECT fetched_at || ' ' || row_count FROM "
	    "metadata_refresh WHERE kind = 'instruments'", buf, sizeof buf),
	    "1774857600 4", "the refresh is recorded");

	list = cJSON_Parse("[{\"name\":\"nothing usable\"}]");
	universe_init(&u);
	CHECK(instruments_store(db, list, at("2026-03-31T08:00:00Z"), &u,
	    &e) == TB_EDATA, "a list with nothing usable is refused");
	cJSON_Delete(list);
	universe_free(&u);
	CHECK_STR(unitdb_query(db, "SELECT count(*) || ' ' || (SELECT fetched_at "
	    "FROM metadata_refresh) FROM instruments", buf, sizeof buf),
	    "4 1774857600", "and the cache and its date are untouched");

	list = cJSON_Parse("[{\"id\":70,\"name\":\"NASDAQ\",\"workingSchedules"
	    "\":[]},{\"name\":\"no id\"}]");
	CHECK(exchanges_store(db, list, at("2026-03-30T08:00:00Z"), &n,
	    &e) == 0 && n == 1, "exchanges: one usable");
	cJSON_Delete(list);
	CHECK_STR(unitdb_query(db, "SELECT id || ' ' || name || ' ' || json FROM "
	    "exchanges", buf, sizeof buf),
	    "70 NASDAQ {\"id\":70,\"name\":\"NASDAQ\",\"workingSchedules\":[]}",
	    "an exchange is kept with its JSON");
}

static void
test_universe(sqlite3 *db)
{
	struct tb_config cfg;
	struct universe u;
	enum universe_source src;
	char why[128];
	tb_err e;

	tb_err_clear(&e);
	memset(&cfg, 0, sizeof cfg);
	CHECK(instruments_universe(db, &cfg, at("2026-03-30T09:00:00Z"), &u,
	    &src, why, sizeof why, &e) == 0 && src == UNIVERSE_CACHED &&
	    u.n == 3, "no credentials and a cache: cached");
	CHECK_STR(why, "", "no refresh was tried");
	universe_free(&u);
	db_exec(db, "DELETE FROM instruments", &e);
	CHECK(instruments_universe(db, &cfg, at("2026-03-30T09:00:00Z"), &u,
	    &src, why, sizeof why, &e) == 0 && src == UNIVERSE_MISSING &&
	    u.n == 0, "no credentials and no cache: missing");
	CHECK_STR(universe_source_name(src), "missing", "named missing");
	universe_free(&u);
}

int
main(void)
{
	sqlite3 *db;

	clock_set_timezone("Europe/Berlin");
	db = unitdb_fresh("instr");
	test_due(db);
	test_store(db);
	test_universe(db);
	db_close(db);
	unitdb_remove();
	return unit_done();
}
