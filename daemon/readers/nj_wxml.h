/*
 * nj_wxml.h - the element tree of one XML part of a .docx package (word/document.xml,
 * word/styles.xml, word/numbering.xml, _rels/.rels), as the DOCX reader walks it.
 *
 * Only what the reader looks at is kept: elements (namespace and local name, both as small
 * numbers), the few attributes it reads and the text inside w:t.  Two ways build it:
 *
 *  - a strict scanner for the plain XML Word and WPS write: UTF-8, an optional XML
 *    declaration, elements, attributes, character and the five predefined entity
 *    references, nothing else.  It checks well-formedness itself and gives up on anything
 *    outside that subset (comments, processing instructions, CDATA, a document type
 *    declaration, other encodings, non-ASCII names, carriage returns, undeclared prefixes,
 *    repeated attribute names, very deep nesting or long text ...);
 *  - when it gives up, libxml2 parses the part exactly as before (XML_PARSE_NONET, no
 *    entity substitution, no DTD loading) and the tree is taken from libxml2's; attribute
 *    values and text are then read through libxml2 (xmlGetNsProp, xmlGetProp,
 *    xmlNodeGetContent), so the result is libxml2's in every case.
 *
 * What the scanner accepts libxml2 accepts too, with the same elements, attributes and
 * text, so both ways give the same tree.
 */
#ifndef NJ_WXML_H
#define NJ_WXML_H

#include "nj_rtext.h"

#include <stddef.h>
#include <stdint.h>

enum nj_wx_ns {
    NJ_WX_NS_NONE = 0, /* no namespace */
    NJ_WX_NS_W,        /* WordprocessingML, transitional */
    NJ_WX_NS_WS,       /* WordprocessingML, strict */
    NJ_WX_NS_OTHER,    /* any other namespace */
    NJ_WX_NS_ANY,      /* attribute lookup: any namespace (xmlGetProp) */
};

/* Local names of elements the reader looks for (NJ_WX_E_OTHER for the rest). */
enum nj_wx_elem {
    NJ_WX_E_OTHER = 0,
    NJ_WX_E_ABSTRACTNUM,
    NJ_WX_E_ABSTRACTNUMID,
    NJ_WX_E_ALTERNATECONTENT,
    NJ_WX_E_BODY,
    NJ_WX_E_BR,
    NJ_WX_E_COMMENTREFERENCE,
    NJ_WX_E_CR,
    NJ_WX_E_CUSTOMXML,
    NJ_WX_E_DEL,
    NJ_WX_E_DELTEXT,
    NJ_WX_E_DOCUMENT,
    NJ_WX_E_DRAWING,
    NJ_WX_E_ENDNOTEREFERENCE,
    NJ_WX_E_FALLBACK,
    NJ_WX_E_FLDCHAR,
    NJ_WX_E_FOOTNOTEREFERENCE,
    NJ_WX_E_GRIDBEFORE,
    NJ_WX_E_GRIDSPAN,
    NJ_WX_E_HMERGE,
    NJ_WX_E_ILVL,
    NJ_WX_E_INS,
    NJ_WX_E_INSTRTEXT,
    NJ_WX_E_LVL,
    NJ_WX_E_LVLOVERRIDE,
    NJ_WX_E_LVLTEXT,
    NJ_WX_E_MOVEFROM,
    NJ_WX_E_MOVETO,
    NJ_WX_E_NAME,
    NJ_WX_E_NOBREAKHYPHEN,
    NJ_WX_E_NUM,
    NJ_WX_E_NUMFMT,
    NJ_WX_E_NUMID,
    NJ_WX_E_NUMPR,
    NJ_WX_E_OBJECT,
    NJ_WX_E_OUTLINELVL,
    NJ_WX_E_P,
    NJ_WX_E_PICT,
    NJ_WX_E_PPR,
    NJ_WX_E_PSTYLE,
    NJ_WX_E_PTAB,
    NJ_WX_E_RELATIONSHIP,
    NJ_WX_E_RPR,
    NJ_WX_E_SDT,
    NJ_WX_E_SDTCONTENT,
    NJ_WX_E_SECTPR,
    NJ_WX_E_START,
    NJ_WX_E_STARTOVERRIDE,
    NJ_WX_E_STYLE,
    NJ_WX_E_SUFF,
    NJ_WX_E_T,
    NJ_WX_E_TAB,
    NJ_WX_E_TBL,
    NJ_WX_E_TBLHEADER,
    NJ_WX_E_TBLPR,
    NJ_WX_E_TC,
    NJ_WX_E_TCPR,
    NJ_WX_E_TR,
    NJ_WX_E_TRPR,
    NJ_WX_E_VMERGE,
    NJ_WX_E_COUNT
};

