/*
 * nj_daemon_itest.c - integration tests: the real nianjiand in a temporary folder.
 *
 * Each test writes a config (settle_ms 50, ipc:// endpoints inside its folder), starts
 * nianjiand with NOTIFY_SOCKET pointing at a datagram socket the test owns and waits for
 * READY=1 (no sleeping for readiness), then drops files and checks result files, the
 * journal and live events on a real ZeroMQ SUB socket.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "nj_core.h"
#include "nj_curve.h"
#include "nj_json.h"

struct env {
    char dir[128];
    char drop[256], state[256], cfg[256], log[256];
    char ev[300], rp[300];
    /* Where the test sees the drop and state folders: the same paths, or through
     * /proc/PID/root when the daemon runs in its own mount namespace. */
    char drop_view[400], state_view[400];
    int nfd;
    pid_t pid;
    void *zctx, *sub;
};

static struct env E;

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
nap(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void
write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(content, f);
    ck_assert_int_eq(fclose(f), 0);
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n + 4096 > cap)
            buf = realloc(buf, cap *= 2);
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        if (r == 0)
            break;
        n += r;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static const char *publish_extra; /* more lines for the publish: block */

/* WATCH_EXTRA: more lines for the watch: block (indented by two spaces). */
static void
write_config(const char *watch_extra)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "watch:\n  paths: [%s]\n  settle_ms: 50\n  rescan_s: 0\n%s"
             "publish:\n  endpoint: %s\n  replay_endpoint: %s\n  heartbeat_s: 1\n%s"
             "state_dir: %s\nworkers: 2\nlog:\n  level: debug\n",
             E.drop, watch_extra ? watch_extra : "", E.ev, E.rp, publish_extra ? publish_extra : "",
             E.state);
    write_file(E.cfg, yaml);
}

static void
setup(void)
{
    struct sockaddr_un sa;
    char path[300];

    memset(&E, 0, sizeof E);
    snprintf(E.dir, sizeof E.dir, "/tmp/nj_itest.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(E.dir));
    snprintf(E.drop, sizeof E.drop, "%s/drop", E.dir);
    snprintf(E.state, sizeof E.state, "%s/state", E.dir);
    snprintf(E.cfg, sizeof E.cfg, "%s/nianjian.yaml", E.dir);
    snprintf(E.log, sizeof E.log, "%s/daemon.log", E.dir);
    snprintf(E.ev, sizeof E.ev, "ipc://%s/ev.sock", E.dir);
    snprintf(E.rp, sizeof E.rp, "ipc://%s/rp.sock", E.dir);
    ck_assert_int_eq(mkdir(E.drop, 0755), 0);
    snprintf(E.drop_view, sizeof E.drop_view, "%s", E.drop);
    snprintf(E.state_view, sizeof E.state_view, "%s", E.state);
    publish_extra = NULL;
    write_config(NULL);

    E.nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(E.nfd, 0);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(path, sizeof path, "%s/notify.sock", E.dir);
    ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
    strcpy(sa.sun_path, path);
    ck_assert_int_eq(bind(E.nfd, (struct sockaddr *)&sa, sizeof sa), 0);

    E.zctx = zmq_ctx_new();
    E.sub = zmq_socket(E.zctx, ZMQ_SUB);
    int zero = 0, ivl = 10;
    zmq_setsockopt(E.sub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(E.sub, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(E.sub, ZMQ_SUBSCRIBE, "nianjian.v1.", 12);
    ck_assert_int_eq(zmq_connect(E.sub, E.ev), 0);
}

static void
teardown(void)
{
    char cmd[300];
    if (E.pid > 0) {
        kill(E.pid, SIGKILL);
        waitpid(E.pid, NULL, 0);
    }
    zmq_close(E.sub);
    zmq_ctx_term(E.zctx);
    close(E.nfd);
    if (!getenv("NJ_KEEP")) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", E.dir);
        ck_assert_int_eq(system(cmd), 0);
    }
}

/* Waits for a notify datagram containing the line WHAT.  Returns 0 or -1 on timeout. */
static int
wait_notify(const char *what, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    char buf[4096];
    for (;;) {
        int64_t left = end - now_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {E.nfd, POLLIN, 0};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t n = recv(E.nfd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
            if (strcmp(line, what) == 0)
                return 0;
    }
}

static const char *extra_env;    /* NAME=VALUE for the next spawned process */
static void (*child_hook)(void); /* runs in the child just before exec */

static pid_t
spawn(const char *bin, char *const argv[], int notify)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char path[300];
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        snprintf(path, sizeof path, "%s/notify.sock", E.dir);
        if (notify)
            setenv("NOTIFY_SOCKET", path, 1);
        if (extra_env)
            putenv((char *)extra_env);
        int fd = open(E.log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        if (child_hook)
            child_hook();
        execv(bin, argv);
        _exit(127);
    }
    return pid;
}

/* Drops notifications nobody read (a previous daemon's STATUS lines). */
static void
drain_notify(void)
{
    char buf[4096];
    while (recv(E.nfd, buf, sizeof buf, MSG_DONTWAIT) > 0)
        ;
}

static void
start_daemon_bin(const char *bin)
{
    char *argv[] = {(char *)bin, "-f", "-c", E.cfg, NULL};
    drain_notify();
    E.pid = spawn(bin, argv, 1);
    ck_assert_msg(wait_notify("READY=1", 10000) == 0, "nianjiand did not become ready");
}

static void
start_daemon(void)
{
    start_daemon_bin(NIANJIAND);
}

static int
wait_exit(pid_t pid, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    int status;
    while (now_ms() < end) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        nap(5);
    }
    return -1;
}

static void
stop_daemon(void)
{
    ck_assert_int_eq(kill(E.pid, SIGTERM), 0);
    int status = wait_exit(E.pid, 10000);
    ck_assert_msg(status >= 0, "nianjiand did not stop");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    E.pid = 0;
}

/* Journal lines (events) so far. */
static int
journal_count(void)
{
    char path[500];
    size_t len;
    snprintf(path, sizeof path, "%s/events.jsonl", E.state_view);
    char *s = slurp(path, &len);
    int n = 0;
    if (!s)
        return 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    free(s);
    return n;
}

static void
wait_journal(int n, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    int have;
    while ((have = journal_count()) < n && now_ms() < end)
        nap(10);
    ck_assert_msg(have >= n, "expected %d events, journal has %d", n, have);
}

struct event {
    unsigned long long seq;
    char file[256];
    char topic[64];
    char sha[80];
};

/* Parses the journal into EV (at most MAX); returns the count. */
static int
journal_events(struct event *ev, int max)
{
    char path[500];
    size_t len;
    snprintf(path, sizeof path, "%s/events.jsonl", E.state_view);
    char *s = slurp(path, &len);
    int n = 0;
    if (!s)
        return 0;
    for (char *line = s; *line && n < max;) {
        char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        size_t l = (size_t)(nl - line);
        const char *body;
        size_t blen;
        uint64_t seq;
        ck_assert_int_eq(nj_json_get_u64(line, l, "seq", &seq), 0);
        ev[n].seq = seq;
        ck_assert_int_eq(nj_json_get_str(line, l, "topic", ev[n].topic, sizeof ev[n].topic), 0);
        ck_assert_int_eq(nj_json_find(line, l, "event", &body, &blen), 0);
        ck_assert_int_eq(nj_json_get_str(body, blen, "file", ev[n].file, sizeof ev[n].file), 0);
        ck_assert_int_eq(nj_json_get_str(body, blen, "sha256", ev[n].sha, sizeof ev[n].sha), 0);
        uint64_t bseq;
        ck_assert_int_eq(nj_json_get_u64(body, blen, "seq", &bseq), 0);
        ck_assert_uint_eq(bseq, seq);
        n++;
        line = nl + 1;
    }
    free(s);
    return n;
}

/* Receives live messages until one with topic prefix PREFIX arrives; copies its body. */
static int
sub_wait(const char *prefix, char *body, size_t size, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    char topic[128];
    for (;;) {
        int64_t left = end - now_ms();
        if (left <= 0)
            return -1;
        zmq_pollitem_t it = {E.sub, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, (long)left) <= 0)
            continue;
        int n = zmq_recv(E.sub, topic, sizeof topic - 1, 0);
        ck_assert_int_ge(n, 0);
        topic[n] = '\0';
        int m = zmq_recv(E.sub, body, size - 1, 0);
        ck_assert_int_ge(m, 0);
        body[(size_t)m < size - 1 ? (size_t)m : size - 1] = '\0';
        if (strncmp(topic, prefix, strlen(prefix)) == 0)
            return 0;
    }
}

