/* Named IRQ lines (irq.h): a change of level is an edge event, then goes
 * to the connected controller input. */
#include "emu/irq.h"

#include "emu/machine.h"

void irq_set(struct irq_line *line, int level)
{
    level = level != 0;
    if (line->level == level)
        return;
    line->level = level;
    struct machine *m = line->machine;
    if (m && event_wanted(&m->events)) {
        struct event e = { .kind = EVENT_IRQ };
        machine_event_origin(m, &e);
        e.u.irq.line = line->name;
        e.u.irq.level = level;
        event_emit(&m->events, &e);
    }
    if (line->input)
        line->input(line->input_opaque, level);
}

void irq_pulse(struct irq_line *line)
{
    irq_set(line, 1);
    irq_set(line, 0);
}
