/*
 * minimax.h - MiniMax through its native chat endpoint, streamed.
 *
 * POST {minimax_base_url}/v1/text/chatcompletion_v2 with
 * "Authorization: Bearer $MINIMAX_API_KEY" and a JSON body: model,
 * messages (system, user; on a corrective retry also the previous answer
 * as the assistant's and the correction as the user's),
 * max_completion_tokens (MINIMAX_MAX_TOKENS: the model reasons at length
 * before it answers), temperature MINIMAX_TEMPERATURE (it must be in
 * (0, 1]), "stream": true and stream_options.include_usage.
 *
 * Streaming.  MiniMax M2 reasons for long, and its documentation
 * recommends streaming: the answer comes as server-sent events (lib/sse.h)
 * whose data are JSON chunks, choices[0].delta.content (and
 * delta.reasoning_content or reasoning_details[].text when the reasoning
 * is sent apart), usage in a late chunk, a last chunk that may repeat the
 * whole message (choices[0].message, object "chat.completion"), and
 * possibly "data: [DONE]".  The content is the deltas put together (the
 * last chunk's message when no delta came); reasoning sent apart is put
 * in front as a <think> block, the way M2 writes it inline, so the text
 * to extract from and to store is the same either way.  A stream is
 * complete with a finish_reason or [DONE]; one that ends before is a
 * failure that may be retried.  While it streams, the idle limit
 * (x->idle_ms) cuts it when it goes silent.  A body that is one JSON
 * document (an error, or a server that did not stream) is read as the
 * non-streamed answer.
 *
 * The answer is then prose with a <think> block, from which lib/picks.h
 * extracts the JSON.  finish_reason "length" means it was cut short
 * (x->problem).  x->raw is the assembled text, never the event bytes.
 *
 * Errors come in several shapes and are all checked: HTTP 200 with
 * base_resp.status_code != 0 (as the body, or as an event of the stream);
 * an OpenAI-style {"error":{"message":"... (2013)"}}; HTTP 500 with
 * "(1008)" in the message.  One request per call; lib/llm.c retries (see
 * llm.h, Time) when x->retry says so: codes 1000, 1001, 1002, 1024, 1033,
 * 1039, 1041, 2045 (the documented "try again later" ones), HTTP 408, 429
 * and 5xx that carry no other code, transport failures, idle timeouts
 * and streams that ended early; never 1004, 1008, 2013, 2049, whatever
 * the HTTP status, nor any other code on HTTP 200 (a sensitive-content
 * refusal stays one).  A Retry-After header is the wait asked for.
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
 * for HTTP, transport and API errors ("minimax: error 1008: insufficient
 * balance", "minimax: HTTP 500: error 1000: unknown error"), x->retry and
 * x->retry_after_s saying whether and when to ask again; TB_EINTERNAL.
 */
int	minimax_exchange(struct llm_exchange *x, tb_err *e);

/* The request body for x (caller frees), or NULL when out of memory. */
char	*minimax_body(const struct llm_exchange *x);

/*
 * Parse a 2xx answer body, streamed or not, into x.  0, or TB_EUNAVAIL
 * with the API's error or what is wrong (x->retry set when asking again
 * may help); TB_EINTERNAL.  What arrived is in x->raw either way.
 */
int	minimax_parse(struct llm_exchange *x, const char *body, size_t len,
	    tb_err *e);

/*
 * The MiniMax error code of a body: base_resp.status_code when not 0,
 * else the last "(NNNN)" in error.message or base_resp.status_msg; 0 when
 * none.  msg (may be NULL) receives the error's message.
 */
long	minimax_error_code(const char *body, char *msg, size_t msgsz);

/* 1 when code may succeed if retried, 0 when it never will, -1 unknown. */
int	minimax_code_retryable(long code);

/*
 * Whether a failed answer with HTTP status and MiniMax code (0: none) may
 * succeed if asked again (see the top of this file).
 */
int	minimax_retryable(long status, long code);

#endif
