/*
 * dbinit - create and migrate $TB_HOME/tb.db as the first program of a
 * day would, for the bats suites that fill a database before running a
 * program (tb-status, a viewer, never creates one).
 *
 *   dbinit          (TB_HOME and the configuration as every program)
 */
#include <stdio.h>

#include "config.h"
#include "db.h"

int
main(void)
{
	struct tb_config cfg;
	sqlite3 *db;
	tb_err e;
	int rc;

	if ((rc = config_load(&cfg, NULL, &e)) != 0) {
		fprintf(stderr, "dbinit: %s\n", e.msg);
		return rc;
	}
	if ((rc = db_open(cfg.home, &db, &e)) != 0)
		fprintf(stderr, "dbinit: %s\n", e.msg);
	db_close(db);
	config_free(&cfg);
	return rc;
}
