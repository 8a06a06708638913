/*
 * nj_textread.c - plain text and Markdown as people paste them, into the document model.
 *
 * A line becomes a table row when its cells are marked: tabs (copied from a web page or
 * Word), Markdown pipes (| a | b |, separator lines |---| skipped) or ` | ` separators,
 * or, for text copied out of a PDF, columns aligned with runs of two or more spaces where
 * at least one field is a number.  Everything else is a text block.  Heading marks (#)
 * are kept only as a level hint.
 */
#include "nj_model.h"
#include "nj_utf8.h"

#include <string.h>

#define MAX_CELLS 256

struct span {
    const char *s;
    size_t len;
};

static void
trim(const char **s, size_t *len)
{
    const char *p = *s, *e = *s + *len;
    for (;;) {
        if (p < e && (*p == ' ' || *p == '\t' || *p == '\r')) {
            p++;
        } else if (e - p >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
                   (unsigned char)p[2] == 0x80) {
            p += 3; /* U+3000 */
        } else if (e - p >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
            p += 2; /* NBSP */
        } else {
            break;
        }
    }
    for (;;) {
        if (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) {
            e--;
        } else if (e - p >= 3 && (unsigned char)e[-3] == 0xE3 && (unsigned char)e[-2] == 0x80 &&
                   (unsigned char)e[-1] == 0x80) {
            e -= 3;
        } else if (e - p >= 2 && (unsigned char)e[-2] == 0xC2 && (unsigned char)e[-1] == 0xA0) {
            e -= 2;
        } else {
            break;
        }
    }
    *s = p;
    *len = (size_t)(e - p);
}

static size_t
split_on(const char *s, size_t len, char sep, struct span *cells)
{
    size_t n = 0;
    const char *start = s, *end = s + len;
    for (const char *p = s; p <= end; p++) {
        if (p == end || *p == sep) {
            if (n == MAX_CELLS)
                break;
            cells[n].s = start;
            cells[n].len = (size_t)(p - start);
            trim(&cells[n].s, &cells[n].len);
            n++;
            start = p + 1;
        }
    }
    return n;
}

/* Splits on runs of two or more spaces (ASCII or ideographic). */
static size_t
split_spaces(const char *s, size_t len, struct span *cells)
{
    size_t n = 0;
    const char *p = s, *end = s + len;
    while (p < end && n < MAX_CELLS) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p >= end)
            break;
        const char *start = p, *last = p;
        while (p < end) {
            int sp = 0;
            const char *q = p;
            while (q < end) {
                if (*q == ' ') {
                    sp++;
                    q++;
                } else if (end - q >= 3 && (unsigned char)q[0] == 0xE3 &&
                           (unsigned char)q[1] == 0x80 && (unsigned char)q[2] == 0x80) {
                    sp += 2;
                    q += 3;
                } else {
                    break;
                }
            }
            if (sp >= 2 || q >= end) {
                last = p;
                p = q;
                break;
            }
            p = q > p ? q : p + 1;
            last = p;
        }
        cells[n].s = start;
        cells[n].len = (size_t)(last - start);
        trim(&cells[n].s, &cells[n].len);
        if (cells[n].len)
            n++;
    }
    return n;
}

static int
is_md_separator(const char *s, size_t len)
{
    int dash = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '-')
            dash++;
        else if (c != '|' && c != ':' && c != ' ' && c != '\t')
            return 0;
    }
    return dash >= 3;
}

static int
count_char(const char *s, size_t len, char c)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == c;
    return n;
}

static int
add_row(struct nj_doc *doc, const struct span *cells, size_t n, unsigned loc)
{
    int rc = nj_doc_add_row(doc, loc);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = nj_doc_add_cell(doc, cells[i].s, cells[i].len, (unsigned)i, 0);
    return rc;
}

/* Whether the line T (TL bytes) has a gap that split_spaces splits on: two spaces or an
 * ideographic space. */
