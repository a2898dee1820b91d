/*
 * apprun - a minimal program in the tb frame (lib/app.h), for the bats
 * suites that test the frame itself: trading-day skip, --scheduled,
 * the lock, the database and the runs record, exit codes.
 *
 *   apprun [common options] [--sleep S] [--fail CODE] [--name PROGRAM]
 *          [--chained]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app.h"

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		APP_LONG_OPTIONS,
		{ "sleep", required_argument, NULL, 's' },
		{ "fail", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "chained", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct tb_app app;
	int ch, rc, sleep_s = 0, fail = 0, flags;
	tb_err e;

	app_init(&app, "apprun");
	flags = APP_TRADING_DAY | APP_LOCK | APP_DB;
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sleep_s = atoi(optarg);
			break;
		case 'f':
			fail = atoi(optarg);
			break;
		case 'n':
			app.program = optarg;
			break;
		case 'c':
			flags |= APP_CHAINED;
			break;
		default:
			if ((rc = app_option(&app, ch, optarg)) == 1)
				break;
			return TB_EUSAGE;
		}
	}
	if ((rc = app_start(&app, flags)) != 0 ||
	    app.skipped)
		return app_finish(&app, rc);
	cJSON_AddStringToObject(app.summary, "main_trader", app.main_trader);
	if (sleep_s > 0) {
		fprintf(stderr, "apprun: holding the lock\n");
		sleep((unsigned)sleep_s);
	}
	if (fail != 0) {
		tb_errf(&e, fail, "failing with %d as asked", fail);
		return app_finish(&app, app_fail(&app, &e));
	}
	return app_finish(&app, 0);
}
