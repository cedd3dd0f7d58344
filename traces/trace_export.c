/* Placeholder: being written. */
#include <stddef.h>
typedef int trace_export_placeholder;
