/*
 * nj_notify.c - sd_notify without libsystemd: one datagram per state change.
 */
#include "nj_notify.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define NOTIFY_WAIT_MS 200

int
nj_notify(const char *fmt, ...)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    char msg[1024];
    va_list ap;
    int fd, ret;

    if (!path || !*path)
        return 0;
    size_t plen = strlen(path);
    if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sa.sun_path)
        return -EINVAL;

    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof msg)
        return -EMSGSIZE;

    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, plen);
    if (path[0] == '@')
        sa.sun_path[0] = '\0';
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
    if (path[0] == '/')
        salen++; /* include the terminating NUL of a filesystem path */

    /* Never block the loop on a receiver that does not read (a full queue, 10 datagrams
     * by default): wait up to NOTIFY_WAIT_MS for room, then drop the notification. */
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, salen) < 0) {
        ret = -errno;
        close(fd);
        return ret;
    }
    ret = 1;
    for (int tries = 0;; tries++) {
        if (send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN || tries > 0) {
            ret = -errno;
            break;
        }
        struct pollfd p = {fd, POLLOUT, 0};
        poll(&p, 1, NOTIFY_WAIT_MS);
    }
    close(fd);
    return ret;
}

uint64_t
nj_notify_watchdog_usec(void)
{
    const char *s = getenv("WATCHDOG_USEC");
    const char *p = getenv("WATCHDOG_PID");
    char *end;

    if (!s || !*s)
        return 0;
    if (p && *p) {
        long pid = strtol(p, &end, 10);
        if (*end || pid != (long)getpid())
            return 0;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return 0;
    return (uint64_t)v;
}

uint64_t
nj_notify_monotonic_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
