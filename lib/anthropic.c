/*
 * anthropic.c - Claude's submit_picks call.  See anthropic.h.
 */
#include "anthropic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "picks.h"

static char	*api_error(const char *, char *, size_t);
static int	 spend_limit(const struct http_request *);
static int	 failed(struct llm_exchange *, const struct http_request *,
		    tb_err *);

char *
anthropic_body(const struct llm_exchange *x)
{
	cJSON *body, *msgs, *tools, *tool, *choice, *schema;
	char *text = NULL;

	if ((body = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(body, "model", x->model) ==
	    NULL || cJSON_AddNumberToObject(body, "max_tokens",
	    ANTHROPIC_MAX_TOKENS) == NULL ||
	    cJSON_AddStringToObject(body, "system", x->system) == NULL ||
	    (msgs = cJSON_AddArrayToObject(body, "messages")) == NULL)
		goto out;
	if (!cJSON_AddItemToArray(msgs, llm_chat_message("user", x->user)))
		goto out;
	if (x->correction != NULL) {
		/* The API refuses an empty assistant turn. */
		if (!cJSON_AddItemToArray(msgs, llm_chat_message("assistant",
		    x->previous != NULL && x->previous[0] != '\0' ?
		    x->previous : "(no answer)")) ||
		    !cJSON_AddItemToArray(msgs, llm_chat_message("user",
		    x->correction)))
			goto out;
	}
	if ((tools = cJSON_AddArrayToObject(body, "tools")) == NULL ||
	    (tool = cJSON_CreateObject()) == NULL)
		goto out;
	cJSON_AddItemToArray(tools, tool);
	if ((schema = picks_schema(x->candidates, x->ncandidates,
	    x->max_picks)) == NULL)
		goto out;
	if (cJSON_AddStringToObject(tool, "name", "submit_picks") == NULL ||
	    cJSON_AddStringToObject(tool, "description", "Submit today's "
	    "stock picks: tickers from the candidate list, each with its "
	    "share of the budget in percent and a short reason.") == NULL ||
	    !cJSON_AddItemToObject(tool, "input_schema", schema)) {
		cJSON_Delete(schema);
		goto out;
	}
	if ((choice = cJSON_AddObjectToObject(body, "tool_choice")) == NULL ||
	    cJSON_AddStringToObject(choice, "type", "tool") == NULL ||
	    cJSON_AddStringToObject(choice, "name", "submit_picks") == NULL)
		goto out;
	text = cJSON_PrintUnformatted(body);
out:
	cJSON_Delete(body);
	return text;
}

int
anthropic_parse(struct llm_exchange *x, const char *body, tb_err *e)
{
	cJSON *doc;
	const cJSON *content, *block, *type, *name, *stop, *t;
	char *text = NULL, *grown;
	size_t len = 0, add;
	int rc = 0;

	if ((doc = llm_parse(body, strlen(body))) == NULL)
		return tb_errf(e, TB_EUNAVAIL, "anthropic: the answer is not "
		    "JSON");
	content = cJSON_GetObjectItemCaseSensitive(doc, "content");
	if (!cJSON_IsArray(content)) {
		rc = tb_errf(e, TB_EUNAVAIL, "anthropic: the answer has no "
		    "content");
		goto out;
	}
	x->tokens_in = llm_usage_tokens(doc, "input_tokens");
	x->tokens_out = llm_usage_tokens(doc, "output_tokens");
	cJSON_ArrayForEach(block, content) {
		type = cJSON_GetObjectItemCaseSensitive(block, "type");
		name = cJSON_GetObjectItemCaseSensitive(block, "name");
		if (cJSON_IsString(type) && strcmp(type->valuestring,
		    "tool_use") == 0 && cJSON_IsString(name) &&
		    strcmp(name->valuestring, "submit_picks") == 0 &&
		    x->answer == NULL) {
			x->answer = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(
			    block, "input"), 1);
			continue;
		}
		t = cJSON_GetObjectItemCaseSensitive(block, "text");
		if (!cJSON_IsString(t))
			continue;
		/* Text beside or instead of the tool call, kept for the record. */
		add = strlen(t->valuestring);
		if ((grown = realloc(text, len + add + 2)) == NULL) {
			rc = tb_errf(e, TB_EINTERNAL, "anthropic: out of memory");
			goto out;
		}
		text = grown;
		memcpy(text + len, t->valuestring, add);
		len += add;
		text[len++] = '\n';
		text[len] = '\0';
	}
	if (x->answer != NULL) {
		x->raw = cJSON_PrintUnformatted(x->answer);
	} else
		x->raw = llm_redact(text != NULL ? text : body);
	stop = cJSON_GetObjectItemCaseSensitive(doc, "stop_reason");
	if (cJSON_IsString(stop) && strcmp(stop->valuestring, "max_tokens")
	    == 0)
		x->problem = strdup("the answer was cut off at the token "
		    "limit before it was complete; answer more briefly");
	else if (x->answer == NULL)
		x->problem = strdup("the answer did not call the submit_picks "
		    "tool");
out:
	free(text);
	cJSON_Delete(doc);
	return rc;
}

