/*
 * picks.c - an LLM's answer turned into validated stock picks.  See picks.h.
 *
 * The invariant kept here: whatever the answer says, a pick_set names
 * candidates only, holds at most max_picks picks, and its amounts add up to
 * no more than the daily budget.  Everything else is best effort at
 * reading what the model meant.
 */
#include "picks.h"

#include "money.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bytes of LLM text quoted in a note or an error message. */
#define QUOTE_MAX	32
/* QUOTE_MAX bytes escaped (4 characters a byte at worst), quotes, dots. */
#define QUOTE_BUFSZ	(QUOTE_MAX * 4 + 8)
/* Balanced-object scans per pass, so brace-heavy garbage costs linear time. */
#define MAX_BRACE_SCANS	64
/* The largest budget accepted, so that cents stay exact in a double. */
#define BUDGET_MAX_EUR	MONEY_MAX_EUR

enum candidate_result { CAND_FAILED, CAND_PARSED, CAND_FOUND };

/* What the search for the picks object has found so far. */
struct finder {
	cJSON	*found;		/* an object with a "picks" array: done */
	cJSON	*fallback;	/* the first object whose "picks" is no array */
	char	 reason[256];	/* why the first rejected candidate failed */
	int	 scans;		/* balanced-object scans in this pass */
};

/* The validation rules of one call of pick_set_from_json(). */
struct rules {
	const char *const *candidates;
	size_t		 ncandidates;
	int		 max_picks;
	size_t		 nvalid;	/* valid picks seen, kept or not */
};

static const struct {
	const char	*from;	/* three bytes of UTF-8 */
	char		 to;
} lookalikes[] = {
	{ "\xe2\x80\x9c", '"' },	/* U+201C left double quotation mark */
	{ "\xe2\x80\x9d", '"' },	/* U+201D right double quotation mark */
	{ "\xe2\x80\x98", '\'' },	/* U+2018 left single quotation mark */
	{ "\xe2\x80\x99", '\'' },	/* U+2019 right single quotation mark */
	{ "\xef\xbd\x9b", '{' },	/* U+FF5B fullwidth left curly */
	{ "\xef\xbd\x9d", '}' },	/* U+FF5D fullwidth right curly */
	{ "\xef\xbc\xbb", '[' },	/* U+FF3B fullwidth left square */
	{ "\xef\xbc\xbd", ']' },	/* U+FF3D fullwidth right square */
	{ "\xef\xbc\x9a", ':' },	/* U+FF1A fullwidth colon */
	{ "\xef\xbc\x8c", ',' },	/* U+FF0C fullwidth comma */
};

