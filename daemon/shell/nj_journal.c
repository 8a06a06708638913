/*
 * nj_journal.c - append-only JSON Lines journal with an in-memory seq index.
 */
#include "nj_journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nj_json.h"
#include "nj_log.h"
#include "nj_paths.h"
#include "nj_writer.h"

struct idx {
    uint64_t seq;
    uint64_t off;
};

struct nj_journal {
    int dirfd;
    int fd;
    uint64_t size;
    uint64_t next_seq;
    uint64_t last_seq;
    uint64_t saved_seq;
    struct idx *idx;
    size_t n_idx, cap_idx;
    uint64_t *seen; /* open addressing; 0 = empty */
    size_t seen_cap, seen_n;
    int dirty;
};

static uint64_t
fnv64(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

static int
seen_add(struct nj_journal *j, uint64_t h)
{
    if ((j->seen_n + 1) * 2 > j->seen_cap) {
        size_t cap = j->seen_cap ? j->seen_cap * 2 : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t)
            return -ENOMEM;
        for (size_t i = 0; i < j->seen_cap; i++) {
            if (!j->seen[i])
                continue;
            size_t k = (size_t)(j->seen[i] & (cap - 1));
            while (t[k])
                k = (k + 1) & (cap - 1);
            t[k] = j->seen[i];
        }
        free(j->seen);
        j->seen = t;
        j->seen_cap = cap;
    }
    size_t k = (size_t)(h & (j->seen_cap - 1));
    while (j->seen[k]) {
        if (j->seen[k] == h)
            return 0;
        k = (k + 1) & (j->seen_cap - 1);
    }
    j->seen[k] = h;
    j->seen_n++;
    return 0;
}

void
nj_journal_key(char *out, size_t size, const char *root, const char *rel, const char *sha256)
{
    snprintf(out, size, "%s\n%s\n%s", root, rel, sha256);
}

int
nj_journal_seen(const struct nj_journal *j, const char *key)
{
    uint64_t h = fnv64(key);
    if (!j->seen_cap)
        return 0;
    size_t k = (size_t)(h & (j->seen_cap - 1));
    while (j->seen[k]) {
        if (j->seen[k] == h)
            return 1;
        k = (k + 1) & (j->seen_cap - 1);
    }
    return 0;
}

static int
idx_add(struct nj_journal *j, uint64_t seq, uint64_t off)
{
    if (j->n_idx == j->cap_idx) {
        size_t cap = j->cap_idx ? j->cap_idx * 2 : 1024;
        struct idx *p = realloc(j->idx, cap * sizeof *p);
        if (!p)
            return -ENOMEM;
        j->idx = p;
        j->cap_idx = cap;
    }
    j->idx[j->n_idx].seq = seq;
    j->idx[j->n_idx].off = off;
    j->n_idx++;
    return 0;
}

int
nj_journal_parse_line(const char *line, size_t len, uint64_t *seq, char *topic, size_t topic_size,
                      const char **body, size_t *body_len)
{
    const char *v;
    size_t vl;

    if (nj_json_get_u64(line, len, "seq", seq) < 0 ||
        nj_json_get_str(line, len, "topic", topic, topic_size) < 0 ||
        nj_json_find(line, len, "event", &v, &vl) < 0 || vl < 2 || v[0] != '{')
        return -1;
    *body = v;
    *body_len = vl;
    return 0;
}

static void
remember(struct nj_journal *j, const char *body, size_t body_len)
{
    char root[4096], file[4096], sha[80], key[8400];
    if (nj_json_get_str(body, body_len, "root", root, sizeof root) < 0 ||
        nj_json_get_str(body, body_len, "file", file, sizeof file) < 0 ||
        nj_json_get_str(body, body_len, "sha256", sha, sizeof sha) < 0)
        return;
    nj_journal_key(key, sizeof key, root, file, sha);
    seen_add(j, fnv64(key));
}

