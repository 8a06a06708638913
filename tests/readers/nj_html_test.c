/*
 * nj_html_test.c - the HTML reader: grids of every merged-cell shape of tables 二/三/四,
 * blank &nbsp; cells, <br> and <p>/<span> splits, portal chrome, GBK pages and bad input.
 */
#include "nj_gen.h"
#include "nj_readers.h"
#include "nj_rtest.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct nj_doc *
read_html(const void *buf, size_t len, int expect_rc, char *enc, size_t enc_size)
{
    struct nj_doc *doc = nj_doc_new(NJ_LOC_PARAGRAPH);
    ck_assert_ptr_nonnull(doc);
    char err[512] = "";
    char encbuf[32] = "";
    int rc = nj_html_read(buf, len, NJ_LANG_ZH, doc, enc ? enc : encbuf,
                          enc ? enc_size : sizeof(encbuf), err, sizeof(err));
    ck_assert_msg((rc == 0) == (expect_rc == 0), "rc %d (%s)", rc, err);
    return doc;
}

static struct nj_doc *
read_fixture(const char *rel)
{
    size_t len;
    unsigned char *buf = nj_rtest_slurp(nj_rtest_fixture(rel), &len);
    ck_assert_msg(buf != NULL, "missing fixture %s", nj_rtest_fixture(rel));
    struct nj_doc *doc = read_html(buf, len, 0, NULL, 0);
    free(buf);
    return doc;
}

static void
assert_cell(const struct nj_doc *doc, unsigned t, unsigned r, unsigned c, const char *text,
            int spanned)
{
    const struct nj_cell *cell = nj_rtest_cell(doc, t, r, c);
    ck_assert_msg(cell != NULL, "no cell at table %u row %u col %u", t, r, c);
    ck_assert_msg(strcmp(cell->text, text) == 0, "table %u row %u col %u: \"%s\" != \"%s\"", t, r,
                  c, cell->text, text);
    ck_assert_msg(!!(cell->flags & NJ_CELL_SPANNED) == !!spanned,
                  "table %u row %u col %u: spanned flag %u", t, r, c, cell->flags);
}

/* Every position of the three generated tables, text and spanned flag. */
static void
assert_generated_grid(const struct nj_doc *doc)
{
    ck_assert_uint_eq(nj_rtest_n_tables(doc), 3);
    for (int t = 1; t <= 3; t++) {
        ck_assert_uint_eq(nj_rtest_n_rows(doc, (unsigned)t), nj_gen_rows(t));
        for (unsigned r = 0; r < nj_gen_rows(t); r++) {
            for (unsigned c = 0; c < nj_gen_cols(t); c++) {
                int spanned = 0;
                const char *want = nj_gen_cell(t, r, c, &spanned);
                ck_assert_ptr_nonnull(want);
                assert_cell(doc, (unsigned)t, r + 1, c, want, spanned);
            }
            ck_assert_ptr_null(nj_rtest_cell(doc, (unsigned)t, r + 1, nj_gen_cols(t)));
        }
    }
}

START_TEST(generated_report_grid)
{
    struct nj_sb sb;
    nj_sb_init(&sb);
    ck_assert_int_eq(nj_gen_report(NJ_GEN_HTML, &sb), 0);
    struct nj_doc *doc = read_html(sb.p, sb.len, 0, NULL, 0);
    assert_generated_grid(doc);
    /* shapes spelled out: 二 colspan=3 values, 三 rowspan=22/8/3/5/3, 四 leaf rowspan=2 */
    assert_cell(doc, 1, 7, 1, "120", 0);
    assert_cell(doc, 1, 7, 3, "120", 1);
    assert_cell(doc, 2, 6, 0, "三、本年度办理结果", 0);
    assert_cell(doc, 2, 27, 0, "三、本年度办理结果", 1);
    assert_cell(doc, 2, 15, 1, "（三）不予公开", 1);
    assert_cell(doc, 2, 26, 1, "（六）其他处理", 1);
    assert_cell(doc, 2, 3, 3, "自然人", 1);
    assert_cell(doc, 2, 3, 9, "总计", 1);
    assert_cell(doc, 2, 2, 8, "法人或其他组织", 1);
    assert_cell(doc, 2, 3, 6, "社会公益组织", 0);
    assert_cell(doc, 3, 3, 1, "结果纠正", 1);
    assert_cell(doc, 3, 1, 14, "行政诉讼", 1);
    assert_cell(doc, 3, 4, 4, "3", 0);
    /* the portal chrome is not part of the report */
    ck_assert(!nj_rtest_contains(doc, "网站首页"));
    ck_assert(!nj_rtest_contains(doc, "热点专题"));
    ck_assert(!nj_rtest_contains(doc, "网站标识码"));
    ck_assert(!nj_rtest_contains(doc, "var x"));
    const struct nj_block *b = nj_rtest_text(doc, "示例县商务局2023年政府信息公开工作年度报告", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->loc, 1);
    ck_assert_uint_eq(b->heading, 1);
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "六、其他需要报告的事项", 0));
    nj_doc_free(doc);
    nj_sb_free(&sb);
}
END_TEST

