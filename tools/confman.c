/*
 * confman - make tb.conf(5) from its template and the key table.
 *
 *	confman tb.conf.5.in > tb.conf.5
 *
 * Copies the template and puts, in place of its line `.\" @KEYS@`, an
 * mdoc list of every key of lib/config.c's table (config_doc): the key,
 * its default, its meaning and, for whole numbers, the range.  The build
 * runs it, so the page lists exactly the keys the programs take, with
 * their real defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define PLACE ".\\\" @KEYS@"

/* s as roff text: backslashes escaped, a leading . or ' made literal. */
static void
put_text(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '"')
			fputs("\\(dq", out);
		else
			fputc(*s, out);
	}
}

static void
put_key(FILE *out, const struct config_doc *d)
{
	fprintf(out, ".It Cm %s Pq ", d->key);
	if (d->def[0] == '\0')
		fputs("empty", out);
	else {
		fputs("Li \\&", out);
		put_text(out, d->def);
	}
	fputc('\n', out);
	put_text(out, d->meaning);
	fputc('\n', out);
	if (d->unit != NULL)
		fprintf(out, "%ld to %ld (%s).\n", d->min, d->max, d->unit);
}

static void
put_keys(FILE *out)
{
	struct config_doc d;
	size_t i;

	fputs(".Bl -tag -width Ds\n", out);
	for (i = 0; config_doc(i, &d) == 0; i++)
		put_key(out, &d);
	fputs(".El\n", out);
}

int
main(int argc, char *argv[])
{
	char line[4096];
	int placed = 0;
	FILE *in;

	if (argc != 2) {
		fprintf(stderr, "usage: confman tb.conf.5.in\n");
		return 64;
	}
	if ((in = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 66;
	}
	while (fgets(line, sizeof line, in) != NULL) {
		if (strncmp(line, PLACE, strlen(PLACE)) == 0) {
			put_keys(stdout);
			placed++;
		} else
			fputs(line, stdout);
	}
	if (ferror(in) || fclose(in) != 0) {
		perror(argv[1]);
		return 74;
	}
	if (placed != 1) {
		fprintf(stderr, "confman: %s: want one line %s, found %d\n",
		    argv[1], PLACE, placed);
		return 65;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("confman: stdout");
		return 74;
	}
	return 0;
}
