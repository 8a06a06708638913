/*
 * nj_html.c - the HTML reader: a page saved from a government portal (or written by hand,
 * or exported from Word) becomes an nj_doc.
 *
 * 1. Decode: byte-order mark, then the charset a <meta> declares, then detection
 *    (nj_decode); the UTF-8 result is parsed by libxml2's forgiving HTML parser, whose SAX
 *    events build a light tree of the page (elements classified once, the text, and only
 *    the attributes read below) instead of libxml2's own tree.  A regular page (every
 *    element closed where it ends, nothing implied or repaired) is scanned instead by the
 *    strict scanner of nj_hscan.c, whose events are libxml2's for such a page and build the
 *    same tree in a fraction of the time; it leaves every other page to libxml2.
 * 2. Walk the body once, collecting text blocks (one per paragraph, heading, list item or
 *    <br>-separated line) and data tables, each with the element it came from.  Scripts,
 *    styles, forms controls and navigation are skipped.
 * 3. Find the report among the portal chrome: the smallest element that contains every
 *    part heading (一、总体情况 … 六、其他需要报告的事项), every report table and the
 *    title nearest before them.  Only the blocks inside it are emitted; without any part
 *    heading or report table the whole body is.
 * 4. Emit the blocks; each table is expanded into its full grid (rowspan/colspan).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_readers.h"
#include "nj_decode.h"
#include "nj_doc.h"
#include "nj_hscan.h"
#include "nj_rtext.h"

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum elem_class { EL_INLINE, EL_SKIP, EL_BLOCK, EL_BR, EL_TABLE, EL_CHROME };

/* ---- the page tree ------------------------------------------------------------------ */

/*
 * The tree the SAX events build is the one libxml2's tree builder (SAX2.c) would build,
 * reduced to what the reader reads:
 *
 * - Elements are named by their local name (the builder splits "o:p" into prefix "o" and
 *   name "p", as xmlSplitQName does) and classified once.  A node that libxml2 would fail
 *   to push (nesting deeper than its limit) is left out, and the parser stops there: the
 *   parser's own node stack is kept with NULL entries (nodePush, nodePop), so its depth
 *   limit, its stop, and the pops it makes without an end event ("Couldn't find end of
 *   Start Tag") are libxml2's.
 * - Text joins the text node before it when nothing else came between (a comment or a
 *   processing instruction does: they are not kept, but they end the run); script and
 *   style content (CDATA) likewise joins CDATA.  A run that would pass
 *   XML_MAX_TEXT_LENGTH stops the parser as libxml2's builder does.
 * - An element started while no element is open goes where libxml2 puts it: it becomes
 *   the document's first child when there is none, a child of that first child when it is
 *   an element, else a sibling at the document level.  The document type node (the
 *   document libxml2 makes is kept for it) comes first in an HTML document.
 * - Attributes: colspan and rowspan of cells, read as span values; name and content of
 *   <meta>.
 */

enum hn_type { HN_ELEM, HN_TEXT, HN_CDATA };

enum tag {
    TAG_OTHER,
    TAG_TD,
    TAG_TH,
    TAG_TR,
    TAG_TABLE,
    TAG_THEAD,
    TAG_TBODY,
    TAG_TFOOT,
    TAG_CAPTION,
    TAG_HEAD,
    TAG_BODY,
    TAG_META,
    TAG_TITLE,
    TAG_ARTICLE, /* article, main, section */
};

struct hnode {
    struct hnode *parent, *first, *last, *next;
    char *text;                /* text and CDATA: the content; <meta>: its content attribute */
    size_t len;                /* bytes of text */
    unsigned char type;        /* enum hn_type */
    unsigned char cls;         /* elements: enum elem_class */
    unsigned char tag;         /* elements: enum tag */
    unsigned char heading;     /* h1-h6: the level, else 0 */
    unsigned char open_tail;   /* elements: the last child is text that more text joins */
    unsigned char meta_title;  /* <meta name="ArticleTitle"> */
    unsigned colspan, rowspan; /* cells */
};

#define NODES_PER_CHUNK 256
#define TEXT_CHUNK (64u * 1024)

struct node_chunk {
    struct node_chunk *next;
    size_t used;
    struct hnode n[NODES_PER_CHUNK];
};

struct text_chunk {
    struct text_chunk *next;
    size_t used, cap;
    char b[];
};

struct tree {
    xmlParserCtxtPtr ctxt;
    struct hnode *cur;  /* the innermost open element, NULL when none is */
    int depth;          /* open elements (libxml2's node stack depth) */
    struct hnode *root; /* the first element at the document level */
    int doc_first;      /* the document's first child apart from the DTD: 0 none, 1 the
                           root element, 2 a comment or processing instruction */
    int oom;
    struct node_chunk *nodes;
    struct text_chunk *texts;
};

static struct hnode *
new_node(struct tree *t)
{
    struct node_chunk *c = t->nodes;
    if (c == NULL || c->used == NODES_PER_CHUNK) {
        c = malloc(sizeof(*c));
        if (c == NULL)
            return NULL;
        c->next = t->nodes;
        c->used = 0;
        t->nodes = c;
    }
    struct hnode *n = &c->n[c->used++];
    memset(n, 0, sizeof(*n));
    return n;
}

/* Room for N more bytes at the end of the current text chunk. */
static char *
text_room(struct tree *t, size_t n)
{
    struct text_chunk *c = t->texts;
    if (c != NULL && c->cap - c->used >= n)
        return c->b + c->used;
    size_t cap = n > TEXT_CHUNK ? n : TEXT_CHUNK;
    c = malloc(sizeof(*c) + cap);
    if (c == NULL)
        return NULL;
    c->next = t->texts;
    c->used = 0;
    c->cap = cap;
    t->texts = c;
    return c->b;
}