START_TEST(portal_layout_page)
{
    struct nj_doc *doc = read_fixture("html/portal-layout.html");
    /* the layout table is walked as blocks; the report's own tables are tables */
    ck_assert_uint_eq(nj_rtest_n_tables(doc), 4);
    const struct nj_block *first = nj_doc_block(doc, 0);
    ck_assert_str_eq(first->text, "测试县水利局2024年政府信息公开工作年度报告");
    ck_assert_uint_eq(first->heading, 2);
    ck_assert(!nj_rtest_contains(doc, "2023年政府信息公开工作年度报告"));
    ck_assert(!nj_rtest_contains(doc, "互动交流"));
    ck_assert(!nj_rtest_contains(doc, "版权所有"));
    ck_assert(!nj_rtest_contains(doc, "document.write"));
    ck_assert(!nj_rtest_contains(doc, "当前位置"));
    /* <br> outside a table splits lines */
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "全年主动公开政府信息356条。", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "二、主动公开政府信息情况", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "表一 主动公开情况", 0));
    /* <th>, <br> inside headers, &nbsp; blanks, split labels and numbers */
    assert_cell(doc, 1, 2, 1, "本年制发件数", 0);
    ck_assert(nj_rtest_cell(doc, 1, 2, 1)->flags & NJ_CELL_HEADING);
    assert_cell(doc, 1, 2, 3, "现行有效件数", 0);
    assert_cell(doc, 1, 3, 1, "", 0);
    assert_cell(doc, 1, 3, 2, "", 0);
    assert_cell(doc, 1, 3, 3, "", 0);
    assert_cell(doc, 1, 4, 0, "行政规范性文件", 0);
    assert_cell(doc, 1, 5, 3, "第二十条第（五）项", 1);
    assert_cell(doc, 1, 7, 1, "215", 0);
    assert_cell(doc, 1, 11, 2, "—", 1);
    assert_cell(doc, 2, 1, 0,
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 0);
    assert_cell(doc, 2, 3, 6, "社会公益组织", 0);
    assert_cell(doc, 2, 5, 0, "三、本年度办理结果", 0);
    assert_cell(doc, 2, 7, 0, "三、本年度办理结果", 1);
    assert_cell(doc, 2, 7, 1, "（三）不予公开", 1);
    assert_cell(doc, 2, 7, 9, "1", 0);
    assert_cell(doc, 3, 3, 0, "结果维持", 1);
    assert_cell(doc, 3, 3, 5, "结果维持", 0);
    assert_cell(doc, 3, 4, 14, "0", 0);
    /* a nested table is text of its cell */
    assert_cell(doc, 4, 1, 1, "说明 无", 0);
    nj_doc_free(doc);
}
END_TEST

