/*
 * nj_readers.h - readers for container formats: HTML pages (libxml2's HTML parser) and
 * Word .docx files (libzip; a strict XML scanner, libxml2's XML parser for the rest).
 * Each turns the raw bytes of one report into the core's document model (nj_doc.h): text
 * blocks in reading order, numbered by paragraph, and tables expanded into their real grid
 * (rowspan/colspan, w:gridSpan and w:vMerge), so the core runs the same table extraction
 * and rules as for text reports.
 *
 * Both functions have the nj_reader_fn signature and are handed to nj_check() through
 * nj_readers_hooks().  Behaviour and limits are described in docs/readers.md.
 */
#ifndef NJ_READERS_H
#define NJ_READERS_H

#include "nj_core.h"

#include <stddef.h>
#include <stdint.h>

/*
 * The hooks for struct nj_options.readers (static, never NULL).  The first call also
 * initialises libxml2; make it once from the main thread before checking reports on
 * several threads.
 */
const struct nj_reader_hooks *nj_readers_hooks(void);

/*
 * Also reads the HTML scanner's tables from libxml2 (about 1.5 ms, otherwise done by the
 * first HTML page): for a long-running process, from the main thread at start-up.
 */
void nj_readers_init(void);

/* Reads an HTML page.  See nj_reader_fn in nj_core.h for the contract. */
int nj_html_read(const unsigned char *buf, size_t len, enum nj_lang lang, struct nj_doc *doc,
                 char *encoding, size_t encoding_size, char *err, size_t err_size);

/* Reads a .docx (WordprocessingML in a ZIP archive, as Word and WPS write it). */
int nj_docx_read(const unsigned char *buf, size_t len, enum nj_lang lang, struct nj_doc *doc,
                 char *encoding, size_t encoding_size, char *err, size_t err_size);

/* Limits applied to a .docx archive, which is treated as hostile. */
struct nj_docx_limits {
    uint64_t max_entries;    /* entries in the archive */
    uint64_t max_part_bytes; /* inflated size of one part that is read */
    uint64_t max_ratio;      /* inflated:compressed ratio of a part ... */
    uint64_t ratio_floor;    /* ... checked once more than this many bytes are inflated */
};

/* The defaults: 10,000 entries, 64 MB per part, 200:1 beyond 1 MB. */
void nj_docx_default_limits(struct nj_docx_limits *lim);

/* nj_docx_read with explicit limits (for tests and callers with other budgets). */
int nj_docx_read_limited(const unsigned char *buf, size_t len, enum nj_lang lang,
                         const struct nj_docx_limits *lim, struct nj_doc *doc, char *encoding,
                         size_t encoding_size, char *err, size_t err_size);

/* Limits of the HTML table grid. */
#define NJ_HTML_MAX_COLS 200u
#define NJ_HTML_MAX_ROWS 5000u
/* Element nesting deeper than this is not descended into (its text is ignored). */
#define NJ_READERS_MAX_DEPTH 512

/*
 * For tests: the tree the HTML reader builds from TEXT (UTF-8), as text, in *OUT (free()
 * it).  SCANNER 0 takes libxml2's parser, 1 the strict scanner (nj_hscan.h; returns 1
 * when it gives up), 2 the scanner and libxml2 when it gives up, as the reader does.
 */
int nj_html_tree_dump(const char *text, size_t len, int scanner, char **out);

#endif
