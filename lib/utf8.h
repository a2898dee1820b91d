/*
 * utf8.h - strict UTF-8 for text that comes from outside.
 *
 * Reddit posts and LLM answers are untrusted.  A lone surrogate escape
 * (\ud800), raw bytes that are not UTF-8, an overlong form (C0 80 for
 * NUL) or a code point above U+10FFFF must neither reject a whole page
 * (cJSON refuses a document for one bad escape) nor reach the database,
 * a prompt or tb's output, where a strict peer would refuse it.
 *
 * Strict means RFC 3629: the shortest form only, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF.  What is not valid becomes
 * U+FFFD, the replacement character, one per maximal invalid run of a
 * sequence (as the Unicode standard recommends), so valid text around it
 * is kept as it was.
 *
 * The functions return a malloc'ed, NUL-terminated copy (the caller
 * frees it) and its length in *outlen when outlen is not NULL; NULL when
 * out of memory.
 */
#ifndef TB_UTF8_H
#define TB_UTF8_H

#include <stddef.h>

/* The length (1 to 4) of the valid character at s[0..len-1], or 0. */
size_t	utf8_char_len(const char *s, size_t len);

/* Whether s[0..len-1] is strict UTF-8 (NUL bytes allowed). */
int	utf8_valid(const char *s, size_t len);

/* s with every invalid sequence replaced by U+FFFD. */
char	*utf8_clean(const char *s, size_t len, size_t *outlen);

/*
 * A JSON text cleaned for parsing: invalid raw sequences become U+FFFD,
 * and every escape that does not make a valid character becomes \ufffd:
 * a lone or reversed surrogate, \u without four hex digits, an unknown
 * escape such as \x.  One bad field then holds a replacement character
 * instead of failing the whole document; everything else is kept byte
 * for byte, so a valid document parses as before.
 */
char	*utf8_clean_json(const char *s, size_t len, size_t *outlen);

#endif
