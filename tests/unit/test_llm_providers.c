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

/* A finished request: status, body and response headers. */
static struct http_request *
answered(long status, const char *body, const char *headers)
{
	static struct http_request r;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.response = (char *)body;
	r.response_len = body != NULL ? strlen(body) : 0;
	r.response_headers = (char *)headers;
	return &r;
}

static enum http_verdict
verdict(http_classify_fn fn, long status, const char *body)
{
	return fn(answered(status, body, NULL), NULL);
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
	CHECK(verdict(anthropic_classify, 424, NULL) == HTTP_RETRY,
	    "anthropic classify: 424 retried (as the SDK does)");
	CHECK(anthropic_classify(answered(529, "{}", "HTTP/1.1 529 x\r\n"
	    "X-Should-Retry: false\r\n\r\n"), NULL) == HTTP_FAIL,
	    "anthropic classify: x-should-retry false is obeyed");
	CHECK(anthropic_classify(answered(400, "{}", "HTTP/1.1 400 x\r\n"
	    "x-should-retry: true\r\n\r\n"), NULL) == HTTP_RETRY,
	    "anthropic classify: x-should-retry true is obeyed");
	CHECK(anthropic_classify(answered(429, spend, "HTTP/1.1 429 x\r\n"
	    "x-should-retry: true\r\n\r\n"), NULL) == HTTP_FAIL,
	    "anthropic classify: not even true retries a spend limit");
	CHECK(anthropic_classify(answered(200, "{}", "HTTP/1.1 200 OK\r\n"
	    "x-should-retry: true\r\n\r\n"), NULL) == HTTP_DONE,
	    "anthropic classify: a 2xx is done whatever the header says");
}

static void
test_retry_after(void)
{
	CHECK_NUM(llm_retry_after(answered(429, NULL, "HTTP/1.1 429 x\r\n"
	    "retry-after: 90\r\nretry-after-ms: 250\r\n\r\n")), 0.25, 1e-9,
	    "retry-after-ms first, in milliseconds");
	CHECK_NUM(llm_retry_after(answered(429, NULL, "HTTP/1.1 429 x\r\n"
	    "Retry-After: 90\r\n\r\n")), 90, 1e-9, "retry-after in seconds");
	CHECK_NUM(llm_retry_after(answered(429, NULL, "HTTP/1.1 429 x\r\n"
	    "retry-after: 1.5\r\nretry-after-ms: soon\r\n\r\n")), 1.5,
	    1e-9, "a fraction of a second; an unusable retry-after-ms skipped");
	CHECK(llm_retry_after(answered(429, NULL, "HTTP/1.1 429 x\r\n"
	    "retry-after: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n")) == 0,
	    "a date in the past: no wait");
	CHECK(llm_retry_after(answered(429, NULL, "HTTP/1.1 429 x\r\n"
	    "retry-after: -3\r\n\r\n")) == -1 &&
	    llm_retry_after(answered(429, NULL, "HTTP/1.1 429 x\r\n\r\n"))
	    == -1 && llm_retry_after(answered(0, NULL, NULL)) == -1,
	    "none, or not a wait: -1");
}

