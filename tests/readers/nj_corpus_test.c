/*
 * nj_corpus_test.c - the real portal page of the shared corpus (real/012.html) is read
 * completely: title, all six part headings and all three tables, whose numbers equal the
 * truth recorded for the same report (real/TRUTH.tsv, rows of 012.txt).  The shared
 * folder is found relative to the project (../shared); the test fails loudly without it.
 */
#include "nj_readers.h"
#include "nj_rtest.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct nj_doc *
read_012(void)
{
    size_t len;
    unsigned char *buf = nj_rtest_slurp(nj_rtest_shared("corpus/real/012.html"), &len);
    ck_assert_msg(buf != NULL, "cannot read %s: the shared corpus must be present",
                  nj_rtest_shared("corpus/real/012.html"));
    struct nj_doc *doc = nj_doc_new(NJ_LOC_PARAGRAPH);
    char enc[32], err[256];
    ck_assert_int_eq(nj_html_read(buf, len, NJ_LANG_ZH, doc, enc, sizeof(enc), err, sizeof(err)),
                     0);
    ck_assert_str_eq(enc, "UTF-8");
    free(buf);
    return doc;
}

/* The truth lines of 012.txt whose check starts with PREFIX, in file order. */
static size_t
truth_lines(const char *prefix, char lines[][512], size_t max)
{
    char *tsv = (char *)nj_rtest_slurp(nj_rtest_shared("corpus/real/TRUTH.tsv"), NULL);
    ck_assert_msg(tsv != NULL, "cannot read TRUTH.tsv from the shared corpus");
    size_t n = 0, plen = strlen(prefix);
    for (char *line = strtok(tsv, "\n"); line != NULL && n < max; line = strtok(NULL, "\n")) {
        if (strncmp(line, "012.txt\t", 8) != 0 || strncmp(line + 8, prefix, plen) != 0)
            continue;
        snprintf(lines[n++], 512, "%s", line);
    }
    free(tsv);
    return n;
}

/* Field K (0-based) of a tab-separated line, copied into OUT. */
static void
field(const char *line, int k, char *out, size_t size)
{
    const char *s = line;
    for (int i = 0; i < k && s != NULL; i++) {
        s = strchr(s, '\t');
        if (s != NULL)
            s++;
    }
    ck_assert_ptr_nonnull(s);
    size_t n = strcspn(s, "\t");
    if (n >= size)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

START_TEST(read_completely)
{
    struct nj_doc *doc = read_012();
    ck_assert_str_eq(nj_doc_block(doc, 0)->text, "平潭综合实验区2024年度政府信息公开工作年度报告");
    static const char *const parts[] = {
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    };
    unsigned last = 0;
    for (size_t i = 0; i < 6; i++) {
        const struct nj_block *b = nj_rtest_text(doc, parts[i], 0);
        ck_assert_msg(b != NULL, "part heading %s not read", parts[i]);
        ck_assert_uint_gt(b->loc, last);
        last = b->loc;
    }
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "2024年，无收取信息处理费情况。", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "统计期限为2024年1月1日至2024年12月31日", 1));
    /* portal chrome is left out */
    ck_assert(!nj_rtest_contains(doc, "省人大"));
    ck_assert(!nj_rtest_contains(doc, "闽ICP备"));
    ck_assert(!nj_rtest_contains(doc, "当前位置"));
    ck_assert_uint_eq(nj_rtest_n_tables(doc), 3);
    ck_assert_uint_eq(nj_rtest_n_rows(doc, 1), 14);
    ck_assert_uint_eq(nj_rtest_n_rows(doc, 2), 28);
    ck_assert_uint_eq(nj_rtest_n_rows(doc, 3), 4);
    nj_doc_free(doc);
}
END_TEST

