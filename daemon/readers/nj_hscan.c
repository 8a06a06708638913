/*
 * nj_hscan.c - the strict HTML scanner (see nj_hscan.h for what it accepts and why).
 *
 * Every rule below mirrors what libxml2's HTML parser (HTMLparser.c, used through
 * htmlCtxtReadMemory with HTML_PARSE_RECOVER) does on the same input, for the inputs the
 * scanner accepts; anything whose handling would need more of libxml2's repair logic makes
 * the scanner give up.  What it cannot know from the source (which start tags close which
 * open elements, which elements are empty, the named character references) it asks the
 * installed libxml2 once.  What is written down here instead (the end priorities, how
 * libxml2 reads names, text, comments and script content) is checked against the
 * installed libxml2 by readers.hscan, so a libxml2 that behaved otherwise fails the tests.
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_hscan.h"
#include "nj_utf8.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_TEXT (8u << 20) /* well inside libxml2's 10,000,000-byte text node limit */
#define MAX_DEPTH 200       /* well inside libxml2's 256 levels */
#define MAX_NAME 30         /* tag names; libxml2 cuts names at 100 bytes */
#define MAX_ATTR_NAME 60
#define MAX_ATTS 16         /* attributes handed on for one element */
#define ATT_BUF (8u * 1024) /* their names and values */

/* The elements the scanner knows, sorted (strcmp) for the binary search. */
static const char *const tag_names[] = {
    "a",       "abbr",     "acronym",    "address", "area",       "article",  "aside",    "audio",
    "b",       "base",     "bdo",        "big",     "blockquote", "body",     "br",       "button",
    "canvas",  "caption",  "center",     "cite",    "code",       "col",      "colgroup", "dd",
    "del",     "details",  "dfn",        "dir",     "div",        "dl",       "dt",       "em",
    "embed",   "fieldset", "figcaption", "figure",  "font",       "footer",   "form",     "h1",
    "h2",      "h3",       "h4",         "h5",      "h6",         "head",     "header",   "hgroup",
    "hr",      "html",     "i",          "iframe",  "img",        "input",    "ins",      "kbd",
    "label",   "legend",   "li",         "link",    "main",       "map",      "mark",     "menu",
    "meta",    "nav",      "noscript",   "object",  "ol",         "optgroup", "option",   "p",
    "param",   "picture",  "pre",        "q",       "s",          "samp",     "script",   "section",
    "select",  "small",    "source",     "span",    "strike",     "strong",   "style",    "sub",
    "summary", "sup",      "table",      "tbody",   "td",         "textarea", "tfoot",    "th",
    "thead",   "time",     "title",      "tr",      "track",      "tt",       "u",        "ul",
    "var",     "video",    "wbr",
};

enum { N_TAGS = sizeof(tag_names) / sizeof(tag_names[0]) };

/* The id of an element libxml2 does not know either ("o:p", "text", custom elements): it
 * closes nothing, nothing closes it, it is not empty and its end priority is the
 * default. */
#define T_OTHER N_TAGS

static unsigned char closes[N_TAGS][N_TAGS]; /* closes[a][b]: <a> closes an open b */
static unsigned char empty_tag[N_TAGS + 1];  /* no content, no end tag (br, img, meta ...) */
static int t_html, t_head, t_body, t_title, t_script, t_style, t_td, t_th, t_meta;
static int prio_of[N_TAGS + 1]; /* end_priority() of each tag (T_OTHER: the default) */
static int tables_ok; /* 0 when the tables could not be read: the scanner always gives up */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static unsigned char tag_len[N_TAGS];
static unsigned char first_lo[26], first_hi[26]; /* tags starting with 'a' + i: [lo, hi) */

/* The tag of lower-case NAME[0..LEN), -1 when the scanner does not know it. */
static int
tag_id(const char *name, size_t len)
{
    unsigned f = (unsigned char)name[0] - 'a';
    if (len == 0 || f >= 26)
        return -1;
    for (unsigned i = first_lo[f]; i < first_hi[f]; i++)
        if (tag_len[i] == len && memcmp(tag_names[i], name, len) == 0)
            return (int)i;
    return -1;
}

static void
index_tags(void)
{
    for (size_t i = 0; i < N_TAGS; i++) {
        unsigned f = (unsigned char)tag_names[i][0] - 'a';
        tag_len[i] = (unsigned char)strlen(tag_names[i]);
        if (first_hi[f] == 0)
            first_lo[f] = (unsigned char)i;
        first_hi[f] = (unsigned char)(i + 1);
    }
}