static void
check_result_file(const char *rel, const char *content)
{
    char path[800], sha[65], got[80];
    size_t len;
    snprintf(path, sizeof path, "%s/%s.nianjian.json", E.drop_view, rel);
    char *json = slurp(path, &len);
    ck_assert_msg(json != NULL, "no result for %s", rel);
    nj_sha256_hex(content, strlen(content), sha);
    ck_assert_int_eq(nj_json_get_str(json, len, "sha256", got, sizeof got), 0);
    ck_assert_str_eq(got, sha);
    ck_assert_int_eq(nj_json_get_str(json, len, "schema", got, sizeof got), 0);
    ck_assert_str_eq(got, "nianjian.result/1");
    free(json);
    snprintf(path, sizeof path, "%s/%s.nianjian.txt", E.drop_view, rel);
    char *txt = slurp(path, &len);
    ck_assert_msg(txt != NULL, "no text result for %s", rel);
    ck_assert_int_eq(memcmp(txt, "\xEF\xBB\xBF", 3), 0);
    free(txt);
}

static int
count_matching(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)))
        n += strstr(de->d_name, needle) != NULL;
    closedir(d);
    return n;
}

static const char *REPORT = "2025年度政府信息公开工作年度报告\n一、总体情况\n本机关……\n";

/* ---- tests ---------------------------------------------------------------------------- */

START_TEST(check_config_exit_codes)
{
    char *argv[] = {NIANJIAND, "-n", "-c", E.cfg, NULL};
    pid_t pid = spawn(NIANJIAND, argv, 0);
    int status = wait_exit(pid, 10000);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);

    write_file(E.cfg, "watch:\n  settle_ms: soon\nbogus: 1\n");
    pid = spawn(NIANJIAND, argv, 0);
    status = wait_exit(pid, 10000);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 78);
    char *log = slurp(E.log, NULL);
    char want[400];
    snprintf(want, sizeof want, "%s:2:14: watch.settle_ms: expected an integer", E.cfg);
    ck_assert_msg(strstr(log, want) != NULL, "log:\n%s", log);
    snprintf(want, sizeof want, "%s:3:1: bogus: unknown key", E.cfg);
    ck_assert_msg(strstr(log, want) != NULL, "log:\n%s", log);
    free(log);

    /* Starting on a bad config fails the same way. */
    char *argv2[] = {NIANJIAND, "-c", E.cfg, NULL};
    pid = spawn(NIANJIAND, argv2, 0);
    status = wait_exit(pid, 10000);
    ck_assert_int_eq(WEXITSTATUS(status), 78);
}
END_TEST

START_TEST(plain_copy)
{
    char body[65536], path[300], want[300];
    start_daemon();
    /* A heartbeat proves the subscription is live (no slow-joiner loss below). */
    ck_assert_int_eq(sub_wait("nianjian.v1.heartbeat", body, sizeof body, 5000), 0);
    snprintf(path, sizeof path, "%s/report.txt", E.drop);
    write_file(path, REPORT);
    ck_assert_int_eq(sub_wait("nianjian.v1.report.", body, sizeof body, 5000), 0);
    size_t blen = strlen(body);
    char v[256];
    ck_assert_int_eq(nj_json_get_str(body, blen, "schema", v, sizeof v), 0);
    ck_assert_str_eq(v, "nianjian.event/1");
    ck_assert_int_eq(nj_json_get_str(body, blen, "file", v, sizeof v), 0);
    ck_assert_str_eq(v, "report.txt");
    ck_assert_int_eq(nj_json_get_str(body, blen, "root", v, sizeof v), 0);
    ck_assert_str_eq(v, E.drop);
    ck_assert_int_eq(nj_json_get_str(body, blen, "result", v, sizeof v), 0);
    ck_assert_str_eq(v, "report.txt.nianjian.json");
    uint64_t seq;
    ck_assert_int_eq(nj_json_get_u64(body, blen, "seq", &seq), 0);
    ck_assert_uint_eq(seq, 1);
    check_result_file("report.txt", REPORT);
    ck_assert_int_eq(count_matching(E.drop, ".nianjian.tmp."), 0);
    snprintf(want, sizeof want, "report.txt");
    ck_assert_int_eq(journal_count(), 1);
    stop_daemon();
}
END_TEST

START_TEST(slow_writer)
{
    char path[300];
    start_daemon();
    snprintf(path, sizeof path, "%s/slow.txt", E.drop);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    setvbuf(f, NULL, _IONBF, 0);
    /* Half the report, then a pause of several quiet periods with the file still open. */
    fputs("2025年度政府信息公开", f);
    nap(400);
    ck_assert_int_eq(journal_count(), 0);
    fputs("工作年度报告\n一、总体情况\n本机关……\n", f);
    fclose(f);
    wait_journal(1, 5000);
    nap(300);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 1);
    ck_assert_str_eq(ev[0].file, "slow.txt");
    check_result_file("slow.txt", REPORT);
    stop_daemon();
}
END_TEST

START_TEST(temp_then_rename)
{
    char tmp[300], final[300];
    start_daemon();
    snprintf(tmp, sizeof tmp, "%s/upload.txt.tmp", E.drop);
    snprintf(final, sizeof final, "%s/renamed.txt", E.drop);
    write_file(tmp, REPORT);
    nap(200);
    ck_assert_int_eq(journal_count(), 0); /* *.tmp is excluded */
    ck_assert_int_eq(rename(tmp, final), 0);
    wait_journal(1, 5000);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 1);
    ck_assert_str_eq(ev[0].file, "renamed.txt");
    check_result_file("renamed.txt", REPORT);
    stop_daemon();
}
END_TEST

START_TEST(noise_is_ignored)
{
    const char *noise[] = {"~$report.docx", ".~lock.report.docx#", "report.tmp",
                           ".hidden.txt",   "~WRL0001.tmp",        "notes.pdf"};
    char path[300];
    start_daemon();
    for (size_t i = 0; i < sizeof noise / sizeof noise[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", E.drop, noise[i]);
        write_file(path, "lock");
    }
    snprintf(path, sizeof path, "%s/sentinel.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 5000);
    nap(200);
    struct event ev[8];
    ck_assert_int_eq(journal_events(ev, 8), 1);
    ck_assert_str_eq(ev[0].file, "sentinel.txt");
    ck_assert_int_eq(count_matching(E.drop, ".nianjian."), 2); /* sentinel's json + txt */
    stop_daemon();
}
END_TEST

START_TEST(subfolder_created_later)
{
    char path[300];
    start_daemon();
    snprintf(path, sizeof path, "%s/dept", E.drop);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/dept/inner", E.drop);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    /* Written at once, before the watcher can have armed the new folders. */
    snprintf(path, sizeof path, "%s/dept/inner/r1.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 5000);
    /* And later, through the new watch. */
    snprintf(path, sizeof path, "%s/dept/r2.txt", E.drop);
    write_file(path, "second report\n");
    wait_journal(2, 5000);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 2);
    ck_assert_str_eq(ev[0].file, "dept/inner/r1.txt");
    ck_assert_str_eq(ev[1].file, "dept/r2.txt");
    check_result_file("dept/inner/r1.txt", REPORT);
    stop_daemon();
}
END_TEST

START_TEST(bad_reload_keeps_old_config)
{
    char path[300];
    start_daemon();
    write_file(E.cfg, "watch:\n  settle_ms: [oops\n");
    drain_notify();
    ck_assert_int_eq(kill(E.pid, SIGHUP), 0);
    ck_assert_int_eq(wait_notify("RELOADING=1", 5000), 0);
    ck_assert_int_eq(wait_notify("READY=1", 5000), 0);
    char *log = slurp(E.log, NULL);
    ck_assert_msg(strstr(log, "reload failed") != NULL, "log:\n%s", log);
    ck_assert_msg(strstr(log, "nianjian.yaml:3:1: yaml: ") != NULL, "log:\n%s", log);
    free(log);
    /* Still running on the old config. */
    snprintf(path, sizeof path, "%s/after.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 5000);

    /* A good reload is applied (exclude *.txt now). */
    write_config("  exclude: [\"*.txt\"]\n");
    drain_notify();
    ck_assert_int_eq(kill(E.pid, SIGHUP), 0);
    ck_assert_int_eq(wait_notify("RELOADING=1", 5000), 0);
    ck_assert_int_eq(wait_notify("READY=1", 5000), 0);
    snprintf(path, sizeof path, "%s/ignored-now.txt", E.drop);
    write_file(path, REPORT);
    snprintf(path, sizeof path, "%s/seen.md", E.drop);
    write_file(path, REPORT);
    wait_journal(2, 5000);
    nap(200);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 2);
    ck_assert_str_eq(ev[1].file, "seen.md");
    stop_daemon();
}
END_TEST

START_TEST(clean_sigterm)
{
    char path[300];
    start_daemon();
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "%s/r%02d.txt", E.drop, i);
        write_file(path, REPORT);
    }
    nap(60);
    drain_notify();
    ck_assert_int_eq(kill(E.pid, SIGTERM), 0);
    ck_assert_int_eq(wait_notify("STOPPING=1", 5000), 0);
    int status = wait_exit(E.pid, 10000);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    E.pid = 0;
    /* Nothing half-written: no temporary files, and every result names its content. */
    ck_assert_int_eq(count_matching(E.drop, ".nianjian.tmp."), 0);
    DIR *d = opendir(E.drop);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n > 14 && strcmp(de->d_name + n - 14, ".nianjian.json") == 0) {
            char rel[256];
            snprintf(rel, sizeof rel, "%.*s", (int)(n - 14), de->d_name);
            check_result_file(rel, REPORT);
        }
    }
    closedir(d);
}
END_TEST

