/*
 * minimax.c - MiniMax's native chat completion, streamed.  See minimax.h.
 *
 * A streamed answer and a plain one go through the same reader: each SSE
 * event is one JSON chunk, and a plain body is one chunk that ends the
 * answer.  struct answer collects what the chunks said; answer_end()
 * turns it into the exchange.
 */
#include "minimax.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "sse.h"

static const long retry_codes[] = {
	1000, 1001, 1002, 1024, 1033, 1039, 1041, 2045
};
static const long never_codes[] = { 1004, 1008, 2013, 2049 };

/* A growing string. */
struct text {
	char *s;
	size_t len, cap;
};

/* What the chunks of one answer said. */
struct answer {
	struct text content;		/* the deltas, put together */
	struct text reasoning;
	char *whole;			/* a last chunk's whole message */
	char *whole_reasoning;
	long tokens_in, tokens_out;	/* -1 until reported */
	long code;			/* a MiniMax error, 0 if none */
	char msg[300];			/* its message */
	char *error_json;		/* the chunk that carried it */
	int choices;			/* chunks with a choice */
	int finished;			/* a finish_reason, or [DONE] */
	int cut;			/* finish_reason "length" */
	int nomem;
};

static long	 code_in_text(const char *);
static long	 doc_error(const cJSON *, char *, size_t);
static int	 text_add(struct text *, const char *);
static int	 replace(char **, const cJSON *);
static void	 take_delta(struct answer *, const cJSON *);
static int	 take_chunk(struct answer *, const cJSON *, const char *);
static int	 on_event(const char *, const char *, size_t, void *);
static int	 read_stream(struct answer *, const char *, size_t);
static int	 assemble(const struct answer *, char **, const char **);
static int	 answer_end(struct llm_exchange *, struct answer *, tb_err *);
static void	 answer_free(struct answer *);
static int	 failed(struct llm_exchange *, const struct http_request *,
		    tb_err *);

char *
minimax_body(const struct llm_exchange *x)
{
	cJSON *body, *msgs, *opts;
	char *text = NULL;

	if ((body = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(body, "model", x->model) ==
	    NULL || (msgs = cJSON_AddArrayToObject(body, "messages")) == NULL ||
	    !cJSON_AddItemToArray(msgs, llm_chat_message("system",
	    x->system)) ||
	    !cJSON_AddItemToArray(msgs, llm_chat_message("user", x->user)))
		goto out;
	if (x->correction != NULL &&
	    (!cJSON_AddItemToArray(msgs, llm_chat_message("assistant",
	    x->previous != NULL && x->previous[0] != '\0' ? x->previous :
	    "(no answer)")) ||
	    !cJSON_AddItemToArray(msgs, llm_chat_message("user",
	    x->correction))))
		goto out;
	if (cJSON_AddNumberToObject(body, "max_completion_tokens",
	    MINIMAX_MAX_TOKENS) == NULL ||
	    cJSON_AddNumberToObject(body, "temperature",
	    MINIMAX_TEMPERATURE) == NULL ||
	    cJSON_AddTrueToObject(body, "stream") == NULL ||
	    (opts = cJSON_AddObjectToObject(body, "stream_options")) == NULL ||
	    cJSON_AddTrueToObject(opts, "include_usage") == NULL)
		goto out;
	text = cJSON_PrintUnformatted(body);
out:
	cJSON_Delete(body);
	return text;
}

/* The last "(NNNN)" in s, the way MiniMax quotes its codes; 0 if none. */
static long
code_in_text(const char *s)
{
	const char *p;
	long code = 0;

	if (s == NULL)
		return 0;
	for (p = strchr(s, '('); p != NULL; p = strchr(p + 1, '(')) {
		if (isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) &&
		    isdigit((unsigned char)p[4]) && p[5] == ')')
			code = strtol(p + 1, NULL, 10);
	}
	return code;
}

