/*
 * nj_tables.c - reads tables 二, 三 and 四 out of the document model.
 *
 * Reports reach us in many shapes: tab-separated rows with empty cells where merged
 * cells were, Markdown pipe tables whose rows lost their labels, columns aligned with
 * spaces in text copied from a PDF, and crawler text where a whole table is one line and
 * the cells of a row run together ("801000081" for 80/1/0/0/0/0/81).  One mechanism reads
 * them all:
 *
 *  1. The table's region (from its heading or note to the next table) becomes a stream of
 *     label fragments (text cells, lines, pieces of a long line split before numbering
 *     marks such as 一、 （三） 2.) and value groups (the number cells of a row, or a run
 *     of digits in a line).
 *  2. The value groups are aligned with the official rows in order (a monotone alignment
 *     by dynamic programming), scored by how well the label fragments just before each
 *     group match the row's official label.  Rows whose label stands apart from their
 *     numbers (a line break in a PDF conversion) are still placed; missing and extra rows
 *     show as gaps.
 *  3. Columns come from the header labels.  A row whose value count differs from the
 *     header is ragged (T3.CELLS) and is not guessed around.  A run of digits is split
 *     into cells only when exactly one split exists; otherwise every split is kept and
 *     arithmetic is reported only when it fails under all of them.
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_model.h"
#include "nj_utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- official labels ------------------------------------------------------------ */

struct rowkey {
    int idx;          /* row index in the table model */
    const char *full; /* official label, as printed (for messages) */
    const char *core; /* the label's core words (no numbering, no punctuation) */
    const char *shrt; /* a distinctive short form */
    int num;          /* sub-item number (1..8) or 0 */
};

static const struct rowkey t3keys[] = {
    {0, "一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量", "本年新收", 0},
    {1, "二、上年结转政府信息公开申请数量", "上年结转政府信息公开申请数量", "上年结转", 0},
    {2, "（一）予以公开", "予以公开", "予以公开", 0},
    {3, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
     "部分公开区分处理的只计这一情形不计其他情形", "部分公开", 0},
    {4, "（三）不予公开 1.属于国家秘密", "属于国家秘密", "国家秘密", 1},
    {5, "（三）不予公开 2.其他法律行政法规禁止公开", "其他法律行政法规禁止公开", "禁止公开", 2},
    {6, "（三）不予公开 3.危及“三安全一稳定”", "危及三安全一稳定", "三安全一稳定", 3},
    {7, "（三）不予公开 4.保护第三方合法权益", "保护第三方合法权益", "第三方合法权益", 4},
    {8, "（三）不予公开 5.属于三类内部事务信息", "属于三类内部事务信息", "内部事务", 5},
    {9, "（三）不予公开 6.属于四类过程性信息", "属于四类过程性信息", "过程性信息", 6},
    {10, "（三）不予公开 7.属于行政执法案卷", "属于行政执法案卷", "行政执法案卷", 7},
    {11, "（三）不予公开 8.属于行政查询事项", "属于行政查询事项", "行政查询事项", 8},
    {12, "（四）无法提供 1.本机关不掌握相关政府信息", "本机关不掌握相关政府信息", "不掌握", 1},
    {13, "（四）无法提供 2.没有现成信息需要另行制作", "没有现成信息需要另行制作", "另行制作", 2},
    {14, "（四）无法提供 3.补正后申请内容仍不明确", "补正后申请内容仍不明确", "仍不明确", 3},
    {15, "（五）不予处理 1.信访举报投诉类申请", "信访举报投诉类申请", "信访举报投诉", 1},
    {16, "（五）不予处理 2.重复申请", "重复申请", "重复申请", 2},
    {17, "（五）不予处理 3.要求提供公开出版物", "要求提供公开出版物", "公开出版物", 3},
    {18, "（五）不予处理 4.无正当理由大量反复申请", "无正当理由大量反复申请", "大量反复申请", 4},
    {19, "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
     "要求行政机关确认或重新出具已获取信息", "重新出具", 5},
    {20, "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请", "逾期不补正", 1},
    {21, "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请", "收费通知", 2},
    {22, "（六）其他处理 3.其他", "其他", "其他", 3},
    {23, "（七）总计", "总计", "总计", 0},
    {24, "四、结转下年度继续办理", "结转下年度继续办理", "结转下年度", 0},
    {NJ_T3_R6S, "（六）其他处理", "其他处理", "其他处理", 0},
};

const char *nj_t3_row_label(int idx);
const char *nj_t3_row_key(int idx);
const char *nj_t3_col_label(int c);

const char *
nj_t3_row_label(int idx)
{
    for (size_t i = 0; i < sizeof(t3keys) / sizeof(t3keys[0]); i++)
        if (t3keys[i].idx == idx)
            return t3keys[i].full;
    return "";
}

const char *
nj_t3_row_key(int idx)
{
    static const char *const keys[NJ_T3_ROWS] = {"r01", "r02", "r03", "r04", "r05",   "r06", "r07",
                                                 "r08", "r09", "r10", "r11", "r12",   "r13", "r14",
                                                 "r15", "r16", "r17", "r18", "r19",   "r20", "r21",
                                                 "r22", "r23", "r24", "r25", "r21_23"};
    return idx >= 0 && idx < NJ_T3_ROWS ? keys[idx] : "";
}

static const char *const t3cols[NJ_T3_COLS] = {
    "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"};

const char *
nj_t3_col_label(int c)
{
    return c >= 0 && c < NJ_T3_COLS ? t3cols[c] : "";
}

static const struct rowkey t2keys[] = {
    {NJ_T2_REG, "规章", "规章", "规章", 0},
    {NJ_T2_NORM, "行政规范性文件", "行政规范性文件", "规范性文件", 0},
    {NJ_T2_LICENCE, "行政许可", "行政许可", "行政许可", 0},
    {NJ_T2_OTHERMGMT, "其他对外管理服务事项", "其他对外管理服务事项", "对外管理服务", 0},
    {NJ_T2_PUNISH, "行政处罚", "行政处罚", "行政处罚", 0},
    {NJ_T2_FORCE, "行政强制", "行政强制", "行政强制", 0},
    {NJ_T2_FEES, "行政事业性收费", "行政事业性收费", "事业性收费", 0},
    {NJ_T2_PROCURE, "政府集中采购", "政府集中采购", "集中采购", 0},
};

/* ---- small string helpers --------------------------------------------------------- */

#define MAXCP 512

/* Decodes the key form of S into code points, dropping punctuation and (if STRIP_NUM)
 * a leading numbering mark; returns the count. */
static int
core_cps(const char *s, size_t len, uint32_t *out, int max, int strip_num, int *num)
{
    char k[2048];
    size_t kl = nj_keyform(s, len, k, sizeof(k));
    const char *p = k, *end = k + kl;
    if (num)
        *num = 0;
    if (strip_num) {
        /* (一) 一、 1. 1、 (1) */
        const char *q = p;
        if (q < end && *q == '(') {
            const char *r = q + 1;
            while (r < end && *r != ')' && r - q < 16)
                r++;
            if (r < end && *r == ')')
                q = r + 1;
        } else if (q < end && *q >= '0' && *q <= '9') {
            int n = 0;
            const char *r = q;
            while (r < end && *r >= '0' && *r <= '9') {
                if (n < 100000000) /* a numbering mark has a digit or two */
                    n = n * 10 + (*r - '0');
                r++;
            }
            if (r < end && (*r == '.' || (end - r >= 3 && memcmp(r, "、", 3) == 0))) {
                q = r + (*r == '.' ? 1 : 3);
                if (num)
                    *num = n;
            }
        } else {
            const char *r = q;
            int cjk = 0;
            while (end - r >= 3) {
                const char *t = r;
                uint32_t c = nj_u8_next(&t, end);
                if (c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB || c == 0x4E94 ||
                    c == 0x516D || c == 0x4E03 || c == 0x516B || c == 0x4E5D || c == 0x5341) {
                    r = t;
                    cjk++;
                } else {
                    break;
                }
            }
            if (cjk && end - r >= 3 && memcmp(r, "、", 3) == 0)
                q = r + 3;
        }
        p = q;
    }
    int n = 0;
    while (p < end && n < max) {
        uint32_t c = nj_u8_next(&p, end);
        if (c < 0x80 &&
            !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            continue;
        if ((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) || c == 0xFF1A ||
            c == 0xFF1B || c == 0x2026 || c == 0xB7 || c == 0x3003)
            continue;
        out[n++] = c;
    }
    return n;
}

static int
popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}

