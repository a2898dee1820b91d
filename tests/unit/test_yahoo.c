/*
 * test_yahoo.c - the Yahoo client's pure parts: which answers are Yahoo
 * refusing the client (a session may help) rather than the symbol, and
 * the other API host a refused round is asked on.
 */
#include "unit.h"
#include "yahoo.h"

#include <string.h>

int
main(void)
{
	static const struct {
		const char *base, *other;
	} hosts[] = {
		{ "https://query1.finance.yahoo.com",
		    "https://query2.finance.yahoo.com" },
		{ "https://query2.finance.yahoo.com",
		    "https://query1.finance.yahoo.com" },
		{ "http://query1.localhost:8080/yahoo",
		    "http://query2.localhost:8080/yahoo" },
		{ "http://127.0.0.1:8080/yahoo", NULL },
		{ "https://proxy.example/query1.finance", NULL },
		{ "not a url", NULL },
	};
	char out[128];
	size_t i;
	int rc;

	for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		rc = yahoo_other_host(hosts[i].base, out, sizeof out);
		if (hosts[i].other != NULL)
			CHECK(rc == 0 && strcmp(out, hosts[i].other) == 0,
			    "%s's other host is %s", hosts[i].base,
			    hosts[i].other);
		else
			CHECK(rc == -1, "%s has no other host", hosts[i].base);
	}
	CHECK(yahoo_other_host("https://query1.finance.yahoo.com", out, 10) ==
	    -1, "no room: refused, not cut");
	CHECK(yahoo_refusal(429) && yahoo_refusal(401) && yahoo_refusal(403) &&
	    yahoo_refusal(999), "429, 401, 403 and 999 refuse the client");
	CHECK(!yahoo_refusal(404) && !yahoo_refusal(500) &&
	    !yahoo_refusal(200) && !yahoo_refusal(0),
	    "a missing symbol, a server error or no answer do not");
	return unit_done();
}
