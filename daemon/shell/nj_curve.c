/*
 * nj_curve.c - CURVE key files (czmq certificate text), the subscriber allow list.
 */
#include "nj_curve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define MAX_KEY_FILE 65536

int
nj_curve_key_valid(const char *z85)
{
    uint8_t raw[32];
    return z85 && strlen(z85) == NJ_Z85_KEY_LEN && zmq_z85_decode(raw, z85) != NULL;
}

/* Finds `NAME = "VALUE"` (quotes optional) at the start of a line of TEXT. */
static int
find_key(const char *text, const char *name, char out[NJ_Z85_KEY_LEN + 1])
{
    size_t nl = strlen(name);
    for (const char *line = text; line && *line;) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, name, nl) == 0) {
            p += nl;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '=') {
                p++;
                while (*p == ' ' || *p == '\t')
                    p++;
                int quoted = *p == '"';
                p += quoted;
                size_t n = 0;
                while (p[n] && p[n] != '"' && p[n] != '\n' && p[n] != '\r' && p[n] != ' ' &&
                       p[n] != '\t')
                    n++;
                if (n != NJ_Z85_KEY_LEN)
                    return -1;
                memcpy(out, p, n);
                out[n] = '\0';
                return nj_curve_key_valid(out) ? 0 : -1;
            }
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return -1;
}

