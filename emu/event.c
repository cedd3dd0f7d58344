/* The event hook's observer list (event.h). */
#include "emu/event.h"

int event_observe(struct event_hook *h, event_fn fn, void *opaque)
{
    if (h->count >= EVENT_MAX_OBSERVERS)
        return -1;
    h->observers[h->count].fn = fn;
    h->observers[h->count].opaque = opaque;
    h->count++;
    return 0;
}