/* Local names of the attributes the reader reads. */
enum nj_wx_attr {
    NJ_WX_A_OTHER = 0,
    NJ_WX_A_VAL,
    NJ_WX_A_STYLEID,
    NJ_WX_A_ILVL,
    NJ_WX_A_ABSTRACTNUMID,
    NJ_WX_A_NUMID,
    NJ_WX_A_TYPE,
    NJ_WX_A_TARGET,
    NJ_WX_A_COUNT
};

struct nj_wx_node {
    uint32_t first;   /* first child (index into the node array), 0 = none */
    uint32_t next;    /* next sibling, 0 = none */
    uint32_t attr;    /* element: first attribute (index); text: offset of the text */
    uint32_t len;     /* element: number of attributes kept; text: length in bytes */
    uint8_t name;     /* enum nj_wx_elem */
    uint8_t ns;       /* enum nj_wx_ns */
    uint8_t text;     /* 1 for a text node (kept inside w:t only) */
    const void *orig; /* the libxml2 node when the tree was taken from libxml2 */
};

/* The tree.  Read it through the functions below; the fields are nj_wxml.c's. */
struct nj_wx {
    struct nj_wx_node *nodes; /* nodes[0] is unused: index 0 means "none" */
    uint32_t n_nodes, cap_nodes;
    struct nj_wx_attrv *attrs;
    uint32_t n_attrs, cap_attrs;
    char *str; /* attribute values and text, NUL-terminated each */
    size_t n_str, cap_str;
    uint32_t root;
    int scanned;
    /* trees taken from libxml2 */
    void *doc; /* xmlDoc */
    int int_subset, ext_subset;
    void **owned; /* attribute values handed out (xmlFree) */
    size_t n_owned, cap_owned;
};

/* Why nj_wx_parse() gave no tree. */
enum nj_wx_err { NJ_WX_OK = 0, NJ_WX_EXML, NJ_WX_ENOMEM };

/*
 * Parses XML[0..LEN) (LEN <= INT_MAX; XML[LEN] must be readable, and the scanner is only
 * tried when it is a NUL byte).  URL names the part for libxml2.  Returns the tree, or NULL with
 * *ERR set (NJ_WX_EXML: libxml2 refused it).
 */
struct nj_wx *nj_wx_parse(const char *xml, size_t len, const char *url, enum nj_wx_err *err);
void nj_wx_free(struct nj_wx *t);

/* Non-zero when libxml2 saw an internal (INT) or external subset (never for the scanner). */
int nj_wx_has_int_subset(const struct nj_wx *t);
int nj_wx_has_ext_subset(const struct nj_wx *t);

/* The root element (NULL when there is none). */
const struct nj_wx_node *nj_wx_root(const struct nj_wx *t);
/* The first child and the next sibling of N, elements and text nodes alike, or NULL. */
static inline const struct nj_wx_node *
nj_wx_first(const struct nj_wx *t, const struct nj_wx_node *n)
{
    return n != NULL && n->first ? &t->nodes[n->first] : NULL;
}

static inline const struct nj_wx_node *
nj_wx_next(const struct nj_wx *t, const struct nj_wx_node *n)
{
    return n->next ? &t->nodes[n->next] : NULL;
}

/*
 * The value of attribute NAME of element N in namespace NS (NJ_WX_NS_W or NJ_WX_NS_WS, as
 * xmlGetNsProp), or in any namespace (NJ_WX_NS_ANY, the first so named, as xmlGetProp);
 * NULL when absent.  Valid until nj_wx_free.
 */
const char *nj_wx_attr(struct nj_wx *t, const struct nj_wx_node *n, enum nj_wx_attr name,
                       enum nj_wx_ns ns);

/* Appends the text content of element N (as xmlNodeGetContent) to OUT.  0 or NJ_ENOMEM. */
int nj_wx_content(const struct nj_wx *t, const struct nj_wx_node *n, struct nj_sb *out);

/* 1 when the tree came from the scanner, 0 from libxml2 (for tests). */
int nj_wx_scanned(const struct nj_wx *t);

#endif
