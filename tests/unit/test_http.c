/*
 * test_http - the pure parts of lib/http: Basic credentials.
 */
#include <stdlib.h>

#include "http.h"
#include "log.h"
#include "unit.h"

static void
check_basic(const char *user, const char *password, const char *want)
{
	char *got = http_basic_auth(user, password);

	CHECK_STR(got, want, "Basic auth for %s:%s", user, password);
	free(got);
}

int
main(void)
{
	char redacted[128];

	/* RFC 4648 test vectors' padding cases, and RFC 7617's example. */
	check_basic("a", "b", "Authorization: Basic YTpi");
	check_basic("ab", "c", "Authorization: Basic YWI6Yw==");
	check_basic("abc", "def", "Authorization: Basic YWJjOmRlZg==");
	check_basic("Aladdin", "open sesame",
	    "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	check_basic("", "", "Authorization: Basic Og==");
	/* The encoded form is a secret too. */
	log_redact("sent QWxhZGRpbjpvcGVuIHNlc2FtZQ== to x", redacted,
	    sizeof redacted);
	CHECK_STR(redacted, "sent [REDACTED] to x",
	    "the encoded credentials are redacted from log lines");
	log_shutdown();
	return unit_done();
}
