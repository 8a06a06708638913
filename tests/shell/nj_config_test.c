/*
 * nj_config_test.c - tests of daemon/shell/nj_config.c.
 *
 * Data-driven part: every tests/fixtures/config/bad-*.yaml must fail with exactly the
 * errors in the matching .expected file (positions and messages); every good-*.yaml must
 * load.  Set NJ_REGEN=1 to rewrite the .expected files after an intended change.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nj_config.h"

#define CONFIG_FIXTURES NJ_FIXTURES_DIR "/config"

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

static int
parse_fixture(const char *name, struct nj_config **cfg, char **errors)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", CONFIG_FIXTURES, name);
    char *yaml = slurp(path, &len);
    ck_assert_msg(yaml != NULL, "cannot read %s", path);
    int ret = nj_config_parse(name, yaml, len, cfg, errors);
    free(yaml);
    return ret;
}

START_TEST(fixtures_bad)
{
    DIR *d = opendir(CONFIG_FIXTURES);
    struct dirent *de;
    int seen = 0;
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (strncmp(de->d_name, "bad-", 4) != 0 || n < 6 || strcmp(de->d_name + n - 5, ".yaml"))
            continue;
        struct nj_config *cfg = NULL;
        char *errors = NULL;
        int ret = parse_fixture(de->d_name, &cfg, &errors);
        ck_assert_msg(ret < 0, "%s: expected errors", de->d_name);
        ck_assert_ptr_null(cfg);
        ck_assert_ptr_nonnull(errors);
        char exp_path[1024];
        snprintf(exp_path, sizeof exp_path, "%s/%.*s.expected", CONFIG_FIXTURES, (int)(n - 5),
                 de->d_name);
        if (getenv("NJ_REGEN")) {
            FILE *f = fopen(exp_path, "w");
            ck_assert_ptr_nonnull(f);
            fputs(errors, f);
            fclose(f);
        }
        char *expected = slurp(exp_path, NULL);
        ck_assert_msg(expected != NULL, "missing %s", exp_path);
        ck_assert_msg(strcmp(expected, errors) == 0, "%s:\nexpected:\n%s\ngot:\n%s", de->d_name,
                      expected, errors);
        free(expected);
        free(errors);
        seen++;
    }
    closedir(d);
    ck_assert_int_ge(seen, 10);
}
END_TEST

START_TEST(fixtures_good)
{
    struct nj_config *cfg = NULL;
    char *errors = NULL;

    ck_assert_int_eq(parse_fixture("good-empty.yaml", &cfg, &errors), 0);
    ck_assert_ptr_null(errors);
    ck_assert_uint_eq(cfg->n_paths, 1);
    ck_assert_str_eq(cfg->paths[0], "/srv/nianjian/drop");
    ck_assert_int_eq(cfg->recursive, 1);
    ck_assert_uint_eq(cfg->settle_ms, 1000);
    ck_assert_uint_eq(cfg->rescan_s, 300);
    ck_assert_uint_eq(cfg->n_include, 5);
    ck_assert_uint_eq(cfg->n_exclude, 4);
    ck_assert_uint_eq(cfg->max_file_mb, 50);
    ck_assert_uint_eq(cfg->formats, NJ_FMT_JSON | NJ_FMT_TXT);
    ck_assert_str_eq(cfg->endpoint, "tcp://127.0.0.1:5680");
    ck_assert_str_eq(cfg->replay_endpoint, "tcp://127.0.0.1:5681");
    ck_assert_uint_eq(cfg->heartbeat_s, 10);
    ck_assert_str_eq(cfg->state_dir, "/var/lib/nianjian");
    ck_assert_uint_eq(cfg->workers, 2);
    ck_assert_int_eq(cfg->lang, NJ_LANG_ZH);
    ck_assert_uint_eq(cfg->n_rules, 0);
    ck_assert_int_eq(cfg->log_level, NJ_LOG_INFO);
    nj_config_free(cfg);

    ck_assert_int_eq(parse_fixture("good-full.yaml", &cfg, &errors), 0);
    ck_assert_uint_eq(cfg->n_paths, 2);
    ck_assert_str_eq(cfg->paths[1], "/srv/nianjian/other");
    ck_assert_int_eq(cfg->recursive, 0);
    ck_assert_uint_eq(cfg->settle_ms, 250);
    ck_assert_uint_eq(cfg->rescan_s, 0);
    ck_assert_uint_eq(cfg->n_include, 2);
    ck_assert_str_eq(cfg->include[1], "*.docx");
    ck_assert_uint_eq(cfg->n_exclude, 2);
    ck_assert_uint_eq(cfg->max_file_mb, 10);
    ck_assert_uint_eq(cfg->formats, NJ_FMT_JSON);
    ck_assert_str_eq(cfg->endpoint, "ipc:///run/nianjian/events.sock");
    ck_assert_str_eq(cfg->replay_endpoint, "tcp://127.0.0.1:5999");
    ck_assert_uint_eq(cfg->heartbeat_s, 0);
    ck_assert_str_eq(cfg->state_dir, "/var/lib/nianjian-test");
    ck_assert_uint_eq(cfg->workers, 4);
    ck_assert_int_eq(cfg->lang, NJ_LANG_EN);
    ck_assert_int_eq(cfg->log_level, NJ_LOG_DEBUG);
    nj_config_free(cfg);
}
END_TEST

START_TEST(shipped_configs)
{
    /* The installed default and the `make run` config must both be valid. */
    const char *files[] = {NJ_SOURCE_DIR "/config/nianjian.yaml",
                           NJ_SOURCE_DIR "/config/nianjian.dev.yaml"};
    for (size_t i = 0; i < 2; i++) {
        struct nj_config *cfg = NULL;
        char *errors = NULL;
        int ret = nj_config_load(files[i], &cfg, &errors);
        ck_assert_msg(ret == 0, "%s:\n%s", files[i], errors ? errors : "");
        nj_config_free(cfg);
    }
}
END_TEST

