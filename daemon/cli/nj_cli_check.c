/*
 * nj_cli_check.c - `nianjian check`: check files by hand, print text or JSON Lines, and
 * with --write leave the result files beside the inputs exactly as the daemon does.
 */
#define _DEFAULT_SOURCE
#include "nj_cli.h"
#include "nj_core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef NJ_HAVE_READERS
#include "nj_readers.h"
#endif
#ifdef NJ_HAVE_SHELL
#include "nj_config.h"
#include "nj_writer.h"
#endif

#define DEFAULT_MAX_MB 50

static int
tz_offset_minutes(time_t now)
{
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL)
        return 0;
#if defined(__GLIBC__)
    return (int)(tm.tm_gmtoff / 60);
#else
    return 0;
#endif
}

/* Reads PATH into *BUF (malloc'd).  Returns 0, or -1 with a reason in WHY. */
static int
read_file(const char *path, uint64_t max, unsigned char **buf, size_t *len, uint64_t *size,
          char *why, size_t why_size, int en)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, why_size, en ? "cannot open the file: %s" : "无法打开文件：%s",
                 strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_size, en ? "not a regular file" : "不是普通文件");
        close(fd);
        return -1;
    }
    *size = (uint64_t)st.st_size;
    if (max && (uint64_t)st.st_size > max) {
        snprintf(why, why_size,
                 en ? "The file is %llu bytes, over the limit of %llu bytes."
                    : "文件大小为 %llu 字节，超过 %llu 字节的上限。",
                 (unsigned long long)st.st_size, (unsigned long long)max);
        close(fd);
        return -2;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    unsigned char *b = malloc(cap);
    if (b == NULL) {
        close(fd);
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    for (;;) {
        if (n == cap) {
            if (max && n > max)
                break;
            cap *= 2;
            unsigned char *nb = realloc(b, cap);
            if (nb == NULL)
                break;
            b = nb;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, why_size, en ? "read error: %s" : "读取错误：%s", strerror(errno));
            free(b);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *buf = b;
    *len = n;
    return 0;
}

static const char *
base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int
nj_cmd_check(int argc, char **argv)
{
    int json = 0, write = 0;
    enum nj_lang lang = NJ_LANG_ZH;
    int lang_set = 0;
    const char *config = NULL;
    struct nj_rule_override ov[256];
    size_t n_ov = 0;
    uint64_t max_bytes = (uint64_t)DEFAULT_MAX_MB * 1024 * 1024;
    unsigned formats = 3;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        char opt[64];
        if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof(opt)) {
            memcpy(opt, a, (size_t)(eq - a));
            opt[eq - a] = '\0';
            val = eq + 1;
        } else {
            snprintf(opt, sizeof(opt), "%s", a);
        }
        int needs = strcmp(opt, "--format") == 0 || strcmp(opt, "--lang") == 0 ||
                    strcmp(opt, "--rule") == 0 || strcmp(opt, "--config") == 0;
        if (needs && val == NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "nianjian check: %s needs a value\n", opt);
                return 2;
            }
            val = argv[++i];
        }
        if (strcmp(opt, "--format") == 0) {
            if (strcmp(val, "json") == 0)
                json = 1;
            else if (strcmp(val, "text") == 0)
                json = 0;
            else {
                fprintf(stderr, "nianjian check: --format must be text or json\n");
                return 2;
            }
        } else if (strcmp(opt, "--lang") == 0) {
            if (strcmp(val, "zh") == 0)
                lang = NJ_LANG_ZH;
            else if (strcmp(val, "en") == 0)
                lang = NJ_LANG_EN;
            else {
                fprintf(stderr, "nianjian check: --lang must be zh or en\n");
                return 2;
            }
            lang_set = 1;
        } else if (strcmp(opt, "--rule") == 0) {
            const char *e = strchr(val, '=');
            enum nj_severity sev;
            char id[64];
            if (e == NULL || (size_t)(e - val) >= sizeof(id)) {
                fprintf(stderr, "nianjian check: --rule takes ID=off|info|warning|error\n");
                return 2;
            }
            memcpy(id, val, (size_t)(e - val));
            id[e - val] = '\0';
            if (!nj_rule_known(id)) {
                fprintf(stderr, "nianjian check: unknown rule id '%s'\n", id);
                return 2;
            }
            if (nj_severity_parse(e + 1, &sev) != 0) {
                fprintf(stderr, "nianjian check: severity must be off, info, warning or error\n");
                return 2;
            }
            if (n_ov == sizeof(ov) / sizeof(ov[0])) {
                fprintf(stderr, "nianjian check: too many --rule options\n");
                return 2;
            }
            ov[n_ov].id = strdup(id);
            ov[n_ov++].sev = sev;
        } else if (strcmp(opt, "--config") == 0) {
            config = val;
        } else if (strcmp(opt, "--write") == 0) {
            write = 1;
        } else {
            fprintf(stderr, "nianjian check: unknown option '%s'\n", a);
            return 2;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "nianjian check: no file given\n");
        return 2;
    }
    /* The config gives defaults; the command line wins (its overrides come last). */
    struct nj_rule_override all[512];
    size_t n_all = 0;
