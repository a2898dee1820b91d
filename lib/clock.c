/*
 * clock.c - dates, now, the scheduled-slot check.
 */
#include "clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
days_in_month(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* n decimal digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_parse(const char *s, struct tb_date *d)
{
	int y, m, dd;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if ((y = digits(s, 4)) < 1970 || (m = digits(s + 5, 2)) < 1 ||
	    m > 12 || (dd = digits(s + 8, 2)) < 1 || dd > days_in_month(y, m))
		return -1;
	d->year = y;
	d->month = m;
	d->day = dd;
	return 0;
}

char *
date_format(const struct tb_date *d, char *buf)
{
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)d->year % 10000u,
	    (unsigned)d->month % 100u, (unsigned)d->day % 100u);
	return buf;
}

/* Noon UTC of the day: the instant used for calendar arithmetic. */
static time_t
date_noon_utc(const struct tb_date *d)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = d->year - 1900;
	tm.tm_mon = d->month - 1;
	tm.tm_mday = d->day;
	tm.tm_hour = 12;
	return timegm(&tm);
}

int
date_weekday(const struct tb_date *d)
{
	time_t t = date_noon_utc(d);
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_wday;
}

const char *
date_weekday_name(const struct tb_date *d)
{
	static const char *const names[] = {
		"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
		"Friday", "Saturday"
	};

	return names[date_weekday(d)];
}

void
date_add_days(struct tb_date *d, int n)
{
	time_t t = date_noon_utc(d) + (time_t)n * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
}

int
date_compare(const struct tb_date *a, const struct tb_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

int
clock_valid_timezone(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[1024];
	struct stat st;

	if (tz == NULL || *tz == '\0' || *tz == '/' || strstr(tz, "..") ||
	    strlen(tz) > 200)
		return 0;
	if (strcmp(tz, "UTC") == 0)
		return 1;
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir :
	    "/usr/share/zoneinfo", tz);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
clock_set_timezone(const char *tz)
{
	if (!clock_valid_timezone(tz) || setenv("TZ", tz, 1) != 0)
		return -1;
	tzset();
	return 0;
}

/* "+HH:MM", "+HHMM", "-HH", or "Z" at s: offset seconds east of UTC. */
static int
parse_offset(const char *s, long *off)
{
	int h, m = 0, sign;

	if (strcmp(s, "Z") == 0 || strcmp(s, "z") == 0) {
		*off = 0;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if ((h = digits(s, 2)) < 0 || h > 14)
		return -1;
	s += 2;
	if (*s == ':')
		s++;
	if (*s != '\0' && ((m = digits(s, 2)) < 0 || m > 59 || s[2] != '\0'))
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

int
clock_parse_iso(const char *s, time_t *out)
{
	struct tb_date d;
	char day[11];
	int h, mi, sec = 0;
	long off;
	struct tm tm;
	const char *p;

	if (s == NULL || strlen(s) < 17)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (date_parse(day, &d) != 0 || (s[10] != 'T' && s[10] != ' ') ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 || s[13] != ':' ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59)
		return -1;
	p = s + 16;
	if (*p == ':') {
		if ((sec = digits(p + 1, 2)) < 0 || sec > 60)
			return -1;
		p += 3;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (parse_offset(p, &off) != 0)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - off;
	return 0;
}

int
clock_now(time_t *now, tb_err *e)
{
	const char *fixed = getenv("TB_NOW");

	if (fixed == NULL || *fixed == '\0') {
		*now = time(NULL);
		return 0;
	}
	if (clock_parse_iso(fixed, now) != 0)
		return tb_errf(e, TB_ECONFIG, "TB_NOW = \"%s\": want ISO-8601 "
		    "with an offset, e.g. 2026-03-30T17:10:00+02:00", fixed);
	return 0;
}

void
clock_local_date(time_t t, struct tb_date *d)
{
	struct tm tm;

	localtime_r(&t, &tm);
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
}

char *
clock_iso_utc(time_t t, char *buf)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

char *
clock_iso_local(time_t t, char *buf)
{
	struct tm tm;
	char zone[8];

	localtime_r(&t, &tm);
	strftime(buf, 20, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof zone, "%z", &tm);
	/* +0200 -> +02:00 */
	snprintf(buf + 19, 7, "%.3s:%.2s", zone, zone + 3);
	return buf;
}

enum clock_due
clock_due(int minute, long grace, time_t now, time_t *slot)
{
	struct tm tm;
	time_t at;

	localtime_r(&now, &tm);
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	at = mktime(&tm);
	if (slot != NULL)
		*slot = at;
	if (now < at)
		return DUE_EARLY;
	if (now > at + grace)
		return DUE_MISSED;
	return DUE_NOW;
}
