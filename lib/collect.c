/*
 * collect.c - one Reddit collection round.  See collect.h.
 */
#include "collect.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "log.h"
#include "reddit.h"
#include "symbols.h"

/* A round in progress. */
struct round {
	const struct collect_input *in;
	struct collect_result *out;
	struct posts_round store;
	struct reddit_client reddit;
	struct collect_sub *current;	/* the subreddit being read */
};

/* reddit_collect's page callback: store the page's posts. */
static int
store_page(const struct reddit_page *page, void *arg, tb_err *e)
{
	struct round *r = arg;

	return posts_store(&r->store, page->posts, page->n,
	    &r->current->count, e);
}

static void
collect_subreddit(struct round *r, struct collect_sub *sub, double since)
{
	struct collect_result *out = r->out;

	r->current = sub;
	if (reddit_collect(&r->reddit, sub->name, since, store_page, r,
	    &sub->pages, &sub->err) != 0) {
		out->failed++;
		log_warn("%s", sub->err.msg);
	}
	log_info("r/%s: %ld posts (%ld new, %ld updated) from %d pages",
	    sub->name, sub->count.fetched, sub->count.added,
	    sub->count.updated, sub->pages);
	out->total.fetched += sub->count.fetched;
	out->total.added += sub->count.added;
	out->total.updated += sub->count.updated;
}

/* The token, then every subreddit; without a token each gets its error. */
static void
read_reddit(struct round *r, time_t since)
{
	struct collect_result *out = r->out;
	size_t i;

	reddit_init(&r->reddit, r->in->cfg, r->in->db);
	if (reddit_authenticate(&r->reddit, &out->auth) != 0) {
		for (i = 0; i < out->nsubs; i++)
			out->subs[i].err = out->auth;
		out->failed = out->nsubs;
	} else
		for (i = 0; i < out->nsubs; i++)
			collect_subreddit(r, &out->subs[i], (double)since);
	reddit_free(&r->reddit);
}

/* The failed subreddits as a JSON text for collection_rounds, or NULL. */
static char *
errors_json(const struct collect_result *out)
{
	cJSON *arr, *o;
	char *text;
	size_t i;

	if (out->failed == 0 || (arr = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < out->nsubs; i++) {
		if (out->subs[i].err.code == 0 ||
		    (o = cJSON_CreateObject()) == NULL)
			continue;
		cJSON_AddStringToObject(o, "subreddit", out->subs[i].name);
		cJSON_AddStringToObject(o, "error", out->subs[i].err.msg);
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return text;
}

/* Open the round's record, read Reddit into it, close it. */
static int
collect(struct round *r, const struct universe *u, tb_err *e)
{
	const struct collect_input *in = r->in;
	time_t since, wall_start = time(NULL);
	char *errors;
	int rc;

	if ((rc = posts_since(in->db, in->day, in->round, in->now, &since,
	    e)) != 0 || (rc = posts_round_begin(&r->store, in->db, in->day,
	    in->round, in->now, u, e)) != 0)
		return rc;
	read_reddit(r, since);
	errors = errors_json(r->out);
	/* The round's clock is the program's (TB_NOW); its length is real. */
	rc = posts_round_end(&r->store, &r->out->total, errors,
	    in->now + (time(NULL) - wall_start), e);
	free(errors);
	posts_round_free(&r->store);
	if (rc == 0)
		rc = posts_round_tickers(in->db, in->day, in->round,
		    &r->out->tickers, e);
	return rc;
}

int
collect_round(const struct collect_input *in, struct collect_result *out,
    tb_err *e)
{
	struct universe u;
	struct round r;
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	if (in->round < 1 || (size_t)in->round > in->cfg->ncollect)
		return tb_errf(e, TB_EUSAGE, "--round %d: there are %zu rounds "
		    "(scheduler_collect_times)", in->round, in->cfg->ncollect);
	if ((out->subs = calloc(in->cfg->nsubreddits + 1,
	    sizeof *out->subs)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "out of memory");
	out->nsubs = in->cfg->nsubreddits;
	for (i = 0; i < out->nsubs; i++)
		out->subs[i].name = in->cfg->subreddits[i];
	if ((rc = instruments_universe(in->db, in->cfg, in->now, &u,
	    &out->universe, out->universe_error, sizeof out->universe_error,
	    e)) != 0)
		return rc;
	out->collected = 1;
	out->instruments = u.n;
	memset(&r, 0, sizeof r);
	r.in = in;
	r.out = out;
	rc = collect(&r, out->universe == UNIVERSE_MISSING ? NULL : &u, e);
	universe_free(&u);
	if (rc != 0)
		return rc;
	return collect_verdict(out->subs, out->nsubs, &out->auth, e);
}

void
collect_result_free(struct collect_result *out)
{
	free(out->subs);
	memset(out, 0, sizeof *out);
}

int
collect_verdict(const struct collect_sub *subs, size_t n, const tb_err *auth,
    tb_err *e)
{
	size_t i, failed = 0;

	if (auth != NULL && auth->code != 0)
		return tb_errf(e, auth->code, "%s", auth->msg);
	for (i = 0; i < n; i++)
		if (tb_err_local(subs[i].err.code))
			return tb_errf(e, subs[i].err.code, "r/%s: %s",
			    subs[i].name, subs[i].err.msg);
	for (i = 0; i < n; i++)
		failed += subs[i].err.code != 0;
	if (n > 0 && failed == n)
		return tb_errf(e, TB_EUNAVAIL, "reddit: all %zu subreddits "
		    "failed; first: %s", n, subs[0].err.msg);
	return 0;
}
