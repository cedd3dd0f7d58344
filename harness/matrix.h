/*
 * The test matrix (`ppcrr harness`): an INI file in the style of
 * kvm-unit-tests' unittests.cfg, one section per case:
 *
 *   # comment
 *   include more.cfg              # (outside sections) more cases, path relative to this file
 *   [hello]
 *   kernel = hello.elf            # paths relative to the matrix file
 *   initrd = ...    bios = ...    machine = ...
 *   append = console=hvc0
 *   smp = 2
 *   extra = -m 1G -rtc base=2020-01-01T00:00:00    # more `ppcrr run` arguments
 *   groups = quick smp            # space-separated
 *   timeout = 60                  # seconds, default 120
 *   expect = ^1\.\.[0-9]+$        # console pattern (POSIX ERE) that means success
 *   exit = 3                      # the exit status that means success (default 0)
 *   stdin = hello q               # typed into the console
 *
 * Expansion: a value holding a brace list `{1,2,4}` makes one case per
 * element (several lists: the cartesian product, keys in file order); the
 * case is named after the section with "-<element>" appended per list, or,
 * when the section name holds `{key}`, with the element in its place.
 */
#ifndef PPCRR_HARNESS_MATRIX_H
#define PPCRR_HARNESS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATRIX_DEFAULT_TIMEOUT 120.0

struct matrix_case {
    char *name;
    char *kernel, *initrd, *bios, *machine;   /* absolute or relative to the cwd; NULL if unset */
    char *append;
    unsigned smp;                   /* 0: not given */
    char **extra;                   /* more `ppcrr run` arguments, split on blanks */
    size_t n_extra;
    char **groups;
    size_t n_groups;
    double timeout;                 /* seconds */
    char *expect;                   /* NULL: none */
    int exit_status;                /* expected */
    char *stdin_text;               /* NULL: none */
    char *file;                     /* the matrix file and line of its section, for messages */
    unsigned line;
};

struct matrix {
    struct matrix_case *cases;
    size_t n;
};

/* Reads PATH (and its includes). -1 with a message naming file and line
 * for a syntax error, an unknown key, a bad value, a duplicate case name,
 * an include cycle, or a case without kernel and bios. */
int matrix_load(const char *path, struct matrix *m, char *err, size_t errlen);
void matrix_free(struct matrix *m);

/* A stable 64-bit hash of a case's configuration (every key's value, not
 * its name or file), hex in OUT[17]: part of a golden trace's key. */
void matrix_case_config_hash(const struct matrix_case *c, char out[17]);

/* The `ppcrr run` arguments of a case, after "run" (NULL-terminated,
 * pointing into C; free the array only). */
char **matrix_case_run_args(const struct matrix_case *c, size_t *n);

/* Whether the case is in GROUP ("all" matches every case). */
bool matrix_case_in_group(const struct matrix_case *c, const char *group);

#endif