/* ---- what libxml2 is asked ----------------------------------------------------------- */

struct probe {
    const char *name;
    int starts, closed;
};

static void
probe_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    (void)atts;
    struct probe *p = ((xmlParserCtxtPtr)ctx)->_private;
    if (strcmp((const char *)name, p->name) == 0)
        p->starts++;
}

static void
probe_end(void *ctx, const xmlChar *name)
{
    struct probe *p = ((xmlParserCtxtPtr)ctx)->_private;
    if (strcmp((const char *)name, p->name) == 0 && p->starts == 1)
        p->closed = 1;
}

/*
 * Whether libxml2 closes an open NAME at a start tag of NAME, found by parsing
 * "<html><body><NAME><NAME>" (htmlAutoCloseTag, which answers for two different names,
 * answers 0 for equal ones); -1 when the parser cannot be run (out of memory).  Where the
 * second start is not seen (script and style take it as text) the answer is 1, never
 * consulted: the scanner never has such an element open at a start tag.
 */
static int
probe_self_close(const char *name)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "<html><body><%s><%s>", name, name);
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(buf, n);
    if (ctxt == NULL || ctxt->sax == NULL) {
        if (ctxt != NULL)
            htmlFreeParserCtxt(ctxt);
        return -1;
    }
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET);
    memset(ctxt->sax, 0, sizeof(*ctxt->sax));
    ctxt->sax->startElement = probe_start;
    ctxt->sax->endElement = probe_end;
    struct probe p = {name, 0, 0};
    ctxt->_private = &p;
    htmlParseDocument(ctxt);
    if (ctxt->myDoc != NULL)
        xmlFreeDoc(ctxt->myDoc);
    htmlFreeParserCtxt(ctxt);
    return p.closed || p.starts != 2;
}

/*
 * The priority of an element's end tag in libxml2 (htmlEndPriority in HTMLparser.c): an end
 * tag closes the elements open above its element only when none of them has a higher one.
 * readers.hscan checks these values against the parser for every pair of known tags.
 */
static int
end_priority(int id)
{
    static const struct {
        const char *name;
        int prio;
    } table[] = {{"div", 150},   {"td", 160},    {"th", 160},    {"tr", 170},
                 {"thead", 180}, {"tbody", 180}, {"tfoot", 180}, {"table", 190},
                 {"head", 200},  {"body", 200},  {"html", 220}};
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(tag_names[id], table[i].name) == 0)
            return table[i].prio;
    return 100;
}

/* The references pages use most, looked up once (values from libxml2's table). */
static struct {
    const char *name;
    unsigned value; /* 0: libxml2 does not know it */
} common[] = {{"nbsp", 0}, {"amp", 0}, {"lt", 0}, {"gt", 0}, {"quot", 0}};

static void
init_tables(void)
{
    for (size_t i = 1; i < N_TAGS; i++)
        if (strcmp(tag_names[i - 1], tag_names[i]) >= 0)
            return; /* not sorted (the index needs it): never scan */
    index_tags();
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
        const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)common[i].name);
        common[i].value = e != NULL ? e->value : 0;
    }
    t_html = tag_id("html", 4);
    t_head = tag_id("head", 4);
    t_body = tag_id("body", 4);
    t_title = tag_id("title", 5);
    t_script = tag_id("script", 6);
    t_style = tag_id("style", 5);
    t_td = tag_id("td", 2);
    t_th = tag_id("th", 2);
    t_meta = tag_id("meta", 4);
    for (size_t i = 0; i < N_TAGS; i++)
        prio_of[i] = end_priority((int)i);
    prio_of[T_OTHER] = 100;
    for (size_t i = 0; i < N_TAGS; i++) {
        const htmlElemDesc *d = htmlTagLookup((const xmlChar *)tag_names[i]);
        empty_tag[i] = d != NULL && d->empty;
        xmlNode elem;
        memset(&elem, 0, sizeof(elem));
        elem.type = XML_ELEMENT_NODE;
        elem.name = (const xmlChar *)tag_names[i];
        for (size_t j = 0; j < N_TAGS; j++) {
            if (i == j) {
                int c = probe_self_close(tag_names[i]);
                if (c < 0)
                    return; /* tables_ok stays 0: the scanner always gives up */
                closes[i][j] = (unsigned char)c;
            } else {
                closes[i][j] = htmlAutoCloseTag(NULL, (const xmlChar *)tag_names[j], &elem) != 0;
            }
        }
    }
    tables_ok = 1;
}

