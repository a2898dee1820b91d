/*
 * llm_wire.h - what an LLM provider (lib/anthropic.h, lib/minimax.h)
 * needs, and all it may use of the LLM layer: one exchange with its
 * inputs and outputs, and the helpers both providers share.
 *
 * A provider turns one exchange (system + user text, and on a corrective
 * retry the previous answer and what was wrong with it) into ONE HTTP
 * request, made within the limits the exchange gives, and parses the
 * answer into the exchange.  When that fails it says whether asking again
 * may help (x->retry) and how long the server asked to wait: lib/llm.c
 * decides whether and when, under the LLM's one deadline.  A provider
 * does not know the configuration, the database or the other provider:
 * lib/llm.c holds the table that names each provider and hands it its
 * model, key and URL.
 *
 * Threads.  Providers run in one thread per LLM (lib/llm.h).  cJSON's
 * parser writes a global, so every cJSON parse in them goes through
 * llm_parse() or holds llm_lock().
 */
#ifndef TB_LLM_WIRE_H
#define TB_LLM_WIRE_H

#include <stddef.h>

#include <cJSON.h>

#include "err.h"
#include "http.h"

/* One request to a provider. */
struct llm_exchange {
	/* Inputs, borrowed. */
	const char *base_url;		/* the provider's, from the config */
	const char *model;
	const char *api_key;		/* NULL or "" when not set */
	const char *system;
	const char *user;
	const char *previous;		/* attempt 2: the unusable answer */
	const char *correction;		/* attempt 2: what was wrong */
	const char *const *candidates;	/* for Claude's tool schema */
	size_t ncandidates;
	int max_picks;
	long timeout_ms;		/* this request's limit, > 0 */
	long idle_ms;			/* a streamed answer silent this long
					 * fails (0: no idle limit) */

	/* Outputs, owned: llm_exchange_reset() frees them. */
	long http_status;		/* 0 when no answer */
	long latency_ms;
	long tokens_in;			/* -1 when not reported */
	long tokens_out;
	char *raw;			/* the answer to store (redacted), or
					 * the error body; may be NULL */
	cJSON *answer;			/* Claude: the submit_picks input */
	char *text;			/* MiniMax: the message content */
	char *problem;			/* answered, but unusable as such */
	int retry;			/* failed, and asking again may help */
	double retry_after_s;		/* the wait the server asked for, or
					 * -1 (see llm_retry_after) */
};

/*
 * A provider's side of an exchange: send it, parse the answer into x.
 * Returns 0 when the provider answered with a message (x->problem may
 * still say it is unusable); TB_ECONFIG when its API key is not set
 * ("ANTHROPIC_API_KEY is not set": nothing was sent); TB_EUNAVAIL for
 * HTTP, transport and API errors; TB_EINTERNAL when out of memory.
 */
typedef int (*llm_wire_fn)(struct llm_exchange *x, tb_err *e);

/* Free the outputs and zero them (tokens -1), keeping the inputs. */
void	llm_exchange_reset(struct llm_exchange *x);

/*
 * Prepare r as the exchange's one request: POST body to url for service,
 * no HTTP-layer retries, x->timeout_ms, and x->idle_ms as the idle limit.
 * The caller adds its headers and owns every string.
 */
void	llm_request(struct http_request *r, const struct llm_exchange *x,
	    const char *service, const char *url, const char *body);

/*
 * The wait a failed answer asks for, in seconds, the way the official
 * Anthropic SDKs read it: retry-after-ms (milliseconds), else
 * retry-after (seconds, fractions allowed, or an HTTP date); -1 when
 * neither is there or usable.
 */
double	llm_retry_after(const struct http_request *r);

/* cJSON_ParseWithLength under the parse lock; NULL if not JSON. */
cJSON	*llm_parse(const char *s, size_t len);
void	llm_lock(void);
void	llm_unlock(void);

/*
 * A copy of s with every registered secret replaced (log_redact), for
 * text bound for the database.  NULL when s is NULL or memory ran out.
 */
char	*llm_redact(const char *s);

/*
 * A {"role","content"} message (NULL when out of memory), and
 * usage.<name> of an answer as a count (-1 when absent or not a count).
 */
cJSON	*llm_chat_message(const char *role, const char *content);
long	 llm_usage_tokens(const cJSON *answer, const char *name);

#endif
