/*
 * test_config - defaults, file values, TB_ overrides, validation, secrets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static char home[256];

static void
write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		printf("# cannot write %s\n", path);
	chmod(path, (mode_t)mode);
}

static void
test_defaults(void)
{
	struct tb_config c;
	tb_err e;

	CHECK(config_load(&c, NULL, &e) == 0, "defaults load");
	CHECK_STR(c.orchestrator_timezone, "Europe/Berlin", "timezone default");
	CHECK(c.approval_timeout_seconds == 120, "approval timeout default");
	CHECK(c.approval_timeout_action == APPROVE_ALL, "action default");
	CHECK(c.market_data_ticker_limit == 12, "ticker limit default");
	CHECK(c.ncollect == 3 && c.collect_minutes[0] == 480 &&
	    c.collect_minutes[1] == 720 && c.collect_minutes[2] == 990,
	    "collect times default 08:00,12:00,16:30");
	CHECK(c.execute_minute == 17 * 60 + 10, "execute time default");
	CHECK(c.misfire_grace_seconds == 300, "grace default");
	CHECK_NUM(c.daily_budget_eur, 100, 1e-9, "budget default");
	CHECK(c.max_picks == 5, "max_picks default");
	CHECK(c.nholidays == 0, "no holidays by default");
	CHECK_STR(c.approval_notify_command, "", "no notify command");
	CHECK(c.nsubreddits == 5 && strcmp(c.subreddits[0],
	    "wallstreetbets") == 0 && strcmp(c.subreddits[4], "EuropeFIRE")
	    == 0, "subreddits default");
	CHECK(c.t212_live == 0, "demo account by default");
	CHECK_STR(c.claude_model, "claude-sonnet-4-5", "claude model");
	CHECK_STR(c.minimax_model, "MiniMax-M2", "minimax model");
	CHECK_STR(c.reddit_base_url, "https://oauth.reddit.com", "reddit url");
	CHECK_STR(c.reddit_auth_url, "https://www.reddit.com", "reddit auth");
	CHECK_STR(c.yahoo_base_url, "https://query1.finance.yahoo.com", "yahoo");
	CHECK_STR(c.anthropic_base_url, "https://api.anthropic.com", "anthropic");
	CHECK_STR(c.minimax_base_url, "https://api.minimax.io", "minimax");
	CHECK_STR(c.t212_base_url, "https://demo.trading212.com",
	    "t212 url follows the demo environment");
	CHECK_STR(c.eodhd_base_url, "https://eodhd.com", "eodhd url");
	CHECK(c.eodhd_api_key == NULL, "no second price source by default");
	CHECK(c.anthropic_api_key == NULL && c.t212_api_key == NULL,
	    "no secrets without environment");
	CHECK(c.reddit_user_agent == NULL, "no Reddit User-Agent made up "
	    "without reddit_username (Reddit forbids a false one)");
	CHECK(c.file == NULL, "no file read");
	config_free(&c);
}

static void
test_overrides(void)
{
	struct tb_config c;
	tb_err e;
	char path[300];

	snprintf(path, sizeof path, "%s/tb.conf", home);
	write_file(path, "# comment\nmax_picks = 3\ndaily_budget_eur = 250.5\n"
	    "orchestrator_timezone = \"America/New_York\"\n"
	    "holidays = \"2026-12-24, 2026-12-31\"\n"
	    "subreddits = \"stocks,investing\"\n", 0644);
	setenv("TB_MAX_PICKS", "7", 1);
	setenv("TB_T212_ENVIRONMENT", "live", 1);
	setenv("TB_SCHEDULER_COLLECT_TIMES", "09:15,13:45", 1);
	setenv("TB_ANTHROPIC_BASE_URL", "http://127.0.0.1:9/anthropic/", 1);
	CHECK(config_load(&c, NULL, &e) == 0, "TB_HOME/tb.conf is read");
	CHECK(c.file != NULL && strstr(c.file, "tb.conf") != NULL,
	    "the file is named");
	CHECK(c.max_picks == 7, "environment wins over the file");
	CHECK_NUM(c.daily_budget_eur, 250.5, 1e-9, "file value applies");
	CHECK_STR(c.orchestrator_timezone, "America/New_York", "file zone");
	CHECK(c.nholidays == 2 && strcmp(c.holidays[1], "2026-12-31") == 0,
	    "holidays list, blanks trimmed");
	CHECK(c.nsubreddits == 2, "subreddits from the file");
	CHECK(c.t212_live == 1, "live from the environment");
	CHECK_STR(c.t212_base_url, "https://live.trading212.com",
	    "t212 url follows live");
	CHECK(c.ncollect == 2 && c.collect_minutes[1] == 13 * 60 + 45,
	    "collect times override");
	CHECK_STR(c.anthropic_base_url, "http://127.0.0.1:9/anthropic",
	    "trailing slash dropped from a base URL");
	config_free(&c);
	unsetenv("TB_MAX_PICKS");
	unsetenv("TB_T212_ENVIRONMENT");
	unsetenv("TB_SCHEDULER_COLLECT_TIMES");
	unsetenv("TB_ANTHROPIC_BASE_URL");
	unlink(path);
}

static void
test_secrets(void)
{
	struct tb_config c;
	tb_err e;
	char path[300];

	snprintf(path, sizeof path, "%s/tb.env", home);
	write_file(path, "# keys\nexport ANTHROPIC_API_KEY=\"sk-from-file\"\n"
	    "T212_API_KEY=t212-from-file\nMINIMAX_API_KEY=\n", 0600);
	setenv("T212_API_KEY", "t212-from-env", 1);
	CHECK(config_load(&c, NULL, &e) == 0, "env file with mode 0600 is read");
	CHECK_STR(c.anthropic_api_key, "sk-from-file", "key from tb.env");
	CHECK_STR(c.t212_api_key, "t212-from-env", "environment wins");
	CHECK(c.minimax_api_key == NULL, "an empty value is no key");
	CHECK(config_secret_source(&c, "ANTHROPIC_API_KEY") == CONFIG_ENV_FILE,
	    "the key's source is tb.env");
	CHECK(config_secret_source(&c, "T212_API_KEY") == CONFIG_ENVIRONMENT,
	    "the other's is the environment");
	CHECK(config_secret_source(&c, "MINIMAX_API_KEY") == CONFIG_UNSET,
	    "an unset key says so");
	CHECK(config_secret_source(&c, "REDDIT_USER_AGENT") == CONFIG_UNSET,
	    "no User-Agent without reddit_username");
	config_free(&c);
	setenv("TB_REDDIT_USERNAME", "some_one", 1);
	CHECK(config_load(&c, NULL, &e) == 0 && c.reddit_user_agent != NULL &&
	    strcmp(c.reddit_user_agent, "linux:tb:" TB_VERSION
	    " (by /u/some_one)") == 0 &&
	    config_secret_source(&c, "REDDIT_USER_AGENT") == CONFIG_DEFAULT,
	    "reddit_username makes the User-Agent Reddit's rules ask for");
	unsetenv("TB_REDDIT_USERNAME");
	CHECK(c.env_file != NULL && strcmp(c.env_file, path) == 0,
	    "the env file read is named");
	config_free(&c);
	unsetenv("T212_API_KEY");
	chmod(path, 0644);
	CHECK(config_load(&c, NULL, &e) == TB_ECONFIG && strstr(e.msg,
	    "chmod 600") != NULL && strstr(e.msg, path) != NULL,
	    "a readable env file is refused: %s", e.msg);
	chmod(path, 0620);
	CHECK(config_load(&c, NULL, &e) == TB_ECONFIG && strstr(e.msg,
	    "chmod 600") != NULL, "a group-writable one too: %s", e.msg);
	unlink(path);
}

/* Defaults, tb.conf, tb.env, environment: each wins over the one before. */
static void
test_layers(void)
{
	struct tb_config c;
	enum config_source src;
	char conf[300], env[300];
	tb_err e;

	snprintf(conf, sizeof conf, "%s/tb.conf", home);
	snprintf(env, sizeof env, "%s/tb.env", home);
	write_file(conf, "max_picks = 3\nmarket_parallel = 2\n"
	    "daily_budget_eur = 50\n", 0644);
	tb_err_clear(&e);
	write_file(env, "TB_MAX_PICKS=4\nTB_MARKET_PARALLEL = 3\n"
	    "export TB_HOLIDAYS='2026-12-24'\n", 0600);
	setenv("TB_MAX_PICKS", "6", 1);
	CHECK(config_load(&c, NULL, &e) == 0, "all four layers load: %s",
	    e.msg);
	CHECK(c.max_picks == 6 && strcmp(config_value(&c, "max_picks", &src),
	    "6") == 0 && src == CONFIG_ENVIRONMENT,
	    "the environment wins over tb.env");
	CHECK(c.market_parallel == 3 && strcmp(config_value(&c,
	    "market_parallel", &src), "3") == 0 && src == CONFIG_ENV_FILE,
	    "tb.env wins over tb.conf");
	CHECK(c.nholidays == 1 && config_value(&c, "holidays", &src) != NULL &&
	    src == CONFIG_ENV_FILE, "quotes dropped, export allowed");
	CHECK(c.daily_budget_eur == 50 && config_value(&c, "daily_budget_eur",
	    &src) != NULL && src == CONFIG_FILE, "tb.conf wins over defaults");
	CHECK(c.approval_timeout_seconds == 120 && strcmp(config_value(&c,
	    "approval_timeout_seconds", &src), "120") == 0 &&
	    src == CONFIG_DEFAULT, "a default is a default");
	CHECK_STR(config_value(&c, "t212_base_url", &src),
	    "https://demo.trading212.com", "t212_base_url shown resolved");
	CHECK(config_value(&c, "no_such_key", NULL) == NULL, "unknown key");
	config_free(&c);
	unsetenv("TB_MAX_PICKS");
	write_file(env, "TB_MAX_PICKS=0\n", 0600);
	CHECK(config_load(&c, NULL, &e) == TB_ECONFIG &&
	    strstr(e.msg, "max_picks") != NULL &&
	    strstr(e.msg, "TB_MAX_PICKS in") != NULL &&
	    strstr(e.msg, env) != NULL,
	    "a bad value in tb.env names the key and the file: %s", e.msg);
	unlink(env);
	unlink(conf);
}

