/*
 * test_approve.c - tb-approve's step (approve.h) without the program:
 * the table of rules, a piped answer, TB_APPROVE_POLL_MS, the picks and a
 * decision in words (approval_text.h), crashed runs (runs.h), and
 * approve_day() / approve_await() on a scratch database, the answer in a
 * pipe and the terminal in memory.
 */
#include "approval_text.h"
#include "approve.h"
#include "lock.h"
#include "runs.h"
#include "unit.h"
#include "unitdb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAY "2026-03-30"

/* ---- The rules as a table. */

static void
test_plan(void)
{
	static const struct {
		enum approve_mode mode;
		int decided, executed, force, piped;
		enum approve_plan want;
		const char *why;
	} cases[] = {
		{ APPROVE_MODE_PROMPT, 0, 0, 0, 0, APPROVE_PLAN_ASK,
		    "an open day at the terminal: ask" },
		{ APPROVE_MODE_ALL, 0, 0, 0, 0, APPROVE_PLAN_DECIDE,
		    "an open day with --all: decide" },
		{ APPROVE_MODE_PICK, 0, 0, 1, 0, APPROVE_PLAN_DECIDE,
		    "--force on an open day changes nothing" },
		{ APPROVE_MODE_PROMPT, 1, 0, 0, 0, APPROVE_PLAN_KEEP,
		    "a decided day at the terminal: not even asked" },
		{ APPROVE_MODE_NO_APPROVAL, 1, 0, 0, 0, APPROVE_PLAN_KEEP,
		    "a decided day with --no-approval: a skip" },
		{ APPROVE_MODE_NO_APPROVAL, 1, 1, 0, 0, APPROVE_PLAN_KEEP,
		    "tb-daily rerun after execution: a skip, not a refusal" },
		{ APPROVE_MODE_NONE, 1, 0, 0, 0, APPROVE_PLAN_REFUSE_DECIDED,
		    "a decided day with --none: refused" },
		{ APPROVE_MODE_PICK, 1, 0, 0, 0, APPROVE_PLAN_REFUSE_DECIDED,
		    "a decided day with --pick: refused" },
		{ APPROVE_MODE_ALL, 1, 0, 1, 0, APPROVE_PLAN_DECIDE,
		    "--force decides a decided day again" },
		{ APPROVE_MODE_PROMPT, 1, 0, 1, 0, APPROVE_PLAN_ASK,
		    "--force at the terminal asks again" },
		{ APPROVE_MODE_ALL, 1, 1, 1, 0, APPROVE_PLAN_REFUSE_EXECUTED,
		    "after execution not even --force" },
		{ APPROVE_MODE_ALL, 0, 1, 0, 0, APPROVE_PLAN_REFUSE_EXECUTED,
		    "execution without a decision: refused" },
		{ APPROVE_MODE_PROMPT, 1, 1, 1, 0, APPROVE_PLAN_REFUSE_EXECUTED,
		    "the prompt with --force after execution: refused" },
		{ APPROVE_MODE_AWAIT, 0, 0, 0, 0, APPROVE_PLAN_WAIT,
		    "cron on an open day: wait" },
		{ APPROVE_MODE_AWAIT, 0, 0, 0, 1, APPROVE_PLAN_WAIT,
		    "an open day, an answer piped: wait and read it" },
		{ APPROVE_MODE_AWAIT, 1, 0, 0, 0, APPROVE_PLAN_KEEP,
		    "cron on a decided day: a skip" },
		{ APPROVE_MODE_AWAIT, 1, 1, 0, 0, APPROVE_PLAN_KEEP,
		    "cron after execution: a skip" },
		{ APPROVE_MODE_AWAIT, 1, 0, 1, 0, APPROVE_PLAN_KEEP,
		    "--await --force without a pipe: nothing to decide with" },
		{ APPROVE_MODE_AWAIT, 1, 0, 0, 1, APPROVE_PLAN_KEEP,
		    "a piped answer on a decided day without --force: a skip" },
		{ APPROVE_MODE_AWAIT, 1, 0, 1, 1, APPROVE_PLAN_WAIT_ANSWER,
		    "a piped answer with --force: only it decides again" },
		{ APPROVE_MODE_AWAIT, 1, 1, 1, 1, APPROVE_PLAN_REFUSE_EXECUTED,
		    "a piped answer with --force after execution: refused" },
		{ APPROVE_MODE_AWAIT, 0, 1, 0, 0, APPROVE_PLAN_REFUSE_EXECUTED,
		    "waiting when execution started undecided: refused" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(approve_plan(cases[i].mode, cases[i].decided,
		    cases[i].executed, cases[i].force, cases[i].piped) ==
		    cases[i].want, "plan: %s", cases[i].why);
}

/* ---- Picks in memory. */

static struct approval_pick three[] = {
	{ 11, 1, "ASML.AS", "ASML Holding N.V.", 40, 40,
	    "EUV monopoly; AI capex chatter on r/stocks.", 1, 612.3, "EUR" },
	{ 12, 2, "SAP.DE", "SAP SE", 35, 35, "Cloud growth.", 1, 171.84,
	    "EUR" },
	{ 13, 3, "NVDA", NULL, 25, 25, "Most mentioned.", 0, 0, NULL },
};

static const struct approval_picks picks = { "claude", three, 3 };

static void
test_piped_answer(void)
{
	struct approval_decision d;
	tb_err e;

	CHECK(approve_piped_answer("", &picks, &d, &e) == 0 &&
	    approve_piped_answer(" \t\r", &picks, &d, &e) == 0,
	    "a blank line is no answer: read on");
	CHECK(approve_piped_answer("1,3", &picks, &d, &e) == 1 &&
	    d.choice == APPROVAL_SUBSET && d.nindices == 2 &&
	    d.indices[0] == 1 && d.indices[1] == 3, "1,3 is a subset");
	approval_decision_free(&d);
	CHECK(approve_piped_answer(" R ", &picks, &d, &e) == 1 &&
	    d.choice == APPROVAL_REJECT_ALL, "r rejects all");
	CHECK(approve_piped_answer("3 2 1", &picks, &d, &e) == 1 &&
	    d.choice == APPROVAL_APPROVE_ALL, "every number is approve_all");
	CHECK(approve_piped_answer("y", &picks, &d, &e) == TB_EDATA,
	    "y is not an answer: bad data");
	CHECK_STR(e.msg, "standard input: \"y\" is not a pick number; answer "
	    "a, r, or pick numbers like 1,3 (nothing decided)",
	    "and the message says what to answer");
	CHECK(approve_piped_answer("4", &picks, &d, &e) == TB_EDATA &&
	    strstr(e.msg, "pick 4 is out of range") != NULL &&
	    d.indices == NULL, "a number that is no pick: nothing decided");
}

static void
test_poll_ms(void)
{
	long ms = 0;
	tb_err e;

	CHECK(approve_poll_ms(NULL, &ms, &e) == 0 && ms == 1000,
	    "unset: once a second");
	CHECK(approve_poll_ms("", &ms, &e) == 0 && ms == 1000,
	    "empty: once a second");
	CHECK(approve_poll_ms("50", &ms, &e) == 0 && ms == 50, "50 ms");
	CHECK(approve_poll_ms("10", &ms, &e) == 0 && ms == 10 &&
	    approve_poll_ms("60000", &ms, &e) == 0 && ms == 60000,
	    "10 and 60000 are the bounds");
	CHECK(approve_poll_ms("9", &ms, &e) == TB_ECONFIG &&
	    strstr(e.msg, "TB_APPROVE_POLL_MS = \"9\"") != NULL,
	    "below 10 is a configuration error naming the variable");
	CHECK(approve_poll_ms("60001", &ms, &e) == TB_ECONFIG &&
	    approve_poll_ms("1s", &ms, &e) == TB_ECONFIG &&
	    approve_poll_ms("-50", &ms, &e) == TB_ECONFIG,
	    "too slow, units and negatives are refused");
}

/* ---- Text. */

static void
test_text(void)
{
	struct approval_decision all = { APPROVAL_APPROVE_ALL, NULL, 0 };
	struct approval_decision none = { APPROVAL_REJECT_ALL, NULL, 0 };
	int idx[] = { 1, 3 };
	struct approval_decision some = { APPROVAL_SUBSET, idx, 2 };
	char *s, *table = NULL;
	size_t size = 0;
	FILE *f;

	s = approval_describe(&picks, &all, DAY);
	CHECK_STR(s, "Approved all 3 pick(s) of claude for 2026-03-30: 100.00 "
	    "EUR in orders.", "approve_all in words");
	free(s);
	s = approval_describe(&picks, &none, DAY);
	CHECK_STR(s, "Rejected all 3 pick(s) of claude for 2026-03-30: no real "
	    "orders.", "reject_all in words");
	free(s);
	s = approval_describe(&picks, &some, DAY);
	CHECK_STR(s, "Approved 1 (ASML.AS), 3 (NVDA) of claude for 2026-03-30: "
	    "65.00 EUR in orders; rejected 2 (SAP.DE).", "a subset in words");
	free(s);

	s = approval_printable("a\033]0;x\007b\302\233c\177d \303\251");
	CHECK_STR(s, "a ]0;x b c d \303\251",
	    "C0, C1 and DEL become spaces; other UTF-8 stays");
	free(s);

	if ((f = open_memstream(&table, &size)) == NULL) {
		printf("Bail out! open_memstream\n");
		exit(1);
	}
	approval_print_table(f, &picks, DAY, "minimax", 0);
	fclose(f);
	CHECK(strstr(table, "claude is the main trader on 2026-03-30") !=
	    NULL && strstr(table, "(Trading 212 demo account).  minimax's "
	    "picks") != NULL, "the table says who trades on which account");
	CHECK(strstr(table, "   1  ASML.AS    ASML Holding N.V.              "
	    "40.0%     40.00  612.30 EUR\n") != NULL,
	    "a pick's row: number, ticker, name, allocation, EUR, price");
	CHECK(strstr(table, "   3  NVDA       -                              "
	    "25.0%     25.00  -\n") != NULL,
	    "no name, no price: dashes");
	CHECK(strstr(table, "      EUV monopoly; AI capex chatter on "
	    "r/stocks.\n") != NULL, "the reason under its pick");
	CHECK(strstr(table, "total") != NULL && strstr(table, "100.0%    "
	    "100.00") != NULL, "and the totals");
	free(table);
}

/* ---- On a database. */

static sqlite3 *db;
static struct tb_config cfg;
static FILE *quiet;		/* the terminal of tests that do not read it */

static void
sql(const char *text)
{
	char *err = NULL;

	if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK) {
		printf("Bail out! %s: %s\n", text, err);
		exit(1);
	}
}

static void
seed(void)
{
	sql("DELETE FROM approvals; DELETE FROM daily_picks; "
	    "DELETE FROM llm_runs; DELETE FROM runs;");
	sql("INSERT INTO llm_runs (id, date, llm_name, provider, model, status, "
	    "started_at) VALUES (1, '2026-03-30', 'claude', 'anthropic', "
	    "'claude-sonnet-4-5', 'ok', '2026-03-30T15:10:05Z');"
	    "INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct, "
	    "amount_eur, reasoning, is_main_trader, pick_index, llm_run_id, "
	    "created_at) VALUES "
	    "('2026-03-30', 'claude', 'ASML.AS', 40, 40, 'EUV.', 1, 1, 1, "
	    "'2026-03-30T15:11:00Z'),"
	    "('2026-03-30', 'claude', 'SAP.DE', 35, 35, 'Cloud.', 1, 2, 1, "
	    "'2026-03-30T15:11:00Z'),"
	    "('2026-03-30', 'claude', 'NVDA', 25, 25, 'Chatter.', 1, 3, 1, "
	    "'2026-03-30T15:11:00Z');"
	    "INSERT INTO runs (id, program, date, started_at) VALUES "
	    "(7, 'tb-approve', '2026-03-30', '2026-03-30T15:12:00Z');");
}

static const char *
query(const char *text)
{
	static char buf[256];

	return unitdb_query(db, text, buf, sizeof buf);
}

/* An input for DAY: mode, the answer in the pipe fds (or none), tty. */
static void
input(struct approve_input *in, enum approve_mode mode, int fd, FILE *tty)
{
	memset(in, 0, sizeof *in);
	in->db = db;
	in->cfg = &cfg;
	in->day = DAY;
	in->main_trader = "claude";
	in->virtual_trader = "minimax";
	in->run_id = 7;
	in->mode = mode;
	in->timeout_s = 30;
	in->poll_ms = 10;
	in->in_fd = fd;
	in->tty = tty;
}

/* A pipe holding text, its writer closed: its read end. */
static int
piped(const char *text)
{
	int fds[2];

	if (pipe(fds) != 0 || write(fds[1], text, strlen(text)) !=
	    (ssize_t)strlen(text) || close(fds[1]) != 0) {
		printf("Bail out! pipe: %s\n", strerror(errno));
		exit(1);
	}
	return fds[0];
}

static int
starts(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

static void
done(struct approve_result *out)
{
	lock_release(out->lock_fd);
	approve_result_free(out);
}

static void
test_day_prompt(void)
{
	struct approve_input in;
	struct approve_result out;
	char *shown = NULL;
	size_t size = 0;
	FILE *tty;
	tb_err e;
	int fd, rc;

	seed();
	fd = piped("4\n1,3\n");
	if ((tty = open_memstream(&shown, &size)) == NULL)
		exit(1);
	input(&in, APPROVE_MODE_PROMPT, fd, tty);
	rc = approve_day(&in, &out, &e);
	fclose(tty);
	close(fd);
	CHECK(rc == 0 && out.outcome == APPROVE_STORED && out.decided,
	    "the prompt: an answer is stored");
	CHECK(out.lock_fd >= 0, "the lock is handed to the caller");
	CHECK_STR(out.main_trader, "claude", "whose picks they were");
	CHECK(out.record.decision.choice == APPROVAL_SUBSET &&
	    out.record.decision.nindices == 2 && out.picks.npicks == 3,
	    "the result holds the decision and the picks");
	CHECK_STR(out.record.decided_by, "cli", "decided_by cli");
	CHECK(strstr(shown, "pick 4 is out of range: the picks are 1 to 3; "
	    "answer a, r, or pick numbers like 1,3.\n") != NULL,
	    "a wrong answer is explained at the terminal");
	CHECK(strstr(shown, "Approved 1 (ASML.AS), 3 (NVDA) of claude") !=
	    NULL, "the decision is said at the terminal");
	CHECK_STR(query("SELECT decision || ':' || indices || ':' || decided_by "
	    "FROM approvals"), "subset:1,3:cli", "and stored");
	done(&out);
	free(shown);

	/* The same day again: not even asked. */
	shown = NULL;
	fd = piped("r\n");
	if ((tty = open_memstream(&shown, &size)) == NULL)
		exit(1);
	input(&in, APPROVE_MODE_PROMPT, fd, tty);
	rc = approve_day(&in, &out, &e);
	fclose(tty);
	close(fd);
	CHECK(rc == 0 && out.outcome == APPROVE_UNCHANGED && out.decided &&
	    starts(out.reason, "already decided: subset 1,3 by cli at "),
	    "a decided day: unchanged, says why");
	CHECK(strstr(shown, "numbers like 1,3: ") == NULL,
	    "and no prompt was shown");
	done(&out);
	free(shown);
}

static void
test_day_flags(void)
{
	struct approval_decision pick = { APPROVAL_SUBSET, (int[]){ 2, 4 }, 2 };
	struct approve_input in;
	struct approve_result out;
	tb_err e;
	int rc;

	seed();
	input(&in, APPROVE_MODE_PICK, -1, quiet);
	in.pick = &pick;
	rc = approve_day(&in, &out, &e);
	CHECK(rc == TB_EDATA && out.outcome == APPROVE_NOT_DONE &&
	    !out.decided, "--pick 2,4: bad data, nothing decided");
	CHECK_STR(e.msg, "pick 4 is out of range: the picks are 1 to 3",
	    "and the message names the number");
	done(&out);

	input(&in, APPROVE_MODE_NO_APPROVAL, -1, quiet);
	rc = approve_day(&in, &out, &e);
	CHECK(rc == 0 && out.outcome == APPROVE_STORED &&
	    strcmp(out.record.decided_by, "no-approval") == 0,
	    "--no-approval stores approve_all by no-approval");
	done(&out);

	input(&in, APPROVE_MODE_NONE, -1, quiet);
	rc = approve_day(&in, &out, &e);
	CHECK(rc == TB_EDATA && out.outcome == APPROVE_UNCHANGED &&
	    out.decided && out.record.decision.choice ==
	    APPROVAL_APPROVE_ALL, "--none on a decided day: refused, the "
	    "decision that stands reported");
	CHECK(strstr(e.msg, "; use --force to decide again (before "
	    "execution)") != NULL, "the refusal says --force");
	done(&out);

	input(&in, APPROVE_MODE_NONE, -1, quiet);
	in.force = 1;
	rc = approve_day(&in, &out, &e);
	CHECK(rc == 0 && out.outcome == APPROVE_STORED &&
	    out.record.decision.choice == APPROVAL_REJECT_ALL,
	    "--none --force decides again");
	CHECK_STR(query("SELECT count(*) FROM approvals WHERE superseded_at IS "
	    "NOT NULL"), "1", "the old decision superseded");
	done(&out);

	in.main_trader = NULL;
	rc = approve_day(&in, &out, &e);
	CHECK(rc == 0 && out.outcome == APPROVE_NO_TRADER &&
	    out.main_trader == NULL && strcmp(out.reason, "nothing to "
	    "approve: no main trader on a weekend") == 0,
	    "no main trader: nothing to approve");
	done(&out);

	in.main_trader = "claude";
	in.day = "2026-03-31";
	rc = approve_day(&in, &out, &e);
	CHECK(rc == 0 && out.outcome == APPROVE_NO_PICKS && out.reason !=
	    NULL && strstr(out.reason, "has tb-decide run?") != NULL,
	    "no picks: nothing to approve, says why");
	done(&out);
}

static void
test_await(void)
{
	struct approve_input in;
	struct approve_result out, held;
	tb_err e;
	int fd, rc;

	seed();
	fd = piped("\n  \n1,3");
	input(&in, APPROVE_MODE_AWAIT, fd, quiet);
	rc = approve_await(&in, &out, &e);
	close(fd);
	CHECK(rc == 0 && out.outcome == APPROVE_STORED && out.waited &&
	    strcmp(out.record.decided_by, "cli") == 0 &&
	    out.record.decision.choice == APPROVAL_SUBSET,
	    "await: a piped answer decides (blank lines skipped)");
	done(&out);

	seed();
	fd = piped("y\n");
	input(&in, APPROVE_MODE_AWAIT, fd, quiet);
	rc = approve_await(&in, &out, &e);
	close(fd);
	CHECK(rc == TB_EDATA && !out.decided && strcmp(query("SELECT count(*) "
	    "FROM approvals"), "0") == 0, "a piped non-answer decides nothing");
	done(&out);

	cfg.approval_timeout_action = REJECT_ALL;
	fd = piped("");
	input(&in, APPROVE_MODE_AWAIT, fd, quiet);
	in.timeout_s = 0;
	rc = approve_await(&in, &out, &e);
	close(fd);
	CHECK(rc == 0 && out.outcome == APPROVE_STORED && out.waited &&
	    strcmp(out.record.decided_by, "timeout") == 0 &&
	    out.record.decision.choice == APPROVAL_REJECT_ALL,
	    "nobody answers: the policy, decided_by timeout");
	cfg.approval_timeout_action = APPROVE_ALL;

	/* The first waiter still holds its lock. */
	input(&in, APPROVE_MODE_AWAIT, -1, quiet);
	rc = approve_await(&in, &held, &e);
	CHECK(rc == TB_ELOCKED && held.lock_fd == -1 &&
	    strstr(e.msg, "tb-approve-await.lock") != NULL,
	    "a second waiter is refused with 75");
	done(&held);
	done(&out);

	rc = approve_await(&in, &out, &e);
	CHECK(rc == 0 && out.outcome == APPROVE_UNCHANGED && !out.waited &&
	    out.record.decision.choice == APPROVAL_REJECT_ALL,
	    "a decided day: the wait reports the decision, a skip");
	done(&out);

	sql("INSERT INTO trades (date, llm_name, ticker, kind, side, status, "
	    "created_at) VALUES ('2026-03-30', 'claude', 'ASML.AS', 'real', "
	    "'buy', 'pending', '2026-03-30T15:13:00Z')");
	input(&in, APPROVE_MODE_ALL, -1, quiet);
	in.force = 1;
	rc = approve_day(&in, &out, &e);
	CHECK(rc == TB_EDATA && starts(e.msg, "execution started for "
	    "2026-03-30 (1 real order(s) are recorded for 2026-03-30): "),
	    "after execution not even --force");
	done(&out);
	sql("DELETE FROM trades");
}

static void
test_crashed_runs(void)
{
	struct approve_input in;
	struct approve_result out;
	tb_err e;
	int n, other;

	seed();
	sql("INSERT INTO runs (id, program, date, started_at) VALUES "
	    "(3, 'tb-approve', '2026-03-30', '2026-03-30T15:00:00Z'),"
	    "(4, 'tb-decide', '2026-03-30', '2026-03-30T15:00:00Z'),"
	    "(9, 'tb-approve', '2026-03-30', '2026-03-30T15:13:00Z')");
	CHECK(runs_mark_crashed(db, "tb-approve", 7, &n, &e) == 0 && n == 1,
	    "one earlier run marked");
	CHECK_STR(query("SELECT group_concat(id || ':' || status) FROM "
	    "(SELECT * FROM runs ORDER BY id)"),
	    "3:crashed,4:running,7:running,9:running",
	    "older runs of the program only; ours and later ones stay");
	CHECK(runs_mark_crashed(db, "tb-decide", 0, &n, &e) == 0 && n == 1 &&
	    strcmp(query("SELECT status FROM runs WHERE id = 4"), "crashed") ==
	    0, "before_id 0: every one left running");

	/* A waiter alive: a decider must not mark it. */
	sql("UPDATE runs SET status = 'running'");
	if (lock_acquire(unitdb_home, "tb-approve-await", &other, &e) != 0) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
	input(&in, APPROVE_MODE_ALL, -1, quiet);
	in.run_id = 9;
	CHECK(approve_day(&in, &out, &e) == 0, "a decider runs");
	CHECK_STR(query("SELECT status FROM runs WHERE id = 3"), "running",
	    "while another tb-approve holds a lock, no run is marked crashed");
	done(&out);
	lock_release(other);
	sql("DELETE FROM approvals; UPDATE daily_picks SET status = "
	    "'proposed'");
	CHECK(approve_day(&in, &out, &e) == 0 && strcmp(query("SELECT "
	    "group_concat(id || ':' || status) FROM (SELECT * FROM runs "
	    "ORDER BY id)"),
	    "3:crashed,4:running,7:crashed,9:running") == 0,
	    "with both locks free, older tb-approve runs are marked crashed");
	done(&out);
}

/* unitdb_remove() removes the database; the locks are ours. */
static void
remove_locks(void)
{
	static const char *const names[] = {
		"locks/tb-approve.lock", "locks/tb-approve-await.lock", "locks"
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", unitdb_home, names[i]);
		if (remove(path) != 0)
			printf("# cannot remove %s: %s\n", path,
			    strerror(errno));
	}
}

int
main(void)
{
	test_plan();
	test_piped_answer();
	test_poll_ms();
	test_text();
	if ((quiet = fopen("/dev/null", "w")) == NULL) {
		printf("Bail out! /dev/null: %s\n", strerror(errno));
		return 1;
	}
	db = unitdb_fresh("approve");
	memset(&cfg, 0, sizeof cfg);
	cfg.home = unitdb_home;
	cfg.approval_timeout_action = APPROVE_ALL;
	cfg.approval_notify_command = (char *)"";
	cfg.daily_budget_eur = 100;
	test_day_prompt();
	test_day_flags();
	test_await();
	test_crashed_runs();
	db_close(db);
	remove_locks();
	unitdb_remove();
	fclose(quiet);
	return unit_done();
}
