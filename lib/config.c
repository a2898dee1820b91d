/*
 * config.c - defaults, libconfuse file, TB_ overrides, secrets.  See config.h.
 *
 * Every key is declared once in config_specs[] with its default and the
 * function that validates a value and stores it.  The file is parsed with
 * every option as a string, so a value is validated by the same function
 * whether it came from the file, the environment or the default.
 */
#include "config.h"

#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

typedef int (*config_apply_fn)(struct tb_config *, const char *key,
    const char *value, tb_err *);

struct config_spec {
	const char *key;
	const char *def;
	config_apply_fn apply;
};

static int apply_tz(struct tb_config *, const char *, const char *, tb_err *);
static int apply_seconds(struct tb_config *, const char *, const char *, tb_err *);
static int apply_action(struct tb_config *, const char *, const char *, tb_err *);
static int apply_count(struct tb_config *, const char *, const char *, tb_err *);
static int apply_collect(struct tb_config *, const char *, const char *, tb_err *);
static int apply_execute(struct tb_config *, const char *, const char *, tb_err *);
static int apply_budget(struct tb_config *, const char *, const char *, tb_err *);
static int apply_holidays(struct tb_config *, const char *, const char *, tb_err *);
static int apply_command(struct tb_config *, const char *, const char *, tb_err *);
static int apply_subreddits(struct tb_config *, const char *, const char *, tb_err *);
static int apply_environment(struct tb_config *, const char *, const char *, tb_err *);
static int apply_model(struct tb_config *, const char *, const char *, tb_err *);
static int apply_url(struct tb_config *, const char *, const char *, tb_err *);
static int apply_mail(struct tb_config *, const char *, const char *, tb_err *);
static int apply_keep_days(struct tb_config *, const char *, const char *, tb_err *);
static int apply_report(struct tb_config *, const char *, const char *, tb_err *);
static int apply_symbol(struct tb_config *, const char *, const char *, tb_err *);
static int apply_fee(struct tb_config *, const char *, const char *, tb_err *);
static int apply_parallel(struct tb_config *, const char *, const char *, tb_err *);
static int apply_llm_timeout(struct tb_config *, const char *, const char *, tb_err *);
static int apply_username(struct tb_config *, const char *, const char *, tb_err *);
static int apply_timeout(struct tb_config *, const char *, const char *, tb_err *);

static const struct config_spec config_specs[] = {
	{ "orchestrator_timezone", "Europe/Berlin", apply_tz },
	{ "approval_timeout_seconds", "120", apply_seconds },
	{ "approval_timeout_action", "approve_all", apply_action },
	{ "market_data_ticker_limit", "12", apply_count },
	{ "scheduler_collect_times", "08:00,12:00,16:30", apply_collect },
	{ "scheduler_execute_time", "17:10", apply_execute },
	{ "misfire_grace_seconds", "300", apply_seconds },
	{ "daily_budget_eur", "100", apply_budget },
	{ "max_picks", "5", apply_count },
	{ "holidays", "", apply_holidays },
	{ "approval_notify_command", "", apply_command },
	{ "subreddits", "wallstreetbets,stocks,investing,StockMarket,EuropeFIRE",
	    apply_subreddits },
	{ "t212_environment", "demo", apply_environment },
	{ "claude_model", "claude-sonnet-4-5", apply_model },
	{ "minimax_model", "MiniMax-M2", apply_model },
	{ "reddit_base_url", "https://oauth.reddit.com", apply_url },
	{ "reddit_auth_url", "https://www.reddit.com", apply_url },
	{ "yahoo_base_url", "https://query1.finance.yahoo.com", apply_url },
	{ "anthropic_base_url", "https://api.anthropic.com", apply_url },
	{ "minimax_base_url", "https://api.minimax.io", apply_url },
	{ "t212_base_url", "", apply_url },
	{ "mail_to", "", apply_mail },
	{ "alert_command", "", apply_command },
	{ "log_keep_days", "90", apply_keep_days },
	{ "scheduler_report_time", "22:30", apply_report },
	{ "benchmark_symbol", "VWCE.DE", apply_symbol },
	{ "virtual_fx_fee_pct", "0.15", apply_fee },
	{ "market_parallel", "4", apply_parallel },
	{ "llm_timeout_seconds", "300", apply_llm_timeout },
	{ "reddit_username", "", apply_username },
	{ "reddit_timeout_seconds", "30", apply_timeout },
	{ "yahoo_timeout_seconds", "15", apply_timeout },
	{ "t212_timeout_seconds", "30", apply_timeout },
};
#define NSPECS (sizeof config_specs / sizeof config_specs[0])

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
	"t212_timeout_seconds", NULL
};

