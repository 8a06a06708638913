/*
 * nj_paths.h - which names in a drop folder are reports, and how our own files are named.
 *
 * Pure string rules (no I/O), shared by the watcher, the writer and the tests.
 */
#ifndef NJ_PATHS_H
#define NJ_PATHS_H

#include <stddef.h>
#include <sys/types.h>

/* The marker inside temporary result names: ".NAME.nianjian.tmp.PID.RANDOM". */
#define NJ_TMP_MARK ".nianjian.tmp."

/* Non-zero for a result file (NAME.nianjian.json/.txt/.html) or a temporary name. */
int nj_path_is_ours(const char *base);

/* Non-zero for a hidden name (leading '.'). */
int nj_path_is_hidden(const char *base);

/*
 * Non-zero when BASE (a file's base name) should be checked: not ours, not hidden,
 * matches one of INCLUDE and none of EXCLUDE (fnmatch, case-insensitive).
 */
int nj_path_wanted(const char *base, char *const *include, size_t n_include, char *const *exclude,
                   size_t n_exclude);

/* The pid embedded in a temporary name, or -1 when BASE is not one. */
pid_t nj_path_tmp_pid(const char *base);

/*
 * Joins DIR and NAME with one '/' into OUT (DIR may be "" for none).  Returns 0, or -1
 * when OUT is too small.
 */
int nj_path_join(char *out, size_t size, const char *dir, const char *name);

#endif