/* What tb.env may not hold is an error naming it and the file. */
static void
test_env_file_names(void)
{
	static const struct {
		const char *line, *says;
	} cases[] = {
		{ "TB_MAX_PICS=3", "TB_MAX_PICS is not a variable tb reads" },
		{ "TB_HOME=/elsewhere", "TB_HOME cannot be set in tb.env" },
		{ "TB_CONFIG=/x.conf", "TB_CONFIG cannot be set in tb.env" },
		{ "TB_NOW=2026-03-30T17:10:00Z", "only from the environment" },
		{ "max_picks=3", "write it TB_MAX_PICKS" },
		{ "PATH=/usr/bin", "PATH is not a variable tb reads" },
		{ "just words", "want NAME=VALUE" },
	};
	struct tb_config c;
	char path[300], text[200];
	size_t i;
	tb_err e;

	snprintf(path, sizeof path, "%s/tb.env", home);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "# a comment\n\n%s\n",
		    cases[i].line);
		write_file(path, text, 0600);
		tb_err_clear(&e);
		CHECK(config_load(&c, NULL, &e) == TB_ECONFIG &&
		    strstr(e.msg, cases[i].says) != NULL &&
		    strstr(e.msg, path) != NULL && strstr(e.msg, "line 3"),
		    "tb.env \"%s\" refused: %s", cases[i].line, e.msg);
	}
	unlink(path);
}