#define DEFAULT_USER_AGENT "linux:tb:" TB_VERSION " (by /u/tb-bot)"

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
apply_tz(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	if (!clock_valid_timezone(v))
		return bad_value(e, key, v, "unknown timezone (want a zone "
		    "name such as Europe/Berlin)");
	return set_string(&c->orchestrator_timezone, v, e);
}

static int
apply_seconds(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	long n;

	if (parse_long(v, 0, 86400, &n) != 0)
		return bad_value(e, key, v, "want whole seconds from 0 to 86400");
	if (strcmp(key, "approval_timeout_seconds") == 0)
		c->approval_timeout_seconds = n;
	else
		c->misfire_grace_seconds = n;
	return 0;
}

static int
apply_action(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	if (strcmp(v, "approve_all") == 0)
		c->approval_timeout_action = APPROVE_ALL;
	else if (strcmp(v, "reject_all") == 0)
		c->approval_timeout_action = REJECT_ALL;
	else
		return bad_value(e, key, v, "want approve_all or reject_all");
	return 0;
}

static int
apply_count(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	long n;

	if (parse_long(v, 1, 100, &n) != 0)
		return bad_value(e, key, v, "want a whole number from 1 to 100");
	if (strcmp(key, "max_picks") == 0)
		c->max_picks = n;
	else
		c->market_data_ticker_limit = n;
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

static int
apply_collect(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	char *items[CONFIG_MAX_TIMES];
	int n, i, j, rc = 0;

	if ((n = split_list(v, items, CONFIG_MAX_TIMES)) < 0)
		return bad_value(e, key, v, "too many times (at most 8)");
	if (n == 0)
		return bad_value(e, key, v, "want one or more HH:MM times");
	for (i = 0; i < n && rc == 0; i++) {
		if ((c->collect_minutes[i] = config_parse_hhmm(items[i])) < 0)
			rc = tb_errf(e, TB_ECONFIG, "config: %s = \"%s\": "
			    "\"%s\" is not a time HH:MM", key, v, items[i]);
		for (j = 0; j < i && rc == 0; j++)
			if (c->collect_minutes[j] == c->collect_minutes[i])
				rc = tb_errf(e, TB_ECONFIG, "config: %s = "
				    "\"%s\": %s is listed twice", key, v,
				    items[i]);
	}
	for (i = 0; i < n; i++)
		free(items[i]);
	if (rc == 0)
		c->ncollect = (size_t)n;
	return rc;
}

static int
apply_execute(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	if ((c->execute_minute = config_parse_hhmm(v)) < 0)
		return bad_value(e, key, v, "not a time HH:MM");
	return 0;
}

static int
apply_budget(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (*v == '\0' || end == v || *end != '\0' || errno != 0 ||
	    !isfinite(d) || d <= 0 || d > 1e7)
		return bad_value(e, key, v, "want an amount in EUR greater "
		    "than 0");
	c->daily_budget_eur = d;
	return 0;
}

static int
apply_holidays(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	char *items[CONFIG_MAX_LIST];
	struct tb_date d;
	int n, i, rc = 0;

	if ((n = split_list(v, items, CONFIG_MAX_LIST)) < 0)
		return bad_value(e, key, v, "too many days (at most 64)");
	for (i = 0; i < n && rc == 0; i++)
		if (date_parse(items[i], &d) != 0)
			rc = tb_errf(e, TB_ECONFIG, "config: %s = \"%s\": "
			    "\"%s\" is not a date YYYY-MM-DD", key, v,
			    items[i]);
	free_list(c->holidays, &c->nholidays);
	if (rc != 0) {
		for (i = 0; i < n; i++)
			free(items[i]);
		return rc;
	}
	for (i = 0; i < n; i++)
		c->holidays[i] = items[i];
	c->nholidays = (size_t)n;
	return 0;
}

static int
apply_command(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL)
		return bad_value(e, key, v, "a command is one line");
	return set_string(strcmp(key, "alert_command") == 0 ?
	    &c->alert_command : &c->approval_notify_command, v, e);
}