START_TEST(table2_values)
{
    struct nj_doc *doc = read_012();
    static const struct {
        unsigned row, col;
        const char *text;
    } want[] = {
        {3, 0, "规章"},      {3, 1, "0"},
        {3, 3, "0"},         {4, 0, "行政规范性文件"},
        {4, 1, "62"},        {4, 2, "33"},
        {4, 3, "440"},       {7, 0, "行政许可"},
        {7, 1, "4529"},      {10, 1, "1100"},
        {11, 1, "65"},       {14, 0, "行政事业性收费"},
        {14, 1, "18651.06"}, {13, 1, "本年收费金额（单位：万元）"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct nj_cell *c = nj_rtest_cell(doc, 1, want[i].row, want[i].col);
        ck_assert_ptr_nonnull(c);
        ck_assert_str_eq(c->text, want[i].text);
        ck_assert(!(c->flags & NJ_CELL_SPANNED));
    }
    nj_doc_free(doc);
}
END_TEST

START_TEST(table3_matches_truth)
{
    struct nj_doc *doc = read_012();
    static char lines[32][512];
    size_t n = truth_lines("T3.rowtotal.", lines, 32);
    ck_assert_uint_eq(n, 25);
    for (size_t r = 0; r < n; r++) {
        char note[512];
        field(lines[r], 6, note, sizeof(note));
        const char *p = strchr(note, '[');
        ck_assert_ptr_nonnull(p);
        for (unsigned c = 0; c < 7; c++) {
            long v = strtol(p + 1, (char **)&p, 10);
            const struct nj_cell *cell = nj_rtest_cell(doc, 2, (unsigned)r + 4, 3 + c);
            ck_assert_msg(cell != NULL, "table 三 row %zu col %u missing", r + 4, c);
            char want[32];
            snprintf(want, sizeof(want), "%ld", v);
            ck_assert_msg(strcmp(cell->text, want) == 0, "%s: column %u is \"%s\", truth %s",
                          lines[r], c, cell->text, want);
        }
    }
    /* the first row spelled out, as in the truth: 217, 1, 0, 0, 0, 0, 218 */
    static const char *const first[] = {"217", "1", "0", "0", "0", "0", "218"};
    for (unsigned c = 0; c < 7; c++)
        ck_assert_str_eq(nj_rtest_cell(doc, 2, 4, 3 + c)->text, first[c]);
    ck_assert_str_eq(nj_rtest_cell(doc, 2, 4, 0)->text, "一、本年新收政府信息公开申请数量");
    ck_assert_str_eq(nj_rtest_cell(doc, 2, 6, 0)->text, "三、本年度办理结果");
    ck_assert_str_eq(nj_rtest_cell(doc, 2, 27, 0)->text, "三、本年度办理结果");
    ck_assert(nj_rtest_cell(doc, 2, 27, 0)->flags & NJ_CELL_SPANNED);
    ck_assert_str_eq(nj_rtest_cell(doc, 2, 3, 6)->text, "社会公益组织");
    ck_assert_str_eq(nj_rtest_cell(doc, 2, 3, 7)->text, "法律服务机构");
    ck_assert_str_eq(nj_rtest_cell(doc, 2, 24, 2)->text,
                     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
    nj_doc_free(doc);
}
END_TEST

START_TEST(table4_matches_truth)
{
    struct nj_doc *doc = read_012();
    static char lines[8][512];
    size_t n = truth_lines("T4.", lines, 8);
    ck_assert_uint_eq(n, 3);
    for (size_t g = 0; g < n; g++) {
        char note[512], total[32];
        field(lines[g], 6, note, sizeof(note));
        field(lines[g], 3, total, sizeof(total));
        static const char *const keys[] = {"维持", "纠正", "其他", "尚未审结"};
        for (unsigned k = 0; k < 4; k++) {
            const char *p = strstr(note, keys[k]);
            ck_assert_ptr_nonnull(p);
            long v = strtol(p + strlen(keys[k]), NULL, 10);
            char want[32];
            snprintf(want, sizeof(want), "%ld", v);
            ck_assert_str_eq(nj_rtest_cell(doc, 3, 4, (unsigned)g * 5 + k)->text, want);
        }
        ck_assert_str_eq(nj_rtest_cell(doc, 3, 4, (unsigned)g * 5 + 4)->text, total);
    }
    ck_assert_str_eq(nj_rtest_cell(doc, 3, 3, 6)->text, "结果纠正"); /* 结果<br/>纠正 */
    ck_assert_str_eq(nj_rtest_cell(doc, 3, 3, 1)->text, "结果纠正");
    ck_assert(nj_rtest_cell(doc, 3, 3, 1)->flags & NJ_CELL_SPANNED);
    nj_doc_free(doc);
}
END_TEST

int
main(void)
{
    nj_readers_hooks();
    Suite *s = suite_create("readers.corpus");
    TCase *tc = tcase_create("012.html");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, read_completely);
    tcase_add_test(tc, table2_values);
    tcase_add_test(tc, table3_matches_truth);
    tcase_add_test(tc, table4_matches_truth);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
