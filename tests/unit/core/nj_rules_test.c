/* nj_rules_test.c - seeded mistakes are reported by exactly the right rule; severities
 * can be overridden per rule. */
#include "nj_testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
fixture(const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/documents/%s", NJ_FIXTURES_DIR, name);
    return nj_t_read(path, NULL);
}

/* Rules that fired, as a sorted, de-duplicated comma list. */
static char *
rules_of(const struct nj_result *res)
{
    static char out[1024];
    out[0] = '\0';
    for (size_t i = 0; i < nj_result_n_findings(res); i++) {
        struct nj_finding_view f;
        nj_result_finding(res, i, &f);
        if (strcmp(f.rule, "DOC.FORMAT") == 0 || strcmp(f.rule, "DOC.ENCODING") == 0)
            continue;
        char tok[64];
        snprintf(tok, sizeof(tok), "%s,", f.rule);
        if (strstr(out, tok) == NULL)
            strncat(out, tok, sizeof(out) - strlen(out) - 1);
    }
    return out;
}

static const struct {
    const char *file;
    const char *rules;
    enum nj_status st;
} seeded[] = {
    {"good-tab.txt", "", NJ_STATUS_PASS},
    {"t3-row-total.txt", "T3.ROW_TOTAL,T3.RESULT_TOTAL,", NJ_STATUS_FAIL},
    {"t3-result-total.txt", "T3.RESULT_TOTAL,", NJ_STATUS_FAIL},
    {"t3-negative.txt", "T3.VALUE,", NJ_STATUS_FAIL},
    {"t3-blank.txt", "T3.BLANK,", NJ_STATUS_PASS},
    {"t3-blank-total.txt", "T3.ROW_TOTAL,", NJ_STATUS_FAIL},
    {"t3-ragged.txt", "T3.CELLS,", NJ_STATUS_FAIL},
    {"t3-missing-column.txt", "T3.COLUMNS,", NJ_STATUS_FAIL},
    {"t3-label.txt", "T3.LABEL,", NJ_STATUS_PASS},
    {"t3-rows-2019.txt", "T3.ROWS,", NJ_STATUS_FAIL},
    {"t3-missing-row.txt", "T3.ROWS,", NJ_STATUS_FAIL},
    {"t3-missing.txt", "T3.MISSING,", NJ_STATUS_FAIL},
    {"t4-total.txt", "T4.TOTAL,", NJ_STATUS_FAIL},
    {"t4-cells.txt", "T4.CELLS,", NJ_STATUS_FAIL},
    {"t4-value.txt", "T4.VALUE,", NJ_STATUS_FAIL},
    {"t4-blank.txt", "T4.BLANK,", NJ_STATUS_PASS},
    {"t4-missing.txt", "T4.MISSING,", NJ_STATUS_FAIL},
    {"t2-missing-row.txt", "T2.MISSING,", NJ_STATUS_FAIL},
    {"t2-value.txt", "T2.VALUE,", NJ_STATUS_FAIL},
    {"t2-blank.txt", "T2.BLANK,", NJ_STATUS_PASS},
    {"t2-label.txt", "T2.LABEL,", NJ_STATUS_PASS},
    {"sec-missing.txt", "SEC.MISSING,", NJ_STATUS_FAIL},
    {"sec-order.txt", "SEC.ORDER,", NJ_STATUS_PASS},
    {"sec-heading.txt", "SEC.HEADING,", NJ_STATUS_PASS},
    {"sec-empty.txt", "SEC.EMPTY,", NJ_STATUS_FAIL},
    {"sec6-fees.txt", "SEC6.FEES,", NJ_STATUS_PASS},
    {"doc-year.txt", "DOC.TITLE,DOC.YEAR,", NJ_STATUS_FAIL},
    {"doc-period.txt", "DOC.PERIOD,", NJ_STATUS_PASS},
    {"text-t3-count.txt", "TEXT.T3_COUNT,", NJ_STATUS_PASS},
    {"text-t3-done.txt", "TEXT.T3_DONE,", NJ_STATUS_PASS},
    {"text-t4-count.txt", "TEXT.T4_COUNT,", NJ_STATUS_PASS},
    {"text-all-done.txt", "TEXT.ALL_DONE,", NJ_STATUS_PASS},
    {"text-fees.txt", "TEXT.FEES,", NJ_STATUS_PASS},
    {"good-gb18030.txt", "", NJ_STATUS_PASS},
    {"good.md", "", NJ_STATUS_PASS},
    {"good-pipe.txt", "", NJ_STATUS_PASS},
    {"good-layout.txt", "", NJ_STATUS_PASS},
    {"junk-binary.txt", "DOC.UNREADABLE,", NJ_STATUS_ERROR},
    {"junk-empty.txt", "DOC.UNREADABLE,", NJ_STATUS_ERROR},
};

