/*
 * nj_daemon.c - the loop thread owns everything; reports are checked on the thread pool.
 *
 * One report's path: watcher (ready candidate) -> uv_queue_work (read, hash, nj_check,
 * write result files) -> after-work on the loop thread (journal append) -> uv_check at the
 * end of the loop iteration (one fsync for all events of the iteration, then publish).
 * Up to 4 x workers jobs are in flight, of which at most `workers` hold a report in memory
 * (reading, hashing, checking); the others write results.  The watcher bounds what waits.
 */
#include "nj_daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "nj_config.h"
#include "nj_core.h"
#include "nj_journal.h"
#include "nj_json.h"
#include "nj_log.h"
#include "nj_notify.h"
#include "nj_paths.h"
#include "nj_publisher.h"
#include "nj_watcher.h"
#include "nj_writer.h"
#ifdef NJ_HAVE_READERS
#include "nj_readers.h"
#endif

struct cfgref {
    struct nj_config *cfg;
    unsigned refs;
};

struct pending {
    struct pending *next;
    const char *topic;
    char *body;
};

/* Jobs in flight per worker: while `workers` of them read and check, the others write
 * their results and wait on fsync (I/O latency, not CPU, bounds a burst otherwise). */
#ifndef NJ_JOBS_PER_WORKER
#define NJ_JOBS_PER_WORKER 4
#endif
#define NJ_MAX_POOL 128 /* libuv allows 1024 threads; more than this only adds memory */

/* Bounds the CPU-heavy part (nj_check) to `workers` threads at a time. */
static uv_sem_t check_sem;

struct daemon {
    uv_loop_t *loop;
    const char *config_path;
    struct cfgref *cr;
    struct nj_watcher *w;
    struct nj_journal *j;
    struct nj_publisher *pub;
    char epoch[17];
    unsigned in_flight;
    uv_signal_t sig_hup, sig_term, sig_int;
    uv_timer_t heartbeat, rescan, watchdog;
    uv_check_t flush;
    struct pending *pend_head, *pend_tail;
    int stopping, stopped;
    unsigned workers;  /* fixed at start: sizes the thread pool and check_sem */
    unsigned max_jobs; /* jobs in flight (= threads in the pool) */
    uint64_t n_published, n_failed_writes;
};

enum outcome { OUT_DONE, OUT_UPTODATE, OUT_CHANGED, OUT_GONE, OUT_FAILED };

struct job {
    uv_work_t req;
    struct daemon *d;
    struct nj_cand *c;
    struct cfgref *cr;
    int rootfd;
    int force;
    int have_snap;
    struct nj_snap snap; /* the file as it was when it settled */
    enum outcome outcome;
    struct nj_result *res;
    char sha[65];
    int64_t time;
    int tz;
    char err[512];
};

static struct cfgref *
cfgref_new(struct nj_config *cfg)
{
    struct cfgref *r = calloc(1, sizeof *r);
    if (r) {
        r->cfg = cfg;
        r->refs = 1;
    }
    return r;
}

static void
cfgref_unref(struct cfgref *r)
{
    if (r && --r->refs == 0) {
        nj_config_free(r->cfg);
        free(r);
    }
}

static int
tz_offset_min(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return (int)(tm.tm_gmtoff / 60);
}

/* ---- worker (thread pool) ----------------------------------------------------------- */

