/*
 * The test matrix (`ppcrr harness`): an INI file in the style of
 * kvm-unit-tests' unittests.cfg, one section per case:
 *
 *   # a comment: a line whose first non-blank character is '#' or ';'
 *   # (there are no comments after a value: '#' may be part of a pattern)
 *   include more.cfg
 *   [hello]
 *   kernel = hello.elf
 *   append = console=hvc0
 *   smp = 2
 *   extra = -m 1G -rtc base=2020-01-01T00:00:00
 *   groups = quick smp
 *   timeout = 60
 *   expect = ^1\.\.[0-9]+$
 *   exit = 3
 *   stdin = hello q
 *
 * Lines: `[name]` starts a case; `key = value` sets one of its keys (blanks
 * around the key and the value are dropped, so a value cannot begin or end
 * with one; each key at most once per case); `include FILE` reads FILE's
 * cases in its place, outside any case: it ends the case before it, and
 * only a `[name]` line or another include may follow it. CRLF line ends are
 * accepted.
 *
 * Keys:
 *   kernel, initrd, bios   files for -kernel, -initrd and -bios
 *   machine                a machine description for -machine ("pseries"
 *                          names the shipped one and is kept as is)
 *   append                 the kernel command line (-append)
 *   smp                    vCPUs, 1 to 64 (-smp; not given: ppcrr's default)
 *   extra                  more `ppcrr run` arguments, split on blanks (no
 *                          quoting: an argument cannot hold a blank), passed
 *                          as written (a file in them is relative to the
 *                          directory ppcrr runs in)
 *   groups                 group names separated by blanks (letters, digits,
 *                          '.', '_', '-'); "all" holds every case anyway
 *   timeout                seconds, fractions allowed, above 0 and at most
 *                          1000000 (default 120)
 *   expect                 console pattern that means success, a POSIX ERE
 *                          (checked with regcomp(REG_EXTENDED | REG_NEWLINE))
 *   exit                   the exit status that means success, 0 to 255
 *                          (default 0)
 *   stdin                  text typed into the console, kept as written
 *   fail                   console pattern that means failure even when the
 *                          exit status and expect say success (e.g. a TAP
 *                          guest's "^not ok"), a POSIX ERE, not expanded
 * A case needs kernel or bios. An empty value is an error for the files,
 * smp, timeout, expect, fail and exit, and means "none" for the others. Any other
 * key is an error.
 *
 * Files named by kernel, initrd, bios, machine and include are relative to
 * the directory of the matrix file that names them (the included one for
 * its own cases); they are stored joined to that directory (DIR/VALUE)
 * unless absolute, so that they can be opened from where ppcrr runs. The
 * files themselves are not opened here.
 *
 * Expansion: a value holding a brace list `{1,2,4}` makes one case per
 * element, the list replaced by the element (`append = console=hvc0
 * {quiet,debug}` gives "console=hvc0 quiet" and "console=hvc0 debug").
 * Several keys with lists give the cartesian product, the first key in the
 * file varying slowest. A list is a '{', at least one ',' and a '}' with no
 * brace between; elements are trimmed and may not be empty; at most one
 * list per value. Braces without a comma are kept as they are (`stdin =
 * awk '{print}'`), and `expect` is never expanded: there braces are the
 * ERE's own intervals (`[0-9]{1,3}`). One section expands to at most 10000
 * cases.
 *
 * Case names: the section name, in which `{key}` stands for that key's
 * element (or, for a key without a list, its value as written), then
 * "-<element>" appended for each list the name does not mention, keys in
 * file order: [smp] with smp = {1,2} and machine = {a.dts,b.dts} gives
 * smp-1-a.dts, smp-1-b.dts, smp-2-a.dts, smp-2-b.dts; [smp{smp}] with
 * smp = {1,2} gives smp1 and smp2. A name may not be empty or hold a blank,
 * a control character, '/' or '\'. Names are unique over the matrix and
 * its includes.
 *
 * Order: cases in file order (an include's cases where the include is),
 * expansions in list order.
 *
 * Errors name the file and line: a line that is none of the above, a key
 * outside a case, an unknown or repeated key, a bad value, a brace list
 * that is malformed or one too many, a `{word}` in a case name that is not
 * a key with a value, a bad or duplicate case name, a case without kernel
 * or bios, an include that cannot be read, an include cycle, and includes
 * nested more than 16 deep.
 */
#ifndef PPCRR_HARNESS_MATRIX_H
#define PPCRR_HARNESS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATRIX_DEFAULT_TIMEOUT 120.0
#define MATRIX_MAX_TIMEOUT 1e6          /* seconds */
#define MATRIX_MAX_INCLUDE_DEPTH 16     /* files included inside each other */
#define MATRIX_MAX_EXPANSION 10000      /* cases one section may expand to */

struct matrix_case {
    char *name;
    char *kernel, *initrd, *bios, *machine;   /* absolute or relative to the cwd; NULL if unset */
    char *append;                   /* NULL: none */
    unsigned smp;                   /* 0: not given */
    char **extra;                   /* more `ppcrr run` arguments, split on blanks */
    size_t n_extra;
    char **groups;
    size_t n_groups;
    double timeout;                 /* seconds */
    char *expect;                   /* NULL: none */
    char *fail;                     /* a console pattern that means failure, NULL: none */
    int exit_status;                /* expected */
    char *stdin_text;               /* NULL: none */
    char *file;                     /* the matrix file and line of its section, for messages */
    unsigned line;
    /* The files as the matrix wrote them, before joining: the config hash
     * covers these so that it does not change with the directory ppcrr
     * runs in. */
    struct {
        char *kernel, *initrd, *bios, *machine;
    } written;
    char smp_arg[4];                /* smp in decimal for -smp; "" if not given */
};

struct matrix {
    struct matrix_case *cases;
    size_t n;
};

/* Reads PATH (and its includes) into M. Returns 0, or -1 with M empty and
 * a message in ERR naming file and line (see above for what is checked). */
int matrix_load(const char *path, struct matrix *m, char *err, size_t errlen);
void matrix_free(struct matrix *m);

/* A stable 64-bit hash of a case's configuration (every key's value, not
 * its name, file or line; files as written), 16 hex digits and a NUL in
 * OUT: part of a golden trace's key. FNV-1a 64 over "key", a set/unset
 * marker and the value for each key in a fixed order, so that a value
 * moved from one key to another changes it too. */
void matrix_case_config_hash(const struct matrix_case *c, char out[17]);

/* The `ppcrr run` arguments of a case, after "run": -kernel, -initrd,
 * -bios, -machine, -append, -smp (those set, in this order), then the
 * extra words. No -serial: the runner adds its own. NULL-terminated,
 * pointing into C: free the array only. *N (if N is not NULL) gets the
 * count without the NULL. NULL if out of memory. */
char **matrix_case_run_args(const struct matrix_case *c, size_t *n);

/* Whether the case is in GROUP ("all" matches every case). */
bool matrix_case_in_group(const struct matrix_case *c, const char *group);

#endif
