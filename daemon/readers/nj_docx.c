/*
 * nj_docx.c - the DOCX reader: a WordprocessingML package (as Word and WPS write it)
 * becomes an nj_doc.
 *
 * The archive is treated as hostile.  It is opened from memory with libzip; the number of
 * entries, each part's inflated size and its inflation ratio are capped and checked while
 * inflating (a bounded loop, never trusting the sizes the archive declares); encrypted
 * entries, a missing word/document.xml, damaged or truncated archives and malformed XML
 * are refused with a reason a person can act on.  The XML is parsed without network
 * access, without loading or substituting entities, and a document type declaration is
 * refused outright.
 *
 * Elements are matched on namespace URI and local name, never on prefix, so the
 * transitional and strict WordprocessingML namespaces and any prefix WPS chooses work.
 * Body paragraphs become text blocks (the runs of a paragraph joined first, so "1" "2"
 * reads "12"; w:tab is a tab; w:br starts a new block), the paragraph style or outline
 * level gives the heading hint, automatic numbering (word/numbering.xml, nj_docxnum.h) is
 * rendered before the text, and tables become rows with their real grid: w:gridBefore,
 * w:gridSpan (colspan) and w:vMerge restart/continue (rowspan; continue cells carry a copy
 * of the restart cell's text and NJ_CELL_SPANNED).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_readers.h"
#include "nj_arena.h"
#include "nj_doc.h"
#include "nj_docxnum.h"
#include "nj_rtext.h"
#include "nj_wxml.h"

#include <zip.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DOCX_MAX_COLS 200u
#define DOCX_MAX_ROWS 5000u

enum why {
    WHY_OK = 0,
    WHY_NOZIP,
    WHY_ENTRIES,
    WHY_ENCRYPTED,
    WHY_NODOC,
    WHY_ODT,
    WHY_XLSX,
    WHY_PPTX,
    WHY_TOOBIG,
    WHY_RATIO,
    WHY_CORRUPT,
    WHY_XML,
    WHY_DTD,
    WHY_NOMEM,
};

static const char *const why_zh[] = {
    "",
    "文件不是有效的 Word 文档（.docx 压缩包损坏或被截断），请在 Word 或 WPS 中重新另存为 .docx",
    "文件不是正常的 Word 文档：压缩包中的条目过多，出于安全原因不予读取；请在 Word 或 WPS "
    "中重新另存为 .docx",
    "Word 文档已加密或设有打开密码，无法读取；请取消密码后重新另存为 .docx",
    "压缩包中没有 word/document.xml，不是 Word 文档（可能是 .xlsx、.pptx "
    "或其他压缩包）；请在 Word 或 WPS 中另存为 .docx",
    "文件是 OpenDocument 文字文档（.odt），不是 .docx；请在 WPS 或 Word 中打开后另存为 .docx",
    "文件是 Excel 表格（.xlsx），不是 Word 文档；请提交 Word（.docx）格式的年度报告",
    "文件是 PowerPoint 演示文稿（.pptx），不是 Word 文档；请提交 Word（.docx）格式的年度报告",
    "Word 文档正文解压后超过大小上限，出于安全原因不予读取",
    "Word 文档的压缩比异常（疑似压缩炸弹），出于安全原因不予读取",
    "Word 文档内容已损坏（解压失败或校验错误），请在 Word 或 WPS 中重新另存为 .docx",
    "Word 文档正文（word/document.xml）不是格式正确的 XML，文件已损坏；请在 Word 或 WPS "
    "中重新另存为 .docx",
    "Word 文档正文含有 DTD 声明，出于安全原因不予读取；请在 Word 或 WPS 中重新另存为 .docx",
    "内存不足，无法读取 Word 文档",
};

static const char *const why_en[] = {
    "",
    "the file is not a valid Word document (the .docx archive is damaged or truncated); open "
    "it in Word or WPS and save it again as .docx",
    "the file is not a normal Word document: its archive has too many entries and is not "
    "read for safety; save it again as .docx in Word or WPS",
    "the Word document is encrypted or password-protected and cannot be read; remove the "
    "password and save it again as .docx",
    "the archive has no word/document.xml, so it is not a Word document (perhaps .xlsx, "
    ".pptx or another archive); save the report as .docx in Word or WPS",
    "the file is an OpenDocument text (.odt), not .docx; open it in WPS or Word and save it "
    "as .docx",
    "the file is an Excel workbook (.xlsx), not a Word document; submit the report as .docx",
    "the file is a PowerPoint presentation (.pptx), not a Word document; submit the report as "
    ".docx",
    "the Word document's text is larger than the size limit once inflated and is not read "
    "for safety",
    "the Word document inflates at an abnormal ratio (a suspected zip bomb) and is not read "
    "for safety",
    "the Word document is damaged (inflating failed or a checksum is wrong); open it in Word "
    "or WPS and save it again as .docx",
    "the Word document's text (word/document.xml) is not well-formed XML, the file is "
    "damaged; open it in Word or WPS and save it again as .docx",
    "the Word document's text contains a DTD declaration and is not read for safety; save it "
    "again as .docx in Word or WPS",
    "out of memory while reading the Word document",
};

void
nj_docx_default_limits(struct nj_docx_limits *lim)
{
    lim->max_entries = 10000;
    lim->max_part_bytes = 64u * 1024 * 1024;
    lim->max_ratio = 200;
    lim->ratio_floor = 1024 * 1024;
}

/* ---- the archive ------------------------------------------------------------------------ */

