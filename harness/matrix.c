/*
 * The test-matrix reader (matrix.h). A file is read line by line into
 * sections (a name and its `key = value` entries); at the end of each
 * section its brace lists are expanded and every combination becomes a
 * case. What each key means lives in one table below: how its value is
 * checked and stored, how it is hashed and whether it expands, so a new
 * key is one row there (and one field in struct matrix_case).
 */
#include "harness/matrix.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/cli.h"

/* ---- strings ---- */

/* A growing string; OOM is sticky so callers check once at the end. */
struct strbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_add(struct strbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

/* The string, or NULL (and nothing to free) if memory ran out. */
static char *sb_take(struct strbuf *b)
{
    if (b->oom || !b->p) {
        free(b->p);
        return b->oom ? NULL : strdup("");
    }
    return b->p;
}

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Drops leading and trailing white space (including a CR before the LF). */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

static void trim_range(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* ---- the file being read ---- */

/* A matrix file: its path (as opened) and where its directory part ends,
 * for joining the files it names. */
struct source {
    const char *path;
    int dir_len;            /* -1: no '/' in the path, files stay relative to the cwd */
};

static struct source source_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return (struct source){ path, slash ? (int)(slash - path) : -1 };
}

/* VALUE relative to the directory of SRC (absolute paths as they are). */
static char *join_path(const struct source *src, const char *value)
{
    if (value[0] == '/' || src->dir_len < 0)
        return strdup(value);
    size_t n = (size_t)src->dir_len + 1 + strlen(value) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%.*s/%s", src->dir_len, src->path, value);
    return p;
}

/* ---- keys ---- */

struct key_def;
/* Stores VALUE (trimmed, possibly empty) in C; -1 with the reason in WHY. */
typedef int key_set_fn(struct matrix_case *c, const struct key_def *k, const char *value,
                       const struct source *src, char *why, size_t whylen);
typedef void key_hash_fn(uint64_t *h, const struct matrix_case *c, const struct key_def *k);

struct key_def {
    const char *name;
    key_set_fn *set;
    key_hash_fn *hash;
    size_t field;       /* the case's field */
    size_t aux;         /* files: the as-written copy; word lists: the count */
    bool expands;       /* brace lists apply */
};

#define STR_FIELD(c, off) ((char **)((char *)(c) + (off)))

static int out_of_memory(char *why, size_t whylen)
{
    snprintf(why, whylen, "out of memory");
    return -1;
}

static int set_file(struct matrix_case *c, const struct key_def *k, const char *value,
                    const struct source *src, char *why, size_t whylen)
{
    if (!*value) {
        snprintf(why, whylen, "needs a file");
        return -1;
    }
    char **joined = STR_FIELD(c, k->field), **written = STR_FIELD(c, k->aux);
    *joined = join_path(src, value);
    *written = strdup(value);
    return *joined && *written ? 0 : out_of_memory(why, whylen);
}

/* `-machine pseries` names the built-in description, not a file. */
static int set_machine(struct matrix_case *c, const struct key_def *k, const char *value,
                       const struct source *src, char *why, size_t whylen)
{
    if (strcmp(value, "pseries") != 0)
        return set_file(c, k, value, src, why, whylen);
    c->machine = strdup(value);
    c->written.machine = strdup(value);
    return c->machine && c->written.machine ? 0 : out_of_memory(why, whylen);
}

static int set_text(struct matrix_case *c, const struct key_def *k, const char *value,
                    const struct source *src, char *why, size_t whylen)
{
    (void)src;
    if (!*value)
        return 0;
    char **field = STR_FIELD(c, k->field);
    return (*field = strdup(value)) ? 0 : out_of_memory(why, whylen);
}

static int set_smp(struct matrix_case *c, const struct key_def *k, const char *value,
                   const struct source *src, char *why, size_t whylen)
{
    (void)k, (void)src;
    uint64_t n;
    if (!cli_parse_u64(value, &n) || n < 1 || n > 64) {
        snprintf(why, whylen, "'%s' is not a vCPU count from 1 to 64", value);
        return -1;
    }
    c->smp = (unsigned)n;
    snprintf(c->smp_arg, sizeof c->smp_arg, "%u", c->smp);
    return 0;
}

/* VALUE split on blanks into the word list at K's field and count. */
static int set_words(struct matrix_case *c, const struct key_def *k, const char *value,
                     const struct source *src, char *why, size_t whylen)
{
    (void)src;
    char ***words = (char ***)((char *)c + k->field);
    size_t *n = (size_t *)((char *)c + k->aux);
    for (const char *p = value; *p;) {
        size_t len = strcspn(p, " \t\v\f");
        if (len) {
            char **w = realloc(*words, (*n + 1) * sizeof *w);
            if (!w)
                return out_of_memory(why, whylen);
            *words = w;
            if (!(w[*n] = dup_range(p, len)))
                return out_of_memory(why, whylen);
            ++*n;
        }
        p += len;
        p += strspn(p, " \t\v\f");
    }
    return 0;
}

/* Group names are words a shell and a file name take as they are; a
 * comma most likely meant a second group. */
static int set_groups(struct matrix_case *c, const struct key_def *k, const char *value,
                      const struct source *src, char *why, size_t whylen)
{
    if (set_words(c, k, value, src, why, whylen) < 0)
        return -1;
    for (size_t i = 0; i < c->n_groups; i++) {
        const char *g = c->groups[i];
        if (strspn(g, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(g)) {
            snprintf(why, whylen, "'%s' is not a group name (letters, digits, '.', '_' and '-'; "
                     "groups are separated by blanks)", g);
            return -1;
        }
    }
    return 0;
}

static int set_timeout(struct matrix_case *c, const struct key_def *k, const char *value,
                       const struct source *src, char *why, size_t whylen)
{
    (void)k, (void)src;
    /* Digits and one optional point only: strtod alone would also take
     * "inf", "nan", hex and exponents. */
    size_t int_digits = strspn(value, "0123456789");
    const char *rest = value + int_digits;
    size_t frac_digits = *rest == '.' ? strspn(rest + 1, "0123456789") : 0;
    bool shape = int_digits + frac_digits > 0 && rest[*rest == '.' ? 1 + frac_digits : 0] == 0;
    double t = shape ? strtod(value, NULL) : 0;
    if (!shape || !(t > 0) || t > MATRIX_MAX_TIMEOUT) {
        snprintf(why, whylen, "'%s' is not a number of seconds above 0 and at most %.0f", value,
                 MATRIX_MAX_TIMEOUT);
        return -1;
    }
    c->timeout = t;
    return 0;
}

/* expect and fail: a POSIX ERE. */
static int set_pattern(struct matrix_case *c, const struct key_def *k, const char *value,
                       const struct source *src, char *why, size_t whylen)
{
    (void)src;
    if (!*value) {
        snprintf(why, whylen, "needs a pattern");
        return -1;
    }
    regex_t re;
    int rc = regcomp(&re, value, REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        snprintf(why, whylen, "'%s' is not a POSIX extended regular expression: %s", value, msg);
        return -1;
    }
    regfree(&re);
    return (*STR_FIELD(c, k->field) = strdup(value)) ? 0 : out_of_memory(why, whylen);
}

static int set_exit(struct matrix_case *c, const struct key_def *k, const char *value,
                    const struct source *src, char *why, size_t whylen)
{
    (void)k, (void)src;
    uint64_t n;
    if (!cli_parse_u64(value, &n) || n > 255) {
        snprintf(why, whylen, "'%s' is not an exit status from 0 to 255", value);
        return -1;
    }
    c->exit_status = (int)n;
    return 0;
}

/* FNV-1a 64: simple, stable across hosts, and good enough to tell
 * configurations apart (it is a key, not a defence). */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static void fnv(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ p[i]) * FNV_PRIME;
}

/* The value with its terminating NUL, after a marker byte telling unset
 * from set, so that neither "" nor a value running into the next key can
 * collide with another configuration. */
static void hash_value(uint64_t *h, const char *value)
{
    fnv(h, value ? "\1" : "\0", 1);
    if (value)
        fnv(h, value, strlen(value) + 1);
}

static void hash_string(uint64_t *h, const struct matrix_case *c, const struct key_def *k)
{
    hash_value(h, *STR_FIELD(c, k->field));
}

static void hash_written(uint64_t *h, const struct matrix_case *c, const struct key_def *k)
{
    hash_value(h, *STR_FIELD(c, k->aux));
}

/* Each word with its NUL; words are never empty, so a lone NUL ends the list. */
static void hash_words(uint64_t *h, const struct matrix_case *c, const struct key_def *k)
{
    char **words = *(char ***)((char *)c + k->field);
    size_t n = *(size_t *)((char *)c + k->aux);
    fnv(h, "\1", 1);
    for (size_t i = 0; i < n; i++)
        fnv(h, words[i], strlen(words[i]) + 1);
    fnv(h, "", 1);
}

static void hash_smp(uint64_t *h, const struct matrix_case *c, const struct key_def *k)
{
    (void)k;
    hash_value(h, c->smp ? c->smp_arg : NULL);
}

static void hash_timeout(uint64_t *h, const struct matrix_case *c, const struct key_def *k)
{
    (void)k;
    char text[40];
    snprintf(text, sizeof text, "%.17g", c->timeout);
    hash_value(h, text);
}

static void hash_exit(uint64_t *h, const struct matrix_case *c, const struct key_def *k)
{
    (void)k;
    char text[12];
    snprintf(text, sizeof text, "%d", c->exit_status);
    hash_value(h, text);
}

#define OFF(f) offsetof(struct matrix_case, f)

/* Every key, in the order the config hash covers them. `expect` does not
 * expand: braces there are ERE intervals. */
static const struct key_def keys[] = {
    { "kernel", set_file, hash_written, OFF(kernel), OFF(written.kernel), true },
    { "initrd", set_file, hash_written, OFF(initrd), OFF(written.initrd), true },
    { "bios", set_file, hash_written, OFF(bios), OFF(written.bios), true },
    { "machine", set_machine, hash_written, OFF(machine), OFF(written.machine), true },
    { "append", set_text, hash_string, OFF(append), 0, true },
    { "smp", set_smp, hash_smp, OFF(smp), 0, true },
    { "extra", set_words, hash_words, OFF(extra), OFF(n_extra), true },
    { "groups", set_groups, hash_words, OFF(groups), OFF(n_groups), true },
    { "timeout", set_timeout, hash_timeout, OFF(timeout), 0, true },
    { "expect", set_pattern, hash_string, OFF(expect), 0, false },
    { "exit", set_exit, hash_exit, OFF(exit_status), 0, true },
    { "stdin", set_text, hash_string, OFF(stdin_text), 0, true },
    /* Keys added later: hashed only when set, so that a matrix not using
     * them keeps the golden-trace keys it had. */
    { "fail", set_pattern, hash_string, OFF(fail), 0, false },
};
#define N_ORIGINAL_KEYS 12
#define N_KEYS (sizeof keys / sizeof keys[0])

static const struct key_def *key_find(const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* ---- cases ---- */

static void case_free(struct matrix_case *c)
{
    char **strings[] = { &c->name, &c->kernel, &c->initrd, &c->bios, &c->machine, &c->append,
                         &c->expect, &c->fail, &c->stdin_text, &c->file, &c->written.kernel,
                         &c->written.initrd, &c->written.bios, &c->written.machine };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(*strings[i]);
    for (size_t i = 0; i < c->n_extra; i++)
        free(c->extra[i]);
    free(c->extra);
    for (size_t i = 0; i < c->n_groups; i++)
        free(c->groups[i]);
    free(c->groups);
    memset(c, 0, sizeof *c);
}

void matrix_free(struct matrix *m)
{
    for (size_t i = 0; i < m->n; i++)
        case_free(&m->cases[i]);
    free(m->cases);
    m->cases = NULL;
    m->n = 0;
}

void matrix_case_config_hash(const struct matrix_case *c, char out[17])
{
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < N_KEYS; i++) {
        if (i >= N_ORIGINAL_KEYS && !*STR_FIELD(c, keys[i].field))
            continue;
        fnv(&h, keys[i].name, strlen(keys[i].name) + 1);
        keys[i].hash(&h, c, &keys[i]);
    }
    snprintf(out, 17, "%016" PRIx64, h);
}

char **matrix_case_run_args(const struct matrix_case *c, size_t *n)
{
    const struct { const char *opt, *value; } opts[] = {
        { "-kernel", c->kernel }, { "-initrd", c->initrd }, { "-bios", c->bios },
        { "-machine", c->machine }, { "-append", c->append },
        { "-smp", c->smp ? c->smp_arg : NULL },
    };
    size_t n_opts = sizeof opts / sizeof opts[0];
    char **args = malloc((2 * n_opts + c->n_extra + 1) * sizeof *args);
    if (!args)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n_opts; i++)
        if (opts[i].value) {
            args[k++] = (char *)opts[i].opt;
            args[k++] = (char *)opts[i].value;
        }
    for (size_t i = 0; i < c->n_extra; i++)
        args[k++] = c->extra[i];
    args[k] = NULL;
    if (n)
        *n = k;
    return args;
}

