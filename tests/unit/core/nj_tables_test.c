/* nj_tables_test.c - splitting run-together digits and reading table 三 from text. */
#include "nj_model.h"
#include "nj_testlib.h"

#include <string.h>

static int
splits(const char *digits, int width)
{
    struct nj_arena *a = nj_arena_new();
    struct nj_cands c;
    ck_assert_int_eq(nj_split_digits(digits, width, a, &c), 0);
    int n = c.too_many ? -1 : c.n;
    nj_arena_free(a);
    return n;
}

START_TEST(test_split_counts)
{
    /* The counts recorded by hand in the corpus truth (TRUTH.tsv, 012/031). */
    ck_assert_int_eq(splits("21710000218", 7), 31);
    ck_assert_int_eq(splits("320000032", 7), 4);
    ck_assert_int_eq(splits("191000019", 7), 7);
    ck_assert_int_eq(splits("21317000001324019", 15), 47);
    /* Exactly seven digits for seven cells: one reading. */
    ck_assert_int_eq(splits("5100000", 7), 1);
    /* Existing separators are kept. */
    ck_assert_int_eq(splits("00 0 0 01 0 0 0 1 0 0 0 00", 15), 1);
    /* Too few digits: no reading at all. */
    ck_assert_int_eq(splits("123", 7), 0);
}
END_TEST

START_TEST(test_split_values)
{
    struct nj_arena *a = nj_arena_new();
    struct nj_cands c;
    ck_assert_int_eq(nj_split_digits("8100008", 7, a, &c), 0);
    ck_assert_int_eq(c.n, 1);
    ck_assert_int_eq(c.vals[0], 8);
    ck_assert_int_eq(c.vals[1], 1);
    ck_assert_int_eq(c.vals[6], 8);
    nj_arena_free(a);
}
END_TEST

START_TEST(test_flat_row_labels)
{
    /* Numbering digits of the next label are not values: "…00000002.其他…". */
    const char *text =
        "标题: 某局2024年政府信息公开工作年度报告\n"
        "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公"
        "益组织法律服务机构其他"
        "一、本年新收政府信息公开申请数量1000001二、上年结转政府信息公开申请数量0000000"
        "三、本年度办理结果（一）予以公开1000001（三）不予公开1.属于国家秘密00000002."
        "其他法律行政法规禁止公开0000000"
        "四、政府信息公开行政复议、行政诉讼情况\n";
    struct nj_result *res = nj_t_check_str(text);
    const char *json = nj_result_json(res);
    ck_assert_ptr_nonnull(
        strstr(json, "\"r01\":{\"c1\":1,\"c2\":0,\"c3\":0,\"c4\":0,\"c5\":0,\"c6\":0,\"c7\":1}"));
    ck_assert_ptr_nonnull(strstr(json, "\"r05\":{\"c1\":0"));
    ck_assert_ptr_nonnull(strstr(json, "\"r06\":{\"c1\":0"));
    ck_assert_int_eq(nj_t_count(res, "T3.CELLS", NULL, NULL), 0);
    nj_result_free(res);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nj_tables");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, test_split_counts);
    tcase_add_test(tc, test_split_values);
    tcase_add_test(tc, test_flat_row_labels);
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