/* Reads the whole journal, indexing complete lines and cutting a partial tail. */
static int
load(struct nj_journal *j, char *err, size_t err_size)
{
    size_t cap = 1 << 16, have = 0;
    uint64_t off = 0; /* file offset of buf[0] */
    char *buf = malloc(cap);
    if (!buf)
        return -ENOMEM;
    for (;;) {
        if (have == cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                return -ENOMEM;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t r = pread(j->fd, buf + have, cap - have, (off_t)(off + have));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            snprintf(err, err_size, "cannot read journal: %s", strerror(e));
            return -e;
        }
        if (r == 0)
            break;
        have += (size_t)r;
        size_t start = 0;
        for (;;) {
            char *nl = memchr(buf + start, '\n', have - start);
            if (!nl)
                break;
            size_t len = (size_t)(nl - (buf + start));
            uint64_t seq;
            char topic[128];
            const char *body;
            size_t body_len;
            if (nj_journal_parse_line(buf + start, len, &seq, topic, sizeof topic, &body,
                                      &body_len) == 0 &&
                seq > j->last_seq) {
                if (idx_add(j, seq, off + start) < 0) {
                    free(buf);
                    return -ENOMEM;
                }
                j->last_seq = seq;
                remember(j, body, body_len);
            }
            start += len + 1;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
        off += start;
    }
    free(buf);
    j->size = off;
    if (have > 0) {
        /* A crash cut the last line: drop it so the next append starts a clean line. */
        if (ftruncate(j->fd, (off_t)off) < 0 || fsync(j->fd) < 0) {
            int e = errno;
            snprintf(err, err_size, "cannot repair journal tail: %s", strerror(e));
            return -e;
        }
        nj_log_warnx("journal: removed a partial last line (%zu bytes) left by a crash", have);
    }
    return 0;
}

/* Temporary files of state_dir/seq left by a killed daemon.  The caller holds the journal
 * lock, so no other daemon writes here: every temporary name is stale. */
static void
remove_stale_tmp(int dirfd)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((de = readdir(d)))
        if (nj_path_tmp_pid(de->d_name) > 0)
            unlinkat(dirfd, de->d_name, 0);
    closedir(d);
}

static uint64_t
read_seq_file(int dirfd)
{
    char buf[32];
    int fd = openat(dirfd, NJ_SEQ_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0)
        return 0;
    buf[r] = '\0';
    return strtoull(buf, NULL, 10);
}

int
nj_journal_open(const char *state_dir, struct nj_journal **out, char *err, size_t err_size)
{
    struct nj_journal *j = calloc(1, sizeof *j);
    int ret;

    if (!j)
        return -ENOMEM;
    j->fd = -1;
    if (mkdir(state_dir, 0750) < 0 && errno != EEXIST) {
        ret = -errno;
        snprintf(err, err_size, "cannot create state_dir %s: %s", state_dir, strerror(errno));
        goto fail;
    }
    j->dirfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (j->dirfd < 0) {
        ret = -errno;
        snprintf(err, err_size, "cannot open state_dir %s: %s", state_dir, strerror(errno));
        goto fail;
    }
    j->fd = openat(j->dirfd, NJ_JOURNAL_FILE, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                   0640);
    if (j->fd < 0) {
        ret = -errno;
        snprintf(err, err_size, "cannot open journal in %s: %s", state_dir, strerror(errno));
        goto fail_dir;
    }
    if (flock(j->fd, LOCK_EX | LOCK_NB) < 0) {
        ret = -errno;
        snprintf(err, err_size, "state_dir %s is in use by another nianjiand", state_dir);
        goto fail_fd;
    }
    remove_stale_tmp(j->dirfd);
    ret = load(j, err, err_size);
    if (ret < 0)
        goto fail_fd;
    j->saved_seq = read_seq_file(j->dirfd);
    j->next_seq = (j->saved_seq > j->last_seq ? j->saved_seq : j->last_seq) + 1;
    *out = j;
    return 0;

fail_fd:
    close(j->fd);
fail_dir:
    close(j->dirfd);
fail:
    free(j->idx);
    free(j->seen);
    free(j);
    return ret;
}

void
nj_journal_close(struct nj_journal *j)
{
    if (!j)
        return;
    nj_journal_sync(j);
    nj_journal_save_seq(j);
    close(j->fd);
    close(j->dirfd);
    free(j->idx);
    free(j->seen);
    free(j);
}

