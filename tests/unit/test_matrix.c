/*
 * The test-matrix reader (harness/matrix.h): matrix files written into a
 * scratch directory and read back. Checks every key's parsed value, files
 * joined to the directory of the file naming them (includes too), comments
 * and blanks, brace expansion (names, order, cartesian products), the
 * config hash (stable, blind to name and directory, sensitive to every
 * key), the `ppcrr run` arguments, groups, and every kind of error with
 * the file:line it must name.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/matrix.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

static char err[2048];

static const char *write_cfg(const char *name, const char *text)
{
    const char *path = test_path(name);
    if (!test_write_file(path, text, strlen(text)))
        tap_bail("cannot write %s", path);
    return path;
}

/* Writes NAME and loads it; bails out if it does not load. */
static void load_ok(const char *name, const char *text, struct matrix *m)
{
    const char *path = write_cfg(name, text);
    if (matrix_load(path, m, err, sizeof err) != 0)
        tap_bail("%s does not load: %s", name, err);
}

static char *joined(const char *name)
{
    static char buf[4][1024];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", test_scratch_dir(), name);
    return b;
}

/* The names of M, comma-separated. */
static const char *names(const struct matrix *m)
{
    static char buf[4096];
    buf[0] = 0;
    for (size_t i = 0; i < m->n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "", m->cases[i].name);
    return buf;
}

/* FILE (as written to the scratch dir) fails to load at LINE (0: no line)
 * with a message holding WHAT; the matrix is left empty. */
