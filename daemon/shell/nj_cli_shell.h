/*
 * nj_cli_shell.h - subcommands of `nianjian` that live in the shell library.
 */
#ifndef NJ_CLI_SHELL_H
#define NJ_CLI_SHELL_H

/*
 * nianjian events [--config FILE] [--endpoint EP] [--replay-endpoint EP] [--since SEQ]
 *                 [--topic PREFIX] [--count N] [--timeout-ms N]
 * ARGV[0] is "events".  Prints one event per line as JSON; returns the exit status
 * (0 ok, 1 when --count events did not arrive before --timeout-ms, 2 usage/config error).
 */
int nj_cmd_events(int argc, char **argv);

#endif