bool matrix_case_in_group(const struct matrix_case *c, const char *group)
{
    if (strcmp(group, "all") == 0)
        return true;
    for (size_t i = 0; i < c->n_groups; i++)
        if (strcmp(c->groups[i], group) == 0)
            return true;
    return false;
}

/* ---- loading ---- */

struct loader {
    struct matrix *m;
    size_t cap;
    char *err;
    size_t errlen;
    struct {
        dev_t dev;
        ino_t ino;
    } open[MATRIX_MAX_INCLUDE_DEPTH + 1];   /* the files being read, outermost first */
    unsigned depth;
};

/* "FILE:LINE: message" (no line for 0) into the error buffer; returns -1. */
__attribute__((format(printf, 4, 5)))
static int fail(struct loader *ld, const char *file, unsigned line, const char *fmt, ...)
{
    int n = line ? snprintf(ld->err, ld->errlen, "%s:%u: ", file, line)
                 : snprintf(ld->err, ld->errlen, "%s: ", file);
    if (n >= 0 && (size_t)n < ld->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

struct entry {
    const struct key_def *key;
    char *value;
    unsigned line;
};

/* A section as read: its entries in file order (each key at most once). */
struct section {
    char *name;
    unsigned line;
    struct entry entries[N_KEYS];
    size_t n;
};

/* A brace list inside an entry's value: value[open] is '{', value[close] '}'. */
struct brace_list {
    bool present;
    size_t open, close;
    size_t n;               /* elements */
};

/* Element I of L in VALUE, trimmed. */
static void list_element(const char *value, const struct brace_list *l, size_t i, const char **s,
                         size_t *len)
{
    const char *p = value + l->open + 1, *end = value + l->close;
    for (; i > 0; i--)
        p = (const char *)memchr(p, ',', (size_t)(end - p)) + 1;
    const char *comma = memchr(p, ',', (size_t)(end - p));
    *s = p;
    *len = (size_t)((comma ? comma : end) - p);
    trim_range(s, len);
}

/* Finds VALUE's brace list, if any; -1 with WHY for two lists or an empty
 * element. Only an innermost "{...}" holding a comma is a list. */
static int find_list(const char *value, struct brace_list *l, char *why, size_t whylen)
{
    memset(l, 0, sizeof *l);
    for (const char *p = value; (p = strchr(p, '{')); p++) {
        const char *q = p + 1 + strcspn(p + 1, "{}");
        if (*q != '}' || !memchr(p + 1, ',', (size_t)(q - p - 1)))
            continue;
        if (l->present) {
            snprintf(why, whylen, "more than one brace list in '%s' (at most one per value)", value);
            return -1;
        }
        *l = (struct brace_list){ true, (size_t)(p - value), (size_t)(q - value), 1 };
        for (const char *c = p + 1; c < q; c++)
            l->n += *c == ',';
        for (size_t i = 0; i < l->n; i++) {
            const char *s;
            size_t len;
            list_element(value, l, i, &s, &len);
            if (!len) {
                snprintf(why, whylen, "empty element in the brace list of '%s'", value);
                return -1;
            }
        }
        p = q;
    }
    return 0;
}

/* Entry E's value for element IDX of its list (the value itself without one). */
static char *compose(const struct entry *e, const struct brace_list *l, size_t idx)
{
    if (!l->present)
        return strdup(e->value);
    struct strbuf b = { 0 };
    const char *s;
    size_t len;
    list_element(e->value, l, idx, &s, &len);
    sb_add(&b, e->value, l->open);
    sb_add(&b, s, len);
    sb_add(&b, e->value + l->close + 1, strlen(e->value + l->close + 1));
    return sb_take(&b);
}

static const struct entry *section_entry(const struct section *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->entries[i].key->name, key) == 0)
            return &s->entries[i];
    return NULL;
}