/* minimax_error_code() of a parsed document. */
static long
doc_error(const cJSON *doc, char *msg, size_t msgsz)
{
	const cJSON *base, *status, *smsg, *err, *emsg;
	long code = 0;

	base = cJSON_GetObjectItemCaseSensitive(doc, "base_resp");
	status = cJSON_GetObjectItemCaseSensitive(base, "status_code");
	smsg = cJSON_GetObjectItemCaseSensitive(base, "status_msg");
	err = cJSON_GetObjectItemCaseSensitive(doc, "error");
	emsg = cJSON_IsString(err) ? err :
	    cJSON_GetObjectItemCaseSensitive(err, "message");
	if (cJSON_IsNumber(status) && status->valuedouble != 0) {
		code = (long)status->valuedouble;
		if (msg != NULL && cJSON_IsString(smsg))
			snprintf(msg, msgsz, "%s", smsg->valuestring);
	} else if (cJSON_IsString(emsg)) {
		code = code_in_text(emsg->valuestring);
		if (msg != NULL)
			snprintf(msg, msgsz, "%s", emsg->valuestring);
	} else if (cJSON_IsString(smsg)) {
		code = code_in_text(smsg->valuestring);
		if (msg != NULL && smsg->valuestring[0] != '\0')
			snprintf(msg, msgsz, "%s", smsg->valuestring);
	}
	return code;
}

long
minimax_error_code(const char *body, char *msg, size_t msgsz)
{
	cJSON *doc;
	long code;

	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	if (body == NULL)
		return 0;
	if ((doc = llm_parse(body, strlen(body))) == NULL)
		return code_in_text(body);
	code = doc_error(doc, msg, msgsz);
	cJSON_Delete(doc);
	return code;
}

int
minimax_code_retryable(long code)
{
	size_t i;

	for (i = 0; i < sizeof retry_codes / sizeof retry_codes[0]; i++)
		if (code == retry_codes[i])
			return 1;
	for (i = 0; i < sizeof never_codes / sizeof never_codes[0]; i++)
		if (code == never_codes[i])
			return 0;
	return -1;
}

int
minimax_retryable(long status, long code)
{
	int server = status == 408 || status == 429 || status >= 500;
	int verdict;

	if (status == 0)
		return 1;
	if (code != 0 && (verdict = minimax_code_retryable(code)) != -1)
		return verdict;
	/* No code, or an unlisted one: the HTTP status decides. */
	return server;
}

static int
text_add(struct text *t, const char *s)
{
	size_t n = strlen(s), cap;
	char *grown;

	if (n > SIZE_MAX / 2 - t->len)
		return -1;
	if (t->len + n + 1 > t->cap) {
		cap = t->cap > 0 ? t->cap : 1024;
		while (cap < t->len + n + 1)
			cap *= 2;
		if ((grown = realloc(t->s, cap)) == NULL)
			return -1;
		t->s = grown;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
	return 0;
}

/* *slot becomes a copy of v's string (unchanged if v is not one). */
static int
replace(char **slot, const cJSON *v)
{
	char *copy;

	if (!cJSON_IsString(v))
		return 0;
	if ((copy = strdup(v->valuestring)) == NULL)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* A chunk's delta: content, and reasoning when it is sent apart. */
static void
take_delta(struct answer *a, const cJSON *delta)
{
	const cJSON *v, *item, *t;

	v = cJSON_GetObjectItemCaseSensitive(delta, "content");
	if (cJSON_IsString(v) && text_add(&a->content, v->valuestring) != 0)
		a->nomem = 1;
	v = cJSON_GetObjectItemCaseSensitive(delta, "reasoning_content");
	if (cJSON_IsString(v) && text_add(&a->reasoning, v->valuestring) != 0)
		a->nomem = 1;
	v = cJSON_GetObjectItemCaseSensitive(delta, "reasoning_details");
	if (!cJSON_IsArray(v))
		return;
	cJSON_ArrayForEach(item, v) {
		t = cJSON_GetObjectItemCaseSensitive(item, "text");
		if (cJSON_IsString(t) && text_add(&a->reasoning,
		    t->valuestring) != 0)
			a->nomem = 1;
	}
}

/*
 * One JSON chunk (data: its text).  Returns 1 when it is an error, which
 * ends the answer, -1 when out of memory, else 0.
 */
static int
take_chunk(struct answer *a, const cJSON *doc, const char *data)
{
	const cJSON *choice, *message, *finish;
	long n;

	if ((a->code = doc_error(doc, a->msg, sizeof a->msg)) != 0) {
		if ((a->error_json = strdup(data)) == NULL)
			a->nomem = 1;
		return a->nomem ? -1 : 1;
	}
	if ((n = llm_usage_tokens(doc, "prompt_tokens")) >= 0)
		a->tokens_in = n;
	if ((n = llm_usage_tokens(doc, "completion_tokens")) >= 0)
		a->tokens_out = n;
	choice = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc,
	    "choices"), 0);
	if (!cJSON_IsObject(choice))
		return 0;
	a->choices++;
	take_delta(a, cJSON_GetObjectItemCaseSensitive(choice, "delta"));
	message = cJSON_GetObjectItemCaseSensitive(choice, "message");
	if (replace(&a->whole, cJSON_GetObjectItemCaseSensitive(message,
	    "content")) != 0 || replace(&a->whole_reasoning,
	    cJSON_GetObjectItemCaseSensitive(message, "reasoning_content"))
	    != 0)
		a->nomem = 1;
	finish = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
	if (cJSON_IsString(finish) && finish->valuestring[0] != '\0') {
		a->finished = 1;
		a->cut = strcmp(finish->valuestring, "length") == 0;
	}
	return a->nomem ? -1 : 0;
}

