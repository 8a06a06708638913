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
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

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

static void
put(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(path, mode), 0);
}

/* Parses YAML; returns the errors (malloc'd) or NULL with the config in *CFG. */
static char *
parse_curve(const char *yaml, struct nj_config **cfg)
{
    char *errors = NULL;
    *cfg = NULL;
    if (nj_config_parse("c.yaml", yaml, strlen(yaml), cfg, &errors) == 0)
        return NULL;
    return errors;
}

START_TEST(curve_key_files)
{
    char dir[] = "/tmp/nj_curve_test.XXXXXX", yaml[4096], path[300], want[600];
    char pub[41], sec[41], cpub[41], csec[41];
    struct nj_config *cfg;
    char *errors;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(zmq_curve_keypair(pub, sec), 0);
    ck_assert_int_eq(zmq_curve_keypair(cpub, csec), 0);
    char text[512];
    snprintf(text, sizeof text,
             "metadata\ncurve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n", pub, sec);
    snprintf(path, sizeof path, "%s/server.key", dir);
    put(path, text, 0600);
    snprintf(path, sizeof path, "%s/clients", dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(text, sizeof text, "# a czmq public certificate\ncurve\n    public-key = \"%s\"\n",
             cpub);
    snprintf(path, sizeof path, "%s/clients/alice.pub", dir);
    put(path, text, 0644);

    /* Good: a public endpoint with CURVE, keys from the key file and the folder. */
    snprintf(yaml, sizeof yaml,
             "publish:\n  endpoint: tcp://0.0.0.0:5680\n  curve:\n"
             "    secret_key_file: %s/server.key\n    allowed_clients_dir: %s/clients\n"
             "    allowed_clients: [\"%s\"]\n",
             dir, dir, pub);
    errors = parse_curve(yaml, &cfg);
    ck_assert_msg(errors == NULL, "%s", errors);
    ck_assert_str_eq(cfg->curve->public_key, pub);
    ck_assert_str_eq(cfg->curve->secret_key, sec);
    ck_assert_uint_eq(cfg->curve->n_clients, 2);
    ck_assert(nj_curve_allowed(cfg->curve, cpub));
    ck_assert(nj_curve_allowed(cfg->curve, pub));
    nj_config_free(cfg);

    /* A secret key readable by the group: refused, with its position. */
    snprintf(path, sizeof path, "%s/server.key", dir);
    ck_assert_int_eq(chmod(path, 0640), 0);
    errors = parse_curve(yaml, &cfg);
    ck_assert_ptr_nonnull(errors);
    snprintf(want, sizeof want,
             "c.yaml:4:22: publish.curve.secret_key_file: %s/server.key holds a secret key but "
             "is open to group or others (mode 0640): chmod 600 it\n",
             dir);
    ck_assert_str_eq(errors, want);
    free(errors);
    ck_assert_int_eq(chmod(path, 0604), 0);
    errors = parse_curve(yaml, &cfg);
    ck_assert_ptr_nonnull(strstr(errors, "(mode 0604): chmod 600 it"));
    free(errors);
    ck_assert_int_eq(chmod(path, 0600), 0);

    /* A key file without a valid secret key; a public key that does not match. */
    snprintf(path, sizeof path, "%s/server.key", dir);
    put(path, "secret-key = \"short\"\n", 0600);
    errors = parse_curve(yaml, &cfg);
    snprintf(want, sizeof want,
             "c.yaml:4:22: publish.curve.secret_key_file: %s/server.key has no valid "
             "secret-key line (a Z85 key of 40 characters)\n",
             dir);
    ck_assert_str_eq(errors, want);
    free(errors);
    snprintf(text, sizeof text, "public-key = \"%s\"\nsecret-key = \"%s\"\n", cpub, sec);
    put(path, text, 0600);
    errors = parse_curve(yaml, &cfg);
    ck_assert_ptr_nonnull(strstr(errors, "public-key does not belong to secret-key"));
    free(errors);
    snprintf(text, sizeof text, "secret-key = \"%s\"\n", sec); /* public key derived */
    put(path, text, 0600);
    errors = parse_curve(yaml, &cfg);
    ck_assert_msg(errors == NULL, "%s", errors);
    ck_assert_str_eq(cfg->curve->public_key, pub);
    nj_config_free(cfg);

    /* A clients folder (or key in it) that others can write: anyone could add a key. */
    snprintf(path, sizeof path, "%s/clients", dir);
    ck_assert_int_eq(chmod(path, 0777), 0);
    errors = parse_curve(yaml, &cfg);
    snprintf(want, sizeof want,
             "c.yaml:5:26: publish.curve.allowed_clients_dir: %s/clients can be written by group "
             "or others (mode 0777): anyone could add a key; chmod go-w it\n",
             dir);
    ck_assert_str_eq(errors, want);
    free(errors);
    ck_assert_int_eq(chmod(path, 0755), 0);
    snprintf(path, sizeof path, "%s/clients/alice.pub", dir);
    ck_assert_int_eq(chmod(path, 0666), 0);
    errors = parse_curve(yaml, &cfg);
    ck_assert_ptr_nonnull(strstr(errors, "alice.pub can be written by group or others"));
    free(errors);
    put(path, "nothing here\n", 0644);
    errors = parse_curve(yaml, &cfg);
    ck_assert_ptr_nonnull(strstr(errors, "alice.pub has no valid public-key line"));
    free(errors);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(endpoint_locality)
{
    const char *local[] = {"ipc:///run/nianjian/ev", "tcp://127.0.0.1:5680", "tcp://127.1.2.3:1",
                           "tcp://localhost:5680", "tcp://[::1]:5680"};
    const char *remote[] = {"tcp://0.0.0.0:5680",
                            "tcp://*:5680",
                            "tcp://eth0:5680",
                            "tcp://192.168.1.10:5680",
                            "tcp://127.0.0.1.evil.example:1",
                            "tcp://[::]:5680",
                            "tcp://10.0.0.1;127.0.0.1:5680",
                            "tcp://127.0.0.1"};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
        ck_assert_msg(nj_endpoint_is_local(local[i]), "%s", local[i]);
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++)
        ck_assert_msg(!nj_endpoint_is_local(remote[i]), "%s", remote[i]);
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
    tcase_add_test(tc, curve_key_files);
    tcase_add_test(tc, endpoint_locality);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
