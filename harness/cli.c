/* Usage errors, option errors and number parsing for every subcommand (cli.h). */
#include "harness/cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd_path, const char *usage, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ppcrr%s%s: ", cmd_path[0] ? " " : "", cmd_path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", usage);
    return CLI_EXIT_USAGE;
}

/* getopt_long sets optopt to the option character for a short option and
 * to 0 (unknown) or the option's value (missing argument) for a long one;
 * argv[optind - 1] is only the culprit for long options, since getopt may
 * still be inside a cluster of short ones ("-xy"). */
int cli_bad_option(const char *cmd_path, const char *usage, int ch, char **argv)
{
    bool short_opt = optopt > 0 && optopt < 128 && isgraph(optopt);
    const char *arg = argv[optind - 1];
    if (ch == ':' && short_opt)
        return cli_usage_error(cmd_path, usage, "option '-%c' needs a value", optopt);
    if (ch == ':')
        return cli_usage_error(cmd_path, usage, "option '%s' needs a value", arg);
    if (short_opt)
        return cli_usage_error(cmd_path, usage, "unknown option '-%c'", optopt);
    return cli_usage_error(cmd_path, usage, "unknown option '%s'", arg);
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    int base = 10;
    if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!s || !(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s)))
        return false;     /* also refuses signs and leading blanks */
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool cli_wants_help(int argc, char **argv)
{
    return argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
}

int cli_dispatch(const char *cmd_path, const char *usage, const struct cli_command *commands,
                 int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(cmd_path, usage, "missing command");
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argv[1][0] == '-')
        return cli_usage_error(cmd_path, usage, "unknown option '%s'", argv[1]);
    for (const struct cli_command *c = commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0)
            return c->run(c, argc - 1, argv + 1);
    return cli_usage_error(cmd_path, usage, "unknown command '%s'", argv[1]);
}