/* tb.conf, tb.env and TB_HOME that others could change are not used. */
static void
test_trust(void)
{
	struct tb_config c;
	char conf[300], env[300];
	tb_err e;

	snprintf(conf, sizeof conf, "%s/tb.conf", home);
	snprintf(env, sizeof env, "%s/tb.env", home);
	write_file(conf, "max_picks = 3\n", 0664);
	CHECK(config_load(&c, NULL, &e) == TB_ECONFIG && strstr(e.msg, conf) &&
	    strstr(e.msg, "chmod go-w"), "a group-writable tb.conf: %s", e.msg);
	chmod(conf, 0646);
	CHECK(config_load(&c, NULL, &e) == TB_ECONFIG && strstr(e.msg, conf),
	    "an other-writable tb.conf: %s", e.msg);
	CHECK(config_load(&c, conf, &e) == TB_ECONFIG && strstr(e.msg, conf),
	    "also when named with --config: %s", e.msg);
	chmod(conf, 0644);
	CHECK(config_load(&c, conf, &e) == 0 && c.max_picks == 3,
	    "0644 is read");
	config_free(&c);
	if (geteuid() == 0) {
		CHECK(chown(conf, 65534, 65534) == 0, "chown to nobody");
		CHECK(config_load(&c, NULL, &e) == TB_ECONFIG &&
		    strstr(e.msg, conf) && strstr(e.msg, "chown"),
		    "a tb.conf of another user: %s", e.msg);
		write_file(env, "TB_MAX_PICKS=2\n", 0600);
		unlink(conf);
		CHECK(chown(env, 65534, 65534) == 0, "chown to nobody");
		CHECK(config_load(&c, NULL, &e) == TB_ECONFIG &&
		    strstr(e.msg, env) && strstr(e.msg, "chown"),
		    "a tb.env of another user: %s", e.msg);
		unlink(env);
	}
	unlink(conf);
	chmod(home, 0775);
	CHECK(config_load(&c, NULL, &e) == TB_ECONFIG && strstr(e.msg, home) &&
	    strstr(e.msg, "chmod 700"), "a group-writable TB_HOME: %s", e.msg);
	chmod(home, 0700);
	CHECK(config_load(&c, NULL, &e) == 0, "a 0700 TB_HOME is used");
	config_free(&c);
}