/* Case names become file names and single words in listings. */
static bool name_ok(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++)
        if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p) || *p == '/' || *p == '\\')
            return false;
    return true;
}

/* The name of the combination IDX of section S (see matrix.h). */
static char *case_name(struct loader *ld, const struct source *src, const struct section *s,
                       const struct brace_list *lists, const size_t *idx)
{
    struct strbuf b = { 0 };
    bool named[N_KEYS] = { false };
    const char *s_elem;
    size_t len;
    for (const char *p = s->name; *p;) {
        const char *open = strchr(p, '{');
        if (!open) {
            sb_add(&b, p, strlen(p));
            break;
        }
        sb_add(&b, p, (size_t)(open - p));
        const char *close = strchr(open, '}');
        char *word = close ? dup_range(open + 1, (size_t)(close - open - 1)) : NULL;
        const struct entry *e = word ? section_entry(s, word) : NULL;
        if (!e) {
            if (close)
                fail(ld, src->path, s->line, "'{%s}' in the case name is not a key set in this case",
                     word ? word : "");
            else
                fail(ld, src->path, s->line, "'{' without '}' in the case name");
            free(word);
            free(b.p);
            return NULL;
        }
        free(word);
        size_t i = (size_t)(e - s->entries);
        named[i] = true;
        if (lists[i].present) {
            list_element(e->value, &lists[i], idx[i], &s_elem, &len);
            sb_add(&b, s_elem, len);
        } else {
            sb_add(&b, e->value, strlen(e->value));
        }
        p = close + 1;
    }
    for (size_t i = 0; i < s->n; i++)
        if (lists[i].present && !named[i]) {
            list_element(s->entries[i].value, &lists[i], idx[i], &s_elem, &len);
            sb_add(&b, "-", 1);
            sb_add(&b, s_elem, len);
        }
    char *name = sb_take(&b);
    if (!name) {
        fail(ld, src->path, s->line, "out of memory");
    } else if (!name_ok(name)) {
        fail(ld, src->path, s->line, "'%s' is not a case name (not empty; no blanks, control "
             "characters, '/' or '\\')", name);
        free(name);
        name = NULL;
    }
    return name;
}

