/*
 * unitdb.h - a scratch database for C unit drivers that need one.
 *
 * unitdb_fresh("posts") makes /tmp/tb-test-posts-XXXXXX, opens and
 * migrates tb.db in it (a "Bail out!" and exit 1 when it cannot);
 * unitdb_remove() deletes it again; unitdb_query() gives the first column
 * of the first row of a query as text, for checks.
 */
#ifndef TB_UNITDB_H
#define TB_UNITDB_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db.h"

static char unitdb_home[64];

static __attribute__((unused)) sqlite3 *
unitdb_fresh(const char *tag)
{
	sqlite3 *db;
	tb_err e;

	snprintf(unitdb_home, sizeof unitdb_home, "/tmp/tb-test-%s-XXXXXX",
	    tag);
	if (mkdtemp(unitdb_home) == NULL ||
	    db_open(unitdb_home, &db, &e) != 0) {
		printf("Bail out! cannot make a database in %s\n", unitdb_home);
		exit(1);
	}
	return db;
}

static __attribute__((unused)) void
unitdb_remove(void)
{
	static const char *const files[] = { "tb.db", "tb.db-wal", "tb.db-shm" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", unitdb_home, files[i]);
		unlink(path);
	}
	rmdir(unitdb_home);
}

/* The first column of the first row of sql as text, into buf. */
static __attribute__((unused)) const char *
unitdb_query(sqlite3 *db, const char *sql, char *buf, size_t bufsz)
{
	sqlite3_stmt *st;

	snprintf(buf, bufsz, "(no row)");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(buf, bufsz, "(error: %s)", sqlite3_errmsg(db));
		return buf;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, bufsz, "%s", db_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

#endif
