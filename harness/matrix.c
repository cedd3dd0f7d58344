/* Placeholder: being written. */
#include "harness/matrix.h"
