/*
 * nj_docxnum.c - Word's automatic numbering for the DOCX reader (see nj_docxnum.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_docxnum.h"
#include "nj_core.h"
#include "nj_wxml.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_LEVELS 9
#define MAX_DEFS 4096

enum fmt {
    FMT_DECIMAL,
    FMT_CHINESE,    /* 一 二 … 十 十一 … */
    FMT_IDEO_TRAD,  /* 甲 乙 丙 … */
    FMT_IDEO_DIGIT, /* 〇 一 二 … digit by digit */
    FMT_CIRCLED,    /* ① ② … */
    FMT_UPPER_LETTER,
    FMT_LOWER_LETTER,
    FMT_UPPER_ROMAN,
    FMT_LOWER_ROMAN,
    FMT_FULLWIDTH, /* １ ２ … */
    FMT_NONE,
    FMT_BULLET,
};

struct level {
    unsigned start;
    enum fmt fmt;
    char *text; /* w:lvlText, NULL when absent */
    const char *suffix;
};

struct abstract {
    unsigned id;
    struct level lvl[NUM_LEVELS];
    unsigned count[NUM_LEVELS];
    int started[NUM_LEVELS];
};

struct num {
    unsigned id;
    size_t abs; /* index into abstracts */
    int has_override[NUM_LEVELS];
    unsigned override_start[NUM_LEVELS];
};

struct nj_docxnum {
    struct abstract *abs;
    size_t n_abs;
    struct num *nums;
    size_t n_nums;
};

typedef struct nj_wx_node wnode;

static int
is_w(const wnode *n, enum nj_wx_elem name)
{
    return n != NULL && !n->text && (n->ns == NJ_WX_NS_W || n->ns == NJ_WX_NS_WS) &&
           n->name == name;
}

static const wnode *
child(const struct nj_wx *t, const wnode *n, enum nj_wx_elem name)
{
    for (const wnode *c = nj_wx_first(t, n); c != NULL; c = nj_wx_next(t, c))
        if (is_w(c, name))
            return c;
    return NULL;
}

/* The attribute NAME of N whatever its prefix, NULL when absent. */
static const char *
attr(struct nj_wx *t, const wnode *n, enum nj_wx_attr name)
{
    return n ? nj_wx_attr(t, n, name, NJ_WX_NS_ANY) : NULL;
}

static unsigned
attr_uint(struct nj_wx *t, const wnode *n, enum nj_wx_attr name, unsigned dflt)
{
    const char *v = attr(t, n, name);
    if (v == NULL)
        return dflt;
    unsigned long k = 0;
    int digits = 0;
    for (const char *s = v; *s >= '0' && *s <= '9'; s++, digits++)
        if (k < 100000)
            k = k * 10 + (unsigned long)(*s - '0');
    return digits ? (unsigned)k : dflt;
}

static enum fmt
parse_fmt(const char *s)
{
    static const struct {
        const char *name;
        enum fmt fmt;
    } map[] = {
        {"decimal", FMT_DECIMAL},
        {"decimalZero", FMT_DECIMAL},
        {"chineseCounting", FMT_CHINESE},
        {"chineseCountingThousand", FMT_CHINESE},
        {"chineseLegalSimplified", FMT_CHINESE},
        {"japaneseCounting", FMT_CHINESE},
        {"taiwaneseCounting", FMT_CHINESE},
        {"taiwaneseCountingThousand", FMT_CHINESE},
        {"ideographTraditional", FMT_IDEO_TRAD},
        {"ideographDigital", FMT_IDEO_DIGIT},
        {"taiwaneseDigital", FMT_IDEO_DIGIT},
        {"decimalEnclosedCircle", FMT_CIRCLED},
        {"decimalEnclosedCircleChinese", FMT_CIRCLED},
        {"upperLetter", FMT_UPPER_LETTER},
        {"lowerLetter", FMT_LOWER_LETTER},
        {"upperRoman", FMT_UPPER_ROMAN},
        {"lowerRoman", FMT_LOWER_ROMAN},
        {"decimalFullWidth", FMT_FULLWIDTH},
        {"decimalFullWidth2", FMT_FULLWIDTH},
        {"none", FMT_NONE},
        {"bullet", FMT_BULLET},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(s, map[i].name) == 0)
            return map[i].fmt;
    return FMT_DECIMAL;
}

static void
load_levels(struct nj_wx *t, struct abstract *a, const wnode *an)
{
    for (int i = 0; i < NUM_LEVELS; i++) {
        a->lvl[i].start = 1;
        a->lvl[i].fmt = FMT_DECIMAL;
        a->lvl[i].suffix = "";
    }
    for (const wnode *l = nj_wx_first(t, an); l != NULL; l = nj_wx_next(t, l)) {
        if (!is_w(l, NJ_WX_E_LVL))
            continue;
        unsigned il = attr_uint(t, l, NJ_WX_A_ILVL, NUM_LEVELS);
        if (il >= NUM_LEVELS)
            continue;
        struct level *lv = &a->lvl[il];
        lv->start = attr_uint(t, child(t, l, NJ_WX_E_START), NJ_WX_A_VAL, 1);
        const char *f = attr(t, child(t, l, NJ_WX_E_NUMFMT), NJ_WX_A_VAL);
        if (f != NULL)
            lv->fmt = parse_fmt(f);
        const char *tx = attr(t, child(t, l, NJ_WX_E_LVLTEXT), NJ_WX_A_VAL);
        if (tx != NULL) {
            free(lv->text);
            lv->text = strdup(tx);
        }
        const char *sf = attr(t, child(t, l, NJ_WX_E_SUFF), NJ_WX_A_VAL);
        if (sf != NULL)
            lv->suffix = strcmp(sf, "space") == 0 ? " " : "";
    }
}

