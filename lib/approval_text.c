/*
 * approval_text.c - the picks table and a decision in words.  See
 * approval_text.h.
 */
#include "approval_text.h"

#include <stdlib.h>
#include <string.h>

char *
approval_printable(const char *s)
{
	unsigned char *t, *o;
	const unsigned char *p;

	if ((t = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (p = (const unsigned char *)s, o = t; *p != '\0'; p++) {
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			*o++ = ' ';
			p++;
		} else
			*o++ = *p < 0x20 || *p == 0x7F ? ' ' : *p;
	}
	*o = '\0';
	return (char *)t;
}

/* Print text wrapped at spaces, each line indented. */
static void
print_wrapped(FILE *f, const char *text, const char *indent)
{
	const char *p = text, *word;
	size_t col = 0, n;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (word = p; *p != '\0' && *p != ' ';)
			p++;
		n = (size_t)(p - word);
		if (col > 0 && col + 1 + n > APPROVAL_REASON_WIDTH) {
			fputc('\n', f);
			col = 0;
		}
		fprintf(f, "%s%.*s", col ? " " : indent, (int)n, word);
		col += col ? n + 1 : n;
	}
	if (col > 0)
		fputc('\n', f);
}

static void
print_pick(FILE *f, const struct approval_pick *p)
{
	char *name = approval_printable(p->name ? p->name : "-");
	char *ticker = approval_printable(p->ticker);
	char *reason = approval_printable(p->reasoning);
	char *currency = approval_printable(p->currency ? p->currency : "");

	fprintf(f, "  %2d  %-10s %-28s %6.1f%% %9.2f  ", p->index,
	    ticker ? ticker : "?", name ? name : "?", p->allocation_pct,
	    p->amount_eur);
	if (p->has_price)
		fprintf(f, "%.2f %s\n", p->price, currency ? currency : "");
	else
		fprintf(f, "-\n");
	if (reason != NULL && reason[0] != '\0')
		print_wrapped(f, reason, "      ");
	free(name);
	free(ticker);
	free(reason);
	free(currency);
}

void
approval_print_table(FILE *f, const struct approval_picks *ap,
    const char *day, const char *virtual_trader, int live)
{
	const struct approval_decision all = { APPROVAL_APPROVE_ALL, NULL, 0 };
	double pct = 0;
	size_t i;

	fprintf(f, "\n%s is the main trader on %s: its approved picks become "
	    "real orders\n(Trading 212 %s account).  %s's picks are booked "
	    "as virtual trades\nwithout approval.\n\n", ap->llm_name, day,
	    live ? "LIVE, real money" : "demo", virtual_trader);
	fprintf(f, "  %2s  %-10s %-28s %7s %9s  %s\n", "#", "ticker", "name",
	    "alloc", "EUR", "last price");
	for (i = 0; i < ap->npicks; i++) {
		print_pick(f, &ap->picks[i]);
		pct += ap->picks[i].allocation_pct;
	}
	fprintf(f, "      %-10s %-28s %6.1f%% %9.2f\n\n", "total", "", pct,
	    approval_amount(ap, &all, NULL));
}

/* "Approved 1 (ASML.AS), 3 (NVDA) of ...; rejected 2 (SAP.DE)." */
static void
describe_subset(FILE *f, const struct approval_picks *ap,
    const struct approval_decision *d, const char *day, double amount)
{
	size_t i;
	int pass, first;

	for (pass = 1; pass >= 0; pass--) {
		fprintf(f, "%s", pass ? "Approved" : "; rejected");
		for (first = 1, i = 0; i < ap->npicks; i++) {
			if (approval_approves(d, ap->picks[i].index) != pass)
				continue;
			fprintf(f, "%s %d (%s)", first ? "" : ",",
			    ap->picks[i].index, ap->picks[i].ticker);
			first = 0;
		}
		if (pass)
			fprintf(f, " of %s for %s: %.2f EUR in orders",
			    ap->llm_name, day, amount);
		else
			fputc('.', f);
	}
}

char *
approval_describe(const struct approval_picks *ap,
    const struct approval_decision *d, const char *day)
{
	char *text = NULL;
	size_t size = 0;
	double amount = approval_amount(ap, d, NULL);
	FILE *f;
	int bad;

	if ((f = open_memstream(&text, &size)) == NULL)
		return NULL;
	if (d->choice == APPROVAL_APPROVE_ALL)
		fprintf(f, "Approved all %zu pick(s) of %s for %s: %.2f EUR in "
		    "orders.", ap->npicks, ap->llm_name, day, amount);
	else if (d->choice == APPROVAL_REJECT_ALL)
		fprintf(f, "Rejected all %zu pick(s) of %s for %s: no real "
		    "orders.", ap->npicks, ap->llm_name, day);
	else
		describe_subset(f, ap, d, day, amount);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(text);
		return NULL;
	}
	return text;
}
