/*
 * minimax.h - MiniMax through its native chat endpoint.
 *
 * POST {minimax_base_url}/v1/text/chatcompletion_v2 with
 * "Authorization: Bearer $MINIMAX_API_KEY" and a JSON body: model,
 * messages (system, user; on a corrective retry also the previous answer
 * as the assistant's and the correction as the user's), 
 * max_completion_tokens (MINIMAX_MAX_TOKENS: the model reasons at length
 * before it answers) and temperature MINIMAX_TEMPERATURE (it must be in
 * (0, 1]).
 *
 * The answer is choices[0].message.content: prose with a <think> block,
 * from which lib/picks.h extracts the JSON.  finish_reason "length" means
 * it was cut short (x->problem).
 *
 * Errors come in several shapes and are all checked: HTTP 200 with
 * base_resp.status_code != 0; an OpenAI-style {"error":{"message":
 * "... (2013)"}}; HTTP 500 with "(1008)" in the message.  Retried (by the
 * HTTP layer, judged by minimax_classify): codes 1001, 1002, 1024, 1033,
 * 1041, 2045, and HTTP 408, 429 and 5xx or transport failures that carry
 * no other code; never 1004, 1008, 2013, 2049, whatever the HTTP status,
 * nor any other code on HTTP 200 (a sensitive-content refusal stays one).
 */
#ifndef TB_MINIMAX_H
#define TB_MINIMAX_H

#include "err.h"
#include "http.h"
#include "llm_wire.h"

#define MINIMAX_MAX_TOKENS	8192
#define MINIMAX_TEMPERATURE	0.7

/*
 * The llm_wire_fn of MiniMax: send the exchange and parse the answer
 * into x (text, raw, tokens, problem).  Returns 0 when MiniMax answered
 * with a message; TB_ECONFIG "MINIMAX_API_KEY is not set"; TB_EUNAVAIL
 * for HTTP, transport and API errors ("minimax: error 1008: insufficient balance"); TB_EINTERNAL.
 */
int	minimax_exchange(struct llm_exchange *x, tb_err *e);

/* The request body for x (caller frees), or NULL when out of memory. */
char	*minimax_body(const struct llm_exchange *x);

/* Parse an answer body into x: 0, or TB_EUNAVAIL with the API's error. */
int	minimax_parse(struct llm_exchange *x, const char *body, tb_err *e);

/*
 * The MiniMax error code of a body: base_resp.status_code when not 0,
 * else the last "(NNNN)" in error.message or base_resp.status_msg; 0 when
 * none.  msg (may be NULL) receives the error's message.
 */
long	minimax_error_code(const char *body, char *msg, size_t msgsz);

/* 1 when code may succeed if retried, 0 when it never will, -1 unknown. */
int	minimax_code_retryable(long code);

/* The retry verdict for an attempt (see the top of this file). */
enum http_verdict minimax_classify(const struct http_request *r, void *arg);

#endif
