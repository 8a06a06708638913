/*
 * nj_log.h - the daemon's tiny logging API.
 *
 * Messages go to stderr, one line each.  Under systemd (stderr not a terminal) every
 * line starts with a "<N>" syslog priority prefix so journald keeps the severity.
 * Only the shell logs; the core returns errors and findings instead.
 */
#ifndef NJ_LOG_H
#define NJ_LOG_H

#include <stdarg.h>

enum nj_log_level { NJ_LOG_ERROR = 3, NJ_LOG_WARNING = 4, NJ_LOG_INFO = 6, NJ_LOG_DEBUG = 7 };

#define NJ_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Sets the most verbose level that is still printed (default NJ_LOG_INFO). */
void nj_log_set_level(enum nj_log_level level);
/* Parses "debug", "info", "warning" or "error"; returns 0 or -1. */
int nj_log_level_parse(const char *s, enum nj_log_level *out);
/* Forces (1) or suppresses (0) the "<N>" prefix; -1 chooses by isatty(stderr). */
void nj_log_set_prefix(int on);

void nj_log_warn(const char *fmt, ...) NJ_PRINTF(1, 2);  /* warning + ": strerror(errno)" */
void nj_log_warnx(const char *fmt, ...) NJ_PRINTF(1, 2); /* warning */
void nj_log_error(const char *fmt, ...) NJ_PRINTF(1, 2); /* error */
void nj_log_info(const char *fmt, ...) NJ_PRINTF(1, 2);
void nj_log_debug(const char *fmt, ...) NJ_PRINTF(1, 2);
/* Logs at error level and exits with STATUS. */
_Noreturn void nj_log_fatal(int status, const char *fmt, ...) NJ_PRINTF(2, 3);

#endif