void
nj_docxnum_free(struct nj_docxnum *nd)
{
    if (nd == NULL)
        return;
    for (size_t i = 0; i < nd->n_abs; i++)
        for (int k = 0; k < NUM_LEVELS; k++)
            free(nd->abs[i].lvl[k].text);
    free(nd->abs);
    free(nd->nums);
    free(nd);
}

struct nj_docxnum *
nj_docxnum_load(const char *xml, size_t len)
{
    if (xml == NULL || len > INT_MAX || strstr(xml, "<!DOCTYPE") != NULL)
        return NULL;
    enum nj_wx_err werr;
    struct nj_wx *t = nj_wx_parse(xml, len, "numbering.xml", &werr);
    if (t == NULL)
        return NULL;
    struct nj_docxnum *nd = calloc(1, sizeof(*nd));
    const wnode *root = nj_wx_root(t);
    size_t n_abs = 0, n_nums = 0;
    for (const wnode *n = nj_wx_first(t, root); n != NULL; n = nj_wx_next(t, n)) {
        n_abs += is_w(n, NJ_WX_E_ABSTRACTNUM);
        n_nums += is_w(n, NJ_WX_E_NUM);
    }
    if (nd == NULL || n_abs > MAX_DEFS || n_nums > MAX_DEFS)
        goto fail;
    nd->abs = calloc(n_abs + 1, sizeof(*nd->abs));
    nd->nums = calloc(n_nums + 1, sizeof(*nd->nums));
    if (nd->abs == NULL || nd->nums == NULL)
        goto fail;
    for (const wnode *n = nj_wx_first(t, root); n != NULL; n = nj_wx_next(t, n)) {
        if (!is_w(n, NJ_WX_E_ABSTRACTNUM))
            continue;
        struct abstract *a = &nd->abs[nd->n_abs++];
        a->id = attr_uint(t, n, NJ_WX_A_ABSTRACTNUMID, UINT_MAX);
        load_levels(t, a, n);
    }
    for (const wnode *n = nj_wx_first(t, root); n != NULL; n = nj_wx_next(t, n)) {
        if (!is_w(n, NJ_WX_E_NUM))
            continue;
        unsigned aid = attr_uint(t, child(t, n, NJ_WX_E_ABSTRACTNUMID), NJ_WX_A_VAL, UINT_MAX);
        size_t ai = nd->n_abs;
        for (size_t i = 0; i < nd->n_abs; i++)
            if (nd->abs[i].id == aid)
                ai = i;
        if (ai == nd->n_abs)
            continue;
        struct num *m = &nd->nums[nd->n_nums++];
        m->id = attr_uint(t, n, NJ_WX_A_NUMID, UINT_MAX);
        m->abs = ai;
        for (const wnode *o = nj_wx_first(t, n); o != NULL; o = nj_wx_next(t, o)) {
            if (!is_w(o, NJ_WX_E_LVLOVERRIDE))
                continue;
            unsigned il = attr_uint(t, o, NJ_WX_A_ILVL, NUM_LEVELS);
            const wnode *so = child(t, o, NJ_WX_E_STARTOVERRIDE);
            if (il < NUM_LEVELS && so != NULL) {
                m->has_override[il] = 1;
                m->override_start[il] = attr_uint(t, so, NJ_WX_A_VAL, 1);
            }
        }
    }
    nj_wx_free(t);
    return nd;
fail:
    nj_docxnum_free(nd);
    nj_wx_free(t);
    return NULL;
}

/* ---- formatting --------------------------------------------------------------------- */

static int
add_chinese(struct nj_sb *out, unsigned v)
{
    static const char *const digit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    char buf[64] = "";
    if (v == 0 || v >= 100) {
        snprintf(buf, sizeof(buf), "%u", v);
    } else if (v < 10) {
        snprintf(buf, sizeof(buf), "%s", digit[v]);
    } else {
        snprintf(buf, sizeof(buf), "%s十%s", v / 10 == 1 ? "" : digit[v / 10],
                 v % 10 ? digit[v % 10] : "");
    }
    return nj_sb_add(out, buf, strlen(buf));
}

