/*
 * llm_wire.c - the helpers every LLM provider shares.  See llm_wire.h.
 */
#include "llm_wire.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
