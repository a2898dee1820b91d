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
 * One request per call; lib/llm.c retries (see llm.h, Time) when
 * anthropic_classify says so, as the official SDKs decide: a header
 * x-should-retry "false" or "true" is obeyed, except that a 429 whose
 * error.details.error_code is "enforced_spend_limit_reached" is never
 * retried (waiting does not raise a spend limit); else 408, 409, 424,
 * 429, 5xx (529 overloaded included) and transport failures are retried,
 * other statuses not.  The wait the server asks for is retry-after-ms or
 * retry-after (x->retry_after_s).
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
 * message naming the status and the API's error type and message
 * ("anthropic: HTTP 529: overloaded_error: Overloaded"), x->retry and
 * x->retry_after_s saying whether and when to ask again; TB_EINTERNAL.
 */
int	anthropic_exchange(struct llm_exchange *x, tb_err *e);

/* The request body for x (caller frees), or NULL when out of memory. */
char	*anthropic_body(const struct llm_exchange *x);

/*
 * Parse a 2xx answer body into x.  0, or TB_EUNAVAIL when it is not a
 * message at all (not JSON, no content).
 */
int	anthropic_parse(struct llm_exchange *x, const char *body, tb_err *e);

/*
 * The retry verdict for a request (see the top of this file), an
 * http_classify_fn: HTTP_DONE for 2xx, HTTP_RETRY, HTTP_FAIL.
 */
enum http_verdict anthropic_classify(const struct http_request *r,
	    void *arg);

#endif
