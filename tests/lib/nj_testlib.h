/*
 * nj_testlib.h - helpers shared by the Check tests: reading fixtures, checking a report
 * from a string, and asking what a result found.
 */
#ifndef NJ_TESTLIB_H
#define NJ_TESTLIB_H

#include "nj_core.h"

#include <check.h>
#include <stddef.h>

/* Reads a whole file (malloc'd, NUL-terminated); aborts the test when it cannot. */
char *nj_t_read(const char *path, size_t *len);
/* Path of a file in the shared folder; aborts loudly when ../shared is missing. */
const char *nj_t_shared(const char *rel);
/* Checks BUF as FILE_NAME with default options in LANG. */
struct nj_result *nj_t_check(const void *buf, size_t len, const char *file_name, enum nj_lang lang);
struct nj_result *nj_t_check_str(const char *text);
/* Number of findings with rule RULE (and, when non-NULL, a where.row / where.column
 * containing ROW / COL). */
int nj_t_count(const struct nj_result *res, const char *rule, const char *row, const char *col);
/* A canonical summary of a result: "status: X" then one line per finding
 * "RULE|severity|where" (messages left out), sorted. Malloc'd. */
char *nj_t_summary(const struct nj_result *res);
/* Runs SUITE and returns the process exit status. */
int nj_t_run(Suite *s);

#endif