void
nj_hscan_init(void)
{
    pthread_once(&once, init_tables);
}

int
nj_hscan_closes(const char *new_name, const char *old_name)
{
    nj_hscan_init();
    int a = tag_id(new_name, strlen(new_name)), b = tag_id(old_name, strlen(old_name));
    if (a < 0 || b < 0 || !tables_ok)
        return -1;
    return closes[a][b];
}

int
nj_hscan_end_priority(const char *name)
{
    int id = tag_id(name, strlen(name));
    return id < 0 ? -1 : end_priority(id);
}

const char *
nj_hscan_tag(size_t i)
{
    return i < N_TAGS ? tag_names[i] : NULL;
}

/* ---- bytes ---------------------------------------------------------------------------- */

/*
 * Valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF) of characters libxml2
 * takes as they are: no control characters but tab and line feed, no C1 controls, no
 * U+FFFE or U+FFFF.
 */
static int
plain_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (i < n) {
        /* eight ASCII bytes from U+0020 to U+007E at once */
        while (n - i >= 8) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            uint64_t low = (v - 0x20 * ones) & ~v; /* a byte below 0x20 (or high) */
            uint64_t del = ((v ^ 0x7f * ones) - ones) & ~(v ^ 0x7f * ones); /* 0x7f */
            if (((v | low | del) & highs) != 0)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                return 0;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            if (i + 1 >= n || (s[i + 1] & 0xc0) != 0x80)
                return 0;
            if (c == 0xc2 && s[i + 1] < 0xa0)
                return 0; /* U+0080-U+009F */
            i += 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            if (i + 2 >= n || (s[i + 1] & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80)
                return 0;
            if (c == 0xe0 && s[i + 1] < 0xa0)
                return 0; /* overlong */
            if (c == 0xed && s[i + 1] >= 0xa0)
                return 0; /* surrogates */
            if (c == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe)
                return 0; /* U+FFFE, U+FFFF */
            i += 3;
        } else if (c >= 0xf0 && c <= 0xf4) {
            if (i + 3 >= n || (s[i + 1] & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80 ||
                (s[i + 3] & 0xc0) != 0x80)
                return 0;
            if ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))
                return 0;
            i += 4;
        } else {
            return 0;
        }
    }
    return 1;
}

enum { C_BLANK = 1, C_ALPHA = 2, C_DIGIT = 4 };

static const unsigned char cclass[256] = {
    ['\t'] = C_BLANK, ['\n'] = C_BLANK, ['\r'] = C_BLANK, [' '] = C_BLANK, ['0'] = C_DIGIT,
    ['1'] = C_DIGIT,  ['2'] = C_DIGIT,  ['3'] = C_DIGIT,  ['4'] = C_DIGIT, ['5'] = C_DIGIT,
    ['6'] = C_DIGIT,  ['7'] = C_DIGIT,  ['8'] = C_DIGIT,  ['9'] = C_DIGIT, ['A'] = C_ALPHA,
    ['B'] = C_ALPHA,  ['C'] = C_ALPHA,  ['D'] = C_ALPHA,  ['E'] = C_ALPHA, ['F'] = C_ALPHA,
    ['G'] = C_ALPHA,  ['H'] = C_ALPHA,  ['I'] = C_ALPHA,  ['J'] = C_ALPHA, ['K'] = C_ALPHA,
    ['L'] = C_ALPHA,  ['M'] = C_ALPHA,  ['N'] = C_ALPHA,  ['O'] = C_ALPHA, ['P'] = C_ALPHA,
    ['Q'] = C_ALPHA,  ['R'] = C_ALPHA,  ['S'] = C_ALPHA,  ['T'] = C_ALPHA, ['U'] = C_ALPHA,
    ['V'] = C_ALPHA,  ['W'] = C_ALPHA,  ['X'] = C_ALPHA,  ['Y'] = C_ALPHA, ['Z'] = C_ALPHA,
    ['a'] = C_ALPHA,  ['b'] = C_ALPHA,  ['c'] = C_ALPHA,  ['d'] = C_ALPHA, ['e'] = C_ALPHA,
    ['f'] = C_ALPHA,  ['g'] = C_ALPHA,  ['h'] = C_ALPHA,  ['i'] = C_ALPHA, ['j'] = C_ALPHA,
    ['k'] = C_ALPHA,  ['l'] = C_ALPHA,  ['m'] = C_ALPHA,  ['n'] = C_ALPHA, ['o'] = C_ALPHA,
    ['p'] = C_ALPHA,  ['q'] = C_ALPHA,  ['r'] = C_ALPHA,  ['s'] = C_ALPHA, ['t'] = C_ALPHA,
    ['u'] = C_ALPHA,  ['v'] = C_ALPHA,  ['w'] = C_ALPHA,  ['x'] = C_ALPHA, ['y'] = C_ALPHA,
    ['z'] = C_ALPHA,
};

