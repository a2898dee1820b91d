/*
 * log.h - one line per event on stderr.
 *
 * Format: "2026-03-30T17:10:02+02:00 INFO tb-decide: message".  The
 * timestamp is RFC 3339 with the offset (clock_iso_local), the one format
 * of every log line tb writes (tb-daily's too): the real wall clock in
 * the process's local timezone (the orchestrator timezone once the
 * configuration is loaded).  Lines at DEBUG level are
 * printed only when verbose is set.
 *
 * Secrets: every string registered with log_secret() is replaced by
 * "[REDACTED]" in every line before it is written, so a key that slips
 * into a URL, a header or an upstream error body never reaches the log.
 */
#ifndef TB_LOG_H
#define TB_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Set the program name shown in each line and whether DEBUG is shown. */
void log_init(const char *program, int verbose);

/* Register a secret to be redacted (copied; strings shorter than 4 are ignored). */
void log_secret(const char *secret);

/*
 * Copy src into dst (size dstsz) with every registered secret replaced by
 * "[REDACTED]"; always NUL-terminates.  Used by the logger and by anything
 * that stores upstream text (error bodies) in the database.
 */
void log_redact(const char *src, char *dst, size_t dstsz);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Free registered secrets (for leak-clean exits). */
void log_shutdown(void);

#endif