static int
cps_eq(const uint32_t *a, const uint32_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static int
cps_contain(const uint32_t *hay, int nh, const uint32_t *needle, int nn)
{
    if (nn == 0 || nn > nh)
        return 0;
    for (int i = 0; i + nn <= nh; i++)
        if (hay[i] == needle[0] && cps_eq(hay + i, needle, nn))
            return 1;
    return 0;
}

/* A label reduced to the code points that matter for matching (see core_cps). */
struct lform {
    const uint32_t *cp;
    int n;
    int num;        /* leading arabic numbering of a fragment, or 0 */
    uint64_t bloom; /* bit (cp % 64) set for every code point */
};

static uint64_t
cps_bloom(const uint32_t *a, int n)
{
    uint64_t b = 0;
    for (int i = 0; i < n; i++)
        b |= (uint64_t)1 << (a[i] & 63);
    return b;
}

/* The forms of a row key's core and short labels. */
struct kform {
    uint32_t core[64], shrt[64];
    int nc, ns;
    /* For the bit-parallel LCS: the distinct code points of the core and, for each, the
     * set of positions where it occurs. */
    uint32_t dc[64];
    uint64_t dm[64];
    int nd;
    uint64_t bloom;  /* bit (cp % 64) set for every code point of the core */
    uint64_t sbloom; /* the same for the short form */
    /* The same sets by code point: open addressing, KF_SLOTS slots, 0 = empty. */
    uint32_t hcp[128];
    uint64_t hm[128];
    int fam, fidx; /* an official key: its family (KF_T3, KF_T2) and index there; else -1 */
};

enum { KF_T3, KF_T2, KF_NFAM };

#define KF_SLOTS 128

static unsigned
kf_slot(uint32_t cp)
{
    return (cp * 2654435761u) >> 25; /* 0..127 */
}

static void
kform_make(const struct rowkey *k, struct kform *out)
{
    out->nc = core_cps(k->core, strlen(k->core), out->core, 64, 0, NULL);
    out->ns = core_cps(k->shrt, strlen(k->shrt), out->shrt, 64, 0, NULL);
    out->nd = 0;
    out->bloom = 0;
    out->fam = out->fidx = -1;
    out->sbloom = cps_bloom(out->shrt, out->ns);
    for (int j = 0; j < out->nc; j++) {
        out->bloom |= (uint64_t)1 << (out->core[j] & 63);
        int d = 0;
        while (d < out->nd && out->dc[d] != out->core[j])
            d++;
        if (d == out->nd) {
            out->dc[d] = out->core[j];
            out->dm[d] = 0;
            out->nd++;
        }
        out->dm[d] |= (uint64_t)1 << j;
    }
    memset(out->hcp, 0, sizeof(out->hcp));
    for (int d = 0; d < out->nd; d++) {
        unsigned h = kf_slot(out->dc[d]);
        while (out->hcp[h] != 0)
            h = (h + 1) & (KF_SLOTS - 1);
        out->hcp[h] = out->dc[d]; /* code points are never 0 here (core_cps drops them) */
        out->hm[h] = out->dm[d];
    }
}

/* The forms of the official row keys, made once per process (they are constants). */
static struct kform kf_t3[sizeof(t3keys) / sizeof(t3keys[0])];
static struct kform kf_t2[sizeof(t2keys) / sizeof(t2keys[0])];
static pthread_once_t kf_once = PTHREAD_ONCE_INIT;

/*
 * For each family of official keys, an index from code point to the keys whose core has
 * it, with the positions (the LCS match mask).  With it a fragment is matched against all
 * keys of a family in one pass (stream_lcs): a code point that a key lacks leaves that
 * key's LCS state as it is, so only the keys that have it are touched.
 */
#define CPX_SLOTS 2048
#define CPX_MAXE (32 * 64)

struct cpx {
    uint32_t cp[CPX_SLOTS]; /* 0 = empty */
    uint16_t first[CPX_SLOTS], cnt[CPX_SLOTS];
    uint8_t key[CPX_MAXE];
    uint64_t mask[CPX_MAXE];
    int ne, nkeys;
    const struct kform *kf; /* the family's forms */
    uint64_t all[32];       /* per key: a bit for each code point of its core */
};

static struct cpx cpx[KF_NFAM];

static unsigned
cpx_slot(uint32_t cp)
{
    return (cp * 2654435761u) >> 21; /* 0..2047 */
}

static void
cpx_build(struct cpx *x, const struct kform *kf, int nkeys)
{
    x->nkeys = nkeys;
    x->kf = kf;
    x->ne = 0;
    for (int k = 0; k < nkeys; k++)
        x->all[k] = kf[k].nc >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << kf[k].nc) - 1);
    /* Every (code point, key) pair, grouped by code point as they are added. */
    for (int k = 0; k < nkeys; k++)
        for (int d = 0; d < kf[k].nd; d++) {
            uint32_t cp = kf[k].dc[d];
            unsigned h = cpx_slot(cp);
            while (x->cp[h] != 0 && x->cp[h] != cp)
                h = (h + 1) & (CPX_SLOTS - 1);
            if (x->cp[h] == 0) {
                x->cp[h] = cp;
                x->cnt[h] = 0;
            }
            x->cnt[h]++;
        }
    /* Ranges in slot order, then the entries. */
    int at = 0;
    for (unsigned h = 0; h < CPX_SLOTS; h++)
        if (x->cp[h] != 0) {
            x->first[h] = (uint16_t)at;
            at += x->cnt[h];
            x->cnt[h] = 0;
        }
    for (int k = 0; k < nkeys; k++)
        for (int d = 0; d < kf[k].nd; d++) {
            uint32_t cp = kf[k].dc[d];
            unsigned h = cpx_slot(cp);
            while (x->cp[h] != cp)
                h = (h + 1) & (CPX_SLOTS - 1);
            int e = x->first[h] + x->cnt[h]++;
            x->key[e] = (uint8_t)k;
            x->mask[e] = kf[k].dm[d];
        }
    x->ne = at;
}

_Static_assert(sizeof(t3keys) / sizeof(t3keys[0]) <= 32 && sizeof(t2keys) / sizeof(t2keys[0]) <= 32,
               "a family's keys fit struct cpx and lcs_family's state (32 keys)");

static void
kf_init(void)
{
    for (size_t i = 0; i < sizeof(t3keys) / sizeof(t3keys[0]); i++) {
        kform_make(&t3keys[i], &kf_t3[i]);
        kf_t3[i].fam = KF_T3;
        kf_t3[i].fidx = (int)i;
    }
    for (size_t i = 0; i < sizeof(t2keys) / sizeof(t2keys[0]); i++) {
        kform_make(&t2keys[i], &kf_t2[i]);
        kf_t2[i].fam = KF_T2;
        kf_t2[i].fidx = (int)i;
    }
    cpx_build(&cpx[KF_T3], kf_t3, (int)(sizeof(t3keys) / sizeof(t3keys[0])));
    cpx_build(&cpx[KF_T2], kf_t2, (int)(sizeof(t2keys) / sizeof(t2keys[0])));
}

/* The LCS of the code points A with every key of family X (Hyyro's bit-vector form, as
 * lcs_key), into OUT[key]. */
static void
lcs_family(const struct cpx *x, const uint32_t *a, int na, uint8_t *out)
{
    uint64_t v[32];
    uint32_t touched = 0; /* keys whose state changed: the others have an LCS of 0 */
    for (int k = 0; k < x->nkeys; k++)
        v[k] = ~(uint64_t)0;
    for (int i = 0; i < na; i++) {
        unsigned h = cpx_slot(a[i]);
        while (x->cp[h] != 0 && x->cp[h] != a[i])
            h = (h + 1) & (CPX_SLOTS - 1);
        if (x->cp[h] == 0)
            continue; /* in no key */
        for (int e = x->first[h], end = e + x->cnt[h]; e < end; e++) {
            unsigned k = x->key[e];
            uint64_t vk = v[k], u = vk & x->mask[e];
            v[k] = (vk + u) | (vk - u);
            touched |= (uint32_t)1 << k;
        }
    }
    for (int k = 0; k < x->nkeys; k++)
        out[k] = touched >> k & 1 ? (uint8_t)popcount64(~v[k] & x->all[k]) : 0;
}

/* The form of key K: the cached one for an official key (or a copy of one), else one made
 * in TMP (allocated here when *TMP is NULL; the caller frees it); NULL when out of
 * memory. */
static const struct kform *
kform_of(const struct rowkey *k, struct kform **tmp)
{
    pthread_once(&kf_once, kf_init);
    for (size_t i = 0; i < sizeof(t3keys) / sizeof(t3keys[0]); i++)
        if (t3keys[i].core == k->core && t3keys[i].shrt == k->shrt)
            return &kf_t3[i];
    for (size_t i = 0; i < sizeof(t2keys) / sizeof(t2keys[0]); i++)
        if (t2keys[i].core == k->core && t2keys[i].shrt == k->shrt)
            return &kf_t2[i];
    if (*tmp == NULL && (*tmp = malloc(sizeof(**tmp))) == NULL)
        return NULL;
    kform_make(k, *tmp);
    return *tmp;
}

/* Length of the longest common subsequence of A and the key's core, computed a machine
 * word at a time (Hyyro's bit-vector form of the classic recurrence); the core has at
 * most 64 code points. */
static int
lcs_key(const uint32_t *a, int na, const struct kform *kf)
{
    uint64_t v = ~(uint64_t)0;
    for (int i = 0; i < na; i++) {
        uint64_t m = 0;
        if (!(kf->bloom >> (a[i] & 63) & 1))
            continue; /* not in the key: the recurrence leaves V as it is */
        for (unsigned h = kf_slot(a[i]); kf->hcp[h] != 0; h = (h + 1) & (KF_SLOTS - 1))
            if (kf->hcp[h] == a[i]) {
                m = kf->hm[h];
                break;
            }
        uint64_t u = v & m;
        v = (v + u) | (v - u);
    }
    uint64_t all = kf->nc >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << kf->nc) - 1);
    return popcount64(~v & all);
}

/* How well fragment form A matches a row key (0..1).  EXACT is set for an exact match of
 * the full or short core; LENRATIO (unless NULL) receives len(fragment)/len(full core).  LCSROW,
 * when not NULL, holds the fragment's LCS with every key of KF's family (stream_lcs). */
static double
label_sim_form(const struct lform *fa, const struct rowkey *k, const struct kform *kf, int *exact,
               double *lenratio, double floor, const uint8_t *lcsrow)
{
    const uint32_t *a = fa->cp;
    int na = fa->n, num = fa->num;
    const uint32_t *b = kf->core, *s = kf->shrt;
    int nb = kf->nc, ns = kf->ns;
    *exact = 0;
    if (lenratio != NULL)
        *lenratio = nb ? (double)na / nb : 0;
    if (na == 0)
        return 0;
    double sc;
    if (na == nb && cps_eq(a, b, na)) {
        *exact = 1;
        sc = 1.0;
    } else if (na == ns && cps_eq(a, s, na)) {
        *exact = 1;
        sc = 0.95;
    } else {
        double c = 0;
        if ((kf->sbloom & ~fa->bloom) == 0 && cps_contain(a, na, s, ns)) {
            /* The short form inside a longer fragment: good evidence unless the fragment
             * is much longer than the label (a header line, a sentence). */
            c = na <= nb + 6 ? 0.85 : 0.6;
        }
        /* The LCS score is at most 2 min(na, nb) / (na + nb): when even that (with the
         * numbering bonus) cannot beat FLOOR, the caller has no use for the exact value (-1). */
        double ub = 2.0 * (na < nb ? na : nb) / (na + nb);
        if (c > ub)
            ub = c;
        if (ub + (k->num && num == k->num ? 0.1 : 0) < floor - 1e-9)
            return -1;
        int l = lcsrow ? lcsrow[kf->fidx] : lcs_key(a, na, kf);
        sc = 2.0 * l / (na + nb);
        if (c > sc)
            sc = c;
    }
    if (k->num && num) {
        if (num == k->num)
            sc += 0.1;
        else
            sc -= 0.2;
    }
    return sc;
}

/* ---- the stream of fragments and value groups -------------------------------------- */

enum item_kind { IT_FRAG, IT_VALS };

struct item {
    enum item_kind kind;
    const char *s; /* fragment text, or the digit run for text value groups */
    size_t len;
    unsigned loc;
    long row_id; /* same id for items of one table row or one text line */
    /* value groups */
    int from_text;      /* digits from running text */
    const char **cells; /* cell texts (row groups), arena */
    unsigned *cols;     /* their grid columns */
    int n_cells;
    int col;        /* grid column of a fragment taken from a cell, or -1 */
    unsigned table; /* table number of a row item, 0 for text */
    int n_groups;   /* digit groups (text groups) */
    /* row groups: the blank cells between the last label and the first value, dropped as
     * merged label columns; their grid columns (read_group may take them as blanks) */
    unsigned *lcols;
    int n_lead;
};

