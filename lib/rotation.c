/*
 * rotation.c - main and virtual trader by weekday, trading days.  See
 * rotation.h.
 */
#include "rotation.h"

#include <string.h>

const char *
get_main_trader(const struct tb_date *d)
{
	switch (date_weekday(d)) {
	case 1: case 3: case 5:
		return "claude";
	case 2: case 4:
		return "minimax";
	default:
		return NULL;
	}
}

const char *
get_virtual_trader(const struct tb_date *d)
{
	switch (date_weekday(d)) {
	case 1: case 3: case 5:
		return "minimax";
	case 2: case 4:
		return "claude";
	default:
		return NULL;
	}
}

int
is_trading_day(const struct tb_config *c, const struct tb_date *d)
{
	char day[11];
	size_t i;

	if (get_main_trader(d) == NULL)
		return 0;
	date_format(d, day);
	for (i = 0; c != NULL && i < c->nholidays; i++)
		if (strcmp(c->holidays[i], day) == 0)
			return 0;
	return 1;
}