static int
is_blank(int c)
{
    return cclass[c & 0xff] & C_BLANK;
}

static int
is_alpha(int c)
{
    return cclass[c & 0xff] & C_ALPHA;
}

static int
is_digit(int c)
{
    return cclass[c & 0xff] & C_DIGIT;
}

static int
is_alnum(int c)
{
    return cclass[c & 0xff] & (C_ALPHA | C_DIGIT);
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ---- the scan ------------------------------------------------------------------------- */

struct scan {
    const char *p, *end;
    const struct nj_hs_sink *sink;
    int stack[MAX_DEPTH];
    int end_prio[MAX_DEPTH];             /* end_priority of each open element */
    char other[MAX_DEPTH][MAX_NAME + 1]; /* the name of each open T_OTHER element */
    char unknown[16][MAX_NAME + 1];      /* names found unknown to libxml2 */
    unsigned n_unknown;
    int depth;
    int seen_html, seen_head, seen_body;
    const char *atts[2 * MAX_ATTS + 1];
    size_t n_atts;
    char abuf[ATT_BUF];
    size_t abuf_used;
};

#define GIVE_UP NJ_HS_GIVE_UP
#define STOPPED NJ_HS_STOPPED

static int
cur_tag(const struct scan *s)
{
    return s->depth > 0 ? s->stack[s->depth - 1] : -1;
}

/* Text may stand here as it is: inside an element other than html and head. */
static int
text_allowed(const struct scan *s)
{
    int c = cur_tag(s);
    return c >= 0 && c != t_html && c != t_head;
}

static int
all_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank((unsigned char)p[i]))
            return 0;
    return 1;
}

static void
skip_blanks(struct scan *s)
{
    while (s->p < s->end && is_blank((unsigned char)*s->p))
        s->p++;
}

static int
starts_with_ci(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != word[i])
            return 0;
    return 1;
}

/* <!-- ... -->: S->p at "<!--".  The comment ends at the first "-->" after the "<!--". */
static int
comment(struct scan *s)
{
    const char *q = s->p + 4;
    for (; q + 2 < s->end; q++) {
        if (q[0] == '-' && q[1] == '-') {
            if (q[2] == '>')
                break;
            if (q[2] == '!')
                return GIVE_UP; /* "--!>" and the like: left to libxml2 */
        }
    }
    if (q + 2 >= s->end)
        return GIVE_UP; /* not closed */
    s->p = q + 3;
    if (s->sink->comment != NULL && s->sink->comment(s->sink->ctx) != 0)
        return STOPPED;
    return 0;
}

/* A quoted literal of the document type declaration. */
static int
skip_literal(struct scan *s)
{
    if (s->p >= s->end || (*s->p != '"' && *s->p != '\''))
        return 0;
    const char *q = memchr(s->p + 1, *s->p, (size_t)(s->end - s->p - 1));
    if (q == NULL || memchr(s->p + 1, '>', (size_t)(q - s->p - 1)) != NULL)
        return 0;
    s->p = q + 1;
    return 1;
}

/* <!DOCTYPE name [PUBLIC "..." ["..."] | SYSTEM "..."]> */
static int
doctype(struct scan *s)
{
    s->p += 9;
    if (s->p >= s->end || !is_blank((unsigned char)*s->p))
        return GIVE_UP;
    skip_blanks(s);
    if (s->p >= s->end || !is_alpha((unsigned char)*s->p))
        return GIVE_UP;
    while (s->p < s->end && is_alpha((unsigned char)*s->p))
        s->p++;
    if (s->p < s->end && is_blank((unsigned char)*s->p)) {
        skip_blanks(s);
        if (starts_with_ci(s->p, s->end, "public") || starts_with_ci(s->p, s->end, "system")) {
            int pub = lower((unsigned char)*s->p) == 'p';
            s->p += 6;
            if (s->p >= s->end || !is_blank((unsigned char)*s->p))
                return GIVE_UP;
            skip_blanks(s);
            if (!skip_literal(s))
                return GIVE_UP;
            if (pub && s->p < s->end && is_blank((unsigned char)*s->p)) {
                skip_blanks(s);
                if (s->p < s->end && *s->p != '>' && !skip_literal(s))
                    return GIVE_UP;
            }
            skip_blanks(s);
        }
    }
    if (s->p >= s->end || *s->p != '>')
        return GIVE_UP;
    s->p++;
    return 0;
}

