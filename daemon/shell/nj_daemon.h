/*
 * nj_daemon.h - nianjiand's main loop: wiring of config, watcher, workers, journal,
 * publisher, signals and the systemd protocol.
 */
#ifndef NJ_DAEMON_H
#define NJ_DAEMON_H

/* sysexits(3) code for a bad configuration; systemd knows it as "CONFIG". */
#define NJ_EXIT_CONFIG 78

/* Loads CONFIG_PATH and runs until SIGTERM/SIGINT.  Returns the process exit status. */
int nj_daemon_run(const char *config_path);

#endif