static size_t	 utf8_decode(const unsigned char *, size_t, uint32_t *);
static void	 quote(char *, const char *, size_t, int);
static void	 ticker_label(char *, const char *);
static const char *json_kind(const cJSON *);
static int	 is_space(int);
static const char *after_think(const char *, size_t, size_t *, int *);
static char	*replace_lookalikes(const char *, size_t, size_t *, int *);
static void	 finder_reason(struct finder *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 parse_failed(struct finder *, const char *, size_t,
		    const char *);
static enum candidate_result try_candidate(struct finder *, const char *,
		    size_t);
static int	 is_json_info(const char *, const char *);
static int	 search_fences(struct finder *, const char *, size_t, int);
static int	 search_whole(struct finder *, const char *, size_t);
static const char *matching_brace(const char *, const char *);
static int	 search_objects(struct finder *, const char *, size_t);
static int	 search(struct finder *, const char *, size_t);
static int	 grow(void *, size_t, size_t);
static int	 add_note(struct pick_set *, tb_err *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static const char *find_candidate(const struct rules *, const char *);
static int	 allocation_ok(const cJSON *);
static void	 describe_allocation(char *, size_t, const cJSON *);
static char	*clean_reasoning(const char *, int *);
static const char *ordinal_suffix(size_t);
static int	 keep_pick(struct pick_set *, const char *, double,
		    const cJSON *, tb_err *);
static int	 take_pick(struct pick_set *, struct rules *, const cJSON *,
		    size_t, tb_err *);
static int	 scale_allocations(struct pick_set *, tb_err *);
static long long sum_cents(const struct pick_set *);
static double	 sum_eur(const struct pick_set *);
static void	 take_cent_from_largest(struct pick_set *);
static int	 drop_empty_picks(struct pick_set *, double, tb_err *);
static int	 apportion(struct pick_set *, double, tb_err *);
static int	 add_owned(cJSON *, const char *, cJSON *);
static cJSON	*add_property(cJSON *, const char *, const char *,
		    const char *);

/*
 * Length of the valid UTF-8 sequence at s (at most len bytes) with its
 * code point in *cp; 0 when the bytes are not valid UTF-8 (overlong,
 * surrogate, past U+10FFFF or cut short).
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t i, n;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Write at most QUOTE_MAX bytes of s (len bytes) into buf (QUOTE_BUFSZ
 * bytes) as printable ASCII, so that LLM text in a log line cannot forge
 * lines or hide look-alike letters: '\' escaped, newline, tab and
 * carriage return as \n \t \r, other characters as \uXXXX or
 * \UXXXXXXXX, invalid bytes as \xNN, "..." when cut.  With wrap, the
 * result is in double quotes and '"' is escaped too.
 */
static void
quote(char *buf, const char *s, size_t len, int wrap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, o = 0;
	uint32_t cp;

	if (wrap)
		buf[o++] = '"';
	while (i < len) {
		n = utf8_decode(u + i, len - i, &cp);
		if (i + (n ? n : 1) > QUOTE_MAX)
			break;
		if (n == 0) {
			o += sprintf(buf + o, "\\x%02X", (unsigned)u[i]);
			i++;
			continue;
		}
		if (cp == '\\' || (wrap && cp == '"')) {
			buf[o++] = '\\';
			buf[o++] = (char)cp;
		} else if (cp >= 0x20 && cp < 0x7f)
			buf[o++] = (char)cp;
		else if (cp == '\n' || cp == '\t' || cp == '\r') {
			buf[o++] = '\\';
			buf[o++] = cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
		} else if (cp < 0x10000)
			o += sprintf(buf + o, "\\u%04X", (unsigned)cp);
		else
			o += sprintf(buf + o, "\\U%08X", (unsigned)cp);
		i += n;
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	if (wrap)
		buf[o++] = '"';
	buf[o] = '\0';
}

/* A ticker as written by the LLM, for a note: bare when it looks like one. */
static void
ticker_label(char *buf, const char *ticker)
{
	size_t len = strlen(ticker), i;
	int plain = len > 0 && len <= QUOTE_MAX;

	for (i = 0; plain && i < len; i++) {
		unsigned char c = (unsigned char)ticker[i];

		plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr(".-^=$_", c) != NULL;
	}
	if (plain)
		memcpy(buf, ticker, len + 1);
	else
		quote(buf, ticker, len, 1);
}

/* The kind of a JSON value, as a noun phrase for a message. */
static const char *
json_kind(const cJSON *item)
{
	if (item == NULL)
		return "missing";
	if (cJSON_IsString(item))
		return "a string";
	if (cJSON_IsNumber(item))
		return "a number";
	if (cJSON_IsBool(item))
		return "a boolean";
	if (cJSON_IsNull(item))
		return "null";
	if (cJSON_IsArray(item))
		return "an array";
	if (cJSON_IsObject(item))
		return "an object";
	return "an unknown JSON value";
}

/* ASCII white space only: the C library's isspace() depends on the locale. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/*
 * The part of text after the last "</think>".  Without one, an opening
 * "<think>" means the answer was cut short while the model reasoned, so
 * only what precedes it counts and *unclosed is set.
 */
static const char *
after_think(const char *text, size_t len, size_t *bodylen, int *unclosed)
{
	static const char close[] = "</think>", open[] = "<think>";
	const char *p = text, *end = text + len, *last = NULL, *hit;

	*unclosed = 0;
	while ((hit = memmem(p, end - p, close, sizeof close - 1)) != NULL) {
		last = hit;
		p = hit + sizeof close - 1;
	}
	if (last != NULL) {
		last += sizeof close - 1;
		*bodylen = end - last;
		return last;
	}
	if ((hit = memmem(text, len, open, sizeof open - 1)) != NULL) {
		*unclosed = 1;
		*bodylen = hit - text;
		return text;
	}
	*bodylen = len;
	return text;
}

/*
 * A copy of s (len bytes) with each look-alike of JSON syntax replaced by
 * its ASCII form; *changed tells whether there was any.  NULL when out of
 * memory.
 */
static char *
replace_lookalikes(const char *s, size_t len, size_t *outlen, int *changed)
{
	char *out;
	size_t i = 0, o = 0, k, nk = sizeof lookalikes / sizeof lookalikes[0];

	*changed = 0;
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	while (i < len) {
		for (k = 0; k < nk; k++)
			if (len - i >= 3 &&
			    memcmp(s + i, lookalikes[k].from, 3) == 0)
				break;
		if (k < nk) {
			out[o++] = lookalikes[k].to;
			i += 3;
			*changed = 1;
		} else
			out[o++] = s[i++];
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Remember why a candidate failed, unless an earlier one already did. */
static void
finder_reason(struct finder *f, const char *fmt, ...)
{
	va_list ap;

	if (f->reason[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof f->reason, fmt, ap);
	va_end(ap);
}

/* A candidate s (len bytes) did not parse; at is where cJSON gave up. */
static void
parse_failed(struct finder *f, const char *s, size_t len, const char *at)
{
	char snippet[QUOTE_BUFSZ];

	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	if (at == NULL || at < s || at >= s + len) {
		finder_reason(f, "JSON parse error at the end of the text "
		    "(is it cut short?)");
		return;
	}
	quote(snippet, at, s + len - at, 0);
	finder_reason(f, "JSON parse error near '%s'", snippet);
}

/* Parse one candidate text and judge it. */
static enum candidate_result
try_candidate(struct finder *f, const char *s, size_t len)
{
	const char *end = NULL;
	const cJSON *picks;
	cJSON *json;

	json = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (json == NULL) {
		parse_failed(f, s, len, end);
		return CAND_FAILED;
	}
	while (end < s + len && is_space((unsigned char)*end))
		end++;
	if (end < s + len) {
		parse_failed(f, s, len, end);
		cJSON_Delete(json);
		return CAND_FAILED;
	}
	if (!cJSON_IsObject(json)) {
		finder_reason(f, "the answer is %s, not an object with a "
		    "\"picks\" array", json_kind(json));
		cJSON_Delete(json);
		return CAND_PARSED;
	}
	picks = cJSON_GetObjectItemCaseSensitive(json, "picks");
	if (cJSON_IsArray(picks)) {
		f->found = json;
		return CAND_FOUND;
	}
	if (picks == NULL)
		finder_reason(f, "the JSON object in the answer has no "
		    "\"picks\" array");
	if (picks != NULL && f->fallback == NULL)
		f->fallback = json;
	else
		cJSON_Delete(json);
	return CAND_PARSED;
}

/* Does a fence's info string (from info to eol) say json? */
static int
is_json_info(const char *info, const char *eol)
{
	while (info < eol && is_space((unsigned char)*info))
		info++;
	while (eol > info && is_space((unsigned char)eol[-1]))
		eol--;
	return eol - info == 4 && strncasecmp(info, "json", 4) == 0;
}

/* Try each closed ``` fenced block whose info string is json (or not). */
static int
search_fences(struct finder *f, const char *text, size_t len, int want_json)
{
	const char *p = text, *end = text + len, *open, *eol, *body, *close;

	while ((open = memmem(p, end - p, "```", 3)) != NULL) {
		if ((eol = memchr(open + 3, '\n', end - (open + 3))) == NULL)
			break;
		body = eol + 1;
		if ((close = memmem(body, end - body, "```", 3)) == NULL)
			break;
		if (is_json_info(open + 3, eol) == want_json &&
		    try_candidate(f, body, close - body) == CAND_FOUND)
			return 1;
		p = close + 3;
	}
	return 0;
}

/* Try the whole text, when it can be JSON at all. */
static int
search_whole(struct finder *f, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && is_space((unsigned char)text[i]))
		i++;
	if (i == len || (text[i] != '{' && text[i] != '['))
		return 0;
	return try_candidate(f, text, len) == CAND_FOUND;
}

/*
 * The '}' that closes the '{' at p, counting no brace inside a JSON string
 * (a '"' opens one, a backslash escapes the next character); NULL if the
 * text ends first.
 */
static const char *
matching_brace(const char *p, const char *end)
{
	size_t depth = 0;
	int in_string = 0;

	for (; p < end; p++) {
		if (in_string) {
			if (*p == '\\') {
				if (end - p < 2)
					return NULL;
				p++;
			} else if (*p == '"')
				in_string = 0;
		} else if (*p == '"')
			in_string = 1;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

/*
 * Try each balanced {...} object in turn.  After one that parsed, go on
 * after its end; after one that did not, go on inside it, since prose
 * such as "{see below}" may enclose the real object.
 */
static int
search_objects(struct finder *f, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *close;
	enum candidate_result r;

	f->scans = 0;
	while (p < end && (p = memchr(p, '{', end - p)) != NULL) {
		if (++f->scans > MAX_BRACE_SCANS)
			return 0;
		if ((close = matching_brace(p, end)) == NULL) {
			p++;
			continue;
		}
		r = try_candidate(f, p, close + 1 - p);
		if (r == CAND_FOUND)
			return 1;
		p = r == CAND_PARSED ? close + 1 : p + 1;
	}
	return 0;
}

/* One pass over a text, candidates in order of preference. */
static int
search(struct finder *f, const char *text, size_t len)
{
	return search_fences(f, text, len, 1) ||
	    search_fences(f, text, len, 0) ||
	    search_whole(f, text, len) ||
	    search_objects(f, text, len);
}

cJSON *
picks_extract(const char *answer, tb_err *e)
{
	struct finder f;
	const char *body;
	char *replaced;
	size_t bodylen, replacedlen;
	int unclosed, changed;

	memset(&f, 0, sizeof f);
	if (answer == NULL)
		answer = "";
	body = after_think(answer, strlen(answer), &bodylen, &unclosed);
	if (!search(&f, body, bodylen)) {
		replaced = replace_lookalikes(body, bodylen, &replacedlen,
		    &changed);
		if (replaced == NULL) {
			cJSON_Delete(f.fallback);
			tb_errf(e, TB_EINTERNAL, "out of memory");
			return NULL;
		}
		if (changed)
			search(&f, replaced, replacedlen);
		free(replaced);
	}
	if (f.found != NULL) {
		cJSON_Delete(f.fallback);
		return f.found;
	}
	if (f.fallback != NULL)
		return f.fallback;
	if (f.reason[0] != '\0')
		tb_errf(e, TB_EDATA, "%s", f.reason);
	else if (unclosed)
		tb_errf(e, TB_EDATA, "no JSON object found in the answer "
		    "(it ends inside an unclosed <think> block)");
	else
		tb_errf(e, TB_EDATA, "no JSON object found in the answer");
	return NULL;
}

/*
 * Make room for element n of the array *arrp of elsize-byte elements.
 * Capacity is implied by the count: 8, then each power of two.
 */
static int
grow(void *arrp, size_t n, size_t elsize)
{
	void **arr = arrp, *bigger;
	size_t cap;

	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return 0;
	cap = n == 0 ? 8 : n * 2;
	if (cap > SIZE_MAX / elsize)
		return -1;
	if ((bigger = realloc(*arr, cap * elsize)) == NULL)
		return -1;
	*arr = bigger;
	return 0;
}

static int
add_note(struct pick_set *set, tb_err *e, const char *fmt, ...)
{
	va_list ap;
	char *note;
	int n;

	if (grow(&set->notes, set->nnotes, sizeof set->notes[0]) == -1)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	va_start(ap, fmt);
	n = vasprintf(&note, fmt, ap);
	va_end(ap);
	if (n < 0)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	set->notes[set->nnotes++] = note;
	return 0;
}

/*
 * The candidate a ticker names: surrounding white space and one leading
 * '$' removed, ASCII letters compared without case, every other byte as
 * is, so that a look-alike letter never matches.  NULL if none.
 */
static const char *
find_candidate(const struct rules *r, const char *raw)
{
	const char *s = raw, *end = raw + strlen(raw), *c;
	size_t len, i, k;

	while (s < end && is_space((unsigned char)*s))
		s++;
	if (s < end && *s == '$')
		s++;
	while (s < end && is_space((unsigned char)*s))
		s++;
	while (end > s && is_space((unsigned char)end[-1]))
		end--;
	if ((len = end - s) == 0)
		return NULL;
	for (k = 0; k < r->ncandidates; k++) {
		if ((c = r->candidates[k]) == NULL || strlen(c) != len)
			continue;
		for (i = 0; i < len; i++) {
			unsigned char a = (unsigned char)c[i];
			unsigned char b = (unsigned char)s[i];

			if (a >= 'A' && a <= 'Z')
				a += 'a' - 'A';
			if (b >= 'A' && b <= 'Z')
				b += 'a' - 'A';
			if (a != b)
				break;
		}
		if (i == len)
			return c;
	}
	return NULL;
}

/*
 * The schema says number: a numeric string is not one.  A share of the
 * budget above 100% means nothing, so it is no pick (the issue asks that
 * an allocation of 1e9 be dropped, not scaled into the whole budget).
 */
static int
allocation_ok(const cJSON *alloc)
{
	return cJSON_IsNumber(alloc) && isfinite(alloc->valuedouble) &&
	    alloc->valuedouble > 0 && alloc->valuedouble <= 100;
}

/* What a rejected allocation_pct was, for a note. */
static void
describe_allocation(char *buf, size_t bufsz, const cJSON *alloc)
{
	char q[QUOTE_BUFSZ];

	if (alloc == NULL)
		snprintf(buf, bufsz, "it is missing");
	else if (cJSON_IsNumber(alloc))
		snprintf(buf, bufsz, "it is %g", alloc->valuedouble);
	else if (cJSON_IsString(alloc)) {
		quote(q, alloc->valuestring, strlen(alloc->valuestring), 1);
		snprintf(buf, bufsz, "it is the string %s", q);
	} else
		snprintf(buf, bufsz, "it is %s", json_kind(alloc));
}

/*
 * A copy of a reasoning fit to store and to print on a terminal: invalid
 * UTF-8 bytes become '?', control characters (C0, DEL, C1) a space, and
 * the text is cut at a character boundary to PICK_REASONING_MAX bytes
 * (*cut says whether it was).  NULL when out of memory.
 */
static char *
clean_reasoning(const char *s, int *cut)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n;
	uint32_t cp;
	char *out;

	*cut = 0;
	out = malloc((len < PICK_REASONING_MAX ? len : PICK_REASONING_MAX) + 1);
	if (out == NULL)
		return NULL;
	while (i < len) {
		n = utf8_decode(u + i, len - i, &cp);
		if (o + (n ? n : 1) > PICK_REASONING_MAX) {
			*cut = 1;
			break;
		}
		if (n == 0) {
			out[o++] = '?';
			n = 1;
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			out[o++] = ' ';
		else {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

static const char *
ordinal_suffix(size_t n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1:
		return "st";
	case 2:
		return "nd";
	case 3:
		return "rd";
	default:
		return "th";
	}
}

/* Append a valid pick to the set. */
static int
keep_pick(struct pick_set *set, const char *ticker, double allocation_pct,
    const cJSON *reasoning, tb_err *e)
{
	struct pick *p;
	int cut = 0;

	if (grow(&set->picks, set->npicks, sizeof set->picks[0]) == -1)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	p = &set->picks[set->npicks];
	memset(p, 0, sizeof *p);
	p->allocation_pct = allocation_pct;
	p->ticker = strdup(ticker);
	if (cJSON_IsString(reasoning))
		p->reasoning = clean_reasoning(reasoning->valuestring, &cut);
	else
		p->reasoning = strdup("");
	if (p->ticker == NULL || p->reasoning == NULL) {
		free(p->ticker);
		free(p->reasoning);
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	}
	set->npicks++;
	if (cut)
		return add_note(set, e, "%s: reasoning cut to %zu bytes",
		    ticker, strlen(p->reasoning));
	if (reasoning != NULL && !cJSON_IsString(reasoning))
		return add_note(set, e, "%s: reasoning is %s, not a string; "
		    "stored empty", ticker, json_kind(reasoning));
	return 0;
}

/* Judge the index'th (from 1) element of "picks": keep it or note why not. */
static int
take_pick(struct pick_set *set, struct rules *r, const cJSON *item,
    size_t index, tb_err *e)
{
	const cJSON *ticker, *alloc;
	const char *cand;
	char label[QUOTE_BUFSZ], detail[QUOTE_BUFSZ + 32];
	size_t i;
	int rc;

	if (!cJSON_IsObject(item))
		return add_note(set, e, "dropped pick %zu: it is %s, not an "
		    "object", index, json_kind(item));
	ticker = cJSON_GetObjectItemCaseSensitive(item, "ticker");
	if (ticker == NULL)
		return add_note(set, e, "dropped pick %zu: it has no ticker",
		    index);
	if (!cJSON_IsString(ticker))
		return add_note(set, e, "dropped pick %zu: ticker is %s, not "
		    "a string", index, json_kind(ticker));
	if ((cand = find_candidate(r, ticker->valuestring)) == NULL) {
		ticker_label(label, ticker->valuestring);
		return add_note(set, e, "dropped %s: not among the candidates",
		    label);
	}
	alloc = cJSON_GetObjectItemCaseSensitive(item, "allocation_pct");
	if (!allocation_ok(alloc)) {
		describe_allocation(detail, sizeof detail, alloc);
		return add_note(set, e, "dropped %s: allocation_pct is not a "
		    "number above 0 and at most 100 (%s)", cand, detail);
	}
	for (i = 0; i < set->npicks; i++)
		if (strcmp(set->picks[i].ticker, cand) == 0)
			return add_note(set, e, "dropped %s: duplicate ticker",
			    cand);
	r->nvalid++;
	if (set->npicks >= (size_t)r->max_picks)
		return add_note(set, e, "dropped %s: %zu%s valid pick, "
		    "max_picks is %d", cand, r->nvalid,
		    ordinal_suffix(r->nvalid), r->max_picks);
	rc = keep_pick(set, cand, alloc->valuedouble,
	    cJSON_GetObjectItemCaseSensitive(item, "reasoning"), e);
	if (rc == 0 && strcmp(ticker->valuestring, cand) != 0) {
		ticker_label(label, ticker->valuestring);
		rc = add_note(set, e, "read ticker %s as %s", label, cand);
	}
	return rc;
}

/*
 * Scale allocations totalling over 100 down by one factor.  The factor is
 * computed relative to the largest allocation so that a total past
 * DBL_MAX cannot overflow to infinity, then the results are nudged down by
 * single ulps until their sum, added in order, is at most 100.
 */
static int
scale_allocations(struct pick_set *set, tb_err *e)
{
	double asked = 0, top = 0, units = 0, total, factor;
	size_t i;
	int round;

	for (i = 0; i < set->npicks; i++) {
		asked += set->picks[i].allocation_pct;
		if (set->picks[i].allocation_pct > top)
			top = set->picks[i].allocation_pct;
	}
	if (!(asked > 100))
		return 0;
	for (i = 0; i < set->npicks; i++)
		units += set->picks[i].allocation_pct / top;
	factor = 100 / top / units;
	for (i = 0; i < set->npicks; i++)
		set->picks[i].allocation_pct =
		    set->picks[i].allocation_pct / top * (100 / units);
	for (round = 0; round < 64; round++) {
		total = 0;
		for (i = 0; i < set->npicks; i++)
			total += set->picks[i].allocation_pct;
		if (total <= 100)
			break;
		for (i = 0; i < set->npicks; i++)
			set->picks[i].allocation_pct =
			    nextafter(set->picks[i].allocation_pct, 0);
	}
	if (round == 64)
		return tb_errf(e, TB_EINTERNAL, "cannot scale allocations "
		    "to 100%%");
	return add_note(set, e, "scaled allocations by %.4g: total %.4g%% "
	    "exceeds 100%%", factor, asked);
}

static long long
sum_cents(const struct pick_set *set)
{
	long long sum = 0;
	size_t i;

	for (i = 0; i < set->npicks; i++)
		sum += set->picks[i].amount_cents;
	return sum;
}

/* The sum of amount_eur as a caller adding them in order would get it. */
static double
sum_eur(const struct pick_set *set)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < set->npicks; i++)
		sum += set->picks[i].amount_eur;
	return sum;
}

static void
take_cent_from_largest(struct pick_set *set)
{
	size_t i, top = 0;

	for (i = 1; i < set->npicks; i++)
		if (set->picks[i].amount_cents > set->picks[top].amount_cents)
			top = i;
	if (set->npicks == 0 || set->picks[top].amount_cents == 0)
		return;
	set->picks[top].amount_cents--;
	set->picks[top].amount_eur = set->picks[top].amount_cents / 100.0;
}

/* Drop the picks whose amount came to less than a cent: nothing to buy. */
static int
drop_empty_picks(struct pick_set *set, double budget, tb_err *e)
{
	struct pick *p;
	size_t i, kept = 0;
	int rc = 0;

	for (i = 0; i < set->npicks; i++) {
		p = &set->picks[i];
		if (p->amount_cents > 0) {
			set->picks[kept++] = *p;
			continue;
		}
		if (rc == 0)
			rc = add_note(set, e, "dropped %s: %.4g%% of %.2f "
			    "EUR is less than one cent", p->ticker,
			    p->allocation_pct, budget);
		free(p->ticker);
		free(p->reasoning);
	}
	set->npicks = kept;
	return rc;
}

/*
 * Scale the allocations, then turn them into cents, rounded down (less
 * than MONEY_NOISE_CENTS below a whole cent counts as that cent: it is
 * binary rounding noise, as in 0.29 * 100; money.h).  Two guards make the budget a hard
 * limit whatever the rounding: the cents must add up to at most the budget
 * in cents, and the EUR amounts, added in order as doubles, to at most the
 * budget itself, which the cents alone do not ensure (0.10 + 0.10 + 0.10
 * exceeds 0.30 in doubles).  Each takes one cent from the largest pick
 * until its sum fits.
 */
static int
apportion(struct pick_set *set, double budget, tb_err *e)
{
	long long budget_cents, cents;
	struct pick *p;
	size_t i;
	int rc;

	if ((rc = scale_allocations(set, e)) != 0)
		return rc;
	budget_cents = money_down(budget);
	for (i = 0; i < set->npicks; i++) {
		p = &set->picks[i];
		cents = (long long)floor(p->allocation_pct *
		    (double)budget_cents / 100 + MONEY_NOISE_CENTS);
		if (cents > budget_cents)
			cents = budget_cents;
		p->amount_cents = cents < 0 ? 0 : cents;
		p->amount_eur = p->amount_cents / 100.0;
	}
	while (sum_cents(set) > budget_cents)
		take_cent_from_largest(set);
	while (sum_eur(set) > budget)
		take_cent_from_largest(set);
	return drop_empty_picks(set, budget, e);
}

int
pick_set_from_json(const cJSON *answer, const char *const *candidates,
    size_t ncandidates, int max_picks, double daily_budget_eur,
    struct pick_set *set, tb_err *e)
{
	struct rules r;
	const cJSON *picks, *item;
	size_t index = 0;
	int rc;

	memset(set, 0, sizeof *set);
	if (max_picks < 0)
		return tb_errf(e, TB_ECONFIG, "max_picks must be 0 or more, "
		    "not %d", max_picks);
	if (!(daily_budget_eur >= 0 && daily_budget_eur <= BUDGET_MAX_EUR))
		return tb_errf(e, TB_ECONFIG, "daily_budget_eur must be a "
		    "number from 0 to %g, not %g", BUDGET_MAX_EUR,
		    daily_budget_eur);
	if (!cJSON_IsObject(answer))
		return tb_errf(e, TB_EDATA, "the answer is %s, not an object "
		    "with a \"picks\" array", json_kind(answer));
	picks = cJSON_GetObjectItemCaseSensitive(answer, "picks");
	if (picks == NULL)
		return tb_errf(e, TB_EDATA, "the answer object has no "
		    "\"picks\" array");
	if (!cJSON_IsArray(picks))
		return tb_errf(e, TB_EDATA, "\"picks\" is %s, not an array of "
		    "pick objects", json_kind(picks));

	memset(&r, 0, sizeof r);
	r.candidates = candidates;
	r.ncandidates = candidates == NULL ? 0 : ncandidates;
	r.max_picks = max_picks;
	cJSON_ArrayForEach(item, picks) {
		if ((rc = take_pick(set, &r, item, ++index, e)) != 0)
			goto fail;
	}
	if ((rc = apportion(set, daily_budget_eur, e)) != 0)
		goto fail;
	return 0;
fail:
	pick_set_free(set);
	return rc;
}

int
picks_from_text(const char *answer, const char *const *candidates,
    size_t ncandidates, int max_picks, double daily_budget_eur,
    struct pick_set *set, tb_err *e)
{
	tb_err why;
	cJSON *json;
	int rc;

	memset(set, 0, sizeof *set);
	tb_err_clear(&why);
	if ((json = picks_extract(answer, &why)) == NULL) {
		if (e != NULL)
			*e = why;
		return why.code;
	}
	rc = pick_set_from_json(json, candidates, ncandidates, max_picks,
	    daily_budget_eur, set, e);
	cJSON_Delete(json);
	return rc;
}

void
pick_set_free(struct pick_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->npicks; i++) {
		free(set->picks[i].ticker);
		free(set->picks[i].reasoning);
	}
	for (i = 0; i < set->nnotes; i++)
		free(set->notes[i]);
	free(set->picks);
	free(set->notes);
	memset(set, 0, sizeof *set);
}

char *
pick_set_to_json(const struct pick_set *set, tb_err *e)
{
	cJSON *root, *list, *obj;
	char *printed, *out = NULL;
	size_t i;

	if ((root = cJSON_CreateObject()) == NULL ||
	    (list = cJSON_AddArrayToObject(root, "picks")) == NULL)
		goto nomem;
	for (i = 0; i < set->npicks; i++) {
		if ((obj = cJSON_CreateObject()) == NULL)
			goto nomem;
		if (!cJSON_AddItemToArray(list, obj)) {
			cJSON_Delete(obj);
			goto nomem;
		}
		if (cJSON_AddStringToObject(obj, "ticker",
		    set->picks[i].ticker) == NULL ||
		    cJSON_AddNumberToObject(obj, "allocation_pct",
		    set->picks[i].allocation_pct) == NULL ||
		    cJSON_AddNumberToObject(obj, "amount_eur",
		    set->picks[i].amount_eur) == NULL ||
		    cJSON_AddStringToObject(obj, "reasoning",
		    set->picks[i].reasoning) == NULL)
			goto nomem;
	}
	if ((printed = cJSON_PrintUnformatted(root)) == NULL)
		goto nomem;
	out = strdup(printed);
	cJSON_free(printed);
	if (out == NULL)
		goto nomem;
	cJSON_Delete(root);
	return out;
nomem:
	cJSON_Delete(root);
	tb_errf(e, TB_EINTERNAL, "out of memory");
	return NULL;
}

/*
 * Add item (which may be NULL: creating it failed) to an object under name,
 * or to an array when name is NULL; on failure the item is freed.
 */
static int
add_owned(cJSON *parent, const char *name, cJSON *item)
{
	cJSON_bool added;

	if (item == NULL)
		return -1;
	if (name == NULL)
		added = cJSON_AddItemToArray(parent, item);
	else
		added = cJSON_AddItemToObject(parent, name, item);
	if (!added) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

/* Add {"type":type,"description":description} as property name of props. */
static cJSON *
add_property(cJSON *props, const char *name, const char *type,
    const char *description)
{
	cJSON *prop;

	if ((prop = cJSON_AddObjectToObject(props, name)) == NULL ||
	    cJSON_AddStringToObject(prop, "type", type) == NULL ||
	    cJSON_AddStringToObject(prop, "description", description) == NULL)
		return NULL;
	return prop;
}

cJSON *
picks_schema(const char *const *candidates, size_t ncandidates, int max_picks)
{
	static const char *const pick_fields[] = {
		"ticker", "allocation_pct", "reasoning"
	};
	static const char *const answer_fields[] = { "picks" };
	cJSON *schema, *props, *picks, *items, *item_props, *ticker, *names;
	size_t i;

	if ((schema = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(schema, "type", "object") == NULL ||
	    (props = cJSON_AddObjectToObject(schema, "properties")) == NULL ||
	    (picks = add_property(props, "picks", "array", "Today's picks, "
	    "at most one per ticker; an empty array buys nothing.")) == NULL)
		goto nomem;
	if (max_picks >= 0 &&
	    cJSON_AddNumberToObject(picks, "maxItems", max_picks) == NULL)
		goto nomem;
	if ((items = cJSON_AddObjectToObject(picks, "items")) == NULL ||
	    cJSON_AddStringToObject(items, "type", "object") == NULL ||
	    (item_props = cJSON_AddObjectToObject(items, "properties")) ==
	    NULL)
		goto nomem;
	if ((ticker = add_property(item_props, "ticker", "string", "One of "
	    "the candidate symbols, exactly as given.")) == NULL ||
	    add_property(item_props, "allocation_pct", "number", "Percent of "
	    "today's budget for this pick, a number > 0; all picks together "
	    "at most 100.") == NULL ||
	    add_property(item_props, "reasoning", "string", "Why, in one or "
	    "two sentences.") == NULL)
		goto nomem;
	if (candidates != NULL && ncandidates > 0) {
		if ((names = cJSON_AddArrayToObject(ticker, "enum")) == NULL)
			goto nomem;
		for (i = 0; i < ncandidates; i++)
			if (candidates[i] != NULL &&
			    add_owned(names, NULL,
			    cJSON_CreateString(candidates[i])) == -1)
				goto nomem;
	}
	if (add_owned(items, "required",
	    cJSON_CreateStringArray(pick_fields, 3)) == -1 ||
	    add_owned(schema, "required",
	    cJSON_CreateStringArray(answer_fields, 1)) == -1)
		goto nomem;
	return schema;
nomem:
	cJSON_Delete(schema);
	return NULL;
}