/* A NUL-terminated copy of S[0..N) in the text chunks. */
static char *
text_copy(struct tree *t, const char *s, size_t n)
{
    char *p = text_room(t, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    t->texts->used += n + 1;
    return p;
}

/* Appends S[0..N) to the text of node X, moving it to a larger place when it must. */
static int
text_extend(struct tree *t, struct hnode *x, const char *s, size_t n)
{
    struct text_chunk *c = t->texts;
    if (c != NULL && x->text + x->len + 1 == c->b + c->used && c->cap - c->used >= n) {
        memcpy(x->text + x->len, s, n);
        c->used += n;
    } else {
        /* grow geometrically, so that a long run moves O(log n) times */
        size_t want = 2 * (x->len + n) + 1;
        char *p = text_room(t, want);
        if (p == NULL)
            return NJ_ENOMEM;
        memcpy(p, x->text, x->len);
        memcpy(p + x->len, s, n);
        t->texts->used += x->len + n + 1;
        x->text = p;
    }
    x->len += n;
    x->text[x->len] = '\0';
    return NJ_OK;
}

static void
tree_free(struct tree *t)
{
    while (t->nodes != NULL) {
        struct node_chunk *c = t->nodes;
        t->nodes = c->next;
        free(c);
    }
    while (t->texts != NULL) {
        struct text_chunk *c = t->texts;
        t->texts = c->next;
        free(c);
    }
}

static void
append_child(struct hnode *parent, struct hnode *n)
{
    n->parent = parent;
    if (parent->last != NULL)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
}

static void
tree_oom(struct tree *t)
{
    t->oom = 1;
    xmlStopParser(t->ctxt);
}

/* Closes the elements libxml2 popped from its node stack without an end event. */
static void
tree_sync(struct tree *t)
{
    while (t->depth > t->ctxt->nodeNr) {
        t->depth--;
        t->cur = t->depth > 0 ? t->cur->parent : NULL;
    }
}

/* Non-zero when the document has a child (the DTD, which is then its first, included). */
static int
doc_has_children(const struct tree *t)
{
    return t->doc_first != 0 || t->ctxt->myDoc->intSubset != NULL;
}

/* The class of a lower-case element name of LEN bytes. */
static enum elem_class
class_of(const char *lc, size_t len)
{
    switch (len) {
    case 1:
        if (memcmp(lc, "p", 1) == 0)
            return EL_BLOCK;
        break;
    case 2:
        if (memcmp(lc, "br", 2) == 0)
            return EL_BR;
        if (memcmp(lc, "dd", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "dl", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "dt", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "h1", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "h2", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "h3", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "h4", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "h5", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "h6", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "hr", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "li", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "ol", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "td", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "th", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "tr", 2) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "ul", 2) == 0)
            return EL_BLOCK;
        break;
    case 3:
        if (memcmp(lc, "dir", 3) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "div", 3) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "map", 3) == 0)
            return EL_SKIP;
        if (memcmp(lc, "nav", 3) == 0)
            return EL_SKIP;
        if (memcmp(lc, "pre", 3) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "svg", 3) == 0)
            return EL_SKIP;
        if (memcmp(lc, "xmp", 3) == 0)
            return EL_BLOCK;
        break;
    case 4:
        if (memcmp(lc, "area", 4) == 0)
            return EL_SKIP;
        if (memcmp(lc, "body", 4) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "form", 4) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "head", 4) == 0)
            return EL_SKIP;
        if (memcmp(lc, "html", 4) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "main", 4) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "math", 4) == 0)
            return EL_SKIP;
        if (memcmp(lc, "menu", 4) == 0)
            return EL_BLOCK;
        break;
    case 5:
        if (memcmp(lc, "aside", 5) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "audio", 5) == 0)
            return EL_SKIP;
        if (memcmp(lc, "embed", 5) == 0)
            return EL_SKIP;
        if (memcmp(lc, "frame", 5) == 0)
            return EL_SKIP;
        if (memcmp(lc, "input", 5) == 0)
            return EL_SKIP;
        if (memcmp(lc, "style", 5) == 0)
            return EL_SKIP;
        if (memcmp(lc, "table", 5) == 0)
            return EL_TABLE;
        if (memcmp(lc, "tbody", 5) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "tfoot", 5) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "thead", 5) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "title", 5) == 0)
            return EL_SKIP;
        if (memcmp(lc, "video", 5) == 0)
            return EL_SKIP;
        break;
    case 6:
        if (memcmp(lc, "button", 6) == 0)
            return EL_SKIP;
        if (memcmp(lc, "canvas", 6) == 0)
            return EL_SKIP;
        if (memcmp(lc, "center", 6) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "dialog", 6) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "figure", 6) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "footer", 6) == 0)
            return EL_CHROME;
        if (memcmp(lc, "header", 6) == 0)
            return EL_CHROME;
        if (memcmp(lc, "hgroup", 6) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "iframe", 6) == 0)
            return EL_SKIP;
        if (memcmp(lc, "legend", 6) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "object", 6) == 0)
            return EL_SKIP;
        if (memcmp(lc, "option", 6) == 0)
            return EL_SKIP;
        if (memcmp(lc, "script", 6) == 0)
            return EL_SKIP;
        if (memcmp(lc, "select", 6) == 0)
            return EL_SKIP;
        break;
    case 7:
        if (memcmp(lc, "address", 7) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "article", 7) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "caption", 7) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "details", 7) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "listing", 7) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "section", 7) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "summary", 7) == 0)
            return EL_BLOCK;
        break;
    case 8:
        if (memcmp(lc, "datalist", 8) == 0)
            return EL_SKIP;
        if (memcmp(lc, "fieldset", 8) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "frameset", 8) == 0)
            return EL_SKIP;
        if (memcmp(lc, "noframes", 8) == 0)
            return EL_SKIP;
        if (memcmp(lc, "noscript", 8) == 0)
            return EL_SKIP;
        if (memcmp(lc, "template", 8) == 0)
            return EL_SKIP;
        if (memcmp(lc, "textarea", 8) == 0)
            return EL_SKIP;
        break;
    case 9:
        if (memcmp(lc, "plaintext", 9) == 0)
            return EL_BLOCK;
        break;
    case 10:
        if (memcmp(lc, "blockquote", 10) == 0)
            return EL_BLOCK;
        if (memcmp(lc, "figcaption", 10) == 0)
            return EL_BLOCK;
        break;
    default:
        break;
    }
    return EL_INLINE;
}

/* ASCII lower case (tag names are ASCII; the lists hold lower-case names). */
static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The tag of a lower-case element name of LEN bytes (article, main and section are one). */
static enum tag
tag_of(const char *lc, size_t len)
{
    switch (len) {
    case 2:
        if (lc[0] == 't') {
            if (lc[1] == 'd')
                return TAG_TD;
            if (lc[1] == 'h')
                return TAG_TH;
            if (lc[1] == 'r')
                return TAG_TR;
        }
        break;
    case 4:
        if (memcmp(lc, "head", 4) == 0)
            return TAG_HEAD;
        if (memcmp(lc, "body", 4) == 0)
            return TAG_BODY;
        if (memcmp(lc, "meta", 4) == 0)
            return TAG_META;
        if (memcmp(lc, "main", 4) == 0)
            return TAG_ARTICLE;
        break;
    case 5:
        if (memcmp(lc, "table", 5) == 0)
            return TAG_TABLE;
        if (memcmp(lc, "thead", 5) == 0)
            return TAG_THEAD;
        if (memcmp(lc, "tbody", 5) == 0)
            return TAG_TBODY;
        if (memcmp(lc, "tfoot", 5) == 0)
            return TAG_TFOOT;
        if (memcmp(lc, "title", 5) == 0)
            return TAG_TITLE;
        break;
    case 7:
        if (memcmp(lc, "caption", 7) == 0)
            return TAG_CAPTION;
        if (memcmp(lc, "article", 7) == 0 || memcmp(lc, "section", 7) == 0)
            return TAG_ARTICLE;
        break;
    default:
        break;
    }
    return TAG_OTHER;
}