static int
has_gap(const char *t, size_t tl)
{
    const char *end = t + tl, *q;
    for (const char *p = t; (q = memchr(p, ' ', (size_t)(end - p))) != NULL; p = q + 1)
        if (q + 1 < end && q[1] == ' ')
            return 1;
    for (const char *p = t; (q = memchr(p, 0xE3, (size_t)(end - p))) != NULL; p = q + 1)
        if (end - q >= 3 && (unsigned char)q[1] == 0x80 && (unsigned char)q[2] == 0x80)
            return 1;
    return 0;
}

/* Whether the line T (TL bytes, not terminated) contains " | ". */
static int
has_bar(const char *t, size_t tl)
{
    for (size_t i = 0; i + 3 <= tl; i++)
        if (t[i] == ' ' && t[i + 1] == '|' && t[i + 2] == ' ')
            return 1;
    return 0;
}

int
nj_textread(const char *text, size_t len, struct nj_doc *doc)
{
    struct span cells[MAX_CELLS];
    const char *p = text, *end = text + len;
    unsigned line = 0;
    int in_table = 0;
    int rc = 0;
    /* Without a CR anywhere, a line ends at the next LF (found by memchr). */
    int has_cr = memchr(text, '\r', len) != NULL;
    while (p < end && rc == 0) {
        const char *eol;
        if (!has_cr) {
            eol = memchr(p, '\n', (size_t)(end - p));
            if (eol == NULL)
                eol = end;
        } else {
            eol = p;
            while (eol < end && *eol != '\n' && *eol != '\r')
                eol++;
        }
        const char *next = eol;
        if (next < end && *next == '\r')
            next++;
        if (next < end && *next == '\n')
            next++;
        line++;
        const char *s = p;
        size_t l = (size_t)(eol - p);
        p = next;
        const char *t = s;
        size_t tl = l;
        trim(&t, &tl);
        if (tl == 0) {
            if (in_table) {
                nj_doc_end_table(doc);
                in_table = 0;
            }
            continue;
        }
        size_t n = 0;
        if (memchr(s, '\t', l) != NULL) {
            n = split_on(s, l, '\t', cells);
        } else if (memchr(t, '|', tl) != NULL &&
                   (t[0] == '|' || count_char(t, tl, '|') >= 2 || (tl > 3 && has_bar(t, tl)))) {
            if (is_md_separator(t, tl))
                continue;
            /* A Markdown row has a border at both ends ("| a | b |"); a line copied from a
             * web page with " | " between cells starts with '|' only when its first cell
             * is empty, and that cell counts, so the columns of all rows line up. */
            const char *u = t;
            size_t ul = tl;
            if (ul >= 2 && u[0] == '|' && u[ul - 1] == '|') {
                u++;
                ul -= 2;
            } else if (ul && u[ul - 1] == '|') {
                ul--;
            }
            n = split_on(u, ul, '|', cells);
        } else if (has_gap(t, tl)) {
            struct span sp[MAX_CELLS];
            size_t k = split_spaces(t, tl, sp);
            int numeric = 0;
            for (size_t i = 0; i < k; i++) {
                char tmp[128];
                size_t cl = sp[i].len < sizeof(tmp) - 1 ? sp[i].len : sizeof(tmp) - 1;
                memcpy(tmp, sp[i].s, cl);
                tmp[cl] = '\0';
                numeric += nj_num_like(tmp);
            }
            if (k >= 2 && numeric >= 1) {
                memcpy(cells, sp, k * sizeof(*sp));
                n = k;
            }
        }
        if (n >= 2) {
            if (!in_table) {
                nj_doc_begin_table(doc);
                in_table = 1;
            }
            rc = add_row(doc, cells, n, line);
            continue;
        }
        if (in_table) {
            nj_doc_end_table(doc);
            in_table = 0;
        }
        unsigned heading = 0;
        while (tl && t[0] == '#') {
            heading++;
            t++;
            tl--;
        }
        trim(&t, &tl);
        rc = nj_doc_add_text(doc, t, tl, line, heading);
    }
    return rc;
}
