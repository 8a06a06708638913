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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "nj_core.h"
#include "nj_json.h"

struct env {
    char dir[128];
    char drop[256], state[256], cfg[256], log[256];
    char ev[300], rp[300];
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

/* WATCH_EXTRA: more lines for the watch: block (indented by two spaces). */
static void
write_config(const char *watch_extra)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "watch:\n  paths: [%s]\n  settle_ms: 50\n  rescan_s: 0\n%s"
             "publish:\n  endpoint: %s\n  replay_endpoint: %s\n  heartbeat_s: 1\n"
             "state_dir: %s\nworkers: 2\nlog:\n  level: debug\n",
             E.drop, watch_extra ? watch_extra : "", E.ev, E.rp, E.state);
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

static const char *extra_env; /* NAME=VALUE for the next spawned process */

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
        execv(bin, argv);
        _exit(127);
    }
    return pid;
}

static void
start_daemon(void)
{
    char *argv[] = {NIANJIAND, "-f", "-c", E.cfg, NULL};
    E.pid = spawn(NIANJIAND, argv, 1);
    ck_assert_msg(wait_notify("READY=1", 10000) == 0, "nianjiand did not become ready");
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
    char path[300];
    size_t len;
    snprintf(path, sizeof path, "%s/events.jsonl", E.state);
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
    char path[300];
    size_t len;
    snprintf(path, sizeof path, "%s/events.jsonl", E.state);
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
    char path[600], sha[65], got[80];
    size_t len;
    snprintf(path, sizeof path, "%s/%s.nianjian.json", E.drop, rel);
    char *json = slurp(path, &len);
    ck_assert_msg(json != NULL, "no result for %s", rel);
    nj_sha256_hex(content, strlen(content), sha);
    ck_assert_int_eq(nj_json_get_str(json, len, "sha256", got, sizeof got), 0);
    ck_assert_str_eq(got, sha);
    ck_assert_int_eq(nj_json_get_str(json, len, "schema", got, sizeof got), 0);
    ck_assert_str_eq(got, "nianjian.result/1");
    free(json);
    snprintf(path, sizeof path, "%s/%s.nianjian.txt", E.drop, rel);
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
    wait_journal(4, 10000);
    nap(300);
    struct event ev[8];
    int n = journal_events(ev, 8);
    ck_assert_int_eq(n, 4);
    for (int i = 0; i < n; i++) {
        ck_assert_str_eq(ev[i].topic, "nianjian.v1.report.error");
        ck_assert_msg(strcmp(ev[i].file, "fifo.txt") != 0, "fifo checked");
    }
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

START_TEST(root_recreated)
{
    char path[300], cmd[700];
    write_config("  rescan_s: 1\n");
    /* rescan_s appears twice now: drop the default line. */
    size_t len;
    char *yaml = slurp(E.cfg, &len);
    char *dup = strstr(yaml, "  rescan_s: 0\n");
    ck_assert_ptr_nonnull(dup);
    memmove(dup, dup + 14, strlen(dup + 14) + 1);
    write_file(E.cfg, yaml);
    free(yaml);
    start_daemon();
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s'", E.drop, E.drop);
    ck_assert_int_eq(system(cmd), 0);
    nap(100);
    snprintf(path, sizeof path, "%s/again.txt", E.drop);
    write_file(path, REPORT);
    wait_journal(1, 10000);
    struct event ev[4];
    ck_assert_int_eq(journal_events(ev, 4), 1);
    ck_assert_str_eq(ev[0].file, "again.txt");
    check_result_file("again.txt", REPORT);
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
    };
    const char *only = getenv("NJ_ITEST");
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
