/*
 * anthropic.h - Claude through the Anthropic Messages API.
 *
 * POST {anthropic_base_url}/v1/messages with x-api-key,
 * anthropic-version: 2023-06-01 and a JSON body: model, max_tokens
 * (ANTHROPIC_MAX_TOKENS), system, messages, and one tool, submit_picks,
 * whose input_schema is picks_schema() of the candidates, forced with
 * tool_choice {"type":"tool","name":"submit_picks"}.  Extended thinking is
 * off: the API refuses it with a forced tool.
 *
 * The answer is the input of the tool_use block.  stop_reason
 * "max_tokens" means it was cut short; an answer without the tool call is
 * unusable too (both set x->problem, for the corrective retry).
 *
 * Retries (the HTTP layer's, judged by anthropic_classify): 408, 409,
 * 429, 5xx (529 overloaded included) and transport failures, honouring
 * retry-after; never a 429 whose error.details.error_code is
 * "enforced_spend_limit_reached" (waiting does not raise a spend limit),
 * nor other 4xx.
 */
#ifndef TB_ANTHROPIC_H
#define TB_ANTHROPIC_H

#include <cJSON.h>

#include "err.h"
#include "http.h"
#include "llm_wire.h"

#define ANTHROPIC_VERSION	"2023-06-01"
#define ANTHROPIC_MAX_TOKENS	2048

/*
 * The llm_wire_fn of Claude: send the exchange and parse the answer into
 * x (answer, raw, tokens, problem).  Returns 0 when the API answered 2xx
 * with a message, else: TB_ECONFIG "ANTHROPIC_API_KEY is not set";
 * TB_EUNAVAIL for HTTP and transport failures and error bodies, the
 * message naming the API's error type and message ("anthropic: HTTP 529
 * overloaded_error: Overloaded (3 attempts)"); TB_EINTERNAL for memory.
 */
int	anthropic_exchange(struct llm_exchange *x, tb_err *e);

/* The request body for x (caller frees), or NULL when out of memory. */
char	*anthropic_body(const struct llm_exchange *x);

/*
 * Parse a 2xx answer body into x.  0, or TB_EUNAVAIL when it is not a
 * message at all (not JSON, no content).
 */
int	anthropic_parse(struct llm_exchange *x, const char *body, tb_err *e);

/* The retry verdict for an attempt (see the top of this file). */
enum http_verdict anthropic_classify(const struct http_request *r,
	    void *arg);

#endif