/* A span attribute's value (colspan, rowspan); NULL (absent or without a value) gives 1. */
static unsigned
span_value(const char *s)
{
    if (s == NULL)
        return 1;
    while (*s == ' ' || *s == '\t' || *s == '"' || *s == '\'')
        s++;
    unsigned long k = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        if (k < 100000)
            k = k * 10 + (unsigned long)(*s - '0');
    if (!digits)
        return 1;
    return (unsigned)k; /* 0 is kept: rowspan=0 reaches to the end of the table */
}

/* Names N by its local name (after the first ':' of "prefix:name", as xmlSplitQName). */
static void
name_node(struct hnode *n, const char *name)
{
    /* names compare without regard to ASCII case (the parser writes them in lower case) */
    char lc[10];
    size_t len = 0;
    int first_colon = name[0] != ':';
    for (const char *c = name; *c != '\0'; c++) {
        if (*c == ':' && first_colon && c[1] != '\0') {
            first_colon = 0;
            len = 0; /* the local name starts after it */
            continue;
        }
        if (*c == ':')
            first_colon = 0;
        if (len < sizeof(lc))
            lc[len] = (char)lower((unsigned char)*c);
        len++;
    }
    if (len > sizeof(lc)) {
        n->cls = EL_INLINE; /* longer than any name of the lists */
        n->tag = TAG_OTHER;
        return;
    }
    n->cls = (unsigned char)class_of(lc, len);
    n->tag = (unsigned char)tag_of(lc, len);
    if (len == 2 && lc[0] == 'h' && lc[1] >= '1' && lc[1] <= '6')
        n->heading = (unsigned char)(lc[1] - '0');
}

/* Reads the attributes the reader uses (ATTS: name/value pairs ending in NULL). */
static int
elem_attrs(struct tree *t, struct hnode *n, const char *const *atts)
{
    if (n->tag == TAG_TD || n->tag == TAG_TH) {
        n->colspan = n->rowspan = 1;
        for (size_t i = 0; atts != NULL && atts[i] != NULL; i += 2) {
            const char *a = atts[i], *v = atts[i + 1];
            if (strcmp(a, "colspan") == 0)
                n->colspan = span_value(v);
            else if (strcmp(a, "rowspan") == 0)
                n->rowspan = span_value(v);
        }
    } else if (n->tag == TAG_META) {
        for (size_t i = 0; atts != NULL && atts[i] != NULL; i += 2) {
            const char *a = atts[i], *v = atts[i + 1];
            if (v == NULL)
                v = ""; /* an attribute without a value reads as "" */
            if (strcmp(a, "name") == 0) {
                n->meta_title = strcasecmp(v, "ArticleTitle") == 0;
            } else if (strcmp(a, "content") == 0) {
                n->text = text_copy(t, v, strlen(v));
                if (n->text == NULL)
                    return NJ_ENOMEM;
            }
        }
    }
    return NJ_OK;
}

static void
sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct tree *t = ctxt->_private;
    if (name == NULL || ctxt->myDoc == NULL || t->oom)
        return;
    tree_sync(t);
    struct hnode *parent = t->cur;
    if (parent == NULL && doc_has_children(t) && t->doc_first == 1 &&
        ctxt->myDoc->intSubset == NULL)
        parent = t->root; /* the document's first child is the root element */
    if (nodePush(ctxt, NULL) < 0)
        return; /* too deep: libxml2 drops the node and has stopped the parser */
    struct hnode *n = new_node(t);
    if (n == NULL) {
        tree_oom(t);
        return;
    }
    n->type = HN_ELEM;
    name_node(n, (const char *)name);
    if (elem_attrs(t, n, (const char *const *)atts) != NJ_OK) {
        tree_oom(t);
        return;
    }
    if (parent != NULL) {
        append_child(parent, n);
        parent->open_tail = 0;
    } else {
        /* at the document level: the first element there is the root */
        if (t->root == NULL)
            t->root = n;
        if (t->doc_first == 0)
            t->doc_first = 1;
    }
    t->cur = n;
    t->depth++;
}

static void
sax_end(void *ctx, const xmlChar *name)
{
    (void)name;
    xmlParserCtxtPtr ctxt = ctx;
    struct tree *t = ctxt->_private;
    tree_sync(t);
    nodePop(ctxt);
    tree_sync(t);
}

/* Text under the open element P (joining the text before it when nothing came between). */
static int
tree_text(struct tree *t, struct hnode *p, const char *ch, size_t len, enum hn_type type)
{
    if (p->open_tail && p->last->type == type)
        return text_extend(t, p->last, ch, len);
    struct hnode *x = new_node(t);
    char *s = x != NULL ? text_copy(t, ch, len) : NULL;
    if (s == NULL)
        return NJ_ENOMEM;
    x->type = (unsigned char)type;
    x->text = s;
    x->len = len;
    append_child(p, x);
    p->open_tail = 1;
    return NJ_OK;
}

static void
add_text(xmlParserCtxtPtr ctxt, const xmlChar *ch, int len, enum hn_type type)
{
    struct tree *t = ctxt->_private;
    if (t->oom || len < 0)
        return;
    tree_sync(t);
    struct hnode *p = t->cur;
    if (p == NULL)
        return; /* no element open: libxml2 drops the text */
    if (p->open_tail && p->last->type == type && p->last->len + (size_t)len > XML_MAX_TEXT_LENGTH) {
        /* libxml2's builder refuses the run ("huge text node") and stops the parser */
        ctxt->errNo = XML_ERR_NO_MEMORY;
        ctxt->instate = XML_PARSER_EOF;
        ctxt->disableSAX = 1;
        return;
    }
    if (tree_text(t, p, (const char *)ch, (size_t)len, type) != NJ_OK)
        tree_oom(t);
}

static void
sax_characters(void *ctx, const xmlChar *ch, int len)
{
    add_text(ctx, ch, len, HN_TEXT);
}

