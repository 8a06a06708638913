/*
 * nj_notify.h - the systemd readiness protocol (sd_notify), implemented directly.
 *
 * Sends one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a leading '@'
 * means the abstract namespace).  Without $NOTIFY_SOCKET every call is a no-op.
 */
#ifndef NJ_NOTIFY_H
#define NJ_NOTIFY_H

#include <stdint.h>

/* Sends the newline-separated assignments in the printf-style FMT ("READY=1\nSTATUS=…").
 * Returns 1 if sent, 0 if $NOTIFY_SOCKET is unset, or a negative errno. */
int nj_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* $WATCHDOG_USEC in microseconds when set for this process (and $WATCHDOG_PID, if
 * present, is ours), else 0. */
uint64_t nj_notify_watchdog_usec(void);

/* CLOCK_MONOTONIC in microseconds, for RELOADING=1 + MONOTONIC_USEC=. */
uint64_t nj_notify_monotonic_usec(void);

#endif