/* Combination IDX of section S as case C. */
static int build_case(struct loader *ld, const struct source *src, const struct section *s,
                      const struct brace_list *lists, const size_t *idx, struct matrix_case *c)
{
    memset(c, 0, sizeof *c);
    c->timeout = MATRIX_DEFAULT_TIMEOUT;
    c->line = s->line;
    if (!(c->name = case_name(ld, src, s, lists, idx)))
        return -1;
    if (!(c->file = strdup(src->path)))
        return fail(ld, src->path, s->line, "out of memory");
    for (size_t i = 0; i < s->n; i++) {
        const struct entry *e = &s->entries[i];
        char why[512];
        char *value = compose(e, &lists[i], idx[i]);
        int rc = value ? e->key->set(c, e->key, value, src, why, sizeof why)
                       : out_of_memory(why, sizeof why);
        free(value);
        if (rc < 0)
            return fail(ld, src->path, e->line, "%s: %s", e->key->name, why);
    }
    if (!c->kernel && !c->bios)
        return fail(ld, src->path, s->line, "case '%s' has neither kernel nor bios", c->name);
    return 0;
}

/* Appends C (taking it over) unless its name is taken. */
static int add_case(struct loader *ld, struct matrix_case *c)
{
    struct matrix *m = ld->m;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->cases[i].name, c->name) == 0)
            return fail(ld, c->file, c->line, "duplicate case '%s' (first at %s:%u)", c->name,
                        m->cases[i].file, m->cases[i].line);
    if (m->n == ld->cap) {
        size_t cap = ld->cap ? ld->cap * 2 : 16;
        struct matrix_case *p = realloc(m->cases, cap * sizeof *p);
        if (!p)
            return fail(ld, c->file, c->line, "out of memory");
        m->cases = p;
        ld->cap = cap;
    }
    m->cases[m->n++] = *c;
    return 0;
}

