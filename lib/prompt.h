/*
 * prompt.h - the one prompt both LLMs get: the day's candidates with
 * their Reddit digest entry and market data, the LLM's own portfolio,
 * the budget and the rules.
 *
 * Both LLMs read the same facts; only the last instruction differs: Claude
 * is told to call the submit_picks tool (PROMPT_TOOL), MiniMax to end its
 * answer with the JSON object (PROMPT_TEXT), whose shape it is shown.
 *
 * Size.  System and user text together stay within max_bytes
 * (PROMPT_MAX_BYTES by default), whatever Reddit wrote: titles are cut to
 * a fixed number of bytes at a UTF-8 boundary, control characters become
 * spaces, subreddits and positions are capped in number.  When the whole
 * is still too big, the prompt is built again with less detail (fewer and
 * shorter titles, fewer positions listed) until it fits; every candidate
 * is always listed with its market data.  If even the leanest form does
 * not fit, prompt_build() fails (TB_EDATA): a prompt is never cut blindly.
 *
 * Post titles are untrusted: they are shown in quotes as what Reddit
 * users wrote, and the system prompt says they are data, not
 * instructions.
 */
#ifndef TB_PROMPT_H
#define TB_PROMPT_H

#include <stddef.h>

#include "digest.h"
#include "err.h"
#include "market.h"
#include "portfolio.h"

#define PROMPT_MAX_BYTES	24000

enum prompt_style {
	PROMPT_TOOL,		/* answer by calling submit_picks */
	PROMPT_TEXT		/* answer with the JSON object in the text */
};

/* A candidate: its digest entry and its quote, both borrowed. */
struct prompt_candidate {
	const struct digest_ticker *entry;
	const struct market_quote *quote;	/* ok */
};

struct prompt_input {
	const char *date;		/* "2026-03-30" */
	const char *weekday;		/* "Monday" */
	const char *llm_name;		/* "claude" */
	int is_main;			/* real orders today */
	double budget_eur;
	int max_picks;
	long post_count;		/* posts behind the digest */
	const struct prompt_candidate *candidates;
	size_t ncandidates;
	const struct portfolio *portfolio;	/* NULL: no trades yet */
	enum prompt_style style;
	size_t max_bytes;		/* 0: PROMPT_MAX_BYTES */
};

struct prompt {
	char *system;
	char *user;
};

/*
 * Build the prompt into *out (caller frees with prompt_free).  Returns 0;
 * TB_EDATA when it cannot fit max_bytes; TB_EINTERNAL when out of memory.
 */
int	prompt_build(const struct prompt_input *in, struct prompt *out,
	    tb_err *e);

void	prompt_free(struct prompt *p);

/*
 * The user message of the corrective retry: what was wrong with the
 * previous answer (problem, one line) and how to answer now.  Caller
 * frees; NULL when out of memory.
 */
char	*prompt_correction(const char *problem, enum prompt_style style);

/*
 * Copy the start of text for quoting: at most max bytes, cut at a UTF-8
 * boundary, with control characters (newlines too) as spaces and bytes
 * that are not valid UTF-8 as '?', so the JSON sent stays valid.
 * Writes into out (outsz > max + 4) and adds "..." when it was cut.
 * Returns out.  Exposed for the tests.
 */
char	*prompt_quote(const char *text, size_t max, char *out, size_t outsz);

#endif
