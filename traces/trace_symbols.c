/* Placeholder: being written. */
#include <stddef.h>
typedef int trace_symbols_placeholder;
