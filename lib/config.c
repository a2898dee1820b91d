/*
 * config.c - defaults, the file, tb.env, the environment, secrets.  See
 * config.h.
 *
 * Every key is declared once in config_specs[]: its default, its
 * validator and the field it fills (an offset into struct tb_config).
 * The file is parsed with every option as a string, so a value is checked
 * by the same validator whichever layer it comes from, and each layer
 * that sets a key records the text and the source.
 */
#include "config.h"

#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

struct config_spec;

typedef int (*config_apply_fn)(struct tb_config *,
    const struct config_spec *, const char *value, tb_err *);

struct config_spec {
	const char *key;
	const char *def;
	config_apply_fn apply;
	size_t field;		/* offsetof the value in struct tb_config */
	size_t count;		/* lists: offsetof their length */
	long min, max;		/* whole numbers: the range */
	const char *unit;	/* whole numbers: what they count */
	const char *doc;	/* what it means, for tb.conf(5) */
};

/* The field a spec fills, as a pointer to type. */
#define FIELD(c, s, type) ((type *)(void *)((char *)(c) + (s)->field))
#define AT(f) offsetof(struct tb_config, f)

#define TEXT(key, def, fn, f, doc) { key, def, fn, AT(f), 0, 0, 0, NULL, doc }
#define WHOLE(key, def, f, lo, hi, unit, doc) \
	{ key, def, apply_whole, AT(f), 0, lo, hi, unit, doc }
#define LIST(key, def, fn, f, n, doc) \
	{ key, def, fn, AT(f), AT(n), 0, 0, NULL, doc }