/* An SSE event: "[DONE]", or a JSON chunk; anything else is skipped. */
static int
on_event(const char *type, const char *data, size_t len, void *arg)
{
	struct answer *a = arg;
	cJSON *doc;
	int rc;

	(void)type;
	if (len == 6 && memcmp(data, "[DONE]", 6) == 0) {
		a->finished = 1;
		return 0;
	}
	if ((doc = llm_parse(data, len)) == NULL)
		return 0;
	rc = take_chunk(a, doc, data);
	cJSON_Delete(doc);
	return rc;
}

/* The events of a streamed body.  0, or -1 when out of memory. */
static int
read_stream(struct answer *a, const char *body, size_t len)
{
	struct sse_parser p;
	int rc;

	sse_init(&p, on_event, a);
	rc = sse_feed(&p, body, len);
	if (rc == 0)
		rc = sse_finish(&p);
	sse_free(&p);
	return rc == -1 || a->nomem ? -1 : 0;
}

/*
 * The answer's text into *text: the content, behind the reasoning as a
 * <think> block when that came apart; NULL when there was neither.
 * *content is the content alone ("" if none).  -1 when out of memory.
 */
static int
assemble(const struct answer *a, char **text, const char **content)
{
	const char *reason;

	*text = NULL;
	*content = a->content.len > 0 ? a->content.s : a->whole;
	reason = a->reasoning.len > 0 ? a->reasoning.s : a->whole_reasoning;
	if (reason != NULL && *reason == '\0')
		reason = NULL;
	if (*content == NULL && reason == NULL) {
		*content = "";
		return 0;
	}
	if (*content == NULL)
		*content = "";
	if (reason != NULL && strstr(*content, "</think>") == NULL) {
		if (asprintf(text, "<think>%s</think>\n%s", reason,
		    *content) < 0)
			*text = NULL;
	} else
		*text = strdup(*content);
	return *text == NULL ? -1 : 0;
}

/* Turn what the chunks said into x. */
static int
answer_end(struct llm_exchange *x, struct answer *a, tb_err *e)
{
	const char *content = "";

	if (a->nomem)
		return tb_errf(e, TB_EINTERNAL, "minimax: out of memory");
	if (a->code != 0) {
		x->raw = llm_redact(a->error_json);
		x->retry = minimax_code_retryable(a->code) == 1;
		return tb_errf(e, TB_EUNAVAIL, "minimax: error %ld: %s",
		    a->code, a->msg[0] != '\0' ? a->msg : "(no message)");
	}
	x->tokens_in = a->tokens_in;
	x->tokens_out = a->tokens_out;
	if (assemble(a, &x->text, &content) != 0)
		return tb_errf(e, TB_EINTERNAL, "minimax: out of memory");
	x->raw = llm_redact(x->text != NULL ? x->text : "");
	if (!a->finished) {
		x->retry = 1;
		return tb_errf(e, TB_EUNAVAIL, "minimax: the answer ended "
		    "before it was complete");
	}
	if (a->choices == 0)
		return tb_errf(e, TB_EUNAVAIL, "minimax: the answer has no "
		    "choices");
	if (a->cut)
		x->problem = strdup("the answer was cut off at the token limit "
		    "before it was complete; think less and answer more "
		    "briefly");
	else if (*content == '\0')
		x->problem = strdup("the answer was empty");
	return 0;
}

