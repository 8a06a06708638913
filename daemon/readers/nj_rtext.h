/*
 * nj_rtext.h - text helpers shared by the HTML and DOCX readers: a growable string,
 * whitespace collapsing (&nbsp; included) and the rule that joins the pieces of text a
 * table cell is split into.
 *
 * Joining rule: two pieces of one cell (two <p> in a <td>, a <br>, two w:p in a w:tc) are
 * joined with nothing between them when the characters on both sides of the seam are wide
 * (CJK ideographs, CJK or full-width punctuation), otherwise with one space.  So
 * "三、本" + "年度办" becomes "三、本年度办" and "结果" + "纠正" becomes "结果纠正",
 * while "Total" + "7" stays "Total 7".
 */
#ifndef NJ_RTEXT_H
#define NJ_RTEXT_H

#include <stddef.h>
#include <stdint.h>

struct nj_sb {
    char *p; /* NUL-terminated when len > 0 or after nj_sb_cstr */
    size_t len;
    size_t cap;
};

void nj_sb_init(struct nj_sb *sb);
void nj_sb_free(struct nj_sb *sb);
void nj_sb_reset(struct nj_sb *sb);
/* Appends N bytes.  Returns 0 or NJ_ENOMEM. */
int nj_sb_add(struct nj_sb *sb, const char *s, size_t n);
/* The string (never NULL; "" when empty). */
const char *nj_sb_cstr(struct nj_sb *sb);

/*
 * Appends S[0..N) with runs of white space (ASCII white space and U+00A0 NO-BREAK SPACE)
 * collapsed to one ASCII space; no space is added at the start of an empty buffer or after
 * a space already there.
 */
int nj_sb_add_collapsed(struct nj_sb *sb, const char *s, size_t n);
/* Removes leading and trailing ASCII spaces and ideographic spaces (U+3000). */
void nj_sb_trim(struct nj_sb *sb);
/*
 * Appends PIECE (trimmed by the caller, may be empty: then nothing happens) to SB using the
 * joining rule above.
 */
int nj_sb_join(struct nj_sb *sb, const char *piece, size_t n);

/* Non-zero for code points that join without a space (see above). */
int nj_rtext_is_wide(uint32_t cp);

/*
 * Part heading detection for finding the report body: returns 1..6 when TEXT begins (after
 * white space and '#') with the numeral of part N (一、 … 六、) followed closely by that
 * part's key words, else 0.
 */
int nj_rtext_part_heading(const char *text);
/* Non-zero when TEXT looks like a report title (… 信息公开 … 年度报告, short). */
int nj_rtext_is_title(const char *text);
/* Bit mask (bit N-1 for part N) of the part headings that occur anywhere in TEXT. */
unsigned nj_rtext_part_mask(const char *text);

#endif