static int
open_dir_nofollow(int rootfd, const char *dir)
{
    char buf[4096];
    int fd = dup(rootfd);
    char *save = NULL;

    if (fd < 0 || !*dir)
        return fd;
    if (strlen(dir) >= sizeof buf) {
        close(fd);
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(buf, dir);
    for (char *part = strtok_r(buf, "/", &save); part && fd >= 0;
         part = strtok_r(NULL, "/", &save)) {
        int next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(fd);
        errno = e;
        fd = next;
    }
    return fd;
}

/* Non-zero when BASE's result files exist and the JSON names content SHA. */
static int
result_up_to_date(int dirfd, const char *base, const char *sha, unsigned formats)
{
    char name[4200], buf[65536], got[80];
    struct stat st;

    snprintf(name, sizeof name, "%s.nianjian.txt", base);
    if ((formats & NJ_FMT_TXT) && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    snprintf(name, sizeof name, "%s.nianjian.json", base);
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    /* "sha256" comes early in the result; the first 64 KiB are enough to find it. */
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0)
        return 0;
    /* The object may be cut: look for the field text directly if the scan fails. */
    if (nj_json_get_str(buf, (size_t)n, "sha256", got, sizeof got) == 0)
        return strcmp(got, sha) == 0;
    char pat[100];
    snprintf(pat, sizeof pat, "\"sha256\":\"%s\"", sha);
    buf[n - 1] = '\0';
    return strstr(buf, pat) != NULL;
}

/* For files that are not read (unsafe, too large): a result newer than the file counts. */
static int
result_newer(int dirfd, const char *base, const struct stat *st)
{
    char name[4200];
    struct stat rs;
    snprintf(name, sizeof name, "%s.nianjian.json", base);
    if (fstatat(dirfd, name, &rs, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    return rs.st_mtim.tv_sec > st->st_ctim.tv_sec ||
           (rs.st_mtim.tv_sec == st->st_ctim.tv_sec && rs.st_mtim.tv_nsec > st->st_ctim.tv_nsec);
}

/* Why a file that is not a regular file is refused (it is never opened). */
static const char *
kind_reason(mode_t mode)
{
    if (S_ISLNK(mode))
        return "is a symbolic link; not checked for safety";
    if (S_ISFIFO(mode))
        return "is a FIFO (named pipe), not a regular file; not opened";
    if (S_ISSOCK(mode))
        return "is a socket, not a regular file; not opened";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "is a device, not a regular file; not opened";
    if (S_ISDIR(mode))
        return "is a folder, not a regular file";
    return "is not a regular file";
}

/* Non-zero when ST is still the file that settled (same inode, size and times). */
static int
matches_snap(const struct nj_snap *s, const struct stat *st)
{
    return s->dev == st->st_dev && s->ino == st->st_ino && s->size == st->st_size &&
           s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec &&
           s->ctime.tv_sec == st->st_ctim.tv_sec && s->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

#ifdef NJ_FAULT_INJECT
/*
 * Test builds only (the nianjiand-fi binary of tests/, never installed).
 * NJ_FAULT_INJECT="pause_open=NAME:MS": the first worker about to open a report named NAME
 * logs "fault: pausing before open of NAME" and sleeps MS milliseconds, so that a test can
 * swap the file between the stat and the open.
 */
static void
fault_pause_open(const char *base)
{
    static atomic_int fired;
    const char *spec = getenv("NJ_FAULT_INJECT");
    char name[256];
    unsigned ms = 0;

    if (!spec || strncmp(spec, "pause_open=", 11) != 0)
        return;
    if (sscanf(spec + 11, "%255[^:]:%u", name, &ms) != 2 || strcmp(name, base) != 0)
        return;
    if (atomic_exchange(&fired, 1))
        return;
    nj_log_info("fault: pausing before open of %s", base);
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
#else
#define fault_pause_open(base) ((void)(base))
#endif

static int
same_stat(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void
job_work(uv_work_t *req)
{
    struct job *jb = req->data;
    const struct nj_config *cfg = jb->cr->cfg;
    char dir[4096];
    const char *rel = jb->c->rel;
    const char *slash = strrchr(rel, '/');
    const char *base = slash ? slash + 1 : rel;
    unsigned char *data = NULL;
    struct stat st, st2;
    int dirfd = -1, fd = -1, held = 0;
    const char *reason = NULL;
    char reason_buf[256];
    struct nj_options opt;

    memset(&opt, 0, sizeof opt);
    memset(&st, 0, sizeof st);
    opt.lang = cfg->lang;
    opt.overrides = cfg->rules;
    opt.n_overrides = cfg->n_rules;
    opt.file_name = base;
    opt.max_bytes = cfg->max_file_mb * 1024 * 1024;
#ifdef NJ_HAVE_READERS
    opt.readers = nj_readers_hooks();
#endif
    jb->time = (int64_t)time(NULL);
    jb->tz = tz_offset_min((time_t)jb->time);
    opt.now = jb->time;
    opt.tz_offset_min = jb->tz;

    size_t dlen = slash ? (size_t)(slash - rel) : 0;
    memcpy(dir, rel, dlen);
    dir[dlen] = '\0';
    dirfd = open_dir_nofollow(jb->rootfd, dir);
    if (dirfd < 0) {
        jb->outcome = OUT_GONE;
        return;
    }
    /* Look before opening: anything but a regular file is refused without being opened
     * (opening a FIFO could block, opening a device could act on it). */
    struct stat lst;
    if (fstatat(dirfd, base, &lst, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) {
            jb->outcome = OUT_GONE;
            goto out;
        }
        reason = strerror(errno);
        goto unreadable;
    }
    st = lst;
    if (!S_ISREG(lst.st_mode)) {
        reason = kind_reason(lst.st_mode);
        goto unreadable;
    }
    if (jb->have_snap && !matches_snap(&jb->snap, &lst)) {
        nj_log_info("%s changed after it settled: waiting for it to settle again", rel);
        jb->outcome = OUT_CHANGED;
        goto out;
    }
    fault_pause_open(base);
    fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ELOOP) {
            /* Removed, or replaced by a symlink, since the stat: look again. */
            jb->outcome = OUT_CHANGED;
            goto out;
        }
        reason = strerror(e);
        goto unreadable;
    }
    if (fstat(fd, &st) < 0) {
        reason = strerror(errno);
        goto unreadable;
    }
    if (st.st_dev != lst.st_dev || st.st_ino != lst.st_ino ||
        (jb->have_snap && !matches_snap(&jb->snap, &st))) {
        nj_log_info("%s was replaced or changed between its stat and its open: "
                    "waiting for it to settle again",
                    rel);
        jb->outcome = OUT_CHANGED;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        reason = kind_reason(st.st_mode);
        goto unreadable;
    }
    if (st.st_nlink != 1) {
        reason = "has more than one hard link; not checked for safety";
        goto unreadable;
    }
    if ((uint64_t)st.st_size > opt.max_bytes) {
        snprintf(reason_buf, sizeof reason_buf, "is larger than %" PRIu64 " MB (max_file_mb)",
                 cfg->max_file_mb);
        reason = reason_buf;
        goto unreadable;
    }
    size_t size = (size_t)st.st_size, have = 0;
    /* Reading, hashing and checking hold the semaphore: at most `workers` reports are in
     * memory at once, however many jobs are writing results and waiting on fsync. */
    uv_sem_wait(&check_sem);
    held = 1;
    data = malloc(size + 1);
    if (!data) {
        reason = "out of memory";
        goto unreadable;
    }
    for (;;) {
        ssize_t r = read(fd, data + have, size + 1 - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            reason = strerror(errno);
            goto unreadable;
        }
        if (r == 0)
            break;
        have += (size_t)r;
        if (have > size) {
            jb->outcome = OUT_CHANGED; /* still growing */
            goto out;
        }
    }
    if (have != size) {
        jb->outcome = OUT_CHANGED;
        goto out;
    }
    nj_sha256_hex(data, size, jb->sha);
    if (!jb->force && result_up_to_date(dirfd, base, jb->sha, cfg->formats)) {
        jb->outcome = OUT_UPTODATE;
        goto out;
    }
    int cret = nj_check(data, size, &opt, &jb->res);
    free(data); /* the result owns what it needs */
    data = NULL;
    uv_sem_post(&check_sem);
    held = 0;
    if (cret != 0) {
        reason = "out of memory";
        goto unreadable;
    }
    /* Re-check after validation: a file that changed meanwhile is not reported. */
    if (fstat(fd, &st2) < 0 || !same_stat(&st, &st2) ||
        fstatat(dirfd, base, &st2, AT_SYMLINK_NOFOLLOW) < 0 || st2.st_ino != st.st_ino ||
        st2.st_dev != st.st_dev) {
        nj_result_free(jb->res);
        jb->res = NULL;
        jb->outcome = OUT_CHANGED;
        goto out;
    }
    goto write;

unreadable:
    if (held) {
        uv_sem_post(&check_sem);
        held = 0;
    }
    if (!jb->force && st.st_ino && result_newer(dirfd, base, &st)) {
        jb->outcome = OUT_UPTODATE;
        jb->sha[0] = '\0';
        goto out;
    }
    if (nj_result_unreadable(reason, (uint64_t)st.st_size, NULL, &opt, &jb->res) != 0) {
        jb->outcome = OUT_FAILED;
        snprintf(jb->err, sizeof jb->err, "%s: out of memory", rel);
        goto out;
    }
write:
    if (nj_writer_write_at(dirfd, base, jb->res, cfg->formats, jb->err, sizeof jb->err) < 0) {
        jb->outcome = OUT_FAILED;
        goto out;
    }
    snprintf(jb->sha, sizeof jb->sha, "%s", nj_result_sha256(jb->res));
    jb->outcome = OUT_DONE;
out:
    if (held)
        uv_sem_post(&check_sem);
    free(data);
    if (fd >= 0)
        close(fd);
    if (dirfd >= 0)
        close(dirfd);
}

/* ---- loop thread ---------------------------------------------------------------------- */

static void dispatch(struct daemon *d);
static void finish_stop(struct daemon *d);

static void
flush_pending(struct daemon *d)
{
    if (!d->pend_head)
        return;
    int ret = nj_journal_sync(d->j);
    if (ret < 0)
        nj_log_error("cannot sync journal: %s", strerror(-ret));
    while (d->pend_head) {
        struct pending *p = d->pend_head;
        d->pend_head = p->next;
        if (d->pub)
            nj_publisher_send(d->pub, p->topic, p->body);
        d->n_published++;
        free(p->body);
        free(p);
    }
    d->pend_tail = NULL;
}

static void
on_flush(uv_check_t *h)
{
    flush_pending(h->data);
}

/* Journals the event of a finished job and queues it for publication.  Returns 0, or -1
 * when the event could not be journaled (and so must not be published). */
static int
publish_result(struct daemon *d, struct job *jb)
{
    const char *root = nj_watcher_root(d->w, jb->c->root);
    char result_rel[4200], key[8400];
    char *body = NULL;
    const char *topic;

    switch (nj_result_status(jb->res)) {
    case NJ_STATUS_PASS:
        topic = NJ_TOPIC_PASS;
        break;
    case NJ_STATUS_FAIL:
        topic = NJ_TOPIC_FAIL;
        break;
    default:
        topic = NJ_TOPIC_ERROR;
        break;
    }
    snprintf(result_rel, sizeof result_rel, "%s.nianjian.json", jb->c->rel);
    uint64_t seq = nj_journal_next_seq(d->j);
    if (nj_event_json(jb->res, d->epoch, seq, jb->time, jb->tz, root, jb->c->rel, result_rel,
                      &body) != 0 ||
        !body) {
        nj_log_error("%s: cannot build event: out of memory", jb->c->rel);
        return -1;
    }
    nj_journal_key(key, sizeof key, root, jb->c->rel, jb->sha);
    int ret = nj_journal_append(d->j, topic, body, key);
    if (ret < 0) {
        nj_log_error("%s: cannot append to journal: %s (event not published; will try again)",
                     jb->c->rel, strerror(-ret));
        free(body);
        return -1;
    }
    struct pending *p = malloc(sizeof *p);
    if (!p) {
        /* Journaled: a replay serves it even though it is not published live. */
        free(body);
        return 0;
    }
    p->next = NULL;
    p->topic = topic;
    p->body = body;
    if (d->pend_tail)
        d->pend_tail->next = p;
    else
        d->pend_head = p;
    d->pend_tail = p;
    nj_log_debug("%s: %s (seq %" PRIu64 ")", jb->c->rel, topic, seq);
    return 0;
}

static void
job_after(uv_work_t *req, int status)
{
    struct job *jb = req->data;
    struct daemon *d = jb->d;
    int requeue = 0, force = 0, retry = 0;

    d->in_flight--;
    if (status == UV_ECANCELED) {
        requeue = 0;
    } else {
        switch (jb->outcome) {
        case OUT_DONE:
            /* The result file is written; if its event cannot be journaled (disk full),
             * check again later and publish then. */
            if (publish_result(d, jb) < 0) {
                retry = 1;
                force = 1;
            }
            break;
        case OUT_UPTODATE:
            if (jb->sha[0]) {
                char key[8400];
                nj_journal_key(key, sizeof key, nj_watcher_root(d->w, jb->c->root), jb->c->rel,
                               jb->sha);
                /* A result written just before a crash whose event never made it. */
                if (!nj_journal_seen(d->j, key)) {
                    requeue = 1;
                    force = 1;
                }
            }
            break;
        case OUT_CHANGED:
            requeue = 1;
            break;
        case OUT_GONE:
            break;
        case OUT_FAILED:
            /* No result file (the temporary one is removed): try again after a back-off. */
            d->n_failed_writes++;
            nj_log_error("%s: %s (will try again)", jb->c->rel, jb->err);
            retry = 1;
            break;
        }
    }
    nj_result_free(jb->res);
    if (retry)
        nj_watcher_retry(d->w, jb->c, force);
    else
        nj_watcher_done(d->w, jb->c, requeue, force);
    cfgref_unref(jb->cr);
    free(jb);
    if (d->stopping) {
        if (d->in_flight == 0)
            finish_stop(d);
        return;
    }
    dispatch(d);
}

static void
dispatch(struct daemon *d)
{
    while (!d->stopping && d->in_flight < d->max_jobs) {
        struct nj_cand *c = nj_watcher_take(d->w);
        if (!c)
            return;
        struct job *jb = calloc(1, sizeof *jb);
        if (!jb) {
            nj_watcher_done(d->w, c, 1, 0);
            return;
        }
        jb->d = d;
        jb->c = c;
        jb->cr = d->cr;
        jb->cr->refs++;
        jb->rootfd = nj_watcher_root_fd(d->w, c->root);
        jb->force = c->force;
        jb->have_snap = c->have_snap;
        jb->snap = c->snap;
        jb->req.data = jb;
        int ret = uv_queue_work(d->loop, &jb->req, job_work, job_after);
        if (ret < 0) {
            nj_log_error("cannot queue work: %s", uv_strerror(ret));
            cfgref_unref(jb->cr);
            free(jb);
            nj_watcher_done(d->w, c, 1, 0);
            return;
        }
        d->in_flight++;
    }
}

static void
on_ready(void *arg)
{
    dispatch(arg);
}

static void
on_heartbeat(uv_timer_t *t)
{
    struct daemon *d = t->data;
    char body[256], now[32];
    time_t tt = time(NULL);

    flush_pending(d);
    nj_format_time((int64_t)tt, tz_offset_min(tt), now);
    snprintf(body, sizeof body,
             "{\"schema\":\"%s\",\"type\":\"heartbeat\",\"epoch\":\"%s\",\"seq\":%" PRIu64
             ",\"time\":\"%s\",\"pending\":%zu}",
             NJ_EVENT_SCHEMA, d->epoch, nj_journal_last_seq(d->j), now, nj_watcher_pending(d->w));
    nj_publisher_send(d->pub, NJ_TOPIC_HEARTBEAT, body);
    nj_journal_save_seq(d->j);
    nj_notify("STATUS=watching %zu folder(s); %" PRIu64 " events published, %zu pending",
              d->cr->cfg->n_paths, d->n_published, nj_watcher_pending(d->w));
}

static void
on_rescan(uv_timer_t *t)
{
    struct daemon *d = t->data;
    nj_log_debug("periodic rescan");
    nj_watcher_rescan(d->w);
}

static void
on_watchdog(uv_timer_t *t)
{
    (void)t;
    nj_notify("WATCHDOG=1");
}

static void
start_timers(struct daemon *d)
{
    const struct nj_config *cfg = d->cr->cfg;
    uv_timer_stop(&d->heartbeat);
    uv_timer_stop(&d->rescan);
    if (cfg->heartbeat_s)
        uv_timer_start(&d->heartbeat, on_heartbeat, cfg->heartbeat_s * 1000,
                       cfg->heartbeat_s * 1000);
    if (cfg->rescan_s)
        uv_timer_start(&d->rescan, on_rescan, cfg->rescan_s * 1000, cfg->rescan_s * 1000);
}

static int
strv_equal(char **a, size_t na, char **b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

/* Keys that only take effect at start; a reload keeps their old values. */
static void
keep_restart_keys(const struct nj_config *old, struct nj_config *cfg)
{
    int changed = 0;
    if (!strv_equal(old->paths, old->n_paths, cfg->paths, cfg->n_paths)) {
        nj_log_warnx("reload: watch.paths changed; this needs a restart (keeping the old value)");
        char **p = calloc(old->n_paths + 1, sizeof *p);
        if (p) {
            for (size_t i = 0; i < old->n_paths; i++)
                p[i] = strdup(old->paths[i]);
            for (size_t i = 0; i < cfg->n_paths; i++)
                free(cfg->paths[i]);
            free(cfg->paths);
            cfg->paths = p;
            cfg->n_paths = old->n_paths;
        }
        changed = 1;
    }
    if (old->recursive != cfg->recursive) {
        nj_log_warnx("reload: watch.recursive changed; this needs a restart");
        cfg->recursive = old->recursive;
        changed = 1;
    }
#define KEEP_STR(field, name)                                                                      \
    if (strcmp(old->field, cfg->field) != 0) {                                                     \
        nj_log_warnx("reload: " name " changed; this needs a restart (keeping the old value)");    \
        char *s = strdup(old->field);                                                              \
        if (s) {                                                                                   \
            free(cfg->field);                                                                      \
            cfg->field = s;                                                                        \
        }                                                                                          \
        changed = 1;                                                                               \
    }
    if (old->workers != cfg->workers) {
        nj_log_warnx("reload: workers changed; this needs a restart (keeping the old value)");
        cfg->workers = old->workers;
    }
    KEEP_STR(endpoint, "publish.endpoint")
    KEEP_STR(replay_endpoint, "publish.replay_endpoint")
    KEEP_STR(state_dir, "state_dir")
#undef KEEP_STR
    (void)changed;
}

static void
reload(struct daemon *d)
{
    struct nj_config *cfg = NULL;
    char *errors = NULL;

    nj_notify("RELOADING=1\nMONOTONIC_USEC=%" PRIu64, nj_notify_monotonic_usec());
    nj_log_info("reloading %s", d->config_path);
    if (nj_config_load(d->config_path, &cfg, &errors) < 0) {
        /* Log each error on its own line, then keep the old config. */
        char *save = NULL;
        for (char *line = errors ? strtok_r(errors, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save))
            nj_log_error("%s", line);
        nj_log_error("reload failed: keeping the old configuration");
        free(errors);
        nj_notify("READY=1\nSTATUS=reload failed: keeping the old configuration");
        return;
    }
    keep_restart_keys(d->cr->cfg, cfg);
    /* The allow list of subscribers is reloaded; the server's keys need a restart. */
    if (nj_publisher_set_curve(d->pub, cfg->curve) < 0)
        nj_log_warnx("reload: publish.curve keys changed or CURVE was turned on or off; "
                     "this needs a restart (keeping the old keys and allowed clients)");
    struct cfgref *r = cfgref_new(cfg);
    if (!r) {
        nj_config_free(cfg);
        nj_notify("READY=1\nSTATUS=reload failed: out of memory");
        return;
    }
    nj_log_set_level(cfg->log_level);
    nj_watcher_set_config(d->w, cfg);
    cfgref_unref(d->cr);
    d->cr = r;
    start_timers(d);
    nj_log_info("configuration reloaded");
    nj_notify("READY=1\nSTATUS=configuration reloaded; watching %zu folder(s)", cfg->n_paths);
    dispatch(d);
}

static void
close_cb(uv_handle_t *h)
{
    (void)h;
}

static void
finish_stop(struct daemon *d)
{
    if (d->stopped)
        return;
    d->stopped = 1;
    flush_pending(d);
    nj_journal_save_seq(d->j);
    nj_publisher_close(d->pub);
    d->pub = NULL;
    nj_watcher_close(d->w);
    uv_close((uv_handle_t *)&d->sig_hup, close_cb);
    uv_close((uv_handle_t *)&d->sig_term, close_cb);
    uv_close((uv_handle_t *)&d->sig_int, close_cb);
    uv_close((uv_handle_t *)&d->heartbeat, close_cb);
    uv_close((uv_handle_t *)&d->rescan, close_cb);
    uv_close((uv_handle_t *)&d->watchdog, close_cb);
    uv_close((uv_handle_t *)&d->flush, close_cb);
}

static void
on_signal(uv_signal_t *h, int signum)
{
    struct daemon *d = h->data;
    if (signum == SIGHUP) {
        if (!d->stopping)
            reload(d);
        return;
    }
    if (d->stopping)
        return;
    d->stopping = 1;
    nj_notify("STOPPING=1\nSTATUS=stopping: finishing %u report(s) in flight", d->in_flight);
    nj_log_info("stopping (%s); %u report(s) in flight", signum == SIGTERM ? "SIGTERM" : "SIGINT",
                d->in_flight);
    nj_watcher_pause(d->w);
    uv_timer_stop(&d->heartbeat);
    uv_timer_stop(&d->rescan);
    if (d->in_flight == 0)
        finish_stop(d);
}

static void
make_epoch(char out[17])
{
    unsigned char r[8];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        memcpy(r, &x, sizeof r);
    }
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

int
nj_daemon_run(const char *config_path)
{
    struct daemon d;
    struct nj_config *cfg = NULL;
    char *errors = NULL;
    char err[512];
    uv_loop_t loop;
    int ret, status = 0;

    memset(&d, 0, sizeof d);
    signal(SIGPIPE, SIG_IGN);
    if (nj_config_load(config_path, &cfg, &errors) < 0) {
        fputs(errors ? errors : "configuration invalid\n", stderr);
        free(errors);
        return NJ_EXIT_CONFIG;
    }
    nj_log_set_level(cfg->log_level);
    d.config_path = config_path;
    d.cr = cfgref_new(cfg);
    if (!d.cr) {
        nj_config_free(cfg);
        return 1;
    }
    /* Size libuv's pool before its first use: one thread per job in flight (see above). */
    char pool[16];
    d.workers = cfg->workers;
    unsigned jobs = NJ_JOBS_PER_WORKER * d.workers;
    d.max_jobs = jobs < NJ_MAX_POOL ? jobs : NJ_MAX_POOL;
    snprintf(pool, sizeof pool, "%u", d.max_jobs);
    setenv("UV_THREADPOOL_SIZE", pool, 1);
    if (uv_sem_init(&check_sem, d.workers) != 0) {
        cfgref_unref(d.cr);
        return 1;
    }
    make_epoch(d.epoch);
#ifdef NJ_HAVE_READERS
    /* libxml2 and the HTML scanner's tables, here on the main thread before any job runs
       (xmlInitParser is not safe to run first from several threads at once) */
    nj_readers_init();
#endif

    uv_loop_init(&loop);
    d.loop = &loop;
    ret = nj_journal_open(cfg->state_dir, &d.j, err, sizeof err);
    if (ret < 0) {
        nj_log_error("%s", err);
        status = 1;
        goto out_loop;
    }
    ret = nj_publisher_open(&loop, cfg->endpoint, cfg->replay_endpoint, cfg->curve, d.j, &d.pub,
                            err, sizeof err);
    if (ret < 0) {
        nj_log_error("%s", err);
        status = 1;
        goto out_journal;
    }
    ret = nj_watcher_start(&loop, cfg, on_ready, &d, &d.w, err, sizeof err);
    if (ret < 0) {
        nj_log_error("%s", err);
        status = 1;
        nj_publisher_close(d.pub);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out_journal;
    }
    uv_signal_init(&loop, &d.sig_hup);
    uv_signal_init(&loop, &d.sig_term);
    uv_signal_init(&loop, &d.sig_int);
    d.sig_hup.data = d.sig_term.data = d.sig_int.data = &d;
    uv_signal_start(&d.sig_hup, on_signal, SIGHUP);
    uv_signal_start(&d.sig_term, on_signal, SIGTERM);
    uv_signal_start(&d.sig_int, on_signal, SIGINT);
    uv_timer_init(&loop, &d.heartbeat);
    uv_timer_init(&loop, &d.rescan);
    uv_timer_init(&loop, &d.watchdog);
    d.heartbeat.data = d.rescan.data = d.watchdog.data = &d;
    uv_check_init(&loop, &d.flush);
    d.flush.data = &d;
    uv_check_start(&d.flush, on_flush);
    start_timers(&d);
    uint64_t wd = nj_notify_watchdog_usec();
    if (wd) {
        uint64_t ms = wd / 2000 ? wd / 2000 : 1;
        uv_timer_start(&d.watchdog, on_watchdog, ms, ms);
    }

    nj_log_info("nianjiand %s started: epoch %s, next seq %" PRIu64
                ", events on %s, replay on %s%s",
                NJ_VERSION, d.epoch, nj_journal_next_seq(d.j), cfg->endpoint, cfg->replay_endpoint,
                cfg->curve ? " (CURVE)" : "");
    if (cfg->curve)
        nj_log_info("CURVE: server public key %s, %zu allowed client key(s)",
                    cfg->curve->public_key, cfg->curve->n_clients);
    for (size_t i = 0; i < cfg->n_paths; i++)
        nj_log_info("watching %s%s", cfg->paths[i], cfg->recursive ? " (with subfolders)" : "");
    nj_notify("READY=1\nSTATUS=watching %zu folder(s); publishing on %s\nMAINPID=%ld", cfg->n_paths,
              cfg->endpoint, (long)getpid());

    uv_run(&loop, UV_RUN_DEFAULT);
    nj_log_info("stopped after publishing %" PRIu64 " event(s)", d.n_published);

out_journal:
    nj_journal_close(d.j);
out_loop:
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0)
        nj_log_warnx("event loop closed with open handles");
    cfgref_unref(d.cr);
    uv_sem_destroy(&check_sem);
    return status;
}