#ifdef NJ_HAVE_SHELL
    struct nj_config *cfg = NULL;
    if (config) {
        char *errors = NULL;
        if (nj_config_load(config, &cfg, &errors) != 0) {
            fprintf(stderr, "%s", errors ? errors : "nianjian check: cannot load config\n");
            free(errors);
            return 2;
        }
        if (!lang_set)
            lang = cfg->lang;
        for (size_t k = 0; k < cfg->n_rules && n_all < 256; k++)
            all[n_all++] = cfg->rules[k];
        if (cfg->max_file_mb)
            max_bytes = cfg->max_file_mb * 1024 * 1024;
        formats = cfg->formats;
    }
#else
    if (config) {
        fprintf(stderr, "nianjian check: --config needs the daemon's config loader, which "
                        "this build lacks\n");
        return 2;
    }
    (void)formats;
#endif
    (void)lang_set;
    for (size_t k = 0; k < n_ov; k++)
        all[n_all++] = ov[k];
    int worst = 0;
    for (; i < argc; i++) {
        const char *path = argv[i];
        struct nj_options o;
        memset(&o, 0, sizeof(o));
        o.lang = lang;
        o.overrides = all;
        o.n_overrides = n_all;
        o.file_name = base_name(path);
        time_t now = time(NULL);
        o.now = (int64_t)now;
        o.tz_offset_min = tz_offset_minutes(now);
        o.max_bytes = max_bytes;
#ifdef NJ_HAVE_READERS
        o.readers = nj_readers_hooks();
#endif
        unsigned char *buf = NULL;
        size_t len = 0;
        uint64_t size = 0;
        char why[512];
        struct nj_result *res = NULL;
        int rr =
            read_file(path, max_bytes, &buf, &len, &size, why, sizeof(why), lang == NJ_LANG_EN);
        int rc;
        if (rr != 0)
            rc = nj_result_unreadable(why, size, NULL, &o, &res);
        else
            rc = nj_check(buf, len, &o, &res);
        free(buf);
        if (rc != 0) {
            fprintf(stderr, "nianjian check: %s: out of memory\n", path);
            worst = 2;
            continue;
        }
        if (json)
            printf("%s\n", nj_result_json(res));
        else
            printf("%s\n", nj_result_text(res));
        fflush(stdout);
        enum nj_status st = nj_result_status(res);
        int code = st == NJ_STATUS_PASS ? 0 : st == NJ_STATUS_FAIL ? 1 : 2;
        if (code > worst)
            worst = code;
        if (write) {
#ifdef NJ_HAVE_SHELL
            char err[512];
            if (nj_writer_write(path, res, formats, err, sizeof(err)) != 0) {
                fprintf(stderr, "nianjian check: %s: cannot write the result: %s\n", path, err);
                worst = 2;
            }
#else
            fprintf(stderr, "nianjian check: --write is not available in this build\n");
            worst = 2;
#endif
        }
        nj_result_free(res);
    }
    for (size_t k = 0; k < n_ov; k++)
        free((char *)ov[k].id);
#ifdef NJ_HAVE_SHELL
    nj_config_free(cfg);
#endif
    return worst;
}
