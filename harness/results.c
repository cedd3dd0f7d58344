/* Placeholder: being written. */
#include "harness/results.h"