static int
ratio_exceeded(const struct nj_docx_limits *lim, uint64_t inflated, uint64_t compressed)
{
    if (inflated <= lim->ratio_floor)
        return 0;
    if (compressed == 0)
        return 1;
    return inflated / compressed > lim->max_ratio;
}

static enum why
zip_why(int ze)
{
    switch (ze) {
    case ZIP_ER_NOPASSWD:
    case ZIP_ER_WRONGPASSWD:
    case ZIP_ER_ENCRNOTSUPP:
        return WHY_ENCRYPTED;
    case ZIP_ER_MEMORY:
        return WHY_NOMEM;
    default:
        return WHY_CORRUPT;
    }
}

/* Inflates entry IDX into *OUT (NUL-terminated, malloc'd) within the limits. */
static enum why
read_entry(zip_t *za, zip_uint64_t idx, const struct nj_docx_limits *lim, char **out,
           size_t *out_len)
{
    enum why why = WHY_OK;
    zip_file_t *zf = NULL;
    char *data = NULL;
    size_t len = 0, cap = 0;
    zip_stat_t st;

    zip_stat_init(&st);
    if (zip_stat_index(za, idx, 0, &st) != 0)
        return WHY_CORRUPT;
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return WHY_ENCRYPTED;
    uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (st.valid & ZIP_STAT_SIZE) {
        if (st.size > lim->max_part_bytes)
            return WHY_TOOBIG;
        if (ratio_exceeded(lim, st.size, comp))
            return WHY_RATIO;
    }
    zf = zip_fopen_index(za, idx, 0);
    if (zf == NULL)
        return zip_why(zip_error_code_zip(zip_get_error(za)));
    /* room for the declared size (up to 16 MB) and the last read, so no copy as it grows */
    size_t first = 65536 * 2;
    if ((st.valid & ZIP_STAT_SIZE) && st.size + 65536 + 1 > first)
        first = (size_t)(st.size < 16u * 1024 * 1024 ? st.size : 16u * 1024 * 1024) + 65536 + 1;
    for (;;) {
        if (cap - len < 65536 + 1) {
            size_t ncap = cap ? cap * 2 : first;
            char *p = realloc(data, ncap);
            if (p == NULL) {
                why = WHY_NOMEM;
                goto out;
            }
            data = p;
            cap = ncap;
        }
        zip_int64_t n = zip_fread(zf, data + len, 65536);
        if (n < 0) {
            why = zip_why(zip_error_code_zip(zip_file_get_error(zf)));
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > lim->max_part_bytes) {
            why = WHY_TOOBIG;
            goto out;
        }
        if (ratio_exceeded(lim, len, comp)) {
            why = WHY_RATIO;
            goto out;
        }
    }
    data[len] = '\0';
    *out = data;
    *out_len = len;
    data = NULL;
out:
    free(data);
    zip_fclose(zf);
    return why;
}

/* ---- XML helpers --------------------------------------------------------------------- */

typedef struct nj_wx_node wnode;

static int
is_w(const wnode *n, enum nj_wx_elem name)
{
    return n != NULL && !n->text && (n->ns == NJ_WX_NS_W || n->ns == NJ_WX_NS_WS) &&
           n->name == name;
}

/* An element named NAME in any namespace (or none). */
static int
is_named(const wnode *n, enum nj_wx_elem name)
{
    return !n->text && n->name == name;
}

static const wnode *
w_child(const struct nj_wx *t, const wnode *n, enum nj_wx_elem name)
{
    for (const wnode *c = nj_wx_first(t, n); c != NULL; c = nj_wx_next(t, c))
        if (is_w(c, name))
            return c;
    return NULL;
}

