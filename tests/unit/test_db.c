/*
 * test_db - the exit codes of database failures (a locked database 75, a
 * full one 73, anything else 70) and db_open_existing, which never
 * creates a database; db_column_dup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "unit.h"
#include "unitdb.h"

static void
test_locked(void)
{
	sqlite3 *db, *other;
	tb_err e;

	db = unitdb_fresh("db");
	if (db_open(unitdb_home, &other, &e) != 0) {
		printf("Bail out! second connection: %s\n", e.msg);
		exit(1);
	}
	CHECK(db_begin(db, &e) == 0, "the first writer begins");
	/* The busy timeout, shortened: the code is what is tested here. */
	sqlite3_busy_timeout(other, 20);
	CHECK(db_begin(other, &e) == TB_ELOCKED && e.code == TB_ELOCKED,
	    "a second writer after the busy timeout is 75: %s", e.msg);
	CHECK(strstr(e.msg, "locked") != NULL, "the message says locked: %s",
	    e.msg);
	CHECK(db_exec(other, "INSERT INTO runs (program, date, started_at) "
	    "VALUES ('x', '2026-03-30', 'x')", &e) == TB_ELOCKED,
	    "a write outside a transaction is 75 too");
	CHECK(db_error_code(other) == TB_ELOCKED, "db_error_code says 75");
	db_rollback(db);
	CHECK(db_begin(other, &e) == 0, "free again once the writer is done");
	db_rollback(other);
	db_close(other);
	db_close(db);
	unitdb_remove();
}

static void
test_full(void)
{
	sqlite3 *db;
	tb_err e;
	int rc = 0, i;

	db = unitdb_fresh("db");
	/* No more pages than the file has: what a full disk looks like. */
	db_exec(db, "PRAGMA max_page_count = 1", &e);
	for (i = 0; i < 100 && rc == 0; i++)
		rc = db_exec(db, "INSERT INTO runs (program, date, started_at, "
		    "summary_json) VALUES ('x', '2026-03-30', 'x', "
		    "hex(randomblob(2000)))", &e);
	CHECK(rc == TB_ECANTCREAT && e.code == TB_ECANTCREAT,
	    "a full database is 73: %s", e.msg);
	CHECK(strstr(e.msg, "full") != NULL, "the message says full: %s",
	    e.msg);
	CHECK(db_exec(db, "SELECT * FROM no_such_table", &e) == TB_EINTERNAL,
	    "any other error is 70: %s", e.msg);
	db_close(db);
	unitdb_remove();
}

static void
test_open_existing(void)
{
	char home[64], path[128];
	sqlite3 *db;
	struct stat st;
	tb_err e;

	snprintf(home, sizeof home, "/tmp/tb-test-db-XXXXXX");
	if (mkdtemp(home) == NULL) {
		printf("Bail out! mkdtemp\n");
		exit(1);
	}
	snprintf(path, sizeof path, "%s/missing", home);
	CHECK(db_open_existing(path, &db, &e) == TB_ECONFIG && db == NULL &&
	    strstr(e.msg, path) != NULL, "no TB_HOME is 78 naming it: %s",
	    e.msg);
	CHECK(stat(path, &st) != 0, "and TB_HOME is not created");
	CHECK(db_open_existing(home, &db, &e) == TB_ECONFIG &&
	    strstr(e.msg, "tb.db") != NULL, "no tb.db is 78 naming it: %s",
	    e.msg);
	snprintf(path, sizeof path, "%s/tb.db", home);
	CHECK(stat(path, &st) != 0, "and tb.db is not created");
	CHECK(db_open(home, &db, &e) == 0, "db_open creates it");
	db_close(db);
	CHECK(db_open_existing(home, &db, &e) == 0 && db != NULL,
	    "an existing database opens");
	db_close(db);
	snprintf(unitdb_home, sizeof unitdb_home, "%s", home);
	unitdb_remove();
}

static void
test_column_dup(void)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	char *a = (char *)"x", *b = (char *)"x", *c = (char *)"x";
	tb_err e;

	db = unitdb_fresh("dup");
	if (db_prepare(db, "SELECT 'text', '', NULL", &st, &e) != 0 ||
	    sqlite3_step(st) != SQLITE_ROW) {
		printf("Bail out! select: %s\n", e.msg);
		exit(1);
	}
	CHECK(db_column_dup(st, 0, &a, &e) == 0 && a != NULL &&
	    strcmp(a, "text") == 0, "a text column is copied");
	CHECK(db_column_dup(st, 1, &b, &e) == 0 && b != NULL && *b == '\0',
	    "an empty text stays an empty string");
	CHECK(db_column_dup(st, 2, &c, &e) == 0 && c == NULL,
	    "a NULL column is NULL, not \"\"");
	CHECK(a != (const char *)sqlite3_column_text(st, 0),
	    "the copy is the caller's, not SQLite's buffer");
	sqlite3_finalize(st);
	CHECK(strcmp(a, "text") == 0, "and outlives the statement");
	free(a);
	free(b);
	db_close(db);
	unitdb_remove();
}

int
main(void)
{
	test_locked();
	test_full();
	test_open_existing();
	test_column_dup();
	return unit_done();
}
