/* Placeholder: being written. */
#include <stddef.h>
typedef int trace_stats_placeholder;
