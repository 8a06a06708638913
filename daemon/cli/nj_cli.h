/*
 * nj_cli.h - subcommands of the `nianjian` program.
 */
#ifndef NJ_CLI_H
#define NJ_CLI_H

/* `nianjian check …`; ARGV[0] is "check".  Returns the exit status. */
int nj_cmd_check(int argc, char **argv);

#endif