struct stream {
    struct item *v;
    size_t n, cap;
    int oom;
    /* Scores of value groups against rows already computed (align_rows), per value group
     * and row index: both table 三 layouts share most rows. */
    double *gs_s;
    int *gs_f, *gs_w;
    size_t gs_nv;
    struct lform *lf; /* per item: its label form (fragments), made by stream_forms */
    uint32_t *lfbuf;  /* the code points the forms point into */
    /* Per item, the LCS of its form with each key of family lcs_fam (stream_lcs). */
    uint8_t *lcs;
    int lcs_fam, lcs_nk;
};

static void
stream_free(struct stream *st)
{
    free(st->v);
    free(st->lf);
    free(st->lfbuf);
    free(st->lcs);
    st->lcs = NULL;
    free(st->gs_s);
    free(st->gs_f);
    free(st->gs_w);
    st->gs_s = NULL;
    st->gs_f = st->gs_w = NULL;
    st->v = NULL;
    st->lf = NULL;
    st->lfbuf = NULL;
}

/* Reduces every fragment of the stream to its label form, once. */
static int
stream_forms(struct stream *st)
{
    if (st->lf != NULL || st->n == 0)
        return 0;
    size_t total = 0;
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i].kind == IT_FRAG)
            total += st->v[i].len < MAXCP ? st->v[i].len : MAXCP; /* >= code points */
    st->lf = calloc(st->n, sizeof(*st->lf));
    st->lfbuf = malloc(sizeof(uint32_t) * (total + 1));
    if (st->lf == NULL || st->lfbuf == NULL) {
        free(st->lf);
        free(st->lfbuf);
        st->lf = NULL;
        st->lfbuf = NULL;
        return NJ_ENOMEM;
    }
    size_t used = 0;
    for (size_t i = 0; i < st->n; i++) {
        const struct item *it = &st->v[i];
        if (it->kind != IT_FRAG)
            continue;
        size_t room = it->len < MAXCP ? it->len : MAXCP;
        st->lf[i].cp = st->lfbuf + used;
        st->lf[i].n = core_cps(it->s, it->len, st->lfbuf + used, (int)room, 1, &st->lf[i].num);
        st->lf[i].bloom = cps_bloom(st->lf[i].cp, st->lf[i].n);
        used += (size_t)st->lf[i].n;
    }
    return 0;
}

/* The LCS of every fragment's form with every key of family FAM (once per stream). */
static int
stream_lcs(struct stream *st, int fam)
{
    if (st->lcs != NULL || st->n == 0)
        return 0;
    pthread_once(&kf_once, kf_init);
    const struct cpx *x = &cpx[fam];
    st->lcs = malloc(st->n * (size_t)x->nkeys);
    if (st->lcs == NULL)
        return NJ_ENOMEM;
    st->lcs_fam = fam;
    st->lcs_nk = x->nkeys;
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i].kind == IT_FRAG)
            lcs_family(x, st->lf[i].cp, st->lf[i].n, st->lcs + i * (size_t)x->nkeys);
    return 0;
}

/* How well fragment J of the stream matches row key K (label_sim_form with no floor), from
 * the fragment's form that stream_forms made. */
static double
label_sim_item(const struct stream *st, size_t j, const struct rowkey *k, int *exact,
               double *lenratio)
{
    struct kform *tmp = NULL;
    const struct kform *kf = kform_of(k, &tmp);
    double sc = kf ? label_sim_form(&st->lf[j], k, kf, exact, lenratio, -1e9, NULL) : 0;
    if (kf == NULL)
        *exact = 0, *lenratio = 0;
    free(tmp);
    return sc;
}

static struct item *
push(struct stream *st)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 128;
        struct item *v = realloc(st->v, cap * sizeof(*v));
        if (v == NULL) {
            st->oom = 1;
            return NULL;
        }
        st->v = v;
        st->cap = cap;
    }
    struct item *it = &st->v[st->n++];
    memset(it, 0, sizeof(*it));
    return it;
}

static int
is_cjk_numeral(uint32_t c)
{
    return c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB || c == 0x4E94 || c == 0x516D ||
           c == 0x4E03 || c == 0x516B || c == 0x4E5D || c == 0x5341;
}

/* Length of a numbering mark starting at P (（三） (三) 三、 1. 1、), or 0. */
static size_t
mark_at(const char *p, const char *end)
{
    /* Quick refusal by the first two bytes: a mark starts with '(', （ (EF BC 88) or a
     * numeral 一二三七九 (E4 B8/B9/BA ..) 四五六八十 (E5 9B/85/8D ..). */
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] != '(') {
        if (end - p < 3)
            return 0;
        if (!((u[0] == 0xEF && u[1] == 0xBC) ||
              (u[0] == 0xE4 && (u[1] == 0xB8 || u[1] == 0xB9 || u[1] == 0xBA)) ||
              (u[0] == 0xE5 && (u[1] == 0x9B || u[1] == 0x85 || u[1] == 0x8D))))
            return 0;
    }
    const char *q = p;
    uint32_t c = nj_u8_next(&q, end);
    if (c == 0xFF08 || c == '(') {
        const char *r = q;
        int n = 0;
        while (r < end) {
            const char *t = r;
            uint32_t d = nj_u8_next(&t, end);
            if (!is_cjk_numeral(d))
                break;
            r = t;
            n++;
        }
        if (n == 0 || r >= end)
            return 0;
        const char *t = r;
        uint32_t d = nj_u8_next(&t, end);
        return (d == 0xFF09 || d == ')') ? (size_t)(t - p) : 0;
    }
    if (is_cjk_numeral(c)) {
        const char *r = q;
        while (r < end) {
            const char *t = r;
            uint32_t d = nj_u8_next(&t, end);
            if (!is_cjk_numeral(d))
                break;
            r = t;
        }
        if (r < end) {
            const char *t = r;
            uint32_t d = nj_u8_next(&t, end);
            if (d == 0x3001)
                return (size_t)(t - p);
        }
    }
    return 0;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
is_sp(const char *p, const char *end, size_t *len)
{
    if (*p == ' ' || *p == '\t') {
        *len = 1;
        return 1;
    }
    if (end - p >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
        (unsigned char)p[2] == 0x80) {
        *len = 3;
        return 1;
    }
    if (end - p >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
        *len = 2;
        return 1;
    }
    return 0;
}

/* A line that is only a page number ("-3-", "— 5 —", "第 3 页"). */
static int
is_page_number(const char *s, size_t len)
{
    /* The key form starts with the first character as it is when that is a printable
     * ASCII character or an ideograph (U+4000..U+9FFF): unless it is a digit, '-', 第 or
     * 页 the line is no page number, known without making the form (most lines). */
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 1 && u[0] > ' ' && u[0] < 0x80 && u[0] != '"' && u[0] != '\'' && u[0] != '-' &&
        !is_digit(s[0]))
        return 0;
    if (len >= 3 && u[0] >= 0xE4 && u[0] <= 0xE9 && (u[1] & 0xC0) == 0x80 &&
        (u[2] & 0xC0) == 0x80 && memcmp(s, "第", 3) != 0 && memcmp(s, "页", 3) != 0)
        return 0;
    char k[256];
    size_t kl = nj_keyform(s, len, k, sizeof(k));
    int digits = 0;
    for (size_t i = 0; i < kl; i++) {
        if (is_digit(k[i]))
            digits++;
        else if (k[i] != '-' && memcmp(k + i, "第", 3) != 0 && memcmp(k + i, "页", 3) != 0)
            return 0;
        else if (k[i] != '-')
            i += 2;
    }
    return digits > 0 && digits <= 4;
}

static void
add_frag(struct stream *st, const char *s, size_t len, unsigned loc, long row_id)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0)
        return;
    struct item *it = push(st);
    if (it == NULL)
        return;
    it->kind = IT_FRAG;
    it->s = s;
    it->len = len;
    it->loc = loc;
    it->row_id = row_id;
    it->col = -1;
}

/* Non-zero when the number P..LAST, followed by 元, is one of the row's values: right
 * after the row's last value group with at most a count's unit (笔 件 个 项 次) and spaces
 * between, or written with decimals after a label. */
static int
yuan_value(const struct stream *st, long row_id, const char *p, const char *last)
{
    if (st->n == 0)
        return 0;
    const struct item *prev = &st->v[st->n - 1];
    if (prev->kind == IT_VALS && prev->from_text && prev->row_id == row_id &&
        prev->s + prev->len <= p) {
        const char *q = prev->s + prev->len;
        int units = 0;
        while (q < p) {
            size_t sl;
            if (is_sp(q, p, &sl)) {
                q += sl;
                continue;
            }
            const char *t = q;
            uint32_t u = nj_u8_next(&t, p);
            if (units++ ||
                !(u == 0x7B14 || u == 0x4EF6 || u == 0x4E2A || u == 0x9879 || u == 0x6B21))
                return 0;
            q = t;
        }
        return 1;
    }
    return prev->kind == IT_FRAG && prev->row_id == row_id && memchr(p, '.', (size_t)(last - p));
}

