/*
 * nj_genreport.c - writes the generated report (nj_gen.h) in all four forms into a folder:
 * report.txt, report.md, report.html, report.docx, plus word.docx, wps.docx and numbered.docx
 * packaged from the hand-made fixtures in tests/fixtures/docx.  Used to make fuzz seeds and to look
 * at the generated inputs.  Usage: nj_genreport DIR
 */
#include "nj_gen.h"
#include "nj_rtest.h"
#include "nj_testzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    int rc = fwrite(data, 1, len, f) == len ? 0 : -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: nj_genreport DIR\n");
        return 2;
    }
    static const struct {
        enum nj_gen_form form;
        const char *name;
    } forms[] = {
        {NJ_GEN_TXT, "report.txt"}, {NJ_GEN_MD, "report.md"}, {NJ_GEN_HTML, "report.html"}};
    int rc = 0;
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct nj_sb sb;
        nj_sb_init(&sb);
        if (nj_gen_report(forms[i].form, &sb) != 0 ||
            write_file(argv[1], forms[i].name, nj_sb_cstr(&sb), sb.len) != 0)
            rc = 1;
        nj_sb_free(&sb);
    }
    unsigned char *docx = NULL;
    size_t len = 0;
    if (nj_gen_report_docx(&docx, &len) != 0 || write_file(argv[1], "report.docx", docx, len) != 0)
        rc = 1;
    free(docx);
    static const char *const pkgs[2][3] = {
        {"word.docx", "docx/word-document.xml", "docx/word-styles.xml"},
        {"wps.docx", "docx/wps-document.xml", "docx/wps-styles.xml"},
    };
    for (int i = 0; i < 2; i++) {
        char *d = (char *)nj_rtest_slurp(nj_rtest_fixture(pkgs[i][1]), NULL);
        char *st = (char *)nj_rtest_slurp(nj_rtest_fixture(pkgs[i][2]), NULL);
        docx = NULL;
        if (d == NULL || st == NULL || nj_testzip_docx(d, st, &docx, &len) != 0 ||
            write_file(argv[1], pkgs[i][0], docx, len) != 0)
            rc = 1;
        free(docx);
        free(d);
        free(st);
    }
    char *d = (char *)nj_rtest_slurp(nj_rtest_fixture("docx/numbered-document.xml"), NULL);
    char *st = (char *)nj_rtest_slurp(nj_rtest_fixture("docx/numbered-styles.xml"), NULL);
    char *nu = (char *)nj_rtest_slurp(nj_rtest_fixture("docx/numbered-numbering.xml"), NULL);
    if (d != NULL && st != NULL && nu != NULL) {
        struct nj_zentry e[3] = {{"word/document.xml", d, strlen(d), 0},
                                 {"word/styles.xml", st, strlen(st), 0},
                                 {"word/numbering.xml", nu, strlen(nu), 0}};
        docx = NULL;
        if (nj_testzip_build(e, 3, &docx, &len) != 0 ||
            write_file(argv[1], "numbered.docx", docx, len) != 0)
            rc = 1;
        free(docx);
    } else {
        rc = 1;
    }
    free(d);
    free(st);
    free(nu);
    return rc;
}