static void
sax_cdata(void *ctx, const xmlChar *ch, int len)
{
    add_text(ctx, ch, len, HN_CDATA);
}

/* A comment or processing instruction: not kept, but it ends a run of text. */
static void
add_other(xmlParserCtxtPtr ctxt)
{
    struct tree *t = ctxt->_private;
    if (t->oom)
        return;
    tree_sync(t);
    if (!doc_has_children(t))
        t->doc_first = 2;
    else if (t->cur != NULL)
        t->cur->open_tail = 0;
}

static void
sax_comment(void *ctx, const xmlChar *value)
{
    (void)value;
    add_other(ctx);
}

static void
sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    (void)data;
    add_other(ctx);
}

/*
 * htmlReadMemory(TEXT, LEN, NULL, "UTF-8", options), step by step as libxml2 does it, with
 * the SAX handler's tree building replaced by the light tree T.  Returns NJ_OK, 1 when the
 * text cannot be parsed (it is empty), or NJ_ENOMEM.
 */
static int
parse_html(const char *text, int len, struct tree *t)
{
    const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_NONET | HTML_PARSE_COMPACT;
    /* the context htmlReadMemory makes (an XML one, given the HTML SAX handler) */
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(text, len);
    if (ctxt == NULL)
        return 1;
    if (ctxt->sax == NULL) {
        xmlFreeParserCtxt(ctxt);
        return 1;
    }
    htmlDefaultSAXHandlerInit();
    memcpy(ctxt->sax, &htmlDefaultSAXHandler, sizeof(xmlSAXHandlerV1));
    /* the document (start and end, DTD) stays libxml2's; the elements and text are ours */
    ctxt->sax->startElement = sax_start;
    ctxt->sax->endElement = sax_end;
    ctxt->sax->characters = sax_characters;
    ctxt->sax->cdataBlock = sax_cdata;
    ctxt->sax->comment = sax_comment;
    ctxt->sax->processingInstruction = sax_pi;
    ctxt->_private = t;
    t->ctxt = ctxt;
    htmlDocPtr hd = htmlCtxtReadMemory(ctxt, text, len, NULL, "UTF-8", options);
    t->ctxt = NULL;
    xmlFreeParserCtxt(ctxt);
    if (hd == NULL)
        return t->oom ? NJ_ENOMEM : 1;
    xmlFreeDoc(hd);
    return t->oom ? NJ_ENOMEM : NJ_OK;
}

/*
 * The tree from nj_hscan's events, for the pages the strict scanner accepts: the events are
 * libxml2's for the same page, and the tree is built as the SAX handlers above build it
 * (the scanner never gives an element outside the root, text outside an element that
 * libxml2 would keep, or a page deeper or longer than libxml2's limits).
 */
static int
scan_start(void *ctx, const char *name, const char *const *atts)
{
    struct tree *t = ctx;
    struct hnode *n = new_node(t);
    if (n == NULL)
        return NJ_ENOMEM;
    n->type = HN_ELEM;
    name_node(n, name);
    if (elem_attrs(t, n, atts) != NJ_OK)
        return NJ_ENOMEM;
    if (t->cur != NULL) {
        append_child(t->cur, n);
        t->cur->open_tail = 0;
    } else if (t->root == NULL) {
        t->root = n;
    }
    t->cur = n;
    t->depth++;
    return 0;
}

static int
scan_end(void *ctx)
{
    struct tree *t = ctx;
    t->cur = t->cur->parent;
    t->depth--;
    return 0;
}

static int
scan_text(void *ctx, const char *s, size_t n, int cdata)
{
    struct tree *t = ctx;
    if (t->cur == NULL)
        return 0;
    return tree_text(t, t->cur, s, n, cdata ? HN_CDATA : HN_TEXT) != NJ_OK;
}

static int
scan_comment(void *ctx)
{
    struct tree *t = ctx;
    if (t->cur != NULL)
        t->cur->open_tail = 0;
    return 0;
}

/*
 * The page's tree: from the strict scanner when it accepts the page, else from libxml2's
 * parser (SCANNER 0: libxml2's only; 1: the scanner's only, 1 when it gives up).
 */
static int
build_tree(const char *text, size_t len, struct tree *t, int scanner)
{
    if (scanner != 0) {
        struct nj_hs_sink sink = {t, scan_start, scan_end, scan_text, scan_comment};
        enum nj_hs_result r = nj_hscan(text, len, &sink);
        if (r == NJ_HS_DONE)
            return NJ_OK;
        tree_free(t);
        memset(t, 0, sizeof(*t));
        if (r == NJ_HS_STOPPED)
            return NJ_ENOMEM;
        if (scanner == 1)
            return 1;
    }
    return parse_html(text, (int)len, t);
}

enum item_kind { ITEM_TEXT, ITEM_TABLE };

struct item {
    enum item_kind kind;
    struct hnode *node; /* the block element the text came from, or the <table> */
    char *text;         /* ITEM_TEXT only */
    char *content;      /* ITEM_TABLE: the table's text (node_content), or NULL */
    unsigned heading;
};

struct hctx {
    struct item *items;
    size_t n_items, cap_items;
    struct nj_sb line;
    struct hnode *block; /* the innermost block element being walked */
    unsigned heading;    /* heading level of the innermost h1-h6, 0 outside */
    int in_article;      /* inside <article>, <main> or <section> */
};

static int
is_tag(const struct hnode *n, enum tag tag)
{
    return n != NULL && n->type == HN_ELEM && n->tag == tag;
}

/* The text of all text and CDATA below N in document order, as xmlNodeGetContent gives it
 * ("" when there is none); NULL when memory runs out. */
static char *
node_content(const struct hnode *n)
{
    struct nj_sb sb;
    nj_sb_init(&sb);
    const struct hnode *x = n->first;
    while (x != NULL) {
        if (x->type != HN_ELEM && nj_sb_add(&sb, x->text, strlen(x->text)) != NJ_OK) {
            nj_sb_free(&sb);
            return NULL;
        }
        if (x->first != NULL) {
            x = x->first;
            continue;
        }
        while (x != n && x->next == NULL)
            x = x->parent;
        x = x != n ? x->next : NULL;
    }
    if (sb.p == NULL)
        return strdup("");
    return sb.p;
}

static void
set_err(char *err, size_t err_size, enum nj_lang lang, const char *zh, const char *en)
{
    if (err != NULL && err_size > 0)
        snprintf(err, err_size, "%s", lang == NJ_LANG_EN ? en : zh);
}

/*
 * Appends the text of a text node, collapsing white space and leaving out the markers of
 * Word's "downlevel-revealed" conditional comments (<![if !supportLists]>, <![endif]>),
 * which libxml2 keeps as text; the text between them (list numbers such as 一、) stays.
 */