/* Splits running text into fragments (before numbering marks) and digit runs. */
static void
tokenize_text(struct stream *st, const char *s, size_t len, unsigned loc, long row_id)
{
    const char *p = s, *end = s + len, *frag = s;
    if (is_page_number(s, len)) {
        add_frag(st, s, len, loc, row_id);
        return;
    }
    {
        char k[16];
        size_t kl = nj_keyform(s, len < 12 ? len : 12, k, sizeof(k));
        if ((kl >= 3 && memcmp(k, "注", 3) == 0) || (kl >= 6 && memcmp(k, "说明", 6) == 0) ||
            (kl >= 6 && memcmp(k, "备注", 6) == 0)) {
            add_frag(st, s, len, loc, row_id);
            return;
        }
    }
    while (p < end) {
        size_t m = mark_at(p, end);
        if (m) {
            add_frag(st, frag, (size_t)(p - frag), loc, row_id);
            frag = p;
            p += m;
            continue;
        }
        if (is_digit(*p)) {
            /* A run of digit groups separated by spaces. */
            const char *q = p, *last = p;
            int groups = 0;
            const char *numbering = NULL;
            for (;;) {
                const char *g = q;
                while (q < end &&
                       (is_digit(*q) || (*q == '.' && q + 1 < end && is_digit(q[1]) && q > g) ||
                        (*q == ',' && q + 1 < end && is_digit(q[1]) && q > g)))
                    q++;
                if (q == g)
                    break;
                /* A digit directly followed by '.' or '、' and a non-digit numbers the next
                 * label (…00000002.其他…): it is not part of the values. */
                if (q < end &&
                    (*q == '.' || (end - q >= 3 && memcmp(q, "、", 3) == 0 && q - g <= 2)) &&
                    !(q + 1 < end && is_digit(q[1]))) {
                    const char *nd = q - 1;
                    if (nd > g && is_digit(nd[-1]) && q - g >= 2 && *q == '.') {
                        numbering = nd;
                        q = nd;
                    } else {
                        numbering = g;
                        q = g;
                    }
                    if (q > g) {
                        groups++;
                        last = q;
                    }
                    break;
                }
                groups++;
                last = q;
                size_t sl;
                const char *r = q;
                while (r < end && is_sp(r, end, &sl))
                    r += sl;
                if (r < end && is_digit(*r)) {
                    q = r;
                    continue;
                }
                /* A minus sign right before a digit starts the next, signed, value: the
                 * 2019 format's 本年增/减 in text that lost its cell borders ("35-15"). */
                if (r < end && *r == '-' && r + 1 < end && is_digit(r[1])) {
                    q = r + 1;
                    continue;
                }
                break;
            }
            if (groups > 0) {
                /* A number glued to a CJK unit or a year ("2024年", "3件") inside a label
                 * or sentence is text, not a value group. */
                const char *after = last;
                uint32_t c = 0;
                size_t spl;
                while (after < end && is_sp(after, end, &spl))
                    after += spl;
                if (after < end) {
                    const char *t = after;
                    c = nj_u8_next(&t, end);
                }
                int unit = c == 0x5E74 || c == 0x6708 || c == 0x65E5 || c == 0x4EF6 ||
                           c == 0x6761 || c == 0x9879 || c == 0x4E2A || c == 0x5143 ||
                           c == 0x4E07 || c == 0x5BB6 || c == 0x6B21 || c == '%' || c == 0xFF05 ||
                           c == 0x5E74;
                if (c == 0x5143 && yuan_value(st, row_id, p, last)) {
                    /* An amount in 元 that belongs to the row's values: the 2019 format's
                     * 采购总金额 in text that lost its cell borders.  It joins the row's
                     * value group right before it ("2笔 984361元"), or is a value group of
                     * its own when written with decimals ("…2895.90元"). */
                    struct item *prev = &st->v[st->n - 1];
                    if (prev->kind == IT_VALS && prev->from_text && prev->row_id == row_id) {
                        prev->len = (size_t)(last - prev->s);
                        prev->n_groups += groups;
                        frag = p = last;
                        continue;
                    }
                    unit = 0;
                }
                if (!unit) {
                    add_frag(st, frag, (size_t)(p - frag), loc, row_id);
                    struct item *it = push(st);
                    if (it == NULL)
                        return;
                    it->kind = IT_VALS;
                    it->from_text = 1;
                    it->s = p;
                    it->len = (size_t)(last - p);
                    it->n_groups = groups;
                    it->loc = loc;
                    it->row_id = row_id;
                    frag = last;
                    p = numbering ? numbering : last;
                    if (numbering) {
                        frag = numbering;
                        p = numbering;
                        /* skip the numbering digits so they stay with the label */
                        while (p < end && is_digit(*p))
                            p++;
                    }
                    continue;
                }
                p = last > p ? last : p + 1;
                continue;
            }
            if (numbering) {
                /* A numbering mark (1. 2、) starts a new label fragment. */
                add_frag(st, frag, (size_t)(numbering - frag), loc, row_id);
                frag = numbering;
                p = numbering;
                while (p < end && is_digit(*p))
                    p++;
                continue;
            }
        }
        nj_u8_next(&p, end);
    }
    add_frag(st, frag, (size_t)(end - frag), loc, row_id);
}

#define CELL_CACHE 64
enum { CC_DONE = 1, CC_BLANK = 2, CC_NUM = 4, CC_TEXT = 8 };

/* The class of cell I of row B: blank, value-like (nj_num_like) or text (neither);
 * remembered in CLS for the first CELL_CACHE cells. */
static unsigned
cell_class(const struct nj_block *b, size_t i, unsigned char *cls)
{
    if (i < CELL_CACHE && cls[i])
        return cls[i];
    const char *t = b->cells[i].text;
    unsigned c = CC_DONE;
    if (nj_blank(t))
        c |= CC_BLANK;
    if (nj_num_like(t))
        c |= CC_NUM;
    if (!(c & (CC_BLANK | CC_NUM)))
        c |= CC_TEXT;
    if (i < CELL_CACHE)
        cls[i] = (unsigned char)c;
    return c;
}

/* Adds the items of one table row: its text cells as fragments and the run of value
 * cells after the last text cell as one value group. */
static void
add_row_items(struct stream *st, const struct nj_block *b, long row_id, struct nj_arena *a)
{
    /* Each cell classified once (blank, value-like, text); cells past CELL_CACHE are
     * classified as needed. */
    unsigned char cls[CELL_CACHE];
    memset(cls, 0, sizeof(cls));
    /* The label part ends with the last text cell before the first number; text after
     * the first number is a value that is not a number (reported by the rules). */
    int last_text = -1, first_num = -1;
    for (size_t i = 0; i < b->n_cells; i++) {
        if (b->cells[i].flags & NJ_CELL_SPANNED)
            continue;
        if (cell_class(b, i, cls) & CC_NUM) {
            first_num = (int)i;
            break;
        }
    }
    for (size_t i = 0; i < b->n_cells; i++) {
        if (b->cells[i].flags & NJ_CELL_SPANNED)
            continue;
        if (first_num >= 0 && (int)i > first_num)
            break;
        if (cell_class(b, i, cls) & CC_TEXT)
            last_text = (int)i;
    }
    for (int i = 0; i <= last_text; i++) {
        if (b->cells[i].flags & NJ_CELL_SPANNED)
            continue;
        const char *t = b->cells[i].text;
        if (cell_class(b, (size_t)i, cls) & CC_TEXT) {
            size_t before = st->n;
            tokenize_text(st, t, b->cells[i].len, b->loc, row_id);
            for (size_t k = before; k < st->n; k++) {
                st->v[k].col = (int)b->cells[i].col;
                st->v[k].table = b->table;
            }
        }
    }
    int first = last_text + 1, lastv = (int)b->n_cells - 1;
    /* Leading empty cells (merged label columns) and trailing empty cells are dropped;
     * empty cells between values are blanks.  The leading ones are remembered: under a
     * value column of the header they are blank values (read_group). */
    int lead_from = first, n_lead = 0;
    while (first <= lastv &&
           ((b->cells[first].flags & NJ_CELL_SPANNED) || nj_blank(b->cells[first].text))) {
        n_lead += !(b->cells[first].flags & NJ_CELL_SPANNED);
        first++;
    }
    int trailing = 0;
    while (lastv >= first &&
           (nj_blank(b->cells[lastv].text) || (b->cells[lastv].flags & NJ_CELL_SPANNED))) {
        if (!(b->cells[lastv].flags & NJ_CELL_SPANNED))
            trailing++;
        lastv--;
    }
    if (first > lastv)
        return;
    int n = 0;
    for (int i = first; i <= lastv; i++)
        if (!(b->cells[i].flags & NJ_CELL_SPANNED))
            n++;
    struct item *it = push(st);
    if (it == NULL)
        return;
    it->kind = IT_VALS;
    it->loc = b->loc;
    it->row_id = row_id;
    it->table = b->table;
    it->col = -1;
    it->cells = nj_arena_alloc(a, sizeof(char *) * (size_t)(n + trailing + 1));
    it->cols = nj_arena_alloc(a, sizeof(unsigned) * (size_t)(n + trailing + 1));
    if (it->cells == NULL || it->cols == NULL) {
        st->oom = 1;
        return;
    }
    if (n_lead > 0) {
        it->lcols = nj_arena_alloc(a, sizeof(unsigned) * (size_t)n_lead);
        if (it->lcols == NULL) {
            st->oom = 1;
            return;
        }
        for (int i = lead_from; i < first; i++)
            if (!(b->cells[i].flags & NJ_CELL_SPANNED))
                it->lcols[it->n_lead++] = b->cells[i].col;
    }
    for (int i = first; i < (int)b->n_cells; i++) {
        if (b->cells[i].flags & NJ_CELL_SPANNED)
            continue;
        if (i <= lastv) {
            it->cols[it->n_cells] = b->cells[i].col;
            it->cells[it->n_cells++] = b->cells[i].text;
        } else {
            /* Keep the trailing blanks aside: a blank 总计 at the end of a row is a real
             * cell, a tab at the end of every line is not. */
            it->cols[it->n_cells + it->n_groups] = b->cells[i].col;
            it->cells[it->n_cells + it->n_groups++] = "";
        }
    }
}

/* Byte offsets of each block in the joined text. */
struct layout {
    size_t *start;
    size_t n;
};

static void
build_stream(const struct nj_report *rep, const struct layout *lay, size_t a, size_t b,
             struct stream *st)
{
    size_t nb = nj_doc_n_blocks(rep->doc);
    for (size_t i = 0; i < nb; i++) {
        size_t bs = lay->start[i];
        const struct nj_block *blk = nj_doc_block(rep->doc, i);
        size_t blen = blk->kind == NJ_BLOCK_TEXT ? blk->text_len : 0;
        if (blk->kind == NJ_BLOCK_ROW) {
            if (bs >= a && bs < b)
                add_row_items(st, blk, (long)i, rep->arena);
            continue;
        }
        size_t be = bs + blen;
        if (be <= a || bs >= b)
            continue;
        size_t from = a > bs ? a - bs : 0;
        size_t to = b < be ? b - bs : blen;
        tokenize_text(st, blk->text + from, to - from, blk->loc, (long)i);
    }
}

/* ---- alignment ----------------------------------------------------------------- */

#define ALIGN_MAXKEYS 32 /* more than any table has rows */
#define GS_ROWS 32       /* row indexes cached per value group (stream.gs_*) */

struct align {
    int *assign; /* per key: item index of its value group, or -1 */
    int *frag;   /* per key: item index of the best label fragment, or -1 */
    double score;
};

/* Scores value group V (item index) against key K (with its forms KF) given the expected
 * width.  The stream's label forms must have been made (stream_forms). */