START_TEST(word_export_page)
{
    struct nj_doc *doc = read_fixture("html/word-export.html");
    ck_assert_str_eq(nj_doc_block(doc, 0)->text, "某某市审计局2024年政府信息公开工作年度报告");
    /* the list number inside <![if !supportLists]> is kept, the markers are not */
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "一、 总体情况", 0));
    ck_assert(!nj_rtest_contains(doc, "supportLists"));
    ck_assert(!nj_rtest_contains(doc, "endif"));
    ck_assert(!nj_rtest_contains(doc, "WordDocument"));
    ck_assert(!nj_rtest_contains(doc, "MsoNormal"));
    /* ideographic-space indentation is trimmed */
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "本局全年主动公开政府信息156条。", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "四、政府信息公开行政复议、行政诉讼情况", 0));
    ck_assert_uint_eq(nj_rtest_n_tables(doc), 1);
    assert_cell(doc, 1, 2, 0, "结果维持", 0);
    assert_cell(doc, 1, 3, 0, "结果维持", 1);
    assert_cell(doc, 1, 4, 4, "1", 0);
    assert_cell(doc, 1, 4, 5, "", 0); /* <o:p>&nbsp;</o:p> */
    assert_cell(doc, 1, 4, 10, "10", 0);
    assert_cell(doc, 1, 4, 14, "10", 0);
    nj_doc_free(doc);
}
END_TEST

START_TEST(gbk_page)
{
    size_t len, glen;
    unsigned char *utf8 = nj_rtest_slurp(nj_rtest_fixture("html/gbk-page.utf8.html"), &len);
    ck_assert_ptr_nonnull(utf8);
    char *gbk = nj_rtest_iconv((const char *)utf8, len, "GBK", &glen);
    ck_assert_ptr_nonnull(gbk);
    ck_assert(glen < len); /* really converted */
    char enc[32];
    struct nj_doc *doc = read_html(gbk, glen, 0, enc, sizeof(enc));
    ck_assert_str_eq(enc, "GB18030");
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "某某镇人民政府2023年政府信息公开工作年度报告", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "“镕”字用于检验 GBK 扩展字符", 1));
    ck_assert_uint_eq(nj_rtest_n_tables(doc), 1);
    assert_cell(doc, 1, 3, 4, "总计", 1);
    assert_cell(doc, 1, 4, 4, "1", 0);
    ck_assert(!nj_rtest_contains(doc, "政府信息公开年报")); /* the <title> */
    nj_doc_free(doc);

    /* the page re-saved as UTF-8 that still declares gb2312: read as UTF-8 */
    doc = read_html(utf8, len, 0, enc, sizeof(enc));
    ck_assert_str_eq(enc, "UTF-8");
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "某某镇人民政府2023年政府信息公开工作年度报告", 0));
    nj_doc_free(doc);

    /* the same page as UTF-8 with a BOM: the BOM wins over the declared gb2312 */
    unsigned char *bom = malloc(len + 3);
    memcpy(bom, "\xEF\xBB\xBF", 3);
    memcpy(bom + 3, utf8, len);
    doc = read_html(bom, len + 3, 0, enc, sizeof(enc));
    ck_assert_str_eq(enc, "UTF-8");
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "一、总体情况", 0));
    nj_doc_free(doc);
    free(bom);
    free(gbk);
    free(utf8);
}
END_TEST

START_TEST(spans_clamped_and_odd)
{
    static const char page[] =
        "<table><tr><td rowspan=\"0\">A</td><td colspan=\"100000\">B</td></tr>"
        "<tr><td rowspan=\"99\">C</td></tr><tr><td colspan=\"-3\">D</td><td rowspan=\"x\">E</td>"
        "</tr></table>";
    struct nj_doc *doc = read_html(page, sizeof(page) - 1, 0, NULL, 0);
    ck_assert_uint_eq(nj_rtest_n_rows(doc, 1), 3);
    assert_cell(doc, 1, 1, 0, "A", 0);
    assert_cell(doc, 1, 1, 1, "B", 0);
    assert_cell(doc, 1, 1, NJ_HTML_MAX_COLS - 1, "B", 1);
    ck_assert_ptr_null(nj_rtest_cell(doc, 1, 1, NJ_HTML_MAX_COLS));
    assert_cell(doc, 1, 3, 0, "A", 1); /* rowspan=0 reaches the end of the table */
    assert_cell(doc, 1, 2, 1, "C", 0);
    assert_cell(doc, 1, 3, 1, "C", 1);
    assert_cell(doc, 1, 3, 2, "D", 0);
    assert_cell(doc, 1, 3, 3, "E", 0);
    nj_doc_free(doc);
}
END_TEST

