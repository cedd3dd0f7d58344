/*
 * Named interrupt lines. A device drives an output line ("vty0.irq"); an
 * interrupt controller owns input lines ("xics.4096"); the machine
 * description connects an output to an input by name (the device node's
 * `ppcrr,irq-connect = "xics.4096"`), never by index. Every change of
 * level is an edge event on the machine's event hook.
 */
#ifndef PPCRR_EMU_IRQ_H
#define PPCRR_EMU_IRQ_H

#include <stdbool.h>

struct machine;

typedef void (*irq_input_fn)(void *opaque, int level);

struct irq_line {
    char *name;                 /* output name, e.g. "vty0.irq" */
    int level;
    struct machine *machine;
    irq_input_fn input;         /* the connected controller input, or NULL */
    void *input_opaque;
    char *input_name;           /* e.g. "xics.4096" */
};

/* Sets LINE to LEVEL (0 or 1); on a change, emits the edge and calls the
 * connected input. */
void irq_set(struct irq_line *line, int level);

/* A pulse: 1 then 0 (edge-triggered sources, e.g. a VIO device's input). */
void irq_pulse(struct irq_line *line);

#endif
