/*
 * llm_wire.c - the helpers every LLM provider shares.  See llm_wire.h.
 */
#include "llm_wire.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* cJSON's parser writes a global: one parse at a time, in any thread. */
static pthread_mutex_t parse_mutex = PTHREAD_MUTEX_INITIALIZER;

void
llm_lock(void)
{
	pthread_mutex_lock(&parse_mutex);
}

void
llm_unlock(void)
{
	pthread_mutex_unlock(&parse_mutex);
}

cJSON *
llm_parse(const char *s, size_t len)
{
	cJSON *doc;

	if (s == NULL)
		return NULL;
	llm_lock();
	doc = cJSON_ParseWithLength(s, len);
	llm_unlock();
	return doc;
}

char *
llm_redact(const char *s)
{
	char *out;
	size_t size;

	if (s == NULL)
		return NULL;
	/* "[REDACTED]" is 10 bytes and a secret at least 4: 3x is room. */
	size = strlen(s) * 3 + 16;
	if ((out = malloc(size)) == NULL)
		return NULL;
	log_redact(s, out, size);
	return out;
}

void
llm_exchange_reset(struct llm_exchange *x)
{
	free(x->raw);
	free(x->text);
	free(x->problem);
	cJSON_Delete(x->answer);
	x->raw = x->text = x->problem = NULL;
	x->answer = NULL;
	x->http_status = x->latency_ms = 0;
	x->tokens_in = x->tokens_out = -1;
	x->retry = 0;
	x->retry_after_s = -1;
}

void
llm_request(struct http_request *r, const struct llm_exchange *x,
    const char *service, const char *url, const char *body)
{
	http_request_init(r, service, "POST", url);
	r->body = body;
	r->body_len = strlen(body);
	r->max_retries = 0;
	r->timeout_ms = x->timeout_ms;
	r->idle_timeout_ms = x->idle_ms;
}

/* A header as a non-negative number; 0 when absent or not one. */
static int
header_number(const struct http_request *r, const char *name, double *v)
{
	char value[64], *end;

	if (http_header(r, name, value, sizeof value) == NULL)
		return 0;
	errno = 0;
	*v = strtod(value, &end);
	return end != value && *end == '\0' && errno == 0 && isfinite(*v) &&
	    *v >= 0;
}

double
llm_retry_after(const struct http_request *r)
{
	char value[128];
	double v;
	time_t when;

	if (header_number(r, "retry-after-ms", &v))
		return v / 1000.0;
	if (header_number(r, "retry-after", &v))
		return v;
	if (http_header(r, "retry-after", value, sizeof value) == NULL ||
	    (when = curl_getdate(value, NULL)) == -1)
		return -1;
	v = difftime(when, time(NULL));
	return v > 0 ? v : 0;
}

cJSON *
llm_chat_message(const char *role, const char *content)
{
	cJSON *m = cJSON_CreateObject();

	if (m == NULL)
		return NULL;
	if (cJSON_AddStringToObject(m, "role", role) == NULL ||
	    cJSON_AddStringToObject(m, "content", content) == NULL) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}

long
llm_usage_tokens(const cJSON *answer, const char *name)
{
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(answer, "usage"), name);
	return cJSON_IsNumber(v) && v->valuedouble >= 0 ?
	    (long)v->valuedouble : -1;
}
