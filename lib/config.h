/*
 * config.h - tb's configuration: built-in defaults, a libconfuse file,
 * TB_<KEY> environment overrides, and secrets from the environment.
 *
 * Where the file is: --config FILE, else $TB_CONFIG, else $TB_HOME/tb.conf
 * when it exists, else only defaults.  A file that was named but does not
 * exist is an error.  Every key of DESIGN section 5 can be overridden by
 * the environment variable TB_ + the key in upper case; the environment
 * wins over the file.
 *
 * Every value, from the file or the environment, passes one validator per
 * key.  A bad value, an unknown key in the file or a file that does not
 * parse is a configuration error: config_load() returns TB_ECONFIG with a
 * message naming the key and the value.
 *
 * Secrets (API keys) come only from the environment, or from the env file
 * $TB_HOME/tb.env (KEY=VALUE lines; read only when its mode gives nothing
 * to group or others), never from tb.conf.  The process environment wins
 * over the env file.  Each secret is registered with log_secret() so no
 * log line can show it.
 *
 * TB_HOME (default ~/.local/share/tb) holds tb.db, tb.env, locks/, logs/.
 */
#ifndef TB_CONFIG_H
#define TB_CONFIG_H

#include <stddef.h>

#include "err.h"

#define CONFIG_MAX_TIMES 8
#define CONFIG_MAX_LIST 64

enum approval_action { APPROVE_ALL, REJECT_ALL };

struct tb_config {
	char *home;			/* TB_HOME, no trailing slash */
	char *file;			/* the config file read, or NULL */

	char *orchestrator_timezone;
	long approval_timeout_seconds;
	enum approval_action approval_timeout_action;
	long market_data_ticker_limit;
	int collect_minutes[CONFIG_MAX_TIMES];	/* minutes after midnight */
	size_t ncollect;
	int execute_minute;
	long misfire_grace_seconds;
	double daily_budget_eur;
	long max_picks;
	char *holidays[CONFIG_MAX_LIST];	/* "YYYY-MM-DD" each */
	size_t nholidays;
	char *approval_notify_command;	/* "" when unset */
	char *subreddits[CONFIG_MAX_LIST];
	size_t nsubreddits;
	int t212_live;			/* t212_environment = live */
	char *claude_model;
	char *minimax_model;
	char *reddit_base_url;		/* no trailing slash */
	char *reddit_auth_url;
	char *yahoo_base_url;
	char *anthropic_base_url;
	char *minimax_base_url;
	char *t212_base_url;		/* resolved from t212_environment if "" */

	/* Added in the second round (DESIGN section 11). */
	char *mail_to;			/* the crontab's MAILTO; "" none */
	char *alert_command;		/* run with a failed run's summary */
	long log_keep_days;
	int report_minute;		/* scheduler_report_time */
	char *benchmark_symbol;		/* Yahoo symbol, e.g. "VWCE.DE" */
	double virtual_fx_fee_pct;	/* % of a virtual trade's value */
	long market_parallel;		/* market requests in flight */
	double llm_timeout_seconds;	/* total per LLM answer */
	char *reddit_username;		/* "" when unset */
	long reddit_timeout_seconds;
	long yahoo_timeout_seconds;
	long t212_timeout_seconds;
	char *eodhd_base_url;		/* the second price source (eodhd.h) */

	/* Secrets: NULL when not set.  Never log, store or print them. */
	char *anthropic_api_key;
	char *minimax_api_key;
	char *t212_api_key;
	char *t212_api_secret;
	char *reddit_client_id;
	char *reddit_client_secret;
	char *reddit_user_agent;	/* not secret; default provided */
	char *eodhd_api_key;		/* the second price source's; NULL: off */
};

/*
 * Load the configuration.  explicit_file is --config's argument or NULL.
 * On success *c owns its strings (free with config_free).  On failure *c
 * is freed and *e says what is wrong (TB_ECONFIG, or TB_EINTERNAL).
 */
int config_load(struct tb_config *c, const char *explicit_file, tb_err *e);
void config_free(struct tb_config *c);

/*
 * Validate one key's value as config_load would (used by tests and by
 * tb-cron).  Returns 0 or TB_ECONFIG with *e naming key and value.
 */
int config_check(const char *key, const char *value, tb_err *e);

/* Parse "HH:MM" (exactly two digits each) into minutes; -1 if invalid. */
int config_parse_hhmm(const char *s);

/* Format minutes after midnight as "HH:MM" into buf (at least 6 bytes). */
void config_format_hhmm(int minutes, char *buf);

/* The names of all keys, NULL-terminated (for --help and docs). */
extern const char *const config_keys[];

#endif
