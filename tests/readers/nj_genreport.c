/*
 * nj_genreport.c - writes the generated report (nj_gen.h) in all four forms into a folder:
 * report.txt, report.md, report.html, report.docx.  Used to make fuzz seeds and to look at
 * the generated inputs.  Usage: nj_genreport DIR
 */
#include "nj_gen.h"

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
    } forms[] = {{NJ_GEN_TXT, "report.txt"}, {NJ_GEN_MD, "report.md"}, {NJ_GEN_HTML, "report.html"}};
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
    return rc;
}
