/*
 * nj_rtest.c - helpers for the reader tests (see nj_rtest.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_rtest.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned char *
nj_rtest_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0, k;
    unsigned char *buf = malloc(cap + 1);
    while (buf != NULL && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            unsigned char *p = realloc(buf, cap * 2 + 1);
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
    if (buf != NULL)
        buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

const char *
nj_rtest_fixture(const char *rel)
{
    static char path[4096];
    snprintf(path, sizeof(path), "%s/%s", NJ_READERS_FIXTURES, rel);
    return path;
}

const char *
nj_rtest_shared(const char *rel)
{
    static char path[4096];
    snprintf(path, sizeof(path), "%s/%s", NJ_READERS_SHARED, rel);
    return path;
}

const struct nj_cell *
nj_rtest_cell(const struct nj_doc *doc, unsigned table, unsigned row, unsigned col)
{
    for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind != NJ_BLOCK_ROW || b->table != table || b->row != row)
            continue;
        for (size_t j = 0; j < b->n_cells; j++)
            if (b->cells[j].col == col)
                return &b->cells[j];
        return NULL;
    }
    return NULL;
}

unsigned
nj_rtest_n_tables(const struct nj_doc *doc)
{
    unsigned n = 0;
    for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind == NJ_BLOCK_ROW && b->table > n)
            n = b->table;
    }
    return n;
}

unsigned
nj_rtest_n_rows(const struct nj_doc *doc, unsigned table)
{
    unsigned n = 0;
    for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind == NJ_BLOCK_ROW && b->table == table && b->row > n)
            n = b->row;
    }
    return n;
}

const struct nj_block *
nj_rtest_text(const struct nj_doc *doc, const char *text, int substr)
{
    for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind != NJ_BLOCK_TEXT)
            continue;
        if (substr ? strstr(b->text, text) != NULL : strcmp(b->text, text) == 0)
            return b;
    }
    return NULL;
}

int
nj_rtest_contains(const struct nj_doc *doc, const char *text)
{
    for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind == NJ_BLOCK_TEXT && strstr(b->text, text) != NULL)
            return 1;
        for (size_t j = 0; j < b->n_cells; j++)
            if (strstr(b->cells[j].text, text) != NULL)
                return 1;
    }
    return 0;
}

char *
nj_rtest_iconv(const char *utf8, size_t len, const char *charset, size_t *out_len)
{
    iconv_t cd = iconv_open(charset, "UTF-8");
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 2 + 16;
    char *out = malloc(cap);
    char *in = (char *)utf8, *o = out;
    size_t inleft = len, outleft = cap;
    if (out == NULL || iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    *out_len = cap - outleft;
    return out;
}
