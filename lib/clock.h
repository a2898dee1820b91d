/*
 * clock.h - dates, "now" and the scheduled-slot check.  It knows nothing of
 * the configuration: the trader rotation and trading days are rotation.h.
 *
 * Local time is the orchestrator timezone: programs call
 * clock_set_timezone() once with the configured zone, and from then on
 * localtime/mktime work in it whatever the machine's zone is.
 *
 * "Now" is the wall clock, or TB_NOW when set (ISO-8601 with an offset,
 * "2026-03-30T17:10:00+02:00" or "...Z"), so tests can fix the day and the
 * hour.  TB_NOW moves the logical day only: times recorded for the broker
 * (order send times) always come from the real wall clock, time(NULL).
 */
#ifndef TB_CLOCK_H
#define TB_CLOCK_H

#include <stddef.h>
#include <time.h>

#include "err.h"

struct tb_date {
	int year, month, day;
};

/* Strict "YYYY-MM-DD" of a real calendar day.  0 or -1. */
int date_parse(const char *s, struct tb_date *d);

/* "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char *date_format(const struct tb_date *d, char *buf);

/* 0 = Sunday ... 6 = Saturday (a calendar fact, independent of zones). */
int date_weekday(const struct tb_date *d);

/* "Sunday" ... "Saturday" for d: a static string. */
const char *date_weekday_name(const struct tb_date *d);

/* Move d by n days (n may be negative). */
void date_add_days(struct tb_date *d, int n);

/* <0, 0, >0 as a is before, equal to, after b. */
int date_compare(const struct tb_date *a, const struct tb_date *b);

/* Whether tz names a zone in the tz database (e.g. "Europe/Berlin"). */
int clock_valid_timezone(const char *tz);

/* Make tz the process's local zone (setenv TZ + tzset).  0 or -1. */
int clock_set_timezone(const char *tz);

/* Parse an ISO-8601 instant with offset ("...T17:10:00+02:00", "...Z"). */
int clock_parse_iso(const char *s, time_t *out);

/* Now: TB_NOW if set (TB_ECONFIG if it does not parse), else time(NULL). */
int clock_now(time_t *now, tb_err *e);

/* The local calendar day of instant t. */
void clock_local_date(time_t t, struct tb_date *d);

/* "2026-03-30T15:10:02Z" for instant t into buf (at least 21 bytes). */
char *clock_iso_utc(time_t t, char *buf);

/* "2026-03-30T17:10:02+02:00" (local) into buf (at least 26 bytes). */
char *clock_iso_local(time_t t, char *buf);

enum clock_due { DUE_NOW, DUE_EARLY, DUE_MISSED };

/*
 * Whether a slot scheduled at `minute` (after local midnight) on the local
 * day of `now` is due at `now`: DUE_EARLY before the slot, DUE_MISSED
 * later than the slot plus grace seconds, else DUE_NOW.  The slot's instant
 * comes from mktime with tm_isdst = -1, so it is right on DST change days.
 * *slot (if not NULL) receives the slot's instant.
 */
enum clock_due clock_due(int minute, long grace, time_t now, time_t *slot);

#endif