static void check_error_in(const char *desc, const char *file, unsigned line, const char *what)
{
    struct matrix m = { (void *)1, 99 };
    char prefix[1024], head[1024];
    int rc = matrix_load(test_path(file), &m, err, sizeof err);
    ok(rc == -1 && m.n == 0 && m.cases == NULL, "%s: fails, matrix empty", desc);
    if (line)
        snprintf(prefix, sizeof prefix, "%s:%u: ", test_path(file), line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", test_path(file));
    size_t n = strnlen(err, strlen(prefix));
    memcpy(head, err, n);
    head[n] = 0;
    is_str(head, prefix, "%s: names file:line", desc);
    has_substr(err, what, "%s: says why", desc);
    if (rc == 0)
        matrix_free(&m);
}

static void check_error(const char *desc, const char *text, unsigned line, const char *what)
{
    write_cfg("e.cfg", text);
    check_error_in(desc, "e.cfg", line, what);
}

static void test_keys(void)
{
    struct matrix m;
    load_ok("keys.cfg",
            "# a comment\n"
            "   ; another, indented\n"
            "\n"
            "[hello]\n"
            "kernel=hello.elf\n"
            "  initrd   =   rd.img  \n"
            "bios = /opt/slof.bin\r\n"
            "machine\t=\tpseries\n"
            "append = console=hvc0 # not a comment\n"
            "  # a comment inside a case\n"
            "smp = 2\n"
            "extra = -m 1G \t -rtc   base=2020-01-01T00:00:00\n"
            "groups = quick  smp\n"
            "timeout = 2.5\n"
            "expect = ^1\\.\\.[0-9]+$\n"
            "exit = 3\n"
            "stdin = hello q\n"
            "[bare]\n"
            "kernel = sub/k.elf\n"
            "append =\n"
            "groups =\n",
            &m);
    if (!is_u64(m.n, 2, "two cases"))
        tap_bail("cannot go on");
    const struct matrix_case *c = &m.cases[0];
    is_str(c->name, "hello", "name");
    is_str(c->kernel, joined("hello.elf"), "kernel joined to the matrix's directory");
    is_str(c->written.kernel, "hello.elf", "kernel as written kept");
    is_str(c->initrd, joined("rd.img"), "initrd joined, blanks around '=' and at the end dropped");
    is_str(c->bios, "/opt/slof.bin", "an absolute bios stays, CRLF dropped");
    is_str(c->machine, "pseries", "machine pseries is not a file");
    is_str(c->append, "console=hvc0 # not a comment", "'#' after a value belongs to it");
    is_u64(c->smp, 2, "smp");
    is_str(c->smp_arg, "2", "smp as text");
    if (is_u64(c->n_extra, 4, "extra split on blanks and tabs")) {
        is_str(c->extra[0], "-m", "extra[0]");
        is_str(c->extra[1], "1G", "extra[1]");
        is_str(c->extra[2], "-rtc", "extra[2]");
        is_str(c->extra[3], "base=2020-01-01T00:00:00", "extra[3]");
    }
    if (is_u64(c->n_groups, 2, "two groups")) {
        is_str(c->groups[0], "quick", "groups[0]");
        is_str(c->groups[1], "smp", "groups[1]");
    }
    ok(c->timeout == 2.5, "timeout 2.5 (got %g)", c->timeout);
    is_str(c->expect, "^1\\.\\.[0-9]+$", "expect");
    is_i64(c->exit_status, 3, "exit");
    is_str(c->stdin_text, "hello q", "stdin");
    is_str(c->file, test_path("keys.cfg"), "file");
    is_u64(c->line, 4, "line of the section");

    c = &m.cases[1];
    is_str(c->kernel, joined("sub/k.elf"), "a relative path with a directory");
    ok(!c->initrd && !c->bios && !c->machine && !c->append && !c->expect && !c->stdin_text,
       "unset keys are NULL (an empty append too)");
    is_u64(c->smp, 0, "smp not given");
    is_str(c->smp_arg, "", "no smp text");
    is_u64(c->n_extra + c->n_groups, 0, "no extra, no groups");
    ok(c->timeout == MATRIX_DEFAULT_TIMEOUT, "default timeout");
    is_i64(c->exit_status, 0, "default exit status");
    is_u64(c->line, 18, "line of the second section");
    matrix_free(&m);
    is_u64(m.n, 0, "matrix_free empties");
}

/* A matrix named without a directory keeps its files relative to the cwd. */
static void test_relative_paths(void)
{
    char cwd[PATH_MAX];
    struct matrix m;
    if (!getcwd(cwd, sizeof cwd) || chdir(test_scratch_dir()) != 0)
        tap_bail("chdir");
    mkdir("rel", 0777);
    write_cfg("rel.cfg", "[r]\nkernel = k.elf\n");
    write_cfg("rel/r.cfg", "[r]\nkernel = k.elf\ninitrd = ../i.img\n");
    ok(matrix_load("rel.cfg", &m, err, sizeof err) == 0, "rel.cfg loads");
    is_str(m.n ? m.cases[0].kernel : NULL, "k.elf", "no directory: the value as it is");
    matrix_free(&m);
    ok(matrix_load("rel/r.cfg", &m, err, sizeof err) == 0, "rel/r.cfg loads");
    is_str(m.n ? m.cases[0].kernel : NULL, "rel/k.elf", "relative directory joined");
    is_str(m.n ? m.cases[0].initrd : NULL, "rel/../i.img", "'..' joined as written");
    matrix_free(&m);
    if (chdir(cwd) != 0)
        tap_bail("chdir back");
}

static void test_includes(void)
{
    struct matrix m;
    mkdir(test_path("inc"), 0777);
    mkdir(test_path("inc/deeper"), 0777);
    write_cfg("inc/deeper/d.cfg", "[d]\nkernel = x.elf\n");
    write_cfg("inc/b.cfg", "[b]\nkernel = k.elf\nmachine = m.dts\ninclude deeper/d.cfg\n");
    char text[2048];
    snprintf(text, sizeof text,
             "include   inc/b.cfg\n"
             "[a]\nkernel = a.elf\n"
             "include %s\n"
             "[c]\nbios = c.bin\n",
             test_path("abs.cfg"));
    write_cfg("abs.cfg", "[e]\nkernel = e.elf\n");
    load_ok("main.cfg", text, &m);
    is_str(names(&m), "b,d,a,e,c", "included cases where the include is, in file order");
    if (m.n == 5) {
        is_str(m.cases[0].kernel, joined("inc/k.elf"), "files relative to the included file");
        is_str(m.cases[0].machine, joined("inc/m.dts"), "machine too");
        is_str(m.cases[1].kernel, joined("inc/deeper/x.elf"), "and to a nested include");
        is_str(m.cases[0].file, joined("inc/b.cfg"), "an included case's file");
        is_u64(m.cases[1].line, 1, "and line");
        is_str(m.cases[3].kernel, joined("e.elf"), "an include given as an absolute path");
        is_str(m.cases[4].bios, joined("c.bin"), "the case after an include");
    }
    matrix_free(&m);

    /* 16 nested includes are fine, 17 are not. */
    for (int i = 0; i <= 17; i++) {
        char name[32], body[64];
        snprintf(name, sizeof name, "n%d.cfg", i);
        snprintf(body, sizeof body, "[n%d]\nkernel = k\ninclude n%d.cfg\n", i, i + 1);
        write_cfg(name, i == 17 ? "[n17]\nkernel = k\n" : body);
    }
    ok(matrix_load(test_path("n1.cfg"), &m, err, sizeof err) == 0 && m.n == 17,
       "16 nested includes load (%s)", err);
    matrix_free(&m);
    ok(matrix_load(test_path("n0.cfg"), &m, err, sizeof err) == -1 && m.n == 0,
       "17 nested includes do not");
    char want[1024];
    snprintf(want, sizeof want, "%s:3: include %s: includes nested more than 16 deep",
             test_path("n16.cfg"), test_path("n17.cfg"));
    is_str(err, want, "the whole message for too deep an include");
}

static void check_names(const char *desc, const char *text, const char *want)
{
    struct matrix m;
    const char *path = write_cfg("x.cfg", text);
    if (matrix_load(path, &m, err, sizeof err) != 0) {
        ok(false, "%s: loads", desc);
        tap_diag("%s", err);
        return;
    }
    is_str(names(&m), want, "%s", desc);
    matrix_free(&m);
}

static void test_expansion(void)
{
    struct matrix m;
    check_names("one list", "[s]\nkernel = k\nsmp = {1,2,4}\n", "s-1,s-2,s-4");
    check_names("two lists: cartesian product, first key slowest",
                "[c]\nkernel = k\nsmp = {1,2}\nmachine = { a.dts , b.dts }\n",
                "c-1-a.dts,c-1-b.dts,c-2-a.dts,c-2-b.dts");
    check_names("three lists", "[t]\nkernel = {x,y}\nsmp = {1,2}\nexit = {0,1}\n",
                "t-x-1-0,t-x-1-1,t-x-2-0,t-x-2-1,t-y-1-0,t-y-1-1,t-y-2-0,t-y-2-1");
    check_names("{key} in the name replaces the suffix", "[p{smp}]\nkernel = k\nsmp = {1,2}\n",
                "p1,p2");
    check_names("{key} for one list, a suffix for the other",
                "[p{smp}-x]\nkernel = k\nsmp = {1,2}\nappend = {a,b}\n",
                "p1-x-a,p1-x-b,p2-x-a,p2-x-b");
    check_names("names follow key order, not name order",
                "[q-{append}-{smp}]\nkernel = k\nsmp = {1,2}\nappend = {a,b}\n",
                "q-a-1,q-b-1,q-a-2,q-b-2");
    check_names("{key} of a key without a list: its value as written",
                "[k-{kernel}-{smp}]\nkernel = vmlinux\nsmp = 4\n", "k-vmlinux-4");
    check_names("cases in file order, expansions in list order",
                "[z]\nkernel = k\n[y]\nkernel = k\nsmp = {4,1}\n[x]\nkernel = k\n", "z,y-4,y-1,x");

    load_ok("x.cfg",
            "[v]\nkernel = {a,b}.elf\nappend = console=hvc0 {quiet,debug} x\nextra = -m {1G,2G}\n"
            "stdin = awk '{print}'\nexpect = ^a{1,3}$\ngroups = g{1,2}\n",
            &m);
    if (is_u64(m.n, 16, "2*2*2*2 cases")) {
        const struct matrix_case *c = &m.cases[0], *last = &m.cases[15];
        is_str(c->name, "v-a-quiet-1G-1", "name of the first");
        is_str(c->kernel, joined("a.elf"), "element with a suffix, then joined");
        is_str(c->written.kernel, "a.elf", "written kernel");
        is_str(c->append, "console=hvc0 quiet x", "element with prefix and suffix");
        ok(c->n_extra == 2 && strcmp(c->extra[1], "1G") == 0, "element in extra");
        is_str(c->stdin_text, "awk '{print}'", "braces without a comma are literal");
        is_str(c->expect, "^a{1,3}$", "expect is never expanded");
        ok(c->n_groups == 1 && strcmp(c->groups[0], "g1") == 0, "element in groups");
        is_str(last->name, "v-b-debug-2G-2", "name of the last");
        is_str(last->append, "console=hvc0 debug x", "append of the last");
        is_str(last->kernel, joined("b.elf"), "kernel of the last");
    }
    matrix_free(&m);
}

static void test_config_hash(void)
{
    struct matrix m, m2;
    char h[17], h2[17];
    static const char base[] =
        "kernel = k.elf\nsmp = 2\nextra = -m 1G\ngroups = quick\ntimeout = 2.5\nexit = 3\n"
        "append = console=hvc0\nexpect = ^ok$\nstdin = q\n";
    static const char *const variants[] = {
        "kernel = k2.elf\n", "initrd = i.img\n", "bios = b.bin\n", "machine = pseries\n",
        "append = console=hvc1\n", "smp = 3\n", "extra = -m 2G\n", "extra = -m 1G x\n",
        "groups = slow\n", "groups = quick slow\n", "timeout = 2.25\n", "expect = ^ok\n",
        "exit = 0\n", "stdin = r\n",
    };
    size_t nv = sizeof variants / sizeof variants[0];
    char text[8192];
    /* Case "base" and "same" share every value; each vN replaces one. */
    snprintf(text, sizeof text, "[base]\n%s[same]\n%s", base, base);
    for (size_t i = 0; i < nv; i++) {
        const char *key_end = strchr(variants[i], ' ');
        size_t key_len = (size_t)(key_end - variants[i]);
        snprintf(text + strlen(text), sizeof text - strlen(text), "[v%zu]\n%s", i, variants[i]);
        for (const char *line = base; *line; line = strchr(line, '\n') + 1)
            if (strncmp(line, variants[i], key_len + 1) != 0)
                snprintf(text + strlen(text), sizeof text - strlen(text), "%.*s",
                         (int)(strchr(line, '\n') - line + 1), line);
    }
    load_ok("hash.cfg", text, &m);
    if (!is_u64(m.n, 2 + nv, "a case per variant"))
        return;
    char hashes[32][17];
    for (size_t i = 0; i < m.n; i++)
        matrix_case_config_hash(&m.cases[i], hashes[i]);
    is_u64(strlen(hashes[0]), 16, "16 hex digits");
    ok(strspn(hashes[0], "0123456789abcdef") == 16, "lower-case hex (%s)", hashes[0]);
    is_str(hashes[1], hashes[0], "another name, same values: same hash");
    /* Computed independently (Python): FNV-1a 64 over, per key in table
     * order, key NUL, then \1 value NUL (\0 if unset; lists: \1, each word
     * NUL, then NUL). */
    is_str(hashes[0], "a1b4cf8f3c26f938", "the hash is the documented function");
    for (size_t i = 0; i < nv; i++) {
        ok(strcmp(hashes[2 + i], hashes[0]) != 0, "changing '%.*s' changes the hash",
           (int)strcspn(variants[i], "\n"), variants[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(hashes[2 + i], hashes[2 + j]) == 0)
                ok(false, "variants %zu and %zu collide", i, j);
    }
    matrix_free(&m);

    load_ok("hash2.cfg", "[only]\nkernel = k.elf\n", &m);
    matrix_case_config_hash(&m.cases[0], h);
    is_str(h, "af82aaf980c8277a", "a kernel-only case (Python)");
    matrix_free(&m);

    /* The same file through another path: files join differently, the hash stays. */
    char other[1024];
    snprintf(other, sizeof other, "%s/./hash2.cfg", test_scratch_dir());
    if (matrix_load(other, &m2, err, sizeof err) != 0)
        tap_bail("%s", err);
    matrix_case_config_hash(&m2.cases[0], h2);
    ok(strcmp(m2.cases[0].kernel, joined("k.elf")) != 0, "kernel joined to another directory (%s)",
       m2.cases[0].kernel);
    is_str(h2, h, "hash independent of where the matrix is read from");
    matrix_free(&m2);

    load_ok("x.cfg", "[a]\nkernel = k\nappend = x\n[b]\nkernel = k\nstdin = x\n", &m);
    matrix_case_config_hash(&m.cases[0], h);
    matrix_case_config_hash(&m.cases[1], h2);
    ok(strcmp(h, h2) != 0, "a value moved to another key changes the hash");
    matrix_free(&m);
}

static void test_run_args(void)
{
    struct matrix m;
    size_t n = 99;
    load_ok("args.cfg",
            "[full]\nextra = -m 1G -rtc base=utc\nsmp = 4\nappend = console=hvc0 quiet\n"
            "machine = m.dts\nbios = /b.bin\ninitrd = i.img\nkernel = k.elf\n"
            "[min]\nbios = b.bin\n",
            &m);
    char **a = matrix_case_run_args(&m.cases[0], &n);
    const char *want[] = { "-kernel", joined("k.elf"), "-initrd", joined("i.img"), "-bios", "/b.bin",
                           "-machine", joined("m.dts"), "-append", "console=hvc0 quiet", "-smp", "4",
                           "-m", "1G", "-rtc", "base=utc" };
    size_t nw = sizeof want / sizeof want[0];
    if (is_u64(n, nw, "full case: argument count")) {
        for (size_t i = 0; i < nw; i++)
            is_str(a[i], want[i], "argument %zu", i);
        ok(a[nw] == NULL, "NULL-terminated");
    }
    ok(a && a[1] == m.cases[0].kernel, "arguments point into the case");
    free(a);
    a = matrix_case_run_args(&m.cases[1], &n);
    ok(n == 2 && a && strcmp(a[0], "-bios") == 0 && strcmp(a[1], joined("b.bin")) == 0 && !a[2],
       "a bios-only case: -bios FILE only");
    free(a);
    a = matrix_case_run_args(&m.cases[1], NULL);
    ok(a && a[2] == NULL, "N may be NULL");
    free(a);
    matrix_free(&m);
}

static void test_groups(void)
{
    struct matrix m;
    load_ok("g.cfg", "[a]\nkernel = k\ngroups = quick smp\n[b]\nkernel = k\n", &m);
    ok(matrix_case_in_group(&m.cases[0], "quick"), "in its first group");
    ok(matrix_case_in_group(&m.cases[0], "smp"), "in its second group");
    ok(!matrix_case_in_group(&m.cases[0], "slow"), "not in another");
    ok(!matrix_case_in_group(&m.cases[0], "qui"), "not in a prefix of one");
    ok(matrix_case_in_group(&m.cases[0], "all"), "'all' holds a case with groups");
    ok(matrix_case_in_group(&m.cases[1], "all"), "'all' holds a case without");
    ok(!matrix_case_in_group(&m.cases[1], "quick"), "a case without groups is in no group");
    matrix_free(&m);
}

static void test_errors(void)
{
    check_error_in("missing file", "nonexistent.cfg", 0, "No such file");
    check_error("a stray line", "[a]\nkernel = k\nthis is not ini\n", 3, "expected '[name]'");
    check_error("'[' without ']'", "[a\nkernel = k\n", 1, "without ']'");
    check_error("empty case name", "[  ]\nkernel = k\n", 1, "empty case name");
    check_error("key before any case", "# c\nkernel = k\n[a]\nkernel = k\n", 2, "outside a case");
    write_cfg("ok.cfg", "[o]\nkernel = k\n");
    check_error("key after an include", "[a]\nkernel = k\ninclude ok.cfg\nsmp = 2\n", 4, "outside a case");
    check_error("unknown key", "[a]\nkernel = k\nkernal = k\n", 3, "unknown key 'kernal' (known: kernel, ");
    check_error("'=' without a key", "[a]\n= k\n", 2, "without a key");
    check_error("include with '='", "include = ok.cfg\n", 1, "include takes no '='");
    check_error("include without a file", "include\n", 1, "include needs a file");
    check_error("repeated key", "[a]\nkernel = k\nsmp = 1\nsmp = 2\n", 4, "set twice in case 'a' (first at line 3)");
    check_error("smp 0", "[a]\nkernel = k\nsmp = 0\n", 3, "smp: '0' is not a vCPU count from 1 to 64");
    check_error("smp 65", "[a]\nkernel = k\nsmp = 65\n", 3, "'65' is not a vCPU count");
    check_error("smp not a number", "[a]\nkernel = k\nsmp = two\n", 3, "'two' is not a vCPU count");
    check_error("smp empty", "[a]\nkernel = k\nsmp =\n", 3, "smp: '' is not");
    check_error("timeout 0", "[a]\nkernel = k\ntimeout = 0\n", 3, "timeout: '0' is not a number of seconds");
    check_error("timeout 0.0", "[a]\nkernel = k\ntimeout = 0.0\n", 3, "'0.0' is not");
    check_error("timeout negative", "[a]\nkernel = k\ntimeout = -1\n", 3, "'-1' is not");
    check_error("timeout inf", "[a]\nkernel = k\ntimeout = inf\n", 3, "'inf' is not");
    check_error("timeout exponent", "[a]\nkernel = k\ntimeout = 1e3\n", 3, "'1e3' is not");
    check_error("timeout just a point", "[a]\nkernel = k\ntimeout = .\n", 3, "'.' is not");
    check_error("timeout too long", "[a]\nkernel = k\ntimeout = 1000001\n", 3, "at most 1000000");
    check_error("timeout with a unit", "[a]\nkernel = k\ntimeout = 60s\n", 3, "'60s' is not");
    check_error("exit 256", "[a]\nkernel = k\nexit = 256\n", 3, "exit: '256' is not an exit status from 0 to 255");
    check_error("exit negative", "[a]\nkernel = k\nexit = -1\n", 3, "'-1' is not an exit status");
    check_error("bad pattern", "[a]\nkernel = k\nexpect = ok(\n", 3,
                "expect: 'ok(' is not a POSIX extended regular expression");
    check_error("empty pattern", "[a]\nkernel = k\nexpect =\n", 3, "expect: needs a pattern");
    check_error("empty kernel", "[a]\nkernel =\n", 2, "kernel: needs a file");
    check_error("empty machine", "[a]\nkernel = k\nmachine =  \n", 3, "machine: needs a file");
    check_error("neither kernel nor bios", "[a]\nkernel = k\n[b]\ninitrd = i\nsmp = 2\n", 3,
                "case 'b' has neither kernel nor bios");
    check_error("an empty case", "[a]\n", 1, "neither kernel nor bios");
    char want[1024];
    snprintf(want, sizeof want, "duplicate case 'a' (first at %s:1)", test_path("e.cfg"));
    check_error("duplicate case", "[a]\nkernel = k\n[b]\nkernel = k\n[a]\nbios = b\n", 5, want);
    snprintf(want, sizeof want, "duplicate case 'a-2' (first at %s:1)", test_path("e.cfg"));
    check_error("duplicate after expansion", "[a-2]\nkernel = k\n[a]\nkernel = k\nsmp = {1,2}\n", 3, want);
    check_error("duplicate within one expansion", "[a]\nkernel = k\nsmp = {1,1}\n", 1,
                "duplicate case 'a-1'");
    struct matrix m;
    write_cfg("dup.cfg", "[x]\nkernel = k\n");
    write_cfg("e.cfg", "[x]\nkernel = k\ninclude dup.cfg\n");
    ok(matrix_load(test_path("e.cfg"), &m, err, sizeof err) == -1, "duplicate through an include");
    snprintf(want, sizeof want, "%s:1: duplicate case 'x' (first at %s:1)", test_path("dup.cfg"),
             test_path("e.cfg"));
    is_str(err, want, "a duplicate in an included file names that file");
    write_cfg("cyc1.cfg", "[c1]\nkernel = k\ninclude cyc2.cfg\n");
    write_cfg("cyc2.cfg", "# two\ninclude cyc1.cfg\n");
    ok(matrix_load(test_path("cyc1.cfg"), &m, err, sizeof err) == -1 && m.n == 0, "include cycle");
    snprintf(want, sizeof want, "%s:2: include %s: include cycle", test_path("cyc2.cfg"),
             test_path("cyc1.cfg"));
    has_substr(err, want, "the cycle is reported where it closes");
    check_error("a file including itself", "[a]\nkernel = k\ninclude e.cfg\n", 3, "include cycle");
    check_error("include of a missing file", "[a]\nkernel = k\n\ninclude nope.cfg\n", 4,
                "nope.cfg: No such file or directory");
    check_error("include of a directory", "include inc\n", 1, "is a directory");
    check_error("two brace lists in a value", "[a]\nkernel = k\nappend = {a,b} {c,d}\n", 3,
                "append: more than one brace list");
    check_error("empty element", "[a]\nkernel = k\nsmp = {1,,2}\n", 3, "smp: empty element");
    check_error("blank element", "[a]\nkernel = k\nsmp = {1, }\n", 3, "smp: empty element");
    check_error("a list element that is a bad value", "[a]\nkernel = k\nsmp = {1,99}\n", 3,
                "smp: '99' is not a vCPU count");
    check_error("a name made bad by an element", "[m]\nkernel = k\nmachine = {a/b.dts,c.dts}\n", 1,
                "'m-a/b.dts' is not a case name");
    check_error("a blank in a case name", "[a b]\nkernel = k\n", 1, "'a b' is not a case name");
    check_error("{word} not a key", "[a-{foo}]\nkernel = k\n", 1, "'{foo}' in the case name is not a key");
    check_error("{key} not set", "[a-{smp}]\nkernel = k\n", 1, "'{smp}' in the case name is not a key set");
    check_error("'{' without '}' in a name", "[a-{smp]\nkernel = k\nsmp = 1\n", 1, "'{' without '}'");
    check_error("a bad group name", "[a]\nkernel = k\ngroups = quick,smp\n", 3,
                "groups: 'quick,smp' is not a group name");
    check_error("too many combinations",
                "[a]\nkernel = {1,2,3,4,5,6,7,8,9,10}\ninitrd = {1,2,3,4,5,6,7,8,9,10}\n"
                "append = {1,2,3,4,5,6,7,8,9,10}\nstdin = {1,2,3,4,5,6,7,8,9,10}\nsmp = {1,2}\n",
                1, "case 'a' expands to more than 10000 cases");
    static const char nul[] = "[a]\nkernel = k\nappend = x\0y\n";
    test_write_file(test_path("e.cfg"), nul, sizeof nul - 1);
    check_error_in("a NUL byte", "e.cfg", 3, "NUL byte");
    check_error("the first error wins", "[a]\nsmp = 0\nexit = 900\n", 2, "smp:");
}

int main(void)
{
    test_keys();
    test_relative_paths();
    test_includes();
    test_expansion();
    test_config_hash();
    test_run_args();
    test_groups();
    test_errors();
    test_scratch_cleanup();
    return tap_done();
}
