/*
 * unit.h - a minimal TAP producer for tb's C unit drivers.
 *
 * Each driver is a main() that calls the CHECK macros and returns
 * unit_done().  Output is TAP ("ok N - what", "not ok N - what", a
 * "# at file:line" diagnostic on failure, and the "1..N" plan last), so the
 * test runner counts C checks and bats tests the same way.
 */
#ifndef TB_UNIT_H
#define TB_UNIT_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_count;
static int unit_failures;

static void
unit_report(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	unit_count++;
	if (!ok)
		unit_failures++;
	printf("%s %d - ", ok ? "ok" : "not ok", unit_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		printf("# at %s:%d\n", file, line);
}

/* CHECK(cond, "printf-style description", ...) */
#define CHECK(cond, ...) unit_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* CHECK_STR(got, want, description): NULL-safe string equality. */
#define CHECK_STR(got, want, ...) do {					\
	const char *unit_g_ = (got), *unit_w_ = (want);			\
	int unit_ok_ = (unit_g_ == NULL && unit_w_ == NULL) ||		\
	    (unit_g_ != NULL && unit_w_ != NULL &&			\
	    strcmp(unit_g_, unit_w_) == 0);				\
	unit_report(unit_ok_, __FILE__, __LINE__, __VA_ARGS__);	\
	if (!unit_ok_)							\
		printf("#   got \"%s\", want \"%s\"\n",			\
		    unit_g_ ? unit_g_ : "(null)",			\
		    unit_w_ ? unit_w_ : "(null)");			\
} while (0)

/* CHECK_NUM(got, want, tolerance, description) */
#define CHECK_NUM(got, want, tol, ...) do {				\
	double unit_g_ = (got), unit_w_ = (want);			\
	int unit_ok_ = fabs(unit_g_ - unit_w_) <= (tol);		\
	unit_report(unit_ok_, __FILE__, __LINE__, __VA_ARGS__);	\
	if (!unit_ok_)							\
		printf("#   got %.6f, want %.6f\n", unit_g_, unit_w_);	\
} while (0)

/* Print the plan; return the driver's exit status. */
static int
unit_done(void)
{
	printf("1..%d\n", unit_count);
	return unit_failures ? 1 : 0;
}

#endif
