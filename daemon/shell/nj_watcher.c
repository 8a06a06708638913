/*
 * nj_watcher.c - raw inotify + quiet period + bounded, resumable scans.
 */
#include "nj_watcher.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "nj_log.h"
#include "nj_paths.h"

#define HASH_SIZE 16384u
#define SCAN_STEP 256 /* directory entries per loop iteration */

#define DIR_MASK                                                                                   \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_MODIFY | IN_DELETE_SELF |       \
     IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)

struct wdent {
    int used;
    size_t root;
    char *rel;
};

struct dirq {
    struct dirq *next;
    size_t root;
    char rel[];
};

struct list {
    struct nj_cand *head, *tail;
};

struct nj_watcher {
    uv_loop_t *loop;
    const struct nj_config *cfg;
    nj_watcher_ready_cb on_ready;
    void *arg;

    char **roots;
    int *root_fds;
    size_t n_roots;

    int ifd;
    uv_poll_t poll;
    int poll_active;
    struct wdent *wds;
    size_t n_wds;

    struct nj_cand *hash[HASH_SIZE];
    size_t n_cands;
    struct list settling, ready;
    uv_timer_t settle_timer;

    /* scan state */
    int scanning, rescan_pending, cleanup_tmp, need_reset;
    struct dirq *q_head, *q_tail;
    DIR *dir;
    size_t dir_root;
    char *dir_rel;
    uv_idle_t idle;

    int paused;
    int closing;
    int open_handles;
    uv_timer_t root_timer;   /* notices a removed or replaced drop folder */
    int root_missing;        /* a drop folder could not be reopened: retried by root_timer */
    struct timespec started; /* temporary files older than this are never ours */
};

/* ---- small helpers ------------------------------------------------------------------ */