START_TEST(relative_paths)
{
    struct nj_config *cfg = NULL;
    char *errors = NULL, cwd[4096], want[4200];
    const char *yaml = "watch:\n  paths: [./drop, sub/dir/]\nstate_dir: var\n";

    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(nj_config_parse("rel.yaml", yaml, strlen(yaml), &cfg, &errors), 0);
    snprintf(want, sizeof want, "%s/drop", cwd);
    ck_assert_str_eq(cfg->paths[0], want);
    snprintf(want, sizeof want, "%s/sub/dir", cwd);
    ck_assert_str_eq(cfg->paths[1], want);
    snprintf(want, sizeof want, "%s/var", cwd);
    ck_assert_str_eq(cfg->state_dir, want);
    nj_config_free(cfg);
}
END_TEST

START_TEST(rules_known)
{
    /* Rule ids are checked against the core's catalogue. */
    struct nj_config *cfg = NULL;
    char *errors = NULL;
    const char *yaml = "rules:\n  NO.SUCH_RULE: warning\n";
    ck_assert_int_lt(nj_config_parse("r.yaml", yaml, strlen(yaml), &cfg, &errors), 0);
    ck_assert_str_eq(errors, "r.yaml:2:3: rules.NO.SUCH_RULE: unknown rule\n");
    free(errors);
    if (nj_rule_known("SEC6.FEES")) {
        const char *ok = "rules:\n  SEC6.FEES: error\n";
        ck_assert_int_eq(nj_config_parse("r.yaml", ok, strlen(ok), &cfg, &errors), 0);
        ck_assert_uint_eq(cfg->n_rules, 1);
        ck_assert_str_eq(cfg->rules[0].id, "SEC6.FEES");
        ck_assert_int_eq(cfg->rules[0].sev, NJ_SEV_ERROR);
        nj_config_free(cfg);
    }
}
END_TEST

START_TEST(missing_file)
{
    struct nj_config *cfg = NULL;
    char *errors = NULL;
    ck_assert_int_lt(nj_config_load("/nonexistent/nianjian.yaml", &cfg, &errors), 0);
    ck_assert_str_eq(
        errors, "/nonexistent/nianjian.yaml:1:1: config: cannot open: No such file or directory\n");
    free(errors);
}
END_TEST

START_TEST(garbage_never_crashes)
{
    /* A few hostile inputs: binary bytes, deep nesting, huge numbers, NULs. */
    const char *inputs[] = {"\xff\xfe\x00\x01",
                            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]",
                            "workers: 99999999999999999999999",
                            "watch: {paths: [\"a\\0b\"]}",
                            "{a: {b: {c: {d: 1}}}}",
                            "- - - -",
                            ": :",
                            "? [a]\n: b\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct nj_config *cfg = NULL;
        char *errors = NULL;
        size_t len = i == 0 ? 4 : strlen(inputs[i]);
        int ret = nj_config_parse("g.yaml", inputs[i], len, &cfg, &errors);
        if (ret == 0)
            nj_config_free(cfg);
        else
            ck_assert_ptr_nonnull(errors);
        free(errors);
    }
}
END_TEST

START_TEST(many_errors_are_capped)
{
    char yaml[8192];
    size_t o = 0;
    for (int i = 0; i < 150; i++)
        o += (size_t)snprintf(yaml + o, sizeof yaml - o, "bogus%d: 1\n", i);
    struct nj_config *cfg = NULL;
    char *errors = NULL;
    ck_assert_int_lt(nj_config_parse("m.yaml", yaml, o, &cfg, &errors), 0);
    int lines = 0;
    for (char *p = errors; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 101);
    ck_assert_ptr_nonnull(strstr(errors, "m.yaml:1:1: bogus0: unknown key\n"));
    ck_assert_ptr_nonnull(strstr(errors, "m.yaml:1:1: config: 50 more errors not shown\n"));
    free(errors);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("shell.config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, fixtures_bad);
    tcase_add_test(tc, fixtures_good);
    tcase_add_test(tc, shipped_configs);
    tcase_add_test(tc, relative_paths);
    tcase_add_test(tc, rules_known);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, garbage_never_crashes);
    tcase_add_test(tc, many_errors_are_capped);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
