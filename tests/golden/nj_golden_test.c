/*
 * nj_golden_test.c - data-driven tests.
 *
 *   nj_golden_test fixtures   every document under tests/fixtures/documents against its
 *                             reviewed expectation (<name>.expected: status and one line
 *                             per finding: rule|severity|where).  NJ_REGEN=1 rewrites the
 *                             expectations, to be reviewed as a diff before committing.
 *   nj_golden_test corpus     the sample report and the real reports of ../shared/corpus
 *                             against the truth recorded there (TRUTH.tsv).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_testlib.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nj_t3_row_label(int idx);

/* ---- fixtures ---------------------------------------------------------------------- */

static char *names[256];
static int n_names;

static void
load_names(void)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/documents", NJ_FIXTURES_DIR);
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s\n", dir);
        exit(1);
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n_names < 256) {
        const char *n = e->d_name;
        size_t l = strlen(n);
        if (n[0] == '.' || (l > 9 && strcmp(n + l - 9, ".expected") == 0))
            continue;
        names[n_names++] = strdup(n);
    }
    closedir(d);
}

START_TEST(test_fixture)
{
    const char *name = names[_i];
    char path[4096], exp_path[4200];
    snprintf(path, sizeof(path), "%s/documents/%s", NJ_FIXTURES_DIR, name);
    snprintf(exp_path, sizeof(exp_path), "%s.expected", path);
    size_t len;
    char *buf = nj_t_read(path, &len);
    struct nj_result *res = nj_t_check(buf, len, name, NJ_LANG_ZH);
    char *got = nj_t_summary(res);
    if (getenv("NJ_REGEN")) {
        FILE *f = fopen(exp_path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(got, f);
        fclose(f);
    } else {
        char *want = nj_t_read(exp_path, NULL);
        ck_assert_msg(strcmp(got, want) == 0, "%s:\n--- expected\n%s--- got\n%s", name, want, got);
        free(want);
    }
    /* The same report in English finds the same things. */
    struct nj_result *en = nj_t_check(buf, len, name, NJ_LANG_EN);
    char *got_en = nj_t_summary(en);
    ck_assert_str_eq(got, got_en);
    free(got_en);
    nj_result_free(en);
    free(got);
    nj_result_free(res);
    free(buf);
}
END_TEST

/* ---- corpus ------------------------------------------------------------------------ */

static struct nj_result *
check_shared(const char *rel)
{
    size_t len;
    char *buf = nj_t_read(nj_t_shared(rel), &len);
    const char *base = strrchr(rel, '/');
    struct nj_result *res = nj_t_check(buf, len, base ? base + 1 : rel, NJ_LANG_ZH);
    free(buf);
    return res;
}

static int
count_arith(const struct nj_result *res)
{
    return nj_t_count(res, "T3.ROW_TOTAL", NULL, NULL) +
           nj_t_count(res, "T3.RESULT_TOTAL", NULL, NULL) +
           nj_t_count(res, "T3.BALANCE", NULL, NULL) + nj_t_count(res, "T4.TOTAL", NULL, NULL);
}

START_TEST(test_seed)
{
    struct nj_result *res = check_shared("corpus/seed-chanhe-commerce-2025.txt");
    ck_assert_int_eq(nj_result_status(res), NJ_STATUS_FAIL);
    /* Table 三 lacks the 其他 column … */
    ck_assert_int_eq(nj_t_count(res, "T3.COLUMNS", NULL, "其他"), 1);
    ck_assert_int_eq(nj_t_count(res, "T3.COLUMNS", NULL, NULL), 1);
    /* … its 19 sub-item rows carry one value fewer than the header … */
    ck_assert_int_eq(nj_t_count(res, "T3.CELLS", NULL, NULL), 19);
    ck_assert_int_eq(nj_t_count(res, "T3.CELLS", "属于国家秘密", NULL), 1);
    ck_assert_int_eq(nj_t_count(res, "T3.CELLS", "本年新收", NULL), 0);
    /* … one label reads 其他法律法规禁止公开 … */
    ck_assert_int_eq(nj_t_count(res, "T3.LABEL", "其他法律行政法规禁止公开", NULL), 1);
    /* … and there is no arithmetic false alarm. */
    ck_assert_int_eq(count_arith(res), 0);
    ck_assert_str_eq(nj_result_org(res), "瀍河回族区商务局");
    ck_assert_int_eq(nj_result_year(res), 2025);
    nj_result_free(res);
}
END_TEST

/* TRUTH.tsv check names → what nianjian reports. */
static int
t3_row_of(const char *key)
{
    static const struct {
        const char *k;
        int idx;
    } map[] = {{"new", 0},   {"carry", 1}, {"r1", 2},    {"r2", 3},    {"r3_1", 4},  {"r3_2", 5},
               {"r3_3", 6},  {"r3_4", 7},  {"r3_5", 8},  {"r3_6", 9},  {"r3_7", 10}, {"r3_8", 11},
               {"r4_1", 12}, {"r4_2", 13}, {"r4_3", 14}, {"r5_1", 15}, {"r5_2", 16}, {"r5_3", 17},
               {"r5_4", 18}, {"r5_5", 19}, {"r6_1", 20}, {"r6_2", 21}, {"r6_3", 22}, {"r6", 25},
               {"r7", 23},   {"next", 24}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].k, key) == 0)
            return map[i].idx;
    return -1;
}