/* The w:val of N, NULL when absent. */
static const char *
w_val(struct nj_wx *t, const wnode *n)
{
    if (n == NULL)
        return NULL;
    const char *v = nj_wx_attr(t, n, NJ_WX_A_VAL, NJ_WX_NS_W);
    if (v == NULL)
        v = nj_wx_attr(t, n, NJ_WX_A_VAL, NJ_WX_NS_WS);
    if (v == NULL)
        v = nj_wx_attr(t, n, NJ_WX_A_VAL, NJ_WX_NS_ANY);
    return v;
}

static unsigned
w_val_uint(struct nj_wx *t, const wnode *n, unsigned dflt)
{
    const char *v = w_val(t, n);
    if (v == NULL)
        return dflt;
    unsigned long k = 0;
    int digits = 0;
    for (const char *s = v; *s >= '0' && *s <= '9'; s++, digits++)
        if (k < 100000)
            k = k * 10 + (unsigned long)(*s - '0');
    return digits ? (unsigned)k : dflt;
}

/* ---- styles: heading hints ---------------------------------------------------------------- */

struct style {
    char *id;
    unsigned level;  /* heading level hint, 0 for none */
    unsigned num_id; /* numbering the style applies (0 = none) */
    unsigned ilvl;
};

struct styles {
    struct style *v;
    size_t n;
};

/* "heading 2", "Heading2", "标题 2", "标题2" → 2; else 0. */
static unsigned
level_from_name(const char *s)
{
    const char *rest = NULL;
    if (strncasecmp(s, "heading", 7) == 0)
        rest = s + 7;
    else if (strncmp(s, "标题", strlen("标题")) == 0)
        rest = s + strlen("标题");
    if (rest == NULL)
        return 0;
    while (*rest == ' ')
        rest++;
    if (rest[0] >= '1' && rest[0] <= '9' && rest[1] == '\0')
        return (unsigned)(rest[0] - '0');
    return 0;
}

static void
styles_free(struct styles *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->v[i].id);
    free(st->v);
    st->v = NULL;
    st->n = 0;
}

static void
styles_load(struct styles *st, const char *xml, size_t len)
{
    if (len > INT_MAX)
        return;
    enum nj_wx_err werr;
    struct nj_wx *t = nj_wx_parse(xml, len, "styles.xml", &werr);
    if (t == NULL)
        return;
    const wnode *root = nj_wx_root(t);
    size_t cap = 0;
    for (const wnode *s = root && !nj_wx_has_int_subset(t) ? nj_wx_first(t, root) : NULL; s != NULL;
         s = nj_wx_next(t, s)) {
        if (!is_w(s, NJ_WX_E_STYLE))
            continue;
        const char *id = nj_wx_attr(t, s, NJ_WX_A_STYLEID, (enum nj_wx_ns)s->ns);
        if (id == NULL)
            id = nj_wx_attr(t, s, NJ_WX_A_STYLEID, NJ_WX_NS_ANY);
        if (id == NULL)
            continue;
        unsigned level = 0;
        const char *name = w_val(t, w_child(t, s, NJ_WX_E_NAME));
        if (name != NULL)
            level = level_from_name(name);
        const wnode *ol = w_child(t, w_child(t, s, NJ_WX_E_PPR), NJ_WX_E_OUTLINELVL);
        if (level == 0 && ol != NULL) {
            unsigned v = w_val_uint(t, ol, 9);
            if (v < 9)
                level = v + 1;
        }
        const wnode *np = w_child(t, w_child(t, s, NJ_WX_E_PPR), NJ_WX_E_NUMPR);
        unsigned num_id = w_val_uint(t, w_child(t, np, NJ_WX_E_NUMID), 0);
        unsigned ilvl = w_val_uint(t, w_child(t, np, NJ_WX_E_ILVL), 0);
        if ((level == 0 && num_id == 0) || st->n >= 4096)
            continue;
        if (st->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct style *p = realloc(st->v, ncap * sizeof(*p));
            if (p == NULL)
                break;
            st->v = p;
            cap = ncap;
        }
        st->v[st->n].id = strdup(id);
        if (st->v[st->n].id == NULL)
            break;
        st->v[st->n].num_id = num_id;
        st->v[st->n].ilvl = ilvl;
        st->v[st->n++].level = level;
    }
    nj_wx_free(t);
}

static const struct style *
style_find(const struct styles *st, const char *id)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->v[i].id, id) == 0)
            return &st->v[i];
    return NULL;
}

/* The heading level hint of paragraph P (0 = body text). */
static unsigned
para_heading(struct nj_wx *t, const struct styles *st, const wnode *p)
{
    const wnode *ppr = w_child(t, p, NJ_WX_E_PPR);
    if (ppr == NULL)
        return 0;
    const wnode *ol = w_child(t, ppr, NJ_WX_E_OUTLINELVL);
    if (ol != NULL) {
        unsigned v = w_val_uint(t, ol, 9);
        if (v < 9)
            return v + 1;
    }
    const char *id = w_val(t, w_child(t, ppr, NJ_WX_E_PSTYLE));
    if (id == NULL)
        return 0;
    const struct style *sty = style_find(st, id);
    unsigned level = sty != NULL ? sty->level : 0;
    if (level == 0)
        level = level_from_name(id);
    return level;
}

