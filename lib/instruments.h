/*
 * instruments.h - the Trading 212 instrument universe: when to refresh
 * the instruments and exchanges metadata, the SQLite cache of it
 * (tables instruments, exchanges, metadata_refresh), and loading the
 * cached instruments into a struct universe (lib/symbols.h).
 *
 * Refresh policy, per kind ("instruments", "exchanges"): a refresh is due
 * when the cache is empty or was last fetched on an earlier day in the
 * orchestrator timezone, and never within the endpoint's rate-limit
 * period of the last fetch (instruments 50 s, exchanges 30 s), whatever
 * the day.  "Now" is the program's clock (TB_NOW in tests), so a test can
 * move the day.  Without Trading 212 credentials nothing is fetched.
 *
 * A refresh replaces the cached kind in ONE transaction: either the whole
 * new list is in, or the old cache is untouched.  It is memory-lean: each
 * array element is detached from the parsed answer, bound to a prepared
 * INSERT, added to the universe and freed, so the answer's tree shrinks as
 * the table grows.  Elements without a ticker or currency are skipped;
 * a list with no usable element is refused (TB_EDATA), as an empty answer
 * must never wipe the cache.  The yahoo_symbol column is the universe's
 * derivation (universe_add: AIp_EQ with shortName AIR is AIR.PA), NULL for
 * a ticker of unknown pattern (kept in the cache, left out of the
 * universe).
 */
#ifndef TB_INSTRUMENTS_H
#define TB_INSTRUMENTS_H

#include <stddef.h>
#include <time.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "config.h"
#include "err.h"
#include "symbols.h"

#define INSTRUMENTS_MIN_INTERVAL_S 50	/* Trading 212: 1 per 50 s */
#define EXCHANGES_MIN_INTERVAL_S 30	/* Trading 212: 1 per 30 s */

enum universe_source {
	UNIVERSE_MISSING,		/* nothing fetched and no cache */
	UNIVERSE_CACHED,		/* loaded from the cache */
	UNIVERSE_REFRESHED		/* fetched from Trading 212 now */
};

/* "missing", "cached", "refreshed" (the tb-collect summary's words). */
const char *universe_source_name(enum universe_source s);

/*
 * Whether a refresh of kind ("instruments" or "exchanges") is due at now
 * by the policy above, with min_interval seconds as the rate limit.
 */
int instruments_due(sqlite3 *db, const char *kind, time_t now,
    long min_interval, int *due, tb_err *e);

/*
 * Replace the cached instruments by the array `list` (consumed: its
 * elements are freed as they are stored; the caller still deletes the
 * emptied array) and record the refresh at now.  u (initialised, not
 * finished) receives every instrument of known pattern and is finished
 * on success.  On failure the cache is unchanged and u must be freed.
 */
int instruments_store(sqlite3 *db, cJSON *list, time_t now,
    struct universe *u, tb_err *e);

/* The same for the exchanges array (each kept as JSON with its schedules). */
int exchanges_store(sqlite3 *db, cJSON *list, time_t now, size_t *count,
    tb_err *e);

/*
 * Load the cached instruments into u (initialised, not finished), then
 * finish it.  An empty cache gives an empty universe (u->n == 0).
 */
int instruments_load(sqlite3 *db, struct universe *u, tb_err *e);

/*
 * The universe for a run: refresh what the policy says is due (when cfg
 * has Trading 212 credentials), else, or when a refresh fails (logged as a
 * warning, *why says why), load the cache.  On success u is initialised
 * and finished (free it with universe_free) and *source says where it
 * came from; UNIVERSE_MISSING leaves u empty.  why (may be NULL, whysz
 * bytes) receives the refresh failure, or "".  Errors are the database's
 * only (TB_EINTERNAL): Trading 212 failing is not one.
 */
int instruments_universe(sqlite3 *db, const struct tb_config *cfg,
    time_t now, struct universe *u, enum universe_source *source,
    char *why, size_t whysz, tb_err *e);

#endif
