/*
 * nj_wxml.c - the element tree of one XML part of a .docx package (see nj_wxml.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_wxml.h"
#include "nj_core.h"
#include "nj_utf8.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define XML_NS_URI "http://www.w3.org/XML/1998/namespace"
#define XMLNS_NS_URI "http://www.w3.org/2000/xmlns/"

/*
 * The scanner's bounds, well inside libxml2's own (256 levels of nesting, 10,000,000 bytes
 * of text in one node or one attribute value, 50,000 bytes of name, 10,000,000 bytes of
 * distinct names): beyond them libxml2 decides.
 */
#define SCAN_MAX_DEPTH 200
#define SCAN_MAX_RUN 1000000
#define SCAN_MAX_NAME 1000
#define SCAN_MAX_INPUT (8u * 1024 * 1024)

struct nj_wx_attrv {
    uint32_t val; /* offset of the NUL-terminated value in str */
    uint8_t name; /* enum nj_wx_attr */
    uint8_t ns;   /* enum nj_wx_ns */
};

static const char *const attr_names[NJ_WX_A_COUNT] = {
    "", "val", "styleId", "ilvl", "abstractNumId", "numId", "Type", "Target",
};

/* ---- names ------------------------------------------------------------------------------ */

#define NAME_IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0)

static uint8_t
elem_id(const unsigned char *s, size_t n)
{
    switch (n) {
    case 1:
        return s[0] == 'p' ? NJ_WX_E_P : s[0] == 't' ? NJ_WX_E_T : NJ_WX_E_OTHER;
    case 2:
        if (NAME_IS("tc"))
            return NJ_WX_E_TC;
        if (NAME_IS("tr"))
            return NJ_WX_E_TR;
        if (NAME_IS("br"))
            return NJ_WX_E_BR;
        if (NAME_IS("cr"))
            return NJ_WX_E_CR;
        break;
    case 3:
        if (NAME_IS("rPr"))
            return NJ_WX_E_RPR;
        if (NAME_IS("pPr"))
            return NJ_WX_E_PPR;
        if (NAME_IS("tab"))
            return NJ_WX_E_TAB;
        if (NAME_IS("tbl"))
            return NJ_WX_E_TBL;
        if (NAME_IS("sdt"))
            return NJ_WX_E_SDT;
        if (NAME_IS("del"))
            return NJ_WX_E_DEL;
        if (NAME_IS("ins"))
            return NJ_WX_E_INS;
        if (NAME_IS("lvl"))
            return NJ_WX_E_LVL;
        if (NAME_IS("num"))
            return NJ_WX_E_NUM;
        break;
    case 4:
        if (NAME_IS("tcPr"))
            return NJ_WX_E_TCPR;
        if (NAME_IS("trPr"))
            return NJ_WX_E_TRPR;
        if (NAME_IS("body"))
            return NJ_WX_E_BODY;
        if (NAME_IS("ilvl"))
            return NJ_WX_E_ILVL;
        if (NAME_IS("name"))
            return NJ_WX_E_NAME;
        if (NAME_IS("pict"))
            return NJ_WX_E_PICT;
        if (NAME_IS("ptab"))
            return NJ_WX_E_PTAB;
        if (NAME_IS("suff"))
            return NJ_WX_E_SUFF;
        break;
    case 5:
        if (NAME_IS("numId"))
            return NJ_WX_E_NUMID;
        if (NAME_IS("numPr"))
            return NJ_WX_E_NUMPR;
        if (NAME_IS("start"))
            return NJ_WX_E_START;
        if (NAME_IS("style"))
            return NJ_WX_E_STYLE;
        if (NAME_IS("tblPr"))
            return NJ_WX_E_TBLPR;
        break;
    case 6:
        if (NAME_IS("pStyle"))
            return NJ_WX_E_PSTYLE;
        if (NAME_IS("vMerge"))
            return NJ_WX_E_VMERGE;
        if (NAME_IS("hMerge"))
            return NJ_WX_E_HMERGE;
        if (NAME_IS("sectPr"))
            return NJ_WX_E_SECTPR;
        if (NAME_IS("moveTo"))
            return NJ_WX_E_MOVETO;
        if (NAME_IS("numFmt"))
            return NJ_WX_E_NUMFMT;
        if (NAME_IS("object"))
            return NJ_WX_E_OBJECT;
        break;
    case 7:
        if (NAME_IS("delText"))
            return NJ_WX_E_DELTEXT;
        if (NAME_IS("drawing"))
            return NJ_WX_E_DRAWING;
        if (NAME_IS("fldChar"))
            return NJ_WX_E_FLDCHAR;
        if (NAME_IS("lvlText"))
            return NJ_WX_E_LVLTEXT;
        break;
    case 8:
        if (NAME_IS("gridSpan"))
            return NJ_WX_E_GRIDSPAN;
        if (NAME_IS("document"))
            return NJ_WX_E_DOCUMENT;
        if (NAME_IS("Fallback"))
            return NJ_WX_E_FALLBACK;
        if (NAME_IS("moveFrom"))
            return NJ_WX_E_MOVEFROM;
        break;
    case 9:
        if (NAME_IS("instrText"))
            return NJ_WX_E_INSTRTEXT;
        if (NAME_IS("tblHeader"))
            return NJ_WX_E_TBLHEADER;
        if (NAME_IS("customXml"))
            return NJ_WX_E_CUSTOMXML;
        break;
    case 10:
        if (NAME_IS("gridBefore"))
            return NJ_WX_E_GRIDBEFORE;
        if (NAME_IS("sdtContent"))
            return NJ_WX_E_SDTCONTENT;
        if (NAME_IS("outlineLvl"))
            return NJ_WX_E_OUTLINELVL;
        break;
    case 11:
        if (NAME_IS("abstractNum"))
            return NJ_WX_E_ABSTRACTNUM;
        if (NAME_IS("lvlOverride"))
            return NJ_WX_E_LVLOVERRIDE;
        break;
    case 12:
        if (NAME_IS("Relationship"))
            return NJ_WX_E_RELATIONSHIP;
        break;
    case 13:
        if (NAME_IS("noBreakHyphen"))
            return NJ_WX_E_NOBREAKHYPHEN;
        if (NAME_IS("abstractNumId"))
            return NJ_WX_E_ABSTRACTNUMID;
        if (NAME_IS("startOverride"))
            return NJ_WX_E_STARTOVERRIDE;
        break;
    case 16:
        if (NAME_IS("AlternateContent"))
            return NJ_WX_E_ALTERNATECONTENT;
        if (NAME_IS("commentReference"))
            return NJ_WX_E_COMMENTREFERENCE;
        if (NAME_IS("endnoteReference"))
            return NJ_WX_E_ENDNOTEREFERENCE;
        break;
    case 17:
        if (NAME_IS("footnoteReference"))
            return NJ_WX_E_FOOTNOTEREFERENCE;
        break;
    default:
        break;
    }
    return NJ_WX_E_OTHER;
}