static const char *
abuf_copy(struct scan *s, const char *p, size_t n, int lc)
{
    if (ATT_BUF - s->abuf_used < n + 1)
        return NULL;
    char *d = s->abuf + s->abuf_used;
    for (size_t i = 0; i < n; i++)
        d[i] = lc ? (char)lower((unsigned char)p[i]) : p[i];
    d[n] = '\0';
    s->abuf_used += n + 1;
    return d;
}

/*
 * The attributes of a start tag, S->p after its name, up to and including ">" or "/>";
 * *SELF is set for "/>".  KEEP: hand the attributes on (td, th, meta).
 */
static int
attributes(struct scan *s, int keep, int *self)
{
    s->n_atts = 0;
    s->abuf_used = 0;
    for (;;) {
        skip_blanks(s);
        if (s->p >= s->end)
            return GIVE_UP;
        if (*s->p == '>') {
            s->p++;
            *self = 0;
            return 0;
        }
        if (*s->p == '/') {
            if (s->p + 1 < s->end && s->p[1] == '>') {
                s->p += 2;
                *self = 1;
                return 0;
            }
            return GIVE_UP;
        }
        const char *name = s->p;
        if (!is_alpha((unsigned char)*s->p))
            return GIVE_UP;
        while (s->p < s->end) {
            int c = (unsigned char)*s->p;
            if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == ':' || c == '.'))
                break;
            s->p++;
        }
        size_t name_len = (size_t)(s->p - name);
        if (name_len > MAX_ATTR_NAME)
            return GIVE_UP;
        skip_blanks(s);
        const char *val = NULL;
        size_t val_len = 0;
        if (s->p < s->end && *s->p == '=') {
            s->p++;
            skip_blanks(s);
            if (s->p >= s->end)
                return GIVE_UP;
            if (*s->p == '"' || *s->p == '\'') {
                const char *q = memchr(s->p + 1, *s->p, (size_t)(s->end - s->p - 1));
                if (q == NULL)
                    return GIVE_UP;
                val = s->p + 1;
                val_len = (size_t)(q - val);
                s->p = q + 1;
            } else {
                val = s->p;
                while (s->p < s->end && !is_blank((unsigned char)*s->p) && *s->p != '>') {
                    int c = (unsigned char)*s->p;
                    if (c == '"' || c == '\'' || c == '<' || c == '=' || c == '`')
                        return GIVE_UP;
                    s->p++;
                }
                val_len = (size_t)(s->p - val);
                if (val_len == 0 || val[val_len - 1] == '/')
                    return GIVE_UP;
            }
            /* the next attribute needs a space before it */
            if (s->p < s->end && !is_blank((unsigned char)*s->p) && *s->p != '>' && *s->p != '/')
                return GIVE_UP;
        }
        if (!keep)
            continue;
        if (val != NULL && memchr(val, '&', val_len) != NULL)
            return GIVE_UP; /* a reference in a value that is read: libxml2 decodes it */
        int dup = 0;
        for (size_t i = 0; i < s->n_atts && !dup; i++) {
            const char *a = s->atts[2 * i];
            dup = strlen(a) == name_len;
            for (size_t k = 0; dup && k < name_len; k++)
                dup = a[k] == lower((unsigned char)name[k]);
        }
        if (dup)
            continue; /* libxml2 keeps the first */
        if (s->n_atts == MAX_ATTS)
            return GIVE_UP;
        const char *an = abuf_copy(s, name, name_len, 1);
        const char *av = val != NULL ? abuf_copy(s, val, val_len, 0) : NULL;
        if (an == NULL || (val != NULL && av == NULL))
            return GIVE_UP;
        s->atts[2 * s->n_atts] = an;
        s->atts[2 * s->n_atts + 1] = av;
        s->n_atts++;
    }
}

static int
emit_end(struct scan *s)
{
    s->depth--;
    if (s->sink->end(s->sink->ctx) != 0)
        return STOPPED;
    return 0;
}

/*
 * The content of script or style, up to and including its end tag.  As libxml2 in recovery
 * mode, the content ends at the first "</" followed by the element's name in any case;
 * other "</" (document.write("</div>") ...) are content.
 */
