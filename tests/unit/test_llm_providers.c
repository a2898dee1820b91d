/*
 * test_llm_providers.c - the Anthropic and MiniMax request bodies, answer
 * parsing and retry verdicts, without a network: the shapes come from
 * the providers' documentation (tests/fixtures/{anthropic,minimax}).
 */
#include "anthropic.h"
#include "llm.h"
#include "minimax.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static const char *const cands[] = { "ASML.AS", "AAPL", "SHEL.L" };

static void
exchange(struct llm_exchange *x)
{
	memset(x, 0, sizeof *x);
	x->base_url = "http://127.0.0.1:9";
	x->system = "You are the portfolio manager.";
	x->user = "Date: 2026-03-30 (Monday).";
	x->candidates = cands;
	x->ncandidates = 3;
	x->max_picks = 5;
	x->tokens_in = x->tokens_out = -1;
}

static const cJSON *
at(const cJSON *doc, const char *path)
{
	char buf[128], *part, *save;
	const cJSON *v = doc;

	snprintf(buf, sizeof buf, "%s", path);
	for (part = strtok_r(buf, ".", &save); part != NULL && v != NULL;
	    part = strtok_r(NULL, ".", &save)) {
		if (part[0] >= '0' && part[0] <= '9')
			v = cJSON_GetArrayItem(v, atoi(part));
		else
			v = cJSON_GetObjectItemCaseSensitive(v, part);
	}
	return v;
}