/* ---- the document -------------------------------------------------------------------------- */

struct dctx {
    struct nj_doc *doc;
    struct nj_wx *t;
    const struct styles *styles;
    struct nj_docxnum *numbering; /* NULL without word/numbering.xml */
    unsigned para;
    int rc;
    /* the paragraph being walked */
    struct nj_sb cur;
    int cell_mode;      /* 1: pieces go into CELL with the joining rule */
    struct nj_sb *cell; /* the cell text being built */
    unsigned p_loc;     /* 0 until the paragraph emitted its first block */
    unsigned p_heading;
    int sep;            /* the next piece starts a cell of a nested table: join with a space */
    struct nj_sb spare; /* a buffer cell_text takes for CUR (kept from cell to cell) */
    struct nj_arena *cell_text; /* the texts of the table cells emitted, until the end */
};

/* A NUL-terminated copy of SB kept until the walk ends, or NULL. */
static const char *
keep_cell_text(struct dctx *c, const struct nj_sb *sb)
{
    if (c->cell_text == NULL && (c->cell_text = nj_arena_new()) == NULL)
        return NULL;
    return nj_arena_strndup(c->cell_text, sb->len ? sb->p : "", sb->len);
}

/* Ends the current line of a body paragraph, or the current piece of a cell. */
static void
piece_end(struct dctx *c)
{
    if (c->rc)
        return;
    if (c->cell_mode) {
        for (size_t i = 0; i < c->cur.len; i++)
            if (c->cur.p[i] == '\t')
                c->cur.p[i] = ' ';
        nj_sb_trim(&c->cur);
        if (c->cur.len > 0) {
            if (c->sep && c->cell->len > 0 && nj_sb_add(c->cell, " ", 1) != NJ_OK)
                c->rc = NJ_ENOMEM;
            if (nj_sb_join(c->cell, c->cur.p, c->cur.len) != NJ_OK)
                c->rc = NJ_ENOMEM;
            c->sep = 0;
        }
    } else {
        nj_sb_trim(&c->cur);
        int blank = 1;
        for (size_t i = 0; i < c->cur.len && blank; i++)
            blank = c->cur.p[i] == '\t';
        if (!blank) {
            if (c->p_loc == 0)
                c->p_loc = ++c->para;
            c->rc = nj_doc_add_text(c->doc, c->cur.p, c->cur.len, c->p_loc, c->p_heading);
        }
    }
    nj_sb_reset(&c->cur);
}

/* The mc:Fallback child of an mc:AlternateContent (any prefix), else NULL. */
static const wnode *
alternate_fallback(const struct nj_wx *t, const wnode *n)
{
    for (const wnode *c = nj_wx_first(t, n); c != NULL; c = nj_wx_next(t, c))
        if (is_named(c, NJ_WX_E_FALLBACK))
            return c;
    return NULL;
}

static int
is_skipped_run_content(const wnode *n)
{
    switch (n->name) {
    case NJ_WX_E_ALTERNATECONTENT:
        return 1;
    case NJ_WX_E_PPR:
    case NJ_WX_E_RPR:
    case NJ_WX_E_DEL:
    case NJ_WX_E_MOVEFROM:
    case NJ_WX_E_DRAWING:
    case NJ_WX_E_PICT:
    case NJ_WX_E_OBJECT:
    case NJ_WX_E_INSTRTEXT:
    case NJ_WX_E_DELTEXT:
    case NJ_WX_E_FLDCHAR:
    case NJ_WX_E_SECTPR:
    case NJ_WX_E_TBLPR:
    case NJ_WX_E_FOOTNOTEREFERENCE:
    case NJ_WX_E_ENDNOTEREFERENCE:
    case NJ_WX_E_COMMENTREFERENCE:
        return n->ns == NJ_WX_NS_W || n->ns == NJ_WX_NS_WS;
    default:
        return 0;
    }
}

static void walk_table(struct dctx *c, const wnode *tbl, int depth);

/* Appends the automatic number of paragraph P ("一、", "1." …), from the paragraph's own
 * w:numPr or its style's, to the text being built. */
