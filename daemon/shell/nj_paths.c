/*
 * nj_paths.c - name rules for drop folders.
 */
#include "nj_paths.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
nj_path_is_hidden(const char *base)
{
    return base[0] == '.';
}

int
nj_path_is_ours(const char *base)
{
    if (ends_with(base, ".nianjian.json") || ends_with(base, ".nianjian.txt") ||
        ends_with(base, ".nianjian.html"))
        return 1;
    return base[0] == '.' && strstr(base, NJ_TMP_MARK) != NULL;
}

int
nj_path_wanted(const char *base, char *const *include, size_t n_include, char *const *exclude,
               size_t n_exclude)
{
    int in = 0;

    if (!*base || nj_path_is_hidden(base) || nj_path_is_ours(base))
        return 0;
    for (size_t i = 0; i < n_include && !in; i++)
        in = fnmatch(include[i], base, FNM_CASEFOLD) == 0;
    if (!in)
        return 0;
    for (size_t i = 0; i < n_exclude; i++)
        if (fnmatch(exclude[i], base, FNM_CASEFOLD) == 0)
            return 0;
    return 1;
}

pid_t
nj_path_tmp_pid(const char *base)
{
    const char *p;
    char *end;

    if (base[0] != '.' || !(p = strstr(base, NJ_TMP_MARK)))
        return -1;
    p += strlen(NJ_TMP_MARK);
    long v = strtol(p, &end, 10);
    if (end == p || *end != '.' || v <= 0)
        return -1;
    return (pid_t)v;
}

int
nj_path_join(char *out, size_t size, const char *dir, const char *name)
{
    int n = *dir ? snprintf(out, size, "%s/%s", dir, name) : snprintf(out, size, "%s", name);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}
