/* Usage errors, option errors and number parsing for every subcommand (cli.h). */
#include "harness/cli.h"

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

int cli_bad_option(const char *cmd_path, const char *usage, int ch, char **argv)
{
    const char *arg = argv[optind - 1];
    if (ch == ':')
        return cli_usage_error(cmd_path, usage, "option '%s' needs a value", arg);
    if (optopt && arg[0] == '-' && arg[1] != '-')
        return cli_usage_error(cmd_path, usage, "unknown option '-%c'", optopt);
    return cli_usage_error(cmd_path, usage, "unknown option '%s'", arg);
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
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
