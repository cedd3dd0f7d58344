/* The one way trace code reports a failure: a sentence in a fixed buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "traces/trace_file.h"

void trace_error_set(struct trace_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}
