/*
 * nj_journal_test.c - tests of daemon/shell/nj_journal.c: append, replay since a seq,
 * repair of a torn tail, seq continuation across reopen, the published-report memory.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nj_journal.h"

static char dir[256];

static void
setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/nj_journal_test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static struct nj_journal *
open_j(void)
{
    struct nj_journal *j = NULL;
    char err[256] = "";
    ck_assert_msg(nj_journal_open(dir, &j, err, sizeof err) == 0, "%s", err);
    return j;
}

static void
append_n(struct nj_journal *j, int n)
{
    for (int i = 0; i < n; i++) {
        char body[200], key[200];
        uint64_t seq = nj_journal_next_seq(j);
        snprintf(body, sizeof body,
                 "{\"schema\":\"nianjian.event/1\",\"seq\":%llu,\"root\":\"/r\",\"file\":\"f%llu\","
                 "\"sha256\":\"s%llu\"}",
                 (unsigned long long)seq, (unsigned long long)seq, (unsigned long long)seq);
        snprintf(key, sizeof key, "x");
        nj_journal_key(key, sizeof key, "/r", "unused", "unused");
        ck_assert_int_eq(nj_journal_append(j, "nianjian.v1.report.pass", body, NULL), 0);
    }
    ck_assert_int_eq(nj_journal_sync(j), 0);
}

struct collect {
    uint64_t seqs[100];
    int n;
};

static int
collect_cb(void *arg, uint64_t seq, const char *topic, const char *body, size_t len)
{
    struct collect *c = arg;
    ck_assert_str_eq(topic, "nianjian.v1.report.pass");
    ck_assert_uint_eq(strlen(body), len);
    ck_assert_int_eq(body[0], '{');
    ck_assert_int_eq(body[len - 1], '}');
    c->seqs[c->n++] = seq;
    return 0;
}

START_TEST(append_and_replay)
{
    struct nj_journal *j = open_j();
    ck_assert_uint_eq(nj_journal_next_seq(j), 1);
    ck_assert_uint_eq(nj_journal_last_seq(j), 0);
    append_n(j, 10);
    ck_assert_uint_eq(nj_journal_last_seq(j), 10);

    struct collect c = {.n = 0};
    uint64_t next;
    ck_assert_int_eq(nj_journal_replay(j, 4, 100, collect_cb, &c, &next), 7);
    ck_assert_int_eq(c.n, 7);
    ck_assert_uint_eq(c.seqs[0], 4);
    ck_assert_uint_eq(c.seqs[6], 10);
    ck_assert_uint_eq(next, 11);

    /* Batches. */
    c.n = 0;
    ck_assert_int_eq(nj_journal_replay(j, 0, 3, collect_cb, &c, &next), 3);
    ck_assert_uint_eq(c.seqs[0], 1);
    ck_assert_uint_eq(next, 4);

    /* Nothing after the end. */
    c.n = 0;
    ck_assert_int_eq(nj_journal_replay(j, 11, 100, collect_cb, &c, &next), 0);
    ck_assert_uint_eq(next, 11);
    nj_journal_close(j);
}
END_TEST

START_TEST(seq_continues_after_reopen)
{
    struct nj_journal *j = open_j();
    append_n(j, 5);
    nj_journal_close(j);
    j = open_j();
    ck_assert_uint_eq(nj_journal_next_seq(j), 6);
    append_n(j, 1);
    ck_assert_uint_eq(nj_journal_last_seq(j), 6);
    nj_journal_close(j);

    /* The seq file wins when it is ahead (e.g. the journal was rotated away). */
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, NJ_JOURNAL_FILE);
    ck_assert_int_eq(unlink(path), 0);
    j = open_j();
    ck_assert_uint_eq(nj_journal_next_seq(j), 7);
    nj_journal_close(j);
}
END_TEST