START_TEST(test_seeded)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/documents/%s", NJ_FIXTURES_DIR, seeded[_i].file);
    size_t len;
    char *buf = nj_t_read(path, &len);
    struct nj_result *res = nj_t_check(buf, len, seeded[_i].file, NJ_LANG_ZH);
    ck_assert_msg(strcmp(rules_of(res), seeded[_i].rules) == 0, "%s: fired %s, want %s",
                  seeded[_i].file, rules_of(res), seeded[_i].rules);
    ck_assert_int_eq(nj_result_status(res), seeded[_i].st);
    nj_result_free(res);
    free(buf);
}
END_TEST

START_TEST(test_arith_message)
{
    char *buf = fixture("t4-total.txt");
    struct nj_result *res = nj_t_check(buf, strlen(buf), "x.txt", NJ_LANG_ZH);
    struct nj_finding_view f;
    int found = 0;
    for (size_t i = 0; i < nj_result_n_findings(res); i++) {
        nj_result_finding(res, i, &f);
        if (strcmp(f.rule, "T4.TOTAL") != 0)
            continue;
        found = 1;
        /* Both sides, the difference, table, row and column. */
        ck_assert_ptr_nonnull(strstr(f.message, "总计为 3"));
        ck_assert_ptr_nonnull(strstr(f.message, "= 2"));
        ck_assert_ptr_nonnull(strstr(f.message, "相差 1"));
        ck_assert_ptr_nonnull(strstr(f.where_json, "\"table\":\"四\""));
        ck_assert_ptr_nonnull(strstr(f.where_json, "\"row\":\"行政复议\""));
        ck_assert_ptr_nonnull(strstr(f.where_json, "\"column\":\"总计\""));
        ck_assert_ptr_nonnull(strstr(f.where_json, "\"line\":"));
    }
    ck_assert(found);
    ck_assert_ptr_nonnull(
        strstr(nj_result_json(res), "\"expected\":2,\"actual\":3,\"difference\":1"));
    nj_result_free(res);
    free(buf);
}
END_TEST

START_TEST(test_cells_message_shows_what_was_read)
{
    /* a crawler glued the row's values together: the message shows them as read */
    char *buf = fixture("good-2019.txt");
    const char *row = "行政处罚\t30\t2\t35";
    char *at = strstr(buf, row);
    ck_assert_ptr_nonnull(at);
    const char *glued = "行政处罚 30-235 ";
    ck_assert_uint_eq(strlen(glued), strlen(row));
    memcpy(at, glued, strlen(glued));
    for (int lang = 0; lang < 2; lang++) {
        struct nj_result *res =
            nj_t_check(buf, strlen(buf), "x.txt", lang ? NJ_LANG_EN : NJ_LANG_ZH);
        int found = 0;
        for (size_t i = 0; i < nj_result_n_findings(res); i++) {
            struct nj_finding_view f;
            nj_result_finding(res, i, &f);
            if (strcmp(f.rule, "T2.CELLS") != 0)
                continue;
            found = 1;
            ck_assert_ptr_nonnull(strstr(f.message, lang ? "'30-235'" : "“30-235”"));
            ck_assert_ptr_nonnull(strstr(f.message, lang ? "carries 2 values" : "有 2 个数值"));
            ck_assert_ptr_nonnull(strstr(f.where_json, "\"row\":\"行政处罚\""));
        }
        ck_assert(found);
        nj_result_free(res);
    }
    free(buf);
}
END_TEST

START_TEST(test_override)
{
    char *buf = fixture("t4-total.txt");
    struct nj_rule_override ov[2] = {{"T4.TOTAL", NJ_SEV_WARNING}, {"DOC.FORMAT", NJ_SEV_OFF}};
    struct nj_options o;
    memset(&o, 0, sizeof(o));
    o.overrides = ov;
    o.n_overrides = 2;
    o.file_name = "x.txt";
    struct nj_result *res;
    ck_assert_int_eq(nj_check((const unsigned char *)buf, strlen(buf), &o, &res), 0);
    ck_assert_int_eq(nj_result_status(res), NJ_STATUS_PASS);
    ck_assert_int_eq(nj_result_count(res, NJ_SEV_WARNING), 1);
    ck_assert_int_eq(nj_t_count(res, "DOC.FORMAT", NULL, NULL), 0);
    nj_result_free(res);
    free(buf);
}
END_TEST

START_TEST(test_english)
{
    char *buf = fixture("t3-row-total.txt");
    struct nj_result *res = nj_t_check(buf, strlen(buf), "x.txt", NJ_LANG_EN);
    ck_assert_ptr_nonnull(strstr(nj_result_text(res), "FAIL"));
    ck_assert_ptr_nonnull(strstr(nj_result_json(res), "a difference of 1"));
    nj_result_free(res);
    free(buf);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("nj_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc, test_seeded, 0, (int)(sizeof(seeded) / sizeof(seeded[0])));
    tcase_add_test(tc, test_arith_message);
    tcase_add_test(tc, test_cells_message_shows_what_was_read);
    tcase_add_test(tc, test_override);
    tcase_add_test(tc, test_english);
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