/* Steps IDX like an odometer over the lists, the last one fastest; false
 * after the last combination. */
static bool next_combination(size_t *idx, const struct brace_list *lists, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (!lists[i].present)
            continue;
        if (++idx[i] < lists[i].n)
            return true;
        idx[i] = 0;
    }
    return false;
}

/* Every case section S expands to, appended in order. */
static int expand_section(struct loader *ld, const struct source *src, const struct section *s)
{
    struct brace_list lists[N_KEYS];
    size_t idx[N_KEYS] = { 0 }, total = 1;
    for (size_t i = 0; i < s->n; i++) {
        char why[512];
        const struct entry *e = &s->entries[i];
        memset(&lists[i], 0, sizeof lists[i]);
        if (e->key->expands && find_list(e->value, &lists[i], why, sizeof why) < 0)
            return fail(ld, src->path, e->line, "%s: %s", e->key->name, why);
        if (lists[i].present && (total *= lists[i].n) > MATRIX_MAX_EXPANSION)
            return fail(ld, src->path, s->line, "case '%s' expands to more than %d cases", s->name,
                        MATRIX_MAX_EXPANSION);
    }
    do {
        struct matrix_case c;
        if (build_case(ld, src, s, lists, idx, &c) < 0 || add_case(ld, &c) < 0) {
            case_free(&c);
            return -1;
        }
    } while (next_combination(idx, lists, s->n));
    return 0;
}