static uint8_t
attr_id(const unsigned char *s, size_t n)
{
    switch (n) {
    case 3:
        return NAME_IS("val") ? NJ_WX_A_VAL : NJ_WX_A_OTHER;
    case 4:
        return NAME_IS("ilvl") ? NJ_WX_A_ILVL : NAME_IS("Type") ? NJ_WX_A_TYPE : NJ_WX_A_OTHER;
    case 5:
        return NAME_IS("numId") ? NJ_WX_A_NUMID : NJ_WX_A_OTHER;
    case 6:
        return NAME_IS("Target") ? NJ_WX_A_TARGET : NJ_WX_A_OTHER;
    case 7:
        return NAME_IS("styleId") ? NJ_WX_A_STYLEID : NJ_WX_A_OTHER;
    case 13:
        return NAME_IS("abstractNumId") ? NJ_WX_A_ABSTRACTNUMID : NJ_WX_A_OTHER;
    default:
        return NJ_WX_A_OTHER;
    }
}

#undef NAME_IS

static uint8_t
ns_of_uri(const char *uri, size_t n)
{
    if (n == 0)
        return NJ_WX_NS_NONE;
    if (n == sizeof(W_NS) - 1 && memcmp(uri, W_NS, n) == 0)
        return NJ_WX_NS_W;
    if (n == sizeof(W_NS_STRICT) - 1 && memcmp(uri, W_NS_STRICT, n) == 0)
        return NJ_WX_NS_WS;
    return NJ_WX_NS_OTHER;
}

/* ---- the tree ------------------------------------------------------------------------- */

static uint32_t
new_node(struct nj_wx *t)
{
    if (t->n_nodes == t->cap_nodes) {
        uint32_t cap = t->cap_nodes ? t->cap_nodes * 2 : 512;
        if (cap > (UINT32_MAX / 2) / sizeof(struct nj_wx_node))
            return 0;
        struct nj_wx_node *p = realloc(t->nodes, cap * sizeof(*p));
        if (p == NULL)
            return 0;
        t->nodes = p;
        t->cap_nodes = cap;
    }
    return t->n_nodes++;
}

static struct nj_wx *
tree_new(void)
{
    struct nj_wx *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    if (new_node(t) == 0 && t->n_nodes != 1) {
        free(t);
        return NULL;
    }
    memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
    return t;
}

