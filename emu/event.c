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

void event_unobserve(struct event_hook *h, event_fn fn, void *opaque)
{
    for (unsigned i = 0; i < h->count; i++) {
        if (h->observers[i].fn != fn || h->observers[i].opaque != opaque)
            continue;
        for (unsigned j = i + 1; j < h->count; j++)
            h->observers[j - 1] = h->observers[j];
        h->count--;
        return;
    }
}
