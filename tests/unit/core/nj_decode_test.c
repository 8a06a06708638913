/* nj_decode_test.c - encoding detection and conversion. */
#include "nj_decode.h"
#include "nj_testlib.h"

#include <stdlib.h>
#include <string.h>

static void
expect(const void *buf, size_t len, const char *enc, const char *text)
{
    struct nj_decoded d;
    const char *why;
    ck_assert_int_eq(nj_decode(buf, len, NULL, &d, &why), 0);
    ck_assert_str_eq(d.encoding, enc);
    ck_assert_str_eq(d.text, text);
    free(d.text);
}

START_TEST(test_encodings)
{
    expect("年度报告", strlen("年度报告"), NJ_ENC_UTF8, "年度报告");
    expect("\xEF\xBB\xBF年度", 9, NJ_ENC_UTF8, "年度");
    /* 报告 in GB18030/GBK */
    expect("\xB1\xA8\xB8\xE6", 4, NJ_ENC_GB18030, "报告");
    /* 年 (U+5E74) and "1" in UTF-16 with and without BOM */
    expect("\xFF\xFE\x74\x5E\x31\x00", 6, NJ_ENC_UTF16LE, "年1");
    expect("\xFE\xFF\x5E\x74\x00\x31", 6, NJ_ENC_UTF16BE, "年1");
    expect("a\0b\0c\0d\0", 8, NJ_ENC_UTF16LE, "abcd");
}
END_TEST

START_TEST(test_undecodable)
{
    struct nj_decoded d;
    const char *why = NULL;
    /* 0x80 and 0xFF are not valid lead bytes in GB18030 and not valid UTF-8. */
    ck_assert_int_eq(nj_decode((const unsigned char *)"\x80\xFF\x80\xFF", 4, NULL, &d, &why),
                     NJ_EINVAL);
    ck_assert_ptr_nonnull(why);
    ck_assert_int_eq(nj_utf8_valid((const unsigned char *)"\xC0\x80", 2), 0);     /* overlong */
    ck_assert_int_eq(nj_utf8_valid((const unsigned char *)"\xED\xA0\x80", 3), 0); /* surrogate */
    ck_assert_int_eq(nj_utf8_valid((const unsigned char *)"\xE5\xB9", 2), 0);     /* truncated */
}
END_TEST

START_TEST(test_hint)
{
    struct nj_decoded d;
    const char *why;
    /* Declared GB2312 is read as GB18030. */
    ck_assert_int_eq(nj_decode((const unsigned char *)"\xB1\xA8", 2, "gb2312", &d, &why), 0);
    ck_assert_str_eq(d.text, "报");
    free(d.text);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nj_decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_encodings);
    tcase_add_test(tc, test_undecodable);
    tcase_add_test(tc, test_hint);
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
