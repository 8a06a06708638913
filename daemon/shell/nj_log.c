/*
 * nj_log.c - stderr logging with syslog priority prefixes for journald.
 */
#include "nj_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum nj_log_level log_level = NJ_LOG_INFO;
static int log_prefix = -1;

void
nj_log_set_level(enum nj_log_level level)
{
    log_level = level;
}

int
nj_log_level_parse(const char *s, enum nj_log_level *out)
{
    static const struct {
        const char *name;
        enum nj_log_level level;
    } names[] = {{"debug", NJ_LOG_DEBUG},
                 {"info", NJ_LOG_INFO},
                 {"warning", NJ_LOG_WARNING},
                 {"error", NJ_LOG_ERROR}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].level;
            return 0;
        }
    }
    return -1;
}

void
nj_log_set_prefix(int on)
{
    log_prefix = on;
}

static void NJ_PRINTF(3, 0)
    log_v(enum nj_log_level level, const char *suffix, const char *fmt, va_list ap)
{
    char line[2048];
    int n = 0;

    if (level > log_level)
        return;
    if (log_prefix < 0)
        log_prefix = !isatty(STDERR_FILENO);
    if (log_prefix)
        n = snprintf(line, sizeof line, "<%d>", (int)level);
    if (n < 0)
        n = 0;
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (m < 0)
        m = 0;
    size_t len = strlen(line);
    if (suffix && len + 2 < sizeof line)
        len += (size_t)snprintf(line + len, sizeof line - len, ": %s", suffix);
    if (len >= sizeof line - 1)
        len = sizeof line - 2;
    line[len++] = '\n';
    /* One write per line so lines from different threads do not interleave. */
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

void
nj_log_warn(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    log_v(NJ_LOG_WARNING, strerror(saved), fmt, ap);
    va_end(ap);
    errno = saved;
}

#define NJ_LOG_FN(name, level)                                                                     \
    void name(const char *fmt, ...)                                                                \
    {                                                                                              \
        int saved = errno;                                                                         \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_v(level, NULL, fmt, ap);                                                               \
        va_end(ap);                                                                                \
        errno = saved;                                                                             \
    }

NJ_LOG_FN(nj_log_warnx, NJ_LOG_WARNING)
NJ_LOG_FN(nj_log_error, NJ_LOG_ERROR)
NJ_LOG_FN(nj_log_info, NJ_LOG_INFO)
NJ_LOG_FN(nj_log_debug, NJ_LOG_DEBUG)

void
nj_log_fatal(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_v(NJ_LOG_ERROR, NULL, fmt, ap);
    va_end(ap);
    exit(status);
}