static int
add_node_text(struct nj_sb *sb, const char *content)
{
    if (content == NULL)
        return NJ_OK;
    const char *s = content;
    for (;;) {
        const char *m = strstr(s, "<![");
        if (m == NULL)
            break;
        const char *end = strstr(m, "]>");
        int marker =
            end != NULL && (strncmp(m + 3, "if", 2) == 0 || strncmp(m + 3, "endif", 5) == 0);
        const char *upto = marker ? m : m + 3;
        if (nj_sb_add_collapsed(sb, s, (size_t)(upto - s)) != NJ_OK)
            return NJ_ENOMEM;
        s = marker ? end + 2 : upto;
    }
    return nj_sb_add_collapsed(sb, s, strlen(s));
}

/* ---- cell text --------------------------------------------------------------------- */

struct cellctx {
    struct nj_sb piece;
    struct nj_sb *out;
    int rc;
    int sep; /* the next piece starts a cell of a nested table: join with a space */
};

static void
cell_flush(struct cellctx *c)
{
    nj_sb_trim(&c->piece);
    if (c->piece.len > 0) {
        if (c->sep && c->out->len > 0 && nj_sb_add(c->out, " ", 1) != NJ_OK)
            c->rc = NJ_ENOMEM;
        if (nj_sb_join(c->out, c->piece.p, c->piece.len) != NJ_OK)
            c->rc = NJ_ENOMEM;
        c->sep = 0;
    }
    nj_sb_reset(&c->piece);
}

static void
cell_walk(struct cellctx *c, const struct hnode *parent, int depth)
{
    for (const struct hnode *n = parent->first; n != NULL && c->rc == 0; n = n->next) {
        if (n->type != HN_ELEM) {
            if (add_node_text(&c->piece, n->text) != NJ_OK)
                c->rc = NJ_ENOMEM;
            continue;
        }
        enum elem_class k = n->cls;
        if (k == EL_SKIP)
            continue;
        if (k == EL_BR) {
            cell_flush(c);
            continue;
        }
        if (depth >= NJ_READERS_MAX_DEPTH)
            continue;
        if (k == EL_INLINE) {
            cell_walk(c, n, depth + 1);
        } else {
            cell_flush(c);
            if (n->tag == TAG_TD || n->tag == TAG_TH)
                c->sep = 1;
            cell_walk(c, n, depth + 1);
            cell_flush(c);
        }
    }
}

/* The text of a cell (or caption): its pieces joined by the rule of nj_rtext.h.  SCRATCH is
 * a buffer the walk may use (and grow). */
static int
cell_text(const struct hnode *cell, struct nj_sb *out, struct nj_sb *scratch)
{
    struct cellctx c = {.piece = *scratch, .out = out, .rc = 0};
    nj_sb_reset(&c.piece);
    nj_sb_reset(out);
    cell_walk(&c, cell, 0);
    cell_flush(&c);
    *scratch = c.piece; /* kept for the next cell */
    return c.rc;
}

/* ---- phase 1: collect blocks --------------------------------------------------------- */

static int
push_item(struct hctx *c, enum item_kind kind, struct hnode *node, char *text, unsigned heading)
{
    if (c->n_items == c->cap_items) {
        size_t cap = c->cap_items ? c->cap_items * 2 : 128;
        struct item *it = realloc(c->items, cap * sizeof(*it));
        if (it == NULL)
            return NJ_ENOMEM;
        c->items = it;
        c->cap_items = cap;
    }
    c->items[c->n_items++] = (struct item){kind, node, text, NULL, heading};
    return NJ_OK;
}

static int
flush_line(struct hctx *c)
{
    nj_sb_trim(&c->line);
    if (c->line.len == 0)
        return NJ_OK;
    char *t = malloc(c->line.len + 1);
    if (t == NULL)
        return NJ_ENOMEM;
    memcpy(t, c->line.p, c->line.len + 1);
    nj_sb_reset(&c->line);
    if (push_item(c, ITEM_TEXT, c->block, t, c->heading) != NJ_OK) {
        free(t);
        return NJ_ENOMEM;
    }
    return NJ_OK;
}

static unsigned
count_rows(const struct hnode *n, int depth)
{
    unsigned k = 0;
    for (const struct hnode *ch = n->first; ch != NULL; ch = ch->next) {
        if (ch->type != HN_ELEM)
            continue;
        if (ch->tag == TAG_TR)
            k++;
        else if (depth < 3 && ch->tag != TAG_TABLE)
            k += count_rows(ch, depth + 1);
    }
    return k;
}

/* Non-zero when a table below N (not N itself) has three rows or more. */
static int
has_big_inner_table(const struct hnode *n, int depth)
{
    for (const struct hnode *ch = n->first; ch != NULL; ch = ch->next) {
        if (ch->type != HN_ELEM || depth >= NJ_READERS_MAX_DEPTH)
            continue;
        if (ch->tag == TAG_TABLE && count_rows(ch, 0) >= 3)
            return 1;
        if (has_big_inner_table(ch, depth + 1))
            return 1;
    }
    return 0;
}

static unsigned
popcount6(unsigned m)
{
    unsigned k = 0;
    for (int i = 0; i < 6; i++)
        k += (m >> i) & 1u;
    return k;
}

/*
 * A layout table holds the page rather than data: it contains a table of three rows or
 * more, or two part headings or more.  Its cells are walked like <div>s.
 */
static int
is_layout_table(const struct hnode *t, char **content)
{
    *content = NULL;
    if (has_big_inner_table(t, 0))
        return 1;
    char *s = node_content(t);
    if (s == NULL)
        return 0;
    int layout = popcount6(nj_rtext_part_mask(s)) >= 2;
    if (layout)
        free(s);
    else
        *content = s; /* is_report_table reads it again */
    return layout;
}

static int collect(struct hctx *c, struct hnode *parent, int depth);

static int
collect_table(struct hctx *c, struct hnode *t, char *content)
{
    int rc = flush_line(c);
    if (rc) {
        free(content);
        return rc;
    }
    for (struct hnode *ch = t->first; ch != NULL; ch = ch->next) {
        if (ch->type != HN_ELEM || ch->tag != TAG_CAPTION)
            continue;
        struct nj_sb sb, scratch;
        nj_sb_init(&sb);
        nj_sb_init(&scratch);
        rc = cell_text(ch, &sb, &scratch);
        nj_sb_free(&scratch);
        if (rc == 0 && sb.len > 0) {
            char *txt = malloc(sb.len + 1);
            if (txt == NULL)
                rc = NJ_ENOMEM;
            else {
                memcpy(txt, sb.p, sb.len + 1);
                rc = push_item(c, ITEM_TEXT, t, txt, 0);
                if (rc)
                    free(txt);
            }
        }
        nj_sb_free(&sb);
        if (rc) {
            free(content);
            return rc;
        }
    }
    rc = push_item(c, ITEM_TABLE, t, NULL, 0);
    if (rc == NJ_OK)
        c->items[c->n_items - 1].content = content;
    else
        free(content);
    return rc;
}

