#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int
tb_errf(tb_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return code;
}

void
tb_err_clear(tb_err *e)
{
	if (e == NULL)
		return;
	e->code = TB_OK;
	e->msg[0] = '\0';
}

int
tb_err_local(int code)
{
	return code == TB_EINTERNAL || code == TB_ECANTCREAT ||
	    code == TB_ELOCKED;
}