START_TEST(catch_up_after_downtime)
{
    char path[300];
    start_daemon();
    snprintf(path, sizeof path, "%s/first.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 5000);
    stop_daemon();

    /* Dropped while the daemon was down. */
    for (int i = 0; i < 3; i++) {
        char content[64];
        snprintf(path, sizeof path, "%s/down%d.txt", E.drop, i);
        snprintf(content, sizeof content, "report %d\n", i);
        write_file(path, content);
    }
    start_daemon();
    wait_journal(4, 5000);
    nap(300);
    stop_daemon();
    /* A third start finds nothing new. */
    start_daemon();
    nap(300);
    stop_daemon();

    struct event ev[16];
    int n = journal_events(ev, 16);
    ck_assert_int_eq(n, 4);
    for (int i = 0; i < n; i++)
        ck_assert_uint_eq(ev[i].seq, (unsigned long long)i + 1);
    ck_assert_str_eq(ev[0].file, "first.txt");
    for (int i = 1; i < n; i++)
        ck_assert_int_eq(strncmp(ev[i].file, "down", 4), 0);
}
END_TEST

START_TEST(events_since_replays)
{
    char path[300], out[300], body[4096];
    start_daemon();
    for (int i = 0; i < 5; i++) {
        char content[64];
        snprintf(path, sizeof path, "%s/e%d.txt", E.drop, i);
        snprintf(content, sizeof content, "event report %d\n", i);
        write_file(path, content);
        wait_journal(i + 1, 5000);
    }
    snprintf(out, sizeof out, "%s/events.out", E.dir);
    char ev_arg[300], rp_arg[300];
    snprintf(ev_arg, sizeof ev_arg, "%s", E.ev);
    snprintf(rp_arg, sizeof rp_arg, "%s", E.rp);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        execl(NIANJIAN, NIANJIAN, "events", "--endpoint", ev_arg, "--replay-endpoint", rp_arg,
              "--since", "3", "--count", "4", "--timeout-ms", "10000", (char *)NULL);
        _exit(127);
    }
    /* Three replayed (3, 4, 5), then one live event (6). */
    ck_assert_int_eq(sub_wait("nianjian.v1.heartbeat", body, sizeof body, 5000), 0);
    nap(300);
    snprintf(path, sizeof path, "%s/live.txt", E.drop);
    write_file(path, "live report\n");
    int status = wait_exit(pid, 15000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "events status %d", status);
    size_t len;
    char *text = slurp(out, &len);
    ck_assert_ptr_nonnull(text);
    unsigned long long want = 3;
    int lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        uint64_t seq;
        ck_assert_int_eq(nj_json_get_u64(line, strlen(line), "seq", &seq), 0);
        ck_assert_uint_eq(seq, want);
        want++;
        lines++;
    }
    ck_assert_int_eq(lines, 4);
    free(text);
    stop_daemon();
}
END_TEST

START_TEST(events_gap_reported)
{
    char path[300], out[300], errf[300], body[4096];
    start_daemon();
    for (int i = 0; i < 3; i++) {
        char content[64];
        snprintf(path, sizeof path, "%s/g%d.txt", E.drop, i);
        snprintf(content, sizeof content, "gap report %d\n", i);
        write_file(path, content);
        wait_journal(i + 1, 5000);
    }
    stop_daemon();
    /* Lose events 2 and 3 from the journal (the counter in state_dir/seq remembers 3). */
    snprintf(path, sizeof path, "%s/events.jsonl", E.state);
    size_t len;
    char *j = slurp(path, &len);
    char *nl = strchr(j, '\n');
    ck_assert_ptr_nonnull(nl);
    nl[1] = '\0';
    write_file(path, j);
    free(j);
    start_daemon();

    snprintf(out, sizeof out, "%s/events.out", E.dir);
    snprintf(errf, sizeof errf, "%s/events.err", E.dir);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fe, 2);
        execl(NIANJIAN, NIANJIAN, "events", "--endpoint", E.ev, "--replay-endpoint", E.rp,
              "--since", "1", "--count", "2", "--timeout-ms", "10000", (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(sub_wait("nianjian.v1.heartbeat", body, sizeof body, 5000), 0);
    snprintf(path, sizeof path, "%s/after-gap.txt", E.drop);
    write_file(path, "after the gap\n");
    int status = wait_exit(pid, 15000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "events status %d", status);
    char *text = slurp(out, &len);
    ck_assert_ptr_nonnull(text);
    uint64_t seqs[4];
    int n = 0;
    for (char *line = strtok(text, "\n"); line && n < 4; line = strtok(NULL, "\n"))
        ck_assert_int_eq(nj_json_get_u64(line, strlen(line), "seq", &seqs[n++]), 0);
    free(text);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(seqs[0], 1);
    ck_assert_uint_eq(seqs[1], 4);
    char *err = slurp(errf, &len);
    ck_assert_msg(strstr(err, "gap: missed seq 2..3") != NULL, "stderr:\n%s", err);
    free(err);
    stop_daemon();
}
END_TEST

START_TEST(unsafe_files)
{
    char path[300], target[300];
    write_config("  max_file_mb: 1\n");
    /* Too large (sparse, never read), hard-linked, symlinked: all found by the start scan. */
    snprintf(path, sizeof path, "%s/big.txt", E.drop);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 2 * 1024 * 1024), 0);
    close(fd);
    snprintf(path, sizeof path, "%s/hard1.txt", E.drop);
    write_file(path, REPORT);
    snprintf(target, sizeof target, "%s/hard2.txt", E.drop);
    ck_assert_int_eq(link(path, target), 0);
    snprintf(path, sizeof path, "%s/link.txt", E.drop);
    ck_assert_int_eq(symlink("/etc/passwd", path), 0);
    snprintf(path, sizeof path, "%s/fifo.txt", E.drop);
    ck_assert_int_eq(mkfifo(path, 0644), 0);
    start_daemon();
    wait_journal(5, 10000);
    nap(300);
    struct event ev[8];
    int n = journal_events(ev, 8);
    ck_assert_int_eq(n, 5); /* big, hard1, hard2, link, fifo (refused, never opened) */
    for (int i = 0; i < n; i++)
        ck_assert_str_eq(ev[i].topic, "nianjian.v1.report.error");
    /* /etc/passwd was not written through the symlink's result name either. */
    snprintf(path, sizeof path, "%s/link.txt.nianjian.json", E.drop);
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    stop_daemon();
}
END_TEST

START_TEST(watchdog)
{
    extra_env = "WATCHDOG_USEC=200000";
    start_daemon();
    ck_assert_int_eq(wait_notify("WATCHDOG=1", 2000), 0);
    ck_assert_int_eq(wait_notify("WATCHDOG=1", 2000), 0);
    extra_env = NULL;
    stop_daemon();
}
END_TEST

/* Sends REQ (LEN bytes) to the replay endpoint; returns the number of events before the
 * end marker, whose body is copied to END. */
static int
replay_request(void *dealer, const char *req, size_t len, char *end, size_t size)
{
    char topic[128];
    int n = 0;
    ck_assert_int_eq(zmq_send(dealer, req, len, 0), (int)len);
    for (;;) {
        zmq_pollitem_t it = {dealer, 0, ZMQ_POLLIN, 0};
        ck_assert_int_eq(zmq_poll(&it, 1, 5000), 1);
        int t = zmq_recv(dealer, topic, sizeof topic - 1, 0);
        ck_assert_int_ge(t, 0);
        topic[t] = '\0';
        int m = zmq_recv(dealer, end, size - 1, 0);
        ck_assert_int_ge(m, 0);
        end[(size_t)m < size - 1 ? (size_t)m : size - 1] = '\0';
        if (strcmp(topic, "nianjian.v1.replay.end") == 0)
            return n;
        n++;
    }
}