START_TEST(bad_input_never_crashes)
{
    static const char *const inputs[] = {
        "",
        "<",
        "<html>",
        "<html><body></body></html>",
        "\xff\xfe\x00<\x00",
        "<table><tr><td>",
        "<td rowspan=3>x</td>",
        "<body><p>一、总体情况</p>",
        "<table><caption>c</caption></table>",
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct nj_doc *doc = nj_doc_new(NJ_LOC_PARAGRAPH);
        char enc[32], err[256];
        (void)nj_html_read((const unsigned char *)inputs[i], strlen(inputs[i]), NJ_LANG_EN, doc,
                           enc, sizeof(enc), err, sizeof(err));
        nj_doc_free(doc);
    }
    /* deep nesting is cut off, not recursed into without end */
    size_t n = 20000;
    char *deep = malloc(n * 5 + 16);
    char *p = deep;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "<div>");
    strcpy(p, "x");
    struct nj_doc *doc = read_html(deep, strlen(deep), 0, NULL, 0);
    nj_doc_free(doc);
    free(deep);
    /* random bytes */
    unsigned char junk[4096];
    unsigned s = 12345;
    for (size_t i = 0; i < sizeof(junk); i++) {
        s = s * 1103515245u + 12345u;
        junk[i] = (unsigned char)(s >> 16);
    }
    doc = nj_doc_new(NJ_LOC_PARAGRAPH);
    char enc[32], err[256];
    (void)nj_html_read(junk, sizeof(junk), NJ_LANG_ZH, doc, enc, sizeof(enc), err, sizeof(err));
    nj_doc_free(doc);
}
END_TEST

START_TEST(title_from_head)
{
    static const char page[] =
        "<html><head><title>某县民政局2024年政府信息公开工作年度报告_年报_某县人民政府</title>"
        "</head><body><div class=\"nav\"><a href=\"/\">首页</a></div><div class=\"txt\">"
        "<p>一、总体情况</p><p>正文</p><p>二、主动公开政府信息情况</p></div></body></html>";
    struct nj_doc *doc = read_html(page, sizeof(page) - 1, 0, NULL, 0);
    const struct nj_block *b = nj_doc_block(doc, 0);
    ck_assert_str_eq(b->text, "某县民政局2024年政府信息公开工作年度报告");
    ck_assert_uint_eq(b->loc, 1);
    ck_assert_uint_eq(nj_rtest_text(doc, "一、总体情况", 0)->loc, 2);
    ck_assert(!nj_rtest_contains(doc, "首页"));
    nj_doc_free(doc);
    /* a title in the article is not doubled by the head's */
    struct nj_sb sb;
    nj_sb_init(&sb);
    ck_assert_int_eq(nj_gen_report(NJ_GEN_HTML, &sb), 0);
    doc = read_html(sb.p, sb.len, 0, NULL, 0);
    ck_assert_str_eq(nj_doc_block(doc, 0)->text, "示例县商务局2023年政府信息公开工作年度报告");
    ck_assert(strstr(nj_doc_block(doc, 1)->text, "年度报告") == NULL);
    nj_doc_free(doc);
    nj_sb_free(&sb);
}
END_TEST

START_TEST(join_rule)
{
    static const char page[] =
        "<table><tr><td><p>Total</p><p>7</p></td><td>三、本</p><p>年<span>度办</span> &nbsp; "
        "</p><p>理结果</td><td><p>2024</p><p>年</p></td><td>结果<br>纠正</td></tr></table>";
    struct nj_doc *doc = read_html(page, sizeof(page) - 1, 0, NULL, 0);
    assert_cell(doc, 1, 1, 0, "Total 7", 0);
    assert_cell(doc, 1, 1, 1, "三、本年度办理结果", 0);
    assert_cell(doc, 1, 1, 2, "2024 年", 0);
    assert_cell(doc, 1, 1, 3, "结果纠正", 0);
    nj_doc_free(doc);
}
END_TEST

