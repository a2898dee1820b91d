/*
 * log.c - stderr logging with secret redaction.  See log.h.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

#define LOG_MAX_SECRETS 16
#define LOG_REDACTED "[REDACTED]"

static const char *log_program = "tb";
static int log_verbose;
static char *log_secrets[LOG_MAX_SECRETS];
static size_t log_nsecrets;

static const char *const log_level_names[] = {
	"DEBUG", "INFO", "WARN", "ERROR"
};

void
log_init(const char *program, int verbose)
{
	log_program = program;
	log_verbose = verbose;
}

void
log_secret(const char *secret)
{
	size_t i;

	if (secret == NULL || strlen(secret) < 4 ||
	    log_nsecrets == LOG_MAX_SECRETS)
		return;
	for (i = 0; i < log_nsecrets; i++)
		if (strcmp(log_secrets[i], secret) == 0)
			return;
	if ((log_secrets[log_nsecrets] = strdup(secret)) != NULL)
		log_nsecrets++;
}

/* The registered secret that starts at s, or NULL. */
static const char *
log_secret_at(const char *s)
{
	size_t i;

	for (i = 0; i < log_nsecrets; i++)
		if (strncmp(s, log_secrets[i], strlen(log_secrets[i])) == 0)
			return log_secrets[i];
	return NULL;
}

void
log_redact(const char *src, char *dst, size_t dstsz)
{
	size_t o = 0, rl = strlen(LOG_REDACTED);
	const char *secret;

	if (dstsz == 0)
		return;
	while (*src != '\0' && o + 1 < dstsz) {
		if ((secret = log_secret_at(src)) != NULL) {
			if (o + rl >= dstsz)
				break;
			memcpy(dst + o, LOG_REDACTED, rl);
			o += rl;
			src += strlen(secret);
		} else
			dst[o++] = *src++;
	}
	dst[o] = '\0';
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char raw[2048], clean[2048], stamp[26];
	va_list ap;
	size_t i;

	if (level == LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	log_redact(raw, clean, sizeof clean);
	/* One event, one line: fold any newline an upstream text carried. */
	for (i = 0; clean[i] != '\0'; i++)
		if (clean[i] == '\n' || clean[i] == '\r')
			clean[i] = ' ';
	fprintf(stderr, "%s %s %s: %s\n", clock_iso_local(time(NULL), stamp),
	    log_level_names[level], log_program, clean);
}

void
log_shutdown(void)
{
	while (log_nsecrets > 0)
		free(log_secrets[--log_nsecrets]);
}