static void
answer_free(struct answer *a)
{
	free(a->content.s);
	free(a->reasoning.s);
	free(a->whole);
	free(a->whole_reasoning);
	free(a->error_json);
}

int
minimax_parse(struct llm_exchange *x, const char *body, size_t len,
    tb_err *e)
{
	struct answer a;
	cJSON *doc;
	size_t i = 0;
	int rc;

	memset(&a, 0, sizeof a);
	a.tokens_in = a.tokens_out = -1;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i < len && body[i] == '{') {
		/* One document: the whole answer, or an error. */
		if ((doc = llm_parse(body, len)) == NULL)
			return tb_errf(e, TB_EUNAVAIL, "minimax: the answer is "
			    "not JSON");
		rc = take_chunk(&a, doc, body);
		cJSON_Delete(doc);
		a.finished = 1;
	} else
		rc = read_stream(&a, body, len);
	if (rc == -1)
		a.nomem = 1;
	rc = answer_end(x, &a, e);
	answer_free(&a);
	return rc;
}

/* A request that got no usable answer: say why, and whether to retry. */
static int
failed(struct llm_exchange *x, const struct http_request *r, tb_err *e)
{
	char msg[300];
	long code;
	tb_err ignored;

	x->retry_after_s = llm_retry_after(r);
	if (r->status == 0 || r->transport_error != 0) {
		/* Keep what arrived of a cut stream, for the record. */
		if (r->response != NULL && r->response_len > 0)
			(void)minimax_parse(x, r->response, r->response_len,
			    &ignored);
		x->retry = 1;
		return tb_errf(e, TB_EUNAVAIL, "%s", r->error);
	}
	code = minimax_error_code(r->response, msg, sizeof msg);
	x->raw = llm_redact(r->response);
	x->retry = minimax_retryable(r->status, code);
	if (code != 0)
		return tb_errf(e, TB_EUNAVAIL, "minimax: HTTP %ld: error %ld: "
		    "%s", r->status, code, msg[0] != '\0' ? msg :
		    "(no message)");
	return tb_errf(e, TB_EUNAVAIL, "minimax: HTTP %ld", r->status);
}

int
minimax_exchange(struct llm_exchange *x, tb_err *e)
{
	struct http_request req;
	char *url = NULL, *auth = NULL, *body = NULL;
	tb_err he;
	int rc;

	if (x->api_key == NULL || x->api_key[0] == '\0')
		return tb_errf(e, TB_ECONFIG, "MINIMAX_API_KEY is not set");
	if (asprintf(&url, "%s/v1/text/chatcompletion_v2", x->base_url) < 0)
		url = NULL;
	if (asprintf(&auth, "Authorization: Bearer %s", x->api_key) < 0)
		auth = NULL;
	if (url == NULL || auth == NULL || (body = minimax_body(x)) == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "minimax: out of memory");
		goto out;
	}
	llm_request(&req, x, "minimax", url, body);
	req.headers[0] = auth;
	req.headers[1] = "Content-Type: application/json";
	req.headers[2] = "Accept: text/event-stream";
	tb_err_clear(&he);
	rc = http_perform(&req, &he);
	x->http_status = req.status;
	x->latency_ms = (long)(req.elapsed_s * 1000.0);
	if (rc == 0)
		rc = minimax_parse(x, req.response, req.response_len, e);
	else if (rc == TB_EINTERNAL)
		rc = tb_errf(e, rc, "%s", he.msg);
	else
		rc = failed(x, &req, e);
	http_request_reset(&req);
out:
	free(body);
	free(url);
	if (auth != NULL) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	return rc;
}
