/*
 * fs_floor.c - the file system's floor for a burst: what writing the results alone costs.
 *
 *   fs_floor DIR N THREADS BYTES
 *
 * Writes, for each of N reports, the two result files nianjiand writes by default
 * (rN.txt.nianjian.txt and rN.txt.nianjian.json, BYTES each) exactly as its writer does:
 * a hidden temporary name opened O_CREAT|O_EXCL, written, fsynced, renamed, and then the
 * folder fsynced.  THREADS threads share the reports, as nianjiand's jobs in flight do.
 * No report is read or checked, so the time printed is a floor for the daemon's burst on
 * the same disk, measured in the same run (bench/daemon_bench.sh, phase "floor").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int dirfd_, n_reports;
static char *payload;
static size_t payload_len;
static atomic_int next_report;

static void
die(const char *what)
{
    perror(what);
    exit(1);
}

static void
write_one(const char *name, unsigned salt)
{
    char tmp[300];
    snprintf(tmp, sizeof tmp, ".%s.nianjian.tmp.%ld.%08x", name, (long)getpid(), salt);
    int fd = openat(dirfd_, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        die("openat");
    for (size_t off = 0; off < payload_len;) {
        ssize_t w = write(fd, payload + off, payload_len - off);
        if (w < 0)
            die("write");
        off += (size_t)w;
    }
    if (fsync(fd) < 0)
        die("fsync");
    close(fd);
    if (renameat(dirfd_, tmp, dirfd_, name) < 0)
        die("renameat");
}

static void *
worker(void *arg)
{
    (void)arg;
    for (;;) {
        int i = atomic_fetch_add(&next_report, 1);
        if (i >= n_reports)
            return NULL;
        char name[64];
        snprintf(name, sizeof name, "r%d.txt.nianjian.txt", i);
        write_one(name, (unsigned)i * 2);
        snprintf(name, sizeof name, "r%d.txt.nianjian.json", i);
        write_one(name, (unsigned)i * 2 + 1);
        if (fsync(dirfd_) < 0)
            die("fsync folder");
    }
}

int
main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: fs_floor DIR N THREADS BYTES\n");
        return 2;
    }
    dirfd_ = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd_ < 0)
        die(argv[1]);
    n_reports = atoi(argv[2]);
    int threads = atoi(argv[3]);
    payload_len = (size_t)atol(argv[4]);
    if (n_reports < 1 || threads < 1 || threads > 256 || payload_len < 1)
        return 2;
    payload = malloc(payload_len);
    if (payload == NULL)
        die("malloc");
    memset(payload, 'x', payload_len);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t *t = calloc((size_t)threads, sizeof(*t));
    if (t == NULL)
        die("calloc");
    for (int i = 0; i < threads; i++)
        if (pthread_create(&t[i], NULL, worker, NULL) != 0)
            die("pthread_create");
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.2f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(t);
    free(payload);
    close(dirfd_);
    return 0;
}
