/*
 * utf8.c - strict UTF-8.  See utf8.h.
 */
#include "utf8.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/*
 * The length of the valid sequence at s (1 to 4), or 0 when there is
 * none, with *bad the length of its maximal invalid subpart (at least 1).
 */
static size_t
valid_len(const unsigned char *s, size_t len, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below */
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below */
		else if (c == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if (i >= len || s[i] < (i == 1 ? lo : 0x80) ||
		    s[i] > (i == 1 ? hi : 0xbf)) {
			*bad = i;
			return 0;
		}
	}
	return n;
}

size_t
utf8_char_len(const char *s, size_t len)
{
	size_t bad;

	return len == 0 ? 0 : valid_len((const unsigned char *)s, len, &bad);
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, bad;

	while (i < len) {
		if ((n = valid_len(p + i, len - i, &bad)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* Copy the valid sequence at s[*i] to out, or U+FFFD for an invalid one. */
static void
copy_char(const unsigned char *s, size_t len, size_t *i, char *out,
    size_t *o)
{
	size_t n, bad;

	if ((n = valid_len(s + *i, len - *i, &bad)) > 0) {
		memcpy(out + *o, s + *i, n);
		*o += n;
		*i += n;
	} else {
		memcpy(out + *o, replacement, 3);
		*o += 3;
		*i += bad;
	}
}

char *
utf8_clean(const char *s, size_t len, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	char *out;

	/* One byte becomes at most three (a lone byte as U+FFFD). */
	if ((out = malloc(len * 3 + 1)) == NULL)
		return NULL;
	while (i < len)
		copy_char(p, len, &i, out, &o);
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}

/* The value of 4 hex digits at s (len bytes left), or -1. */
static long
hex4(const unsigned char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (len < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			v |= s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			v |= s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			v |= s[i] - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * How many bytes of the \u escape at s (s[0] is the backslash) make a
 * valid character: 6, or 12 for a surrogate pair; 0 when it is not one.
 */
static size_t
unicode_escape(const unsigned char *s, size_t len)
{
	long v = hex4(s + 2, len - 2), w;

	if (v < 0 || (v >= 0xdc00 && v <= 0xdfff))
		return 0;
	if (v < 0xd800 || v > 0xdbff)
		return 6;
	if (len < 12 || s[6] != '\\' || s[7] != 'u' ||
	    (w = hex4(s + 8, len - 8)) < 0xdc00 || w > 0xdfff)
		return 0;
	return 12;
}

/* The escape at s[*i] (a backslash): copied, or \ufffd when invalid. */
static void
copy_escape(const unsigned char *s, size_t len, size_t *i, char *out,
    size_t *o)
{
	const unsigned char *e = s + *i;
	size_t n = 0, left = len - *i;

	if (left >= 2 && strchr("\"\\/bfnrt", e[1]) != NULL && e[1] != '\0')
		n = 2;
	else if (left >= 2 && e[1] == 'u')
		n = unicode_escape(e, left);
	if (n > 0) {
		memcpy(out + *o, e, n);
		*o += n;
		*i += n;
		return;
	}
	memcpy(out + *o, "\\ufffd", 6);
	*o += 6;
	/* Skip the backslash, its letter and what hex digits follow. */
	n = left >= 2 ? 2 : 1;
	if (n == 2 && e[1] == 'u')
		while (n < 6 && n < left && isxdigit(e[n]))
			n++;
	*i += n;
}

char *
utf8_clean_json(const char *s, size_t len, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	char *out;

	/* An escape of two bytes becomes six at most: three times. */
	if ((out = malloc(len * 3 + 1)) == NULL)
		return NULL;
	while (i < len) {
		if (p[i] == '\\')
			copy_escape(p, len, &i, out, &o);
		else
			copy_char(p, len, &i, out, &o);
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}
