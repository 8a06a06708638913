/*
 * nj_dumpdoc.c - prints the document model an HTML or DOCX reader produces, one block a
 * line: "T <loc> h<level> <text>" for text, "R <table>.<row> @<loc> | col:text | col*:text"
 * for rows (* marks NJ_CELL_SPANNED).  A debugging aid and the tool tests/fuzz seeds are
 * checked with.  Usage: nj_dumpdoc html|docx FILE
 */
#include "nj_doc.h"
#include "nj_readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t k;
    while (buf != NULL && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            unsigned char *p = realloc(buf, cap * 2);
            if (p == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: nj_dumpdoc html|docx FILE\n");
        return 2;
    }
    size_t len = 0;
    unsigned char *buf = slurp(argv[2], &len);
    if (buf == NULL) {
        perror(argv[2]);
        return 2;
    }
    struct nj_doc *doc = nj_doc_new(NJ_LOC_PARAGRAPH);
    char enc[32] = "", err[512] = "";
    nj_readers_hooks();
    int rc = strcmp(argv[1], "docx") == 0
                 ? nj_docx_read(buf, len, NJ_LANG_ZH, doc, enc, sizeof(enc), err, sizeof(err))
                 : nj_html_read(buf, len, NJ_LANG_ZH, doc, enc, sizeof(enc), err, sizeof(err));
    printf("rc=%d encoding=%s err=%s\n", rc, enc, err);
    for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind == NJ_BLOCK_TEXT) {
            printf("T %u h%u %s\n", b->loc, b->heading, b->text);
            continue;
        }
        printf("R %u.%u @%u", b->table, b->row, b->loc);
        for (size_t j = 0; j < b->n_cells; j++)
            printf(" | %u%s:%s", b->cells[j].col, (b->cells[j].flags & NJ_CELL_SPANNED) ? "*" : "",
                   b->cells[j].text);
        printf("\n");
    }
    nj_doc_free(doc);
    free(buf);
    return rc != 0;
}