START_TEST(replay_protocol)
{
    char path[300], end[65536];
    start_daemon();
    for (int i = 0; i < 3; i++) {
        char content[64];
        snprintf(path, sizeof path, "%s/p%d.txt", E.drop, i);
        snprintf(content, sizeof content, "replay report %d\n", i);
        write_file(path, content);
        wait_journal(i + 1, 5000);
    }
    void *dealer = zmq_socket(E.zctx, ZMQ_DEALER);
    int zero = 0;
    zmq_setsockopt(dealer, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_connect(dealer, E.rp), 0);
    /* Garbage is answered with an error, never a crash. */
    const char *bad[] = {"hello", "SINCE x", "SINCE ", "SINCE -1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(replay_request(dealer, bad[i], strlen(bad[i]), end, sizeof end), 0);
        ck_assert_msg(strstr(end, "\"error\"") != NULL, "%s -> %s", bad[i], end);
    }
    static char big[100000];
    memset(big, 'A', sizeof big);
    ck_assert_int_eq(replay_request(dealer, big, sizeof big, end, sizeof end), 0);
    ck_assert_ptr_nonnull(strstr(end, "\"error\""));
    /* Valid requests. */
    ck_assert_int_eq(replay_request(dealer, "SINCE 2", 7, end, sizeof end), 2);
    ck_assert_str_eq(end, "{\"next\":4,\"last\":3,\"more\":false}");
    ck_assert_int_eq(replay_request(dealer, "SINCE 0", 7, end, sizeof end), 3);
    ck_assert_int_eq(replay_request(dealer, "SINCE 99", 8, end, sizeof end), 0);
    ck_assert_str_eq(end, "{\"next\":99,\"last\":3,\"more\":false}");
    zmq_close(dealer);
    stop_daemon();
}
END_TEST

#define BURST 2000

START_TEST(burst_kill_restart)
{
    char path[300], content[64];
    write_config(NULL);
    start_daemon();
    for (int i = 0; i < BURST; i++) {
        snprintf(path, sizeof path, "%s/b%04d.txt", E.drop, i);
        snprintf(content, sizeof content, "burst report %d\n", i);
        write_file(path, content);
    }
    /* Kill it part way. */
    wait_journal(BURST / 4, 60000);
    ck_assert_int_eq(kill(E.pid, SIGKILL), 0);
    waitpid(E.pid, NULL, 0);
    E.pid = 0;
    int before = journal_count();
    ck_assert_int_lt(before, BURST);

    start_daemon();
    wait_journal(BURST, 90000);
    nap(300);
    stop_daemon();

    static struct event ev[BURST + 100];
    int n = journal_events(ev, BURST + 100);
    ck_assert_int_eq(n, BURST);
    static unsigned char per_file[BURST];
    memset(per_file, 0, sizeof per_file);
    for (int i = 0; i < n; i++) {
        if (i > 0)
            ck_assert_uint_gt(ev[i].seq, ev[i - 1].seq); /* never repeated */
        int k = -1;
        ck_assert_int_eq(sscanf(ev[i].file, "b%d.txt", &k), 1);
        ck_assert(k >= 0 && k < BURST);
        per_file[k]++;
    }
    for (int i = 0; i < BURST; i++) {
        ck_assert_msg(per_file[i] == 1, "file %d has %d events", i, per_file[i]);
        char rel[64];
        snprintf(rel, sizeof rel, "b%04d.txt", i);
        snprintf(content, sizeof content, "burst report %d\n", i);
        check_result_file(rel, content);
    }
    ck_assert_int_eq(count_matching(E.drop, ".nianjian.tmp."), 0);
}
END_TEST

/* ---- hostile folders, faults, crashes, CURVE, valgrind ---------------------------------- */

/* Waits until the daemon's log contains NEEDLE.  Returns 0 or -1 on timeout. */
static int
wait_log(const char *needle, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    for (;;) {
        char *log = slurp(E.log, NULL);
        int found = log && strstr(log, needle) != NULL;
        free(log);
        if (found)
            return 0;
        if (now_ms() >= end)
            return -1;
        nap(20);
    }
}

static int
count_in_log(const char *needle)
{
    char *log = slurp(E.log, NULL);
    int n = 0;
    for (const char *p = log; p && (p = strstr(p, needle)); p++)
        n++;
    free(log);
    return n;
}

/* The "status" of REL's JSON result, or "" when there is none. */
static void
result_status(const char *rel, char *status, size_t size)
{
    char path[800];
    size_t len;
    snprintf(path, sizeof path, "%s/%s.nianjian.json", E.drop_view, rel);
    char *json = slurp(path, &len);
    status[0] = '\0';
    if (json && nj_json_get_str(json, len, "status", status, size) < 0)
        status[0] = '\0';
    free(json);
}

/* The event of REL in EV[0..N), or NULL; fails if there is more than one. */
static const struct event *
event_of(const struct event *ev, int n, const char *rel)
{
    const struct event *found = NULL;
    for (int i = 0; i < n; i++) {
        if (strcmp(ev[i].file, rel) == 0) {
            ck_assert_msg(found == NULL, "%s has more than one event", rel);
            found = &ev[i];
        }
    }
    return found;
}

static int
daemon_alive(void)
{
    return E.pid > 0 && waitpid(E.pid, NULL, WNOHANG) == 0;
}

/* The drop folder is removed (and stays away for a while), then created again: the daemon
 * notices without any periodic rescan (rescan_s: 0), does not spin or flood the log
 * meanwhile, and watches the new folder. */