static const char *
corpus_file(const char *truth_file)
{
    if (strcmp(truth_file, "003.pdf") == 0)
        return "corpus/real/003.layout.txt";
    static _Thread_local char p[256];
    snprintf(p, sizeof(p), "corpus/real/%s", truth_file);
    return p;
}

static int
is_text_format(const char *truth_file)
{
    const char *dot = strrchr(truth_file, '.');
    return dot && (strcmp(dot, ".txt") == 0 || strcmp(dot, ".md") == 0 ||
                   strcmp(truth_file, "003.pdf") == 0);
}

START_TEST(test_truth)
{
    size_t len;
    char *tsv = nj_t_read(nj_t_shared("corpus/real/TRUTH.tsv"), &len);
    char *save = NULL;
    char *line = strtok_r(tsv, "\n", &save); /* header */
    char cur[64] = "";
    struct nj_result *res = NULL;
    int checked = 0, failures = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *f[7] = {0};
        int nf = 0;
        char *p = line;
        while (nf < 7) {
            f[nf++] = p;
            char *tab = strchr(p, '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (nf < 6 || !is_text_format(f[0]))
            continue;
        const char *file = f[0], *check = f[1], *rule = f[2], *verdict = f[5];
        if (strcmp(cur, file) != 0) {
            nj_result_free(res);
            res = check_shared(corpus_file(file));
            snprintf(cur, sizeof(cur), "%s", file);
        }
        int violated = strcmp(verdict, "violated") == 0;
        if (!violated && strcmp(verdict, "ok") != 0)
            continue;
        const char *want_rule = rule;
        const char *row = NULL, *col = NULL;
        char buf[128];
        if (strncmp(check, "T3.balance.", 11) == 0) {
            col = check + 11;
        } else if (strncmp(check, "T3.items_sum.", 13) == 0) {
            col = check + 13;
        } else if (strncmp(check, "T3.rowtotal.", 12) == 0) {
            int idx = t3_row_of(check + 12);
            ck_assert_int_ge(idx, 0);
            /* The row label in findings is the full official label. */
            snprintf(buf, sizeof(buf), "%s", nj_t3_row_label(idx));
            row = buf;
        } else if (strncmp(check, "T4.", 3) == 0) {
            row = check + 3;
            if (strcmp(row, "行政诉讼-未经复议直接起诉") == 0)
                row = "未经复议直接起诉";
            else if (strcmp(row, "行政诉讼-复议后起诉") == 0)
                row = "（复议后起诉）";
        } else if (strncmp(check, "SEC.", 4) == 0) {
            /* SEC.MISSING when absent, SEC.HEADING when worded differently. */
            want_rule = strcmp(f[4], "absent") == 0 ? "SEC.MISSING" : "SEC.HEADING";
            static const char *const parts[] = {"", "一", "二", "三", "四", "五", "六"};
            int p_ = atoi(check + 4);
            int n = nj_t_count(res, "SEC.MISSING", NULL, NULL);
            (void)n;
            char wpart[16];
            snprintf(wpart, sizeof(wpart), "\"part\":\"%s\"", parts[p_]);
            int found = 0;
            for (size_t i = 0; i < nj_result_n_findings(res); i++) {
                struct nj_finding_view v;
                nj_result_finding(res, i, &v);
                if ((strcmp(v.rule, "SEC.MISSING") == 0 || strcmp(v.rule, "SEC.HEADING") == 0) &&
                    strstr(v.where_json, wpart) && (violated ? strcmp(v.rule, want_rule) == 0 : 1))
                    found++;
            }
            if ((violated && found == 0) || (!violated && found != 0)) {
                fprintf(stderr, "%s %s: expected %s, found %d finding(s)\n", file, check, verdict,
                        found);
                failures++;
            }
            checked++;
            continue;
        } else if (strncmp(check, "NOTE", 4) == 0 || rule[0] == '\0') {
            continue;
        }
        int n = nj_t_count(res, want_rule, row, col);
        if ((violated && n == 0) || (!violated && n != 0)) {
            fprintf(stderr, "%s %s (%s): truth says %s, nianjian reported %d finding(s)\n", file,
                    check, want_rule, verdict, n);
            failures++;
        }
        checked++;
    }
    nj_result_free(res);
    free(tsv);
    fprintf(stderr, "truth rows checked: %d, disagreements: %d\n", checked, failures);
    ck_assert_int_gt(checked, 150);
    ck_assert_int_eq(failures, 0);
}
END_TEST

START_TEST(test_corpus_status)
{
    /* 006 should pass; 003 (2019 table 三 in a 2024 report), 004 (no part 五 heading),
     * 019 and 031 (arithmetic errors under every split) fail. */
    static const struct {
        const char *file;
        enum nj_status st;
    } want[] = {{"corpus/real/006.txt", NJ_STATUS_PASS},
                {"corpus/real/003.layout.txt", NJ_STATUS_FAIL},
                {"corpus/real/004.md", NJ_STATUS_FAIL},
                {"corpus/real/019.txt", NJ_STATUS_FAIL},
                {"corpus/real/031.txt", NJ_STATUS_FAIL}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct nj_result *res = check_shared(want[i].file);
        ck_assert_msg(nj_result_status(res) == want[i].st, "%s: status %s", want[i].file,
                      nj_status_name(nj_result_status(res)));
        nj_result_free(res);
    }
    /* The crawler copy of 012 runs digits together: the ambiguous rows are named, no
     * split is guessed, and no arithmetic error is invented. */
    struct nj_result *res = check_shared("corpus/real/012.txt");
    ck_assert_int_ge(nj_t_count(res, "T3.CELLS", "（七）总计", NULL), 1);
    ck_assert_int_eq(nj_t_count(res, "T4.CELLS", NULL, NULL), 1);
    ck_assert_int_eq(count_arith(res), 0);
    ck_assert_ptr_nonnull(strstr(nj_result_json(res), "\"r24\":{\"c1\":null"));
    nj_result_free(res);
}
END_TEST

int
main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "fixtures";
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create(mode);
    tcase_set_timeout(tc, 120);
    if (strcmp(mode, "fixtures") == 0) {
        load_names();
        if (n_names < 40) {
            fprintf(stderr, "only %d fixtures found\n", n_names);
            return 1;
        }
        tcase_add_loop_test(tc, test_fixture, 0, n_names);
    } else {
        tcase_add_test(tc, test_seed);
        tcase_add_test(tc, test_truth);
        tcase_add_test(tc, test_corpus_status);
    }
    suite_add_tcase(s, tc);
    return nj_t_run(s);
}
