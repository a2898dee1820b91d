/*
 * db.h - the SQLite database $TB_HOME/tb.db.
 *
 * db_open creates $TB_HOME (mode 0700, parents too) and tb.db (mode 0600);
 * db_open_existing opens only one that is there.  Both set WAL
 * journaling, synchronous=FULL (an order journal must survive a power
 * cut), foreign keys and a busy timeout, and applies the numbered
 * migrations compiled in from sql/ that the file has not had yet, each
 * recorded in schema_version, all in one IMMEDIATE transaction so two
 * programs starting together never apply one twice.  A database whose
 * schema is newer than this program knows is refused (TB_EINTERNAL with
 * both versions), never written to.
 *
 * All SQL with data goes through prepared statements with bound
 * parameters.  The helpers here turn SQLite's result codes into tb_err.
 */
#ifndef TB_DB_H
#define TB_DB_H

#include <stddef.h>
#include <sqlite3.h>

#include "err.h"

struct migration {
	int version;
	const char *name;
	const char *sql;
};

/* Generated from the sql/NNN_name.sql files by sql/embed.sh, in version order. */
extern const struct migration tb_migrations[];
extern const size_t tb_nmigrations;

/* Open (creating as needed) and migrate home/tb.db.  *db to db_close. */
int db_open(const char *home, sqlite3 **db, tb_err *e);

/*
 * The same for a database that exists already: a viewer never creates
 * one under a mistyped TB_HOME.  No home or no tb.db is TB_ECONFIG,
 * saying which.
 */
int db_open_existing(const char *home, sqlite3 **db, tb_err *e);
void db_close(sqlite3 *db);

/* Run SQL without parameters (schema, pragmas, BEGIN/COMMIT). */
int db_exec(sqlite3 *db, const char *sql, tb_err *e);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (rollback never fails loudly). */
int db_begin(sqlite3 *db, tb_err *e);
int db_commit(sqlite3 *db, tb_err *e);
void db_rollback(sqlite3 *db);

/* Prepare a statement; on failure *e has SQLite's message. */
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, tb_err *e);

/*
 * The exit code of the connection's last error: TB_ELOCKED (75) for a
 * database another process still holds after the busy timeout (try
 * later), TB_ECANTCREAT (73) for a full disk (SQLITE_FULL, or an I/O error
 * from ENOSPC, EDQUOT or EFBIG), else TB_EINTERNAL (70).
 */
int db_error_code(sqlite3 *db);

/*
 * Fill *e from the connection's last error, prefixed by what failed; the
 * code is db_error_code's.  db_exec, db_begin and db_commit do the same.
 */
int db_fail(sqlite3 *db, const char *what, tb_err *e);

/* Bind a NUL-terminated string (NULL binds SQL NULL); returns SQLite rc. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Bind a number, or SQL NULL when v is not finite (NAN: unknown). */
int db_bind_real(sqlite3_stmt *st, int i, double v);

/* Column i as a number, NAN when NULL. */
double db_column_real(sqlite3_stmt *st, int i);

/* The text of column i, or "" when NULL. */
const char *db_column_text(sqlite3_stmt *st, int i);

/*
 * A copy of column i's text in *out, the caller's to free(); NULL when
 * the column is NULL (so NULL and "" stay apart).  0, or TB_EINTERNAL
 * when out of memory (*out NULL).
 */
int db_column_dup(sqlite3_stmt *st, int i, char **out, tb_err *e);

#endif