uint64_t
nj_journal_next_seq(const struct nj_journal *j)
{
    return j->next_seq;
}

uint64_t
nj_journal_last_seq(const struct nj_journal *j)
{
    return j->next_seq - 1;
}

int
nj_journal_append(struct nj_journal *j, const char *topic, const char *body, const char *key)
{
    char head[256];
    uint64_t seq = j->next_seq;
    int hn = snprintf(head, sizeof head, "{\"seq\":%" PRIu64 ",\"topic\":", seq);
    size_t tn = nj_json_quote(head + hn, sizeof head - (size_t)hn, topic);
    if ((size_t)hn + tn + 10 >= sizeof head)
        return -EINVAL;
    hn += (int)tn;
    hn += snprintf(head + hn, sizeof head - (size_t)hn, ",\"event\":");
    size_t blen = strlen(body);
    if (memchr(body, '\n', blen))
        return -EINVAL;
    struct part {
        const void *b;
        size_t n;
    } parts[3] = {{head, (size_t)hn}, {body, blen}, {"}\n", 2}};
    size_t total = (size_t)hn + blen + 2;
    char *line = malloc(total);
    if (!line)
        return -ENOMEM;
    size_t o = 0;
    for (int i = 0; i < 3; i++) {
        memcpy(line + o, parts[i].b, parts[i].n);
        o += parts[i].n;
    }
    size_t done = 0;
    while (done < total) {
        ssize_t w = write(j->fd, line + done, total - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = errno;
            /* Leave nothing half-written behind. */
            if (ftruncate(j->fd, (off_t)j->size) < 0)
                e = errno;
            free(line);
            return -e;
        }
        done += (size_t)w;
    }
    free(line);
    int ret = idx_add(j, seq, j->size);
    j->size += total;
    j->last_seq = seq;
    j->next_seq = seq + 1;
    j->dirty = 1;
    if (key)
        seen_add(j, fnv64(key));
    return ret;
}

int
nj_journal_sync(struct nj_journal *j)
{
    if (!j->dirty)
        return 0;
    if (fdatasync(j->fd) < 0)
        return -errno;
    j->dirty = 0;
    return 0;
}

int
nj_journal_save_seq(struct nj_journal *j)
{
    char buf[32];
    uint64_t last = j->next_seq - 1;
    if (last == j->saved_seq)
        return 0;
    int n = snprintf(buf, sizeof buf, "%" PRIu64 "\n", last);
    int ret = nj_writer_atomic_at(j->dirfd, NJ_SEQ_FILE, buf, (size_t)n, NULL, 0);
    if (ret == 0) {
        fsync(j->dirfd);
        j->saved_seq = last;
    }
    return ret;
}

int
nj_journal_replay(struct nj_journal *j, uint64_t since, size_t max, nj_journal_cb cb, void *arg,
                  uint64_t *next)
{
    size_t lo = 0, hi = j->n_idx;
    int count = 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (j->idx[mid].seq < since)
            lo = mid + 1;
        else
            hi = mid;
    }
    *next = since;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    if (!buf)
        return -ENOMEM;
    for (size_t i = lo; i < j->n_idx && (size_t)count < max; i++) {
        uint64_t end = i + 1 < j->n_idx ? j->idx[i + 1].off : j->size;
        size_t len = (size_t)(end - j->idx[i].off);
        if (len + 1 > cap) {
            char *p = realloc(buf, len + 1);
            if (!p) {
                free(buf);
                return -ENOMEM;
            }
            buf = p;
            cap = len + 1;
        }
        ssize_t r = pread(j->fd, buf, len, (off_t)j->idx[i].off);
        if (r != (ssize_t)len) {
            free(buf);
            return r < 0 ? -errno : -EIO;
        }
        buf[len] = '\0';
        uint64_t seq;
        char topic[128];
        const char *body;
        size_t body_len;
        if (nj_journal_parse_line(buf, len, &seq, topic, sizeof topic, &body, &body_len) < 0)
            continue;
        ((char *)body)[body_len] = '\0';
        if (cb(arg, seq, topic, body, body_len) < 0)
            break;
        count++;
        *next = seq + 1;
    }
    free(buf);
    return count;
}
