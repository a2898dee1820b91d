/*
 * db.c - open, configure and migrate tb.db.  See db.h.
 */
#include "db.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "util.h"

#define DB_BUSY_TIMEOUT_MS 15000
#define DB_BUSY_RETRY_MS 10

int
db_error_code(sqlite3 *db)
{
	int err;

	if (db == NULL)
		return TB_EINTERNAL;
	switch (sqlite3_extended_errcode(db) & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return TB_ELOCKED;
	case SQLITE_FULL:
		return TB_ECANTCREAT;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		/* The system's errno is only meaningful after an I/O error. */
		err = sqlite3_system_errno(db);
		if (err == ENOSPC || err == EDQUOT || err == EFBIG)
			return TB_ECANTCREAT;
		return TB_EINTERNAL;
	default:
		return TB_EINTERNAL;
	}
}

int
db_fail(sqlite3 *db, const char *what, tb_err *e)
{
	return tb_errf(e, db_error_code(db), "database: %s: %s", what,
	    db != NULL ? sqlite3_errmsg(db) : "out of memory");
}

int
db_exec(sqlite3 *db, const char *sql, tb_err *e)
{
	char *msg = NULL;
	int code;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		code = db_error_code(db);
		tb_errf(e, code, "database: %s", msg ? msg :
		    sqlite3_errmsg(db));
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

int
db_begin(sqlite3 *db, tb_err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

int
db_commit(sqlite3 *db, tb_err *e)
{
	return db_exec(db, "COMMIT", e);
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, tb_err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return db_fail(db, "prepare", e);
	}
	return 0;
}

int
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *
db_column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

int
db_column_dup(sqlite3_stmt *st, int i, char **out, tb_err *e)
{
	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	if ((*out = strdup(db_column_text(st, i))) == NULL)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	return 0;
}

/* The schema version recorded in the file (0 when none). */
static int
db_schema_version(sqlite3 *db, int *version, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_prepare(db, "SELECT coalesce(max(version), 0) "
	    "FROM schema_version", &st, e)) != 0)
		return rc;
	rc = sqlite3_step(st);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "read schema_version", e);
}

static int
record_migration(sqlite3 *db, const struct migration *m, tb_err *e)
{
	sqlite3_stmt *st;
	char now[21];
	int rc;

	if ((rc = db_prepare(db, "INSERT INTO schema_version (version, name, "
	    "applied_at) VALUES (?, ?, ?)", &st, e)) != 0)
		return rc;
	sqlite3_bind_int(st, 1, m->version);
	db_bind_text(st, 2, m->name);
	db_bind_text(st, 3, clock_iso_utc(time(NULL), now));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "record migration", e);
}

/* Whether schema_version records version v: 1, 0, or -1 on error. */
static int
migration_applied(sqlite3 *db, int v, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db_prepare(db, "SELECT 1 FROM schema_version WHERE version = ?",
	    &st, e) != 0)
		return -1;
	sqlite3_bind_int(st, 1, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "read schema_version", e);
		return -1;
	}
	return rc == SQLITE_ROW;
}

/*
 * Apply every known migration the file has not recorded, in order (so a
 * migration numbered below one already applied is still applied once);
 * the caller holds the transaction.
 */
static int
migrate_locked(sqlite3 *db, tb_err *e)
{
	int current, known, rc, applied;
	size_t i;

	known = tb_nmigrations > 0 ?
	    tb_migrations[tb_nmigrations - 1].version : 0;
	if ((rc = db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	    "applied_at TEXT NOT NULL)", e)) != 0 ||
	    (rc = db_schema_version(db, &current, e)) != 0)
		return rc;
	if (current > known)
		return tb_errf(e, TB_EINTERNAL, "database schema version %d is "
		    "newer than this program knows (%d): upgrade tb before "
		    "using this database", current, known);
	for (i = 0; i < tb_nmigrations; i++) {
		if ((applied = migration_applied(db, tb_migrations[i].version,
		    e)) < 0)
			return e != NULL ? e->code : TB_EINTERNAL;
		if (applied)
			continue;
		if ((rc = db_exec(db, tb_migrations[i].sql, e)) != 0) {
			char why[sizeof e->msg];

			snprintf(why, sizeof why, "%s", e->msg);
			return tb_errf(e, rc, "database: migration %s failed: "
			    "%s", tb_migrations[i].name, why);
		}
		if ((rc = record_migration(db, &tb_migrations[i], e)) != 0)
			return rc;
	}
	return 0;
}