static int
collect(struct hctx *c, struct hnode *parent, int depth)
{
    int rc = NJ_OK;
    for (struct hnode *n = parent->first; n != NULL && rc == NJ_OK; n = n->next) {
        if (n->type != HN_ELEM) {
            rc = add_node_text(&c->line, n->text);
            continue;
        }
        enum elem_class k = n->cls;
        if (k == EL_SKIP || (k == EL_CHROME && !c->in_article))
            continue;
        if (k == EL_BR) {
            rc = flush_line(c);
            continue;
        }
        if (depth >= NJ_READERS_MAX_DEPTH)
            continue;
        char *content;
        if (k == EL_TABLE && !is_layout_table(n, &content)) {
            rc = collect_table(c, n, content);
            continue;
        }
        if (k == EL_INLINE) {
            rc = collect(c, n, depth + 1);
            continue;
        }
        /* a block (or a layout table, or an article's header/footer) */
        rc = flush_line(c);
        if (rc)
            break;
        struct hnode *saved_block = c->block;
        unsigned saved_heading = c->heading;
        int saved_article = c->in_article;
        c->block = n;
        if (n->heading)
            c->heading = n->heading;
        if (n->tag == TAG_ARTICLE)
            c->in_article = 1;
        rc = collect(c, n, depth + 1);
        if (rc == NJ_OK)
            rc = flush_line(c);
        c->block = saved_block;
        c->heading = saved_heading;
        c->in_article = saved_article;
    }
    return rc;
}

/* ---- phase 2: find the report body --------------------------------------------------- */

static int
is_report_table(const struct hnode *t, const char *content)
{
    static const char *const keys[] = {"第二十条", "申请人情况", "行政复议", "本年新收",
                                       "信息内容", "自然人",     "行政诉讼"};
    char *own = content == NULL ? node_content(t) : NULL;
    const char *s = content != NULL ? content : own;
    if (s == NULL)
        return 0;
    int hit = 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !hit; i++)
        hit = strstr(s, keys[i]) != NULL;
    free(own);
    return hit;
}

static unsigned
node_depth(const struct hnode *n)
{
    unsigned d = 0;
    for (; n != NULL; n = n->parent)
        d++;
    return d;
}

static struct hnode *
lca(struct hnode *a, struct hnode *b)
{
    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    unsigned da = node_depth(a), db = node_depth(b);
    while (da > db) {
        a = a->parent;
        da--;
    }
    while (db > da) {
        b = b->parent;
        db--;
    }
    while (a != b) {
        a = a->parent;
        b = b->parent;
    }
    return a;
}

static int
is_under(const struct hnode *n, const struct hnode *root)
{
    for (; n != NULL; n = n->parent)
        if (n == root)
            return 1;
    return 0;
}

static struct hnode *
find_root(struct hctx *c, struct hnode *body)
{
    struct hnode *root = NULL;
    size_t first_key = c->n_items;
    for (size_t i = 0; i < c->n_items; i++) {
        const struct item *it = &c->items[i];
        int key = it->kind == ITEM_TEXT ? nj_rtext_part_heading(it->text) != 0
                                        : is_report_table(it->node, it->content);
        if (!key)
            continue;
        root = lca(root, it->node);
        if (first_key == c->n_items)
            first_key = i;
    }
    if (root == NULL)
        return body;
    /* the title nearest before the first key block, else the first one after it */
    struct hnode *title = NULL;
    for (size_t i = 0; i < c->n_items; i++) {
        const struct item *it = &c->items[i];
        if (it->kind != ITEM_TEXT || !nj_rtext_is_title(it->text))
            continue;
        if (i < first_key || title == NULL)
            title = it->node;
        if (i > first_key)
            break;
    }
    root = lca(root, title);
    return root != NULL ? root : body;
}

/* ---- phase 3: emit -------------------------------------------------------------------- */

static size_t
collect_rows(struct hnode *t, struct hnode **rows, size_t max)
{
    size_t n = 0;
    for (struct hnode *ch = t->first; ch != NULL; ch = ch->next) {
        if (is_tag(ch, TAG_TR)) {
            if (n < max) {
                if (rows != NULL)
                    rows[n] = ch;
                n++;
            }
        } else if (is_tag(ch, TAG_THEAD) || is_tag(ch, TAG_TBODY) || is_tag(ch, TAG_TFOOT)) {
            for (struct hnode *r = ch->first; r != NULL; r = r->next)
                if (is_tag(r, TAG_TR) && n < max) {
                    if (rows != NULL)
                        rows[n] = r;
                    n++;
                }
        }
    }
    return n;
}

/* The state of the table being emitted, and buffers kept from one table to the next. */
struct grid {
    struct tree *tree;                  /* cell texts are kept in its text chunks */
    struct nj_sb sb, scratch;           /* cell_text's */
    unsigned rem[NJ_HTML_MAX_COLS];     /* rows still covered below the current one */
    const char *text[NJ_HTML_MAX_COLS]; /* text of the cell covering each column */
    size_t len[NJ_HTML_MAX_COLS];       /* its length */
    unsigned flags[NJ_HTML_MAX_COLS];   /* its heading flag */
};