/*
 * MAILTO's value goes into the crontab as it is: addresses (or local user
 * names) separated by commas, nothing that could end the line or the
 * variable.
 */
static int
apply_mail(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	const char *p;

	for (p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("@._%+-,", *p) == NULL)
			return bad_value(e, key, v, "want mail addresses "
			    "separated by commas (letters, digits and "
			    "@._%+- only)");
	return set_string(&c->mail_to, v, e);
}

static int
apply_keep_days(struct tb_config *c, const char *key, const char *v,
    tb_err *e)
{
	if (parse_long(v, 1, 3650, &c->log_keep_days) != 0)
		return bad_value(e, key, v, "want whole days from 1 to 3650");
	return 0;
}

static int
apply_report(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	if ((c->report_minute = config_parse_hhmm(v)) < 0)
		return bad_value(e, key, v, "not a time HH:MM");
	return 0;
}

/* A Yahoo symbol: letters, digits and .-=^, at most 20 characters. */
static int
apply_symbol(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	const char *p;

	if (*v == '\0' || strlen(v) > 20)
		return bad_value(e, key, v, "want a Yahoo symbol such as "
		    "VWCE.DE");
	for (p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-=^", *p) == NULL)
			return bad_value(e, key, v, "want a Yahoo symbol such "
			    "as VWCE.DE");
	return set_string(&c->benchmark_symbol, v, e);
}

static int
apply_fee(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (*v == '\0' || end == v || *end != '\0' || errno != 0 ||
	    !isfinite(d) || d < 0 || d > 5)
		return bad_value(e, key, v, "want a percentage from 0 to 5");
	c->virtual_fx_fee_pct = d;
	return 0;
}

static int
apply_parallel(struct tb_config *c, const char *key, const char *v,
    tb_err *e)
{
	if (parse_long(v, 1, 16, &c->market_parallel) != 0)
		return bad_value(e, key, v, "want a whole number from 1 to 16");
	return 0;
}

/* Seconds, fractions allowed so that tests can make a timeout quick. */
static int
apply_llm_timeout(struct tb_config *c, const char *key, const char *v,
    tb_err *e)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (*v == '\0' || end == v || *end != '\0' || errno != 0 ||
	    !isfinite(d) || d < 0.1 || d > 3600)
		return bad_value(e, key, v, "want seconds from 0.1 to 3600");
	c->llm_timeout_seconds = d;
	return 0;
}

/* Reddit user names: 3 to 20 letters, digits, '_' or '-'; "" unset. */
static int
apply_username(struct tb_config *c, const char *key, const char *v,
    tb_err *e)
{
	size_t n = strlen(v), i;

	if (n != 0 && (n < 3 || n > 20))
		return bad_value(e, key, v, "want a Reddit user name (3 to 20 "
		    "letters, digits, _ or -), without /u/");
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '-')
			return bad_value(e, key, v, "want a Reddit user name "
			    "(3 to 20 letters, digits, _ or -), without /u/");
	return set_string(&c->reddit_username, v, e);
}

