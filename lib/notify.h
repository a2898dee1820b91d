/*
 * notify.h - run a configured hook: a shell command with a JSON document
 * on its standard input, never waited on longer than the caller says.
 *
 * tb-approve runs approval_notify_command (the picks) when it starts
 * waiting for a human; a failed run can run alert_command (its summary)
 * the same way.  The command is run as `/bin/sh -c COMMAND` with:
 *
 *   - the document and a newline on its stdin, from an in-memory file
 *     written before the command starts, so a command that never reads
 *     cannot block tb and a slow one cannot make it wait;
 *   - its stdout on tb's stderr (tb's stdout is the run summary), its
 *     stderr on tb's stderr;
 *   - no other open file of tb (database, locks, sockets);
 *   - tb's environment without the API keys: the variables that hold
 *     them by name, and any variable whose value holds a secret
 *     registered with log_secret().
 *
 * A hook never fails a run: what goes wrong (it cannot start, it exits
 * non-zero, it is killed, it is still running when tb is done) is
 * logged as a warning naming the hook, and tb goes on.  A hook still
 * running when tb exits is left running, never killed.
 */
#ifndef TB_NOTIFY_H
#define TB_NOTIFY_H

#include <sys/types.h>

struct notify {
	char	 what[48];	/* the hook's name in log lines (its key) */
	pid_t	 pid;		/* running and not reaped yet; 0 when not */
	int	 ended;		/* it ran and was reaped: status is how */
	int	 status;	/* its waitpid(2) status once ended */
};

/*
 * Start command (what names it in the log) with json on its stdin; n is
 * (re)initialised.  A NULL or empty command runs nothing and is 0.  0 when
 * started (n->pid is the child), -1 when it could not be (logged).
 */
int	notify_start(struct notify *n, const char *what, const char *command,
	    const char *json);

/*
 * Wait up to wait_ms milliseconds (0: only look) for the command to end,
 * and log how it ended.  1 while it is still running, 0 once it ended or
 * when none runs.
 */
int	notify_reap(struct notify *n, long wait_ms);

/*
 * The caller is done: notify_reap(n, wait_ms), then a command still
 * running is logged and forgotten (it goes on without tb).
 */
void	notify_finish(struct notify *n, long wait_ms);

#endif
