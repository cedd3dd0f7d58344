/* Placeholder: being written. */
#include <stddef.h>
typedef int sha256_placeholder;