static int
emit_table(struct nj_doc *doc, struct grid *g, struct hnode *t, unsigned loc)
{
    int rc = NJ_OK;
    size_t n_rows = collect_rows(t, NULL, NJ_HTML_MAX_ROWS);
    struct hnode **rows = malloc((n_rows ? n_rows : 1) * sizeof(*rows));
    if (rows == NULL)
        return NJ_ENOMEM;
    n_rows = collect_rows(t, rows, n_rows);
    memset(g->rem, 0, sizeof(g->rem));
    unsigned width = 0;
    rc = nj_doc_begin_table(doc);
    for (size_t r = 0; r < n_rows && rc == NJ_OK; r++) {
        rc = nj_doc_add_row(doc, loc);
        unsigned col = 0;
        for (struct hnode *cell = rows[r]->first; cell != NULL && rc == NJ_OK; cell = cell->next) {
            int th = is_tag(cell, TAG_TH);
            if (!th && !is_tag(cell, TAG_TD))
                continue;
            while (col < NJ_HTML_MAX_COLS && g->rem[col] > 0 && rc == NJ_OK) {
                rc = nj_doc_add_cell(doc, g->text[col], g->len[col], col,
                                     NJ_CELL_SPANNED | g->flags[col]);
                g->rem[col]--;
                col++;
            }
            if (rc != NJ_OK || col >= NJ_HTML_MAX_COLS)
                break;
            unsigned cs = cell->colspan;
            unsigned rs = cell->rowspan;
            unsigned left = (unsigned)(n_rows - r);
            if (cs == 0)
                cs = 1;
            if (cs > NJ_HTML_MAX_COLS - col)
                cs = NJ_HTML_MAX_COLS - col;
            if (rs == 0 || rs > left)
                rs = left;
            rc = cell_text(cell, &g->sb, &g->scratch);
            const char *txt =
                rc == NJ_OK ? text_copy(g->tree, nj_sb_cstr(&g->sb), g->sb.len) : NULL;
            if (txt == NULL) {
                rc = NJ_ENOMEM;
                break;
            }
            size_t len = strlen(txt);
            unsigned hf = th ? NJ_CELL_HEADING : 0;
            for (unsigned k = 0; k < cs && rc == NJ_OK; k++) {
                rc = nj_doc_add_cell(doc, txt, len, col + k, (k ? NJ_CELL_SPANNED : 0) | hf);
                g->rem[col + k] = rs - 1;
                g->text[col + k] = txt;
                g->len[col + k] = len;
                g->flags[col + k] = hf;
            }
            col += cs;
            if (col > width)
                width = col;
        }
        /* positions to the right still covered by cells from rows above */
        for (; col < width && rc == NJ_OK; col++) {
            if (g->rem[col] == 0)
                continue;
            rc = nj_doc_add_cell(doc, g->text[col], g->len[col], col,
                                 NJ_CELL_SPANNED | g->flags[col]);
            g->rem[col]--;
        }
    }
    if (rc == NJ_OK)
        rc = nj_doc_end_table(doc);
    free(rows);
    return rc;
}

/*
 * The report title a page carries in its head, for articles that show none: the content
 * of <meta name="ArticleTitle"> (a common CMS field), else the <title> up to the first
 * "_", "|" or " - " (where portals append the column and site name).  Appended to OUT
 * only when it looks like a report title.
 */
static int
head_title(const struct hnode *top, struct nj_sb *out)
{
    const struct hnode *head = NULL;
    for (const struct hnode *n = top ? top->first : NULL; n != NULL; n = n->next)
        if (is_tag(n, TAG_HEAD))
            head = n;
    if (head == NULL)
        return NJ_OK;
    int rc = NJ_OK;
    for (int pass = 0; pass < 2 && out->len == 0 && rc == NJ_OK; pass++) {
        for (const struct hnode *n = head->first; n != NULL && out->len == 0; n = n->next) {
            char *v = NULL;
            if (pass == 0 && is_tag(n, TAG_META)) {
                if (n->meta_title && n->text != NULL)
                    v = strdup(n->text);
            } else if (pass == 1 && is_tag(n, TAG_TITLE)) {
                v = node_content(n);
            }
            if (v == NULL)
                continue;
            char *t = v;
            static const char *const cuts[] = {"_", "|", " - ", "－"};
            for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
                char *cut = strstr(t, cuts[k]);
                if (cut != NULL)
                    *cut = '\0';
            }
            rc = nj_sb_add_collapsed(out, t, strlen(t));
            nj_sb_trim(out);
            if (rc == NJ_OK && !nj_rtext_is_title(nj_sb_cstr(out)))
                nj_sb_reset(out);
            free(v);
        }
    }
    return rc;
}

/* ---- charset and entry point ---------------------------------------------------------- */

/* The charset a <meta> declares in the first 8 KB (charset=… or content="…; charset=…"). */
static void
sniff_meta_charset(const unsigned char *buf, size_t len, char *out, size_t out_size)
{
    out[0] = '\0';
    size_t lim = len < 8192 ? len : 8192;
    for (size_t i = 0; i + 5 < lim; i++) {
        if (buf[i] != '<' || strncasecmp((const char *)buf + i + 1, "meta", 4) != 0)
            continue;
        size_t end = i + 5;
        while (end < lim && buf[end] != '>')
            end++;
        for (size_t j = i + 5; j + 7 < end; j++) {
            if (strncasecmp((const char *)buf + j, "charset", 7) != 0)
                continue;
            size_t k = j + 7;
            while (k < end && (buf[k] == ' ' || buf[k] == '\t'))
                k++;
            if (k >= end || buf[k] != '=')
                continue;
            k++;
            while (k < end && (buf[k] == ' ' || buf[k] == '"' || buf[k] == '\''))
                k++;
            size_t o = 0;
            while (k < end && o + 1 < out_size &&
                   ((buf[k] >= 'a' && buf[k] <= 'z') || (buf[k] >= 'A' && buf[k] <= 'Z') ||
                    (buf[k] >= '0' && buf[k] <= '9') || buf[k] == '-' || buf[k] == '_'))
                out[o++] = (char)buf[k++];
            out[o] = '\0';
            if (o > 0)
                return;
        }
        i = end;
    }
}

static int
has_non_ascii(const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] >= 0x80)
            return 1;
    return 0;
}

static const char *
canonical_charset(const char *declared)
{
    if (declared[0] == '\0')
        return NULL;
    if (strcasecmp(declared, "gb2312") == 0 || strcasecmp(declared, "gbk") == 0 ||
        strcasecmp(declared, "gb18030") == 0 || strcasecmp(declared, "x-gbk") == 0 ||
        strcasecmp(declared, "cp936") == 0 || strcasecmp(declared, "euc-cn") == 0)
        return NJ_ENC_GB18030;
    if (strcasecmp(declared, "utf-8") == 0 || strcasecmp(declared, "utf8") == 0)
        return NJ_ENC_UTF8;
    return declared;
}

