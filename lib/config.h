/*
 * config.h - tb's configuration: built-in defaults, a libconfuse file,
 * $TB_HOME/tb.env, the environment; and the secrets (API keys).
 *
 * Precedence (DESIGN section 11), the same for every program by hand and
 * under cron; each layer overrides the ones before it:
 *
 *   1. the defaults of DESIGN sections 5 and 11;
 *   2. the file: --config FILE, else $TB_CONFIG, else $TB_HOME/tb.conf when
 *      it exists (a file that was named but does not exist is an error);
 *   3. $TB_HOME/tb.env: NAME=VALUE lines (blank lines, # comments and an
 *      "export " prefix allowed; one pair of quotes around a value is
 *      dropped) holding the secrets and any TB_<KEY>.  Any other name is an
 *      error naming it and the file.  TB_HOME and TB_CONFIG cannot be set
 *      there: tb.env is found through them.  Nor can the test settings
 *      that are read only from the environment (config_env_only);
 *   4. the environment: TB_<KEY>, TB_ + the key in upper case.
 *
 * cron runs its jobs with almost no environment, so a setting that cron's
 * runs must see belongs in tb.env or tb.conf, not in a shell's profile;
 * tb-cron --print lists the TB_ variables the crontab will not carry.
 *
 * Trusted files.  A file that another user can change could make tb send
 * the keys to another host or run a command (approval_notify_command) as
 * the user, so before a byte is read:
 *
 *   - TB_HOME, when it exists, must belong to the user and not be
 *     writable by group or others (tb creates it 0700);
 *   - the file of layer 2, also one named with --config or TB_CONFIG, must
 *     belong to the user or to root and not be writable by group or
 *     others.  Root's files are accepted as ssh accepts a root-owned
 *     ssh_config: root can change the account anyway, and a shared
 *     /etc/tb.conf is root's;
 *   - tb.env holds keys: it must belong to the user and give group and
 *     others nothing (chmod 600).
 *
 * Each file is checked on the descriptor that is then read, so a file
 * swapped in between is not read.  A refused file is TB_ECONFIG naming the
 * file and the chmod or chown that fixes it.
 *
 * Every value, from any layer, passes the one validator of its key.  A
 * bad value, an unknown key in the file or a file that does not parse is
 * TB_ECONFIG with a message naming the key, the value and where it was set.
 *
 * Secrets come from the environment, else from tb.env, never from tb.conf;
 * an empty value is no value.  Each is registered with log_secret() so no
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
#define CONFIG_NKEYS 34		/* entries of config_keys */
#define CONFIG_NSECRETS 8	/* entries of config_secrets */

enum approval_action { APPROVE_ALL, REJECT_ALL };

/* Where a value came from, lowest precedence first. */
enum config_source {
	CONFIG_UNSET,			/* a secret nobody set */
	CONFIG_DEFAULT,			/* built in */
	CONFIG_FILE,			/* tb.conf, or the file named */
	CONFIG_ENV_FILE,		/* $TB_HOME/tb.env */
	CONFIG_ENVIRONMENT		/* the process environment */
};

struct tb_config {
	char *home;			/* TB_HOME, no trailing slash */
	char *file;			/* the config file read, or NULL */
	char *env_file;			/* $TB_HOME/tb.env if read, or NULL */

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
	char *reddit_user_agent;	/* not secret: REDDIT_USER_AGENT, else
					 * made from reddit_username, else
					 * NULL (see reddit.h) */
	char *eodhd_api_key;		/* the second price source's; NULL: off */

	/*
	 * Each key's effective value as text and where it came from, and
	 * where each secret came from; read them with config_value and
	 * config_secret_source.
	 */
	char *values[CONFIG_NKEYS];
	enum config_source sources[CONFIG_NKEYS];
	enum config_source secret_sources[CONFIG_NSECRETS];
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

/*
 * The effective value of key as text (t212_base_url resolved) and, if src
 * is not NULL, where it came from; NULL for an unknown key.  The string
 * belongs to c.
 */
const char *config_value(const struct tb_config *c, const char *key,
    enum config_source *src);

/* Where the secret name (an entry of config_secrets) came from. */
enum config_source config_secret_source(const struct tb_config *c,
    const char *name);

/* "default", "tb.conf", "tb.env", "environment"; "unset". */
const char *config_source_name(enum config_source src);

/*
 * The key whose environment variable is name ("TB_MAX_PICKS" ->
 * "max_picks"), or NULL.  The string is static.
 */
const char *config_env_key(const char *name);

/* Parse "HH:MM" (exactly two digits each) into minutes; -1 if invalid. */
int config_parse_hhmm(const char *s);

/* Format minutes after midnight as "HH:MM" into buf (at least 6 bytes). */
void config_format_hhmm(int minutes, char *buf);

/* A key as tb.conf(5) documents it. */
struct config_doc {
	const char *key;
	const char *def;		/* the default, as text ("" for none) */
	const char *meaning;		/* one or two sentences */
	const char *unit;		/* whole numbers: "whole seconds"...; */
	long min, max;			/* and their range; else unit is NULL */
};

/*
 * The documentation of config_keys[i] into *d (strings are static): 0,
 * or -1 past the last key.  tools/confman.c makes tb.conf(5)'s list of
 * keys from it, so the page cannot drift from the table.
 */
int config_doc(size_t i, struct config_doc *d);

/* The names of all keys, NULL-terminated (for --help and docs). */
extern const char *const config_keys[];

/* The secrets' environment variables, NULL-terminated. */
extern const char *const config_secrets[];

/*
 * The TB_ variables tb reads that are not keys, NULL-terminated: TB_HOME
 * and TB_CONFIG (where the configuration is) and the test settings
 * (TB_NOW, ...).  They are read only from the environment.
 */
extern const char *const config_env_only[];

#endif