static void
test_idle_limit(void)
{
	CHECK(llm_idle_ms(300) == 60000, "idle: 60 s of the default 300 s");
	CHECK(llm_idle_ms(3600) == LLM_IDLE_MAX_MS, "idle: at most 60 s");
	CHECK(llm_idle_ms(10) == 2000, "idle: a fifth of the deadline");
	CHECK(llm_idle_ms(0.5) == LLM_IDLE_MIN_MS, "idle: at least 1 s");
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

	CHECK(minimax_code_retryable(1000) == 1 &&
	    minimax_code_retryable(1039) == 1,
	    "minimax: 1000 and 1039 (\"try again later\") retried");

	CHECK(minimax_retryable(200, 1002) == 1,
	    "minimax retry: 200 with 1002 retried");
	CHECK(minimax_retryable(200, 1004) == 0,
	    "minimax retry: 200 with 1004 final");
	CHECK(minimax_retryable(500, 1008) == 0,
	    "minimax retry: 500 with (1008) never retried");
	CHECK(minimax_retryable(500, 0) == 1,
	    "minimax retry: a bare 500 retried");
	CHECK(minimax_retryable(429, 0) == 1 && minimax_retryable(408, 0) == 1,
	    "minimax retry: 429 and 408 retried");
	CHECK(minimax_retryable(400, 2013) == 0,
	    "minimax retry: 400 (2013) final");
	CHECK(minimax_retryable(200, 1026) == 0,
	    "minimax retry: an unlisted code on 200 is final");
	CHECK(minimax_retryable(503, 1026) == 1,
	    "minimax retry: an unlisted code on 503 is the status's");
	CHECK(minimax_retryable(0, 0) == 1,
	    "minimax retry: transport failures retried");

	exchange(&x);
	CHECK(minimax_parse(&x, ok, strlen(ok), &e) == 0 && x.text != NULL &&
	    strstr(x.text, "<think>") == x.text && x.problem == NULL,
	    "minimax parse: the content, think block and all");
	CHECK(x.tokens_in == 2530 && x.tokens_out == 381,
	    "minimax parse: usage");
	llm_exchange_reset(&x);
	CHECK(minimax_parse(&x, base, strlen(base), &e) == TB_EUNAVAIL &&
	    strstr(e.msg, "error 1004") != NULL && !x.retry,
	    "minimax parse: base_resp error, not retried (%s)", e.msg);
	llm_exchange_reset(&x);
	CHECK(minimax_parse(&x, rate, strlen(rate), &e) == TB_EUNAVAIL &&
	    x.retry, "minimax parse: 1002 on HTTP 200 retried");
	llm_exchange_reset(&x);
	CHECK(minimax_parse(&x, cut, strlen(cut), &e) == 0 &&
	    x.problem != NULL && strstr(x.problem, "cut off") != NULL,
	    "minimax parse: finish_reason length is unusable");
	llm_exchange_reset(&x);
	CHECK(minimax_parse(&x, openai, strlen(openai), &e) == TB_EUNAVAIL &&
	    strstr(e.msg, "error 2013") != NULL && !x.retry,
	    "minimax parse: an OpenAI-style error");
	llm_exchange_reset(&x);
	CHECK(minimax_parse(&x, "{\"fake\": [1,, 2", 15, &e) == TB_EUNAVAIL
	    && strstr(e.msg, "not JSON") != NULL && !x.retry,
	    "minimax parse: broken JSON is no answer");
	llm_exchange_reset(&x);
}

/* A stream as MiniMax sends it: deltas, usage late, the whole last. */
#define CHUNK(delta) "data: {\"id\":\"m1\",\"choices\":[{\"index\":0," \
	"\"delta\":{" delta ",\"role\":\"assistant\",\"name\":" \
	"\"MiniMax AI\"}}],\"object\":\"chat.completion.chunk\"," \
	"\"usage\":{\"total_tokens\":0,\"prompt_tokens\":0," \
	"\"completion_tokens\":0}}\n\n"
#define FINAL(content) "data: {\"id\":\"m1\",\"choices\":[{" \
	"\"finish_reason\":\"stop\",\"index\":0,\"message\":{" \
	"\"content\":" content ",\"role\":\"assistant\"}}]," \
	"\"object\":\"chat.completion\",\"usage\":{\"total_tokens\":" \
	"2911,\"prompt_tokens\":2530,\"completion_tokens\":381}," \
	"\"base_resp\":{\"status_code\":0,\"status_msg\":\"\"}}\n\n"

static int
parse_stream(struct llm_exchange *x, const char *body, tb_err *e)
{
	llm_exchange_reset(x);
	return minimax_parse(x, body, strlen(body), e);
}

