/*
 * test_clock - dates, ISO instants and the scheduled-slot check.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "unit.h"

static time_t
at(const char *iso)
{
	time_t t = 0;

	if (clock_parse_iso(iso, &t) != 0)
		printf("# cannot parse %s\n", iso);
	return t;
}

static void
test_dates(void)
{
	struct tb_date d;
	char buf[11];

	CHECK(date_parse("2026-03-30", &d) == 0 && d.year == 2026 &&
	    d.month == 3 && d.day == 30, "parse a plain date");
	CHECK(date_parse("2028-02-29", &d) == 0, "leap day 2028");
	CHECK(date_parse("2026-02-29", &d) != 0, "no leap day in 2026");
	CHECK(date_parse("2026-13-01", &d) != 0, "month 13 refused");
	CHECK(date_parse("2026-3-30", &d) != 0, "unpadded month refused");
	CHECK(date_parse("2026-03-30x", &d) != 0, "trailing garbage refused");
	CHECK(date_parse("", &d) != 0, "empty refused");
	date_parse("2026-12-31", &d);
	date_add_days(&d, 1);
	CHECK_STR(date_format(&d, buf), "2027-01-01", "add a day over a year");
	date_add_days(&d, -366);
	CHECK_STR(date_format(&d, buf), "2025-12-31", "subtract days");
	date_parse("2026-03-29", &d);
	CHECK_STR(date_weekday_name(&d), "Sunday", "2026-03-29 is a Sunday");
	date_add_days(&d, 1);
	CHECK_STR(date_weekday_name(&d), "Monday", "2026-03-30 a Monday");
	date_add_days(&d, 5);
	CHECK_STR(date_weekday_name(&d), "Saturday", "2026-04-04 a Saturday");
}

static void
test_iso(void)
{
	time_t t;

	CHECK(clock_parse_iso("2026-03-30T17:10:00+02:00", &t) == 0 &&
	    t == 1774883400, "ISO with +02:00");
	CHECK(clock_parse_iso("2026-03-30T15:10:00Z", &t) == 0 &&
	    t == 1774883400, "ISO with Z");
	CHECK(clock_parse_iso("2026-03-30T15:10Z", &t) == 0 &&
	    t == 1774883400, "ISO without seconds");
	CHECK(clock_parse_iso("2026-03-30T15:10:00.123Z", &t) == 0 &&
	    t == 1774883400, "ISO with milliseconds (broker createdAt)");
	CHECK(clock_parse_iso("2026-03-30T17:10:00", &t) != 0,
	    "ISO without an offset is refused");
	CHECK(clock_parse_iso("2026-03-30T25:10:00Z", &t) != 0,
	    "hour 25 refused");
}

/* The 17:10 slot with 300 s grace, at instants given in UTC. */
static void
test_due(const char *zone)
{
	struct tb_date d;
	time_t slot;

	clock_set_timezone(zone);
	/* Winter: 17:10 CET = 16:10 UTC. */
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-03-27T16:10:00Z"), &slot)
	    == DUE_NOW && slot == at("2026-03-27T16:10:00Z"),
	    "%s: winter slot due on time", zone);
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-03-27T16:14:59Z"), NULL)
	    == DUE_NOW, "%s: inside the grace", zone);
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-03-27T16:15:01Z"), NULL)
	    == DUE_MISSED, "%s: after the grace", zone);
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-03-27T15:10:00Z"), NULL)
	    == DUE_EARLY, "%s: the summer-offset entry in winter is early",
	    zone);
	/* 2026-03-29: clocks go forward at 02:00 CET. */
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-03-29T15:10:00Z"), &slot)
	    == DUE_NOW, "%s: spring-forward day, 15:10 UTC is 17:10 CEST",
	    zone);
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-03-29T16:10:00Z"), NULL)
	    == DUE_MISSED, "%s: spring-forward day, 16:10 UTC is missed", zone);
	CHECK(clock_due(8 * 60, 300, at("2026-03-29T06:00:00Z"), NULL)
	    == DUE_NOW, "%s: spring-forward day, 08:00 CEST", zone);
	/* 2026-10-25: clocks go back at 03:00 CEST. */
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-10-25T16:10:00Z"), NULL)
	    == DUE_NOW, "%s: fall-back day, 16:10 UTC is 17:10 CET", zone);
	CHECK(clock_due(17 * 60 + 10, 300, at("2026-10-25T15:10:00Z"), NULL)
	    == DUE_EARLY, "%s: fall-back day, 15:10 UTC is early", zone);
	CHECK(clock_due(8 * 60, 300, at("2026-10-25T07:00:00Z"), NULL)
	    == DUE_NOW, "%s: fall-back day, 08:00 CET", zone);
	clock_local_date(at("2026-03-29T22:30:00Z"), &d);
	CHECK(d.day == 30, "%s: 22:30 UTC on the 29th is the 30th locally",
	    zone);
}

int
main(void)
{
	test_dates();
	test_iso();
	CHECK(clock_valid_timezone("Europe/Berlin"), "Europe/Berlin is a zone");
	CHECK(clock_valid_timezone("UTC"), "UTC is a zone");
	CHECK(!clock_valid_timezone("Mars/Olympus"), "Mars/Olympus is not");
	CHECK(!clock_valid_timezone("../../etc/passwd"), "no path tricks");
	/* The due check must not depend on the machine's zone. */
	setenv("TZ", "UTC", 1);
	test_due("Europe/Berlin");
	setenv("TZ", "America/New_York", 1);
	test_due("Europe/Berlin");
	return unit_done();
}