static unsigned
hash_key(size_t root, const char *rel)
{
    unsigned h = 2166136261u ^ (unsigned)root;
    for (const char *p = rel; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h & (HASH_SIZE - 1);
}

static void
list_remove(struct list *l, struct nj_cand *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        l->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        l->tail = c->prev;
    c->prev = c->next = NULL;
}

static void
list_append(struct list *l, struct nj_cand *c)
{
    c->next = NULL;
    c->prev = l->tail;
    if (l->tail)
        l->tail->next = c;
    else
        l->head = c;
    l->tail = c;
}

/* Keeps the settling list ordered by deadline (the timer looks at the head only).  Most
 * candidates have the latest deadline and go to the tail at once. */
static void
list_insert_sorted(struct list *l, struct nj_cand *c)
{
    struct nj_cand *after = l->tail;
    while (after && after->deadline > c->deadline)
        after = after->prev;
    if (after == l->tail) {
        list_append(l, c);
        return;
    }
    c->prev = after;
    c->next = after ? after->next : l->head;
    c->next->prev = c;
    if (after)
        after->next = c;
    else
        l->head = c;
}

static struct nj_cand *
cand_find(struct nj_watcher *w, size_t root, const char *rel)
{
    for (struct nj_cand *c = w->hash[hash_key(root, rel)]; c; c = c->hnext)
        if (c->root == root && strcmp(c->rel, rel) == 0)
            return c;
    return NULL;
}

static void
cand_free(struct nj_watcher *w, struct nj_cand *c)
{
    struct nj_cand **pp = &w->hash[hash_key(c->root, c->rel)];
    while (*pp && *pp != c)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = c->hnext;
    w->n_cands--;
    free(c->rel);
    free(c);
}

static int
snap_get(struct nj_watcher *w, size_t root, const char *rel, struct nj_snap *s)
{
    struct stat st;
    if (fstatat(w->root_fds[root], rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    s->size = st.st_size;
    s->mtime = st.st_mtim;
    s->ctime = st.st_ctim;
    return 0;
}

static int
snap_equal(const struct nj_snap *a, const struct nj_snap *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
           a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static void arm_settle_timer(struct nj_watcher *w);

static uint64_t
quiet_ms(const struct nj_watcher *w, const struct nj_cand *c)
{
    uint64_t q = w->cfg->settle_ms;
    if (c->from_scan && q < NJ_SCAN_SETTLE_MS)
        q = NJ_SCAN_SETTLE_MS;
    return c->retry_ms > q ? c->retry_ms : q;
}

/* Starts (or restarts) the quiet period of a settling candidate. */
static void
settle(struct nj_watcher *w, struct nj_cand *c)
{
    struct nj_snap s;
    if (snap_get(w, c->root, c->rel, &s) == 0) {
        c->snap = s;
        c->have_snap = 1;
    } else {
        c->have_snap = 0;
    }
    c->deadline = uv_now(w->loop) + quiet_ms(w, c);
    if (c->state == NJ_CAND_SETTLING && (c->prev || c->next || w->settling.head == c))
        list_remove(&w->settling, c);
    c->state = NJ_CAND_SETTLING;
    list_insert_sorted(&w->settling, c);
    arm_settle_timer(w);
}

enum touch_how { TOUCH_MODIFY, TOUCH_COMPLETE, TOUCH_SCAN };

/* A file event or a scan found REL: make it a candidate or restart its quiet period.
 * Only a close-after-write or a move-in ends the longer quiet period of scan finds. */
static void
touch(struct nj_watcher *w, size_t root, const char *rel, enum touch_how how)
{
    int create = how != TOUCH_MODIFY;
    struct nj_cand *c = cand_find(w, root, rel);
    if (c && how == TOUCH_COMPLETE)
        c->from_scan = 0;
    if (!c) {
        if (!create)
            return;
        if (w->n_cands >= NJ_MAX_PENDING) {
            /* Bounded memory: forget it now, a rescan will find it again. */
            w->rescan_pending = 1;
            return;
        }
        c = calloc(1, sizeof *c);
        if (!c || !(c->rel = strdup(rel))) {
            free(c);
            w->rescan_pending = 1;
            return;
        }
        c->root = root;
        c->from_scan = how == TOUCH_SCAN;
        c->state = NJ_CAND_SETTLING;
        unsigned h = hash_key(root, rel);
        c->hnext = w->hash[h];
        w->hash[h] = c;
        w->n_cands++;
        settle(w, c);
        return;
    }
    switch (c->state) {
    case NJ_CAND_SETTLING:
        settle(w, c);
        break;
    case NJ_CAND_READY:
        list_remove(&w->ready, c);
        c->state = NJ_CAND_SETTLING;
        settle(w, c);
        break;
    case NJ_CAND_RUNNING:
        c->again = 1;
        break;
    }
}

static void
on_settle_timer(uv_timer_t *t)
{
    struct nj_watcher *w = t->data;
    uint64_t now = uv_now(w->loop);
    int became_ready = 0;

    while (w->settling.head && w->settling.head->deadline <= now) {
        struct nj_cand *c = w->settling.head;
        struct nj_snap s;
        list_remove(&w->settling, c);
        if (snap_get(w, c->root, c->rel, &s) < 0) {
            cand_free(w, c); /* gone */
            continue;
        }
        if (!c->have_snap || !snap_equal(&s, &c->snap)) {
            c->snap = s;
            c->have_snap = 1;
            c->deadline = now + quiet_ms(w, c);
            list_insert_sorted(&w->settling, c);
            if (quiet_ms(w, c) == 0)
                break;
            continue;
        }
        c->state = NJ_CAND_READY;
        list_append(&w->ready, c);
        became_ready = 1;
    }
    arm_settle_timer(w);
    if (became_ready)
        w->on_ready(w->arg);
}

static void
arm_settle_timer(struct nj_watcher *w)
{
    if (w->paused || w->closing)
        return;
    if (!w->settling.head) {
        uv_timer_stop(&w->settle_timer);
        return;
    }
    uint64_t now = uv_now(w->loop), due = w->settling.head->deadline;
    uint64_t delay = due > now ? due - now : 0;
    if (uv_is_active((uv_handle_t *)&w->settle_timer) &&
        uv_timer_get_due_in(&w->settle_timer) <= delay)
        return;
    uv_timer_start(&w->settle_timer, on_settle_timer, delay, 0);
}

/* ---- watches ------------------------------------------------------------------------ */

static int
wd_set(struct nj_watcher *w, int wd, size_t root, const char *rel)
{
    if ((size_t)wd >= w->n_wds) {
        size_t n = w->n_wds ? w->n_wds : 64;
        while (n <= (size_t)wd)
            n *= 2;
        struct wdent *p = realloc(w->wds, n * sizeof *p);
        if (!p)
            return -ENOMEM;
        memset(p + w->n_wds, 0, (n - w->n_wds) * sizeof *p);
        w->wds = p;
        w->n_wds = n;
    }
    char *r = strdup(rel);
    if (!r)
        return -ENOMEM;
    free(w->wds[wd].rel);
    w->wds[wd].used = 1;
    w->wds[wd].root = root;
    w->wds[wd].rel = r;
    return 0;
}

static void
wd_clear_all(struct nj_watcher *w)
{
    for (size_t i = 0; i < w->n_wds; i++)
        free(w->wds[i].rel);
    free(w->wds);
    w->wds = NULL;
    w->n_wds = 0;
}

static int
add_watch(struct nj_watcher *w, size_t root, const char *rel)
{
    char path[PATH_MAX];
    if (nj_path_join(path, sizeof path, w->roots[root], rel) < 0)
        return -ENAMETOOLONG;
    int wd = inotify_add_watch(w->ifd, path, DIR_MASK);
    if (wd < 0) {
        if (errno == ENOSPC)
            nj_log_warnx("cannot watch %s: inotify watch limit reached "
                         "(raise fs.inotify.max_user_watches)",
                         path);
        else if (errno != ENOENT && errno != ENOTDIR)
            nj_log_warn("cannot watch %s", path);
        return -errno;
    }
    return wd_set(w, wd, root, rel);
}

/* ---- scanning ----------------------------------------------------------------------- */

static int
dirq_push(struct nj_watcher *w, size_t root, const char *rel)
{
    size_t n = strlen(rel) + 1;
    struct dirq *d = malloc(sizeof *d + n);
    if (!d)
        return -ENOMEM;
    d->next = NULL;
    d->root = root;
    memcpy(d->rel, rel, n);
    if (w->q_tail)
        w->q_tail->next = d;
    else
        w->q_head = d;
    w->q_tail = d;
    return 0;
}

static void
scan_clear(struct nj_watcher *w)
{
    while (w->q_head) {
        struct dirq *d = w->q_head;
        w->q_head = d->next;
        free(d);
    }
    w->q_tail = NULL;
    if (w->dir)
        closedir(w->dir);
    w->dir = NULL;
    free(w->dir_rel);
    w->dir_rel = NULL;
}

static void on_idle(uv_idle_t *h);

static void
scan_kick(struct nj_watcher *w)
{
    if (w->paused || w->closing)
        return;
    if (!w->scanning && w->rescan_pending) {
        w->rescan_pending = 0;
        w->scanning = 1;
        for (size_t r = 0; r < w->n_roots; r++)
            dirq_push(w, r, "");
    }
    if (w->scanning && w->n_cands < NJ_SCAN_HIGH)
        uv_idle_start(&w->idle, on_idle);
}

/* Opens ROOT/REL as a folder without following symlinks at any step below the root. */
static int
open_dir(struct nj_watcher *w, size_t root, const char *rel)
{
    if (!*rel)
        return openat(w->root_fds[root], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char buf[PATH_MAX];
    if (strlen(rel) >= sizeof buf)
        return -1;
    strcpy(buf, rel);
    int fd = dup(w->root_fds[root]);
    char *save = NULL;
    for (char *part = strtok_r(buf, "/", &save); part && fd >= 0;
         part = strtok_r(NULL, "/", &save)) {
        int next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        fd = next;
    }
    return fd;
}

static void
remove_stale_tmp(struct nj_watcher *w, int dfd, const char *name)
{
    pid_t pid = nj_path_tmp_pid(name);
    struct stat st;
    if (pid <= 0 || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    /* Only a dead writer's temporary file is stale.  PIDs are reused (pid_max is often
     * 32768): a file with our own pid from before we started is a dead predecessor's,
     * and so is one whose pid now belongs to a process that is not a nianjiand. */
    if (pid == getpid()) {
        /* One second of margin: file times come from a coarser clock. */
        if (st.st_ctim.tv_sec >= w->started.tv_sec - 1)
            return;
    } else if (kill(pid, 0) == 0 || errno != ESRCH) {
        char path[64], comm[32] = "";
        snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return; /* cannot tell: keep it */
        ssize_t n = read(fd, comm, sizeof comm - 1);
        close(fd);
        comm[n > 0 ? n : 0] = '\0';
        if (strncmp(comm, "nianjiand", 9) == 0 || strncmp(comm, "memcheck", 8) == 0)
            return;
    }
    if (unlinkat(dfd, name, 0) == 0)
        nj_log_info("removed stale temporary file %s", name);
}

/*
 * Later rescans skip a report whose JSON result was written after the report last changed
 * (its ctime, which no one can set back), instead of reading and hashing it again.  The
 * scan at start does not: it must also find results whose event was lost in a crash.
 */
static int
result_newer(int dfd, const char *name)
{
    char res[NAME_MAX + 32];
    struct stat rs, st;
    if (snprintf(res, sizeof res, "%s.nianjian.json", name) >= (int)sizeof res ||
        fstatat(dfd, res, &rs, AT_SYMLINK_NOFOLLOW) < 0 ||
        fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    return rs.st_mtim.tv_sec > st.st_ctim.tv_sec ||
           (rs.st_mtim.tv_sec == st.st_ctim.tv_sec && rs.st_mtim.tv_nsec > st.st_ctim.tv_nsec);
}

/* One step of the scan: at most SCAN_STEP entries.  Returns 1 while there is more. */
static int
scan_step(struct nj_watcher *w)
{
    char rel[PATH_MAX];

    for (int n = 0; n < SCAN_STEP; n++) {
        if (w->n_cands >= NJ_SCAN_HIGH)
            return 0; /* resumed by nj_watcher_done */
        if (!w->dir) {
            struct dirq *d = w->q_head;
            if (!d) {
                w->scanning = 0;
                w->cleanup_tmp = 0;
                nj_log_debug("scan finished");
                if (w->rescan_pending) {
                    scan_kick(w);
                    return w->scanning;
                }
                return 0;
            }
            w->q_head = d->next;
            if (!w->q_head)
                w->q_tail = NULL;
            /* Arm the watch first, then list: nothing created meanwhile is missed. */
            if (!*d->rel || w->cfg->recursive)
                add_watch(w, d->root, d->rel);
            int fd = open_dir(w, d->root, d->rel);
            w->dir = fd >= 0 ? fdopendir(fd) : NULL;
            if (!w->dir) {
                if (fd >= 0)
                    close(fd);
                free(d);
                continue;
            }
            w->dir_root = d->root;
            w->dir_rel = strdup(d->rel);
            free(d);
            if (!w->dir_rel) {
                closedir(w->dir);
                w->dir = NULL;
            }
            continue;
        }
        errno = 0;
        struct dirent *de = readdir(w->dir);
        if (!de) {
            closedir(w->dir);
            w->dir = NULL;
            free(w->dir_rel);
            w->dir_rel = NULL;
            continue;
        }
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (nj_path_join(rel, sizeof rel, w->dir_rel, name) < 0)
            continue;
        unsigned char type = de->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (fstatat(dirfd(w->dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                continue;
            type = S_ISDIR(st.st_mode)   ? DT_DIR
                   : S_ISREG(st.st_mode) ? DT_REG
                   : S_ISLNK(st.st_mode) ? DT_LNK
                                         : DT_FIFO;
        }
        if (type == DT_DIR) {
            if (w->cfg->recursive && !nj_path_is_hidden(name))
                dirq_push(w, w->dir_root, rel);
            continue;
        }
        if (w->cleanup_tmp && type == DT_REG && nj_path_tmp_pid(name) > 0) {
            remove_stale_tmp(w, dirfd(w->dir), name);
            continue;
        }
        /* Every kind of file but a folder: the worker refuses what is not a regular file. */
        if (nj_path_wanted(name, w->cfg->include, w->cfg->n_include, w->cfg->exclude,
                           w->cfg->n_exclude) &&
            (w->cleanup_tmp || !result_newer(dirfd(w->dir), name)))
            touch(w, w->dir_root, rel, TOUCH_SCAN);
    }
    return 1;
}

static void
on_idle(uv_idle_t *h)
{
    struct nj_watcher *w = h->data;
    if (w->paused || w->closing || !scan_step(w))
        uv_idle_stop(&w->idle);
}

/* ---- inotify -------------------------------------------------------------------------- */

static void on_inotify(uv_poll_t *h, int status, int events);

static int
inotify_open(struct nj_watcher *w)
{
    w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->ifd < 0)
        return -errno;
    int ret = uv_poll_init(w->loop, &w->poll, w->ifd);
    if (ret < 0) {
        close(w->ifd);
        w->ifd = -1;
        return ret;
    }
    w->poll.data = w;
    w->open_handles++;
    w->poll_active = 1;
    uv_poll_start(&w->poll, UV_READABLE, on_inotify);
    return 0;
}

static void on_handle_closed(uv_handle_t *h);

/* Folders were moved: the cached wd -> path map is stale.  Start over. */
static void
reset_watches(struct nj_watcher *w)
{
    if (w->root_missing)
        nj_log_debug("re-arming watches and rescanning");
    else
        nj_log_info("folders moved: re-arming watches and rescanning");
    w->need_reset = 0;
    scan_clear(w);
    w->scanning = 0;
    if (w->poll_active) {
        uv_close((uv_handle_t *)&w->poll, on_handle_closed);
        w->poll_active = 0;
        close(w->ifd);
        w->ifd = -1;
    }
    wd_clear_all(w);
    /* A new uv_poll_t cannot reuse the closing one; the reset continues once it closed. */
}

static void
handle_event(struct nj_watcher *w, const struct inotify_event *ev)
{
    char rel[PATH_MAX];

    if (ev->mask & IN_Q_OVERFLOW) {
        nj_log_warnx("inotify queue overflowed: rescanning");
        nj_watcher_rescan(w);
        return;
    }
    if (ev->wd < 0 || (size_t)ev->wd >= w->n_wds || !w->wds[ev->wd].used)
        return;
    struct wdent *e = &w->wds[ev->wd];
    if (ev->mask & IN_IGNORED) {
        if (!*e->rel) {
            nj_log_warnx("watch on %s removed: will re-arm", w->roots[e->root]);
            w->need_reset = 1;
        }
        free(e->rel);
        e->rel = NULL;
        e->used = 0;
        return;
    }
    if (ev->mask & (IN_MOVE_SELF | IN_DELETE_SELF)) {
        if (!*e->rel || (ev->mask & IN_MOVE_SELF))
            w->need_reset = 1;
        return;
    }
    if (!ev->len || !ev->name[0])
        return;
    if (nj_path_join(rel, sizeof rel, e->rel, ev->name) < 0)
        return;
    if (ev->mask & IN_ISDIR) {
        if (ev->mask & IN_MOVED_FROM) {
            w->need_reset = 1;
        } else if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && w->cfg->recursive &&
                   !nj_path_is_hidden(ev->name)) {
            /* New folder: its watch is armed and it is listed by the scan queue. */
            if (!w->scanning) {
                w->scanning = 1;
            }
            dirq_push(w, e->root, rel);
            uv_idle_start(&w->idle, on_idle);
        }
        return;
    }
    if (!nj_path_wanted(ev->name, w->cfg->include, w->cfg->n_include, w->cfg->exclude,
                        w->cfg->n_exclude))
        return;
    if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
        touch(w, e->root, rel, TOUCH_COMPLETE);
    } else if (ev->mask & IN_MODIFY) {
        touch(w, e->root, rel, TOUCH_MODIFY);
    } else if (ev->mask & IN_CREATE) {
        /* Symlinks, FIFOs, sockets, devices and hard links are never closed after writing:
         * their creation is all there is.  They are refused (with an error result) by the
         * worker, which never opens anything but a regular file. */
        struct stat st;
        if (fstatat(w->root_fds[e->root], rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            (!S_ISREG(st.st_mode) || st.st_nlink > 1))
            touch(w, e->root, rel, TOUCH_COMPLETE);
    }
}

static void
on_inotify(uv_poll_t *h, int status, int events)
{
    struct nj_watcher *w = h->data;
    char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
    (void)events;

    if (status < 0) {
        nj_log_warnx("inotify poll: %s", uv_strerror(status));
        return;
    }
    for (;;) {
        ssize_t n = read(w->ifd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (char *p = buf; p + sizeof(struct inotify_event) <= buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            if (p + sizeof *ev + ev->len > buf + n)
                break;
            handle_event(w, ev);
            p += sizeof *ev + ev->len;
        }
        if (w->need_reset)
            break;
    }
    if (w->need_reset)
        reset_watches(w);
}

/* ---- public ------------------------------------------------------------------------- */

/* inotify sees only changes made through this machine's kernel: on a network mount, files
 * written by other machines are found by the periodic rescan alone. */
static void
warn_network_fs(const char *path, int fd)
{
    static const struct {
        unsigned long magic;
        const char *name;
    } fs[] = {{0x6969, "NFS"},
              {0x517B, "SMB"},
              {0xFF534D42UL, "CIFS"},
              {0xFE534D42UL, "SMB2"},
              {0x65735546, "FUSE"}};
    struct statfs sf;
    if (fstatfs(fd, &sf) < 0)
        return;
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        if ((unsigned long)(unsigned int)sf.f_type == fs[i].magic) {
            nj_log_warnx("%s is on %s: changes made by other machines are not seen by inotify; "
                         "they are found by the periodic rescan (watch.rescan_s) only",
                         path, fs[i].name);
            return;
        }
    }
}

static void
free_all(struct nj_watcher *w)
{
    scan_clear(w);
    for (size_t i = 0; i < HASH_SIZE; i++) {
        while (w->hash[i]) {
            struct nj_cand *c = w->hash[i];
            w->hash[i] = c->hnext;
            free(c->rel);
            free(c);
        }
    }
    wd_clear_all(w);
    for (size_t r = 0; r < w->n_roots; r++) {
        if (w->root_fds[r] >= 0)
            close(w->root_fds[r]);
    }
    free(w->root_fds);
    free(w->roots);
    free(w);
}

static void
on_handle_closed(uv_handle_t *h)
{
    struct nj_watcher *w = h->data;
    w->open_handles--;
    if (w->closing) {
        if (w->open_handles == 0)
            free_all(w);
        return;
    }
    /* The old inotify handle of a reset is gone: open a fresh descriptor and rescan. */
    if (!w->poll_active && !w->paused) {
        /* A drop folder that was removed and created again is a new folder: reopen it.
         * One that is missing is tried again by root_timer (every NJ_ROOT_CHECK_MS). */
        int missing = 0;
        for (size_t r = 0; r < w->n_roots; r++) {
            int fd = open(w->roots[r], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) {
                if (!w->root_missing)
                    nj_log_warn("cannot open drop folder %s (trying again every %d s)", w->roots[r],
                                NJ_ROOT_CHECK_MS / 1000);
                missing = 1;
                continue;
            }
            close(w->root_fds[r]);
            w->root_fds[r] = fd;
        }
        if (w->root_missing && !missing)
            nj_log_info("drop folders are back: watching again");
        w->root_missing = missing;
        w->need_reset = 0;
        if (inotify_open(w) < 0) {
            nj_log_warn("cannot re-create inotify descriptor");
            return;
        }
        /* Rescan what is there (not nj_watcher_rescan: a missing root would reset again
         * at once). */
        w->rescan_pending = 1;
        scan_kick(w);
    }
}

static int roots_replaced(struct nj_watcher *w);

static void
on_root_timer(uv_timer_t *t)
{
    struct nj_watcher *w = t->data;
    if (w->paused || w->closing || !w->poll_active)
        return;
    if (roots_replaced(w)) {
        w->need_reset = 1;
        reset_watches(w);
    }
}

int
nj_watcher_start(uv_loop_t *loop, const struct nj_config *cfg, nj_watcher_ready_cb on_ready,
                 void *arg, struct nj_watcher **out, char *err, size_t err_size)
{
    struct nj_watcher *w = calloc(1, sizeof *w);
    int ret;

    if (!w)
        return -ENOMEM;
    w->loop = loop;
    w->cfg = cfg;
    w->on_ready = on_ready;
    w->arg = arg;
    w->ifd = -1;
    w->n_roots = cfg->n_paths;
    w->roots = calloc(cfg->n_paths, sizeof *w->roots);
    w->root_fds = calloc(cfg->n_paths, sizeof *w->root_fds);
    if (!w->roots || !w->root_fds) {
        free(w->roots);
        free(w->root_fds);
        free(w);
        return -ENOMEM;
    }
    for (size_t r = 0; r < w->n_roots; r++)
        w->root_fds[r] = -1;
    for (size_t r = 0; r < w->n_roots; r++) {
        w->roots[r] = cfg->paths[r];
        w->root_fds[r] = open(cfg->paths[r], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (w->root_fds[r] < 0) {
            ret = -errno;
            snprintf(err, err_size, "cannot open drop folder %s: %s", cfg->paths[r],
                     strerror(errno));
            free_all(w);
            return ret;
        }
    }
    for (size_t r = 0; r < w->n_roots; r++)
        warn_network_fs(w->roots[r], w->root_fds[r]);
    uv_timer_init(loop, &w->settle_timer);
    w->settle_timer.data = w;
    uv_idle_init(loop, &w->idle);
    w->idle.data = w;
    uv_timer_init(loop, &w->root_timer);
    w->root_timer.data = w;
    w->open_handles = 3;
    ret = inotify_open(w);
    if (ret < 0) {
        snprintf(err, err_size, "cannot create inotify descriptor: %s", strerror(-ret));
        w->closing = 1;
        uv_close((uv_handle_t *)&w->settle_timer, on_handle_closed);
        uv_close((uv_handle_t *)&w->idle, on_handle_closed);
        uv_close((uv_handle_t *)&w->root_timer, on_handle_closed);
        return ret;
    }
    /* Arm the root watches now, so READY=1 means "watching"; the scan lists them next. */
    for (size_t r = 0; r < w->n_roots; r++) {
        ret = add_watch(w, r, "");
        if (ret < 0) {
            snprintf(err, err_size, "cannot watch %s: %s", w->roots[r], strerror(-ret));
            nj_watcher_close(w);
            return ret;
        }
    }
    uv_timer_start(&w->root_timer, on_root_timer, NJ_ROOT_CHECK_MS, NJ_ROOT_CHECK_MS);
    clock_gettime(CLOCK_REALTIME, &w->started);
    w->cleanup_tmp = 1;
    w->rescan_pending = 1;
    scan_kick(w);
    *out = w;
    return 0;
}

void
nj_watcher_set_config(struct nj_watcher *w, const struct nj_config *cfg)
{
    /* Root paths are borrowed from the config: keep pointing at the new copies, which
     * equal the old ones (changing them needs a restart). */
    for (size_t r = 0; r < w->n_roots && r < cfg->n_paths; r++)
        w->roots[r] = cfg->paths[r];
    w->cfg = cfg;
}

struct nj_cand *
nj_watcher_take(struct nj_watcher *w)
{
    struct nj_cand *c = w->ready.head;
    if (!c || w->paused)
        return NULL;
    list_remove(&w->ready, c);
    c->state = NJ_CAND_RUNNING;
    c->again = 0;
    return c;
}

void
nj_watcher_retry(struct nj_watcher *w, struct nj_cand *c, int force)
{
    if (!c->retry_ms)
        c->retry_ms = NJ_RETRY_MIN_MS;
    else
        c->retry_ms = c->retry_ms >= NJ_RETRY_MAX_MS / 2 ? NJ_RETRY_MAX_MS : c->retry_ms * 2;
    nj_watcher_done(w, c, 1, force);
}

void
nj_watcher_done(struct nj_watcher *w, struct nj_cand *c, int requeue, int force)
{
    if (!w->paused && !w->closing && (requeue || c->again)) {
        c->force = force;
        c->again = 0;
        c->state = NJ_CAND_SETTLING;
        settle(w, c);
    } else {
        cand_free(w, c);
    }
    scan_kick(w);
}

/* Non-zero when a drop folder was removed or replaced since it was opened.  (The kernel
 * delays IN_DELETE_SELF while we hold the folder open, so check by hand.) */
static int
roots_replaced(struct nj_watcher *w)
{
    for (size_t r = 0; r < w->n_roots; r++) {
        struct stat a, b;
        if (fstat(w->root_fds[r], &a) < 0 || a.st_nlink == 0 || stat(w->roots[r], &b) < 0 ||
            a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
            if (!w->root_missing)
                nj_log_warnx("drop folder %s was removed or replaced: re-arming", w->roots[r]);
            return 1;
        }
    }
    return 0;
}

void
nj_watcher_rescan(struct nj_watcher *w)
{
    if (!w->need_reset && roots_replaced(w))
        w->need_reset = 1;
    if (w->need_reset && w->poll_active && !w->paused && !w->closing) {
        reset_watches(w);
        return;
    }
    w->rescan_pending = 1;
    scan_kick(w);
}

const char *
nj_watcher_root(const struct nj_watcher *w, size_t root)
{
    return w->roots[root];
}

int
nj_watcher_root_fd(const struct nj_watcher *w, size_t root)
{
    return w->root_fds[root];
}

size_t
nj_watcher_pending(const struct nj_watcher *w)
{
    return w->n_cands;
}

int
nj_watcher_scanning(const struct nj_watcher *w)
{
    return w->scanning;
}

void
nj_watcher_pause(struct nj_watcher *w)
{
    if (w->paused)
        return;
    w->paused = 1;
    uv_timer_stop(&w->settle_timer);
    uv_timer_stop(&w->root_timer);
    uv_idle_stop(&w->idle);
    if (w->poll_active)
        uv_poll_stop(&w->poll);
    /* Drop what is not running; the next start finds those files again. */
    while (w->settling.head) {
        struct nj_cand *c = w->settling.head;
        list_remove(&w->settling, c);
        cand_free(w, c);
    }
    while (w->ready.head) {
        struct nj_cand *c = w->ready.head;
        list_remove(&w->ready, c);
        cand_free(w, c);
    }
}

void
nj_watcher_close(struct nj_watcher *w)
{
    nj_watcher_pause(w);
    w->closing = 1;
    uv_close((uv_handle_t *)&w->settle_timer, on_handle_closed);
    uv_close((uv_handle_t *)&w->idle, on_handle_closed);
    uv_close((uv_handle_t *)&w->root_timer, on_handle_closed);
    if (w->poll_active) {
        w->poll_active = 0;
        uv_close((uv_handle_t *)&w->poll, on_handle_closed);
        close(w->ifd);
        w->ifd = -1;
    }
}