/* Makes room for N more bytes of str. */
static int
str_reserve(struct nj_wx *t, size_t n)
{
    if (t->cap_str - t->n_str >= n)
        return 0;
    size_t cap = t->cap_str ? t->cap_str : 4096;
    while (cap - t->n_str < n) {
        if (cap > UINT32_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *p = realloc(t->str, cap);
    if (p == NULL)
        return -1;
    t->str = p;
    t->cap_str = cap;
    return 0;
}

static void
tree_reset(struct nj_wx *t)
{
    free(t->nodes);
    free(t->attrs);
    free(t->str);
    t->nodes = NULL;
    t->attrs = NULL;
    t->str = NULL;
    t->n_nodes = t->cap_nodes = t->n_attrs = t->cap_attrs = 0;
    t->n_str = t->cap_str = 0;
    t->root = 0;
}

void
nj_wx_free(struct nj_wx *t)
{
    if (t == NULL)
        return;
    tree_reset(t);
    for (size_t i = 0; i < t->n_owned; i++)
        xmlFree(t->owned[i]);
    free(t->owned);
    if (t->doc != NULL)
        xmlFreeDoc((xmlDoc *)t->doc);
    free(t);
}

/* ---- the scanner ---------------------------------------------------------------------- */

/*
 * Byte classes.  The input ends with a NUL byte, which is in no class, so loops over a
 * class stop at the end without a bounds check.
 */
enum {
    C_START = 1, /* ASCII name start character */
    C_NAME = 2,  /* ASCII name character */
    C_WS = 4,    /* space, tab, line feed (carriage returns are left to libxml2) */
    C_TEXT = 8,  /* character data as it stands: ASCII but controls, '<', '&', ']' */
    C_ATTR = 16, /* attribute value as it stands: ASCII but controls, '<', '&', quotes */
};

static const unsigned char cc[256] = {
    0,  0,  0,  0,  0,  0,  0,  0,  0,  12, 12, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  28, 24, 8,  24, 24, 24, 0,  8,  24, 24, 24, 24, 24, 26, 26, 24,
    26, 26, 26, 26, 26, 26, 26, 26, 26, 26, 24, 24, 0,  24, 24, 24, 24, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 24, 24, 16, 24, 27,
    24, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27,
    27, 27, 27, 24, 24, 24, 24, 24, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
};

struct binding {
    const unsigned char *prefix;
    uint32_t plen;
    uint8_t ns;
};

struct open {
    const unsigned char *qname;
    uint32_t qlen;
    uint32_t node;
    uint32_t last; /* last child so far */
    uint32_t nb;   /* bindings in force outside this element */
    int is_t;
};

enum rawkind { RA_OTHER, RA_KEPT, RA_XMLNS_DEFAULT, RA_XMLNS };

struct rawattr {
    const unsigned char *prefix, *local;
    uint32_t plen, llen;
    uint32_t val, vlen; /* the decoded value in t->str (RA_KEPT and RA_XMLNS*) */
    uint8_t kind;
    uint8_t id; /* enum nj_wx_attr */
};

struct scan {
    struct nj_wx *t;
    const unsigned char *p, *end;
    struct binding *b;
    uint32_t nb, cap_b;
    struct rawattr *ra;
    uint32_t nra, cap_ra;
    int depth;
    int in_t;
    /* the last prefix looked up */
    const unsigned char *c_prefix;
    uint32_t c_plen;
    uint8_t c_ns;
    int c_found;
    int c_valid;
    struct open stack[SCAN_MAX_DEPTH];
};

static int
bytes_eq(const unsigned char *a, const void *bv, size_t n)
{
    const unsigned char *b = bv;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

#define IS_LIT(s, n, lit) ((n) == sizeof(lit) - 1 && bytes_eq((s), (lit), sizeof(lit) - 1))

static int
skip_ws(struct scan *s)
{
    const unsigned char *p0 = s->p, *p = p0;
    while (cc[*p] & C_WS)
        p++;
    s->p = p;
    return p != p0;
}

/* An ASCII QName (prefix:local or local).  Returns 0, or -1 when it is none. */
static inline int
read_qname(struct scan *s, const unsigned char **prefix, uint32_t *plen,
           const unsigned char **local, uint32_t *llen)
{
    const unsigned char *p = s->p, *start = p;
    if (!(cc[*p] & C_START))
        return -1;
    p++;
    while (cc[*p] & C_NAME)
        p++;
    if (*p == ':') {
        *prefix = start;
        *plen = (uint32_t)(p - start);
        const unsigned char *l = ++p;
        if (!(cc[*p] & C_START))
            return -1;
        p++;
        while (cc[*p] & C_NAME)
            p++;
        if (*p == ':')
            return -1;
        *local = l;
        *llen = (uint32_t)(p - l);
    } else {
        *prefix = start;
        *plen = 0;
        *local = start;
        *llen = (uint32_t)(p - start);
    }
    if (p - start > SCAN_MAX_NAME)
        return -1;
    s->p = p;
    return 0;
}

/*
 * Length of the valid UTF-8 encoded XML character at P (lead byte >= 0x80), else 0.
 * Reads no further than the first byte that is not a continuation byte.
 */
static size_t
utf8_char(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        return (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && p[1] >= 0xA0)
            return 0; /* surrogate */
        if (c == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)
            return 0; /* U+FFFE, U+FFFF */
        return 3;
    }
    if (c < 0xF5) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0;
        if (c == 0xF4 && p[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

/*
 * A reference at *PP ('&'): one of the five predefined entities or a character reference
 * to a valid XML character.  Writes its UTF-8 to OUT (4 bytes room) and moves *PP past it.
 * Returns the number of bytes written, or 0 when it is anything else.
 */
static size_t
read_ref(const unsigned char **pp, unsigned char *out)
{
    const unsigned char *p = *pp + 1;
    switch (p[0]) {
    case 'l':
        if (p[1] == 't' && p[2] == ';') {
            *pp = p + 3;
            out[0] = '<';
            return 1;
        }
        return 0;
    case 'g':
        if (p[1] == 't' && p[2] == ';') {
            *pp = p + 3;
            out[0] = '>';
            return 1;
        }
        return 0;
    case 'a':
        if (p[1] == 'm' && p[2] == 'p' && p[3] == ';') {
            *pp = p + 4;
            out[0] = '&';
            return 1;
        }
        if (p[1] == 'p' && p[2] == 'o' && p[3] == 's' && p[4] == ';') {
            *pp = p + 5;
            out[0] = '\'';
            return 1;
        }
        return 0;
    case 'q':
        if (p[1] == 'u' && p[2] == 'o' && p[3] == 't' && p[4] == ';') {
            *pp = p + 5;
            out[0] = '"';
            return 1;
        }
        return 0;
    case '#':
        break;
    default:
        return 0;
    }
    p++;
    uint32_t v = 0;
    int digits = 0;
    if (*p == 'x') {
        p++;
        for (; digits < 7; p++, digits++) {
            unsigned c = *p;
            if (c >= '0' && c <= '9')
                v = v * 16 + (c - '0');
            else if (c >= 'a' && c <= 'f')
                v = v * 16 + (c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v = v * 16 + (c - 'A' + 10);
            else
                break;
        }
    } else {
        for (; digits < 8 && *p >= '0' && *p <= '9'; p++, digits++)
            v = v * 10 + (uint32_t)(*p - '0');
    }
    if (digits == 0 || *p != ';')
        return 0;
    if (!(v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
          (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF)))
        return 0;
    *pp = p + 1;
    return nj_u8_put((char *)out, v);
}

/*
 * An attribute value at s->p (after the opening quote Q), checked, and with KEEP decoded
 * and normalised (tab and line feed become spaces) into t->str.  Returns 0, or -1 to give
 * up.
 */
static int
read_value(struct scan *s, unsigned q, int keep, uint32_t *off, uint32_t *len)
{
    struct nj_wx *t = s->t;
    const unsigned char *start = s->p, *p = start;
    while (cc[*p] & C_ATTR)
        p++;
    if (*p == q) {
        /* the common case: nothing to decode */
        if (p - start > SCAN_MAX_RUN)
            return -1;
        if (keep) {
            size_t n = (size_t)(p - start);
            if (str_reserve(t, n + 1) != 0)
                return -1;
            memcpy(t->str + t->n_str, start, n);
            t->str[t->n_str + n] = '\0';
            *off = (uint32_t)t->n_str;
            *len = (uint32_t)n;
            t->n_str += n + 1;
        }
        s->p = p + 1;
        return 0;
    }
    while (*p != q && *p != '\0')
        p++;
    if (*p != q || p - start > SCAN_MAX_RUN)
        return -1;
    /* the decoded value is never longer than the raw one */
    if (keep && str_reserve(t, (size_t)(p - start) + 1) != 0)
        return -1;
    unsigned char u[4];
    unsigned char *o = keep ? (unsigned char *)t->str + t->n_str : u, *o0 = o;
    p = start;
    while (*p != q) {
        unsigned c = *p;
        size_t k;
        if (cc[c] & C_ATTR) {
            *o = (unsigned char)c;
            o += keep;
            p++;
            continue;
        }
        if (c >= 0x80) {
            k = utf8_char(p);
            if (k == 0)
                return -1;
            if (keep) {
                memcpy(o, p, k);
                o += k;
            }
            p += k;
        } else if (c == '&') {
            k = read_ref(&p, keep ? o : u);
            if (k == 0)
                return -1;
            o += keep ? k : 0;
        } else if (c == '"' || c == '\'') {
            *o = (unsigned char)c;
            o += keep;
            p++;
        } else if (c == '\t' || c == '\n') {
            *o = ' ';
            o += keep;
            p++;
        } else {
            return -1; /* '<', controls */
        }
    }
    if (keep) {
        *o = '\0';
        *off = (uint32_t)t->n_str;
        *len = (uint32_t)(o - o0);
        t->n_str += (size_t)(o - o0) + 1;
    }
    s->p = p + 1;
    return 0;
}

static int
lookup_prefix_slow(struct scan *s, const unsigned char *prefix, uint32_t plen, uint8_t *ns)
{
    int found = 0;
    uint8_t v = NJ_WX_NS_NONE;
    for (uint32_t i = s->nb; i-- > 0;) {
        if (s->b[i].plen == plen && bytes_eq(s->b[i].prefix, prefix, plen)) {
            found = 1;
            v = s->b[i].ns;
            break;
        }
    }
    s->c_valid = 1;
    s->c_prefix = prefix;
    s->c_plen = plen;
    s->c_ns = v;
    s->c_found = found;
    *ns = v;
    return found;
}

/* The namespace bound to PREFIX (PLEN 0: the default namespace): returns 1 and sets *NS, or
 * 0 when it is not bound.  The last prefix looked up is answered without a search. */
static inline int
lookup_prefix(struct scan *s, const unsigned char *prefix, uint32_t plen, uint8_t *ns)
{
    if (s->c_valid && plen == s->c_plen && bytes_eq(prefix, s->c_prefix, plen)) {
        *ns = s->c_ns;
        return s->c_found;
    }
    return lookup_prefix_slow(s, prefix, plen, ns);
}

static int
push_binding(struct scan *s, const unsigned char *prefix, uint32_t plen, const char *uri,
             uint32_t ulen, uint32_t nb_before)
{
    if (IS_LIT((const unsigned char *)uri, ulen, XML_NS_URI) ||
        IS_LIT((const unsigned char *)uri, ulen, XMLNS_NS_URI))
        return -1;
    for (uint32_t i = nb_before; i < s->nb; i++)
        if (s->b[i].plen == plen && bytes_eq(s->b[i].prefix, prefix, plen))
            return -1; /* declared twice on one element */
    if (s->nb == s->cap_b) {
        uint32_t cap = s->cap_b ? s->cap_b * 2 : 64;
        struct binding *p = realloc(s->b, cap * sizeof(*p));
        if (p == NULL)
            return -1;
        s->b = p;
        s->cap_b = cap;
    }
    s->b[s->nb++] = (struct binding){prefix, plen, ns_of_uri(uri, ulen)};
    s->c_valid = 0;
    return 0;
}

static void
append_child(struct scan *s, uint32_t ni)
{
    struct open *up = &s->stack[s->depth - 1];
    if (up->last == 0)
        s->t->nodes[up->node].first = ni;
    else
        s->t->nodes[up->last].next = ni;
    up->last = ni;
}

/* A start tag at s->p ('<' followed by a name start character). */
/* After an attribute's name: optional spaces, '=', optional spaces and an opening quote.
 * Returns the quote character (the value starts at s->p), or -1. */
static int
eq_quote(struct scan *s)
{
    skip_ws(s);
    if (*s->p != '=')
        return -1;
    s->p++;
    skip_ws(s);
    if (*s->p != '"' && *s->p != '\'')
        return -1;
    return *s->p++;
}

static int
start_tag(struct scan *s)
{
    struct nj_wx *t = s->t;
    const unsigned char *eprefix, *elocal;
    uint32_t eplen, ellen;
    const unsigned char *qname = ++s->p;
    if (read_qname(s, &eprefix, &eplen, &elocal, &ellen) != 0)
        return -1;
    uint32_t qlen = (uint32_t)(s->p - qname);
    int empty = 0, decls = 0;
    s->nra = 0;
    for (;;) {
        int sp = skip_ws(s);
        if (*s->p == '>') {
            s->p++;
            break;
        }
        if (*s->p == '/') {
            if (s->p[1] != '>')
                return -1;
            s->p += 2;
            empty = 1;
            break;
        }
        if (!sp)
            return -1;
        if (s->nra == s->cap_ra) {
            uint32_t cap = s->cap_ra ? s->cap_ra * 2 : 64;
            struct rawattr *p = realloc(s->ra, cap * sizeof(*p));
            if (p == NULL)
                return -1;
            s->ra = p;
            s->cap_ra = cap;
        }
        struct rawattr *a = &s->ra[s->nra];
        if (read_qname(s, &a->prefix, &a->plen, &a->local, &a->llen) != 0)
            return -1;
        a->id = NJ_WX_A_OTHER;
        if (a->plen == 0 && IS_LIT(a->local, a->llen, "xmlns")) {
            a->kind = RA_XMLNS_DEFAULT;
            decls = 1;
        } else if (IS_LIT(a->prefix, a->plen, "xmlns")) {
            a->kind = RA_XMLNS;
            decls = 1;
        } else {
            a->id = attr_id(a->local, a->llen);
            a->kind = a->id != NJ_WX_A_OTHER ? RA_KEPT : RA_OTHER;
        }
        int eq = eq_quote(s);
        if (eq < 0)
            return -1;
        unsigned q = (unsigned)eq;
        if (read_value(s, q, a->kind != RA_OTHER, &a->val, &a->vlen) != 0)
            return -1;
        s->nra++;
    }
    if (s->depth >= SCAN_MAX_DEPTH)
        return -1;

    /* namespace declarations first, wherever they stand in the tag */
    uint32_t nb_before = s->nb;
    for (uint32_t i = 0; decls && i < s->nra; i++) {
        const struct rawattr *a = &s->ra[i];
        const char *uri = t->str + a->val;
        if (a->kind == RA_XMLNS_DEFAULT) {
            if (push_binding(s, a->local, 0, uri, a->vlen, nb_before) != 0)
                return -1;
        } else if (a->kind == RA_XMLNS) {
            if (a->vlen == 0 || IS_LIT(a->local, a->llen, "xml") ||
                IS_LIT(a->local, a->llen, "xmlns") ||
                push_binding(s, a->local, a->llen, uri, a->vlen, nb_before) != 0)
                return -1;
        }
    }

    uint8_t ens = NJ_WX_NS_NONE;
    if (eplen > 0) {
        /* (the prefixes xml and xmlns are never bound: the lookup refuses them too) */
        if (!lookup_prefix(s, eprefix, eplen, &ens))
            return -1;
    } else {
        (void)lookup_prefix(s, elocal, 0, &ens);
    }
    uint32_t ni = new_node(t);
    if (ni == 0)
        return -1;
    uint8_t name = elem_id(elocal, ellen);
    uint32_t first_attr = t->n_attrs;

    /* the attributes: each name once, prefixes declared; the ones the reader reads kept */
    for (uint32_t i = 0; i < s->nra; i++) {
        const struct rawattr *a = &s->ra[i];
        if (a->kind == RA_XMLNS_DEFAULT || a->kind == RA_XMLNS)
            continue;
        for (uint32_t j = 0; j < i; j++) {
            const struct rawattr *b = &s->ra[j];
            if (b->llen == a->llen && b->kind != RA_XMLNS && bytes_eq(b->local, a->local, a->llen))
                return -1;
        }
        uint8_t ans = NJ_WX_NS_NONE;
        if (a->plen > 0) {
            if (IS_LIT(a->prefix, a->plen, "xml"))
                ans = NJ_WX_NS_OTHER;
            else if (!lookup_prefix(s, a->prefix, a->plen, &ans))
                return -1;
        }
        if (a->kind != RA_KEPT)
            continue;
        if (t->n_attrs == t->cap_attrs) {
            uint32_t cap = t->cap_attrs ? t->cap_attrs * 2 : 256;
            struct nj_wx_attrv *p = realloc(t->attrs, cap * sizeof(*p));
            if (p == NULL)
                return -1;
            t->attrs = p;
            t->cap_attrs = cap;
        }
        t->attrs[t->n_attrs++] = (struct nj_wx_attrv){a->val, a->id, ans};
    }
    t->nodes[ni] =
        (struct nj_wx_node){0, 0, first_attr, t->n_attrs - first_attr, name, ens, 0, NULL};

    /* into the tree */
    if (s->depth == 0)
        t->root = ni;
    else
        append_child(s, ni);
    int is_t = name == NJ_WX_E_T && (ens == NJ_WX_NS_W || ens == NJ_WX_NS_WS);
    if (empty) {
        if (s->nb != nb_before) {
            s->nb = nb_before;
            s->c_valid = 0;
        }
        return 0;
    }
    s->stack[s->depth++] = (struct open){qname, qlen, ni, 0, nb_before, is_t};
    s->in_t += is_t;
    return 0;
}

/* An end tag at s->p ("</"). */
static int
end_tag(struct scan *s)
{
    if (s->depth == 0)
        return -1;
    struct open *o = &s->stack[s->depth - 1];
    const unsigned char *p = s->p + 2;
    for (uint32_t i = 0; i < o->qlen; i++)
        if (p[i] != o->qname[i])
            return -1; /* (stops at the NUL at the end at the latest) */
    p += o->qlen;
    if ((cc[*p] & C_NAME) || *p == ':')
        return -1;
    while (cc[*p] & C_WS)
        p++;
    if (*p != '>')
        return -1;
    s->p = p + 1;
    if (s->nb != o->nb) {
        s->nb = o->nb;
        s->c_valid = 0;
    }
    s->in_t -= o->is_t;
    s->depth--;
    return 0;
}

/* Character data at s->p, up to the next '<'; kept as a text node inside w:t. */
static int
text(struct scan *s)
{
    struct nj_wx *t = s->t;
    const unsigned char *p = s->p, *start = p;
    int keep = s->in_t > 0;
    uint32_t off = (uint32_t)t->n_str;
    const unsigned char *seg = p; /* plain bytes not yet copied */
    for (;;) {
        unsigned c = *p;
        if (cc[c] & C_TEXT) {
            p++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_char(p);
            if (k == 0)
                return -1;
            p += k;
            continue;
        }
        if (c == '<')
            break;
        if (c == '&') {
            if (keep) {
                if (str_reserve(t, (size_t)(p - seg) + 5) != 0)
                    return -1;
                memcpy(t->str + t->n_str, seg, (size_t)(p - seg));
                t->n_str += (size_t)(p - seg);
            }
            unsigned char u[4];
            size_t k = read_ref(&p, u);
            if (k == 0)
                return -1;
            if (keep) {
                memcpy(t->str + t->n_str, u, k);
                t->n_str += k;
            }
            seg = p;
            continue;
        }
        if (c == ']') {
            if (p[1] == ']' && p[2] == '>')
                return -1;
            p++;
            continue;
        }
        return -1; /* controls, carriage returns, the end of the input */
    }
    if (p - start > SCAN_MAX_RUN)
        return -1;
    s->p = p;
    if (!keep)
        return 0;
    if (str_reserve(t, (size_t)(p - seg) + 1) != 0)
        return -1;
    memcpy(t->str + t->n_str, seg, (size_t)(p - seg));
    t->n_str += (size_t)(p - seg);
    t->str[t->n_str++] = '\0';
    uint32_t ni = new_node(t);
    if (ni == 0)
        return -1;
    t->nodes[ni] = (struct nj_wx_node){0, 0, off, (uint32_t)(t->n_str - 1 - off), 0, 0, 1, NULL};
    append_child(s, ni);
    return 0;
}

/* Compares the pseudo-attribute NAME at s->p and its quoted value; returns the value. */
static int
decl_attr(struct scan *s, const char *name, const unsigned char **val, size_t *vlen)
{
    size_t n = strlen(name);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, name, n) != 0)
        return -1;
    s->p += n;
    int eq = eq_quote(s);
    if (eq < 0)
        return -1;
    unsigned q = (unsigned)eq;
    const unsigned char *v = s->p;
    while (*s->p != q && (cc[*s->p] & C_ATTR))
        s->p++;
    if (*s->p != q)
        return -1;
    *val = v;
    *vlen = (size_t)(s->p - v);
    s->p++;
    return 0;
}

/* The XML declaration Word writes: version 1.0, encoding UTF-8, standalone yes or no. */
static int
xml_decl(struct scan *s)
{
    const unsigned char *v;
    size_t n;
    s->p += 5; /* "<?xml" */
    if (!skip_ws(s) || decl_attr(s, "version", &v, &n) != 0 || n != 3 || memcmp(v, "1.0", 3) != 0)
        return -1;
    int sp = skip_ws(s);
    if (*s->p == 'e') {
        if (!sp || decl_attr(s, "encoding", &v, &n) != 0 || n != 5 ||
            !((v[0] | 0x20) == 'u' && (v[1] | 0x20) == 't' && (v[2] | 0x20) == 'f' && v[3] == '-' &&
              v[4] == '8'))
            return -1;
        sp = skip_ws(s);
    }
    if (*s->p == 's') {
        if (!sp || decl_attr(s, "standalone", &v, &n) != 0 ||
            !((n == 3 && memcmp(v, "yes", 3) == 0) || (n == 2 && memcmp(v, "no", 2) == 0)))
            return -1;
        skip_ws(s);
    }
    if (s->p[0] != '?' || s->p[1] != '>')
        return -1;
    s->p += 2;
    return 0;
}

static int
scan_doc(struct scan *s)
{
    if (s->end - s->p >= 6 && memcmp(s->p, "<?xml", 5) == 0 && (cc[s->p[5]] & C_WS)) {
        if (xml_decl(s) != 0)
            return -1;
    }
    skip_ws(s);
    if (s->p[0] != '<' || !(cc[s->p[1]] & C_START))
        return -1;
    if (start_tag(s) != 0)
        return -1;
    while (s->depth > 0) {
        if (*s->p == '<') {
            unsigned c = s->p[1];
            if (c == '/') {
                if (end_tag(s) != 0)
                    return -1;
            } else if (cc[c] & C_START) {
                if (start_tag(s) != 0)
                    return -1;
            } else {
                return -1; /* comments, CDATA, processing instructions: libxml2's */
            }
        } else if (text(s) != 0) {
            return -1;
        }
    }
    skip_ws(s);
    return s->p == s->end ? 0 : -1;
}

static int
scan(struct nj_wx *t, const char *xml, size_t len)
{
    if (len > SCAN_MAX_INPUT || xml[len] != '\0' || memchr(xml, '\0', len) != NULL)
        return -1;
    struct scan *s = malloc(sizeof(*s));
    if (s == NULL)
        return -1;
    memset(s, 0, offsetof(struct scan, stack));
    /* room for the usual density of elements and text, without copying as it grows */
    size_t want = len / 16 + 64;
    struct nj_wx_node *nodes = realloc(t->nodes, want * sizeof(*nodes));
    if (nodes != NULL) {
        t->nodes = nodes;
        t->cap_nodes = (uint32_t)want;
    }
    (void)str_reserve(t, len / 4 + 256);
    s->t = t;
    s->p = (const unsigned char *)xml;
    s->end = s->p + len;
    int rc = scan_doc(s);
    free(s->b);
    free(s->ra);
    free(s);
    return rc;
}

/* ---- the libxml2 way ------------------------------------------------------------------ */

static uint32_t
convert(struct nj_wx *t, const xmlNode *n, int depth)
{
    uint32_t ni = new_node(t);
    if (ni == 0)
        return 0;
    uint8_t ns = NJ_WX_NS_NONE;
    if (n->ns != NULL && n->ns->href != NULL) {
        const char *h = (const char *)n->ns->href;
        ns = strcmp(h, W_NS) == 0          ? NJ_WX_NS_W
             : strcmp(h, W_NS_STRICT) == 0 ? NJ_WX_NS_WS
                                           : NJ_WX_NS_OTHER;
    }
    uint8_t name = n->name ? elem_id(n->name, strlen((const char *)n->name)) : NJ_WX_E_OTHER;
    t->nodes[ni] = (struct nj_wx_node){0, 0, 0, 0, name, ns, 0, n};
    if (depth >= 1000)
        return ni;
    uint32_t last = 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        uint32_t ci = convert(t, c, depth + 1);
        if (ci == 0)
            return 0;
        if (last == 0)
            t->nodes[ni].first = ci;
        else
            t->nodes[last].next = ci;
        last = ci;
    }
    return ni;
}

struct nj_wx *
nj_wx_parse(const char *xml, size_t len, const char *url, enum nj_wx_err *err)
{
    *err = NJ_WX_OK;
    struct nj_wx *t = tree_new();
    if (t == NULL) {
        *err = NJ_WX_ENOMEM;
        return NULL;
    }
    if (scan(t, xml, len) == 0) {
        t->scanned = 1;
        return t;
    }
    tree_reset(t);
    if (new_node(t) == 0 && t->n_nodes != 1) {
        nj_wx_free(t);
        *err = NJ_WX_ENOMEM;
        return NULL;
    }
    memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
    if (len > INT_MAX) {
        nj_wx_free(t);
        *err = NJ_WX_EXML;
        return NULL;
    }
    t->doc = xmlReadMemory(xml, (int)len, url, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                               XML_PARSE_COMPACT);
    if (t->doc == NULL) {
        nj_wx_free(t);
        *err = NJ_WX_EXML;
        return NULL;
    }
    xmlDoc *d = t->doc;
    t->int_subset = d->intSubset != NULL;
    t->ext_subset = d->extSubset != NULL;
    const xmlNode *root = xmlDocGetRootElement(d);
    if (root != NULL) {
        t->root = convert(t, root, 0);
        if (t->root == 0) {
            nj_wx_free(t);
            *err = NJ_WX_ENOMEM;
            return NULL;
        }
    }
    return t;
}

/* ---- reading the tree ------------------------------------------------------------------ */

int
nj_wx_has_int_subset(const struct nj_wx *t)
{
    return t->int_subset;
}

int
nj_wx_has_ext_subset(const struct nj_wx *t)
{
    return t->ext_subset;
}

int
nj_wx_scanned(const struct nj_wx *t)
{
    return t->scanned;
}

const struct nj_wx_node *
nj_wx_root(const struct nj_wx *t)
{
    return t->root ? &t->nodes[t->root] : NULL;
}

const char *
nj_wx_attr(struct nj_wx *t, const struct nj_wx_node *n, enum nj_wx_attr name, enum nj_wx_ns ns)
{
    if (n == NULL || n->text)
        return NULL;
    if (n->orig == NULL) {
        if (n->len == 0)
            return NULL;
        const struct nj_wx_attrv *a = t->attrs + n->attr;
        for (uint32_t i = 0; i < n->len; i++)
            if (a[i].name == name && (ns == NJ_WX_NS_ANY || a[i].ns == ns))
                return t->str + a[i].val;
        return NULL;
    }
    xmlNode *x = (xmlNode *)(uintptr_t)n->orig;
    const xmlChar *an = (const xmlChar *)attr_names[name];
    xmlChar *v =
        ns == NJ_WX_NS_ANY
            ? xmlGetProp(x, an)
            : xmlGetNsProp(x, an, (const xmlChar *)(ns == NJ_WX_NS_W ? W_NS : W_NS_STRICT));
    if (v == NULL)
        return NULL;
    if (t->n_owned == t->cap_owned) {
        size_t cap = t->cap_owned ? t->cap_owned * 2 : 64;
        void **p = realloc(t->owned, cap * sizeof(*p));
        if (p == NULL) {
            xmlFree(v);
            return NULL;
        }
        t->owned = p;
        t->cap_owned = cap;
    }
    t->owned[t->n_owned++] = v;
    return (const char *)v;
}

static int
content_of(const struct nj_wx *t, const struct nj_wx_node *n, struct nj_sb *out)
{
    for (uint32_t i = n->first; i != 0; i = t->nodes[i].next) {
        const struct nj_wx_node *c = &t->nodes[i];
        if (c->text) {
            if (nj_sb_add(out, t->str + c->attr, c->len) != NJ_OK)
                return NJ_ENOMEM;
        } else if (c->first && content_of(t, c, out) != NJ_OK) {
            return NJ_ENOMEM;
        }
    }
    return NJ_OK;
}

int
nj_wx_content(const struct nj_wx *t, const struct nj_wx_node *n, struct nj_sb *out)
{
    if (n->orig == NULL)
        return content_of(t, n, out);
    xmlChar *s = xmlNodeGetContent((const xmlNode *)n->orig);
    if (s == NULL)
        return NJ_OK;
    int rc = nj_sb_add(out, (const char *)s, strlen((const char *)s));
    xmlFree(s);
    return rc;
}