START_TEST(root_recreated)
{
    char path[300], cmd[700];
    start_daemon();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", E.drop);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(wait_log("cannot open drop folder", 5000), 0);
    char stat_path[64];
    snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int)E.pid);
    char *st0 = slurp(stat_path, NULL);
    nap(4500);
    char *st1 = slurp(stat_path, NULL);
    unsigned long u0 = 0, s0 = 0, u1 = 0, s1 = 0;
    ck_assert_int_eq(sscanf(strrchr(st0, ')') + 2,
                            "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &u0, &s0),
                     2);
    ck_assert_int_eq(sscanf(strrchr(st1, ')') + 2,
                            "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &u1, &s1),
                     2);
    free(st0);
    free(st1);
    /* Missing for 4.5 s: tried every 2 s, logged once, no busy loop (< 0.5 s of CPU). */
    ck_assert_int_eq(count_in_log("cannot open drop folder"), 1);
    ck_assert_msg((u1 + s1) - (u0 + s0) < (unsigned long)sysconf(_SC_CLK_TCK) / 2,
                  "%lu ticks of CPU while the folder was missing", (u1 + s1) - (u0 + s0));
    ck_assert_int_eq(mkdir(E.drop, 0755), 0);
    ck_assert_int_eq(wait_log("drop folders are back", 5000), 0);
    snprintf(path, sizeof path, "%s/again.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 10000);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 1);
    ck_assert_str_eq(ev[0].file, "again.txt");
    check_result_file("again.txt", REPORT);
    /* Removed and created again at once (a new inode at the same path). */
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s'", E.drop, E.drop);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(wait_log("was removed or replaced", 5000), 0);
    nap(100);
    snprintf(path, sizeof path, "%s/third.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(2, 10000);
    stop_daemon();
}
END_TEST

/* Symlinks, hard links, FIFOs, sockets, devices and folders named like reports, all
 * created while the daemon runs: each is refused with an error result and never opened;
 * nothing outside the drop folder is read or written. */
START_TEST(hostile_files)
{
    char path[300], outside[300], target[300];
    const char *secret = "SECRET outside the drop folder\n";
    start_daemon();
    snprintf(outside, sizeof outside, "%s/outside.txt", E.dir);
    write_file(outside, secret);
    snprintf(path, sizeof path, "%s/link.txt", E.drop);
    ck_assert_int_eq(symlink(outside, path), 0);
    snprintf(path, sizeof path, "%s/dangling.txt", E.drop);
    ck_assert_int_eq(symlink("/nonexistent/report.txt", path), 0);
    snprintf(path, sizeof path, "%s/hard.txt", E.drop);
    ck_assert_int_eq(link(outside, path), 0);
    snprintf(path, sizeof path, "%s/fifo.txt", E.drop);
    ck_assert_int_eq(mkfifo(path, 0666), 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(path, sizeof path, "%s/sock.txt", E.drop);
    ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(sfd, 0);
    ck_assert_int_eq(bind(sfd, (struct sockaddr *)&sa, sizeof sa), 0);
    snprintf(path, sizeof path, "%s/dev.txt", E.drop);
    int have_dev = mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0; /* like /dev/null */
    if (!have_dev)
        fprintf(stderr, "hostile_files: mknod not permitted here (%s): device case skipped\n",
                strerror(errno));
    /* A folder named like a report is a folder: no result for it, its report is checked. */
    snprintf(path, sizeof path, "%s/folder.txt", E.drop);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/folder.txt/inner.txt", E.drop);
    write_file(path, REPORT);
    /* Last, an ordinary report: nothing above made the daemon hang. */
    snprintf(path, sizeof path, "%s/normal.txt", E.drop);
    write_file(path, "an ordinary report after the hostile ones\n");

    int want = 7 + have_dev;
    wait_journal(want, 10000);
    nap(300);
    struct event ev[16];
    int n = journal_events(ev, 16);
    ck_assert_int_eq(n, want);
    const char *refused[] = {"link.txt", "dangling.txt", "hard.txt",
                             "fifo.txt", "sock.txt",     "dev.txt"};
    const char *why[] = {"symbolic link", "symbolic link", "hard link", "FIFO", "socket", "device"};
    for (int i = 0; i < 6; i++) {
        if (i == 5 && !have_dev)
            continue;
        const struct event *e = event_of(ev, n, refused[i]);
        ck_assert_msg(e != NULL, "no event for %s", refused[i]);
        ck_assert_str_eq(e->topic, "nianjian.v1.report.error");
        char st[32], rpath[400];
        result_status(refused[i], st, sizeof st);
        ck_assert_str_eq(st, "error");
        snprintf(rpath, sizeof rpath, "%s/%s.nianjian.json", E.drop, refused[i]);
        char *json = slurp(rpath, NULL);
        ck_assert_msg(strstr(json, why[i]) != NULL, "%s: %s", refused[i], json);
        free(json);
        struct stat rs;
        ck_assert_int_eq(lstat(rpath, &rs), 0);
        ck_assert(S_ISREG(rs.st_mode));
    }
    ck_assert_ptr_nonnull(event_of(ev, n, "folder.txt/inner.txt"));
    ck_assert_ptr_nonnull(event_of(ev, n, "normal.txt"));
    ck_assert_ptr_null(event_of(ev, n, "folder.txt"));
    snprintf(path, sizeof path, "%s/folder.txt.nianjian.json", E.drop);
    struct stat st;
    ck_assert_int_lt(lstat(path, &st), 0);
    /* The target outside is untouched, and its content went nowhere. */
    char *o = slurp(outside, NULL);
    ck_assert_str_eq(o, secret);
    free(o);
    snprintf(target, sizeof target, "%s/link.txt.nianjian.json", E.drop);
    char *json = slurp(target, NULL);
    ck_assert_ptr_null(strstr(json, "SECRET"));
    free(json);
    ck_assert(daemon_alive());
    stop_daemon();
    close(sfd);
}
END_TEST

/* A symlink planted at a result name (pointing outside) and a hard link planted at the
 * other one: the results replace the names; the files they point at are untouched. */
START_TEST(result_name_planted)
{
    char path[300], victim[300], victim2[300];
    snprintf(victim, sizeof victim, "%s/victim.conf", E.dir);
    snprintf(victim2, sizeof victim2, "%s/victim2.conf", E.dir);
    write_file(victim, "precious = 1\n");
    write_file(victim2, "precious = 2\n");
    snprintf(path, sizeof path, "%s/r.txt.nianjian.json", E.drop);
    ck_assert_int_eq(symlink(victim, path), 0);
    snprintf(path, sizeof path, "%s/r.txt.nianjian.txt", E.drop);
    ck_assert_int_eq(link(victim2, path), 0);
    start_daemon();
    snprintf(path, sizeof path, "%s/r.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 5000);
    check_result_file("r.txt", REPORT);
    struct stat st;
    snprintf(path, sizeof path, "%s/r.txt.nianjian.json", E.drop);
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_uint_eq(st.st_nlink, 1);
    char *v = slurp(victim, NULL);
    ck_assert_str_eq(v, "precious = 1\n");
    free(v);
    v = slurp(victim2, NULL);
    ck_assert_str_eq(v, "precious = 2\n");
    free(v);
    ck_assert_int_eq(stat(victim2, &st), 0);
    ck_assert_uint_eq(st.st_nlink, 1); /* the planted link was replaced, not written into */
    stop_daemon();
}
END_TEST

/* The file is replaced (new inode, other size) after it settled and was stat'ed, before it
 * is opened (nianjiand-fi pauses there): the daemon notices, lets it settle again and
 * publishes only the new content. */
START_TEST(swapped_file)
{
    char path[300], tmp[300];
    const char *first = "first version\n", *second = "second version, longer than the first\n";
    extra_env = "NJ_FAULT_INJECT=pause_open=swap.txt:1500";
    start_daemon_bin(NIANJIAND_FI);
    extra_env = NULL;
    snprintf(path, sizeof path, "%s/swap.txt", E.drop);
    write_file(path, first);
    ck_assert_msg(wait_log("fault: pausing before open of swap.txt", 5000) == 0, "no pause");
    snprintf(tmp, sizeof tmp, "%s/.swap.new", E.drop);
    write_file(tmp, second);
    ck_assert_int_eq(rename(tmp, path), 0);
    wait_journal(1, 10000);
    nap(500);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 1);
    char sha[65];
    nj_sha256_hex(second, strlen(second), sha);
    ck_assert_str_eq(ev[0].sha, sha);
    check_result_file("swap.txt", second);
    ck_assert_msg(wait_log("swap.txt was replaced or changed between its stat and its open", 100) ==
                      0,
                  "swap not reported");
    stop_daemon();
}
END_TEST

/* A sparse 4 GiB file is refused by its size (max_file_mb, 50 by default) without being
 * read: an error result at once. */
START_TEST(sparse_huge)
{
    char path[300];
    write_config(NULL);
    start_daemon();
    snprintf(path, sizeof path, "%s/huge.txt", E.drop);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)4 << 30), 0);
    int64_t t0 = now_ms();
    close(fd);
    wait_journal(1, 10000);
    int64_t took = now_ms() - t0;
    ck_assert_msg(took < 3000, "took %lld ms", (long long)took);
    struct event ev[2];
    ck_assert_int_eq(journal_events(ev, 2), 1);
    ck_assert_str_eq(ev[0].topic, "nianjian.v1.report.error");
    char st[32];
    result_status("huge.txt", st, sizeof st);
    ck_assert_str_eq(st, "error");
    snprintf(path, sizeof path, "%s/huge.txt.nianjian.json", E.drop);
    char *json = slurp(path, NULL);
    ck_assert_msg(strstr(json, "max_file_mb") != NULL, "%s", json);
    free(json);
    /* Bytes the daemon read in all (config, journal, inotify...): far below 4 GiB. */
    snprintf(path, sizeof path, "/proc/%d/io", (int)E.pid);
    char *io = slurp(path, NULL);
    ck_assert_ptr_nonnull(io);
    char *rchar = strstr(io, "rchar: ");
    ck_assert_ptr_nonnull(rchar);
    long long bytes = atoll(rchar + 7);
    ck_assert_msg(bytes < 64ll << 20, "daemon read %lld bytes", bytes);
    free(io);
    stop_daemon();
}
END_TEST

/* ---- a private mount namespace with small tmpfs folders (disk full) ---------------------- */

static const char *ns_mounts[2];

static void
write_proc(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        _exit(121);
    close(fd);
}

/* In the child: a user + mount namespace (unprivileged), tmpfs of 512 KiB on NS_MOUNTS. */
static void
enter_ns(void)
{
    char map[64];
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
        _exit(120);
    write_proc("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %d 1", (int)uid);
    write_proc("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %d 1", (int)gid);
    write_proc("/proc/self/gid_map", map);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        _exit(122);
    for (int i = 0; i < 2 && ns_mounts[i]; i++)
        if (mount("nj_itest", ns_mounts[i], "tmpfs", 0, "size=512k,mode=0755") < 0)
            _exit(123);
}

/* Non-zero when this machine lets an unprivileged process do what enter_ns does. */
static int
ns_available(void)
{
    char dir[] = "/tmp/nj_ns_probe.XXXXXX";
    if (!mkdtemp(dir))
        return 0;
    ns_mounts[0] = dir;
    ns_mounts[1] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        enter_ns();
        _exit(0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    rmdir(dir);
    ns_mounts[0] = NULL;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Fills the file system of DIR with DIR/.filler until it is full. */
static void
fill_up(const char *dir)
{
    char path[500], block[4096];
    memset(block, 'x', sizeof block);
    snprintf(path, sizeof path, "%s/.filler", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    for (;;) {
        ssize_t w = write(fd, block, sizeof block);
        if (w < 0) {
            ck_assert_int_eq(errno, ENOSPC);
            break;
        }
        if (w < (ssize_t)sizeof block) /* the last partial block */
            continue;
    }
    close(fd);
}

static void
start_in_ns(void)
{
    child_hook = enter_ns;
    start_daemon();
    child_hook = NULL;
    if (ns_mounts[0] && strcmp(ns_mounts[0], E.drop) == 0)
        snprintf(E.drop_view, sizeof E.drop_view, "/proc/%d/root%s", (int)E.pid, E.drop);
    for (int i = 0; i < 2 && ns_mounts[i]; i++)
        if (strcmp(ns_mounts[i], E.state) == 0)
            snprintf(E.state_view, sizeof E.state_view, "/proc/%d/root%s", (int)E.pid, E.state);
}

/* Nothing but the filler and REPORT itself in the drop folder (no result, no temporary). */
static void
assert_only(const char *dir, const char *report)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        ck_assert_msg(!strcmp(nm, ".") || !strcmp(nm, "..") || !strcmp(nm, ".filler") ||
                          !strcmp(nm, report),
                      "unexpected %s while the disk is full", nm);
    }
    closedir(d);
}

/* The drop folder's file system is full when the result is written: no partial file is
 * visible, the write is retried with a back-off (no busy loop), and it succeeds once
 * space returns. */
START_TEST(disk_full_result)
{
    char path[500], tmp[500];
    ns_mounts[0] = E.drop;
    ns_mounts[1] = NULL;
    start_in_ns();
    snprintf(tmp, sizeof tmp, "%s/r.txt.tmp", E.drop_view); /* *.tmp: not a report yet */
    write_file(tmp, REPORT);
    fill_up(E.drop_view);
    snprintf(path, sizeof path, "%s/r.txt", E.drop_view);
    ck_assert_int_eq(rename(tmp, path), 0);
    ck_assert_msg(wait_log("No space left on device", 5000) == 0, "no disk-full error logged");
    /* Tried again after 1 s (then 2 s, 4 s ...), not in a loop; nothing partial meanwhile. */
    int64_t end = now_ms() + 8000;
    while (count_in_log("No space left on device") < 2 && now_ms() < end) {
        assert_only(E.drop_view, "r.txt");
        nap(50);
    }
    ck_assert_int_ge(count_in_log("No space left on device"), 2);
    for (int i = 0; i < 10; i++) {
        assert_only(E.drop_view, "r.txt");
        nap(100);
    }
    int tries = count_in_log("No space left on device");
    ck_assert_msg(tries <= 4, "%d tries", tries);
    ck_assert(daemon_alive());
    ck_assert_int_eq(journal_count(), 0);
    snprintf(path, sizeof path, "%s/.filler", E.drop_view);
    ck_assert_int_eq(unlink(path), 0);
    wait_journal(1, 15000);
    check_result_file("r.txt", REPORT);
    ck_assert_int_eq(count_matching(E.drop_view, ".nianjian.tmp."), 0);
    stop_daemon();
}
END_TEST

/* The state folder is full when the event is journaled: the event is neither journaled
 * in part nor published; it is journaled and published once space returns. */
START_TEST(disk_full_journal)
{
    char path[500], body[65536];
    ck_assert_int_eq(mkdir(E.state, 0750), 0);
    ns_mounts[0] = E.state;
    ns_mounts[1] = NULL;
    start_in_ns();
    ck_assert_int_eq(sub_wait("nianjian.v1.heartbeat", body, sizeof body, 5000), 0);
    fill_up(E.state_view);
    snprintf(path, sizeof path, "%s/j.txt", E.drop);
    write_file(path, REPORT);
    ck_assert_msg(wait_log("cannot append to journal", 5000) == 0, "no journal error logged");
    ck_assert_int_eq(sub_wait("nianjian.v1.report.", body, sizeof body, 1500), -1);
    struct stat st;
    snprintf(path, sizeof path, "%s/events.jsonl", E.state_view);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 0); /* nothing half-written */
    ck_assert(daemon_alive());
    snprintf(path, sizeof path, "%s/.filler", E.state_view);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(sub_wait("nianjian.v1.report.", body, sizeof body, 15000), 0);
    uint64_t seq;
    ck_assert_int_eq(nj_json_get_u64(body, strlen(body), "seq", &seq), 0);
    ck_assert_uint_eq(seq, 1);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 1);
    ck_assert_str_eq(ev[0].file, "j.txt");
    check_result_file("j.txt", REPORT);
    stop_daemon();
}
END_TEST

