/*
 * nj_paths_test.c - tests of daemon/shell/nj_paths.c (which names are reports) and of the
 * small JSON reader in nj_json.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nj_json.h"
#include "nj_paths.h"

static char *inc[] = {"*.txt", "*.md", "*.html", "*.htm", "*.docx"};
static char *exc[] = {"~$*", ".~lock.*", "*.tmp", ".*"};

static int
wanted(const char *name)
{
    return nj_path_wanted(name, inc, 5, exc, 4);
}

START_TEST(reports_are_wanted)
{
    ck_assert(wanted("report.txt"));
    ck_assert(wanted("2025年度报告.docx"));
    ck_assert(wanted("REPORT.DOCX")); /* Windows users shout */
    ck_assert(wanted("a.b.md"));
    ck_assert(wanted("index.htm"));
}
END_TEST

START_TEST(office_noise_is_ignored)
{
    ck_assert(!wanted("~$report.docx"));
    ck_assert(!wanted(".~lock.report.docx#"));
    ck_assert(!wanted("~WRL0001.tmp"));
    ck_assert(!wanted("report.txt.tmp"));
    ck_assert(!wanted(".hidden.txt"));
    ck_assert(!wanted("report.pdf"));
    ck_assert(!wanted("report"));
    ck_assert(!wanted(""));
}
END_TEST

START_TEST(own_files_are_never_reports)
{
    char *all[] = {"*"};
    ck_assert(nj_path_is_ours("a.txt.nianjian.json"));
    ck_assert(nj_path_is_ours("a.txt.nianjian.txt"));
    ck_assert(nj_path_is_ours("a.txt.nianjian.html"));
    ck_assert(nj_path_is_ours(".a.txt.nianjian.json.nianjian.tmp.123.abcd"));
    ck_assert(!nj_path_is_ours("a.txt"));
    /* Even with include "*" and no excludes. */
    ck_assert(!nj_path_wanted("a.txt.nianjian.txt", all, 1, NULL, 0));
    ck_assert(!nj_path_wanted(".a.nianjian.tmp.1.ab", all, 1, NULL, 0));
    ck_assert(!nj_path_wanted(".profile", all, 1, NULL, 0));
    ck_assert(nj_path_wanted("x.pdf", all, 1, NULL, 0));
}
END_TEST

START_TEST(tmp_pid)
{
    ck_assert_int_eq(nj_path_tmp_pid(".a.txt.nianjian.json.nianjian.tmp.4242.0a1b2c3d"), 4242);
    ck_assert_int_eq(nj_path_tmp_pid("a.txt.nianjian.tmp.4242.0a"), -1);
    ck_assert_int_eq(nj_path_tmp_pid(".a.nianjian.tmp.x.0a"), -1);
    ck_assert_int_eq(nj_path_tmp_pid(".a.nianjian.tmp.12"), -1);
}
END_TEST

START_TEST(join)
{
    char out[16];
    ck_assert_int_eq(nj_path_join(out, sizeof out, "", "a.txt"), 0);
    ck_assert_str_eq(out, "a.txt");
    ck_assert_int_eq(nj_path_join(out, sizeof out, "d/e", "a.txt"), 0);
    ck_assert_str_eq(out, "d/e/a.txt");
    ck_assert_int_eq(nj_path_join(out, sizeof out, "long/folder/name", "a.txt"), -1);
}
END_TEST

START_TEST(json_fields)
{
    const char *j = "{\"a\":{\"sha256\":\"no\"},\"list\":[1,\"]\"],\"sha256\":\"abc\\\"d\","
                    "\"seq\":123,\"u\":\"\\u5e74\\ud83d\\ude00\"}";
    char out[64];
    uint64_t v;
    ck_assert_int_eq(nj_json_get_str(j, strlen(j), "sha256", out, sizeof out), 0);
    ck_assert_str_eq(out, "abc\"d");
    ck_assert_int_eq(nj_json_get_u64(j, strlen(j), "seq", &v), 0);
    ck_assert_uint_eq(v, 123);
    ck_assert_int_eq(nj_json_get_str(j, strlen(j), "u", out, sizeof out), 0);
    ck_assert_str_eq(out, "年\xf0\x9f\x98\x80");
    ck_assert_int_lt(nj_json_get_str(j, strlen(j), "missing", out, sizeof out), 0);
    ck_assert_int_lt(nj_json_get_u64(j, strlen(j), "sha256", &v), 0);
    /* Truncated and hostile inputs. */
    ck_assert_int_lt(nj_json_get_str(j, 20, "sha256", out, sizeof out), 0);
    ck_assert_int_lt(nj_json_get_str("[1]", 3, "a", out, sizeof out), 0);
    ck_assert_int_lt(nj_json_get_str("{\"a\":\"\\", 7, "a", out, sizeof out), 0);
    char q[32];
    nj_json_quote(q, sizeof q, "a\"b\n");
    ck_assert_str_eq(q, "\"a\\\"b\\u000a\"");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("shell.paths");
    TCase *tc = tcase_create("paths");
    tcase_add_test(tc, reports_are_wanted);
    tcase_add_test(tc, office_noise_is_ignored);
    tcase_add_test(tc, own_files_are_never_reports);
    tcase_add_test(tc, tmp_pid);
    tcase_add_test(tc, join);
    tcase_add_test(tc, json_fields);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