int
nj_curve_read_key_file(const char *path, int need_secret, char pub[NJ_Z85_KEY_LEN + 1],
                       char sec[NJ_Z85_KEY_LEN + 1], char *err, size_t err_size)
{
    struct stat st;
    char *buf;
    char got_pub[NJ_Z85_KEY_LEN + 1], got_sec[NJ_Z85_KEY_LEN + 1];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_size, "%s is not a regular file", path);
        close(fd);
        return -1;
    }
    if (need_secret && (st.st_mode & 077)) {
        snprintf(err, err_size,
                 "%s holds a secret key but is open to group or others (mode %04o): "
                 "chmod 600 it",
                 path, (unsigned)(st.st_mode & 07777));
        close(fd);
        return -1;
    }
    if (st.st_size > MAX_KEY_FILE) {
        snprintf(err, err_size, "%s is too large for a key file", path);
        close(fd);
        return -1;
    }
    buf = calloc(1, (size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    ssize_t n = read(fd, buf, (size_t)st.st_size);
    close(fd);
    if (n < 0) {
        snprintf(err, err_size, "cannot read %s: %s", path, strerror(errno));
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    int have_pub = find_key(buf, "public-key", got_pub) == 0;
    int have_sec = need_secret && find_key(buf, "secret-key", got_sec) == 0;
    explicit_bzero(buf, (size_t)n);
    free(buf);
    if (need_secret) {
        char derived[NJ_Z85_KEY_LEN + 1];
        if (!have_sec || zmq_curve_public(derived, got_sec) != 0) {
            snprintf(err, err_size, "%s has no valid secret-key line (a Z85 key of 40 characters)",
                     path);
            explicit_bzero(got_sec, sizeof got_sec);
            return -1;
        }
        if (have_pub && strcmp(derived, got_pub) != 0) {
            snprintf(err, err_size, "%s: public-key does not belong to secret-key", path);
            explicit_bzero(got_sec, sizeof got_sec);
            return -1;
        }
        memcpy(pub, derived, sizeof derived);
        memcpy(sec, got_sec, sizeof got_sec);
        explicit_bzero(got_sec, sizeof got_sec);
        return 0;
    }
    if (!have_pub) {
        snprintf(err, err_size, "%s has no valid public-key line (a Z85 key of 40 characters)",
                 path);
        return -1;
    }
    memcpy(pub, got_pub, sizeof got_pub);
    return 0;
}

int
nj_curve_allowed(const struct nj_curve *c, const char *z85)
{
    for (size_t i = 0; c && i < c->n_clients; i++)
        if (strcmp(c->clients[i], z85) == 0)
            return 1;
    return 0;
}

int
nj_curve_add_client(struct nj_curve *c, const char *z85)
{
    if (nj_curve_allowed(c, z85))
        return 0;
    char(*p)[NJ_Z85_KEY_LEN + 1] = realloc(c->clients, (c->n_clients + 1) * sizeof *p);
    if (!p)
        return -1;
    c->clients = p;
    snprintf(c->clients[c->n_clients], sizeof c->clients[0], "%s", z85);
    c->n_clients++;
    return 0;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
nj_curve_add_clients_dir(struct nj_curve *c, const char *dir, char *err, size_t err_size)
{
    struct stat st;
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    int ret = 0;

    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_size, "%s is not a folder", dir);
        return -1;
    }
    if (st.st_mode & 022) {
        snprintf(err, err_size,
                 "%s can be written by group or others (mode %04o): anyone could add a key; "
                 "chmod go-w it",
                 dir, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    d = opendir(dir);
    if (!d) {
        snprintf(err, err_size, "cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char **p = realloc(names, (n + 1) * sizeof *p);
        if (!p || !(p[n] = strdup(de->d_name))) {
            names = p ? p : names;
            snprintf(err, err_size, "out of memory");
            ret = -1;
            break;
        }
        names = p;
        n++;
    }
    closedir(d);
    if (ret == 0)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; ret == 0 && i < n; i++) {
        char path[4096], pub[NJ_Z85_KEY_LEN + 1];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue; /* subfolders, symlinks: not keys */
        if (st.st_mode & 022) {
            snprintf(err, err_size,
                     "%s can be written by group or others (mode %04o): chmod go-w it", path,
                     (unsigned)(st.st_mode & 07777));
            ret = -1;
        } else if (nj_curve_read_key_file(path, 0, pub, NULL, err, err_size) < 0) {
            ret = -1;
        } else if (nj_curve_add_client(c, pub) < 0) {
            snprintf(err, err_size, "out of memory");
            ret = -1;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ret;
}

struct nj_curve *
nj_curve_dup(const struct nj_curve *c)
{
    if (!c)
        return NULL;
    struct nj_curve *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    memcpy(d->public_key, c->public_key, sizeof d->public_key);
    memcpy(d->secret_key, c->secret_key, sizeof d->secret_key);
    for (size_t i = 0; i < c->n_clients; i++) {
        if (nj_curve_add_client(d, c->clients[i]) < 0) {
            nj_curve_free(d);
            return NULL;
        }
    }
    return d;
}

void
nj_curve_free(struct nj_curve *c)
{
    if (!c)
        return;
    explicit_bzero(c->secret_key, sizeof c->secret_key);
    free(c->clients);
    free(c);
}

static int
write_new(const char *path, mode_t mode, const char *text, char *err, size_t err_size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        snprintf(err, err_size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    size_t len = strlen(text);
    int ok = fchmod(fd, mode) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    if (close(fd) < 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        unlink(path);
        snprintf(err, err_size, "cannot write %s: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

int
nj_curve_gen_key(const char *base, char *err, size_t err_size)
{
    char pub[NJ_Z85_KEY_LEN + 1], sec[NJ_Z85_KEY_LEN + 1];
    char path_key[4096], path_pub[4096], text[1024], when[64];
    time_t now = time(NULL);
    struct tm tm;

    if (zmq_curve_keypair(pub, sec) != 0) {
        snprintf(err, err_size, "cannot make a key pair: %s (libzmq without CURVE?)",
                 zmq_strerror(errno));
        return -1;
    }
    if (snprintf(path_key, sizeof path_key, "%s.key", base) >= (int)sizeof path_key ||
        snprintf(path_pub, sizeof path_pub, "%s.pub", base) >= (int)sizeof path_pub) {
        snprintf(err, err_size, "name too long");
        return -1;
    }
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
    snprintf(text, sizeof text,
             "#   ****  Generated on %s by nianjiand --gen-key  ****\n"
             "#   ZeroMQ CURVE **Secret** Certificate\n"
             "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n\n"
             "metadata\ncurve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n",
             when, pub, sec);
    int ret = write_new(path_key, 0600, text, err, err_size);
    explicit_bzero(text, sizeof text);
    explicit_bzero(sec, sizeof sec);
    if (ret < 0)
        return -1;
    snprintf(text, sizeof text,
             "#   ****  Generated on %s by nianjiand --gen-key  ****\n"
             "#   ZeroMQ CURVE Public Certificate\n"
             "#   Exchange securely, or use a secure mechanism to verify the contents\n"
             "#   of this file after exchange. Store public certificates in your home\n"
             "#   directory, in the .curve subdirectory.\n\n"
             "metadata\ncurve\n    public-key = \"%s\"\n",
             when, pub);
    if (write_new(path_pub, 0644, text, err, err_size) < 0) {
        unlink(path_key);
        return -1;
    }
    return 0;
}