/*
 * Shapes of libxml2's own tree that the reader's light tree (built from the parser's SAX
 * events) keeps: names split at the prefix ("o:p" is a p, "x:td" a cell), text runs split
 * by a comment, text after </html> dropped, and the parser's stop at its nesting limit
 * (257 open elements: the element that would be the 258th is left out).
 */
START_TEST(libxml2_tree_shapes)
{
    static const char names[] =
        "<table><tr><x:td colspan=2>a</x:td><td>b</td></tr><tr><o:TD>c</o:TD>"
        "<y:th rowspan=2>d</y:th></tr><tr><td>e</td></tr></table><o:p>f</o:p>g";
    struct nj_doc *doc = read_html(names, sizeof(names) - 1, 0, NULL, 0);
    ck_assert_uint_eq(nj_rtest_n_rows(doc, 1), 3);
    assert_cell(doc, 1, 1, 0, "a", 0);
    assert_cell(doc, 1, 1, 1, "a", 1);
    assert_cell(doc, 1, 1, 2, "b", 0);
    assert_cell(doc, 1, 2, 1, "d", 0);
    assert_cell(doc, 1, 3, 1, "d", 1);
    ck_assert_uint_eq(nj_rtest_text(doc, "f", 0)->loc, 2);
    ck_assert_uint_eq(nj_rtest_text(doc, "g", 0)->loc, 3);
    nj_doc_free(doc);

    /* a comment ends a text run: the conditional-comment marker is cut in two */
    static const char split[] = "<p>c <![if<!-- x -->]>d</p><p>e <![if]>f</p>";
    doc = read_html(split, sizeof(split) - 1, 0, NULL, 0);
    ck_assert_str_eq(nj_doc_block(doc, 0)->text, "c <![if]>d");
    ck_assert_str_eq(nj_doc_block(doc, 1)->text, "e f");
    nj_doc_free(doc);

    static const char after[] = "<!DOCTYPE html><html><body><p>一、总体情况</p></body></html>"
                                "<p>二、主动公开</p>tail";
    doc = read_html(after, sizeof(after) - 1, 0, NULL, 0);
    ck_assert_uint_eq(nj_doc_n_blocks(doc), 1);
    nj_doc_free(doc);

    /* <body> + N <div> + a<table><tr><td>x</td></tr></table>b: html, body and the divs are
     * open, so the td is the 258th element when N is 253 */
    for (size_t n = 252; n <= 253; n++) {
        char *deep = malloc(n * 11 + 64);
        ck_assert_ptr_nonnull(deep);
        char *p = deep + sprintf(deep, "<body>");
        for (size_t i = 0; i < n; i++)
            p += sprintf(p, "<div>");
        p += sprintf(p, "a<table><tr><td>x</td></tr></table>b");
        for (size_t i = 0; i < n; i++)
            p += sprintf(p, "</div>");
        sprintf(p, "c");
        doc = read_html(deep, strlen(deep), 0, NULL, 0);
        ck_assert_uint_eq(nj_rtest_n_rows(doc, 1), 1);
        if (n == 252) {
            assert_cell(doc, 1, 1, 0, "x", 0);
            ck_assert_ptr_nonnull(nj_rtest_text(doc, "c", 0));
        } else {
            ck_assert_ptr_null(nj_rtest_cell(doc, 1, 1, 0)); /* the parser stopped at the td */
            ck_assert_uint_eq(nj_doc_n_blocks(doc), 2);
        }
        nj_doc_free(doc);
        free(deep);
    }
}
END_TEST

static Suite *
html_suite(void)
{
    Suite *s = suite_create("readers.html");
    TCase *tc = tcase_create("html");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, generated_report_grid);
    tcase_add_test(tc, portal_layout_page);
    tcase_add_test(tc, word_export_page);
    tcase_add_test(tc, gbk_page);
    tcase_add_test(tc, spans_clamped_and_odd);
    tcase_add_test(tc, bad_input_never_crashes);
    tcase_add_test(tc, title_from_head);
    tcase_add_test(tc, join_rule);
    tcase_add_test(tc, libxml2_tree_shapes);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    nj_readers_hooks();
    SRunner *sr = srunner_create(html_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