static int
raw_content(struct scan *s, int id)
{
    const char *name = tag_names[id];
    size_t nl = tag_len[id];
    const char *q = s->p, *e = NULL;
    for (;;) {
        q = memchr(q, '<', (size_t)(s->end - q));
        if (q == NULL)
            return GIVE_UP; /* not closed */
        e = q + 2;
        if (q + 1 < s->end && q[1] == '/' && (size_t)(s->end - e) >= nl) {
            size_t i = 0;
            while (i < nl && lower((unsigned char)e[i]) == name[i])
                i++;
            if (i == nl)
                break;
        }
        q++;
    }
    /* that end tag must be exactly the element's */
    e += nl;
    while (e < s->end && is_blank((unsigned char)*e))
        e++;
    if (e >= s->end || *e != '>')
        return GIVE_UP;
    /* content that starts with a tag is first read as markup by libxml2 (it may close the
       element, or end a parent) */
    if (q > s->p && s->p[0] == '<' && q - s->p > 1 &&
        (is_alpha((unsigned char)s->p[1]) || s->p[1] == '/' || s->p[1] == '_' || s->p[1] == ':'))
        return GIVE_UP;
    if (q > s->p && s->sink->text(s->sink->ctx, s->p, (size_t)(q - s->p), 1) != 0)
        return STOPPED;
    s->p = e + 1;
    return emit_end(s);
}

/* Whether a start tag of element A closes an open element B, in libxml2. */
static int
closes_open(int a, int b)
{
    return a != T_OTHER && b != T_OTHER && closes[a][b];
}

/*
 * A tag name at P (a letter first), lower-cased into NAME; returns its end, or NULL when it
 * is longer than MAX_NAME.  The characters are those both of libxml2's name readers take
 * (htmlParseHTMLName also takes '.', the look-ahead it uses for closing elements does not,
 * so a '.' ends the name here and the tag is left to libxml2).
 */
static const char *
read_name(const char *p, const char *end, char name[MAX_NAME + 1], size_t *len)
{
    size_t n = 0;
    while (p < end) {
        int c = (unsigned char)*p;
        if (!(is_alnum(c) || c == ':' || c == '-' || c == '_'))
            break;
        if (n == MAX_NAME)
            return NULL;
        name[n++] = (char)lower(c);
        p++;
    }
    name[n] = '\0';
    *len = n;
    return p;
}

/*
 * The id of element NAME: a tag the scanner knows, T_OTHER for a name libxml2 has no rule
 * for either (not an element it knows, closing or closed by none of the scanner's tags),
 * -1 for any other name (frameset, xmp ...: the page is left to libxml2).
 */
static int
elem_id(struct scan *s, const char *name, size_t len)
{
    int id = tag_id(name, len);
    if (id >= 0)
        return id;
    for (unsigned i = 0; i < s->n_unknown; i++)
        if (strcmp(s->unknown[i], name) == 0)
            return T_OTHER;
    /* checking a name costs a look-up in libxml2's tables per known tag: a page with more
       distinct unknown names than the cache holds is left to libxml2, so that a page of
       made-up names cannot make the scan slow */
    if (s->n_unknown == sizeof(s->unknown) / sizeof(s->unknown[0]))
        return -1;
    if (htmlTagLookup((const xmlChar *)name) != NULL)
        return -1;
    /* libxml2's table of start tags that close others has names its element table lacks
       (xmp closes p): such a name is left to libxml2 too */
    xmlNode u, k;
    memset(&u, 0, sizeof(u));
    memset(&k, 0, sizeof(k));
    u.type = k.type = XML_ELEMENT_NODE;
    u.name = (const xmlChar *)name;
    for (size_t j = 0; j < N_TAGS; j++) {
        k.name = (const xmlChar *)tag_names[j];
        if (htmlAutoCloseTag(NULL, k.name, &u) != 0 || htmlAutoCloseTag(NULL, u.name, &k) != 0)
            return -1;
    }
    memcpy(s->unknown[s->n_unknown++], name, len + 1);
    return T_OTHER;
}

/* Whether the open element at stack index K is element ID named NAME. */
static int
is_open_at(const struct scan *s, int k, int id, const char *name)
{
    return s->stack[k] == id && (id != T_OTHER || strcmp(s->other[k], name) == 0);
}