static void
para_label(struct dctx *c, const wnode *p)
{
    if (c->numbering == NULL || c->rc)
        return;
    struct nj_wx *t = c->t;
    const wnode *ppr = w_child(t, p, NJ_WX_E_PPR);
    const wnode *np = w_child(t, ppr, NJ_WX_E_NUMPR);
    unsigned num_id = 0, ilvl = 0;
    if (np != NULL) {
        num_id = w_val_uint(t, w_child(t, np, NJ_WX_E_NUMID), 0);
        ilvl = w_val_uint(t, w_child(t, np, NJ_WX_E_ILVL), 0);
    } else {
        const char *id = w_val(t, w_child(t, ppr, NJ_WX_E_PSTYLE));
        if (id != NULL) {
            const struct style *sty = style_find(c->styles, id);
            if (sty != NULL) {
                num_id = sty->num_id;
                ilvl = sty->ilvl;
            }
        }
    }
    if (num_id != 0 && nj_docxnum_label(c->numbering, num_id, ilvl, &c->cur) != NJ_OK)
        c->rc = NJ_ENOMEM;
}

/* Walks the inside of a paragraph (runs, hyperlinks, insertions, content controls …). */
static void
walk_runs(struct dctx *c, const wnode *parent, int depth)
{
    const struct nj_wx *t = c->t;
    for (const wnode *n = nj_wx_first(t, parent); n != NULL && c->rc == 0; n = nj_wx_next(t, n)) {
        if (n->text)
            continue;
        if (n->name == NJ_WX_E_ALTERNATECONTENT) {
            /* the fallback holds plain runs (text boxes in it are w:pict, skipped) */
            const wnode *fb = alternate_fallback(t, n);
            if (fb != NULL && depth < NJ_READERS_MAX_DEPTH)
                walk_runs(c, fb, depth + 1);
            continue;
        }
        if (is_skipped_run_content(n))
            continue;
        int w = n->ns == NJ_WX_NS_W || n->ns == NJ_WX_NS_WS;
        enum nj_wx_elem name = w ? (enum nj_wx_elem)n->name : NJ_WX_E_OTHER;
        switch (name) {
        case NJ_WX_E_T:
            if (nj_wx_content(t, n, &c->cur) != NJ_OK)
                c->rc = NJ_ENOMEM;
            break;
        case NJ_WX_E_TAB:
        case NJ_WX_E_PTAB:
            if (nj_sb_add(&c->cur, "\t", 1) != NJ_OK)
                c->rc = NJ_ENOMEM;
            break;
        case NJ_WX_E_NOBREAKHYPHEN:
            if (nj_sb_add(&c->cur, "-", 1) != NJ_OK)
                c->rc = NJ_ENOMEM;
            break;
        case NJ_WX_E_BR:
        case NJ_WX_E_CR:
            piece_end(c);
            break;
        case NJ_WX_E_P:
            /* a paragraph nested where runs were expected (content controls) */
            piece_end(c);
            para_label(c, n);
            if (depth < NJ_READERS_MAX_DEPTH)
                walk_runs(c, n, depth + 1);
            piece_end(c);
            break;
        case NJ_WX_E_TBL:
            piece_end(c);
            if (depth < NJ_READERS_MAX_DEPTH)
                walk_table(c, n, depth + 1);
            break;
        default:
            if (depth < NJ_READERS_MAX_DEPTH)
                walk_runs(c, n, depth + 1);
            break;
        }
    }
}

/* The paragraphs and nested tables of a cell, as pieces of the cell's text. */
static void
walk_cell_content(struct dctx *c, const wnode *tc, int depth)
{
    const struct nj_wx *t = c->t;
    for (const wnode *n = nj_wx_first(t, tc); n != NULL && c->rc == 0; n = nj_wx_next(t, n)) {
        if (n->text || is_w(n, NJ_WX_E_TCPR) || depth >= NJ_READERS_MAX_DEPTH)
            continue;
        piece_end(c);
        if (is_w(n, NJ_WX_E_TBL)) {
            walk_table(c, n, depth + 1);
        } else {
            if (is_w(n, NJ_WX_E_P))
                para_label(c, n);
            walk_runs(c, n, depth + 1);
        }
        piece_end(c);
    }
}

/* The text of table cell TC into OUT (paragraphs and nested tables joined). */
static void
cell_text(struct dctx *c, const wnode *tc, struct nj_sb *out, int depth)
{
    struct nj_sb saved_cur = c->cur;
    int saved_mode = c->cell_mode;
    struct nj_sb *saved_cell = c->cell;
    c->cur = c->spare; /* (taken: a cell_text below this one starts from an empty one) */
    nj_sb_init(&c->spare);
    nj_sb_reset(&c->cur);
    nj_sb_reset(out);
    c->cell_mode = 1;
    c->cell = out;
    c->sep = 0;
    walk_cell_content(c, tc, depth);
    if (c->spare.p == NULL) {
        c->spare = c->cur;
    } else {
        nj_sb_free(&c->cur);
    }
    c->cur = saved_cur;
    c->cell_mode = saved_mode;
    c->cell = saved_cell;
}