static void section_clear(struct section *s)
{
    free(s->name);
    for (size_t i = 0; i < s->n; i++)
        free(s->entries[i].value);
    memset(s, 0, sizeof *s);
}

/* Ends the open section, if any, expanding it into cases. */
static int section_end(struct loader *ld, const struct source *src, struct section *s)
{
    int rc = s->name ? expand_section(ld, src, s) : 0;
    section_clear(s);
    return rc;
}

static int read_file(struct loader *ld, const char *path, const struct source *from,
                     unsigned from_line);

static int parse_header(struct loader *ld, const struct source *src, struct section *s,
                        char *text, unsigned line)
{
    size_t n = strlen(text);
    if (text[n - 1] != ']')
        return fail(ld, src->path, line, "'[' without ']' at the end of the line");
    text[n - 1] = 0;
    char *name = trim(text + 1);
    if (!*name)
        return fail(ld, src->path, line, "empty case name");
    if (section_end(ld, src, s) < 0)
        return -1;
    s->line = line;
    return (s->name = strdup(name)) ? 0 : fail(ld, src->path, line, "out of memory");
}

static int parse_include(struct loader *ld, const struct source *src, struct section *s,
                         const char *file, unsigned line)
{
    if (!*file)
        return fail(ld, src->path, line, "include needs a file: include FILE");
    if (section_end(ld, src, s) < 0)
        return -1;
    char *path = join_path(src, file);
    if (!path)
        return fail(ld, src->path, line, "out of memory");
    int rc = read_file(ld, path, src, line);
    free(path);
    return rc;
}

static int parse_entry(struct loader *ld, const struct source *src, struct section *s,
                       char *text, char *eq, unsigned line)
{
    *eq = 0;
    char *name = trim(text), *value = trim(eq + 1);
    const struct key_def *k = key_find(name);
    if (!*name)
        return fail(ld, src->path, line, "'=' without a key before it");
    if (!k && strcmp(name, "include") == 0)
        return fail(ld, src->path, line, "include takes no '=': include FILE");
    if (!k) {
        char known[256] = "";
        for (size_t i = 0; i < N_KEYS; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                     keys[i].name);
        return fail(ld, src->path, line, "unknown key '%s' (known: %s)", name, known);
    }
    if (!s->name)
        return fail(ld, src->path, line, "key '%s' outside a case ('[name]' starts one; "
                    "an include ends the one before it)", name);
    const struct entry *dup = section_entry(s, name);
    if (dup)
        return fail(ld, src->path, line, "%s: set twice in case '%s' (first at line %u)", name,
                    s->name, dup->line);
    struct entry *e = &s->entries[s->n];
    if (!(e->value = strdup(value)))
        return fail(ld, src->path, line, "out of memory");
    e->key = k;
    e->line = line;
    s->n++;
    return 0;
}

