/*
 * test_notify.c - hooks run with a JSON document on stdin (notify.h): the
 * document reaches the command, its stdout goes to our stderr, its exit
 * status is logged, no secret and no open file of ours reaches it, and
 * nothing about it can hold us: not a command that never reads, not one
 * that never ends.
 */
#include "log.h"
#include "notify.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Long enough for any command here to end on a loaded machine. */
#define WAIT_MS 20000

static char dir[64];
static int saved_stderr = -1;

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static const char *
path(const char *name)
{
	static char buf[128];

	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

/* The whole of a file written by a command (static), or "(missing)". */
static const char *
slurp(const char *name)
{
	static char buf[4096];
	FILE *f;
	size_t n;

	if ((f = fopen(path(name), "r")) == NULL)
		return "(missing)";
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Our stderr into the file name until stderr_back(). */
static void
stderr_to(const char *name)
{
	int fd;

	fflush(stderr);
	if ((saved_stderr = dup(STDERR_FILENO)) < 0 ||
	    (fd = open(path(name), O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0 || close(fd) != 0)
		bail("redirect stderr");
}

static void
stderr_back(void)
{
	fflush(stderr);
	if (dup2(saved_stderr, STDERR_FILENO) < 0 || close(saved_stderr) != 0)
		bail("restore stderr");
}

/* Run command with json; wait for it; its status, or -1 if not run. */
static int
run(const char *command, const char *json, struct notify *n)
{
	if (notify_start(n, "test_hook", command, json) != 0 || n->pid <= 0)
		return -1;
	if (notify_reap(n, WAIT_MS) != 0)
		return -1;
	return n->status;
}

static void
test_input_and_status(void)
{
	struct notify n;
	char cmd[256];
	int st;

	snprintf(cmd, sizeof cmd, "cat > %s", path("in.json"));
	st = run(cmd, "{\"date\":\"2026-03-30\"}", &n);
	CHECK(st != -1 && n.ended && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    n.pid == 0, "the command ran to its end, exit status 0");
	CHECK_STR(slurp("in.json"), "{\"date\":\"2026-03-30\"}\n",
	    "its stdin is the document and a newline");

	snprintf(cmd, sizeof cmd, "wc -c > %s", path("empty"));
	st = run(cmd, NULL, &n);
	CHECK(st != -1 && WIFEXITED(st), "a command without a document runs");
	CHECK_STR(slurp("empty"), "0\n", "and its stdin is empty");

	st = run("exit 3", "{}", &n);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 3,
	    "a failing command's exit status is kept");
	st = run("kill -9 $$", "{}", &n);
	CHECK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	    "a killed command's signal is kept");
}

static void
test_output_and_log(void)
{
	struct notify n;
	const char *err;
	char saved[4096];

	stderr_to("stderr");
	(void)run("echo to-stdout; echo to-stderr >&2; exit 4", "{}", &n);
	stderr_back();
	snprintf(saved, sizeof saved, "%s", slurp("stderr"));
	err = saved;
	CHECK(strstr(err, "to-stdout\n") != NULL,
	    "the command's stdout goes to our stderr");
	CHECK(strstr(err, "to-stderr\n") != NULL,
	    "the command's stderr goes to our stderr");
	CHECK(strstr(err, "test_hook started (pid ") != NULL,
	    "its start is logged with its name");
	CHECK(strstr(err, "test_hook failed with exit status 4 (not fatal)") !=
	    NULL, "its exit status is logged");
}

static void
test_secrets_and_files(void)
{
	struct notify n;
	char cmd[256];
	const char *env;
	int fd;

	log_secret("s3cr3t-value-42");
	if (setenv("ANTHROPIC_API_KEY", "key-by-name", 1) != 0 ||
	    setenv("T212_API_SECRET", "other-key", 1) != 0 ||
	    setenv("SOMEWHERE_ELSE", "x s3cr3t-value-42 y", 1) != 0 ||
	    setenv("PLAIN_SETTING", "visible", 1) != 0)
		bail("setenv");
	snprintf(cmd, sizeof cmd, "env > %s", path("env"));
	CHECK(run(cmd, "{}", &n) == 0, "env ran");
	env = slurp("env");
	CHECK(strstr(env, "PLAIN_SETTING=visible\n") != NULL,
	    "the hook gets our environment");
	CHECK(strstr(env, "ANTHROPIC_API_KEY") == NULL &&
	    strstr(env, "key-by-name") == NULL &&
	    strstr(env, "T212_API_SECRET") == NULL,
	    "but not the API keys' variables");
	CHECK(strstr(env, "s3cr3t-value-42") == NULL &&
	    strstr(env, "SOMEWHERE_ELSE") == NULL,
	    "nor any variable holding a registered secret");
	CHECK(getenv("ANTHROPIC_API_KEY") != NULL,
	    "our own environment is untouched");

	/* An inheritable descriptor, as a socket or a database might be. */
	if ((fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, 20) != 20)
		bail("open fd 20");
	snprintf(cmd, sizeof cmd, "if [ -e /proc/$$/fd/20 ]; then echo open; "
	    "else echo closed; fi > %s", path("fd"));
	CHECK(run(cmd, "{}", &n) == 0, "the fd check ran");
	CHECK_STR(slurp("fd"), "closed\n", "no other file of ours is open in "
	    "the hook");
	close(20);
	close(fd);
}

static void
test_never_held(void)
{
	struct notify n;
	char *big;
	pid_t pid;
	int st;

	/* Far more than a pipe holds: a pipe would block its writer. */
	if ((big = malloc(1 << 20)) == NULL)
		bail("malloc");
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	st = run("exit 0", big, &n);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "a command that never reads a big document starts and ends");
	free(big);

	CHECK(notify_start(&n, "test_hook", "exec sleep 30", "{}") == 0 &&
	    n.pid > 0, "a command that does not end starts");
	pid = n.pid;
	CHECK(notify_reap(&n, 0) == 1 && n.pid == pid,
	    "looking at it does not wait: it is still running");
	CHECK(notify_reap(&n, 50) == 1 && !n.ended,
	    "a bounded wait ends while it still runs");
	stderr_to("finish");
	notify_finish(&n, 0);
	stderr_back();
	CHECK(n.pid == 0 && strstr(slurp("finish"), "test_hook (pid ") !=
	    NULL && strstr(slurp("finish"), "is still running; not waiting "
	    "for it") != NULL, "finishing forgets it and says so");
	CHECK(kill(pid, 0) == 0, "and leaves it running");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	CHECK(notify_reap(&n, 0) == 0, "nothing to reap after that");
}

static void
test_nothing_to_run(void)
{
	struct notify n;

	CHECK(notify_start(&n, "test_hook", "", "{}") == 0 && n.pid == 0 &&
	    !n.ended, "an empty command runs nothing");
	CHECK(notify_start(&n, "test_hook", NULL, "{}") == 0 && n.pid == 0,
	    "no command runs nothing");
	CHECK(notify_reap(&n, 0) == 0, "and there is nothing to reap");
	notify_finish(&n, 0);
	CHECK(n.pid == 0 && !n.ended, "nor to finish");
}

static void
cleanup(void)
{
	static const char *const files[] = {
		"in.json", "empty", "stderr", "env", "fd", "finish"
	};
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		unlink(path(files[i]));
	rmdir(dir);
}

int
main(void)
{
	snprintf(dir, sizeof dir, "/tmp/tb-test-notify-XXXXXX");
	if (mkdtemp(dir) == NULL)
		bail("mkdtemp");
	log_init("test_notify", 0);
	test_input_and_status();
	test_output_and_log();
	test_secrets_and_files();
	test_never_held();
	test_nothing_to_run();
	cleanup();
	log_shutdown();
	return unit_done();
}
