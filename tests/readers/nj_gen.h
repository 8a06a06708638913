/*
 * nj_gen.h - generates one small, complete 2021-format annual report in four forms (.txt
 * with tab-separated tables, .md with pipe tables, .html with real rowspan/colspan tables,
 * .docx with w:gridSpan/w:vMerge), all from the same content, for the "one model, one rule
 * set" test and as generated reader fixtures.  Its numbers add up except for one
 * deliberate error: table 四's 行政复议 总计 reads 3 where its parts sum to 2.
 */
#ifndef NJ_GEN_H
#define NJ_GEN_H

#include "nj_rtext.h"

#include <stddef.h>

enum nj_gen_form { NJ_GEN_TXT, NJ_GEN_MD, NJ_GEN_HTML, NJ_GEN_DOCX_XML };

/* Appends the report in FORM to OUT (for DOCX: the word/document.xml text).  0 or <0. */
int nj_gen_report(enum nj_gen_form form, struct nj_sb *out);

/* The whole .docx package (malloc'd) built with libzip.  0 or <0. */
int nj_gen_report_docx(unsigned char **out, size_t *len);

/* The grid of table N (1 = 二, 2 = 三, 3 = 四) as the readers should give it: the text
 * at (ROW, COL), 0-based, and whether that position is covered by another cell's span.
 * Returns NULL outside the table. */
const char *nj_gen_cell(int table, unsigned row, unsigned col, int *spanned);
unsigned nj_gen_rows(int table);
unsigned nj_gen_cols(int table);

#endif
