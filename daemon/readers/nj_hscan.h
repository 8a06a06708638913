/*
 * nj_hscan.h - a strict scanner for the plain HTML that content systems write, in front of
 * libxml2's HTML parser (nj_html.c).
 *
 * libxml2's HTML parser reads any page, however broken, but it spends most of an HTML
 * report's time on character-by-character work and linear tag look-ups.  Most portal pages
 * need only its everyday repairs (an unclosed <p>, a stray end tag).  For those the
 * scanner gives the same events libxml2's parser gives (start, end, text, comment), in the
 * same order, so the reader builds the same tree.  It gives up on anything outside that
 * subset, and libxml2 parses the page as before:
 *
 *  - bytes: anything but valid UTF-8 without control characters other than tab, line
 *    feed and carriage return (which libxml2's HTML parser keeps as it is);
 *  - markup: processing instructions, a second document type declaration, a tag name
 *    with a '.', a name libxml2 has rules for that the scanner does not know, attribute
 *    syntax libxml2 repairs (a "<" that starts no tag is text, as in libxml2: Word's
 *    <![if !supportLists]>);
 *  - structure libxml2 would imply: the page must be <html> with an optional <head> then
 *    <body>, each opened once (an unclosed <head> closed by <body>); no text or references
 *    directly inside <html> or <head> other than white space.  The two repairs libxml2
 *    makes everywhere are mirrored: a start tag closes the open elements libxml2 lets it
 *    close (its table of start tags that close others is asked at start-up, so the scanner
 *    follows the installed libxml2), and an end tag closes the elements open above its
 *    element unless one has a higher end priority (then, like the end tag of an element
 *    that is not open, it is ignored); anything else that would close html, head or body,
 *    and stray end tags of html, head, body and empty elements, are left to libxml2;
 *  - references: only &name; with a name libxml2 knows and &#N; / &#xN; of printable
 *    characters; none in the attribute values handed on;
 *  - limits: 8 MB of text, 200 levels of nesting.
 *
 * Tests compare the two ways element by element (tests/readers nj_hscan_test.c and the
 * fuzz target fuzz_hscan).
 */
#ifndef NJ_HSCAN_H
#define NJ_HSCAN_H

#include <stddef.h>

/* Where the events go.  Each callback returns 0, or non-zero to stop the scan. */
struct nj_hs_sink {
    void *ctx;
    /*
     * An element starts.  NAME is its lower-case name.  ATTS are its attributes as
     * name/value pairs ending in NULL (names in lower case, a value NULL when the attribute
     * has none, the first of repeated names only, as libxml2 gives them); they are given
     * for td, th and meta only, NULL for other elements.
     */
    int (*start)(void *ctx, const char *name, const char *const *atts);
    /* The innermost open element ends. */
    int (*end)(void *ctx);
    /* Text, never empty; CDATA is non-zero for the content of script and style. */
    int (*text)(void *ctx, const char *s, size_t n, int cdata);
    /* A comment (its text is not given). */
    int (*comment)(void *ctx);
};

enum nj_hs_result {
    NJ_HS_DONE = 0,    /* the whole page was scanned */
    NJ_HS_GIVE_UP = 1, /* outside the subset: what the sink received must be discarded */
    NJ_HS_STOPPED = 2, /* a callback returned non-zero */
};

/* Scans TEXT[0..LEN), UTF-8 without a byte-order mark. */
enum nj_hs_result nj_hscan(const char *text, size_t len, const struct nj_hs_sink *sink);

/*
 * Reads the tag tables from libxml2 (once; also done by the first nj_hscan).  Call after
 * xmlInitParser(), from the main thread when several threads will scan.
 */
void nj_hscan_init(void);

/*
 * For tests: whether a start tag of element NEW closes an open element OLD in libxml2
 * (both lower-case names the scanner knows); -1 for a name it does not know.
 */
int nj_hscan_closes(const char *new_name, const char *old_name);

/* For tests: the priority the scanner gives the end tag of NAME, -1 for an unknown name. */
int nj_hscan_end_priority(const char *name);

/* For tests: the I-th element name the scanner knows, NULL past the last. */
const char *nj_hscan_tag(size_t i);

#endif