static double
group_score(const struct stream *st, size_t v, size_t prev_v, const struct rowkey *k,
            const struct kform *kf, int width, int *best_frag)
{
    double best = 0;
    double decay = 1.0;
    *best_frag = -1;
    int steps = 0;
    for (size_t j = v; j-- > prev_v + 1 && steps < 12;) {
        const struct item *it = &st->v[j];
        if (it->kind != IT_FRAG)
            continue;
        int exact;
        /* Only a score above best / decay can change the outcome. */
        const uint8_t *lcsrow =
            st->lcs != NULL && kf->fam == st->lcs_fam ? st->lcs + j * (size_t)st->lcs_nk : NULL;
        double s = label_sim_form(&st->lf[j], k, kf, &exact, NULL, best / decay, lcsrow) * decay;
        if (s > best) {
            best = s;
            *best_frag = (int)j;
        }
        decay *= 0.85;
        steps++;
    }
    const struct item *g = &st->v[v];
    int fits;
    if (g->from_text)
        fits = g->n_groups <= width;
    else
        fits = g->n_cells == width || (g->n_cells < width && g->n_cells + g->n_groups >= width);
    return best + (fits ? 0.15 : -0.15);
}

/* Makes the stream's cache of row scores for NV value groups (once). */
static int
stream_scores(struct stream *st, size_t nv)
{
    if (st->gs_s != NULL || nv == 0)
        return 0;
    st->gs_nv = nv;
    st->gs_s = malloc(sizeof(double) * nv * GS_ROWS);
    st->gs_f = malloc(sizeof(int) * nv * GS_ROWS);
    st->gs_w = malloc(sizeof(int) * nv * GS_ROWS);
    if (st->gs_s == NULL || st->gs_f == NULL || st->gs_w == NULL)
        return NJ_ENOMEM; /* stream_free releases what was made */
    for (size_t i = 0; i < nv * GS_ROWS; i++)
        st->gs_w[i] = -1; /* not computed */
    return 0;
}

static int align_with(struct stream *st, const struct rowkey *keys, const struct kform *const *kf,
                      int nk, const int *widths, struct align *out);

static int
align_rows(struct stream *st, const struct rowkey *keys, int nk, const int *widths,
           struct align *out)
{
    struct kform *tmp[ALIGN_MAXKEYS] = {NULL};
    const struct kform *kf[ALIGN_MAXKEYS] = {NULL};
    if (nk > ALIGN_MAXKEYS)
        nk = ALIGN_MAXKEYS;
    int oom = 0;
    for (int k = 0; k < nk; k++)
        oom |= (kf[k] = kform_of(&keys[k], &tmp[k])) == NULL;
    int rc = oom ? NJ_ENOMEM : align_with(st, keys, kf, nk, widths, out);
    for (int k = 0; k < nk; k++)
        free(tmp[k]);
    return rc;
}

static int
align_with(struct stream *st, const struct rowkey *keys, const struct kform *const *kf, int nk,
           const int *widths, struct align *out)
{
    if (stream_forms(st))
        return NJ_ENOMEM;
    if (nk > 0 && kf[0]->fam >= 0 && stream_lcs(st, kf[0]->fam))
        return NJ_ENOMEM;
    /* Value groups in order. */
    size_t nv = 0;
    for (size_t i = 0; i < st->n; i++)
        nv += st->v[i].kind == IT_VALS;
    if (stream_scores(st, nv))
        return NJ_ENOMEM;
    int *vi = malloc(sizeof(int) * (nv + 1));
    double *S = malloc(sizeof(double) * (nv + 1) * (size_t)(nk + 1));
    int *F = malloc(sizeof(int) * (nv + 1) * (size_t)(nk + 1));
    double *D = malloc(sizeof(double) * (nv + 1) * (size_t)(nk + 1));
    char *B = malloc((nv + 1) * (size_t)(nk + 1));
    if (!vi || !S || !F || !D || !B) {
        free(vi);
        free(S);
        free(F);
        free(D);
        free(B);
        return NJ_ENOMEM;
    }
    size_t c = 0;
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i].kind == IT_VALS)
            vi[c++] = (int)i;
    const double skip_key = -0.3, skip_val = -0.25;
    for (size_t i = 0; i < nv; i++) {
        size_t prev = i ? (size_t)vi[i - 1] : (size_t)-1;
        for (int k = 0; k < nk; k++) {
            size_t at = i * GS_ROWS + (size_t)keys[k].idx;
            int cached = keys[k].idx >= 0 && keys[k].idx < GS_ROWS && st->gs_nv == nv;
            if (cached && st->gs_w[at] == widths[k]) {
                S[i * (size_t)nk + (size_t)k] = st->gs_s[at];
                F[i * (size_t)nk + (size_t)k] = st->gs_f[at];
                continue;
            }
            int bf;
            double sc = group_score(st, (size_t)vi[i], prev, &keys[k], kf[k], widths[k], &bf);
            if (cached) {
                st->gs_s[at] = sc;
                st->gs_f[at] = bf;
                st->gs_w[at] = widths[k];
            }
            S[i * (size_t)nk + (size_t)k] = sc;
            F[i * (size_t)nk + (size_t)k] = bf;
        }
    }
    size_t W = (size_t)nk + 1;
    /* D[i][k]: the best score of the first I groups against the first K keys, B how it
     * was reached: a match ('m') wins ties, then skipping a key ('k'), then a group ('v'). */
    D[0] = 0;
    for (size_t k = 1; k <= (size_t)nk; k++) {
        D[k] = D[k - 1] + skip_key;
        B[k] = 'k';
    }
    for (size_t i = 1; i <= nv; i++) {
        double *d = D + i * W;
        const double *up = D + (i - 1) * W, *srow = S + (i - 1) * (size_t)nk;
        char *b = B + i * W;
        d[0] = up[0] + skip_val;
        b[0] = 'v';
        for (size_t k = 1; k <= (size_t)nk; k++) {
            double best = up[k - 1] + srow[k - 1];
            char how = 'm';
            double s = d[k - 1] + skip_key;
            if (s > best) {
                best = s;
                how = 'k';
            }
            s = up[k] + skip_val;
            if (s > best) {
                best = s;
                how = 'v';
            }
            d[k] = best;
            b[k] = how;
        }
    }
    for (int k = 0; k < nk; k++) {
        out->assign[k] = -1;
        out->frag[k] = -1;
    }
    out->score = D[nv * W + (size_t)nk];
    size_t i = nv, k = (size_t)nk;
    while (i > 0 || k > 0) {
        char how = B[i * W + k];
        if (how == 'm') {
            out->assign[k - 1] = vi[i - 1];
            out->frag[k - 1] = F[(i - 1) * (size_t)nk + k - 1];
            i--;
            k--;
        } else if (how == 'k') {
            k--;
        } else {
            i--;
        }
    }
    free(vi);
    free(S);
    free(F);
    free(D);
    free(B);
    return 0;
}

/* ---- reading values ------------------------------------------------------------- */

/* What a value cell may hold: a count (a non-negative whole number), an amount (a
 * non-negative number, table 二's 万元 and 采购总金额 cells) or a signed count (the 2019
 * format's 本年增/减: "减用负值表示"). */
enum { VAL_COUNT = 0, VAL_MONEY = 1, VAL_SIGNED = 2 };

static void
read_val(const char *raw, unsigned loc, int kind, struct nj_val *v)
{
    struct nj_num n;
    nj_num_parse(raw, &n);
    memset(v, 0, sizeof(*v));
    v->raw = raw;
    v->loc = loc;
    switch (n.kind) {
    case NJ_NUM_EMPTY:
        v->state = NJ_V_BLANK;
        break;
    case NJ_NUM_PLACEHOLDER:
        v->state = NJ_V_BLANK;
        v->placeholder = 1;
        break;
    case NJ_NUM_INT:
    case NJ_NUM_DECIMAL:
        v->negative = n.negative;
        v->fractional = n.kind == NJ_NUM_DECIMAL;
        v->unit_yuan = strcmp(n.unit, "元") == 0;
        v->v = n.ival;
        v->d = n.dval;
        if ((n.negative && kind != VAL_SIGNED) || (kind != VAL_MONEY && n.kind == NJ_NUM_DECIMAL))
            v->state = NJ_V_BAD;
        else
            v->state = NJ_V_OK;
        break;
    default:
        v->state = NJ_V_BAD;
        break;
    }
}

/* The search of the splits of a digit string: D (LEN bytes; digits and single spaces between
 * groups) into WIDTH numbers.  DEAD marks (position, depth) states known to lead to no split,
 * which keeps the search polynomial on hostile input. */
struct splitter {
    const char *d;
    size_t len;
    int width;
    int64_t cur[64];
    unsigned char *dead; /* (len + 1) * (width + 1) */
    struct nj_cands *out;
    int count;
};

/* Returns 1 when at least one split was found from (POS, DEPTH). */
static int
rec_split(struct splitter *sp, size_t pos, int depth)
{
    if (sp->count > NJ_MAX_CAND)
        return 1;
    size_t at = pos * (size_t)(sp->width + 1) + (size_t)depth;
    if (sp->dead[at])
        return 0;
    int found = 0;
    if (depth == sp->width) {
        if (pos == sp->len) {
            if (sp->count < NJ_MAX_CAND && sp->out->vals)
                memcpy(sp->out->vals + (size_t)sp->count * (size_t)sp->width, sp->cur,
                       sizeof(int64_t) * (size_t)sp->width);
            sp->count++;
            found = 1;
        }
    } else if (sp->len - pos >= (size_t)(sp->width - depth)) {
        if (sp->d[pos] == ' ') {
            found = rec_split(sp, pos + 1, depth);
        } else {
            /* A token is a maximal-or-shorter prefix of the current group with no leading
             * zero. */
            size_t maxl = 0;
            while (pos + maxl < sp->len && sp->d[pos + maxl] != ' ')
                maxl++;
            for (size_t l = 1; l <= maxl && l <= 12; l++) {
                if (l > 1 && sp->d[pos] == '0')
                    break;
                int64_t v = 0;
                for (size_t i = 0; i < l; i++)
                    v = v * 10 + (sp->d[pos + i] - '0');
                sp->cur[depth] = v;
                found |= rec_split(sp, pos + l, depth + 1);
            }
        }
    }
    if (!found)
        sp->dead[at] = 1;
    return found;
}

