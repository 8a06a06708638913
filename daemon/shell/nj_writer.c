/*
 * nj_writer.c - temp file + fsync + rename + fsync(dir), never through a symlink.
 */
#include "nj_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nj_paths.h"

static int
fail(char *err, size_t err_size, int e, const char *what, const char *name)
{
    if (err && err_size)
        snprintf(err, err_size, "%s %s: %s", what, name, strerror(e));
    return -e;
}

static int
write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int
nj_writer_atomic_at(int dirfd, const char *name, const void *data, size_t len, char *err,
                    size_t err_size)
{
    char tmp[300];
    unsigned char rnd[4];
    int fd = -1, ret;

    /* The temporary name only has to be unique and recognisable; keep it short. */
    for (int attempt = 0; attempt < 16; attempt++) {
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            unsigned long x = (unsigned long)rand();
            memcpy(rnd, &x, sizeof rnd);
        }
        snprintf(tmp, sizeof tmp, ".%.150s%s%ld.%02x%02x%02x%02x", name, NJ_TMP_MARK,
                 (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3]);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd < 0)
        return fail(err, err_size, errno, "cannot create temporary file for", name);
    ret = write_all(fd, data, len);
    if (ret == 0 && fsync(fd) < 0)
        ret = -errno;
    if (close(fd) < 0 && ret == 0)
        ret = -errno;
    if (ret == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
        ret = -errno;
    if (ret < 0) {
        int e = -ret;
        unlinkat(dirfd, tmp, 0);
        return fail(err, err_size, e, "cannot write", name);
    }
    return 0;
}

/* The text view with a BOM and CRLF line ends, so Windows Notepad shows it correctly. */
static char *
crlf_text(const char *text, size_t *len_out)
{
    size_t n = strlen(text), lf = 0;
    for (size_t i = 0; i < n; i++)
        lf += text[i] == '\n';
    char *out = malloc(3 + n + lf + 3);
    if (!out)
        return NULL;
    size_t o = 0;
    out[o++] = (char)0xEF;
    out[o++] = (char)0xBB;
    out[o++] = (char)0xBF;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            out[o++] = '\r';
        out[o++] = text[i];
    }
    if (n == 0 || text[n - 1] != '\n') {
        out[o++] = '\r';
        out[o++] = '\n';
    }
    *len_out = o;
    return out;
}

int
nj_writer_write_at(int dirfd, const char *base, const struct nj_result *res, unsigned formats,
                   char *err, size_t err_size)
{
    char name[4096];
    int ret;

    if (formats & NJ_FMT_TXT) {
        size_t len;
        char *txt = crlf_text(nj_result_text(res), &len);
        if (!txt)
            return fail(err, err_size, ENOMEM, "cannot write", base);
        if (snprintf(name, sizeof name, "%s.nianjian.txt", base) >= (int)sizeof name) {
            free(txt);
            return fail(err, err_size, ENAMETOOLONG, "cannot write", base);
        }
        ret = nj_writer_atomic_at(dirfd, name, txt, len, err, err_size);
        free(txt);
        if (ret < 0)
            return ret;
    }
    if (formats & NJ_FMT_JSON) {
        const char *json = nj_result_json(res);
        size_t len = strlen(json);
        char *buf = malloc(len + 2);
        if (!buf)
            return fail(err, err_size, ENOMEM, "cannot write", base);
        memcpy(buf, json, len);
        buf[len++] = '\n';
        if (snprintf(name, sizeof name, "%s.nianjian.json", base) >= (int)sizeof name) {
            free(buf);
            return fail(err, err_size, ENAMETOOLONG, "cannot write", base);
        }
        ret = nj_writer_atomic_at(dirfd, name, buf, len, err, err_size);
        free(buf);
        if (ret < 0)
            return ret;
    }
    /* Make the renames themselves durable. */
    if (fsync(dirfd) < 0 && errno != EINVAL)
        return fail(err, err_size, errno, "cannot sync folder of", base);
    return 0;
}

int
nj_writer_write(const char *report_path, const struct nj_result *res, unsigned formats, char *err,
                size_t err_size)
{
    char dir[4096];
    const char *slash = strrchr(report_path, '/');
    const char *base = slash ? slash + 1 : report_path;
    int dirfd, ret;

    if (!*base)
        return fail(err, err_size, EINVAL, "not a file name:", report_path);
    if (slash) {
        size_t n = (size_t)(slash - report_path);
        if (n >= sizeof dir)
            return fail(err, err_size, ENAMETOOLONG, "cannot open folder of", report_path);
        memcpy(dir, report_path, n);
        dir[n] = '\0';
        if (n == 0)
            strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return fail(err, err_size, errno, "cannot open folder of", report_path);
    ret = nj_writer_write_at(dirfd, base, res, formats, err, err_size);
    close(dirfd);
    return ret;
}