static void
test_minimax_stream(void)
{
	const char *whole = "<think>ASML</think>{\"picks\":[]}";
	const char *streamed =
	    CHUNK("\"content\":\"<think>AS\"")
	    CHUNK("\"content\":\"ML</think>\"")
	    ": a comment\r\n\r\n"
	    CHUNK("\"content\":\"{\\\"picks\\\":[]}\"")
	    FINAL("\"<think>ASML</think>{\\\"picks\\\":[]}\"");
	const char *split =
	    CHUNK("\"content\":\"{\\\"picks\\\":[]}\",\"reasoning_content\":"
	    "\"let me\"")
	    CHUNK("\"reasoning_details\":[{\"text\":\" think\"}]")
	    "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	    "data: [DONE]\n\n";
	const char *only_final = FINAL("\"<think>x</think>{}\"");
	const char *ended = CHUNK("\"content\":\"<think>still\"");
	const char *error = CHUNK("\"content\":\"<think>\"")
	    "data: {\"choices\":null,\"base_resp\":{\"status_code\":1039,"
	    "\"status_msg\":\"token limit, try later\"}}\n\n";
	const char *done_only = "data: [DONE]\n\n";
	struct llm_exchange x;
	tb_err e;

	exchange(&x);
	CHECK(parse_stream(&x, streamed, &e) == 0, "stream: parsed (%s)",
	    e.msg);
	CHECK_STR(x.text, whole, "stream: the deltas put together, once");
	CHECK_STR(x.raw, whole, "stream: raw is the text, not the events");
	CHECK(x.tokens_in == 2530 && x.tokens_out == 381,
	    "stream: usage from the last chunk, over the zeros before");
	CHECK(x.problem == NULL, "stream: usable");

	CHECK(parse_stream(&x, split, &e) == 0, "stream: reasoning apart");
	CHECK_STR(x.text, "<think>let me think</think>\n{\"picks\":[]}",
	    "stream: reasoning apart goes in front as a think block");

	CHECK(parse_stream(&x, only_final, &e) == 0 && x.text != NULL &&
	    strcmp(x.text, "<think>x</think>{}") == 0,
	    "stream: no deltas, the last chunk's whole message");

	CHECK(parse_stream(&x, ended, &e) == TB_EUNAVAIL && x.retry &&
	    strstr(e.msg, "ended before it was complete") != NULL,
	    "stream: ended without a finish is retried");
	CHECK_STR(x.raw, "<think>still", "stream: what arrived is kept");

	CHECK(parse_stream(&x, error, &e) == TB_EUNAVAIL && x.retry &&
	    strstr(e.msg, "error 1039: token limit") != NULL,
	    "stream: an error event (1039) ends it, retried (%s)", e.msg);
	CHECK(x.raw != NULL && strstr(x.raw, "\"status_code\":1039") != NULL,
	    "stream: the error event is kept as raw");

	CHECK(parse_stream(&x, done_only, &e) == TB_EUNAVAIL && !x.retry &&
	    strstr(e.msg, "no choices") != NULL,
	    "stream: [DONE] alone has no choices");

	CHECK(parse_stream(&x, "", &e) == TB_EUNAVAIL && x.retry,
	    "stream: an empty 200 is retried");

	CHECK(parse_stream(&x, "data: {\"choices\":[{\"delta\":{\"content\":"
	    "\"\"},\"finish_reason\":\"length\"}]}\n\n", &e) == 0 &&
	    x.problem != NULL && strstr(x.problem, "cut off") != NULL,
	    "stream: finish_reason length is unusable");
	CHECK(parse_stream(&x, "data: {\"choices\":[{\"delta\":{\"content\":"
	    "\"\"},\"finish_reason\":\"stop\"}]}\n\n", &e) == 0 &&
	    x.problem != NULL && strstr(x.problem, "empty") != NULL,
	    "stream: an empty content is unusable");
	llm_exchange_reset(&x);
}

static void
test_minimax_request(void)
{
	struct llm_exchange x;
	cJSON *doc;
	char *body;

	exchange(&x);
	x.model = "MiniMax-M2";
	body = minimax_body(&x);
	doc = body != NULL ? cJSON_Parse(body) : NULL;
	CHECK(cJSON_IsTrue(at(doc, "stream")), "minimax body: stream true");
	CHECK(cJSON_IsTrue(at(doc, "stream_options.include_usage")),
	    "minimax body: usage asked for in the stream");
	cJSON_Delete(doc);
	free(body);
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
	test_retry_after();
	test_idle_limit();
	test_minimax_body();
	test_minimax_errors();
	test_minimax_stream();
	test_minimax_request();
	test_missing_keys();
	return unit_done();
}
