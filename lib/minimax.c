/*
 * minimax.c - MiniMax's native chat completion.  See minimax.h.
 */
#include "minimax.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "log.h"

static const long retry_codes[] = { 1001, 1002, 1024, 1033, 1041, 2045 };
static const long never_codes[] = { 1004, 1008, 2013, 2049 };

static long	 code_in_text(const char *);

char *
minimax_body(const struct llm_exchange *x)
{
	cJSON *body, *msgs;
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
	    MINIMAX_TEMPERATURE) == NULL)
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

long
minimax_error_code(const char *body, char *msg, size_t msgsz)
{
	cJSON *doc;
	const cJSON *base, *status, *smsg, *err, *emsg;
	long code = 0;

	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	if (body == NULL)
		return 0;
	if ((doc = llm_parse(body, strlen(body))) == NULL)
		return code_in_text(body);
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

enum http_verdict
minimax_classify(const struct http_request *r, void *arg)
{
	long code;
	int retry;
	int server = r->status == 408 || r->status == 429 || r->status >= 500;

	(void)arg;
	if (r->status == 0)
		return HTTP_RETRY;
	code = minimax_error_code(r->response, NULL, 0);
	if (code != 0) {
		retry = minimax_code_retryable(code);
		if (retry == 1)
			return HTTP_RETRY;
		if (retry == 0)
			return HTTP_FAIL;
		/* An unlisted code: the HTTP status decides. */
		return server ? HTTP_RETRY : HTTP_FAIL;
	}
	if (r->status >= 200 && r->status <= 299)
		return HTTP_DONE;
	return server ? HTTP_RETRY : HTTP_FAIL;
}

int
minimax_parse(struct llm_exchange *x, const char *body, tb_err *e)
{
	cJSON *doc;
	const cJSON *choice, *content, *finish;
	char msg[300];
	long code;
	int rc = 0;

	if ((code = minimax_error_code(body, msg, sizeof msg)) != 0)
		return tb_errf(e, TB_EUNAVAIL, "minimax: error %ld: %s", code,
		    msg[0] != '\0' ? msg : "(no message)");
	if ((doc = llm_parse(body, strlen(body))) == NULL)
		return tb_errf(e, TB_EUNAVAIL, "minimax: the answer is not "
		    "JSON");
	x->tokens_in = llm_usage_tokens(doc, "prompt_tokens");
	x->tokens_out = llm_usage_tokens(doc, "completion_tokens");
	choice = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc,
	    "choices"), 0);
	content = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(choice, "message"), "content");
	finish = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
	if (!cJSON_IsObject(choice)) {
		rc = tb_errf(e, TB_EUNAVAIL, "minimax: the answer has no "
		    "choices");
		goto out;
	}
	if (cJSON_IsString(content) && (x->text = strdup(content->valuestring))
	    == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "minimax: out of memory");
		goto out;
	}
	x->raw = llm_redact(x->text != NULL ? x->text : "");
	if (cJSON_IsString(finish) && strcmp(finish->valuestring, "length")
	    == 0)
		x->problem = strdup("the answer was cut off at the token limit "
		    "before it was complete; think less and answer more "
		    "briefly");
	else if (x->text == NULL || x->text[0] == '\0')
		x->problem = strdup("the answer was empty");
out:
	cJSON_Delete(doc);
	return rc;
}

int
minimax_exchange(struct llm_exchange *x, tb_err *e)
{
	struct http_request req;
	char *url = NULL, *auth = NULL, *body = NULL;
	char msg[300];
	long code;
	tb_err he;
	int rc;

	if (x->api_key == NULL ||
	    x->api_key[0] == '\0')
		return tb_errf(e, TB_ECONFIG, "MINIMAX_API_KEY is not set");
	if (asprintf(&url, "%s/v1/text/chatcompletion_v2",
	    x->base_url) < 0)
		url = NULL;
	if (asprintf(&auth, "Authorization: Bearer %s",
	    x->api_key) < 0)
		auth = NULL;
	if (url == NULL || auth == NULL || (body = minimax_body(x)) == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "minimax: out of memory");
		goto out;
	}
	http_request_init(&req, "minimax", "POST", url);
	req.headers[0] = auth;
	req.headers[1] = "Content-Type: application/json";
	req.body = body;
	req.body_len = strlen(body);
	req.timeout_ms = x->timeout_ms > 0 ? x->timeout_ms : LLM_TIMEOUT_MS;
	req.classify = minimax_classify;
	tb_err_clear(&he);
	rc = http_perform(&req, &he);
	x->http_status = req.status;
	x->latency_ms = (long)(req.elapsed_s * 1000.0);
	if (rc == 0)
		rc = minimax_parse(x, req.response, e);
	else {
		x->raw = llm_redact(req.response);
		if (rc != TB_EINTERNAL && (code = minimax_error_code(
		    req.response, msg, sizeof msg)) != 0)
			rc = tb_errf(e, rc, "minimax: error %ld: %s (%s)", code,
			    msg[0] != '\0' ? msg : "(no message)", req.error);
		else
			rc = tb_errf(e, rc, "%s", he.msg);
	}
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