/* Calls FN for the w:tr (or w:tc) children of N, looking through content controls. */
static size_t
list_children(const struct nj_wx *t, const wnode *n, enum nj_wx_elem name, const wnode **out,
              size_t max, int depth)
{
    size_t k = 0;
    for (const wnode *ch = nj_wx_first(t, n); ch != NULL && k < max; ch = nj_wx_next(t, ch)) {
        if (is_w(ch, name))
            out[k++] = ch;
        else if ((is_w(ch, NJ_WX_E_SDT) || is_w(ch, NJ_WX_E_CUSTOMXML) ||
                  is_w(ch, NJ_WX_E_SDTCONTENT)) &&
                 depth < 8)
            k += list_children(t, ch, name, out + k, max - k, depth + 1);
    }
    return k;
}

struct tgrid {
    const char *above[DOCX_MAX_COLS]; /* text of the last cell at each grid column */
    const wnode *rows[DOCX_MAX_ROWS];
    const wnode *cells[DOCX_MAX_COLS];
};

enum merge { MERGE_NONE, MERGE_RESTART, MERGE_CONTINUE };

static enum merge
merge_of(struct nj_wx *t, const wnode *tcpr, enum nj_wx_elem name)
{
    const wnode *m = w_child(t, tcpr, name);
    if (m == NULL)
        return MERGE_NONE;
    const char *v = w_val(t, m);
    return (v != NULL && strcmp(v, "restart") == 0) ? MERGE_RESTART : MERGE_CONTINUE;
}