static int
apply_timeout(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	long n;

	if (parse_long(v, 1, 600, &n) != 0)
		return bad_value(e, key, v, "want whole seconds from 1 to 600");
	if (strcmp(key, "reddit_timeout_seconds") == 0)
		c->reddit_timeout_seconds = n;
	else if (strcmp(key, "yahoo_timeout_seconds") == 0)
		c->yahoo_timeout_seconds = n;
	else
		c->t212_timeout_seconds = n;
	return 0;
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
apply_subreddits(struct tb_config *c, const char *key, const char *v,
    tb_err *e)
{
	char *items[CONFIG_MAX_LIST];
	int n, i, rc = 0;

	if ((n = split_list(v, items, CONFIG_MAX_LIST)) < 0)
		return bad_value(e, key, v, "too many subreddits (at most 64)");
	for (i = 0; i < n && rc == 0; i++)
		if (!valid_subreddit(items[i]))
			rc = tb_errf(e, TB_ECONFIG, "config: %s = \"%s\": "
			    "\"%s\" is not a subreddit name", key, v,
			    items[i]);
	free_list(c->subreddits, &c->nsubreddits);
	if (rc != 0) {
		for (i = 0; i < n; i++)
			free(items[i]);
		return rc;
	}
	for (i = 0; i < n; i++)
		c->subreddits[i] = items[i];
	c->nsubreddits = (size_t)n;
	return 0;
}

static int
apply_environment(struct tb_config *c, const char *key, const char *v,
    tb_err *e)
{
	if (strcmp(v, "demo") == 0)
		c->t212_live = 0;
	else if (strcmp(v, "live") == 0)
		c->t212_live = 1;
	else
		return bad_value(e, key, v, "want demo or live");
	return 0;
}

static int
apply_model(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	const char *p;

	if (*v == '\0' || strlen(v) > 100)
		return bad_value(e, key, v, "want a model id");
	for (p = v; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-._:/", *p) == NULL)
			return bad_value(e, key, v, "want a model id");
	return set_string(strcmp(key, "claude_model") == 0 ?
	    &c->claude_model : &c->minimax_model, v, e);
}

static char **
url_slot(struct tb_config *c, const char *key)
{
	if (strcmp(key, "reddit_base_url") == 0)
		return &c->reddit_base_url;
	if (strcmp(key, "reddit_auth_url") == 0)
		return &c->reddit_auth_url;
	if (strcmp(key, "yahoo_base_url") == 0)
		return &c->yahoo_base_url;
	if (strcmp(key, "anthropic_base_url") == 0)
		return &c->anthropic_base_url;
	if (strcmp(key, "minimax_base_url") == 0)
		return &c->minimax_base_url;
	return &c->t212_base_url;
}

static int
apply_url(struct tb_config *c, const char *key, const char *v, tb_err *e)
{
	char **slot = url_slot(c, key);
	const char *p;
	int rc;

	if (*v == '\0' && strcmp(key, "t212_base_url") == 0)
		return set_string(slot, "", e);
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return bad_value(e, key, v, "want an http:// or https:// URL");
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\\')
			return bad_value(e, key, v, "a URL cannot contain "
			    "spaces, quotes or control characters");
	if ((rc = set_string(slot, v, e)) != 0)
		return rc;
	/* Paths are appended with a leading '/'. */
	while (strlen(*slot) > 8 && (*slot)[strlen(*slot) - 1] == '/')
		(*slot)[strlen(*slot) - 1] = '\0';
	return 0;
}

static const struct config_spec *
find_spec(const char *key)
{
	size_t i;

	for (i = 0; i < NSPECS; i++)
		if (strcmp(config_specs[i].key, key) == 0)
			return &config_specs[i];
	return NULL;
}

int
config_check(const char *key, const char *value, tb_err *e)
{
	const struct config_spec *s = find_spec(key);
	struct tb_config scratch;
	int rc;

	if (s == NULL)
		return tb_errf(e, TB_ECONFIG, "config: unknown key \"%s\"", key);
	memset(&scratch, 0, sizeof scratch);
	rc = s->apply(&scratch, key, value, e);
	config_free(&scratch);
	return rc;
}

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

/* Apply every key that the file sets. */
static int
load_file(struct tb_config *c, const char *path, tb_err *e)
{
	cfg_opt_t opts[NSPECS + 1];
	cfg_t *cfg;
	size_t i;
	int rc = 0;

	for (i = 0; i < NSPECS; i++) {
		cfg_opt_t o = CFG_STR((char *)config_specs[i].key, NULL,
		    CFGF_NONE);
		opts[i] = o;
	}
	{
		cfg_opt_t end = CFG_END();
		opts[NSPECS] = end;
	}
	if ((cfg = cfg_init(opts, CFGF_NONE)) == NULL)
		return tb_errf(e, TB_EINTERNAL, "config: out of memory");
	cfg_set_error_function(cfg, confuse_error_fn);
	confuse_error[0] = '\0';
	switch (cfg_parse(cfg, path)) {
	case CFG_SUCCESS:
		break;
	case CFG_FILE_ERROR:
		rc = tb_errf(e, TB_ECONFIG, "config: cannot read %s: %s", path,
		    strerror(errno));
		break;
	default:
		rc = tb_errf(e, TB_ECONFIG, "config: %s", confuse_error[0] ?
		    confuse_error : "syntax error");
		break;
	}
	for (i = 0; rc == 0 && i < NSPECS; i++) {
		const char *v = cfg_getstr(cfg, config_specs[i].key);

		if (v != NULL)
			rc = config_specs[i].apply(c, config_specs[i].key, v, e);
	}
	cfg_free(cfg);
	return rc;
}

/* TB_ + upper-case key. */
static const char *
env_override(const char *key)
{
	char name[64];
	size_t i;

	snprintf(name, sizeof name, "TB_%s", key);
	for (i = 3; name[i] != '\0'; i++)
		name[i] = (char)toupper((unsigned char)name[i]);
	return getenv(name);
}

static int
load_env(struct tb_config *c, tb_err *e)
{
	const char *v;
	size_t i;
	int rc;

	for (i = 0; i < NSPECS; i++)
		if ((v = env_override(config_specs[i].key)) != NULL &&
		    (rc = config_specs[i].apply(c, config_specs[i].key, v, e)))
			return rc;
	return 0;
}

static int
load_defaults(struct tb_config *c, tb_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < NSPECS; i++)
		if ((rc = config_specs[i].apply(c, config_specs[i].key,
		    config_specs[i].def, e)) != 0)
			return rc;
	return 0;
}

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

static int
choose_file(struct tb_config *c, const char *explicit_file, tb_err *e)
{
	const char *f = explicit_file;
	char buf[4200];

	if (f == NULL || *f == '\0')
		f = getenv("TB_CONFIG");
	if (f != NULL && *f != '\0') {
		if (access(f, R_OK) != 0)
			return tb_errf(e, TB_ECONFIG, "config: cannot read "
			    "config file %s: %s", f, strerror(errno));
		return set_string(&c->file, f, e);
	}
	snprintf(buf, sizeof buf, "%s/tb.conf", c->home);
	if (access(buf, F_OK) == 0)
		return set_string(&c->file, buf, e);
	return 0;
}


static const char *const secret_names[] = {
	"ANTHROPIC_API_KEY", "MINIMAX_API_KEY", "T212_API_KEY",
	"T212_API_SECRET", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET",
	"REDDIT_USER_AGENT"
};
#define NSECRETS (sizeof secret_names / sizeof secret_names[0])

static char **
secret_slot(struct tb_config *c, size_t i)
{
	char **slots[NSECRETS] = {
		&c->anthropic_api_key, &c->minimax_api_key, &c->t212_api_key,
		&c->t212_api_secret, &c->reddit_client_id,
		&c->reddit_client_secret, &c->reddit_user_agent
	};

	return slots[i];
}

/* Trim a KEY=VALUE line's value: surrounding blanks, then one pair of quotes. */
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

/* One line of tb.env: set the secret it names unless already set. */
static int
env_file_line(struct tb_config *c, char *line, tb_err *e)
{
	char *eq, *key = line;
	size_t i;

	while (*key == ' ' || *key == '\t')
		key++;
	if (strncmp(key, "export ", 7) == 0)
		key += 7;
	if (*key == '#' || (eq = strchr(key, '=')) == NULL)
		return 0;
	*eq = '\0';
	for (i = 0; i < NSECRETS; i++)
		if (strcmp(key, secret_names[i]) == 0 &&
		    *secret_slot(c, i) == NULL)
			return set_string(secret_slot(c, i),
			    env_file_value(eq + 1), e);
	return 0;
}

/*
 * Read $TB_HOME/tb.env if it exists.  It holds keys, so it is refused
 * unless only its owner can read it.
 */
static int
load_env_file(struct tb_config *c, tb_err *e)
{
	char path[4200], line[4096];
	struct stat st;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof path, "%s/tb.env", c->home);
	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT || errno == ENOTDIR ? 0 :
		    tb_errf(e, TB_ECONFIG, "config: cannot read %s: %s", path,
		    strerror(errno));
	if (fstat(fileno(f), &st) != 0 || (st.st_mode & 077) != 0 ||
	    st.st_uid != geteuid()) {
		fclose(f);
		return tb_errf(e, TB_ECONFIG, "config: %s holds secrets but "
		    "others can read it (mode %04o): chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
	}
	while (rc == 0 && fgets(line, sizeof line, f) != NULL)
		rc = env_file_line(c, line, e);
	fclose(f);
	return rc;
}

static int
load_secrets(struct tb_config *c, tb_err *e)
{
	const char *v;
	size_t i;
	int rc;

	for (i = 0; i < NSECRETS; i++)
		if ((v = getenv(secret_names[i])) != NULL && *v != '\0' &&
		    (rc = set_string(secret_slot(c, i), v, e)) != 0)
			return rc;
	if ((rc = load_env_file(c, e)) != 0)
		return rc;
	for (i = 0; i < NSECRETS; i++) {
		char **slot = secret_slot(c, i);

		if (*slot != NULL && **slot == '\0') {
			free(*slot);
			*slot = NULL;
		}
		if (*slot != NULL && strcmp(secret_names[i],
		    "REDDIT_USER_AGENT") != 0)
			log_secret(*slot);
	}
	if (c->reddit_user_agent == NULL)
		return set_string(&c->reddit_user_agent, DEFAULT_USER_AGENT, e);
	return 0;
}

int
config_load(struct tb_config *c, const char *explicit_file, tb_err *e)
{
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = resolve_home(c, e)) != 0 ||
	    (rc = load_defaults(c, e)) != 0 ||
	    (rc = choose_file(c, explicit_file, e)) != 0 ||
	    (c->file != NULL && (rc = load_file(c, c->file, e)) != 0) ||
	    (rc = load_env(c, e)) != 0 ||
	    (rc = load_secrets(c, e)) != 0) {
		config_free(c);
		return rc;
	}
	if (*c->t212_base_url == '\0' && set_string(&c->t212_base_url,
	    c->t212_live ? "https://live.trading212.com" :
	    "https://demo.trading212.com", e) != 0) {
		config_free(c);
		return TB_EINTERNAL;
	}
	return 0;
}

void
config_free(struct tb_config *c)
{
	char **strings[] = {
		&c->home, &c->file, &c->orchestrator_timezone,
		&c->approval_notify_command, &c->claude_model,
		&c->minimax_model, &c->reddit_base_url, &c->reddit_auth_url,
		&c->yahoo_base_url, &c->anthropic_base_url,
		&c->minimax_base_url, &c->t212_base_url, &c->mail_to,
		&c->alert_command, &c->benchmark_symbol, &c->reddit_username,
		&c->anthropic_api_key, &c->minimax_api_key, &c->t212_api_key,
		&c->t212_api_secret, &c->reddit_client_id,
		&c->reddit_client_secret, &c->reddit_user_agent
	};
	size_t i;

	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	free_list(c->holidays, &c->nholidays);
	free_list(c->subreddits, &c->nsubreddits);
}
