/*
 * trade.c - trade states and their moves.  See trade.h.
 */
#include "trade.h"

#include <string.h>

static const char *const status_names[TRADE_NSTATUS] = {
	[TRADE_PENDING] = "pending", [TRADE_SUBMITTED] = "submitted",
	[TRADE_FILLED] = "filled", [TRADE_REJECTED] = "rejected",
	[TRADE_FAILED] = "failed", [TRADE_SKIPPED] = "skipped",
	[TRADE_UNKNOWN] = "unknown", [TRADE_BOOKED] = "booked"
};

const char *
trade_status_name(enum trade_status s)
{
	return (unsigned)s < TRADE_NSTATUS ? status_names[s] : NULL;
}

int
trade_status_parse(const char *s, enum trade_status *out)
{
	int i;

	for (i = 0; s != NULL && i < TRADE_NSTATUS; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum trade_status)i;
			return 0;
		}
	return -1;
}

int
trade_status_may_move(enum trade_status from, enum trade_status to)
{
	if (from == to)
		return 1;
	switch (from) {
	case TRADE_PENDING:
		return to == TRADE_SUBMITTED || to == TRADE_FILLED ||
		    to == TRADE_REJECTED || to == TRADE_FAILED ||
		    to == TRADE_UNKNOWN;
	case TRADE_SUBMITTED:
		return to == TRADE_FILLED || to == TRADE_REJECTED;
	case TRADE_UNKNOWN:
		return to == TRADE_SUBMITTED || to == TRADE_FILLED ||
		    to == TRADE_REJECTED || to == TRADE_FAILED;
	default:
		return 0;
	}
}

int
trade_status_holds(enum trade_status s)
{
	return s == TRADE_PENDING || s == TRADE_SUBMITTED ||
	    s == TRADE_FILLED || s == TRADE_UNKNOWN;
}
