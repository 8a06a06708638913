/* nj_utf8_test.c - key forms and reading numbers (report-format.md §8.3). */
#include "nj_testlib.h"
#include "nj_utf8.h"

#include <string.h>

START_TEST(test_keyform)
{
    char k[128];
    nj_keyform("（一） 予以公开", strlen("（一） 予以公开"), k, sizeof(k));
    ck_assert_str_eq(k, "(一)予以公开");
    nj_keyform("３.危及“三安全一稳定”", strlen("３.危及“三安全一稳定”"), k, sizeof(k));
    ck_assert_str_eq(k, "3.危及三安全一稳定");
    nj_keyform("2025\xe3\x80\x80年", strlen("2025\xe3\x80\x80年"), k, sizeof(k));
    ck_assert_str_eq(k, "2025年");
}
END_TEST

START_TEST(test_numbers)
{
    struct nj_num n;
    nj_num_parse("１２", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_INT);
    ck_assert_int_eq(n.ival, 12);
    nj_num_parse(" 1,234 ", &n);
    ck_assert_int_eq(n.ival, 1234);
    nj_num_parse("3 119", &n);
    ck_assert_int_eq(n.ival, 3119);
    nj_num_parse("—", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_PLACEHOLDER);
    nj_num_parse("／", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_PLACEHOLDER);
    nj_num_parse("无", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_PLACEHOLDER);
    nj_num_parse("", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_EMPTY);
    nj_num_parse("-3", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_INT);
    ck_assert_int_eq(n.negative, 1);
    nj_num_parse("0.00", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_INT);
    nj_num_parse("0.038", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_DECIMAL);
    ck_assert(n.dval > 0.037 && n.dval < 0.039);
    nj_num_parse("5件", &n);
    ck_assert_int_eq(n.ival, 5);
    ck_assert_str_eq(n.unit, "件");
    nj_num_parse("251000元", &n);
    ck_assert_str_eq(n.unit, "元");
    nj_num_parse("22（其中修订 16 件）", &n);
    ck_assert_int_eq(n.ival, 22);
    ck_assert_int_eq(n.annotated, 1);
    nj_num_parse("若干", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_TEXT);
    nj_num_parse("12a", &n);
    ck_assert_int_eq(n.kind, NJ_NUM_TEXT);
}
END_TEST

START_TEST(test_decode_cp)
{
    const char *s = "年\xff";
    const char *p = s, *end = s + strlen(s);
    ck_assert_uint_eq(nj_u8_next(&p, end), 0x5E74);
    ck_assert_uint_eq(nj_u8_next(&p, end), 0xFFFD);
    ck_assert_ptr_eq(p, end);
    ck_assert_uint_eq(nj_u8_count("年度ab", strlen("年度ab")), 4);
}
END_TEST

/* nj_memfind and nj_find_rare agree with a plain search on random text over a small
 * alphabet (many partial matches), for every needle length and position. */
static const char *
naive_find(const char *h, size_t hn, const char *nd, size_t n)
{
    for (size_t i = 0; i + n <= hn; i++)
        if (memcmp(h + i, nd, n) == 0)
            return h + i;
    return n == 0 ? h : NULL;
}

START_TEST(test_memfind)
{
    char h[300], nd[12];
    unsigned x = 7;
    for (int round = 0; round < 3000; round++) {
        size_t hn = (size_t)(round % 97) * 3 % 300, n = (size_t)(round % 11) + 1;
        for (size_t i = 0; i < hn; i++) {
            x = x * 1103515245u + 12345u;
            h[i] = "ab\xe3\x80\x81"[(x >> 16) % 5];
        }
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            nd[i] = "ab\xe3\x80\x81"[(x >> 16) % 5];
        }
        if (hn >= n && round % 3 == 0) /* plant it sometimes, at a random place */
            memcpy(h + (x >> 8) % (hn - n + 1), nd, n);
        ck_assert_ptr_eq(nj_memfind(h, hn, nd, n), naive_find(h, hn, nd, n));
        ck_assert_ptr_eq(nj_find_rare(h, hn, nd, n), naive_find(h, hn, nd, n));
    }
}
END_TEST

/* nj_u8_run3 (five characters at a time with SSE2) agrees with a plain loop on runs of
 * ideographs broken at random places by ASCII, other lead bytes or bad continuations. */
START_TEST(test_run3)
{
    unsigned char buf[200];
    unsigned x = 11;
    for (int round = 0; round < 5000; round++) {
        size_t n = (size_t)(round % 67) * 3;
        for (size_t i = 0; i < n; i += 3) {
            x = x * 1103515245u + 12345u;
            buf[i] = (unsigned char)(0xE3 + (x >> 16) % 8); /* E3..EA: some outside E4..E9 */
            buf[i + 1] = (unsigned char)(0x80 + (x >> 8) % 64);
            buf[i + 2] = (unsigned char)(0x80 + (x >> 20) % 64);
        }
        x = x * 1103515245u + 12345u;
        if (n > 0 && round % 2) /* one damaged byte */
            buf[(x >> 8) % n] = (unsigned char)"a\x41\xc0\x7f\xff"[(x >> 20) % 5];
        size_t want = 0;
        while (want + 3 <= n && buf[want] >= 0xE4 && buf[want] <= 0xE9 &&
               (buf[want + 1] & 0xC0) == 0x80 && (buf[want + 2] & 0xC0) == 0x80)
            want += 3;
        ck_assert_uint_eq(nj_u8_run3((const char *)buf, (const char *)buf + n, 0xE4, 0xE9), want);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nj_utf8");
    TCase *tc = tcase_create("utf8");
    tcase_add_test(tc, test_keyform);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_decode_cp);
    tcase_add_test(tc, test_memfind);
    tcase_add_test(tc, test_run3);
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
