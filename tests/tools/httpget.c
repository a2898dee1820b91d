/*
 * httpget - run requests through libtb's http module, for tests/http.bats.
 *
 * usage: httpget [options] URL
 *
 * Runs one request, or -n copies of it concurrently, and prints one JSON
 * line per request (in order): status, attempts, bytes, elapsed_s,
 * timed_out, connected, transport_error, error, and with --header-out the
 * value of that response header, with --body the response body.  Exits 0
 * when every request succeeded, else with http_perform_all()'s code (69).
 */
#include <cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "log.h"

#define MAX_USER_HEADERS (HTTP_MAX_HEADERS - 2)	/* room for auth + NULL */

struct options {
	const char *service;
	const char *method;
	const char *body;
	const char *headers[MAX_USER_HEADERS];
	int nheaders;
	const char *secret;
	const char *header_out;
	const char *retry_if_body;
	int idempotent;
	int retries;
	long timeout_ms;
	long connect_timeout_ms;
	long max_response;
	long max_wait_s;
	long copies;
	long parallel;
	int print_body;
};

static long	number(const char *s, long min, long max, const char *what);
static enum http_verdict retry_if_body(const struct http_request *r,
		    void *arg);
static int	print_result(const struct http_request *r,
		    const struct options *o);
static void	usage(void) __attribute__((noreturn));

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "non-idempotent",	no_argument,		NULL, 'N' },
		{ "retries",		required_argument,	NULL, 'r' },
		{ "timeout-ms",		required_argument,	NULL, 't' },
		{ "connect-timeout-ms",	required_argument,	NULL, 'c' },
		{ "max-response",	required_argument,	NULL, 'm' },
		{ "max-wait",		required_argument,	NULL, 'w' },
		{ "parallel",		required_argument,	NULL, 'p' },
		{ "secret",		required_argument,	NULL, 's' },
		{ "service",		required_argument,	NULL, 'S' },
		{ "header-out",		required_argument,	NULL, 'o' },
		{ "retry-if-body",	required_argument,	NULL, 'R' },
		{ "body",		no_argument,		NULL, 'b' },
		{ "escape",		required_argument,	NULL, 'e' },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ NULL,			0,			NULL, 0 }
	};
	struct options o = {
		.service = "test", .method = "GET", .idempotent = 1,
		.retries = -1, .copies = 1
	};
	struct http_request *reqs = NULL, **ptrs = NULL;
	char *auth = NULL, *escaped;
	const char *escape = NULL;
	int ch, verbose = 0, rc, i, h;
	tb_err e;
	long k;

	while ((ch = getopt_long(argc, argv, "X:H:d:n:p:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'X':
			o.method = optarg;
			break;
		case 'H':
			if (o.nheaders == MAX_USER_HEADERS)
				usage();
			o.headers[o.nheaders++] = optarg;
			break;
		case 'd':
			o.body = optarg;
			break;
		case 'n':
			o.copies = number(optarg, 1, 64, "-n");
			break;
		case 'N':
			o.idempotent = 0;
			break;
		case 'r':
			o.retries = (int)number(optarg, 0, 10, "--retries");
			break;
		case 't':
			o.timeout_ms = number(optarg, 1, 600000, "--timeout-ms");
			break;
		case 'c':
			o.connect_timeout_ms = number(optarg, 1, 600000,
			    "--connect-timeout-ms");
			break;
		case 'm':
			o.max_response = number(optarg, 1, LONG_MAX,
			    "--max-response");
			break;
		case 'w':
			o.max_wait_s = number(optarg, 1, 3600, "--max-wait");
			break;
		case 'p':
			o.parallel = number(optarg, 0, 64, "--parallel");
			break;
		case 's':
			o.secret = optarg;
			break;
		case 'S':
			o.service = optarg;
			break;
		case 'o':
			o.header_out = optarg;
			break;
		case 'R':
			o.retry_if_body = optarg;
			break;
		case 'b':
			o.print_body = 1;
			break;
		case 'e':
			escape = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	log_init("httpget", verbose);
	if (escape != NULL) {
		if ((escaped = http_escape(escape)) == NULL) {
			fprintf(stderr, "httpget: http_escape failed\n");
			return TB_EINTERNAL;
		}
		printf("%s\n", escaped);
		free(escaped);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : TB_EINTERNAL;
	}
	if (argc != 1)
		usage();
	if (o.secret != NULL) {
		log_secret(o.secret);
		if (asprintf(&auth, "Authorization: Bearer %s", o.secret) == -1) {
			fprintf(stderr, "httpget: out of memory\n");
			return TB_EINTERNAL;
		}
	}
	if (http_global_init(&e) != 0) {
		fprintf(stderr, "httpget: %s\n", e.msg);
		return e.code;
	}
	reqs = calloc((size_t)o.copies, sizeof *reqs);
	ptrs = calloc((size_t)o.copies, sizeof *ptrs);
	if (reqs == NULL || ptrs == NULL) {
		fprintf(stderr, "httpget: out of memory\n");
		return TB_EINTERNAL;
	}
	for (k = 0; k < o.copies; k++) {
		http_request_init(&reqs[k], o.service, o.method, argv[0]);
		for (h = 0, i = 0; i < o.nheaders; i++)
			reqs[k].headers[h++] = o.headers[i];
		if (auth != NULL)
			reqs[k].headers[h++] = auth;
		reqs[k].body = o.body;
		reqs[k].body_len = o.body != NULL ? strlen(o.body) : 0;
		reqs[k].idempotent = o.idempotent;
		reqs[k].max_retries = o.retries;
		reqs[k].timeout_ms = o.timeout_ms;
		reqs[k].connect_timeout_ms = o.connect_timeout_ms;
		reqs[k].max_response = (size_t)o.max_response;
		reqs[k].max_wait_s = (int)o.max_wait_s;
		if (o.retry_if_body != NULL) {
			reqs[k].classify = retry_if_body;
			reqs[k].classify_arg = (void *)o.retry_if_body;
		}
		ptrs[k] = &reqs[k];
	}

	rc = http_perform_all(ptrs, (size_t)o.copies, (int)o.parallel, &e);
	if (rc != 0)
		log_error("%s", e.msg);
	for (k = 0; k < o.copies; k++)
		if (print_result(&reqs[k], &o) == -1 && rc == 0)
			rc = TB_EINTERNAL;
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0)
		rc = TB_EINTERNAL;

	for (k = 0; k < o.copies; k++)
		http_request_reset(&reqs[k]);
	free(reqs);
	free(ptrs);
	free(auth);
	http_global_cleanup();
	log_shutdown();
	return rc;
}

/* A classifier for tests: retry any answer whose body contains arg. */
static enum http_verdict
retry_if_body(const struct http_request *r, void *arg)
{
	if (r->response != NULL && strstr(r->response, arg) != NULL)
		return HTTP_RETRY;
	if (r->transport_error != 0)
		return HTTP_FAIL;
	return r->status >= 200 && r->status <= 299 ? HTTP_DONE : HTTP_FAIL;
}

/* Print one request's outcome as a JSON line; -1 when out of memory. */
static int
print_result(const struct http_request *r, const struct options *o)
{
	cJSON *j;
	char *s, value[1024];
	const char *hv;
	int ok;

	if ((j = cJSON_CreateObject()) == NULL)
		return -1;
	ok = cJSON_AddNumberToObject(j, "status", (double)r->status) != NULL &&
	    cJSON_AddNumberToObject(j, "attempts", r->attempts) != NULL &&
	    cJSON_AddNumberToObject(j, "bytes", (double)r->response_len) !=
	    NULL &&
	    cJSON_AddNumberToObject(j, "elapsed_s", r->elapsed_s) != NULL &&
	    cJSON_AddNumberToObject(j, "sent_at", (double)r->sent_at) != NULL &&
	    cJSON_AddNumberToObject(j, "transport_error",
	    r->transport_error) != NULL &&
	    cJSON_AddBoolToObject(j, "timed_out", r->timed_out) != NULL &&
	    cJSON_AddBoolToObject(j, "connected", r->connected) != NULL &&
	    cJSON_AddStringToObject(j, "error", r->error) != NULL;
	if (ok && o->header_out != NULL) {
		hv = http_header(r, o->header_out, value, sizeof value);
		ok = (hv != NULL ? cJSON_AddStringToObject(j, "header", hv) :
		    cJSON_AddNullToObject(j, "header")) != NULL;
	}
	if (ok && o->print_body)
		ok = (r->response != NULL ? cJSON_AddStringToObject(j, "body",
		    r->response) : cJSON_AddNullToObject(j, "body")) != NULL;
	if (!ok || (s = cJSON_PrintUnformatted(j)) == NULL) {
		cJSON_Delete(j);
		return -1;
	}
	printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(j);
	return 0;
}

/* Parse a decimal number in [min, max] or exit with a usage error. */
static long
number(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max) {
		fprintf(stderr, "httpget: %s: want a number from %ld to %ld, "
		    "got \"%s\"\n", what, min, max, s);
		exit(TB_EUSAGE);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: httpget [-v] [-X method] [-H header]... "
	    "[-d body] [-n copies]\n"
	    "\t[-p parallel] [--non-idempotent] [--retries N] "
	    "[--timeout-ms MS]\n"
	    "\t[--connect-timeout-ms MS] [--max-response BYTES] "
	    "[--max-wait S]\n"
	    "\t[--secret S] [--service NAME] [--header-out NAME] "
	    "[--retry-if-body TEXT]\n"
	    "\t[--body] URL\n"
	    "       httpget --escape STRING\n");
	exit(TB_EUSAGE);
}