/* ---- permissions ------------------------------------------------------------------------ */

#define NOBODY 65534

static void
drop_privileges(void)
{
    if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
        _exit(124);
}

/* Whether user nobody can execute the daemon binary (as root the test runs it as nobody;
 * a build below a folder closed to others, such as a mktemp -d clone, cannot). */
static int
nobody_can_run(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        drop_privileges();
        _exit(access(NIANJIAND, X_OK) == 0 ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
chown_tree(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chown -R %d:%d '%s'", NOBODY, NOBODY, path);
    ck_assert_int_eq(system(cmd), 0);
}

/* An unreadable report gets an error result; a folder where results cannot be written is
 * retried with a back-off (no busy loop) and succeeds once it is writable; a folder that
 * cannot be listed is logged.  As root (where permissions do not bite) the daemon runs as
 * nobody. */
START_TEST(permission_denied)
{
    char path[300];
    int root = geteuid() == 0;
    snprintf(path, sizeof path, "%s/secret.txt", E.drop);
    write_file(path, REPORT);
    snprintf(path, sizeof path, "%s/ro", E.drop);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/ro/r.txt", E.drop);
    write_file(path, "read-only folder report\n");
    snprintf(path, sizeof path, "%s/closed", E.drop);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/closed/c.txt", E.drop);
    write_file(path, REPORT);
    if (root) {
        /* Everything belongs to nobody except the three things that must not be usable. */
        chown_tree(E.dir);
        ck_assert_int_eq(chmod(E.dir, 0755), 0);
        char p2[300];
        snprintf(p2, sizeof p2, "%s/secret.txt", E.drop);
        ck_assert_int_eq(chown(p2, 0, 0), 0);
        snprintf(p2, sizeof p2, "%s/ro", E.drop);
        ck_assert_int_eq(chown(p2, 0, 0), 0);
        snprintf(p2, sizeof p2, "%s/closed", E.drop);
        ck_assert_int_eq(chown(p2, 0, 0), 0);
        snprintf(p2, sizeof p2, "%s/notify.sock", E.dir);
        ck_assert_int_eq(chmod(p2, 0777), 0);
        child_hook = drop_privileges;
    }
    snprintf(path, sizeof path, "%s/secret.txt", E.drop);
    ck_assert_int_eq(chmod(path, 0), 0);
    snprintf(path, sizeof path, "%s/ro", E.drop);
    ck_assert_int_eq(chmod(path, 0555), 0);
    snprintf(path, sizeof path, "%s/closed", E.drop);
    ck_assert_int_eq(chmod(path, 0), 0);
    start_daemon();
    child_hook = NULL;

    wait_journal(1, 10000);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 1);
    ck_assert_str_eq(ev[0].file, "secret.txt");
    ck_assert_str_eq(ev[0].topic, "nianjian.v1.report.error");
    snprintf(path, sizeof path, "%s/secret.txt.nianjian.json", E.drop);
    char *json = slurp(path, NULL);
    ck_assert_msg(strstr(json, "Permission denied") != NULL, "%s", json);
    free(json);
    ck_assert_msg(wait_log("ro/r.txt: cannot create temporary file", 5000) == 0,
                  "no write error logged");
    ck_assert_msg(wait_log("closed: Permission denied", 100) == 0, "unlistable folder not logged");
    /* Tried again after 1 s, then 2 s ...: not in a loop. */
    int64_t end = now_ms() + 8000;
    while (count_in_log("ro/r.txt: cannot create temporary file") < 2 && now_ms() < end)
        nap(50);
    nap(1000);
    int tries = count_in_log("ro/r.txt: cannot create temporary file");
    ck_assert_msg(tries >= 2 && tries <= 4, "%d tries", tries);
    ck_assert(daemon_alive());
    /* Made writable: the next try succeeds. */
    snprintf(path, sizeof path, "%s/ro", E.drop);
    if (root)
        ck_assert_int_eq(chown(path, NOBODY, NOBODY), 0);
    ck_assert_int_eq(chmod(path, 0755), 0);
    wait_journal(2, 15000);
    check_result_file("ro/r.txt", "read-only folder report\n");
    stop_daemon();
    snprintf(path, sizeof path, "%s/closed", E.drop);
    chmod(path, 0755);
}
END_TEST

/* The daemon is stopped (SIGSTOP) while more events arrive than the inotify queue holds:
 * it sees IN_Q_OVERFLOW when it continues, rescans, and checks every report. */
START_TEST(inotify_overflow)
{
    char path[300], content[64];
    long maxq = 16384;
    char *q = slurp("/proc/sys/fs/inotify/max_queued_events", NULL);
    if (q) {
        maxq = atol(q);
        free(q);
    }
    ck_assert_msg(maxq > 0 && maxq <= 200000, "max_queued_events %ld: too many to overflow", maxq);
    long noise = maxq / 3 + 2000; /* create + modify + close-write each */
    start_daemon();
    ck_assert_int_eq(kill(E.pid, SIGSTOP), 0);
    for (long i = 0; i < noise; i++) {
        snprintf(path, sizeof path, "%s/n%06ld.pdf", E.drop, i);
        write_file(path, "x");
    }
    for (int i = 0; i < 50; i++) {
        snprintf(path, sizeof path, "%s/o%02d.txt", E.drop, i);
        snprintf(content, sizeof content, "overflow report %d\n", i);
        write_file(path, content);
    }
    ck_assert_int_eq(kill(E.pid, SIGCONT), 0);
    ck_assert_msg(wait_log("inotify queue overflowed", 10000) == 0, "no overflow seen");
    wait_journal(50, 30000);
    nap(300);
    struct event ev[64];
    int n = journal_events(ev, 64);
    ck_assert_int_eq(n, 50);
    for (int i = 0; i < 50; i++) {
        char rel[32];
        snprintf(rel, sizeof rel, "o%02d.txt", i);
        ck_assert_ptr_nonnull(event_of(ev, n, rel));
        snprintf(content, sizeof content, "overflow report %d\n", i);
        check_result_file(rel, content);
    }
    stop_daemon();
}
END_TEST

/* A crash cut the journal's last line: at start the tail is repaired (logged), the lost
 * event is published again, and seq goes on without repeating a journaled one. */
START_TEST(journal_torn_tail)
{
    char path[300], content[64];
    start_daemon();
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/t%d.txt", E.drop, i);
        snprintf(content, sizeof content, "torn report %d\n", i);
        write_file(path, content);
        wait_journal(i + 1, 5000);
    }
    ck_assert_int_eq(kill(E.pid, SIGKILL), 0);
    waitpid(E.pid, NULL, 0);
    E.pid = 0;
    struct event before[4];
    ck_assert_int_eq(journal_events(before, 4), 3);
    snprintf(path, sizeof path, "%s/events.jsonl", E.state);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(truncate(path, st.st_size - 25), 0); /* mid-line */
    start_daemon();
    ck_assert_msg(wait_log("journal: removed a partial last line", 100) == 0, "repair not logged");
    wait_journal(3, 5000);
    nap(300);
    stop_daemon();
    struct event ev[8];
    int n = journal_events(ev, 8);
    ck_assert_int_eq(n, 3);
    ck_assert_uint_eq(ev[0].seq, before[0].seq);
    ck_assert_uint_eq(ev[1].seq, before[1].seq);
    ck_assert_uint_gt(ev[2].seq, ev[1].seq);
    ck_assert_str_eq(ev[2].file, before[2].file); /* the cut event, published again */
    ck_assert_str_eq(ev[2].sha, before[2].sha);
}
END_TEST

