/*
 * notify.c - configured hooks: a command with a JSON document on its
 * stdin.  See notify.h.
 */
#include "notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

extern char **environ;

/* The variables that hold API keys (DESIGN 5). */
static const char *const secret_names[] = {
	"ANTHROPIC_API_KEY", "MINIMAX_API_KEY", "T212_API_KEY",
	"T212_API_SECRET", "REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET",
	NULL
};

/* How long notify_reap sleeps between two looks at the child. */
#define REAP_STEP_MS 10

/* Whether the environment entry NAME=VALUE must not reach a hook. */
static int
secret_entry(const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t i, n, size;
	char *clean;
	int secret;

	n = eq != NULL ? (size_t)(eq - entry) : strlen(entry);
	for (i = 0; secret_names[i] != NULL; i++)
		if (strlen(secret_names[i]) == n &&
		    strncmp(entry, secret_names[i], n) == 0)
			return 1;
	/* "[REDACTED]" replaces at least 4 bytes: 3 times the size is room. */
	size = strlen(entry) * 3 + 16;
	if ((clean = malloc(size)) == NULL)
		return 1;
	log_redact(entry, clean, size);
	secret = strcmp(clean, entry) != 0;
	free(clean);
	return secret;
}

/* The environment a hook gets (malloc'ed array, entries borrowed). */
static char **
hook_environment(void)
{
	char **env;
	size_t i, n = 0, o = 0;

	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 1, sizeof *env)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (!secret_entry(environ[i]))
			env[o++] = environ[i];
	return env;
}

/* Write all of s (n bytes) to fd; 0 or -1. */
static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, s, n)) < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* An in-memory file holding json and a newline (empty for NULL); or -1. */
static int
input_file(const char *json)
{
	int fd;

	if ((fd = memfd_create("tb-hook-input", MFD_CLOEXEC)) < 0)
		return -1;
	if ((json != NULL && (write_all(fd, json, strlen(json)) != 0 ||
	    write_all(fd, "\n", 1) != 0)) || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* In the child: only async-signal-safe calls until execve. */
static void
exec_hook(int in, const char *command, char **env)
{
	char *argv[] = { "sh", "-c", (char *)command, NULL };

	if (dup2(in, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(126);
	closefrom(STDERR_FILENO + 1);
	execve("/bin/sh", argv, env);
	_exit(127);
}

int
notify_start(struct notify *n, const char *what, const char *command,
    const char *json)
{
	char **env = NULL;
	pid_t pid = -1;
	int in = -1;

	memset(n, 0, sizeof *n);
	snprintf(n->what, sizeof n->what, "%s", what);
	if (command == NULL || command[0] == '\0')
		return 0;
	if ((in = input_file(json)) < 0 || (env = hook_environment()) ==
	    NULL) {
		log_warn("%s not run: cannot prepare its input: %s", n->what,
		    strerror(errno));
		goto out;
	}
	/* Our log lines before the hook's output. */
	fflush(stderr);
	if ((pid = fork()) < 0)
		log_warn("%s not run: fork: %s", n->what, strerror(errno));
	else if (pid == 0)
		exec_hook(in, command, env);
	else {
		n->pid = pid;
		log_info("%s started (pid %ld)", n->what, (long)pid);
	}
out:
	free(env);
	if (in >= 0)
		close(in);
	return pid > 0 ? 0 : -1;
}

/* Log how the reaped command ended. */
static void
log_status(const struct notify *n)
{
	if (WIFEXITED(n->status) && WEXITSTATUS(n->status) == 0)
		log_info("%s finished", n->what);
	else if (WIFEXITED(n->status))
		log_warn("%s failed with exit status %d (not fatal)", n->what,
		    WEXITSTATUS(n->status));
	else
		log_warn("%s killed by signal %d (not fatal)", n->what,
		    WIFSIGNALED(n->status) ? WTERMSIG(n->status) : 0);
}

int
notify_reap(struct notify *n, long wait_ms)
{
	long long deadline = util_now_ms() + (wait_ms > 0 ? wait_ms : 0);
	struct timespec step;
	long long left;
	pid_t got;

	while (n->pid > 0) {
		if ((got = waitpid(n->pid, &n->status, WNOHANG)) > 0) {
			n->pid = 0;
			n->ended = 1;
			log_status(n);
		} else if (got < 0 && errno != EINTR) {
			log_warn("%s: waitpid: %s", n->what, strerror(errno));
			n->pid = 0;
		} else if (got == 0 && (left = util_ms_left(deadline)) == 0)
			return 1;
		else if (got == 0) {
			left = left < REAP_STEP_MS ? left : REAP_STEP_MS;
			step.tv_sec = 0;
			step.tv_nsec = (long)left * 1000000L;
			nanosleep(&step, NULL);
		}
	}
	return 0;
}

void
notify_finish(struct notify *n, long wait_ms)
{
	if (notify_reap(n, wait_ms) == 0)
		return;
	log_warn("%s (pid %ld) is still running; not waiting for it",
	    n->what, (long)n->pid);
	n->pid = 0;
}
