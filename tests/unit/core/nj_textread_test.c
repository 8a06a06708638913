/* nj_textread_test.c - text and Markdown into the document model. */
#include "nj_doc.h"
#include "nj_model.h"
#include "nj_testlib.h"

#include <string.h>

static struct nj_doc *
read_text(const char *s)
{
    struct nj_doc *d = nj_doc_new(NJ_LOC_LINE);
    ck_assert_int_eq(nj_textread(s, strlen(s), d), 0);
    return d;
}

START_TEST(test_tabs_and_lines)
{
    struct nj_doc *d = read_text("# 标题\r\n\r\n行政许可\t0\t\t\r正文一行\n");
    ck_assert_uint_eq(nj_doc_n_blocks(d), 3);
    const struct nj_block *b = nj_doc_block(d, 0);
    ck_assert_int_eq(b->kind, NJ_BLOCK_TEXT);
    ck_assert_str_eq(b->text, "标题");
    ck_assert_uint_eq(b->heading, 1);
    b = nj_doc_block(d, 1);
    ck_assert_int_eq(b->kind, NJ_BLOCK_ROW);
    ck_assert_uint_eq(b->loc, 3);
    ck_assert_uint_eq(b->n_cells, 4);
    ck_assert_str_eq(b->cells[0].text, "行政许可");
    ck_assert_str_eq(b->cells[2].text, "");
    b = nj_doc_block(d, 2);
    ck_assert_str_eq(b->text, "正文一行");
    ck_assert_uint_eq(b->loc, 4);
    nj_doc_free(d);
}
END_TEST

START_TEST(test_markdown_pipes)
{
    struct nj_doc *d = read_text("| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 12 |\n");
    ck_assert_uint_eq(nj_doc_n_blocks(d), 2);
    const struct nj_block *b = nj_doc_block(d, 1);
    ck_assert_uint_eq(b->n_cells, 2);
    ck_assert_str_eq(b->cells[1].text, "12");
    ck_assert_uint_eq(b->table, nj_doc_block(d, 0)->table);
    nj_doc_free(d);
}
END_TEST

START_TEST(test_web_pipes_and_layout)
{
    struct nj_doc *d = read_text(
        "行政处罚 | 35\n一、本年新收政府信息公开申请数量      95    0   0   0   0   0   95\n"
        "这是 一句 有空格的话\n");
    ck_assert_uint_eq(nj_doc_n_blocks(d), 3);
    ck_assert_uint_eq(nj_doc_block(d, 0)->n_cells, 2);
    const struct nj_block *b = nj_doc_block(d, 1);
    ck_assert_int_eq(b->kind, NJ_BLOCK_ROW);
    ck_assert_uint_eq(b->n_cells, 8);
    ck_assert_str_eq(b->cells[7].text, "95");
    ck_assert_int_eq(nj_doc_block(d, 2)->kind, NJ_BLOCK_TEXT);
    nj_doc_free(d);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nj_textread");
    TCase *tc = tcase_create("textread");
    tcase_add_test(tc, test_tabs_and_lines);
    tcase_add_test(tc, test_markdown_pipes);
    tcase_add_test(tc, test_web_pipes_and_layout);
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