int
nj_split_digits(const char *digits, int width, struct nj_arena *a, struct nj_cands *out)
{
    memset(out, 0, sizeof(*out));
    out->width = width;
    out->digits = digits;
    /* Normalise: keep digits, collapse other separators to one space. */
    size_t len = strlen(digits);
    char *d = nj_arena_alloc(a, len + 1);
    out->vals = nj_arena_alloc(a, sizeof(int64_t) * (size_t)width * NJ_MAX_CAND);
    if (d == NULL || out->vals == NULL)
        return NJ_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (is_digit(digits[i]))
            d[n++] = digits[i];
        else if (n && d[n - 1] != ' ')
            d[n++] = ' ';
    }
    while (n && d[n - 1] == ' ')
        n--;
    d[n] = '\0';
    if (width > 64)
        return NJ_EINVAL;
    struct splitter sp;
    memset(&sp, 0, sizeof(sp));
    sp.d = d;
    sp.len = n;
    sp.width = width;
    sp.out = out;
    sp.dead = nj_arena_alloc(a, (n + 1) * (size_t)(width + 1));
    if (sp.dead == NULL)
        return NJ_ENOMEM;
    memset(sp.dead, 0, (n + 1) * (size_t)(width + 1));
    rec_split(&sp, 0, 0);
    out->n = sp.count > NJ_MAX_CAND ? NJ_MAX_CAND : sp.count;
    out->too_many = sp.count > NJ_MAX_CAND;
    return 0;
}

/* Fills VALS[0..width) from a value group; returns the number of values it carried, sets
 * *AMBIG and fills CANDS when the digits admit several splits. */
/* Where the header's last column stands in a grid table, so that trailing empty cells
 * can be told apart from a blank 总计. */
struct grid {
    unsigned table;
    int first_col, last_col; /* the header's value columns, first and last; -1 when unknown */
};

/* The values of group G as the text shows them, for a message: the digit text of a text
 * group (white space collapsed), the cells of a row group joined by "、"; NULL when memory
 * runs out. */
static const char *
group_text(const struct item *g, struct nj_arena *a)
{
    if (g->from_text) {
        char *t = nj_arena_strndup(a, g->s, g->len);
        if (t == NULL)
            return NULL;
        size_t n = 0;
        for (size_t i = 0; t[i] != '\0'; i++) {
            int blank = t[i] == ' ' || t[i] == '\t';
            if (blank && (n == 0 || t[n - 1] == ' '))
                continue;
            t[n++] = blank ? ' ' : t[i];
        }
        while (n > 0 && t[n - 1] == ' ')
            n--;
        t[n] = '\0';
        return t;
    }
    size_t len = 0;
    for (int i = 0; i < g->n_cells; i++)
        len += strlen(g->cells[i]) + 3;
    char *t = nj_arena_alloc_raw(a, len + 1);
    if (t == NULL)
        return NULL;
    size_t n = 0;
    for (int i = 0; i < g->n_cells; i++) {
        if (i > 0) {
            memcpy(t + n, "、", 3);
            n += 3;
        }
        size_t l = strlen(g->cells[i]);
        memcpy(t + n, g->cells[i], l);
        n += l;
    }
    t[n] = '\0';
    return t;
}

static int
read_group(const struct item *g, int width, const int *money, struct nj_val *vals,
           struct nj_cands *cands, int *ambig, struct nj_arena *a, const struct grid *grid)
{
    *ambig = 0;
    memset(cands, 0, sizeof(*cands));
    if (!g->from_text) {
        int n = g->n_cells;
        int lead = 0;
        if (grid && grid->last_col >= 0 && g->table == grid->table) {
            /* Count trailing blanks only up to the header's last column. */
            int k = 0;
            while (k < g->n_groups && (int)g->cols[g->n_cells + k] <= grid->last_col)
                k++;
            n += k;
            if (n > width && g->n_cells <= width)
                n = g->n_cells;
            /* A row still short of values whose blank cells before the first value lie
             * under the header's value columns: those are blank values, not merged label
             * cells. */
            if (n < width && grid->first_col >= 0) {
                for (int i = 0; i < g->n_lead; i++)
                    lead += (int)g->lcols[i] >= grid->first_col;
                if (n + lead != width)
                    lead = 0;
            }
        } else if (n < width && n + g->n_groups >= width) {
            n = width; /* trailing blank cells complete the row */
        }
        if (n + lead != width)
            return g->n_cells;
        for (int i = 0; i < lead; i++)
            read_val("", g->loc, money ? money[i] : 0, &vals[i]);
        for (int i = 0; i < n; i++)
            read_val(g->cells[i], g->loc, money ? money[lead + i] : 0, &vals[lead + i]);
        return width;
    }
    char *digits = nj_arena_strndup(a, g->s, g->len);
    if (digits == NULL)
        return 0;
    if (g->n_groups == width) {
        /* One value per group. */
        const char *p = digits;
        for (int i = 0; i < width; i++) {
            while (*p == ' ' || *p == '\t' || (unsigned char)*p >= 0x80)
                p++;
            const char *q = p;
            if (*q == '-') /* a signed value (see tokenize_text) */
                q++;
            while (*q && *q != ' ' && *q != '\t' && *q != '-' && (unsigned char)*q < 0x80)
                q++;
            char *cell = nj_arena_strndup(a, p, (size_t)(q - p));
            read_val(cell ? cell : "", g->loc, money ? money[i] : 0, &vals[i]);
            p = q;
        }
        return width;
    }
    /* Digits that run together are split only when unsigned and whole. */
    if (g->n_groups > width || strchr(digits, '.') != NULL || strchr(digits, ',') != NULL ||
        strchr(digits, '-') != NULL)
        return g->n_groups;
    if (nj_split_digits(digits, width, a, cands))
        return 0;
    if (cands->n == 1 && !cands->too_many) {
        for (int i = 0; i < width; i++) {
            memset(&vals[i], 0, sizeof(vals[i]));
            vals[i].state = NJ_V_OK;
            vals[i].v = cands->vals[i];
            vals[i].d = (double)cands->vals[i];
            vals[i].loc = g->loc;
            char tmp[24];
            int l = 0;
            int64_t x = cands->vals[i];
            char rev[24];
            do {
                rev[l++] = (char)('0' + x % 10);
                x /= 10;
            } while (x && l < 20);
            for (int j = 0; j < l; j++)
                tmp[j] = rev[l - 1 - j];
            vals[i].raw = nj_arena_strndup(a, tmp, (size_t)l);
        }
        cands->n = 0;
        return width;
    }
    if (cands->n == 0 && !cands->too_many)
        return g->n_groups; /* cannot be split into WIDTH cells at all */
    *ambig = 1;
    return width;
}

/* ---- regions --------------------------------------------------------------------- */

static size_t
find_from(const char *all, size_t total, size_t from, const char *needle)
{
    if (from > total)
        return (size_t)-1;
    const char *p = nj_memfind(all + from, total - from, needle, strlen(needle));
    return p ? (size_t)(p - all) : (size_t)-1;
}

static size_t
min_pos(size_t a, size_t b)
{
    return a < b ? a : b;
}

static unsigned
loc_at(const struct nj_report *rep, const struct layout *lay, size_t off)
{
    size_t nb = nj_doc_n_blocks(rep->doc);
    unsigned loc = 0;
    for (size_t i = 0; i < nb; i++) {
        if (lay->start[i] > off)
            break;
        loc = nj_doc_block(rep->doc, i)->loc;
    }
    return loc;
}

/* Finds a near-miss of WORD (same length, one code point different) in TEXT; returns the
 * variant as written (arena) or NULL. */
static const char *
near_miss(const char *text, size_t len, const char *word, struct nj_arena *a)
{
    uint32_t w[64];
    const char *p = word, *we = word + strlen(word);
    int nw = 0;
    while (p < we && nw < 64)
        w[nw++] = nj_u8_next(&p, we);
    if (nw < 4)
        return NULL;
    const char *end = text + len;
    for (const char *s = text; s < end;) {
        const char *q = s;
        int diff = 0, i;
        uint32_t c0 = 0;
        for (i = 0; i < nw && q < end; i++) {
            uint32_t c = nj_u8_next(&q, end);
            if (i == 0)
                c0 = c;
            if (c != w[i] && ++diff > 1)
                break;
        }
        if (i == nw && diff == 1 && (c0 == w[0] || nw >= 5))
            return nj_arena_strndup(a, s, (size_t)(q - s));
        nj_u8_next(&s, end);
    }
    return NULL;
}

/* ---- table 三 -------------------------------------------------------------------- */

static void
read_t3_header(struct nj_report *rep, const struct stream *st, size_t upto, struct grid *grid)
{
    char buf[4096];
    size_t bl = 0;
    grid->first_col = grid->last_col = -1;
    grid->table = 0;
    for (size_t i = 0; i < upto && i < st->n; i++) {
        const struct item *it = &st->v[i];
        if (it->kind != IT_FRAG)
            continue;
        char k[1024];
        size_t kl = nj_keyform(it->s, it->len, k, sizeof(k));
        if (it->col >= 0 &&
            (nj_strfind(k, "总计") || nj_strfind(k, "合计") || nj_strfind(k, "自然人") ||
             nj_strfind(k, "机构") || nj_strfind(k, "组织") || nj_strfind(k, "企业"))) {
            if (it->table != grid->table) {
                grid->table = it->table;
                grid->first_col = grid->last_col = -1;
            }
            if (it->col > grid->last_col)
                grid->last_col = it->col;
            if (grid->first_col < 0 || it->col < grid->first_col)
                grid->first_col = it->col;
        }
        if (bl + kl + 2 < sizeof(buf)) {
            memcpy(buf + bl, k, kl);
            bl += kl;
            buf[bl++] = '|';
        }
    }
    buf[bl] = '\0';
    /* 法人或其他组织 names the group, not the 其他 column. */
    const char *g;
    while ((g = nj_strfind(buf, "法人或其他组织")) != NULL)
        memset(buf + (g - buf), '#', strlen("法人或其他组织"));
    while ((g = nj_strfind(buf, "其他组织")) != NULL)
        memset(buf + (g - buf), '#', strlen("其他组织"));
    /* The note names no column, but keep it out anyway. */
    struct nj_t3 *t = &rep->t3;
    t->col_present[0] = nj_strfind(buf, "自然人") != NULL;
    t->col_present[1] = nj_strfind(buf, "商业") != NULL;
    t->col_present[2] = nj_strfind(buf, "科研") != NULL;
    t->col_present[3] = nj_strfind(buf, "公益") != NULL;
    t->col_present[4] = nj_strfind(buf, "法律服务") != NULL ||
                        (nj_strfind(buf, "法律") != NULL && nj_strfind(buf, "服务") != NULL);
    t->col_present[5] = nj_strfind(buf, "其他") != NULL;
    t->col_present[6] = nj_strfind(buf, "总计") != NULL || nj_strfind(buf, "合计") != NULL;
    t->n_cols = 0;
    for (int c = 0; c < NJ_T3_COLS; c++)
        t->n_cols += t->col_present[c];
    t->header_read = t->n_cols > 0;
}