/*
 * The API's error from an error body: "overloaded_error: Overloaded"
 * into buf (cut to bufsz), or NULL when the body is not one.
 */
static char *
api_error(const char *body, char *buf, size_t bufsz)
{
	cJSON *doc;
	const cJSON *err, *type, *msg;

	if (body == NULL || (doc = llm_parse(body, strlen(body))) == NULL)
		return NULL;
	err = cJSON_GetObjectItemCaseSensitive(doc, "error");
	type = cJSON_GetObjectItemCaseSensitive(err, "type");
	msg = cJSON_GetObjectItemCaseSensitive(err, "message");
	if (!cJSON_IsString(type)) {
		cJSON_Delete(doc);
		return NULL;
	}
	snprintf(buf, bufsz, "%s%s%s", type->valuestring,
	    cJSON_IsString(msg) ? ": " : "",
	    cJSON_IsString(msg) ? msg->valuestring : "");
	cJSON_Delete(doc);
	return buf;
}

/* A 429 saying the spend limit is reached, which waiting does not lift. */
static int
spend_limit(const struct http_request *r)
{
	cJSON *doc;
	const cJSON *code;
	int yes;

	if (r->response == NULL ||
	    (doc = llm_parse(r->response, r->response_len)) == NULL)
		return 0;
	code = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "error"), "details"),
	    "error_code");
	yes = cJSON_IsString(code) &&
	    strcmp(code->valuestring, "enforced_spend_limit_reached") == 0;
	cJSON_Delete(doc);
	return yes;
}

enum http_verdict
anthropic_classify(const struct http_request *r, void *arg)
{
	char should[16];
	const char *v;

	(void)arg;
	if (r->status == 0 || r->transport_error != 0)
		return HTTP_RETRY;
	if (r->status >= 200 && r->status <= 299)
		return HTTP_DONE;
	v = http_header(r, "x-should-retry", should, sizeof should);
	if (v != NULL && strcmp(v, "false") == 0)
		return HTTP_FAIL;
	if (r->status == 429 && spend_limit(r))
		return HTTP_FAIL;
	if (v != NULL && strcmp(v, "true") == 0)
		return HTTP_RETRY;
	if (r->status == 408 || r->status == 409 || r->status == 424 ||
	    r->status == 429 || r->status >= 500)
		return HTTP_RETRY;
	return HTTP_FAIL;
}

/* A request that got no usable answer: say why, and whether to retry. */
static int
failed(struct llm_exchange *x, const struct http_request *r, tb_err *e)
{
	char why[400];

	x->raw = llm_redact(r->response);
	x->retry = anthropic_classify(r, NULL) == HTTP_RETRY;
	x->retry_after_s = llm_retry_after(r);
	if (r->status == 0 || r->transport_error != 0)
		return tb_errf(e, TB_EUNAVAIL, "%s", r->error);
	if (api_error(r->response, why, sizeof why) != NULL)
		return tb_errf(e, TB_EUNAVAIL, "anthropic: HTTP %ld: %s",
		    r->status, why);
	return tb_errf(e, TB_EUNAVAIL, "anthropic: HTTP %ld", r->status);
}

int
anthropic_exchange(struct llm_exchange *x, tb_err *e)
{
	struct http_request req;
	char *url = NULL, *key_header = NULL, *body = NULL;
	tb_err he;
	int rc;

	if (x->api_key == NULL || x->api_key[0] == '\0')
		return tb_errf(e, TB_ECONFIG, "ANTHROPIC_API_KEY is not set");
	if (asprintf(&url, "%s/v1/messages", x->base_url) < 0)
		url = NULL;
	if (asprintf(&key_header, "x-api-key: %s", x->api_key) < 0)
		key_header = NULL;
	if (url == NULL || key_header == NULL ||
	    (body = anthropic_body(x)) == NULL) {
		rc = tb_errf(e, TB_EINTERNAL, "anthropic: out of memory");
		goto out;
	}
	llm_request(&req, x, "anthropic", url, body);
	req.headers[0] = key_header;
	req.headers[1] = "anthropic-version: " ANTHROPIC_VERSION;
	req.headers[2] = "content-type: application/json";
	tb_err_clear(&he);
	rc = http_perform(&req, &he);
	x->http_status = req.status;
	x->latency_ms = (long)(req.elapsed_s * 1000.0);
	if (rc == 0)
		rc = anthropic_parse(x, req.response, e);
	else if (rc == TB_EINTERNAL)
		rc = tb_errf(e, rc, "%s", he.msg);
	else
		rc = failed(x, &req, e);
	http_request_reset(&req);
out:
	free(body);
	free(url);
	if (key_header != NULL) {
		explicit_bzero(key_header, strlen(key_header));
		free(key_header);
	}
	return rc;
}
