/*
 * nj_rtest.h - helpers for the reader tests: files, fixtures and looking into a document.
 */
#ifndef NJ_RTEST_H
#define NJ_RTEST_H

#include "nj_doc.h"

#include <stddef.h>

/* Reads a whole file (malloc'd, NUL-terminated).  NULL when it cannot be read. */
unsigned char *nj_rtest_slurp(const char *path, size_t *len);
/* "<fixtures>/<rel>" and "<shared>/<rel>" in a static buffer. */
const char *nj_rtest_fixture(const char *rel);
const char *nj_rtest_shared(const char *rel);

/* The cell at grid column COL of row ROW (1-based) of table TABLE (1-based), or NULL. */
const struct nj_cell *nj_rtest_cell(const struct nj_doc *doc, unsigned table, unsigned row,
                                    unsigned col);
/* Number of tables, and of rows in TABLE. */
unsigned nj_rtest_n_tables(const struct nj_doc *doc);
unsigned nj_rtest_n_rows(const struct nj_doc *doc, unsigned table);
/* The first text block equal to TEXT (or containing it when SUBSTR), else NULL. */
const struct nj_block *nj_rtest_text(const struct nj_doc *doc, const char *text, int substr);
/* Non-zero when any text block or cell contains TEXT. */
int nj_rtest_contains(const struct nj_doc *doc, const char *text);

/* Converts UTF-8 to CHARSET with iconv (malloc'd).  NULL on failure. */
char *nj_rtest_iconv(const char *utf8, size_t len, const char *charset, size_t *out_len);

#endif