static int
read_t3(struct nj_report *rep, const struct layout *lay, size_t a, size_t b)
{
    struct nj_t3 *t = &rep->t3;
    struct stream st = {0};
    build_stream(rep, lay, a, b, &st);
    if (st.oom) {
        stream_free(&st);
        return NJ_ENOMEM;
    }
    /* Two layouts: 2021 (25 rows) and 2019 (（六） as one row, 23 rows). */
    struct rowkey k21[25], k19[23];
    int n21 = 0, n19 = 0;
    for (size_t i = 0; i < sizeof(t3keys) / sizeof(t3keys[0]); i++) {
        int idx = t3keys[i].idx;
        if (idx != NJ_T3_R6S)
            k21[n21++] = t3keys[i];
        if (idx < 20 || idx == 23 || idx == 24 || idx == NJ_T3_R6S) {
            if (idx == NJ_T3_R6S)
                continue;
            k19[n19++] = t3keys[i];
            if (idx == 19)
                k19[n19++] = t3keys[sizeof(t3keys) / sizeof(t3keys[0]) - 1];
        }
    }
    /* Header first, with a provisional width, to know how many values a row carries. */
    size_t first_vals = st.n;
    for (size_t i = 0; i < st.n; i++)
        if (st.v[i].kind == IT_VALS) {
            first_vals = i;
            break;
        }
    struct grid grid;
    read_t3_header(rep, &st, first_vals, &grid);
    int width = t->n_cols >= 2 ? t->n_cols : NJ_T3_COLS;
    if (!t->header_read)
        width = NJ_T3_COLS;
    int w21[25], w19[23];
    for (int i = 0; i < 25; i++)
        w21[i] = width;
    for (int i = 0; i < 23; i++)
        w19[i] = width;
    int as21[25], fr21[25], as19[23], fr19[23];
    struct align al21 = {as21, fr21, 0}, al19 = {as19, fr19, 0};
    if (align_rows(&st, k21, n21, w21, &al21) || align_rows(&st, k19, n19, w19, &al19)) {
        stream_free(&st);
        return NJ_ENOMEM;
    }
    int use19 = al19.score > al21.score + 0.05;
    /* The 2019 layout only wins when its single （六） row was actually seen. */
    if (use19 && as19[20] < 0)
        use19 = 0;
    t->layout2019 = use19;
    const struct rowkey *keys = use19 ? k19 : k21;
    int nk = use19 ? n19 : n21;
    int *as = use19 ? as19 : as21, *fr = use19 ? fr19 : fr21;
    /* Re-read the header from everything before the first row's values. */
    int first_row = -1;
    for (int k = 0; k < nk; k++)
        if (as[k] >= 0) {
            first_row = as[k];
            break;
        }
    if (first_row >= 0) {
        read_t3_header(rep, &st, (size_t)first_row, &grid);
        if (!t->header_read)
            read_t3_header(rep, &st, (size_t)first_vals, &grid);
    }
    width = t->header_read && t->n_cols >= 2 ? t->n_cols : NJ_T3_COLS;
    int any = 0;
    for (int k = 0; k < nk; k++) {
        struct nj_t3row *r = &t->r[keys[k].idx];
        if (as[k] < 0)
            continue;
        any = 1;
        const struct item *g = &st.v[as[k]];
        r->found = 1;
        r->loc = g->loc;
        if (fr[k] >= 0) {
            const struct item *f = &st.v[fr[k]];
            r->label = nj_arena_strndup(rep->arena, f->s, f->len);
            int exact;
            double lr;
            double s = label_sim_item(&st, (size_t)fr[k], &keys[k], &exact, &lr);
            /* A recognisable label that deviates from the official wording.  Labels cut
             * by a line break (much shorter than the official one) are not variants. */
            if (!exact && s >= 0.6 && lr >= 0.7 && lr <= 1.4 && f->row_id == g->row_id)
                r->label_variant = 1;
        }
        struct nj_val vals[NJ_T3_COLS];
        memset(vals, 0, sizeof(vals));
        int ambig;
        int n = read_group(g, width, NULL, vals, &r->cands, &ambig, rep->arena, &grid);
        r->n_values = n;
        if (ambig) {
            r->ambiguous = 1;
        } else if (n != width) {
            r->ragged = 1;
            continue;
        }
        /* Map values onto the columns the header names, in the official order. */
        int j = 0;
        for (int c = 0; c < NJ_T3_COLS; c++) {
            if (width == NJ_T3_COLS || t->col_present[c]) {
                if (!ambig)
                    r->v[c] = vals[j];
                j++;
            }
        }
    }
    /* Group labels （三）不予公开 （四）无法提供 （五）不予处理 （六）其他处理 worded
     * differently (e.g. "(六) 其他").  A single character left after the numeral is a
     * line-wrap artifact, not a variant. */
    static const char *const groups[4] = {"(三)不予公开", "(四)无法提供", "(五)不予处理",
                                          "(六)其他处理"};
    for (size_t i = 0; i < st.n; i++) {
        const struct item *it = &st.v[i];
        if (it->kind != IT_FRAG)
            continue;
        char k[256];
        size_t kl = nj_keyform(it->s, it->len, k, sizeof(k));
        for (int gi = 0; gi < 4; gi++) {
            if (kl < 5 || strncmp(k, groups[gi], 5) != 0 || t->group_variant[gi])
                continue;
            const char *rest = k + 5, *want = groups[gi] + 5;
            size_t rl = nj_u8_count(rest, strlen(rest));
            if (rl >= 2 && strcmp(rest, want) != 0 && strncmp(want, rest, strlen(rest)) == 0) {
                t->group_variant[gi] = nj_arena_strndup(rep->arena, it->s, it->len);
                t->group_loc[gi] = it->loc;
            }
        }
    }
    t->present = any || t->header_read;
    t->loc = loc_at(rep, lay, a);
    stream_free(&st);
    return 0;
}

/* ---- table 四 -------------------------------------------------------------------- */

static const char *const t4words[] = {"行政复议",   "行政诉讼", "未经复议直接起诉",
                                      "复议后起诉", "结果维持", "结果纠正",
                                      "其他结果",   "尚未审结", NULL};

static int
read_t4(struct nj_report *rep, const struct layout *lay, size_t a, size_t b)
{
    struct nj_t4 *t = &rep->t4;
    struct stream st = {0};
    build_stream(rep, lay, a, b, &st);
    if (st.oom) {
        stream_free(&st);
        return NJ_ENOMEM;
    }
    t->loc = loc_at(rep, lay, a);
    /* All value cells of the region, in order. */
    const char *cells[64];
    unsigned locs[64];
    int n = 0, text_groups = 0, from_text = 0;
    const struct item *tg = NULL;
    for (size_t i = 0; i < st.n; i++) {
        const struct item *it = &st.v[i];
        if (it->kind != IT_VALS)
            continue;
        if (it->from_text) {
            from_text++;
            tg = it;
            text_groups += it->n_groups;
            continue;
        }
        for (int c = 0; c < it->n_cells && n < 64; c++) {
            locs[n] = it->loc;
            cells[n++] = it->cells[c];
        }
    }
    t->present = n > 0 || from_text > 0;
    if (from_text == 1 && n == 0) {
        int ambig;
        struct nj_val vals[15];
        int got = read_group(tg, 15, NULL, vals, &t->cands, &ambig, rep->arena, NULL);
        t->n_values = got;
        if (ambig) {
            t->ambiguous = 1;
        } else if (got == 15) {
            memcpy(t->v, vals, sizeof(vals));
            t->ok = 1;
        }
    } else if (from_text && n == 0) {
        /* Several digit runs (e.g. one per line): treat their groups as cells. */
        t->n_values = text_groups;
        if (text_groups == 15) {
            int k = 0;
            for (size_t i = 0; i < st.n && k < 15; i++) {
                const struct item *it = &st.v[i];
                if (it->kind != IT_VALS)
                    continue;
                struct item one = *it;
                struct nj_val vals[15];
                int ambig;
                struct nj_cands c;
                int got = read_group(&one, it->n_groups, NULL, vals, &c, &ambig, rep->arena, NULL);
                for (int j = 0; j < got && k < 15; j++)
                    t->v[k++] = vals[j];
            }
            t->ok = k == 15;
        }
    } else {
        t->n_values = n + text_groups;
        if (n == 15 && !from_text) {
            for (int i = 0; i < 15; i++)
                read_val(cells[i], locs[i], 0, &t->v[i]);
            t->ok = 1;
        }
    }
    /* A header word with one character wrong (e.g. 尚末审结). */
    char region[8192];
    size_t rl = 0;
    for (size_t i = 0; i < st.n; i++) {
        const struct item *it = &st.v[i];
        if (it->kind == IT_FRAG && rl + it->len < sizeof(region)) {
            memcpy(region + rl, it->s, it->len);
            rl += it->len;
        }
    }
    region[rl] = '\0';
    for (int i = 0; t4words[i] && t->header_variant == NULL; i++) {
        if (nj_strfind(region, t4words[i]) == NULL) {
            const char *v = near_miss(region, rl, t4words[i], rep->arena);
            if (v != NULL)
                t->header_variant = v;
        }
    }
    stream_free(&st);
    return 0;
}

/* ---- table 二 -------------------------------------------------------------------- */

static const char *const t2head2021[] = {"本年制发件数",     "本年废止件数", "现行有效件数",
                                         "本年处理决定数量", "本年收费金额", NULL};

/* Non-zero when key form K has the 2019 table's 政府集中采购 row: the label followed by a
 * value (after cell separators or a colon).  The words alone are common in the prose of
 * any year's part 二 and say nothing about the format. */
static int
procurement_row(const char *k)
{
    static const char w[] = "政府集中采购";
    for (const char *p = k; (p = nj_strfind(p, w)) != NULL;) {
        p += sizeof(w) - 1;
        const char *q = p;
        while (*q == '|' || *q == ':')
            q++;
        if (*q >= '0' && *q <= '9')
            return 1;
    }
    return 0;
}