static void
test_env_key(void)
{
	CHECK_STR(config_env_key("TB_MAX_PICKS"), "max_picks", "TB_MAX_PICKS");
	CHECK_STR(config_env_key("TB_T212_TIMEOUT_SECONDS"),
	    "t212_timeout_seconds", "TB_T212_TIMEOUT_SECONDS");
	CHECK(config_env_key("TB_HOME") == NULL, "TB_HOME is no key");
	CHECK(config_env_key("max_picks") == NULL, "a key is no variable");
}

static void
test_check(void)
{
	static const struct {
		const char *key, *value;
		int ok;
	} cases[] = {
		{ "orchestrator_timezone", "Europe/Berlin", 1 },
		{ "orchestrator_timezone", "Europe/Atlantis", 0 },
		{ "scheduler_execute_time", "25:00", 0 },
		{ "scheduler_execute_time", "7:10", 0 },
		{ "scheduler_execute_time", "23:59", 1 },
		{ "scheduler_collect_times", "08:00,08:00", 0 },
		{ "scheduler_collect_times", "08:00,noon", 0 },
		{ "scheduler_collect_times", "", 0 },
		{ "daily_budget_eur", "-5", 0 },
		{ "daily_budget_eur", "0", 0 },
		{ "daily_budget_eur", "abc", 0 },
		{ "daily_budget_eur", "nan", 0 },
		{ "daily_budget_eur", "inf", 0 },
		{ "daily_budget_eur", "12.50", 1 },
		{ "approval_timeout_action", "approve_some", 0 },
		{ "approval_timeout_action", "reject_all", 1 },
		{ "approval_timeout_seconds", "12x", 0 },
		{ "approval_timeout_seconds", "-1", 0 },
		{ "approval_timeout_seconds", "0", 1 },
		{ "max_picks", "0", 0 },
		{ "max_picks", "five", 0 },
		{ "market_data_ticker_limit", "99999999999999999999", 0 },
		{ "holidays", "2026-02-30", 0 },
		{ "holidays", "2026-12-24,2026-12-25", 1 },
		{ "subreddits", "stocks,bad name", 0 },
		{ "t212_environment", "paper", 0 },
		{ "claude_model", "", 0 },
		{ "yahoo_base_url", "ftp://x", 0 },
		{ "yahoo_base_url", "http://127.0.0.1:80/y", 1 },
		{ "no_such_key", "1", 0 },
		{ "alert_command", "curl -d @- https://chat.example/hook", 1 },
		{ "alert_command", "one\ntwo", 0 },
		{ "approval_notify_command", "a\rb", 0 },
		{ "mail_to", "", 1 },
		{ "mail_to", "ops@example.org,root", 1 },
		{ "mail_to", "ops@example.org\nSHELL=/bin/sh", 0 },
		{ "mail_to", "\"x\"", 0 },
		{ "log_keep_days", "90", 1 },
		{ "log_keep_days", "3651", 0 },
		{ "scheduler_report_time", "22:30", 1 },
		{ "scheduler_report_time", "2230", 0 },
		{ "benchmark_symbol", "^GSPC", 1 },
		{ "benchmark_symbol", "", 0 },
		{ "virtual_fx_fee_pct", "0", 1 },
		{ "virtual_fx_fee_pct", "-0.1", 0 },
		{ "virtual_fx_fee_pct", "nan", 0 },
		{ "market_parallel", "1", 1 },
		{ "market_parallel", "0", 0 },
		{ "llm_timeout_seconds", "0.5", 1 },
		{ "llm_timeout_seconds", "inf", 0 },
		{ "reddit_username", "", 1 },
		{ "reddit_username", "some_one-2", 1 },
		{ "reddit_username", "ab", 0 },
		{ "reddit_username", "a b c", 0 },
		{ "t212_timeout_seconds", "600", 1 },
		{ "t212_timeout_seconds", "30s", 0 },
	};
	size_t i;
	tb_err e;
	int rc;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tb_err_clear(&e);
		rc = config_check(cases[i].key, cases[i].value, &e);
		if (cases[i].ok)
			CHECK(rc == 0, "%s = \"%s\" accepted", cases[i].key,
			    cases[i].value);
		else
			CHECK(rc == TB_ECONFIG && strstr(e.msg, cases[i].key)
			    != NULL, "%s = \"%s\" refused naming the key",
			    cases[i].key, cases[i].value);
	}
}

extern char **environ;

/* Start from no TB_ variable and no key, whatever the machine has. */
static void
clean_environment(void)
{
	static const char *const keys[] = {
		"ANTHROPIC_API_KEY", "MINIMAX_API_KEY", "T212_API_KEY",
		"T212_API_SECRET", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET",
		"REDDIT_USER_AGENT", "EODHD_API_KEY"
	};
	char name[128];
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		unsetenv(keys[i]);
	for (i = 0; environ[i] != NULL; ) {
		if (strncmp(environ[i], "TB_", 3) == 0 &&
		    sscanf(environ[i], "%127[^=]", name) == 1) {
			unsetenv(name);
			i = 0;
		} else
			i++;
	}
}

int
main(void)
{
	char tmpl[] = "/tmp/tb-test-config-XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return 1;
	snprintf(home, sizeof home, "%s", tmpl);
	clean_environment();
	setenv("TB_HOME", home, 1);
	test_defaults();
	test_overrides();
	test_secrets();
	test_layers();
	test_env_file_names();
	test_trust();
	test_env_key();
	test_check();
	rmdir(home);
	return unit_done();
}
