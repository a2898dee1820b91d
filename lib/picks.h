/*
 * picks.h - an LLM's answer turned into validated stock picks.
 *
 * Both LLMs answer one JSON shape (DESIGN.md section 8):
 *
 *	{"picks":[{"ticker":"ASML.AS","allocation_pct":40,"reasoning":"..."}]}
 *
 * Claude hands it over as the input of a forced submit_picks tool call,
 * already a JSON object: give it to pick_set_from_json().  MiniMax writes
 * it somewhere in prose after a <think> block: picks_extract() finds it
 * first (picks_from_text() does both steps).
 *
 * The answer is untrusted input.  The rules of DESIGN.md section 4 are kept
 * here and nowhere else: every pick names one of the candidates the LLM was
 * given, its allocation is a finite number > 0, at most max_picks survive,
 * allocations over 100 % in total are scaled down, and the EUR amounts,
 * rounded down to cents, never add up to more than the daily budget,
 * whatever the answer says.  Picks that break a rule are dropped, not
 * repaired, and each drop or change leaves a note saying why.
 *
 * Pure logic: no network, no database, no global state of its own.  cJSON's
 * parser does write a global error pointer, so two threads must not parse
 * at the same moment.
 */
#ifndef TB_PICKS_H
#define TB_PICKS_H

#include <stddef.h>

#include <cJSON.h>

#include "err.h"

/* Longest reasoning kept, in bytes; longer text is cut at a UTF-8 boundary. */
#define PICK_REASONING_MAX 1000

struct pick {
	char		*ticker;	/* the candidate's own spelling */
	double		 allocation_pct; /* % of the budget, after scaling */
	long long	 amount_cents;	/* that share, rounded down */
	double		 amount_eur;	/* amount_cents / 100 */
	char		*reasoning;	/* valid UTF-8, never NULL */
};

/*
 * A validated answer.  picks are in the answer's order.  notes are one-line
 * messages, one per dropped or changed pick (and one for scaling), such as
 * "dropped NVDA: not among the candidates"; they quote what the LLM wrote
 * with control and non-ASCII characters escaped, so they are safe to log.
 * Everything is owned by the set: release it with pick_set_free().
 */
struct pick_set {
	struct pick	*picks;
	size_t		 npicks;
	char		**notes;
	size_t		 nnotes;
};

/*
 * Find the picks object in an LLM's free-text answer.
 *
 * Everything up to and including the last "</think>" is cut (the opening
 * tag may be missing); an answer with "<think>" but no "</think>" was cut
 * short while reasoning, so its text from "<think>" on is ignored.  Then
 * the candidates, in order: each ```json fenced block, each other ```
 * fenced block, the whole text (when it starts with '{' or '['), and each
 * balanced {...} object (braces inside JSON strings do not count).  The
 * first candidate that parses to an object with a "picks" array wins; one
 * whose "picks" is not an array is returned only if no better one exists,
 * so that pick_set_from_json() can say what is wrong with it.
 *
 * The search runs on the text as written, then, if nothing was found and
 * the text holds any, again with typographic look-alikes of JSON syntax
 * replaced everywhere, inside strings too: U+201C and U+201D by '"',
 * U+2018 and U+2019 by '\'', and the full-width U+FF5B { U+FF5D }
 * U+FF3B [ U+FF3D ] U+FF1A : U+FF0C , by their ASCII forms.  So valid
 * JSON whose reasoning merely quotes with curly quotes keeps them.
 *
 * Balanced objects are tried from at most 64 opening braces per pass, so
 * a text full of braces costs linear time.
 *
 * Returns the object, which the caller frees with cJSON_Delete(), or NULL
 * with *e set: TB_EDATA and the reason the first candidate failed, fit to
 * tell the model what it did wrong ("no JSON object found in the answer",
 * "JSON parse error near '...'", "the answer is an array, not an object
 * with a \"picks\" array", "the JSON object in the answer has no
 * \"picks\" array"), or TB_EINTERNAL when memory ran out.  answer may be
 * NULL (no answer).
 */
cJSON	*picks_extract(const char *answer, tb_err *e);

/*
 * Validate an answer object against the candidates the LLM was given.
 *
 * Per pick, in answer order: it must be an object; "ticker" a string that
 * names a candidate once surrounding white space and one leading '$' are
 * removed, compared ASCII-case-insensitively and byte for byte otherwise,
 * so look-alikes (Cyrillic or full-width letters) never match;
 * "allocation_pct" a JSON number, finite and > 0.  A string such as "50"
 * or "50%" is rejected, as the schema asks for a number and a model that
 * quotes numbers may also mean something else by them.  A second pick of
 * a ticker already kept is dropped; valid picks beyond max_picks are
 * dropped.  "reasoning" missing or not a string becomes "", control
 * characters in it become spaces, invalid UTF-8 bytes '?', and it is cut
 * to PICK_REASONING_MAX bytes.  Other fields are ignored.
 *
 * Then, if the kept allocations total more than 100, all are scaled by
 * one factor so that they total at most 100.  amount_cents is
 * allocation_pct / 100 * daily_budget_eur in cents, rounded down (a
 * millionth of a cent short of a whole one is taken as floating-point
 * noise); the sum of amount_cents never exceeds the budget in cents, and
 * the sum of amount_eur, added in order, never exceeds daily_budget_eur:
 * should rounding say otherwise, the largest amount gives up a cent.  A
 * pick whose amount comes to less than one cent is dropped.
 *
 * An empty "picks" array is a valid answer: the model chose nothing.
 *
 * On success returns 0 and fills *set (caller frees with pick_set_free()).
 * Otherwise *set is left empty and: TB_EDATA when the answer as a whole is
 * unusable (not an object, no "picks", "picks" not an array), with a
 * message fit for a corrective retry; TB_ECONFIG for a max_picks < 0 or a
 * daily_budget_eur that is not a number in [0, 1e9]; TB_EINTERNAL when
 * memory ran out.  NULL entries in candidates are ignored.
 */
int	 pick_set_from_json(const cJSON *answer,
	    const char *const *candidates, size_t ncandidates, int max_picks,
	    double daily_budget_eur, struct pick_set *set, tb_err *e);

/* picks_extract() then pick_set_from_json(): the MiniMax path. */
int	 picks_from_text(const char *answer,
	    const char *const *candidates, size_t ncandidates, int max_picks,
	    double daily_budget_eur, struct pick_set *set, tb_err *e);

/* Free what a set holds and leave it empty; a zeroed set may be freed. */
void	 pick_set_free(struct pick_set *set);

/*
 * The set as canonical one-line JSON: {"picks":[{"ticker","allocation_pct",
 * "amount_eur","reasoning"}]} in the set's order.  Returns a string the
 * caller frees with free(), or NULL with *e set (TB_EINTERNAL, out of
 * memory).
 */
char	*pick_set_to_json(const struct pick_set *set, tb_err *e);

/*
 * The JSON schema of the answer, for the input_schema of Claude's
 * submit_picks tool (and to show MiniMax the shape):
 * {"type":"object","properties":{"picks":{"type":"array","maxItems":N,
 * "items":{"type":"object","properties":{"ticker":{"type":"string",
 * "enum":[candidates]},"allocation_pct":{"type":"number"},"reasoning":
 * {"type":"string"}},"required":[...]}}},"required":["picks"]}, each
 * property with a short description.  maxItems is left out when
 * max_picks < 0, the enum when there are no candidates.  Returns a tree the
 * caller frees with cJSON_Delete(), or NULL when memory ran out.
 */
cJSON	*picks_schema(const char *const *candidates, size_t ncandidates,
	    int max_picks);

#endif