int
nj_html_read(const unsigned char *buf, size_t len, enum nj_lang lang, struct nj_doc *doc,
             char *encoding, size_t encoding_size, char *err, size_t err_size)
{
    int rc = NJ_OK;
    struct nj_decoded dec = {0};
    struct tree tree = {0};
    struct grid *grid = NULL;
    struct hctx c = {0};
    nj_sb_init(&c.line);
    char declared[32];
    const char *reason = NULL;

    if (buf == NULL || doc == NULL || len > INT_MAX) {
        set_err(err, err_size, lang, "HTML 文件过大或为空，无法读取",
                "the HTML file is empty or too large to read");
        return NJ_EINVAL;
    }
    sniff_meta_charset(buf, len, declared, sizeof(declared));
    const char *hint = canonical_charset(declared);
    /*
     * Pages re-saved as UTF-8 often keep their old gb2312 declaration.  Chinese text in
     * GBK is practically never valid UTF-8, so valid UTF-8 with non-ASCII bytes is taken
     * as UTF-8 whatever the <meta> says (a BOM still decides first, in nj_decode).
     */
    if (hint != NULL && strcmp(hint, NJ_ENC_GB18030) == 0 && has_non_ascii(buf, len) &&
        nj_utf8_valid(buf, len))
        hint = NULL;
    rc = nj_decode(buf, len, hint, &dec, &reason);
    if (rc == NJ_ENOMEM)
        goto out;
    if (rc != NJ_OK) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s",
                 lang == NJ_LANG_EN ? "the HTML page's text encoding cannot be decoded"
                                    : "无法识别该 HTML 网页的文字编码，请另存为 UTF-8 编码后重试");
        if (reason != NULL && lang == NJ_LANG_EN)
            snprintf(msg, sizeof(msg), "the HTML page's text encoding cannot be decoded (%s)",
                     reason);
        set_err(err, err_size, lang, msg, msg);
        goto out;
    }
    if (encoding != NULL && encoding_size > 0)
        snprintf(encoding, encoding_size, "%s", dec.encoding ? dec.encoding : NJ_ENC_UTF8);

    rc = build_tree(dec.text, dec.len, &tree, 2);
    if (rc == NJ_ENOMEM)
        goto out;
    if (rc != NJ_OK) {
        set_err(err, err_size, lang, "文件不是可以解析的 HTML 网页",
                "the file is not an HTML page that can be parsed");
        rc = NJ_EINVAL;
        goto out;
    }
    struct hnode *top = tree.root;
    struct hnode *body = NULL;
    for (struct hnode *n = top ? top->first : NULL; n != NULL; n = n->next)
        if (is_tag(n, TAG_BODY))
            body = n;
    if (body == NULL)
        body = top;
    if (body == NULL)
        goto out; /* an empty page gives an empty document */

    c.block = body;
    rc = collect(&c, body, 0);
    if (rc == NJ_OK)
        rc = flush_line(&c);
    if (rc != NJ_OK)
        goto out;

    struct hnode *root = find_root(&c, body);
    unsigned para = 0;
    int has_title = 0;
    for (size_t i = 0; i < c.n_items && !has_title; i++)
        has_title = c.items[i].kind == ITEM_TEXT && is_under(c.items[i].node, root) &&
                    nj_rtext_is_title(c.items[i].text);
    if (!has_title && root != body) {
        /* the article shows no title of its own: take the page's (meta or <title>) */
        struct nj_sb t;
        nj_sb_init(&t);
        rc = head_title(top, &t);
        if (rc == NJ_OK && t.len > 0)
            rc = nj_doc_add_text(doc, t.p, t.len, ++para, 0);
        nj_sb_free(&t);
    }
    for (size_t i = 0; i < c.n_items && rc == NJ_OK; i++) {
        const struct item *it = &c.items[i];
        if (!is_under(it->node, root))
            continue;
        para++;
        if (it->kind == ITEM_TEXT) {
            rc = nj_doc_add_text(doc, it->text, strlen(it->text), para, it->heading);
            continue;
        }
        if (grid == NULL) {
            grid = malloc(sizeof(*grid));
            if (grid == NULL) {
                rc = NJ_ENOMEM;
                break;
            }
            grid->tree = &tree;
            nj_sb_init(&grid->sb);
            nj_sb_init(&grid->scratch);
        }
        rc = emit_table(doc, grid, it->node, para);
    }
out:
    if (rc == NJ_ENOMEM)
        set_err(err, err_size, lang, "内存不足，无法读取 HTML 网页",
                "out of memory while reading the HTML page");
    for (size_t i = 0; i < c.n_items; i++) {
        free(c.items[i].text);
        free(c.items[i].content);
    }
    free(c.items);
    nj_sb_free(&c.line);
    if (grid != NULL) {
        nj_sb_free(&grid->sb);
        nj_sb_free(&grid->scratch);
        free(grid);
    }
    tree_free(&tree);
    free(dec.text);
    return rc;
}

/* ---- for tests -------------------------------------------------------------------------- */

static int
dump_node(struct nj_sb *sb, const struct hnode *n, int depth)
{
    char head[96];
    for (; n != NULL; n = n->next) {
        if (n->type != HN_ELEM) {
            snprintf(head, sizeof(head), "%c%zu:", n->type == HN_TEXT ? 'T' : 'C', n->len);
            if (nj_sb_add(sb, head, strlen(head)) != NJ_OK ||
                nj_sb_add(sb, n->text, n->len) != NJ_OK || nj_sb_add(sb, "\n", 1) != NJ_OK)
                return NJ_ENOMEM;
            continue;
        }
        snprintf(head, sizeof(head), "E%d.%d.%d.%u.%u.%d%s", n->cls, n->tag, n->heading, n->colspan,
                 n->rowspan, n->meta_title, n->text != NULL ? ":" : "");
        if (nj_sb_add(sb, head, strlen(head)) != NJ_OK ||
            (n->text != NULL && nj_sb_add(sb, n->text, strlen(n->text)) != NJ_OK) ||
            nj_sb_add(sb, "{\n", 2) != NJ_OK)
            return NJ_ENOMEM;
        if (depth < 10000 && dump_node(sb, n->first, depth + 1) != NJ_OK)
            return NJ_ENOMEM;
        if (nj_sb_add(sb, "}\n", 2) != NJ_OK)
            return NJ_ENOMEM;
    }
    return NJ_OK;
}

int
nj_html_tree_dump(const char *text, size_t len, int scanner, char **out)
{
    struct tree t = {0};
    struct nj_sb sb;
    nj_sb_init(&sb);
    *out = NULL;
    if (len > INT_MAX)
        return NJ_EINVAL;
    int rc = build_tree(text, len, &t, scanner);
    if (rc == NJ_OK)
        rc = dump_node(&sb, t.root, 0);
    if (rc == NJ_OK && sb.p == NULL && nj_sb_add(&sb, "-", 1) != NJ_OK)
        rc = NJ_ENOMEM; /* no root: "-" */
    if (rc == NJ_OK) {
        *out = sb.p;
        nj_sb_init(&sb);
    }
    nj_sb_free(&sb);
    tree_free(&t);
    return rc;
}