static const char *
str_at(const cJSON *doc, const char *path)
{
	const cJSON *v = at(doc, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
test_anthropic_body(void)
{
	struct llm_exchange x;
	cJSON *doc;
	char *body;

	exchange(&x);
	x.model = "claude-sonnet-4-5";
	body = anthropic_body(&x);
	doc = body != NULL ? cJSON_Parse(body) : NULL;
	CHECK(doc != NULL, "anthropic body: JSON");
	CHECK_STR(str_at(doc, "model"), "claude-sonnet-4-5",
	    "anthropic body: the configured model");
	CHECK(cJSON_IsNumber(at(doc, "max_tokens")) &&
	    at(doc, "max_tokens")->valueint == ANTHROPIC_MAX_TOKENS,
	    "anthropic body: max_tokens");
	CHECK_STR(str_at(doc, "system"), x.system, "anthropic body: system "
	    "at the top level");
	CHECK(cJSON_GetArraySize(at(doc, "messages")) == 1 &&
	    strcmp(str_at(doc, "messages.0.role"), "user") == 0 &&
	    strcmp(str_at(doc, "messages.0.content"), x.user) == 0,
	    "anthropic body: one user message");
	CHECK_STR(str_at(doc, "tools.0.name"), "submit_picks",
	    "anthropic body: the submit_picks tool");
	CHECK_STR(str_at(doc, "tools.0.input_schema.properties.picks.items."
	    "properties.ticker.enum.2"), "SHEL.L",
	    "anthropic body: the schema lists the candidates");
	CHECK(cJSON_IsNumber(at(doc, "tools.0.input_schema.properties.picks."
	    "maxItems")) && at(doc, "tools.0.input_schema.properties.picks."
	    "maxItems")->valueint == 5, "anthropic body: maxItems max_picks");
	CHECK_STR(str_at(doc, "tool_choice.type"), "tool",
	    "anthropic body: tool_choice forces a tool");
	CHECK_STR(str_at(doc, "tool_choice.name"), "submit_picks",
	    "anthropic body: ... submit_picks");
	CHECK(at(doc, "thinking") == NULL, "anthropic body: thinking off");
	cJSON_Delete(doc);
	free(body);

	x.previous = "{\"picks\":\"AAPL\"}";
	x.correction = "Your previous answer could not be used: no array.";
	body = anthropic_body(&x);
	doc = body != NULL ? cJSON_Parse(body) : NULL;
	CHECK(cJSON_GetArraySize(at(doc, "messages")) == 3,
	    "anthropic retry: three messages");
	CHECK(strcmp(str_at(doc, "messages.1.role"), "assistant") == 0 &&
	    strcmp(str_at(doc, "messages.1.content"), x.previous) == 0,
	    "anthropic retry: the previous answer as the assistant's");
	CHECK(strcmp(str_at(doc, "messages.2.role"), "user") == 0 &&
	    strcmp(str_at(doc, "messages.2.content"), x.correction) == 0,
	    "anthropic retry: then the correction");
	cJSON_Delete(doc);
	free(body);

	x.previous = "";
	body = anthropic_body(&x);
	doc = body != NULL ? cJSON_Parse(body) : NULL;
	CHECK_STR(str_at(doc, "messages.1.content"), "(no answer)",
	    "anthropic retry: an empty answer is not sent empty");
	cJSON_Delete(doc);
	free(body);
}

static void
test_anthropic_parse(void)
{
	struct llm_exchange x;
	tb_err e;
	const char *ok = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":"
	    "\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Here.\"},"
	    "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"submit_picks\","
	    "\"input\":{\"picks\":[{\"ticker\":\"ASML.AS\",\"allocation_pct\":40,"
	    "\"reasoning\":\"EUV\"}]}}],\"stop_reason\":\"tool_use\","
	    "\"usage\":{\"input_tokens\":2413,\"output_tokens\":187}}";
	const char *cut = "{\"type\":\"message\",\"content\":[{\"type\":"
	    "\"tool_use\",\"name\":\"submit_picks\",\"input\":{}}],"
	    "\"stop_reason\":\"max_tokens\",\"usage\":{\"input_tokens\":10,"
	    "\"output_tokens\":2048}}";
	const char *prose = "{\"type\":\"message\",\"content\":[{\"type\":"
	    "\"text\",\"text\":\"I would buy ASML.\"}],\"stop_reason\":"
	    "\"end_turn\"}";

	exchange(&x);
	CHECK(anthropic_parse(&x, ok, &e) == 0, "anthropic parse: ok");
	CHECK(x.answer != NULL && cJSON_GetArraySize(cJSON_GetObjectItem(
	    x.answer, "picks")) == 1, "anthropic parse: the tool input");
	CHECK(x.tokens_in == 2413 && x.tokens_out == 187,
	    "anthropic parse: usage");
	CHECK(x.problem == NULL, "anthropic parse: usable");
	CHECK(x.raw != NULL && strstr(x.raw, "\"ASML.AS\"") != NULL &&
	    x.raw[0] == '{', "anthropic parse: raw is the tool input");
	llm_exchange_reset(&x);

	CHECK(anthropic_parse(&x, cut, &e) == 0 && x.problem != NULL &&
	    strstr(x.problem, "cut off") != NULL,
	    "anthropic parse: max_tokens is unusable");
	llm_exchange_reset(&x);

	CHECK(anthropic_parse(&x, prose, &e) == 0 && x.answer == NULL &&
	    x.problem != NULL && strstr(x.problem, "did not call") != NULL,
	    "anthropic parse: prose without the tool is unusable");
	CHECK(x.raw != NULL && strstr(x.raw, "I would buy ASML.") != NULL,
	    "anthropic parse: the prose is kept as raw");
	CHECK(x.tokens_in == -1, "anthropic parse: no usage, no tokens");
	llm_exchange_reset(&x);

	CHECK(anthropic_parse(&x, "<html>502</html>", &e) == TB_EUNAVAIL,
	    "anthropic parse: HTML is no answer");
	llm_exchange_reset(&x);
}

static enum http_verdict
verdict(http_classify_fn fn, long status, const char *body)
{
	struct http_request r;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.response = (char *)body;
	r.response_len = body != NULL ? strlen(body) : 0;
	return fn(&r, NULL);
}

static void
test_anthropic_classify(void)
{
	const char *spend = "{\"type\":\"error\",\"error\":{\"type\":"
	    "\"rate_limit_error\",\"message\":\"spend limit\",\"details\":"
	    "{\"error_code\":\"enforced_spend_limit_reached\"}}}";
	const char *rate = "{\"type\":\"error\",\"error\":{\"type\":"
	    "\"rate_limit_error\",\"message\":\"Number of requests\"}}";

	CHECK(verdict(anthropic_classify, 200, "{}") == HTTP_DONE,
	    "anthropic classify: 200 done");
	CHECK(verdict(anthropic_classify, 429, rate) == HTTP_RETRY,
	    "anthropic classify: 429 rate limit retried");
	CHECK(verdict(anthropic_classify, 429, spend) == HTTP_FAIL,
	    "anthropic classify: 429 spend limit never retried");
	CHECK(verdict(anthropic_classify, 529, "{}") == HTTP_RETRY,
	    "anthropic classify: 529 overloaded retried");
	CHECK(verdict(anthropic_classify, 500, NULL) == HTTP_RETRY,
	    "anthropic classify: 500 retried");
	CHECK(verdict(anthropic_classify, 409, NULL) == HTTP_RETRY,
	    "anthropic classify: 409 retried (as the SDK does)");
	CHECK(verdict(anthropic_classify, 400, "{}") == HTTP_FAIL &&
	    verdict(anthropic_classify, 401, "{}") == HTTP_FAIL &&
	    verdict(anthropic_classify, 404, "{}") == HTTP_FAIL,
	    "anthropic classify: other 4xx final");
	CHECK(verdict(anthropic_classify, 0, NULL) == HTTP_RETRY,
	    "anthropic classify: transport failures retried");
}

static void
test_minimax_body(void)
{
	struct llm_exchange x;
	cJSON *doc;
	char *body;
	double t;

	exchange(&x);
	x.model = "MiniMax-M2";
	body = minimax_body(&x);
	doc = body != NULL ? cJSON_Parse(body) : NULL;
	CHECK(doc != NULL, "minimax body: JSON");
	CHECK_STR(str_at(doc, "model"), "MiniMax-M2",
	    "minimax body: the configured model");
	CHECK(strcmp(str_at(doc, "messages.0.role"), "system") == 0 &&
	    strcmp(str_at(doc, "messages.1.role"), "user") == 0 &&
	    cJSON_GetArraySize(at(doc, "messages")) == 2,
	    "minimax body: system then user");
	t = cJSON_GetNumberValue(at(doc, "temperature"));
	CHECK(t > 0 && t <= 1, "minimax body: temperature %g in (0, 1]", t);
	CHECK(cJSON_GetNumberValue(at(doc, "max_completion_tokens")) ==
	    MINIMAX_MAX_TOKENS, "minimax body: max_completion_tokens");
	CHECK(at(doc, "tools") == NULL && at(doc, "tool_choice") == NULL,
	    "minimax body: no tool (it cannot be forced)");
	cJSON_Delete(doc);
	free(body);

	x.previous = "<think>hmm</think> I like ASML";
	x.correction = "no JSON object found in the answer";
	body = minimax_body(&x);
	doc = body != NULL ? cJSON_Parse(body) : NULL;
	CHECK(cJSON_GetArraySize(at(doc, "messages")) == 4 &&
	    strcmp(str_at(doc, "messages.2.role"), "assistant") == 0 &&
	    strcmp(str_at(doc, "messages.2.content"), x.previous) == 0 &&
	    strcmp(str_at(doc, "messages.3.content"), x.correction) == 0,
	    "minimax retry: previous answer then correction");
	cJSON_Delete(doc);
	free(body);
}

static void
test_minimax_errors(void)
{
	const char *base = "{\"id\":\"\",\"choices\":null,\"base_resp\":"
	    "{\"status_code\":1004,\"status_msg\":\"login fail: Please carry "
	    "the API secret key\"}}";
	const char *rate = "{\"base_resp\":{\"status_code\":1002,"
	    "\"status_msg\":\"rate limit exceeded\"}}";
	const char *openai = "{\"error\":{\"message\":\"invalid params, "
	    "tool_choice (2013)\",\"type\":\"bad_request_error\"}}";
	const char *balance = "{\"error\":{\"message\":\"insufficient balance "
	    "(1008)\",\"type\":\"insufficient_balance\"}}";
	const char *ok = "{\"choices\":[{\"finish_reason\":\"stop\",\"message\":"
	    "{\"content\":\"<think>x</think>{\\\"picks\\\":[]}\"}}],\"usage\":"
	    "{\"prompt_tokens\":2530,\"completion_tokens\":381},\"base_resp\":"
	    "{\"status_code\":0,\"status_msg\":\"\"}}";
	const char *cut = "{\"choices\":[{\"finish_reason\":\"length\","
	    "\"message\":{\"content\":\"<think>so many thoughts\"}}],"
	    "\"base_resp\":{\"status_code\":0}}";
	char msg[128];
	struct llm_exchange x;
	tb_err e;

	CHECK(minimax_error_code(base, msg, sizeof msg) == 1004 &&
	    strstr(msg, "login fail") != NULL, "minimax code: base_resp");
	CHECK(minimax_error_code(openai, msg, sizeof msg) == 2013,
	    "minimax code: \"(2013)\" in an OpenAI-style message");
	CHECK(minimax_error_code(balance, NULL, 0) == 1008,
	    "minimax code: \"(1008)\"");
	CHECK(minimax_error_code(ok, NULL, 0) == 0,
	    "minimax code: status_code 0 is no error");
	CHECK(minimax_error_code("upstream error (1033)", NULL, 0) == 1033,
	    "minimax code: in a non-JSON body");
	CHECK(minimax_error_code(NULL, NULL, 0) == 0, "minimax code: none");

	CHECK(minimax_code_retryable(1002) == 1 &&
	    minimax_code_retryable(1001) == 1 &&
	    minimax_code_retryable(2045) == 1, "minimax: retryable codes");
	CHECK(minimax_code_retryable(1004) == 0 &&
	    minimax_code_retryable(1008) == 0 &&
	    minimax_code_retryable(2013) == 0 &&
	    minimax_code_retryable(2049) == 0, "minimax: never-retry codes");
	CHECK(minimax_code_retryable(1026) == -1, "minimax: unlisted code");

	CHECK(verdict(minimax_classify, 200, ok) == HTTP_DONE,
	    "minimax classify: 200 with code 0 done");
	CHECK(verdict(minimax_classify, 200, rate) == HTTP_RETRY,
	    "minimax classify: 200 with 1002 retried");
	CHECK(verdict(minimax_classify, 200, base) == HTTP_FAIL,
	    "minimax classify: 200 with 1004 final");
	CHECK(verdict(minimax_classify, 500, balance) == HTTP_FAIL,
	    "minimax classify: 500 with (1008) never retried");
	CHECK(verdict(minimax_classify, 500, "oops") == HTTP_RETRY,
	    "minimax classify: a bare 500 retried");
	CHECK(verdict(minimax_classify, 429, "{}") == HTTP_RETRY,
	    "minimax classify: 429 retried");
	CHECK(verdict(minimax_classify, 400, openai) == HTTP_FAIL,
	    "minimax classify: 400 (2013) final");
	CHECK(verdict(minimax_classify, 200, "{\"base_resp\":{\"status_code\":"
	    "1026,\"status_msg\":\"sensitive\"}}") == HTTP_FAIL,
	    "minimax classify: an unlisted code on 200 is final");
	CHECK(verdict(minimax_classify, 0, NULL) == HTTP_RETRY,
	    "minimax classify: transport failures retried");

	exchange(&x);
	CHECK(minimax_parse(&x, ok, &e) == 0 && x.text != NULL &&
	    strstr(x.text, "<think>") == x.text && x.problem == NULL,
	    "minimax parse: the content, think block and all");
	CHECK(x.tokens_in == 2530 && x.tokens_out == 381,
	    "minimax parse: usage");
	llm_exchange_reset(&x);
	CHECK(minimax_parse(&x, base, &e) == TB_EUNAVAIL &&
	    strstr(e.msg, "error 1004") != NULL,
	    "minimax parse: base_resp error (%s)", e.msg);
	llm_exchange_reset(&x);
	CHECK(minimax_parse(&x, cut, &e) == 0 && x.problem != NULL &&
	    strstr(x.problem, "cut off") != NULL,
	    "minimax parse: finish_reason length is unusable");
	llm_exchange_reset(&x);
}

static void
test_missing_keys(void)
{
	struct llm_exchange x;
	tb_err e;

	exchange(&x);
	CHECK(anthropic_exchange(&x, &e) == TB_ECONFIG &&
	    strcmp(e.msg, "ANTHROPIC_API_KEY is not set") == 0,
	    "no Anthropic key: a clean error, no request");
	CHECK(minimax_exchange(&x, &e) == TB_ECONFIG &&
	    strcmp(e.msg, "MINIMAX_API_KEY is not set") == 0,
	    "no MiniMax key: a clean error, no request");
}

/* The one table of LLMs, and how a name finds its entry. */
static void
test_table(void)
{
	const struct llm *all = llm_all(), *c, *m;
	struct tb_config cfg;

	c = llm_find("claude");
	m = llm_find("minimax");
	CHECK(c == &all[0] && m == &all[1], "table: claude and minimax");
	CHECK(llm_find("gpt") == NULL && llm_find("Claude") == NULL &&
	    llm_find("") == NULL, "table: no other name, case matters");
	CHECK_STR(c->provider, "anthropic", "table: claude's provider");
	CHECK_STR(m->provider, "minimax", "table: minimax's provider");
	CHECK(c->wire == anthropic_exchange && m->wire == minimax_exchange,
	    "table: each LLM's wire function");
	CHECK(c->style == PROMPT_TOOL && m->style == PROMPT_TEXT,
	    "table: Claude calls the tool, MiniMax answers in text");
	memset(&cfg, 0, sizeof cfg);
	cfg.claude_model = "claude-opus-4-5";
	cfg.minimax_model = "MiniMax-M2.5";
	CHECK_STR(llm_model(c, &cfg), "claude-opus-4-5", "table: claude's "
	    "model from the config");
	CHECK_STR(llm_model(m, &cfg), "MiniMax-M2.5", "table: minimax's "
	    "model from the config");
}

int
main(void)
{
	test_table();
	test_anthropic_body();
	test_anthropic_parse();
	test_anthropic_classify();
	test_minimax_body();
	test_minimax_errors();
	test_missing_keys();
	return unit_done();
}