static int apply_tz(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_whole(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_action(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_collect(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_time(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_budget(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_holidays(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_command(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_subreddits(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_environment(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_model(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_url(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_mail(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_symbol(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_fee(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_llm_timeout(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);
static int apply_username(struct tb_config *, const struct config_spec *,
    const char *, tb_err *);

/*
 * In the order of config_keys.  The last argument is the key's meaning:
 * tb.conf(5) is generated from this table (tools/confman.c), with the
 * default and, for whole numbers, the range.
 */
static const struct config_spec config_specs[] = {
	TEXT("orchestrator_timezone", "Europe/Berlin", apply_tz,
	    orchestrator_timezone, "The zone of every time below and of "
	    "\"today\", a tz database name."),
	WHOLE("approval_timeout_seconds", "120", approval_timeout_seconds,
	    0, 86400, "whole seconds", "How long tb-approve --await waits "
	    "for a human."),
	TEXT("approval_timeout_action", "approve_all", apply_action,
	    approval_timeout_action, "What happens when nobody decided in "
	    "time: approve_all or reject_all."),
	WHOLE("market_data_ticker_limit", "12", market_data_ticker_limit,
	    1, 100, "a whole number", "How many of the digest's top tickers "
	    "get market data and go to the LLMs."),
	LIST("scheduler_collect_times", "08:00,12:00,16:30", apply_collect,
	    collect_minutes, ncollect, "The collection rounds, HH:MM, "
	    "separated by commas, at most 8."),
	TEXT("scheduler_execute_time", "17:10", apply_time, execute_minute,
	    "When tb-decide, tb-approve --await and tb-execute run, HH:MM."),
	WHOLE("misfire_grace_seconds", "300", misfire_grace_seconds,
	    0, 86400, "whole seconds", "A cron run started later than its "
	    "slot by more than this does nothing."),
	TEXT("daily_budget_eur", "100", apply_budget, daily_budget_eur,
	    "Each LLM's budget per trading day in EUR."),
	WHOLE("max_picks", "5", max_picks, 1, 100, "a whole number",
	    "At most this many picks per LLM and day."),
	LIST("holidays", "", apply_holidays, holidays, nholidays,
	    "Days that are not trading days besides weekends, YYYY-MM-DD, "
	    "separated by commas."),
	TEXT("approval_notify_command", "", apply_command,
	    approval_notify_command, "Run by sh with the main trader's picks "
	    "as JSON on standard input when the approval starts waiting."),
	LIST("subreddits", "wallstreetbets,stocks,investing,StockMarket,"
	    "EuropeFIRE", apply_subreddits, subreddits, nsubreddits,
	    "Where posts are collected, separated by commas."),
	TEXT("t212_environment", "demo", apply_environment, t212_live,
	    "demo (Trading 212's paper account) or live (real money)."),
	TEXT("claude_model", "claude-sonnet-4-5", apply_model, claude_model,
	    "The Anthropic model asked for picks."),
	TEXT("minimax_model", "MiniMax-M2", apply_model, minimax_model,
	    "The MiniMax model asked for picks."),
	TEXT("reddit_base_url", "https://oauth.reddit.com", apply_url,
	    reddit_base_url, "Reddit's API (/r/SUB/new).  Tests point every "
	    "base URL at local fakes."),
	TEXT("reddit_auth_url", "https://www.reddit.com", apply_url,
	    reddit_auth_url, "Reddit's token endpoint and public .json "
	    "listings."),
	TEXT("yahoo_base_url", "https://query1.finance.yahoo.com", apply_url,
	    yahoo_base_url, "Yahoo Finance's chart API, the first price "
	    "source."),
	TEXT("anthropic_base_url", "https://api.anthropic.com", apply_url,
	    anthropic_base_url, "Anthropic's Messages API."),
	TEXT("minimax_base_url", "https://api.minimax.io", apply_url,
	    minimax_base_url, "MiniMax's chat completion API."),
	TEXT("t212_base_url", "", apply_url, t212_base_url, "Trading 212's "
	    "API; empty: the demo or the live service, as t212_environment "
	    "says."),
	TEXT("mail_to", "", apply_mail, mail_to, "The crontab's MAILTO: where "
	    "cron mails the one line of a failed run, addresses separated by "
	    "commas; empty leaves cron's default, the user."),
	TEXT("alert_command", "", apply_command, alert_command, "Run by sh "
	    "with a failed run's summary JSON on standard input."),
	WHOLE("log_keep_days", "90", log_keep_days, 1, 3650, "whole days",
	    "Days of logs kept in $TB_HOME/logs; older days' logs are "
	    "removed."),
	TEXT("scheduler_report_time", "22:30", apply_time, report_minute,
	    "When tb-report --refresh runs on trading days, HH:MM."),
	TEXT("benchmark_symbol", "VWCE.DE", apply_symbol, benchmark_symbol,
	    "What each LLM is compared against, a Yahoo symbol."),
	TEXT("virtual_fx_fee_pct", "0.15", apply_fee, virtual_fx_fee_pct,
	    "The FX fee of a virtual trade in another currency, in percent, "
	    "0 to 5."),
	WHOLE("market_parallel", "4", market_parallel, 1, 16,
	    "a whole number", "Market-data requests in flight at once."),
	TEXT("llm_timeout_seconds", "300", apply_llm_timeout,
	    llm_timeout_seconds, "Longest wait for one LLM's answer, retries "
	    "included, 0.1 to 3600 seconds."),
	TEXT("reddit_username", "", apply_username, reddit_username,
	    "Your Reddit user name for the User-Agent, without /u/."),
	WHOLE("reddit_timeout_seconds", "30", reddit_timeout_seconds, 1, 600,
	    "whole seconds", "How long one request to Reddit may take."),
	WHOLE("yahoo_timeout_seconds", "15", yahoo_timeout_seconds, 1, 600,
	    "whole seconds", "How long one request to Yahoo may take."),
	WHOLE("t212_timeout_seconds", "30", t212_timeout_seconds, 1, 600,
	    "whole seconds", "How long one request to Trading 212 may take."),
	TEXT("eodhd_base_url", "https://eodhd.com", apply_url, eodhd_base_url,
	    "The second price source, asked for what Yahoo does not give "
	    "when EODHD_API_KEY is set."),
};
#define NSPECS (sizeof config_specs / sizeof config_specs[0])
_Static_assert(NSPECS == CONFIG_NKEYS, "CONFIG_NKEYS counts config_specs");

const char *const config_keys[] = {
	"orchestrator_timezone", "approval_timeout_seconds",
	"approval_timeout_action", "market_data_ticker_limit",
	"scheduler_collect_times", "scheduler_execute_time",
	"misfire_grace_seconds", "daily_budget_eur", "max_picks", "holidays",
	"approval_notify_command", "subreddits", "t212_environment",
	"claude_model", "minimax_model", "reddit_base_url", "reddit_auth_url",
	"yahoo_base_url", "anthropic_base_url", "minimax_base_url",
	"t212_base_url", "mail_to", "alert_command", "log_keep_days",
	"scheduler_report_time", "benchmark_symbol", "virtual_fx_fee_pct",
	"market_parallel", "llm_timeout_seconds", "reddit_username",
	"reddit_timeout_seconds", "yahoo_timeout_seconds",
	"t212_timeout_seconds", "eodhd_base_url", NULL
};

/* In the order of secret_slot's fields. */
const char *const config_secrets[] = {
	"ANTHROPIC_API_KEY", "MINIMAX_API_KEY", "T212_API_KEY",
	"T212_API_SECRET", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET",
	"REDDIT_USER_AGENT", "EODHD_API_KEY", NULL
};
_Static_assert(sizeof config_secrets / sizeof config_secrets[0] ==
    CONFIG_NSECRETS + 1, "CONFIG_NSECRETS counts config_secrets");

const char *const config_env_only[] = {
	"TB_HOME", "TB_CONFIG", "TB_NOW", "TB_HTTP_BACKOFF_SCALE",
	"TB_APPROVE_POLL_MS", "TB_CRONTAB", NULL
};


static int
bad_value(tb_err *e, const char *key, const char *value, const char *why)
{
	return tb_errf(e, TB_ECONFIG, "config: %s = \"%s\": %s", key, value,
	    why);
}

/* Replace *slot with a copy of s. */
static int
set_string(char **slot, const char *s, tb_err *e)
{
	char *copy;

	if ((copy = strdup(s)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "config: out of memory");
	free(*slot);
	*slot = copy;
	return 0;
}

/* A non-negative decimal integer within [min, max], nothing else. */
static int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A finite decimal number, nothing else. */
static int
parse_real(const char *s, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (*s == '\0' || end == s || *end != '\0' || errno != 0 ||
	    !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

/*
 * Split a comma-separated list into trimmed copies; empty items are
 * skipped.  Returns the count, or -1 on too many items / no memory.
 */
static int
split_list(const char *s, char **items, size_t max)
{
	const char *p = s, *start, *end;
	size_t n = 0;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (*p != '\0' && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (*p == ',')
			p++;
		if (end == start)
			continue;
		if (n == max || (items[n] = strndup(start, end - start)) == NULL)
			goto fail;
		n++;
	}
	return (int)n;
fail:
	while (n > 0)
		free(items[--n]);
	return -1;
}

static void
free_list(char **items, size_t *n)
{
	while (*n > 0) {
		(*n)--;
		free(items[*n]);
		items[*n] = NULL;
	}
}

static int
apply_tz(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	if (!clock_valid_timezone(v))
		return bad_value(e, s->key, v, "unknown timezone (want a zone "
		    "name such as Europe/Berlin)");
	return set_string(FIELD(c, s, char *), v, e);
}

static int
apply_whole(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	char why[80];

	if (parse_long(v, s->min, s->max, FIELD(c, s, long)) != 0) {
		snprintf(why, sizeof why, "want %s from %ld to %ld", s->unit,
		    s->min, s->max);
		return bad_value(e, s->key, v, why);
	}
	return 0;
}

static int
apply_action(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	enum approval_action *action = FIELD(c, s, enum approval_action);

	if (strcmp(v, "approve_all") == 0)
		*action = APPROVE_ALL;
	else if (strcmp(v, "reject_all") == 0)
		*action = REJECT_ALL;
	else
		return bad_value(e, s->key, v, "want approve_all or reject_all");
	return 0;
}

int
config_parse_hhmm(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

void
config_format_hhmm(int minutes, char *buf)
{
	snprintf(buf, 6, "%02u:%02u", (unsigned)minutes / 60u % 24u,
	    (unsigned)minutes % 60u);
}

/* The minutes of HH:MM items, each once, into out. */
static int
parse_times(const struct config_spec *s, const char *v, char **items, int n,
    int *out, tb_err *e)
{
	int i, j;

	for (i = 0; i < n; i++) {
		if ((out[i] = config_parse_hhmm(items[i])) < 0)
			return tb_errf(e, TB_ECONFIG, "config: %s = \"%s\": "
			    "\"%s\" is not a time HH:MM", s->key, v, items[i]);
		for (j = 0; j < i; j++)
			if (out[j] == out[i])
				return tb_errf(e, TB_ECONFIG, "config: %s = "
				    "\"%s\": %s is listed twice", s->key, v,
				    items[i]);
	}
	return 0;
}

static int
apply_collect(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	char *items[CONFIG_MAX_TIMES];
	int minutes[CONFIG_MAX_TIMES];
	int n, i, rc;

	if ((n = split_list(v, items, CONFIG_MAX_TIMES)) < 0)
		return bad_value(e, s->key, v, "too many times (at most 8)");
	if (n == 0)
		return bad_value(e, s->key, v, "want one or more HH:MM times");
	rc = parse_times(s, v, items, n, minutes, e);
	for (i = 0; i < n; i++)
		free(items[i]);
	if (rc != 0)
		return rc;
	memcpy(FIELD(c, s, int), minutes, (size_t)n * sizeof minutes[0]);
	*(size_t *)(void *)((char *)c + s->count) = (size_t)n;
	return 0;
}

static int
apply_time(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	int minute = config_parse_hhmm(v);

	if (minute < 0)
		return bad_value(e, s->key, v, "not a time HH:MM");
	*FIELD(c, s, int) = minute;
	return 0;
}

static int
apply_budget(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	double d;

	if (parse_real(v, &d) != 0 || d <= 0 || d > 1e7)
		return bad_value(e, s->key, v, "want an amount in EUR greater "
		    "than 0");
	*FIELD(c, s, double) = d;
	return 0;
}

/*
 * Replace a list field with the items of v, each accepted by ok; a bad
 * item is named with what it should be.
 */
static int
apply_list(struct tb_config *c, const struct config_spec *s, const char *v,
    int (*ok)(const char *), const char *what, tb_err *e)
{
	char *items[CONFIG_MAX_LIST];
	size_t *count = (size_t *)(void *)((char *)c + s->count);
	int n, i, rc = 0;

	if ((n = split_list(v, items, CONFIG_MAX_LIST)) < 0)
		return bad_value(e, s->key, v, "too many items (at most 64)");
	for (i = 0; i < n && rc == 0; i++)
		if (!ok(items[i]))
			rc = tb_errf(e, TB_ECONFIG, "config: %s = \"%s\": "
			    "\"%s\" is not %s", s->key, v, items[i], what);
	if (rc != 0) {
		for (i = 0; i < n; i++)
			free(items[i]);
		return rc;
	}
	free_list(FIELD(c, s, char *), count);
	memcpy(FIELD(c, s, char *), items, (size_t)n * sizeof items[0]);
	*count = (size_t)n;
	return 0;
}

static int
valid_date(const char *s)
{
	struct tb_date d;

	return date_parse(s, &d) == 0;
}

static int
apply_holidays(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	return apply_list(c, s, v, valid_date, "a date YYYY-MM-DD", e);
}

static int
valid_subreddit(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 21)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static int
apply_subreddits(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	return apply_list(c, s, v, valid_subreddit, "a subreddit name", e);
}

static int
apply_command(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL)
		return bad_value(e, s->key, v, "a command is one line");
	return set_string(FIELD(c, s, char *), v, e);
}

/*
 * MAILTO's value goes into the crontab as it is: addresses (or local user
 * names) separated by commas, nothing that could end the line or the
 * variable.
 */
static int
apply_mail(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	const char *p;

	for (p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("@._%+-,", *p) == NULL)
			return bad_value(e, s->key, v, "want mail addresses "
			    "separated by commas (letters, digits and "
			    "@._%+- only)");
	return set_string(FIELD(c, s, char *), v, e);
}

/* A Yahoo symbol: letters, digits and .-=^, at most 20 characters. */
static int
apply_symbol(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	const char *p;

	if (*v == '\0' || strlen(v) > 20)
		return bad_value(e, s->key, v, "want a Yahoo symbol such as "
		    "VWCE.DE");
	for (p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-=^", *p) == NULL)
			return bad_value(e, s->key, v, "want a Yahoo symbol such "
			    "as VWCE.DE");
	return set_string(FIELD(c, s, char *), v, e);
}

static int
apply_fee(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	double d;

	if (parse_real(v, &d) != 0 || d < 0 || d > 5)
		return bad_value(e, s->key, v, "want a percentage from 0 to 5");
	*FIELD(c, s, double) = d;
	return 0;
}

/* Seconds, fractions allowed so that tests can make a timeout quick. */
static int
apply_llm_timeout(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	double d;

	if (parse_real(v, &d) != 0 || d < 0.1 || d > 3600)
		return bad_value(e, s->key, v, "want seconds from 0.1 to 3600");
	*FIELD(c, s, double) = d;
	return 0;
}

/* Reddit user names: 3 to 20 letters, digits, '_' or '-'; "" unset. */
static int
apply_username(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	size_t n = strlen(v), i;
	int ok = n == 0 || (n >= 3 && n <= 20);

	for (i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)v[i]) || v[i] == '_' || v[i] == '-';
	if (!ok)
		return bad_value(e, s->key, v, "want a Reddit user name (3 to 20 "
		    "letters, digits, _ or -), without /u/");
	return set_string(FIELD(c, s, char *), v, e);
}

static int
apply_environment(struct tb_config *c, const struct config_spec *s,
    const char *v, tb_err *e)
{
	if (strcmp(v, "demo") == 0)
		*FIELD(c, s, int) = 0;
	else if (strcmp(v, "live") == 0)
		*FIELD(c, s, int) = 1;
	else
		return bad_value(e, s->key, v, "want demo or live");
	return 0;
}

static int
apply_model(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	const char *p;

	if (*v == '\0' || strlen(v) > 100)
		return bad_value(e, s->key, v, "want a model id");
	for (p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-._:/", *p) == NULL)
			return bad_value(e, s->key, v, "want a model id");
	return set_string(FIELD(c, s, char *), v, e);
}

/* t212_base_url may be "": then t212_environment decides (config_load). */
static int
apply_url(struct tb_config *c, const struct config_spec *s, const char *v,
    tb_err *e)
{
	char **slot = FIELD(c, s, char *);
	const char *p;
	int rc;

	if (*v == '\0' && strcmp(s->key, "t212_base_url") == 0)
		return set_string(slot, "", e);
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return bad_value(e, s->key, v, "want an http:// or https:// URL");
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\\')
			return bad_value(e, s->key, v, "a URL cannot contain "
			    "spaces, quotes or control characters");
	if ((rc = set_string(slot, v, e)) != 0)
		return rc;
	/* Paths are appended with a leading '/'. */
	while (strlen(*slot) > 8 && (*slot)[strlen(*slot) - 1] == '/')
		(*slot)[strlen(*slot) - 1] = '\0';
	return 0;
}

static int
spec_index(const char *key)
{
	size_t i;

	for (i = 0; i < NSPECS; i++)
		if (strcmp(config_specs[i].key, key) == 0)
			return (int)i;
	return -1;
}

int
config_doc(size_t i, struct config_doc *d)
{
	const struct config_spec *s;

	if (i >= NSPECS)
		return -1;
	s = &config_specs[i];
	d->key = s->key;
	d->def = s->def;
	d->meaning = s->doc;
	d->unit = s->apply == apply_whole ? s->unit : NULL;
	d->min = s->min;
	d->max = s->max;
	return 0;
}

int
config_check(const char *key, const char *value, tb_err *e)
{
	int i = spec_index(key);
	struct tb_config scratch;
	int rc;

	if (i < 0)
		return tb_errf(e, TB_ECONFIG, "config: unknown key \"%s\"", key);
	memset(&scratch, 0, sizeof scratch);
	rc = config_specs[i].apply(&scratch, &config_specs[i], value, e);
	config_free(&scratch);
	return rc;
}

/*
 * Apply value to key i from layer src, recording text and source.  A
 * refusal says where the value was set (origin, "" for a default).
 */
static int
apply_key(struct tb_config *c, int i, const char *value,
    enum config_source src, const char *origin, tb_err *e)
{
	const struct config_spec *s = &config_specs[i];
	char msg[sizeof e->msg];
	int rc;

	if ((rc = s->apply(c, s, value, e)) != 0) {
		if (rc == TB_ECONFIG && *origin != '\0') {
			snprintf(msg, sizeof msg, "%s", e->msg);
			tb_errf(e, rc, "%s (%s)", msg, origin);
		}
		return rc;
	}
	if ((rc = set_string(&c->values[i], value, e)) != 0)
		return rc;
	c->sources[i] = src;
	return 0;
}

/* TB_ + key in upper case, into buf. */
static char *
env_name(const char *key, char *buf, size_t bufsz)
{
	size_t i;

	snprintf(buf, bufsz, "TB_%.60s", key);
	for (i = 3; buf[i] != '\0'; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
	return buf;
}

const char *
config_env_key(const char *name)
{
	char buf[64];
	size_t i;

	for (i = 0; i < NSPECS; i++)
		if (strcmp(env_name(config_specs[i].key, buf, sizeof buf),
		    name) == 0)
			return config_specs[i].key;
	return NULL;
}

static int
load_defaults(struct tb_config *c, tb_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < NSPECS; i++)
		if ((rc = apply_key(c, (int)i, config_specs[i].def,
		    CONFIG_DEFAULT, "", e)) != 0)
			return rc;
	return 0;
}

static int
load_environment(struct tb_config *c, tb_err *e)
{
	char name[64], origin[100];
	const char *v;
	size_t i;
	int rc;

	for (i = 0; i < NSPECS; i++) {
		env_name(config_specs[i].key, name, sizeof name);
		if ((v = getenv(name)) == NULL)
			continue;
		snprintf(origin, sizeof origin, "environment variable %s", name);
		if ((rc = apply_key(c, (int)i, v, CONFIG_ENVIRONMENT, origin,
		    e)) != 0)
			return rc;
	}
	return 0;
}

/* ---- Trusted files */

/* The user name of uid, or its number, into buf. */
static const char *
user_name(uid_t uid, char *buf, size_t bufsz)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL)
		snprintf(buf, bufsz, "%s", pw->pw_name);
	else
		snprintf(buf, bufsz, "%lu", (unsigned long)uid);
	return buf;
}

/* TB_ECONFIG: path belongs to someone else; chown fixes it. */
static int
foreign_owner(const char *what, const char *path, uid_t owner, tb_err *e)
{
	char them[64], me[64];

	user_name(owner, them, sizeof them);
	user_name(geteuid(), me, sizeof me);
	return tb_errf(e, TB_ECONFIG, "config: %s %s belongs to %s, not to "
	    "%s who runs tb, so tb will not use it: chown %s %s", what, path,
	    them, me, me, path);
}

/*
 * Whether st (of the file at path) may configure tb: owned by the user
 * (or root, when root_ok), and nothing in mode's `forbidden` bits, else
 * TB_ECONFIG naming the file and the fix.
 */
static int
check_trust(const char *what, const char *path, const struct stat *st,
    int root_ok, mode_t forbidden, const char *fix, tb_err *e)
{
	if (st->st_uid != geteuid() && !(root_ok && st->st_uid == 0))
		return foreign_owner(what, path, st->st_uid, e);
	if ((st->st_mode & forbidden) != 0)
		return tb_errf(e, TB_ECONFIG, "config: %s %s is %s group or "
		    "others (mode %04o), so tb will not use it: chmod %s %s",
		    what, path, forbidden == 077 ? "open to" : "writable by",
		    (unsigned)(st->st_mode & 07777), fix, path);
	return 0;
}

/* TB_HOME, when it exists, belongs to the user and only they write it. */
static int
check_home(const struct tb_config *c, tb_err *e)
{
	struct stat st;

	if (stat(c->home, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;	/* created 0700 when needed, or refused then */
	return check_trust("TB_HOME", c->home, &st, 0, 022, "700", e);
}

/*
 * Open path for reading and check it on the descriptor: a regular file
 * that check_trust accepts.  *f is NULL (and 0 returned) when the file
 * does not exist and missing_ok.
 */
static int
open_trusted(const char *what, const char *path, int missing_ok,
    int root_ok, mode_t forbidden, const char *fix, FILE **f, tb_err *e)
{
	struct stat st;
	int rc;

	if ((*f = fopen(path, "re")) == NULL) {
		if (missing_ok && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return tb_errf(e, TB_ECONFIG, "config: cannot read %s %s: %s",
		    what, path, strerror(errno));
	}
	if (fstat(fileno(*f), &st) != 0 || !S_ISREG(st.st_mode))
		rc = tb_errf(e, TB_ECONFIG, "config: %s %s is not a regular "
		    "file", what, path);
	else
		rc = check_trust(what, path, &st, root_ok, forbidden, fix, e);
	if (rc != 0) {
		fclose(*f);
		*f = NULL;
	}
	return rc;
}

/* ---- The file (libconfuse) */

/* libconfuse reports parse errors through this; keep the last one. */
static char confuse_error[400];

static void
confuse_error_fn(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[300];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (cfg != NULL && cfg->filename != NULL && cfg->line > 0)
		snprintf(confuse_error, sizeof confuse_error, "%s line %d: %s",
		    cfg->filename, cfg->line, msg);
	else
		snprintf(confuse_error, sizeof confuse_error, "%s", msg);
}

/* A libconfuse context taking every key as a string. */
static cfg_t *
file_parser(const char *path)
{
	cfg_opt_t opts[NSPECS + 1];
	cfg_opt_t end = CFG_END();
	cfg_t *cfg;
	size_t i;

	for (i = 0; i < NSPECS; i++) {
		cfg_opt_t o = CFG_STR((char *)config_specs[i].key, NULL,
		    CFGF_NONE);
		opts[i] = o;
	}
	opts[NSPECS] = end;
	if ((cfg = cfg_init(opts, CFGF_NONE)) == NULL)
		return NULL;
	cfg_set_error_function(cfg, confuse_error_fn);
	/* For the messages: cfg_parse_fp does not know the name. */
	free(cfg->filename);
	if ((cfg->filename = strdup(path)) == NULL) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Apply every key that the file sets. */
static int
load_file(struct tb_config *c, FILE *f, tb_err *e)
{
	char origin[4200];
	cfg_t *cfg;
	size_t i;
	int rc = 0;

	if ((cfg = file_parser(c->file)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "config: out of memory");
	confuse_error[0] = '\0';
	if (cfg_parse_fp(cfg, f) != CFG_SUCCESS)
		rc = tb_errf(e, TB_ECONFIG, "config: %s", confuse_error[0] ?
		    confuse_error : "syntax error");
	snprintf(origin, sizeof origin, "in %s", c->file);
	for (i = 0; rc == 0 && i < NSPECS; i++) {
		const char *v = cfg_getstr(cfg, config_specs[i].key);

		if (v != NULL)
			rc = apply_key(c, (int)i, v, CONFIG_FILE, origin, e);
	}
	cfg_free(cfg);
	return rc;
}

/* --config, else $TB_CONFIG, else $TB_HOME/tb.conf if it exists. */
static int
read_file(struct tb_config *c, const char *explicit_file, tb_err *e)
{
	const char *named = explicit_file;
	char path[4200];
	FILE *f;
	int rc;

	if (named == NULL || *named == '\0')
		named = getenv("TB_CONFIG");
	if (named != NULL && *named != '\0')
		snprintf(path, sizeof path, "%s", named);
	else
		snprintf(path, sizeof path, "%s/tb.conf", c->home);
	if ((rc = open_trusted("config file", path, named == NULL ||
	    *named == '\0', 1, 022, "go-w", &f, e)) != 0 || f == NULL)
		return rc;
	if ((rc = set_string(&c->file, path, e)) == 0)
		rc = load_file(c, f, e);
	fclose(f);
	return rc;
}

/* ---- tb.env */

/* One NAME=VALUE line of tb.env. */
struct env_line {
	char *name;
	char *value;
	int line;
};

struct env_file {
	struct env_line *lines;
	size_t n;
};

static void
env_file_free(struct env_file *ef)
{
	size_t i;

	for (i = 0; i < ef->n; i++) {
		free(ef->lines[i].name);
		free(ef->lines[i].value);
	}
	free(ef->lines);
	ef->lines = NULL;
	ef->n = 0;
}

/* Trim a value: surrounding blanks, then one pair of quotes. */
static char *
env_file_value(char *v)
{
	size_t n;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n > 0 && strchr(" \t\r\n", v[n - 1]) != NULL)
		v[--n] = '\0';
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	return v;
}


/* The index of name in config_secrets, or CONFIG_NSECRETS. */
static size_t
secret_index(const char *name)
{
	size_t i;

	for (i = 0; i < CONFIG_NSECRETS; i++)
		if (strcmp(config_secrets[i], name) == 0)
			break;
	return i;
}

static int
is_env_only(const char *name)
{
	size_t i;

	for (i = 0; config_env_only[i] != NULL; i++)
		if (strcmp(config_env_only[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Whether tb.env may set name: a secret or a key's TB_ variable.  Else
 * TB_ECONFIG saying why not and what to do instead.
 */
static int
env_file_name_ok(const char *name, const char *path, int line, tb_err *e)
{
	char upper[64];

	if (secret_index(name) < CONFIG_NSECRETS || config_env_key(name) != NULL)
		return 0;
	if (strcmp(name, "TB_HOME") == 0 || strcmp(name, "TB_CONFIG") == 0)
		return tb_errf(e, TB_ECONFIG, "config: %s line %d: %s cannot "
		    "be set in tb.env, which is found through it: set it in "
		    "the environment (tb-cron carries it into the crontab)",
		    path, line, name);
	if (is_env_only(name))
		return tb_errf(e, TB_ECONFIG, "config: %s line %d: %s is read "
		    "only from the environment, not from tb.env", path, line,
		    name);
	if (spec_index(name) >= 0)
		return tb_errf(e, TB_ECONFIG, "config: %s line %d: \"%s\" is "
		    "not a variable tb reads: write it %s", path, line, name,
		    env_name(name, upper, sizeof upper));
	return tb_errf(e, TB_ECONFIG, "config: %s line %d: %s is not a "
	    "variable tb reads (tb.env holds the API keys and TB_ + a key of "
	    "tb.conf in upper case)", path, line, name);
}

/* Parse one line; blank lines and comments add nothing. */
static int
env_file_line(struct env_file *ef, char *text, const char *path, int line,
    tb_err *e)
{
	struct env_line *grown;
	char *name = text, *eq, *end;
	int rc;

	while (*name == ' ' || *name == '\t')
		name++;
	if (strncmp(name, "export ", 7) == 0)
		name += 7;
	if (*name == '#' || name[strspn(name, " \t\r\n")] == '\0')
		return 0;
	if ((eq = strchr(name, '=')) == NULL || eq == name)
		return tb_errf(e, TB_ECONFIG, "config: %s line %d: want "
		    "NAME=VALUE", path, line);
	*eq = '\0';
	for (end = eq; end > name && (end[-1] == ' ' || end[-1] == '\t'); )
		*--end = '\0';
	if ((rc = env_file_name_ok(name, path, line, e)) != 0)
		return rc;
	if ((grown = realloc(ef->lines, (ef->n + 1) * sizeof *grown)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "config: out of memory");
	ef->lines = grown;
	grown[ef->n].line = line;
	grown[ef->n].name = strdup(name);
	grown[ef->n].value = strdup(env_file_value(eq + 1));
	ef->n++;
	if (grown[ef->n - 1].name == NULL || grown[ef->n - 1].value == NULL)
		return tb_errf(e, TB_EINTERNAL, "config: out of memory");
	return 0;
}

/* Read $TB_HOME/tb.env if it exists: it holds keys, so only its owner may. */
static int
read_env_file(struct tb_config *c, struct env_file *ef, tb_err *e)
{
	char path[4200], text[4096];
	FILE *f;
	int rc, line = 0;

	snprintf(path, sizeof path, "%s/tb.env", c->home);
	if ((rc = open_trusted("env file", path, 1, 0, 077, "600", &f,
	    e)) != 0 || f == NULL)
		return rc;
	while (rc == 0 && fgets(text, sizeof text, f) != NULL) {
		if (strchr(text, '\n') == NULL && !feof(f))
			rc = tb_errf(e, TB_ECONFIG, "config: %s line %d: longer "
			    "than %zu bytes", path, line + 1, sizeof text - 2);
		else
			rc = env_file_line(ef, text, path, ++line, e);
	}
	if (rc == 0 && ferror(f))
		rc = tb_errf(e, TB_ECONFIG, "config: cannot read %s: %s", path,
		    strerror(errno));
	fclose(f);
	if (rc == 0)
		rc = set_string(&c->env_file, path, e);
	return rc;
}

/* Apply tb.env's TB_ lines, later lines winning as in a shell. */
static int
load_env_file(struct tb_config *c, const struct env_file *ef, tb_err *e)
{
	char origin[4300];
	const char *key;
	size_t i;
	int rc;

	for (i = 0; i < ef->n; i++) {
		if ((key = config_env_key(ef->lines[i].name)) == NULL)
			continue;
		snprintf(origin, sizeof origin, "%s in %s line %d",
		    ef->lines[i].name, c->env_file, ef->lines[i].line);
		if ((rc = apply_key(c, spec_index(key), ef->lines[i].value,
		    CONFIG_ENV_FILE, origin, e)) != 0)
			return rc;
	}
	return 0;
}

/* ---- Secrets */

static char **
secret_slot(struct tb_config *c, size_t i)
{
	char **slots[CONFIG_NSECRETS] = {
		&c->anthropic_api_key, &c->minimax_api_key, &c->t212_api_key,
		&c->t212_api_secret, &c->reddit_client_id,
		&c->reddit_client_secret, &c->reddit_user_agent,
		&c->eodhd_api_key
	};

	return slots[i];
}

/* The last non-empty value tb.env gives name, or NULL. */
static const char *
env_file_secret(const struct env_file *ef, const char *name)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < ef->n; i++)
		if (strcmp(ef->lines[i].name, name) == 0)
			v = ef->lines[i].value;
	return v != NULL && *v != '\0' ? v : NULL;
}

/* The environment, else tb.env; empty is unset. */
static int
load_secrets(struct tb_config *c, const struct env_file *ef, tb_err *e)
{
	size_t i, agent = secret_index("REDDIT_USER_AGENT");
	const char *v;
	int rc;

	for (i = 0; i < CONFIG_NSECRETS; i++) {
		c->secret_sources[i] = CONFIG_ENVIRONMENT;
		if ((v = getenv(config_secrets[i])) == NULL || *v == '\0') {
			c->secret_sources[i] = CONFIG_ENV_FILE;
			v = env_file_secret(ef, config_secrets[i]);
		}
		if (v == NULL) {
			c->secret_sources[i] = CONFIG_UNSET;
			continue;
		}
		if ((rc = set_string(secret_slot(c, i), v, e)) != 0)
			return rc;
		if (i != agent)
			log_secret(v);
	}
	return 0;
}

/*
 * Reddit's API rules ask for the operator's own user name in the
 * User-Agent and forbid a false one: REDDIT_USER_AGENT when set, else
 * one made from reddit_username, else none (reddit.h says what then).
 */
static int
derive_user_agent(struct tb_config *c, tb_err *e)
{
	size_t agent = secret_index("REDDIT_USER_AGENT");
	char *ua;

	if (c->reddit_user_agent != NULL || c->reddit_username == NULL ||
	    *c->reddit_username == '\0')
		return 0;
	if (asprintf(&ua, "linux:tb:%s (by /u/%s)", TB_VERSION,
	    c->reddit_username) < 0)
		return tb_errf(e, TB_EINTERNAL, "config: out of memory");
	c->reddit_user_agent = ua;
	c->secret_sources[agent] = CONFIG_DEFAULT;
	return 0;
}

/* ---- Loading */

static int
resolve_home(struct tb_config *c, tb_err *e)
{
	const char *home = getenv("TB_HOME"), *user_home;
	char buf[4096];

	if (home == NULL || *home == '\0') {
		if ((user_home = getenv("HOME")) == NULL || *user_home == '\0')
			return tb_errf(e, TB_ECONFIG, "config: neither TB_HOME "
			    "nor HOME is set");
		snprintf(buf, sizeof buf, "%s/.local/share/tb", user_home);
		home = buf;
	}
	if (home[0] != '/')
		return tb_errf(e, TB_ECONFIG, "config: TB_HOME = \"%s\": "
		    "want an absolute path", home);
	if (set_string(&c->home, home, e) != 0)
		return TB_EINTERNAL;
	while (strlen(c->home) > 1 && c->home[strlen(c->home) - 1] == '/')
		c->home[strlen(c->home) - 1] = '\0';
	return 0;
}

/* An empty t212_base_url is the URL of t212_environment's account. */
static int
resolve_t212_url(struct tb_config *c, tb_err *e)
{
	int i = spec_index("t212_base_url");

	if (*c->t212_base_url != '\0')
		return 0;
	if (set_string(&c->t212_base_url, c->t212_live ?
	    "https://live.trading212.com" : "https://demo.trading212.com",
	    e) != 0)
		return TB_EINTERNAL;
	return set_string(&c->values[i], c->t212_base_url, e);
}

int
config_load(struct tb_config *c, const char *explicit_file, tb_err *e)
{
	struct env_file ef = { NULL, 0 };
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = resolve_home(c, e)) != 0 ||
	    (rc = check_home(c, e)) != 0 ||
	    (rc = read_env_file(c, &ef, e)) != 0 ||
	    (rc = load_defaults(c, e)) != 0 ||
	    (rc = read_file(c, explicit_file, e)) != 0 ||
	    (rc = load_env_file(c, &ef, e)) != 0 ||
	    (rc = load_environment(c, e)) != 0 ||
	    (rc = load_secrets(c, &ef, e)) != 0 ||
	    (rc = derive_user_agent(c, e)) != 0 ||
	    (rc = resolve_t212_url(c, e)) != 0)
		config_free(c);
	env_file_free(&ef);
	return rc;
}

const char *
config_value(const struct tb_config *c, const char *key,
    enum config_source *src)
{
	int i = spec_index(key);

	if (i < 0)
		return NULL;
	if (src != NULL)
		*src = c->sources[i];
	return c->values[i] != NULL ? c->values[i] : "";
}

enum config_source
config_secret_source(const struct tb_config *c, const char *name)
{
	size_t i = secret_index(name);

	return i < CONFIG_NSECRETS ? c->secret_sources[i] : CONFIG_UNSET;
}

const char *
config_source_name(enum config_source src)
{
	switch (src) {
	case CONFIG_DEFAULT:
		return "default";
	case CONFIG_FILE:
		return "tb.conf";
	case CONFIG_ENV_FILE:
		return "tb.env";
	case CONFIG_ENVIRONMENT:
		return "environment";
	default:
		return "unset";
	}
}

void
config_free(struct tb_config *c)
{
	char **strings[] = {
		&c->home, &c->file, &c->env_file, &c->orchestrator_timezone,
		&c->approval_notify_command, &c->claude_model,
		&c->minimax_model, &c->reddit_base_url, &c->reddit_auth_url,
		&c->yahoo_base_url, &c->anthropic_base_url,
		&c->minimax_base_url, &c->t212_base_url, &c->mail_to,
		&c->alert_command, &c->benchmark_symbol, &c->reddit_username,
		&c->anthropic_api_key, &c->minimax_api_key, &c->t212_api_key,
		&c->t212_api_secret, &c->reddit_client_id,
		&c->reddit_client_secret, &c->reddit_user_agent,
		&c->eodhd_base_url, &c->eodhd_api_key
	};
	size_t i;

	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	for (i = 0; i < CONFIG_NKEYS; i++) {
		free(c->values[i]);
		c->values[i] = NULL;
	}
	free_list(c->holidays, &c->nholidays);
	free_list(c->subreddits, &c->nsubreddits);
}
