/*
 * test_rotation - the main and virtual trader of each weekday, weekends
 * and holidays.
 */
#include <string.h>

#include "rotation.h"
#include "unit.h"

static void
test_rotation(void)
{
	static const struct {
		const char *day, *main_trader, *virtual_trader;
	} week[] = {
		{ "2026-03-30", "claude", "minimax" },	/* Monday */
		{ "2026-03-31", "minimax", "claude" },
		{ "2026-04-01", "claude", "minimax" },
		{ "2026-04-02", "minimax", "claude" },
		{ "2026-04-03", "claude", "minimax" },	/* Friday */
		{ "2026-04-04", NULL, NULL },		/* Saturday */
		{ "2026-04-05", NULL, NULL },		/* Sunday */
	};
	struct tb_config c;
	struct tb_date d;
	size_t i;
	char h1[] = "2026-04-03", h2[] = "2026-12-24";

	for (i = 0; i < sizeof week / sizeof week[0]; i++) {
		date_parse(week[i].day, &d);
		CHECK_STR(get_main_trader(&d), week[i].main_trader,
		    "main trader on %s", week[i].day);
		CHECK_STR(get_virtual_trader(&d), week[i].virtual_trader,
		    "virtual trader on %s", week[i].day);
		CHECK(is_trading_day(NULL, &d) == (week[i].main_trader != NULL),
		    "trading day on %s", week[i].day);
	}
	memset(&c, 0, sizeof c);
	c.holidays[0] = h1;
	c.holidays[1] = h2;
	c.nholidays = 2;
	date_parse("2026-04-03", &d);
	CHECK(!is_trading_day(&c, &d), "a listed holiday is not a trading day");
	CHECK_STR(get_main_trader(&d), "claude", "rotation ignores holidays");
	date_parse("2026-04-02", &d);
	CHECK(is_trading_day(&c, &d), "the day before the holiday trades");
}

int
main(void)
{
	test_rotation();
	return unit_done();
}
