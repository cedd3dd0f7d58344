/* Placeholder: being written. */
#include "harness/shard.h"
