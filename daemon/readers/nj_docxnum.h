/*
 * nj_docxnum.h - Word's automatic numbering (word/numbering.xml) for the DOCX reader.
 *
 * Headings such as "一、总体情况" are often numbered by Word rather than typed: the text
 * of the paragraph is "总体情况" and the "一、" comes from a numbering definition.  This
 * module renders those labels (w:lvlText with %1…%9 in the level's w:numFmt: decimal,
 * chineseCounting, ideographTraditional, decimalEnclosedCircle, letters, roman …) while the
 * paragraphs are walked in order, keeping one set of counters per abstract definition.
 * Bullets are not rendered.
 */
#ifndef NJ_DOCXNUM_H
#define NJ_DOCXNUM_H

#include "nj_rtext.h"

#include <stddef.h>

struct nj_docxnum;

/* Parses numbering.xml (NULL when absent or unusable; that means "no numbering"). */
struct nj_docxnum *nj_docxnum_load(const char *xml, size_t len);
void nj_docxnum_free(struct nj_docxnum *nd);

/*
 * Advances the counters for a paragraph numbered NUM_ID at level ILVL and appends its
 * label (e.g. "一、") to OUT.  Nothing is appended for unknown numbers, bullets and
 * levels without text.  ND may be NULL.  Returns 0 or NJ_ENOMEM.
 */
int nj_docxnum_label(struct nj_docxnum *nd, unsigned num_id, unsigned ilvl, struct nj_sb *out);

#endif