/* One line of SRC (modified in place). */
static int parse_line(struct loader *ld, const struct source *src, struct section *s,
                      char *raw, unsigned line)
{
    char *text = trim(raw);
    if (!*text || *text == '#' || *text == ';')
        return 0;
    if (*text == '[')
        return parse_header(ld, src, s, text, line);
    if (strncmp(text, "include", 7) == 0 && (!text[7] || isspace((unsigned char)text[7]))) {
        char *file = trim(text + 7);
        if (*file != '=')
            return parse_include(ld, src, s, file, line);
    }
    char *eq = strchr(text, '=');
    if (!eq)
        return fail(ld, src->path, line, "expected '[name]', 'key = value' or 'include FILE'");
    return parse_entry(ld, src, s, text, eq, line);
}

/* A file that cannot be read: "PATH: WHY" at the top, "FROM:LINE: include
 * PATH: WHY" for an include. */
static int fail_file(struct loader *ld, const char *path, const struct source *from,
                     unsigned from_line, const char *why)
{
    return from ? fail(ld, from->path, from_line, "include %s: %s", path, why)
                : fail(ld, path, 0, "%s", why);
}

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Pushes the file open as F on the include stack, refusing cycles and
 * excessive nesting (dev/inode, so that "a/../x.cfg" is "x.cfg"). */
static int push_file(struct loader *ld, FILE *f, const char *path, const struct source *from,
                     unsigned from_line)
{
    struct stat st;
    if (fstat(fileno(f), &st) < 0)
        return fail_file(ld, path, from, from_line, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return fail_file(ld, path, from, from_line, "is a directory");
    for (unsigned i = 0; i < ld->depth; i++)
        if (ld->open[i].dev == st.st_dev && ld->open[i].ino == st.st_ino)
            return fail_file(ld, path, from, from_line, "include cycle: the file is already being read");
    if (ld->depth > MATRIX_MAX_INCLUDE_DEPTH)
        return fail_file(ld, path, from, from_line,
                         "includes nested more than " STRINGIFY(MATRIX_MAX_INCLUDE_DEPTH) " deep");
    ld->open[ld->depth].dev = st.st_dev;
    ld->open[ld->depth].ino = st.st_ino;
    ld->depth++;
    return 0;
}

/* Reads PATH's cases (FROM: the file including it, NULL at the top). */
static int read_file(struct loader *ld, const char *path, const struct source *from,
                     unsigned from_line)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fail_file(ld, path, from, from_line, strerror(errno));
    if (push_file(ld, f, path, from, from_line) < 0) {
        fclose(f);
        return -1;
    }
    struct source src = source_of(path);
    struct section s = { 0 };
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned line = 0;
    int rc = 0;
    while (rc == 0 && (len = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (strlen(buf) != (size_t)len)
            rc = fail(ld, path, line, "NUL byte in the line");
        else
            rc = parse_line(ld, &src, &s, buf, line);
    }
    if (rc == 0 && ferror(f))
        rc = fail(ld, path, line + 1, "read error: %s", strerror(errno));
    if (rc == 0)
        rc = section_end(ld, &src, &s);
    section_clear(&s);
    free(buf);
    fclose(f);
    ld->depth--;
    return rc;
}

int matrix_load(const char *path, struct matrix *m, char *err, size_t errlen)
{
    struct loader ld = { .m = m, .err = err, .errlen = errlen };
    m->cases = NULL;
    m->n = 0;
    if (errlen)
        err[0] = 0;
    if (read_file(&ld, path, NULL, 0) < 0) {
        matrix_free(m);
        return -1;
    }
    return 0;
}
