/*
 * nj_watcher.h - finds reports that are completely written in the drop folders.
 *
 * A raw inotify descriptor (not uv_fs_event, which drops IN_CLOSE_WRITE and overflow
 * events) is driven by a uv_poll_t.  Watches are armed on every folder before it is
 * listed, recursively when configured, including folders created later.  IN_CLOSE_WRITE
 * and IN_MOVED_TO of a wanted name make a candidate; IN_MODIFY restarts its quiet period.
 * A candidate becomes ready when its size, mtime, ctime and inode did not change for
 * settle_ms.  Queue overflow, moved folders and the rescan_s timer lead to a rescan.
 * The number of candidates is bounded: events beyond the bound are dropped and recovered
 * by a rescan, and scans pause while the bound is reached.
 */
#ifndef NJ_WATCHER_H
#define NJ_WATCHER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <uv.h>

#include "nj_config.h"

#define NJ_MAX_PENDING 8192 /* candidates held at once */
#define NJ_SCAN_HIGH 4096   /* a scan pauses above this many */
/* Quiet period for files found by a scan rather than by a close/move event: such a file
 * may still be open for writing, and only its stillness tells. */
#define NJ_SCAN_SETTLE_MS 1000
/* How often the drop folders are checked for having been removed or replaced (the kernel
 * sends no IN_DELETE_SELF while the daemon holds the folder open). */
#define NJ_ROOT_CHECK_MS 2000
/* Back-off after a failed write (disk full, folder not writable): 1 s, doubling, 5 min. */
#define NJ_RETRY_MIN_MS 1000
#define NJ_RETRY_MAX_MS 300000

struct nj_snap {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
};

enum nj_cand_state { NJ_CAND_SETTLING, NJ_CAND_READY, NJ_CAND_RUNNING };

struct nj_cand {
    struct nj_cand *hnext;       /* hash chain */
    struct nj_cand *prev, *next; /* settle or ready list */
    size_t root;                 /* index into cfg->paths */
    char *rel;                   /* path relative to the root */
    enum nj_cand_state state;
    int again;     /* touched while running: look again afterwards */
    int force;     /* check even if the result file is up to date */
    int from_scan; /* found by a scan, no close/move event yet: longer quiet period */
    int have_snap;
    struct nj_snap snap;
    uint64_t deadline;
    unsigned retry_ms; /* back-off after failures (0 = none): the quiet period is at least this */
};

struct nj_watcher;

typedef void (*nj_watcher_ready_cb)(void *arg);

/*
 * Opens the roots of CFG (which must outlive the watcher or be replaced with
 * nj_watcher_set_config), arms watches and starts the initial scan (which also removes
 * temporary result files left by a crashed process).  ON_READY is called whenever a
 * candidate becomes ready.  Returns 0 or -errno with a message in ERR.
 */
int nj_watcher_start(uv_loop_t *loop, const struct nj_config *cfg, nj_watcher_ready_cb on_ready,
                     void *arg, struct nj_watcher **out, char *err, size_t err_size);

/* Takes the reloadable settings (globs, settle_ms, …) from CFG; roots stay as they were. */
void nj_watcher_set_config(struct nj_watcher *w, const struct nj_config *cfg);

/* The next ready candidate, now RUNNING, or NULL. */
struct nj_cand *nj_watcher_take(struct nj_watcher *w);

/* Ends a RUNNING candidate: with REQUEUE (or if touched meanwhile) it settles again
 * (FORCE asks for a check even when the result is up to date); otherwise it is freed. */
void nj_watcher_done(struct nj_watcher *w, struct nj_cand *c, int requeue, int force);

/* Ends a RUNNING candidate whose result or event could not be written: it is tried again
 * after a back-off that doubles at each failure (NJ_RETRY_MIN_MS .. NJ_RETRY_MAX_MS). */
void nj_watcher_retry(struct nj_watcher *w, struct nj_cand *c, int force);

/* Schedules a full rescan. */
void nj_watcher_rescan(struct nj_watcher *w);

const char *nj_watcher_root(const struct nj_watcher *w, size_t root);
int nj_watcher_root_fd(const struct nj_watcher *w, size_t root);
size_t nj_watcher_pending(const struct nj_watcher *w);
int nj_watcher_scanning(const struct nj_watcher *w);

/* Stops taking in events; candidates not running are dropped. */
void nj_watcher_pause(struct nj_watcher *w);
/* Closes everything; no candidate may be RUNNING.  Frees W asynchronously. */
void nj_watcher_close(struct nj_watcher *w);

#endif
