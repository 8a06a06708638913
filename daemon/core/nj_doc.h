/*
 * nj_doc.h - the document model every reader produces.
 *
 * A document is a sequence of blocks in reading order: text blocks (a paragraph, a
 * heading or one line of a text file) and table rows.  Rows belong to a table; a reader
 * that knows the real grid (HTML, DOCX) expands rowspan/colspan and gives each cell its
 * grid column, marking positions covered by another cell's span as NJ_CELL_SPANNED (their
 * text is a copy of the spanning cell's text, so header paths can be read column by
 * column).  Text readers give cells in order (column = index).
 *
 * Every block carries a position a person can follow: the 1-based line for text files,
 * the paragraph number for HTML and DOCX (`loc_kind`).
 *
 * All strings are copied into the document's own arena; nj_doc_free releases everything.
 */
#ifndef NJ_DOC_H
#define NJ_DOC_H

#include <stddef.h>

enum nj_block_kind { NJ_BLOCK_TEXT = 0, NJ_BLOCK_ROW = 1 };

enum nj_loc_kind { NJ_LOC_LINE = 0, NJ_LOC_PARAGRAPH = 1 };

#define NJ_CELL_SPANNED 0x1u /* covered by the span of a cell to its left or above */
#define NJ_CELL_HEADING 0x2u /* a <th> or a header-styled cell (hint only) */

struct nj_cell {
    const char *text; /* UTF-8, NUL-terminated, whitespace as in the source */
    size_t len;       /* strlen(text) */
    unsigned col;     /* grid column, 0-based */
    unsigned flags;
};

struct nj_block {
    enum nj_block_kind kind;
    unsigned loc;     /* line or paragraph number, 1-based */
    unsigned table;   /* for rows: the 1-based table number in the document */
    unsigned row;     /* for rows: the 1-based row number within its table */
    unsigned heading; /* for text: heading level hint (0 = body text) */
    const char *text; /* for text blocks */
    size_t text_len;  /* strlen(text) */
    struct nj_cell *cells;
    size_t n_cells;
};

struct nj_doc;

struct nj_doc *nj_doc_new(enum nj_loc_kind loc_kind);
void nj_doc_free(struct nj_doc *doc);

/* Appends a text block.  Returns 0 or NJ_ENOMEM. */
int nj_doc_add_text(struct nj_doc *doc, const char *utf8, size_t len, unsigned loc,
                    unsigned heading);
/* Starts a new table; the rows added until nj_doc_end_table belong to it. */
int nj_doc_begin_table(struct nj_doc *doc);
int nj_doc_end_table(struct nj_doc *doc);
/* Starts a new row in the current table (a table is begun implicitly if needed). */
int nj_doc_add_row(struct nj_doc *doc, unsigned loc);
/* Appends a cell to the current row. */
int nj_doc_add_cell(struct nj_doc *doc, const char *utf8, size_t len, unsigned col, unsigned flags);

size_t nj_doc_n_blocks(const struct nj_doc *doc);
const struct nj_block *nj_doc_block(const struct nj_doc *doc, size_t i);
enum nj_loc_kind nj_doc_loc_kind(const struct nj_doc *doc);

#endif
