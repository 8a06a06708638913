/*
 * nj_testlib.c - helpers shared by the Check tests.
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *
nj_t_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        ck_abort_msg("cannot open fixture %s", path);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
    size_t got = fread(b, 1, (size_t)n, f);
    fclose(f);
    b[got] = '\0';
    if (len)
        *len = got;
    return b;
}

const char *
nj_t_shared(const char *rel)
{
    static _Thread_local char path[4096];
    struct stat st;
    if (stat(NJ_SHARED_DIR, &st) != 0) {
        fprintf(stderr,
                "FATAL: the shared folder %s is missing; the corpus tests need it beside the "
                "project root\n",
                NJ_SHARED_DIR);
        ck_abort_msg("shared folder %s missing", NJ_SHARED_DIR);
    }
    snprintf(path, sizeof(path), "%s/%s", NJ_SHARED_DIR, rel);
    return path;
}

struct nj_result *
nj_t_check(const void *buf, size_t len, const char *file_name, enum nj_lang lang)
{
    struct nj_options o;
    memset(&o, 0, sizeof(o));
    o.lang = lang;
    o.file_name = file_name;
    o.now = 1767225600; /* 2026-01-01T00:00:00Z: results are deterministic */
    o.tz_offset_min = 480;
    struct nj_result *res = NULL;
    ck_assert_int_eq(nj_check(buf, len, &o, &res), 0);
    ck_assert_ptr_nonnull(res);
    return res;
}

struct nj_result *
nj_t_check_str(const char *text)
{
    return nj_t_check(text, strlen(text), "t.txt", NJ_LANG_ZH);
}

static int
where_has(const char *where_json, const char *key, const char *val)
{
    if (val == NULL)
        return 1;
    char pat[512];
    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    const char *p = strstr(where_json, pat);
    if (p == NULL)
        return 0;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (e == NULL)
        return 0;
    size_t n = (size_t)(e - p);
    char *v = strndup(p, n);
    int ok = strstr(v, val) != NULL;
    free(v);
    return ok;
}

int
nj_t_count(const struct nj_result *res, const char *rule, const char *row, const char *col)
{
    int n = 0;
    for (size_t i = 0; i < nj_result_n_findings(res); i++) {
        struct nj_finding_view f;
        nj_result_finding(res, i, &f);
        if (strcmp(f.rule, rule) != 0)
            continue;
        if (!where_has(f.where_json, "row", row) || !where_has(f.where_json, "column", col))
            continue;
        n++;
    }
    return n;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
nj_t_summary(const struct nj_result *res)
{
    size_t n = nj_result_n_findings(res);
    char **lines = calloc(n + 1, sizeof(char *));
    size_t total = 64;
    for (size_t i = 0; i < n; i++) {
        struct nj_finding_view f;
        nj_result_finding(res, i, &f);
        /* Positions (line numbers) and messages are left out: the summary pins what was
         * found and where in the table, not the wording. */
        char where[1024];
        snprintf(where, sizeof(where), "%s", f.where_json);
        char *l = strstr(where, ",\"line\":");
        if (l == NULL)
            l = strstr(where, "\"line\":");
        if (l) {
            char *e = l + 1;
            while (*e && *e != ',' && *e != '}')
                e++;
            memmove(l, e, strlen(e) + 1);
        }
        size_t len = strlen(f.rule) + strlen(where) + 16;
        lines[i] = malloc(len);
        snprintf(lines[i], len, "%s|%s|%s", f.rule, nj_severity_name(f.sev), where);
        total += len + 1;
    }
    qsort(lines, n, sizeof(char *), cmp_str);
    char *out = malloc(total);
    int o = snprintf(out, total, "status: %s\n", nj_status_name(nj_result_status(res)));
    for (size_t i = 0; i < n; i++) {
        o += snprintf(out + o, total - (size_t)o, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return out;
}

int
nj_t_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
