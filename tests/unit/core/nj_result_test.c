/* nj_result_test.c - the result JSON, the event body and time formatting. */
#include "nj_testlib.h"

#include <stdlib.h>
#include <string.h>

START_TEST(test_time)
{
    char t[32];
    nj_format_time(0, 0, t);
    ck_assert_str_eq(t, "1970-01-01T00:00:00Z");
    nj_format_time(1767225600, 480, t);
    ck_assert_str_eq(t, "2026-01-01T08:00:00+08:00");
    nj_format_time(951782400, -300, t); /* 2000-02-29T00:00Z */
    ck_assert_str_eq(t, "2000-02-28T19:00:00-05:00");
}
END_TEST

START_TEST(test_result_fields)
{
    const char *text = "这不是年报";
    struct nj_result *res = nj_t_check(text, strlen(text), "a\"b.txt", NJ_LANG_ZH);
    const char *j = nj_result_json(res);
    ck_assert_ptr_nonnull(strstr(j, "\"schema\":\"nianjian.result/1\""));
    ck_assert_ptr_nonnull(strstr(j, "\"file\":\"a\\\"b.txt\""));
    ck_assert_ptr_nonnull(strstr(j, "\"checked_at\":\"2026-01-01T08:00:00+08:00\""));
    ck_assert_ptr_nonnull(strstr(j, "\"input\":{\"type\":\"txt\",\"encoding\":\"UTF-8\""));
    ck_assert_ptr_nonnull(strstr(j, "\"report\":{\"org\":null,\"year\":null"));
    ck_assert_ptr_nonnull(strstr(j, "\"summary\":{\"errors\":"));
    ck_assert_ptr_nonnull(strstr(j, "\"status\":\"fail\""));
    char hex[65];
    nj_sha256_hex(text, strlen(text), hex);
    ck_assert_str_eq(nj_result_sha256(res), hex);
    nj_result_free(res);
}
END_TEST

START_TEST(test_event)
{
    const char *text = "这不是年报";
    struct nj_result *res = nj_t_check(text, strlen(text), "x.txt", NJ_LANG_ZH);
    char *ev = NULL;
    ck_assert_int_eq(nj_event_json(res, "e1", 42, 0, 0, "/srv/drop", "dept/x.txt",
                                   "dept/x.txt.nianjian.json", &ev),
                     0);
    ck_assert_ptr_nonnull(strstr(ev, "\"schema\":\"nianjian.event/1\""));
    ck_assert_ptr_nonnull(strstr(ev, "\"seq\":42"));
    ck_assert_ptr_nonnull(strstr(ev, "\"epoch\":\"e1\""));
    ck_assert_ptr_nonnull(strstr(ev, "\"file\":\"dept/x.txt\""));
    ck_assert_ptr_nonnull(strstr(ev, "\"result\":\"dept/x.txt.nianjian.json\""));
    char id1[33], id2[33];
    nj_event_id(res, "dept/x.txt", id1);
    nj_event_id(res, "dept/x.txt", id2);
    ck_assert_str_eq(id1, id2);
    ck_assert_ptr_nonnull(strstr(ev, id1));
    nj_event_id(res, "dept/y.txt", id2);
    ck_assert_str_ne(id1, id2);
    free(ev);
    nj_result_free(res);
}
END_TEST

START_TEST(test_unreadable)
{
    struct nj_options o;
    memset(&o, 0, sizeof(o));
    o.file_name = "big.txt";
    struct nj_result *res;
    ck_assert_int_eq(nj_result_unreadable("too large", 999, NULL, &o, &res), 0);
    ck_assert_int_eq(nj_result_status(res), NJ_STATUS_ERROR);
    ck_assert_int_eq(nj_t_count(res, "DOC.UNREADABLE", NULL, NULL), 1);
    ck_assert_ptr_nonnull(strstr(nj_result_json(res), "\"size\":999"));
    nj_result_free(res);
    /* The size limit is enforced by nj_check too. */
    o.max_bytes = 4;
    ck_assert_int_eq(nj_check((const unsigned char *)"12345", 5, &o, &res), 0);
    ck_assert_int_eq(nj_result_status(res), NJ_STATUS_ERROR);
    nj_result_free(res);
}
END_TEST

/* Text with K copies of CTL spread among 1000 ideographs: the binary-data test counts
 * control characters per mille of code points and refuses above 20. */
static int
binary_refused(const char *ctl, int k)
{
    size_t cl = strlen(ctl), cap = 3000 + (size_t)k * cl + 1, o = 0;
    char *t = malloc(cap);
    for (int i = 0; i < 1000; i++) {
        memcpy(t + o, "公", 3);
        o += 3;
        if (k > 0 && i % (1000 / k) == 7 && i / (1000 / k) < k) {
            memcpy(t + o, ctl, cl);
            o += cl;
        }
    }
    struct nj_result *res = nj_t_check(t, o, "t.txt", NJ_LANG_EN);
    int refused = strstr(nj_result_json(res), "binary data") != NULL;
    nj_result_free(res);
    free(t);
    return refused;
}

START_TEST(test_binary_threshold)
{
    /* 21 in 1021 code points is 20 per mille (kept), 22 in 1022 is 21 (refused). */
    static const char *const counted[] = {
        "\x01", "\x7f", "\xc2\x85", "\xee\x80\x80", "\xef\xa3\xbf", "\xef\xbf\xbd", NULL};
    for (int i = 0; counted[i]; i++) {
        ck_assert_msg(!binary_refused(counted[i], 21), "kind %d refused at 21", i);
        ck_assert_msg(binary_refused(counted[i], 22), "kind %d not refused at 22", i);
    }
    /* Tab, form feed, C2 A0 (NBSP), EF BC 8C (full-width comma) and EF A4 80 (U+F900, a
     * compatibility ideograph) are not control characters. */
    static const char *const fine[] = {"\t",           "\f",           "\xc2\xa0",
                                       "\xef\xbc\x8c", "\xef\xa4\x80", NULL};
    for (int i = 0; fine[i]; i++)
        ck_assert_msg(!binary_refused(fine[i], 100), "kind %d refused", i);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nj_result");
    TCase *tc = tcase_create("result");
    tcase_add_test(tc, test_time);
    tcase_add_test(tc, test_result_fields);
    tcase_add_test(tc, test_event);
    tcase_add_test(tc, test_unreadable);
    tcase_add_test(tc, test_binary_threshold);
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