/* Temporary names anywhere below DIR. */
static int
count_tmp_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.nianjian.tmp.*' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

#define CRASH_FILES 300
#define CRASH_KILLS 12

/* SIGKILL at CRASH_KILLS random moments while a burst is checked, restarting each time:
 * every report ends with exactly one valid result and exactly one event (its final one),
 * no temporary file is left anywhere, and seq never repeats. */
START_TEST(crash_anywhere)
{
    char path[300], content[64];
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    fprintf(stderr, "crash_anywhere: seed %u\n", seed);
    srand(seed);
    start_daemon();
    for (int i = 0; i < CRASH_FILES; i++) {
        snprintf(path, sizeof path, "%s/c%03d.txt", E.drop, i);
        snprintf(content, sizeof content, "crash report %d\n", i);
        write_file(path, content);
    }
    int progress[CRASH_KILLS];
    for (int k = 0; k < CRASH_KILLS; k++) {
        /* Files found by the start-up scan wait 1 s: kill anywhere in the first 1.6 s. */
        nap(20 + rand() % 1600);
        ck_assert_int_eq(kill(E.pid, SIGKILL), 0);
        waitpid(E.pid, NULL, 0);
        E.pid = 0;
        progress[k] = journal_count();
        start_daemon();
    }
    fprintf(stderr, "crash_anywhere: events journaled at each kill:");
    for (int k = 0; k < CRASH_KILLS; k++)
        fprintf(stderr, " %d", progress[k]);
    fprintf(stderr, "\n");
    wait_journal(CRASH_FILES, 60000);
    nap(500);
    stop_daemon();

    static struct event ev[CRASH_FILES + 50];
    int n = journal_events(ev, CRASH_FILES + 50);
    for (int i = 1; i < n; i++)
        ck_assert_msg(ev[i].seq > ev[i - 1].seq, "seq %llu after %llu", ev[i].seq, ev[i - 1].seq);
    ck_assert_int_eq(n, CRASH_FILES);
    for (int i = 0; i < CRASH_FILES; i++) {
        char rel[32], sha[65];
        snprintf(rel, sizeof rel, "c%03d.txt", i);
        snprintf(content, sizeof content, "crash report %d\n", i);
        check_result_file(rel, content);
        const struct event *e = event_of(ev, n, rel);
        ck_assert_msg(e != NULL, "%s: no event", rel);
        nj_sha256_hex(content, strlen(content), sha);
        ck_assert_str_eq(e->sha, sha);
    }
    ck_assert_int_eq(count_tmp_tree(E.drop), 0);
    ck_assert_int_eq(count_tmp_tree(E.state), 0);
}
END_TEST

/* Temporary files of dead writers are removed at start, also when their pid now belongs
 * to a live process that is not a nianjiand (pids are reused), in state_dir too. */
