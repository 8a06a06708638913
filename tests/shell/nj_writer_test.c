/*
 * nj_writer_test.c - tests of daemon/shell/nj_writer.c: both formats, BOM and CRLF, no
 * temporary files left, never writing through a planted symlink.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nj_core.h"
#include "nj_paths.h"
#include "nj_writer.h"

static char dir[256];

static void
setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/nj_writer_test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static struct nj_result *
make_result(void)
{
    struct nj_options opt;
    struct nj_result *res = NULL;
    memset(&opt, 0, sizeof opt);
    opt.file_name = "r.txt";
    opt.now = 1767225600;
    ck_assert_int_eq(nj_result_unreadable("test reason", 3, NULL, &opt, &res), 0);
    return res;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static int
count_tmp(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)))
        n += strstr(de->d_name, NJ_TMP_MARK) != NULL;
    closedir(d);
    return n;
}

START_TEST(writes_both_formats)
{
    char report[300], path[400], err[256];
    size_t len;
    struct nj_result *res = make_result();
    snprintf(report, sizeof report, "%s/r.txt", dir);
    ck_assert_int_eq(nj_writer_write(report, res, NJ_FMT_JSON | NJ_FMT_TXT, err, sizeof err), 0);

    snprintf(path, sizeof path, "%s.nianjian.json", report);
    char *json = slurp(path, &len);
    ck_assert_int_eq(strncmp(json, nj_result_json(res), strlen(nj_result_json(res))), 0);
    ck_assert_int_eq(json[len - 1], '\n');
    free(json);

    snprintf(path, sizeof path, "%s.nianjian.txt", report);
    char *txt = slurp(path, &len);
    ck_assert_int_eq(memcmp(txt, "\xEF\xBB\xBF", 3), 0);
    ck_assert_int_eq(txt[len - 2], '\r');
    ck_assert_int_eq(txt[len - 1], '\n');
    for (size_t i = 1; i < len; i++)
        if (txt[i] == '\n')
            ck_assert_int_eq(txt[i - 1], '\r');
    free(txt);
    ck_assert_int_eq(count_tmp(), 0);

    /* json only. */
    snprintf(report, sizeof report, "%s/only.txt", dir);
    ck_assert_int_eq(nj_writer_write(report, res, NJ_FMT_JSON, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s.nianjian.txt", report);
    ck_assert_int_ne(access(path, F_OK), 0);
    nj_result_free(res);
}
END_TEST

START_TEST(never_through_symlink)
{
    char report[300], link[400], target[400], err[256];
    struct stat st;
    struct nj_result *res = make_result();
    snprintf(report, sizeof report, "%s/r.txt", dir);
    snprintf(target, sizeof target, "%s/outside", dir);
    snprintf(link, sizeof link, "%s.nianjian.json", report);
    FILE *f = fopen(target, "w");
    fputs("precious", f);
    fclose(f);
    ck_assert_int_eq(symlink(target, link), 0);

    ck_assert_int_eq(nj_writer_write(report, res, NJ_FMT_JSON, err, sizeof err), 0);
    /* The link itself was replaced; its target is untouched. */
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_int_eq(st.st_size, 8);
    nj_result_free(res);
}
END_TEST

START_TEST(unwritable_folder_reports_error)
{
    char report[400], err[256] = "";
    struct nj_result *res = make_result();
    if (geteuid() == 0) {
        /* root ignores permissions: use a missing folder instead. */
        snprintf(report, sizeof report, "%s/missing/r.txt", dir);
    } else {
        char sub[300];
        snprintf(sub, sizeof sub, "%s/ro", dir);
        mkdir(sub, 0555);
        snprintf(report, sizeof report, "%.300s/r.txt", sub);
    }
    ck_assert_int_lt(nj_writer_write(report, res, NJ_FMT_JSON | NJ_FMT_TXT, err, sizeof err), 0);
    ck_assert_int_gt(strlen(err), 0);
    ck_assert_int_eq(count_tmp(), 0);
    nj_result_free(res);
}
END_TEST

START_TEST(atomic_state_file)
{
    char err[256], path[300];
    size_t len;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    ck_assert_int_eq(nj_writer_atomic_at(dfd, "seq", "41\n", 3, err, sizeof err), 0);
    ck_assert_int_eq(nj_writer_atomic_at(dfd, "seq", "42\n", 3, err, sizeof err), 0);
    close(dfd);
    snprintf(path, sizeof path, "%s/seq", dir);
    char *s = slurp(path, &len);
    ck_assert_str_eq(s, "42\n");
    free(s);
    ck_assert_int_eq(count_tmp(), 0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("shell.writer");
    TCase *tc = tcase_create("writer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, writes_both_formats);
    tcase_add_test(tc, never_through_symlink);
    tcase_add_test(tc, unwritable_folder_reports_error);
    tcase_add_test(tc, atomic_state_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