/* A start tag, S->p at "<" and a letter after it. */
static int
start_tag(struct scan *s)
{
    char name[MAX_NAME + 1];
    size_t n;
    const char *p = read_name(s->p + 1, s->end, name, &n);
    if (p == NULL || p >= s->end || !(is_blank((unsigned char)*p) || *p == '>' || *p == '/'))
        return GIVE_UP;
    int id = elem_id(s, name, n);
    if (id < 0)
        return GIVE_UP;
    /* the open elements this start tag closes end first (an unclosed <p> at the next <p>,
       <div> or <table>), as libxml2 closes them; html, and head other than at <body>, are
       left to libxml2 (it would imply elements next) */
    int cur = cur_tag(s);
    while (cur >= 0 && closes_open(id, cur)) {
        if (cur == t_html || cur == t_body || (cur == t_head && id != t_body))
            return GIVE_UP;
        int rc = emit_end(s);
        if (rc != 0)
            return rc;
        cur = cur_tag(s);
    }
    if (cur < 0) {
        if (id != t_html || s->seen_html)
            return GIVE_UP;
        s->seen_html = 1;
    } else if (id == t_head) {
        if (cur != t_html || s->seen_head || s->seen_body)
            return GIVE_UP;
        s->seen_head = 1;
    } else if (id == t_body) {
        if (cur != t_html || s->seen_body)
            return GIVE_UP;
        s->seen_body = 1;
    } else if (id == t_html || cur == t_html || cur == t_title) {
        /* html again; an element libxml2 would put into an implied head or body; markup
           inside the title */
        return GIVE_UP;
    }
    if (s->depth == MAX_DEPTH)
        return GIVE_UP;
    s->p = p;
    int keep = id == t_td || id == t_th || id == t_meta;
    int self = 0;
    int rc = attributes(s, keep, &self);
    if (rc != 0)
        return rc;
    if (self && (id == t_html || id == t_head || id == t_body))
        return GIVE_UP;
    if (keep)
        s->atts[2 * s->n_atts] = NULL;
    s->end_prio[s->depth] = prio_of[id];
    if (id == T_OTHER)
        memcpy(s->other[s->depth], name, n + 1);
    s->stack[s->depth++] = id;
    if (s->sink->start(s->sink->ctx, name, keep ? s->atts : NULL) != 0)
        return STOPPED;
    if (self || empty_tag[id])
        return emit_end(s);
    if (id == t_script || id == t_style)
        return raw_content(s, id);
    return 0;
}

/*
 * An end tag, S->p at "</".  As libxml2: the end tag of an element that is not open is
 * ignored; one of an open element closes the elements open above it first, unless one of
 * them has a higher end priority (then the end tag is ignored).
 */