static int
on_off(struct nj_wx *t, const wnode *n)
{
    if (n == NULL)
        return 0;
    const char *v = w_val(t, n);
    return v == NULL || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

/* A table in the body: rows with the real grid.  Nested tables (in cell mode) give text. */
static void
walk_table(struct dctx *c, const wnode *tbl, int depth)
{
    struct nj_wx *t = c->t;
    if (c->cell_mode) {
        /* inside a cell: the nested table's cells are pieces of the outer cell's text */
        const wnode *rows[64];
        size_t nr = list_children(t, tbl, NJ_WX_E_TR, rows, 64, 0);
        for (size_t r = 0; r < nr && c->rc == 0; r++) {
            const wnode *cells[64];
            size_t nc = list_children(t, rows[r], NJ_WX_E_TC, cells, 64, 0);
            for (size_t i = 0; i < nc && c->rc == 0; i++) {
                piece_end(c);
                c->sep = 1;
                walk_cell_content(c, cells[i], depth);
            }
        }
        return;
    }
    struct tgrid *g = malloc(sizeof(*g));
    struct nj_sb sb;
    nj_sb_init(&sb);
    if (g == NULL) {
        c->rc = NJ_ENOMEM;
        return;
    }
    memset(g->above, 0, sizeof(g->above));
    unsigned loc = ++c->para;
    size_t nr = list_children(t, tbl, NJ_WX_E_TR, g->rows, DOCX_MAX_ROWS, 0);
    if (c->rc == 0)
        c->rc = nj_doc_begin_table(c->doc);
    for (size_t r = 0; r < nr && c->rc == 0; r++) {
        const wnode *trpr = w_child(t, g->rows[r], NJ_WX_E_TRPR);
        unsigned col = w_val_uint(t, w_child(t, trpr, NJ_WX_E_GRIDBEFORE), 0);
        unsigned hf = on_off(t, w_child(t, trpr, NJ_WX_E_TBLHEADER)) ? NJ_CELL_HEADING : 0;
        const char *left = NULL;
        if (col > DOCX_MAX_COLS)
            col = DOCX_MAX_COLS;
        c->rc = nj_doc_add_row(c->doc, loc);
        size_t nc = list_children(t, g->rows[r], NJ_WX_E_TC, g->cells, DOCX_MAX_COLS, 0);
        for (size_t i = 0; i < nc && c->rc == 0 && col < DOCX_MAX_COLS; i++) {
            const wnode *tcpr = w_child(t, g->cells[i], NJ_WX_E_TCPR);
            unsigned span = w_val_uint(t, w_child(t, tcpr, NJ_WX_E_GRIDSPAN), 1);
            if (span == 0)
                span = 1;
            if (span > DOCX_MAX_COLS - col)
                span = DOCX_MAX_COLS - col;
            const char *txt;
            unsigned first = 0;
            if (merge_of(t, tcpr, NJ_WX_E_VMERGE) == MERGE_CONTINUE && g->above[col] != NULL) {
                txt = g->above[col];
                first = NJ_CELL_SPANNED;
            } else if (merge_of(t, tcpr, NJ_WX_E_HMERGE) == MERGE_CONTINUE && left != NULL) {
                txt = left;
                first = NJ_CELL_SPANNED;
            } else {
                cell_text(c, g->cells[i], &sb, depth + 1);
                txt = c->rc == 0 ? keep_cell_text(c, &sb) : NULL;
                if (txt == NULL) {
                    c->rc = NJ_ENOMEM;
                    break;
                }
            }
            for (unsigned k = 0; k < span && c->rc == 0; k++) {
                c->rc = nj_doc_add_cell(c->doc, txt, strlen(txt), col + k,
                                        (k ? NJ_CELL_SPANNED : first) | hf);
                g->above[col + k] = txt;
            }
            left = txt;
            col += span;
        }
    }
    if (c->rc == 0)
        c->rc = nj_doc_end_table(c->doc);
    free(g);
    nj_sb_free(&sb);
}

static void
walk_body(struct dctx *c, const wnode *parent, int depth)
{
    const struct nj_wx *t = c->t;
    for (const wnode *n = nj_wx_first(t, parent); n != NULL && c->rc == 0; n = nj_wx_next(t, n)) {
        if (is_w(n, NJ_WX_E_P)) {
            c->p_loc = 0;
            c->p_heading = para_heading(c->t, c->styles, n);
            nj_sb_reset(&c->cur);
            para_label(c, n);
            walk_runs(c, n, depth + 1);
            piece_end(c);
        } else if (is_w(n, NJ_WX_E_TBL)) {
            walk_table(c, n, depth + 1);
        } else if ((is_w(n, NJ_WX_E_SDT) || is_w(n, NJ_WX_E_SDTCONTENT) ||
                    is_w(n, NJ_WX_E_CUSTOMXML) || is_w(n, NJ_WX_E_INS) ||
                    is_w(n, NJ_WX_E_MOVETO)) &&
                   depth < NJ_READERS_MAX_DEPTH) {
            walk_body(c, n, depth + 1);
        }
    }
}

/*
 * The main document part named by the package relationships (_rels/.rels, type
 * ".../officeDocument"), for packages whose part is not word/document.xml; -1 when the
 * relationships are absent, unreadable or name no part of the archive.
 */
static zip_int64_t
main_part(zip_t *za, const struct nj_docx_limits *lim)
{
    zip_int64_t ridx = zip_name_locate(za, "_rels/.rels", ZIP_FL_NOCASE);
    char *rels = NULL;
    size_t len = 0;
    if (ridx < 0 || read_entry(za, (zip_uint64_t)ridx, lim, &rels, &len) != WHY_OK)
        return -1;
    zip_int64_t idx = -1;
    struct nj_wx *t = NULL;
    enum nj_wx_err werr;
    if (len <= INT_MAX && strstr(rels, "<!DOCTYPE") == NULL)
        t = nj_wx_parse(rels, len, "rels", &werr);
    const wnode *root = t ? nj_wx_root(t) : NULL;
    for (const wnode *n = nj_wx_first(t, root); n != NULL && idx < 0; n = nj_wx_next(t, n)) {
        if (!is_named(n, NJ_WX_E_RELATIONSHIP))
            continue;
        const char *type = nj_wx_attr(t, n, NJ_WX_A_TYPE, NJ_WX_NS_ANY);
        const char *target = nj_wx_attr(t, n, NJ_WX_A_TARGET, NJ_WX_NS_ANY);
        const char *suffix = "/officeDocument";
        size_t tl = type ? strlen(type) : 0;
        if (target != NULL && tl >= strlen(suffix) &&
            strcmp(type + tl - strlen(suffix), suffix) == 0) {
            const char *name = target;
            while (*name == '/')
                name++;
            idx = zip_name_locate(za, name, 0);
        }
    }
    nj_wx_free(t);
    free(rels);
    return idx;
}

/* ---- entry points ------------------------------------------------------------------------ */

static enum why
read_docx(const unsigned char *buf, size_t len, const struct nj_docx_limits *lim,
          struct nj_doc *doc)
{
    enum why why = WHY_OK;
    zip_error_t ze;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    char *xml = NULL, *sxml = NULL, *nxml = NULL;
    size_t xml_len = 0, sxml_len = 0, nxml_len = 0;
    struct nj_wx *d = NULL;
    struct styles st = {0};
    struct dctx c = {0};
    nj_sb_init(&c.cur);

    zip_error_init(&ze);
    if (len < 22) { /* shorter than an end-of-central-directory record */
        why = WHY_NOZIP;
        goto out;
    }
    src = zip_source_buffer_create(buf, len, 0, &ze);
    if (src == NULL) {
        why = WHY_NOMEM;
        goto out;
    }
    za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (za == NULL) {
        zip_source_free(src);
        why = zip_error_code_zip(&ze) == ZIP_ER_MEMORY ? WHY_NOMEM : WHY_NOZIP;
        goto out;
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0 || (uint64_t)n > lim->max_entries) {
        why = n < 0 ? WHY_NOZIP : WHY_ENTRIES;
        goto out;
    }
    zip_int64_t idx = main_part(za, lim);
    if (idx < 0)
        idx = zip_name_locate(za, "word/document.xml", 0);
    if (idx < 0)
        idx = zip_name_locate(za, "word/document.xml", ZIP_FL_NOCASE);
    if (idx < 0) {
        if (zip_name_locate(za, "content.xml", 0) >= 0)
            why = WHY_ODT;
        else if (zip_name_locate(za, "xl/workbook.xml", ZIP_FL_NOCASE) >= 0)
            why = WHY_XLSX;
        else if (zip_name_locate(za, "ppt/presentation.xml", ZIP_FL_NOCASE) >= 0)
            why = WHY_PPTX;
        else
            why = WHY_NODOC;
        goto out;
    }
    why = read_entry(za, (zip_uint64_t)idx, lim, &xml, &xml_len);
    if (why != WHY_OK)
        goto out;
    zip_int64_t sidx = zip_name_locate(za, "word/styles.xml", ZIP_FL_NOCASE);
    if (sidx >= 0 && read_entry(za, (zip_uint64_t)sidx, lim, &sxml, &sxml_len) == WHY_OK)
        styles_load(&st, sxml, sxml_len);
    zip_int64_t nidx = zip_name_locate(za, "word/numbering.xml", ZIP_FL_NOCASE);
    if (nidx >= 0 && read_entry(za, (zip_uint64_t)nidx, lim, &nxml, &nxml_len) == WHY_OK)
        c.numbering = nj_docxnum_load(nxml, nxml_len);

    if (strstr(xml, "<!DOCTYPE") != NULL) {
        why = WHY_DTD;
        goto out;
    }
    if (xml_len > INT_MAX) {
        why = WHY_TOOBIG;
        goto out;
    }
    enum nj_wx_err werr;
    d = nj_wx_parse(xml, xml_len, "document.xml", &werr);
    if (d == NULL) {
        why = werr == NJ_WX_ENOMEM ? WHY_NOMEM : WHY_XML;
        goto out;
    }
    if (nj_wx_has_int_subset(d) || nj_wx_has_ext_subset(d)) {
        why = WHY_DTD;
        goto out;
    }
    const wnode *root = nj_wx_root(d);
    const wnode *body = is_w(root, NJ_WX_E_DOCUMENT) ? w_child(d, root, NJ_WX_E_BODY) : NULL;
    if (body == NULL) {
        why = WHY_XML;
        goto out;
    }
    c.doc = doc;
    c.t = d;
    c.styles = &st;
    walk_body(&c, body, 0);
    if (c.rc != 0)
        why = WHY_NOMEM;
out:
    nj_sb_free(&c.cur);
    nj_sb_free(&c.spare);
    nj_arena_free(c.cell_text);
    nj_docxnum_free(c.numbering);
    free(nxml);
    styles_free(&st);
    nj_wx_free(d);
    free(xml);
    free(sxml);
    if (za != NULL)
        zip_discard(za);
    zip_error_fini(&ze);
    return why;
}

int
nj_docx_read_limited(const unsigned char *buf, size_t len, enum nj_lang lang,
                     const struct nj_docx_limits *lim, struct nj_doc *doc, char *encoding,
                     size_t encoding_size, char *err, size_t err_size)
{
    if (doc == NULL || lim == NULL)
        return NJ_EINVAL;
    if (buf == NULL)
        len = 0; /* read as an empty (invalid) archive */
    if (encoding != NULL && encoding_size > 0)
        snprintf(encoding, encoding_size, "%s", "UTF-8");
    enum why why = read_docx(buf, len, lim, doc);
    if (why == WHY_OK)
        return NJ_OK;
    if (err != NULL && err_size > 0)
        snprintf(err, err_size, "%s", lang == NJ_LANG_EN ? why_en[why] : why_zh[why]);
    return why == WHY_NOMEM ? NJ_ENOMEM : NJ_EINVAL;
}

int
nj_docx_read(const unsigned char *buf, size_t len, enum nj_lang lang, struct nj_doc *doc,
             char *encoding, size_t encoding_size, char *err, size_t err_size)
{
    struct nj_docx_limits lim;
    nj_docx_default_limits(&lim);
    return nj_docx_read_limited(buf, len, lang, &lim, doc, encoding, encoding_size, err, err_size);
}