static int
add_roman(struct nj_sb *out, unsigned v, int upper)
{
    static const struct {
        unsigned v;
        const char *u, *l;
    } r[] = {{1000, "M", "m"}, {900, "CM", "cm"}, {500, "D", "d"}, {400, "CD", "cd"},
             {100, "C", "c"},  {90, "XC", "xc"},  {50, "L", "l"},  {40, "XL", "xl"},
             {10, "X", "x"},   {9, "IX", "ix"},   {5, "V", "v"},   {4, "IV", "iv"},
             {1, "I", "i"}};
    if (v == 0 || v > 3999) {
        char buf[16];
        snprintf(buf, sizeof(buf), "%u", v);
        return nj_sb_add(out, buf, strlen(buf));
    }
    for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
        while (v >= r[i].v) {
            const char *s = upper ? r[i].u : r[i].l;
            if (nj_sb_add(out, s, strlen(s)) != NJ_OK)
                return NJ_ENOMEM;
            v -= r[i].v;
        }
    return NJ_OK;
}

static int
add_number(struct nj_sb *out, enum fmt fmt, unsigned v)
{
    static const char *const trad[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"};
    static const char *const idig[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    char buf[64];
    switch (fmt) {
    case FMT_CHINESE:
        return add_chinese(out, v);
    case FMT_IDEO_TRAD:
        if (v >= 1 && v <= 10)
            return nj_sb_add(out, trad[v - 1], strlen(trad[v - 1]));
        break;
    case FMT_IDEO_DIGIT: {
        snprintf(buf, sizeof(buf), "%u", v);
        for (const char *p = buf; *p; p++)
            if (nj_sb_add(out, idig[*p - '0'], strlen(idig[*p - '0'])) != NJ_OK)
                return NJ_ENOMEM;
        return NJ_OK;
    }
    case FMT_CIRCLED:
        if (v >= 1 && v <= 20) {
            /* U+2460 CIRCLED DIGIT ONE … U+2473 */
            unsigned cp = 0x2460 + v - 1;
            char u[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                         (char)(0x80 | (cp & 0x3F)), 0};
            return nj_sb_add(out, u, 3);
        }
        break;
    case FMT_UPPER_LETTER:
    case FMT_LOWER_LETTER:
        if (v >= 1) {
            char c = (char)((fmt == FMT_UPPER_LETTER ? 'A' : 'a') + (v - 1) % 26);
            for (unsigned k = 0; k <= (v - 1) / 26 && k < 8; k++)
                if (nj_sb_add(out, &c, 1) != NJ_OK)
                    return NJ_ENOMEM;
            return NJ_OK;
        }
        break;
    case FMT_UPPER_ROMAN:
    case FMT_LOWER_ROMAN:
        return add_roman(out, v, fmt == FMT_UPPER_ROMAN);
    case FMT_FULLWIDTH: {
        snprintf(buf, sizeof(buf), "%u", v);
        for (const char *p = buf; *p; p++) {
            char u[4] = {(char)0xEF, (char)0xBC, (char)(0x90 + (*p - '0')), 0};
            if (nj_sb_add(out, u, 3) != NJ_OK)
                return NJ_ENOMEM;
        }
        return NJ_OK;
    }
    case FMT_NONE:
    case FMT_BULLET:
        return NJ_OK;
    case FMT_DECIMAL:
        break;
    }
    snprintf(buf, sizeof(buf), "%u", v);
    return nj_sb_add(out, buf, strlen(buf));
}

int
nj_docxnum_label(struct nj_docxnum *nd, unsigned num_id, unsigned ilvl, struct nj_sb *out)
{
    if (nd == NULL || ilvl >= NUM_LEVELS || num_id == 0)
        return NJ_OK;
    struct num *m = NULL;
    for (size_t i = 0; i < nd->n_nums && m == NULL; i++)
        if (nd->nums[i].id == num_id)
            m = &nd->nums[i];
    if (m == NULL)
        return NJ_OK;
    struct abstract *a = &nd->abs[m->abs];
    /* advance this level, restart the deeper ones */
    unsigned start = m->has_override[ilvl] ? m->override_start[ilvl] : a->lvl[ilvl].start;
    if (!a->started[ilvl]) {
        a->count[ilvl] = start;
        a->started[ilvl] = 1;
    } else if (a->count[ilvl] < 1000000) {
        a->count[ilvl]++;
    }
    for (unsigned k = ilvl + 1; k < NUM_LEVELS; k++)
        a->started[k] = 0;
    const struct level *lv = &a->lvl[ilvl];
    if (lv->fmt == FMT_BULLET || lv->text == NULL)
        return NJ_OK;
    for (const char *s = lv->text; *s; s++) {
        if (s[0] == '%' && s[1] >= '1' && s[1] <= '9') {
            unsigned k = (unsigned)(s[1] - '1');
            unsigned v = a->started[k] ? a->count[k] : a->lvl[k].start;
            if (add_number(out, a->lvl[k].fmt == FMT_BULLET ? FMT_DECIMAL : a->lvl[k].fmt, v) !=
                NJ_OK)
                return NJ_ENOMEM;
            s++;
        } else if (nj_sb_add(out, s, 1) != NJ_OK) {
            return NJ_ENOMEM;
        }
    }
    return nj_sb_add(out, lv->suffix, strlen(lv->suffix));
}