static int
end_tag(struct scan *s)
{
    char name[MAX_NAME + 1];
    size_t n;
    const char *p = s->p + 2;
    if (p >= s->end || !is_alpha((unsigned char)*p))
        return GIVE_UP;
    p = read_name(p, s->end, name, &n);
    if (p == NULL)
        return GIVE_UP;
    while (p < s->end && is_blank((unsigned char)*p))
        p++;
    if (p >= s->end || *p != '>')
        return GIVE_UP;
    int id = elem_id(s, name, n);
    if (id < 0 || empty_tag[id])
        return GIVE_UP; /* known to libxml2 only, or </br> and the like */
    s->p = p + 1;
    if (s->depth > 0 && is_open_at(s, s->depth - 1, id, name))
        return emit_end(s);
    int at = s->depth - 1;
    while (at >= 0 && !is_open_at(s, at, id, name))
        at--;
    if (at < 0) {
        if (id == t_html || id == t_head || id == t_body)
            return GIVE_UP;
        return 0; /* not open: ignored */
    }
    int prio = prio_of[id];
    for (int k = at + 1; k < s->depth; k++)
        if (s->end_prio[k] > prio)
            return 0; /* ignored */
    while (s->depth > at) {
        int rc = emit_end(s);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A character reference, S->p at "&". */
static int
reference(struct scan *s)
{
    const char *p = s->p + 1;
    unsigned long c = 0;
    char out[16];
    size_t n;
    if (p < s->end && *p == '#') {
        p++;
        int hex = p < s->end && *p == 'x';
        if (hex)
            p++;
        size_t digits = 0;
        for (; p < s->end && digits < 8; p++, digits++) {
            int d = (unsigned char)*p;
            if (is_digit(d))
                c = c * (hex ? 16 : 10) + (unsigned long)(d - '0');
            else if (hex && d >= 'a' && d <= 'f')
                c = c * 16 + (unsigned long)(d - 'a' + 10);
            else if (hex && d >= 'A' && d <= 'F')
                c = c * 16 + (unsigned long)(d - 'A' + 10);
            else
                break;
        }
        if (digits == 0 || digits == 8 || p >= s->end || *p != ';')
            return GIVE_UP;
        /* printable characters only (libxml2 drops or repairs the others) */
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe ||
            c == 0xffff || c > 0x10ffff)
            return GIVE_UP;
        n = nj_u8_put(out, (uint32_t)c);
    } else {
        char name[33];
        size_t k = 0;
        if (p >= s->end || !is_alpha((unsigned char)*p))
            return GIVE_UP;
        while (p < s->end && is_alnum((unsigned char)*p)) {
            if (k == sizeof(name) - 1)
                return GIVE_UP;
            name[k++] = *p++;
        }
        name[k] = '\0';
        if (p >= s->end || *p != ';')
            return GIVE_UP;
        unsigned v = 0;
        for (size_t i = 0; i < sizeof(common) / sizeof(common[0]) && v == 0; i++)
            if (strcmp(name, common[i].name) == 0)
                v = common[i].value;
        if (v == 0) {
            const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
            v = e != NULL ? e->value : 0;
        }
        if (v < 0x20 || (v >= 0x7f && v <= 0x9f))
            return GIVE_UP;
        n = nj_u8_put(out, v);
    }
    s->p = p + 1;
    if (s->sink->text(s->sink->ctx, out, n, 0) != 0)
        return STOPPED;
    return 0;
}

/* Comments, a document type declaration and blanks before the first element. */
static int
prolog(struct scan *s)
{
    int doctype_seen = 0;
    for (;;) {
        skip_blanks(s);
        if (s->end - s->p >= 4 && memcmp(s->p, "<!--", 4) == 0) {
            int rc = comment(s);
            if (rc != 0)
                return rc;
        } else if (!doctype_seen && starts_with_ci(s->p, s->end, "<!doctype")) {
            int rc = doctype(s);
            if (rc != 0)
                return rc;
            doctype_seen = 1;
        } else {
            return 0;
        }
    }
}

enum nj_hs_result
nj_hscan(const char *text, size_t len, const struct nj_hs_sink *sink)
{
    nj_hscan_init();
    if (!tables_ok || len > MAX_TEXT || !plain_utf8((const unsigned char *)text, len))
        return NJ_HS_GIVE_UP;
    struct scan scan;
    struct scan *s = &scan;
    s->p = text;
    s->end = text + len;
    s->sink = sink;
    s->depth = 0;
    s->n_unknown = 0;
    s->seen_html = s->seen_head = s->seen_body = 0;
    int rc = prolog(s);
    while (rc == 0 && s->p < s->end) {
        const char *p = s->p;
        if (*p == '<') {
            int c1 = p + 1 < s->end ? (unsigned char)p[1] : 0;
            if (is_alpha(c1))
                rc = start_tag(s);
            else if (c1 == '/')
                rc = end_tag(s);
            else if (s->end - p >= 4 && memcmp(p, "<!--", 4) == 0)
                rc = comment(s);
            else if (c1 == '?' || starts_with_ci(p, s->end, "<!doctype") || !text_allowed(s))
                rc = GIVE_UP;
            else if (s->sink->text(s->sink->ctx, "<", 1, 0) != 0)
                rc = STOPPED;
            else
                s->p = p + 1; /* "a < b", Word's <![if !supportLists]>: libxml2 keeps the "<" */
            continue;
        }
        if (*p == '&') {
            rc = text_allowed(s) ? reference(s) : GIVE_UP;
            continue;
        }
        const char *q = p;
        while (q < s->end && *q != '<' && *q != '&')
            q++;
        size_t n = (size_t)(q - p);
        s->p = q;
        if (text_allowed(s)) {
            if (s->sink->text(s->sink->ctx, p, n, 0) != 0)
                rc = STOPPED;
        } else if (!all_blank(p, n)) {
            rc = GIVE_UP; /* libxml2 would imply a paragraph (and html, body) */
        } else if (s->depth > 0) {
            /* blanks inside html or head are kept (libxml2 keeps blanks); before a
               reference libxml2 would imply a paragraph */
            if (q < s->end && *q == '&')
                rc = GIVE_UP;
            else if (s->sink->text(s->sink->ctx, p, n, 0) != 0)
                rc = STOPPED;
        }
        /* blanks outside any element are dropped */
    }
    if (rc == 0 && !s->seen_html)
        rc = GIVE_UP; /* no element: libxml2 makes no document */
    return (enum nj_hs_result)rc;
}