START_TEST(stale_temp_files)
{
    char path[300];
    pid_t dead = fork();
    ck_assert_int_ge(dead, 0);
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    ck_assert_int_eq(mkdir(E.state, 0750), 0);
    const char *dirs[3] = {E.drop, E.drop, E.state};
    pid_t pids[3] = {dead, getpid(), dead};
    char names[3][300];
    for (int i = 0; i < 3; i++) {
        snprintf(names[i], sizeof names[i], "%s/.r%d.txt.nianjian.json.nianjian.tmp.%ld.0a0b0c0d",
                 dirs[i], i, (long)pids[i]);
        write_file(names[i], "{\"partial\":");
    }
    start_daemon();
    ck_assert_int_eq(wait_log("removed stale temporary file", 5000), 0);
    nap(200);
    for (int i = 0; i < 3; i++) {
        struct stat st;
        ck_assert_msg(lstat(names[i], &st) < 0, "%s is still there", names[i]);
    }
    snprintf(path, sizeof path, "%s/after.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 5000);
    stop_daemon();
}
END_TEST

/* ---- CURVE ------------------------------------------------------------------------------ */

static void
gen_key(const char *base)
{
    char *argv[] = {NIANJIAND, "--gen-key", (char *)base, NULL};
    pid_t pid = spawn(NIANJIAND, argv, 0);
    int status = wait_exit(pid, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "--gen-key %s: %d", base, status);
}

/* `nianjian events` with the given client key; returns its pid (output in OUT). */
static pid_t
events_cli(const char *key, const char *out, int timeout_ms)
{
    char server[300], client[300], tmo[32];
    snprintf(server, sizeof server, "%s/keys/server.pub", E.dir);
    snprintf(client, sizeof client, "%s/keys/%s.key", E.dir, key);
    snprintf(tmo, sizeof tmo, "%d", timeout_ms);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        fd = open(E.log, O_WRONLY | O_APPEND);
        dup2(fd, 2);
        execl(NIANJIAN, NIANJIAN, "events", "--endpoint", E.ev, "--replay-endpoint", E.rp,
              "--server-key", server, "--client-key", client, "--since", "1", "--count", "1",
              "--timeout-ms", tmo, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* A raw CURVE SUB socket with KEY (a .key file); returns it connected. */
static void *
curve_sub(const char *key)
{
    char path[300], pub[41], sec[41], spub[41], err[600];
    snprintf(path, sizeof path, "%s/keys/%s.key", E.dir, key);
    ck_assert_int_eq(nj_curve_read_key_file(path, 1, pub, sec, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/keys/server.pub", E.dir);
    ck_assert_int_eq(nj_curve_read_key_file(path, 0, spub, NULL, err, sizeof err), 0);
    void *s = zmq_socket(E.zctx, ZMQ_SUB);
    int zero = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, spub, 41);
    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 41);
    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 41);
    zmq_setsockopt(s, ZMQ_SUBSCRIBE, "nianjian.v1.", 12);
    ck_assert_int_eq(zmq_connect(s, E.ev), 0);
    return s;
}

static int
sock_wait(void *s, int timeout_ms)
{
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    return zmq_poll(&it, 1, timeout_ms);
}

/* With publish.curve both sockets are CURVE servers: a subscriber with an allowed key
 * receives events (live and replayed); one with another key, or without CURVE, receives
 * nothing, and the refusal is logged. */
START_TEST(curve)
{
    char path[300], yaml[1200], out_ok[300], out_bad[300];
    snprintf(path, sizeof path, "%s/keys", E.dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/clients", E.dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    const char *names[] = {"server", "alice", "mallory"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/keys/%s", E.dir, names[i]);
        gen_key(path);
    }
    /* Only alice is let in. */
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cp '%s/keys/alice.pub' '%s/clients/'", E.dir, E.dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(yaml, sizeof yaml,
             "  curve:\n    secret_key_file: %s/keys/server.key\n"
             "    allowed_clients_dir: %s/clients\n",
             E.dir, E.dir);
    publish_extra = yaml;
    write_config(NULL);
    publish_extra = NULL;
    start_daemon();
    ck_assert_msg(wait_log("CURVE: server public key", 100) == 0, "CURVE not announced");

    void *ok = curve_sub("alice"), *bad = curve_sub("mallory");
    /* alice hears heartbeats; mallory and the plain SUB of setup() hear nothing. */
    ck_assert_int_eq(sock_wait(ok, 5000), 1);
    snprintf(out_ok, sizeof out_ok, "%s/alice.out", E.dir);
    snprintf(out_bad, sizeof out_bad, "%s/mallory.out", E.dir);
    pid_t p_ok = events_cli("alice", out_ok, 15000);
    pid_t p_bad = events_cli("mallory", out_bad, 4000);
    nap(500);
    snprintf(path, sizeof path, "%s/c.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 5000);
    int status = wait_exit(p_ok, 20000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "alice: status %d", status);
    char *text = slurp(out_ok, NULL);
    char file[64];
    ck_assert_int_eq(nj_json_get_str(text, strlen(text), "file", file, sizeof file), 0);
    ck_assert_str_eq(file, "c.txt");
    free(text);
    status = wait_exit(p_bad, 20000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "mallory: status %d", status);
    text = slurp(out_bad, NULL);
    ck_assert_str_eq(text, "");
    free(text);
    ck_assert_int_eq(sock_wait(bad, 200), 0);
    char body[4096];
    ck_assert_int_eq(sub_wait("nianjian.v1.", body, sizeof body, 200), -1);
    char pub[41], sec[41], err[600], want[400];
    snprintf(path, sizeof path, "%s/keys/mallory.key", E.dir);
    ck_assert_int_eq(nj_curve_read_key_file(path, 1, pub, sec, err, sizeof err), 0);
    snprintf(want, sizeof want, "client key %s is not allowed", pub);
    ck_assert_msg(wait_log(want, 100) == 0, "refusal not logged");
    zmq_close(ok);
    zmq_close(bad);

    /* The allow list is reloaded: mallory's key added, mallory hears events. */
    snprintf(cmd, sizeof cmd, "cp '%s/keys/mallory.pub' '%s/clients/'", E.dir, E.dir);
    ck_assert_int_eq(system(cmd), 0);
    drain_notify();
    ck_assert_int_eq(kill(E.pid, SIGHUP), 0);
    ck_assert_int_eq(wait_notify("RELOADING=1", 5000), 0);
    ck_assert_int_eq(wait_notify("READY=1", 5000), 0);
    bad = curve_sub("mallory");
    ck_assert_int_eq(sock_wait(bad, 5000), 1);
    zmq_close(bad);
    stop_daemon();

    /* Without CURVE, an endpoint other machines can reach is refused (exit 78). */
    snprintf(yaml, sizeof yaml,
             "publish:\n  endpoint: tcp://0.0.0.0:5680\n  replay_endpoint: %s\n"
             "watch:\n  paths: [%s]\nstate_dir: %s\n",
             E.rp, E.drop, E.state);
    write_file(E.cfg, yaml);
    char *argv[] = {NIANJIAND, "-n", "-c", E.cfg, NULL};
    pid_t pid = spawn(NIANJIAND, argv, 0);
    status = wait_exit(pid, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 78, "status %d", status);
    snprintf(want, sizeof want, "%s:2:13: publish.endpoint: tcp://0.0.0.0:5680 can be reached",
             E.cfg);
    ck_assert_msg(wait_log(want, 100) == 0, "no locality error");
}
END_TEST

/* ---- valgrind ----------------------------------------------------------------------------- */

#define VG_FILES 300

/* nianjiand under valgrind: a few hundred reports, a reload, SIGTERM; no leak, no error. */
START_TEST(valgrind)
{
    char path[300], content[64], vglog[300], logopt[320];
    for (int i = 0; i < VG_FILES; i++) {
        snprintf(path, sizeof path, "%s/v%03d.txt", E.drop, i);
        snprintf(content, sizeof content, "valgrind report %d\n一、总体情况\n", i);
        write_file(path, content);
    }
    snprintf(vglog, sizeof vglog, "%s/valgrind.log", E.dir);
    snprintf(logopt, sizeof logopt, "--log-file=%s", vglog);
    char *argv[] = {"valgrind",
                    "--leak-check=full",
                    "--show-leak-kinds=definite,indirect,possible",
                    "--errors-for-leak-kinds=definite,indirect,possible",
                    "--error-exitcode=99",
                    logopt,
                    NIANJIAND,
                    "-f",
                    "-c",
                    E.cfg,
                    NULL};
    drain_notify();
    E.pid = spawn(VALGRIND, argv, 1);
    ck_assert_msg(wait_notify("READY=1", 60000) == 0, "not ready under valgrind");
    wait_journal(VG_FILES / 2, 120000);
    drain_notify();
    ck_assert_int_eq(kill(E.pid, SIGHUP), 0);
    ck_assert_int_eq(wait_notify("RELOADING=1", 30000), 0);
    ck_assert_int_eq(wait_notify("READY=1", 30000), 0);
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "%s/after%02d.txt", E.drop, i);
        snprintf(content, sizeof content, "after the reload %d\n", i);
        write_file(path, content);
    }
    wait_journal(VG_FILES + 20, 120000);
    ck_assert_int_eq(kill(E.pid, SIGTERM), 0);
    int status = wait_exit(E.pid, 60000);
    E.pid = 0;
    char *log = slurp(vglog, NULL);
    ck_assert_msg(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "status %d; valgrind log:\n%s", status, log);
    ck_assert_msg(strstr(log, "ERROR SUMMARY: 0 errors") != NULL, "%s", log);
    free(log);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("integration.daemon");
    struct {
        const char *name;
        const TTest *test;
        int timeout;
    } cases[] = {
        {"config", check_config_exit_codes, 30},
        {"plain_copy", plain_copy, 30},
        {"slow_writer", slow_writer, 30},
        {"temp_then_rename", temp_then_rename, 30},
        {"noise_is_ignored", noise_is_ignored, 30},
        {"subfolder_created_later", subfolder_created_later, 30},
        {"bad_reload", bad_reload_keeps_old_config, 30},
        {"clean_sigterm", clean_sigterm, 30},
        {"catch_up_after_downtime", catch_up_after_downtime, 60},
        {"events_since", events_since_replays, 60},
        {"events_gap", events_gap_reported, 60},
        {"unsafe_files", unsafe_files, 30},
        {"replay_protocol", replay_protocol, 30},
        {"watchdog", watchdog, 30},
        {"root_recreated", root_recreated, 30},
        {"burst_kill_restart", burst_kill_restart, 170},
        {"hostile_files", hostile_files, 30},
        {"result_name_planted", result_name_planted, 30},
        {"swapped_file", swapped_file, 30},
        {"sparse_huge", sparse_huge, 30},
        {"disk_full_result", disk_full_result, 60},
        {"disk_full_journal", disk_full_journal, 60},
        {"permission_denied", permission_denied, 60},
        {"inotify_overflow", inotify_overflow, 90},
        {"journal_torn_tail", journal_torn_tail, 30},
        {"crash_anywhere", crash_anywhere, 120},
        {"stale_temp_files", stale_temp_files, 30},
        {"curve", curve, 60},
        {"valgrind", valgrind, 280},
    };
    const char *only = getenv("NJ_ITEST");
    /* Skipped (exit 77, reported by CTest) only when the machine cannot do it at all. */
    if (only && !strncmp(only, "disk_full_", 10) && !ns_available()) {
        printf("SKIP %s: unprivileged user+mount namespaces are not available here\n", only);
        return 77;
    }
    if (only && !strcmp(only, "permission_denied") && geteuid() == 0 && !nobody_can_run()) {
        printf("SKIP permission_denied: user nobody cannot reach %s (a folder on its path is "
               "closed to others; .ci/run opens its clone)\n",
               NIANJIAND);
        return 77;
    }
    if (only && !strcmp(only, "valgrind") && access(VALGRIND, X_OK) != 0) {
        printf("SKIP valgrind: %s is not installed\n", VALGRIND);
        return 77;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (only && strcmp(only, cases[i].name) != 0)
            continue;
        TCase *tc = tcase_create(cases[i].name);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, cases[i].timeout);
        tcase_add_test(tc, cases[i].test);
        suite_add_tcase(s, tc);
    }
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