static int
db_migrate(sqlite3 *db, tb_err *e)
{
	int rc;

	if ((rc = db_begin(db, e)) != 0)
		return rc;
	if ((rc = migrate_locked(db, e)) != 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}

/* Create the file with mode 0600 before SQLite opens it. */
static int
create_private(const char *path, tb_err *e)
{
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return tb_errf(e, TB_ECANTCREAT, "cannot create %s: %s", path,
		    strerror(errno));
	close(fd);
	return 0;
}

static int
configure(sqlite3 *db, tb_err *e)
{
	sqlite3_stmt *st;
	int rc, waited;

	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	/* journal_mode returns a row; a read-only or corrupt file fails here. */
	if ((rc = db_prepare(db, "PRAGMA journal_mode=WAL", &st, e)) != 0)
		return rc;
	/*
	 * When programs open a new database together, the one changing the
	 * mode while another holds its first transaction gets SQLITE_BUSY at
	 * once, without the busy handler (SQLite's deadlock avoidance: it
	 * holds a shared lock itself).  Resetting the statement drops that
	 * lock; try again within the busy timeout.
	 */
	for (waited = 0;; waited += DB_BUSY_RETRY_MS) {
		rc = sqlite3_step(st);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= DB_BUSY_TIMEOUT_MS)
			break;
		sqlite3_reset(st);
		sqlite3_sleep(DB_BUSY_RETRY_MS);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, "set WAL mode", e);
	return db_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
	    e);
}

/* Open, configure and migrate the database file at path, which exists. */
static int
open_path(const char *path, sqlite3 **dbp, tb_err *e)
{
	sqlite3 *db = NULL;
	int rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		rc = tb_errf(e, db_error_code(db), "database %s: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return rc;
	}
	if ((rc = configure(db, e)) != 0 || (rc = db_migrate(db, e)) != 0) {
		char msg[sizeof e->msg];

		snprintf(msg, sizeof msg, "%s", e->msg);
		tb_errf(e, rc, "%s (%s)", msg, path);
		sqlite3_close(db);
		return rc;
	}
	*dbp = db;
	return 0;
}

int
db_open(const char *home, sqlite3 **dbp, tb_err *e)
{
	char path[4200];
	int rc;

	*dbp = NULL;
	if (util_mkdirs(home, 0700) != 0)
		return tb_errf(e, TB_ECANTCREAT, "cannot create TB_HOME %s: %s",
		    home, strerror(errno));
	snprintf(path, sizeof path, "%s/tb.db", home);
	if ((rc = create_private(path, e)) != 0)
		return rc;
	return open_path(path, dbp, e);
}

int
db_open_existing(const char *home, sqlite3 **dbp, tb_err *e)
{
	char path[4200];
	struct stat st;

	*dbp = NULL;
	if (stat(home, &st) != 0 || !S_ISDIR(st.st_mode))
		return tb_errf(e, TB_ECONFIG, "TB_HOME %s does not exist: "
		    "nothing has run there yet, or TB_HOME is not the "
		    "directory you meant", home);
	snprintf(path, sizeof path, "%s/tb.db", home);
	if (stat(path, &st) != 0)
		return tb_errf(e, TB_ECONFIG, "there is no database %s yet: "
		    "nothing has run with TB_HOME %s, or TB_HOME is not the "
		    "directory you meant", path, home);
	return open_path(path, dbp, e);
}

void
db_close(sqlite3 *db)
{
	if (db != NULL)
		sqlite3_close(db);
}

int
db_bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		return sqlite3_bind_double(st, i, v);
	return sqlite3_bind_null(st, i);
}

double
db_column_real(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NAN;
	return sqlite3_column_double(st, i);
}
