/*
 * runs.h - the runs table: one row per program run (DESIGN 7).
 *
 * A run's row is 'running' from its start until the program records how
 * it ended.  A row left 'running' by a process that died (killed, a power
 * cut) would say so forever; the next run of the program that can prove
 * the dead one is gone marks it 'crashed'.  The proof is the caller's:
 * it must hold every lock a live run of that program would hold.
 */
#ifndef TB_RUNS_H
#define TB_RUNS_H

#include <sqlite3.h>

#include "err.h"

/*
 * Mark program's runs still 'running' as 'crashed': those with an id
 * below before_id (0: all of them, for a caller that has not recorded its
 * own run yet), so that a run started just now and not yet holding its
 * lock is never touched.  *marked gets how many, and a warning is logged
 * when there were any.  When the update fails, db_fail()'s code and
 * message.
 */
int	runs_mark_crashed(sqlite3 *db, const char *program, long long before_id,
	    int *marked, tb_err *e);

#endif