START_TEST(torn_tail_is_repaired)
{
    struct nj_journal *j = open_j();
    append_n(j, 3);
    nj_journal_close(j);

    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, NJ_JOURNAL_FILE);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    off_t good = st.st_size;
    /* A crash in the middle of the fourth line. */
    int fd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_ge(fd, 0);
    const char *half = "{\"seq\":4,\"topic\":\"nianjian.v1.rep";
    ck_assert_int_eq(write(fd, half, strlen(half)), (ssize_t)strlen(half));
    close(fd);
    /* Remove the seq file so only the journal counts. */
    snprintf(path, sizeof path, "%s/%s", dir, NJ_SEQ_FILE);
    unlink(path);

    j = open_j();
    snprintf(path, sizeof path, "%s/%s", dir, NJ_JOURNAL_FILE);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, good);
    ck_assert_uint_eq(nj_journal_next_seq(j), 4);
    append_n(j, 1);
    struct collect c = {.n = 0};
    uint64_t next;
    ck_assert_int_eq(nj_journal_replay(j, 1, 100, collect_cb, &c, &next), 4);
    ck_assert_uint_eq(c.seqs[3], 4);
    nj_journal_close(j);
}
END_TEST

START_TEST(garbage_lines_are_skipped)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, NJ_JOURNAL_FILE);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not json\n{\"seq\":2,\"topic\":\"nianjian.v1.report.pass\",\"event\":{\"a\":1}}\n"
          "{\"seq\":1,\"topic\":\"t\",\"event\":{}}\n\n",
          f);
    fclose(f);
    struct nj_journal *j = open_j();
    ck_assert_uint_eq(nj_journal_next_seq(j), 3);
    nj_journal_close(j);
}
END_TEST

START_TEST(seen_reports)
{
    char key[8400];
    struct nj_journal *j = open_j();
    append_n(j, 2); /* bodies name /r f1 s1 and /r f2 s2 */
    nj_journal_key(key, sizeof key, "/r", "new.txt", "abc");
    ck_assert_int_eq(nj_journal_seen(j, key), 0);
    ck_assert_int_eq(nj_journal_append(j, "nianjian.v1.report.pass", "{\"x\":1}", key), 0);
    ck_assert_int_eq(nj_journal_seen(j, key), 1);
    nj_journal_close(j);
    /* Rebuilt from the journal's events at open. */
    j = open_j();
    nj_journal_key(key, sizeof key, "/r", "f2", "s2");
    ck_assert_int_eq(nj_journal_seen(j, key), 1);
    nj_journal_key(key, sizeof key, "/r", "f2", "s1");
    ck_assert_int_eq(nj_journal_seen(j, key), 0);
    nj_journal_close(j);
}
END_TEST

START_TEST(second_daemon_is_refused)
{
    struct nj_journal *j = open_j(), *j2 = NULL;
    char err[256];
    ck_assert_int_lt(nj_journal_open(dir, &j2, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "in use"));
    nj_journal_close(j);
}
END_TEST

START_TEST(parse_line)
{
    uint64_t seq;
    char topic[64];
    const char *body;
    size_t len;
    const char *line = "{\"seq\":42,\"topic\":\"a.b\",\"event\":{\"k\":\"}\"}}";
    ck_assert_int_eq(
        nj_journal_parse_line(line, strlen(line), &seq, topic, sizeof topic, &body, &len), 0);
    ck_assert_uint_eq(seq, 42);
    ck_assert_str_eq(topic, "a.b");
    ck_assert_uint_eq(len, strlen("{\"k\":\"}\"}"));
    ck_assert_int_lt(nj_journal_parse_line("{\"seq\":", 7, &seq, topic, sizeof topic, &body, &len),
                     0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("shell.journal");
    TCase *tc = tcase_create("journal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, append_and_replay);
    tcase_add_test(tc, seq_continues_after_reopen);
    tcase_add_test(tc, torn_tail_is_repaired);
    tcase_add_test(tc, garbage_lines_are_skipped);
    tcase_add_test(tc, seen_reports);
    tcase_add_test(tc, second_daemon_is_refused);
    tcase_add_test(tc, parse_line);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