static int
read_t2(struct nj_report *rep, const struct layout *lay, size_t a, size_t b)
{
    struct nj_t2 *t = &rep->t2;
    struct stream st = {0};
    build_stream(rep, lay, a, b, &st);
    if (st.oom) {
        stream_free(&st);
        return NJ_ENOMEM;
    }
    t->loc = loc_at(rep, lay, a);
    const char *all = rep->all_text;
    char *region = nj_arena_strndup(rep->arena, all + a, b - a);
    if (region == NULL) {
        stream_free(&st);
        return NJ_ENOMEM;
    }
    char *kr = nj_arena_alloc(rep->arena, (b - a) + 1);
    size_t krl = kr ? nj_keyform(region, b - a, kr, (b - a) + 1) : 0;
    if (kr == NULL) {
        stream_free(&st);
        return NJ_ENOMEM;
    }
    t->fmt2021 = nj_strfind(kr, "本年制发件数") || nj_strfind(kr, "本年收费金额") ||
                 nj_strfind(kr, "本年废止件数");
    t->fmt2019 = nj_strfind(kr, "本年新制作数量") || nj_strfind(kr, "对外公开总数量") ||
                 nj_strfind(kr, "上一年项目数量") || nj_strfind(kr, "第二十条第(九)项") ||
                 procurement_row(kr) || nj_strfind(kr, "本年新公开数量");
    static const char *const caps[5] = {"第二十条第(一)项", "第二十条第(五)项", "第二十条第(六)项",
                                        "第二十条第(八)项", "第二十条第(九)项"};
    for (int i = 0; i < 5; i++)
        t->blocks_found[i] = nj_strfind(kr, caps[i]) != NULL;
    if (t->fmt2021 && !t->fmt2019) {
        for (int i = 0; t2head2021[i] && t->header_variant == NULL; i++) {
            if (nj_strfind(kr, t2head2021[i]) == NULL) {
                const char *v = near_miss(kr, krl, t2head2021[i], rep->arena);
                if (v) {
                    t->header_variant = v;
                    t->header_official = t2head2021[i];
                }
            }
        }
    }
    int f2019 = t->fmt2019 && !t->fmt2021;
    struct rowkey keys[NJ_T2_NROWS];
    int widths[NJ_T2_NROWS], nk = 0;
    int money[NJ_T2_NROWS][3];
    memset(money, 0, sizeof(money));
    for (int i = 0; i < NJ_T2_NROWS; i++) {
        const struct rowkey *k = &t2keys[i];
        int w;
        switch (k->idx) {
        case NJ_T2_REG:
        case NJ_T2_NORM:
            w = 3;
            break;
        case NJ_T2_OTHERMGMT:
            if (!f2019)
                continue;
            w = 3;
            money[k->idx][1] = VAL_SIGNED; /* 上一年项目数量, 本年增/减, 处理决定数量 */
            break;
        case NJ_T2_PROCURE:
            if (!f2019)
                continue;
            w = 2;
            money[k->idx][1] = VAL_MONEY;
            break;
        case NJ_T2_FEES:
            w = f2019 ? 2 : 1;
            if (!f2019)
                money[k->idx][0] = VAL_MONEY;
            else
                money[k->idx][1] = VAL_SIGNED; /* 上一年项目数量, 本年增/减 */
            break;
        default:
            w = f2019 ? 3 : 1;
            if (f2019)
                money[k->idx][1] = VAL_SIGNED;
            break;
        }
        keys[nk] = *k;
        widths[nk++] = w;
        t->r[k->idx].expected = w;
    }
    /* Table 二's row labels are distinctive, and its blocks are sometimes out of order
     * (a conversion that moved block A below block D): each value group goes to the row
     * its nearest label names, first come first served. */
    int as[NJ_T2_NROWS], fr[NJ_T2_NROWS];
    struct kform *tmp[NJ_T2_NROWS] = {NULL};
    const struct kform *kf[NJ_T2_NROWS];
    int oom = 0;
    for (int k = 0; k < nk; k++) {
        as[k] = fr[k] = -1;
        oom |= (kf[k] = kform_of(&keys[k], &tmp[k])) == NULL;
    }
    if (oom) {
        for (int k = 0; k < nk; k++)
            free(tmp[k]);
        stream_free(&st);
        return NJ_ENOMEM;
    }
    if (stream_forms(&st) || stream_lcs(&st, KF_T2)) {
        for (int k = 0; k < nk; k++)
            free(tmp[k]);
        stream_free(&st);
        return NJ_ENOMEM;
    }
    size_t prev = (size_t)-1;
    for (size_t i = 0; i < st.n; i++) {
        if (st.v[i].kind != IT_VALS)
            continue;
        double best = 0.5;
        int bk = -1, bf = -1;
        for (int k = 0; k < nk; k++) {
            int f;
            double sc = group_score(&st, i, prev, &keys[k], kf[k], widths[k], &f) - 0.15;
            if (sc > best && as[k] < 0) {
                best = sc;
                bk = k;
                bf = f;
            }
        }
        if (bk >= 0) {
            as[bk] = (int)i;
            fr[bk] = bf;
        }
        prev = i;
    }
    int any = 0;
    for (int k = 0; k < nk; k++) {
        if (as[k] < 0)
            continue;
        struct nj_t2r *r = &t->r[keys[k].idx];
        const struct item *g = &st.v[as[k]];
        /* Evidence is needed here: table 二 rows have short, distinctive labels. */
        if (fr[k] < 0)
            continue;
        const struct item *f = &st.v[fr[k]];
        int exact;
        double lr;
        double s = label_sim_item(&st, (size_t)fr[k], &keys[k], &exact, &lr);
        if (s < 0.5)
            continue;
        any = 1;
        r->found = 1;
        r->loc = g->loc;
        r->label = nj_arena_strndup(rep->arena, f->s, f->len);
        /* 规范性文件 where the 2021 format says 行政规范性文件. */
        if (keys[k].idx == NJ_T2_NORM && !f2019) {
            char fk[256];
            nj_keyform(f->s, f->len, fk, sizeof(fk));
            if (nj_strfind(fk, "行政规范性文件") == NULL) {
                r->label_variant = 1;
                r->label = "规范性文件";
            }
        }
        int ambig;
        int n =
            read_group(g, widths[k], money[keys[k].idx], r->v, &r->cands, &ambig, rep->arena, NULL);
        r->n_values = n;
        r->ambiguous = ambig;
        if (!ambig && n != widths[k])
            r->seen = group_text(g, rep->arena);
    }
    t->present = any || t->fmt2021 || t->fmt2019 || t->blocks_found[0];
    for (int k = 0; k < nk; k++)
        free(tmp[k]);
    stream_free(&st);
    return 0;
}

/* ---- entry ----------------------------------------------------------------------- */

int
nj_report_read_tables(struct nj_report *rep)
{
    const char *all = rep->all_text;
    size_t total = strlen(all);
    size_t nb = nj_doc_n_blocks(rep->doc);
    struct layout lay;
    lay.n = nb;
    lay.start = malloc(sizeof(size_t) * (nb + 1));
    if (lay.start == NULL)
        return NJ_ENOMEM;
    size_t off = 0;
    for (size_t i = 0; i < nb; i++) {
        const struct nj_block *b = nj_doc_block(rep->doc, i);
        lay.start[i] = off;
        if (b->kind == NJ_BLOCK_TEXT) {
            off += b->text_len + 1;
        } else {
            for (size_t c = 0; c < b->n_cells; c++)
                off += b->cells[c].len + 1;
            if (b->n_cells == 0)
                off++;
        }
    }
    /* Where the parts begin (from nj_report_read_meta), as offsets into all_text. */
    size_t part_off[7];
    for (int p = 1; p <= 6; p++) {
        part_off[p] = (size_t)-1;
        if (rep->parts[p].found)
            part_off[p] = lay.start[rep->parts[p].block] + rep->parts[p].off;
    }
    const size_t NONE = (size_t)-1;
    /* Table 三: from its note, header or first row to the first mention of 行政复议. */
    size_t s3 = NONE;
    size_t from3 = part_off[3] != NONE ? part_off[3] : 0;
    s3 = min_pos(find_from(all, total, from3, "勾稽关系"),
                 find_from(all, total, from3, "申请人情况"));
    s3 = min_pos(s3, find_from(all, total, from3, "本年新收政府信息公开申请"));
    s3 = min_pos(s3, find_from(all, total, from3, "本年新收政府信息公开"));
    if (s3 == NONE && from3 != 0) {
        s3 = min_pos(find_from(all, total, 0, "勾稽关系"),
                     find_from(all, total, 0, "本年新收政府信息公开申请"));
    }
    if (s3 != NONE && part_off[3] != NONE && part_off[3] < s3)
        s3 = part_off[3];
    size_t e3 = NONE;
    if (s3 != NONE) {
        size_t r25 = find_from(all, total, s3, "结转下年度");
        size_t fy = find_from(all, total, r25 != NONE ? r25 : s3, "行政复议");
        e3 = fy;
        if (part_off[4] != NONE && part_off[4] > s3 && part_off[4] < e3)
            e3 = part_off[4];
        if (e3 == NONE)
            e3 = part_off[5] != NONE && part_off[5] > s3 ? part_off[5] : total;
    }
    int rc = 0;
    if (s3 != NONE)
        rc = read_t3(rep, &lay, s3, e3);
    /* Table 四: from the end of table 三 (or part 四) to part 五. */
    size_t s4 = e3 != NONE ? e3 : NONE;
    if (s4 == NONE && part_off[4] != NONE)
        s4 = part_off[4];
    if (s4 == NONE)
        s4 = find_from(all, total, 0, "行政复议");
    if (rc == 0 && s4 != NONE) {
        size_t e4 = part_off[5] != NONE && part_off[5] > s4 ? part_off[5] : NONE;
        if (e4 == NONE)
            e4 = min_pos(find_from(all, total, s4, "存在的主要问题"), total);
        if (part_off[6] != NONE && part_off[6] > s4 && part_off[6] < e4)
            e4 = part_off[6];
        rc = read_t4(rep, &lay, s4, e4);
    }
    /* Table 二: from part 二 (or the first 第二十条 caption) to table 三. */
    size_t s2 = part_off[2];
    size_t cap = find_from(all, total, 0, "第二十条第");
    if (s2 == NONE || (cap != NONE && cap < s2 && (s3 == NONE || cap < s3)))
        s2 = s2 == NONE ? cap : s2;
    if (rc == 0 && s2 != NONE) {
        size_t e2 = s3 != NONE && s3 > s2 ? s3 : NONE;
        if (e2 == NONE && part_off[3] != NONE && part_off[3] > s2)
            e2 = part_off[3];
        if (e2 == NONE)
            e2 = min_pos(s4 != NONE && s4 > s2 ? s4 : total, total);
        rc = read_t2(rep, &lay, s2, e2);
    }
    free(lay.start);
    return rc;
}
