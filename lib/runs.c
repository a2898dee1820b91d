/*
 * runs.c - the runs table.  See runs.h.
 */
#include "runs.h"

#include "db.h"
#include "log.h"

int
runs_mark_crashed(sqlite3 *db, const char *program, long long before_id,
    int *marked, tb_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*marked = 0;
	if ((rc = db_prepare(db, "UPDATE runs SET status = 'crashed' "
	    "WHERE program = ? AND status = 'running' AND (? = 0 OR id < ?)",
	    &st, e)) != 0)
		return rc;
	db_bind_text(st, 1, program);
	sqlite3_bind_int64(st, 2, before_id);
	sqlite3_bind_int64(st, 3, before_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "mark crashed runs", e);
	if ((*marked = sqlite3_changes(db)) > 0)
		log_warn("%d earlier run(s) of %s did not finish (crashed or "
		    "killed)", *marked, program);
	return 0;
}
