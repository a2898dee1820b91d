/*
 * test_utf8.c - strict UTF-8 (utf8.h): what is valid stays byte for
 * byte, what is not becomes U+FFFD, and a JSON document with one bad
 * escape parses with one replacement character instead of failing.
 */
#include "utf8.h"
#include "unit.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#define FFFD "\xef\xbf\xbd"

static void
test_valid(void)
{
	static const struct {
		const char *s;
		size_t len;
		int valid;
		const char *what;
	} cases[] = {
		{ "plain ascii", 11, 1, "ASCII" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x88", 14, 1,
		    "two, three and four bytes" },
		{ "\xf4\x8f\xbf\xbf", 4, 1, "U+10FFFF" },
		{ "\xf4\x90\x80\x80", 4, 0, "above U+10FFFF" },
		{ "\xed\xa0\x80", 3, 0, "an encoded surrogate (U+D800)" },
		{ "\xc0\x80", 2, 0, "an overlong NUL" },
		{ "\xe0\x80\xaf", 3, 0, "an overlong slash" },
		{ "\xf0\x82\x82\xac", 4, 0, "an overlong euro" },
		{ "\xc3", 1, 0, "a sequence cut short" },
		{ "\x80", 1, 0, "a lone continuation byte" },
		{ "\xff", 1, 0, "0xFF" },
		{ "a\0b", 3, 1, "a NUL byte is a character" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(utf8_valid(cases[i].s, cases[i].len) == cases[i].valid,
		    "%s is %s", cases[i].what, cases[i].valid ? "valid" :
		    "not valid");
}

static void
test_clean(void)
{
	static const struct {
		const char *in, *out;
		const char *what;
	} cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9", "valid text unchanged" },
		{ "a\xed\xa0\x80z", "a" FFFD FFFD FFFD "z",
		    "a surrogate: one FFFD per byte (no valid prefix)" },
		{ "a\xe2\x82z", "a" FFFD "z", "a cut sequence: one FFFD" },
		{ "\xf4\x90\x80\x80!", FFFD FFFD FFFD FFFD "!",
		    "above U+10FFFF" },
		{ "\xc0\xaf", FFFD FFFD, "overlong" },
		{ "x\xff", "x" FFFD, "0xFF at the end" },
	};
	char *out;
	size_t i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = utf8_clean(cases[i].in, strlen(cases[i].in), &n);
		CHECK(out != NULL && strcmp(out, cases[i].out) == 0 &&
		    n == strlen(cases[i].out) && utf8_valid(out, n), "%s",
		    cases[i].what);
		free(out);
	}
}

/* The title of {"title": "..."} once cleaned and parsed, or NULL. */
static char *
title_of(const char *json)
{
	cJSON *doc, *t;
	char *clean, *out = NULL;

	clean = utf8_clean_json(json, strlen(json), NULL);
	doc = cJSON_Parse(clean);
	t = cJSON_GetObjectItemCaseSensitive(doc, "title");
	if (cJSON_IsString(t))
		out = strdup(t->valuestring);
	cJSON_Delete(doc);
	free(clean);
	return out;
}

static void
test_json(void)
{
	static const struct {
		const char *json, *title, *what;
	} cases[] = {
		{ "{\"title\":\"ok \\u00e9\"}", "ok \xc3\xa9",
		    "a valid escape unchanged" },
		{ "{\"title\":\"\\ud83d\\udcc8 up\"}", "\xf0\x9f\x93\x88 up",
		    "a surrogate pair unchanged" },
		{ "{\"title\":\"a\\ud800b\"}", "a" FFFD "b",
		    "a lone high surrogate" },
		{ "{\"title\":\"a\\udc00b\"}", "a" FFFD "b",
		    "a lone low surrogate" },
		{ "{\"title\":\"\\udc00\\ud800\"}", FFFD FFFD,
		    "a reversed pair" },
		{ "{\"title\":\"\\ud800\\u0041\"}", FFFD "A",
		    "a high surrogate before a plain escape" },
		{ "{\"title\":\"a\\u12\"}", "a" FFFD,
		    "\\u with two hex digits" },
		{ "{\"title\":\"a\\qb\"}", "a" FFFD "b", "an unknown escape" },
		{ "{\"title\":\"a\\\\ud800\"}", "a\\ud800",
		    "an escaped backslash is not an escape" },
		{ "{\"title\":\"bad \xc0\xaf byte\"}", "bad " FFFD FFFD " byte",
		    "a raw overlong sequence" },
	};
	char *got;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = title_of(cases[i].json);
		CHECK(got != NULL && strcmp(got, cases[i].title) == 0 &&
		    utf8_valid(got, strlen(got)), "json: %s", cases[i].what);
		free(got);
	}
	/* Before cleaning, cJSON refuses the whole page for one escape. */
	CHECK(cJSON_Parse("{\"title\":\"a\\ud800b\"}") == NULL,
	    "cJSON alone refuses a lone surrogate (why cleaning is needed)");
}

int
main(void)
{
	test_valid();
	test_clean();
	test_json();
	return unit_done();
}
