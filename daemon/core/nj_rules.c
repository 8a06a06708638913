/*
 * nj_rules.c - the rule catalogue of rules.md and the checks behind it.
 *
 * Every finding says what is wrong, where (table, row label, column label, line) and, for
 * arithmetic, both sides and the difference, in Chinese or English, so that the report
 * can be fixed from the message alone.  The arithmetic is that of report-format.md §4.1:
 * H1 (T3.BALANCE), H2 (T3.RESULT_TOTAL), H3 (T3.ROW_TOTAL), H4 (T4.TOTAL).  Where the
 * digits of a row ran together and can be split several ways, an identity is reported
 * only when it fails under every split.
 */
#include "nj_buf.h"
#include "nj_model.h"
#include "nj_utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nj_t3_row_label(int idx);
const char *nj_t3_row_key(int idx);
const char *nj_t3_col_label(int c);
const char *nj_part_heading(int p);
void nj_report_detect_format(struct nj_report *rep);

struct rule {
    const char *id;
    enum nj_severity sev;
};

static const struct rule catalogue[] = {
    {"DOC.UNREADABLE", NJ_SEV_ERROR},
    {"DOC.ENCODING", NJ_SEV_INFO},
    {"DOC.TITLE", NJ_SEV_WARNING},
    {"DOC.YEAR", NJ_SEV_ERROR},
    {"DOC.YEAR_MISMATCH", NJ_SEV_WARNING},
    {"DOC.PERIOD", NJ_SEV_WARNING},
    {"DOC.FORMAT", NJ_SEV_INFO},
    {"SEC.MISSING", NJ_SEV_ERROR},
    {"SEC.ORDER", NJ_SEV_WARNING},
    {"SEC.HEADING", NJ_SEV_WARNING},
    {"SEC.EMPTY", NJ_SEV_ERROR},
    {"SEC1.TOPICS", NJ_SEV_WARNING},
    {"SEC5.CONTENT", NJ_SEV_WARNING},
    {"SEC6.FEES", NJ_SEV_WARNING},
    {"T2.MISSING", NJ_SEV_ERROR},
    {"T2.LABEL", NJ_SEV_WARNING},
    {"T2.VALUE", NJ_SEV_ERROR},
    {"T2.BLANK", NJ_SEV_WARNING},
    {"T2.CELLS", NJ_SEV_ERROR},
    {"T3.MISSING", NJ_SEV_ERROR},
    {"T3.COLUMNS", NJ_SEV_ERROR},
    {"T3.ROWS", NJ_SEV_ERROR},
    {"T3.CELLS", NJ_SEV_ERROR},
    {"T3.LABEL", NJ_SEV_WARNING},
    {"T3.VALUE", NJ_SEV_ERROR},
    {"T3.BLANK", NJ_SEV_WARNING},
    {"T3.ROW_TOTAL", NJ_SEV_ERROR},
    {"T3.RESULT_TOTAL", NJ_SEV_ERROR},
    {"T3.BALANCE", NJ_SEV_ERROR},
    {"T4.MISSING", NJ_SEV_ERROR},
    {"T4.CELLS", NJ_SEV_ERROR},
    {"T4.LABEL", NJ_SEV_WARNING},
    {"T4.VALUE", NJ_SEV_ERROR},
    {"T4.BLANK", NJ_SEV_WARNING},
    {"T4.TOTAL", NJ_SEV_ERROR},
    {"TEXT.T3_COUNT", NJ_SEV_WARNING},
    {"TEXT.T3_DONE", NJ_SEV_WARNING},
    {"TEXT.T4_COUNT", NJ_SEV_WARNING},
    {"TEXT.ALL_DONE", NJ_SEV_WARNING},
    {"TEXT.FEES", NJ_SEV_WARNING},
    {"XYEAR.CARRY", NJ_SEV_WARNING},
    {"XYEAR.STOCK", NJ_SEV_WARNING},
    {"XYEAR.COPY", NJ_SEV_WARNING},
    {"AGG.SUM", NJ_SEV_WARNING},
};

int
nj_rule_default(const char *id)
{
    for (size_t i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
        if (strcmp(catalogue[i].id, id) == 0)
            return (int)catalogue[i].sev;
    return -1;
}

int
nj_rule_known(const char *id)
{
    return nj_rule_default(id) >= 0;
}

/* ---- findings --------------------------------------------------------------------- */

int
nj_findings_add(struct nj_findings *f, struct nj_arena *a, const char *rule, enum nj_severity sev,
                const struct nj_where *w, const char *message)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        struct nj_finding *v = realloc(f->v, cap * sizeof(*v));
        if (v == NULL) {
            f->oom = 1;
            return NJ_ENOMEM;
        }
        f->v = v;
        f->cap = cap;
    }
    struct nj_finding *x = &f->v[f->n];
    memset(x, 0, sizeof(*x));
    x->rule = rule;
    x->sev = sev;
    x->message = nj_arena_strdup(a, message);
    if (x->message == NULL) {
        f->oom = 1;
        return NJ_ENOMEM;
    }
    if (w)
        x->where = *w;
    f->n++;
    return 0;
}

struct ctx {
    const struct nj_report *rep;
    enum nj_lang lang;
    struct nj_findings *out;
    struct nj_arena *a;
    const char *part_key[7]; /* key forms of the parts' bodies, made on first use */
};

static struct nj_finding *
vadd(struct ctx *c, const char *rule, const struct nj_where *w, const char *zh, const char *en,
     va_list ap)
{
    struct nj_buf b;
    nj_buf_init(&b);
    nj_buf_vprintf(&b, c->lang == NJ_LANG_EN ? en : zh, ap);
    struct nj_finding *f = NULL;
    if (!nj_buf_failed(&b) &&
        nj_findings_add(c->out, c->a, rule, (enum nj_severity)nj_rule_default(rule), w, b.data) ==
            0)
        f = &c->out->v[c->out->n - 1];
    nj_buf_free(&b);
    return f;
}

static struct nj_finding *add(struct ctx *c, const char *rule, const struct nj_where *w,
                              const char *zh, const char *en, ...)
    __attribute__((format(printf, 4, 6)));

static struct nj_finding *
add(struct ctx *c, const char *rule, const struct nj_where *w, const char *zh, const char *en, ...)
{
    va_list ap;
    va_start(ap, en);
    struct nj_finding *f = vadd(c, rule, w, zh, en, ap);
    va_end(ap);
    return f;
}

static const char *
loc_word(const struct ctx *c)
{
    int para = nj_doc_loc_kind(c->rep->doc) == NJ_LOC_PARAGRAPH;
    if (c->lang == NJ_LANG_EN)
        return para ? "paragraph" : "line";
    return para ? "段" : "行";
}

/* "（第 12 行）" / " (line 12)" or "" when unknown.  Returns an arena string. */
static const char *
at(struct ctx *c, unsigned loc)
{
    if (loc == 0)
        return "";
    char tmp[64];
    if (c->lang == NJ_LANG_EN)
        snprintf(tmp, sizeof(tmp), " (%s %u)", loc_word(c), loc);
    else
        snprintf(tmp, sizeof(tmp), "（第 %u %s）", loc, loc_word(c));
    return nj_arena_strdup(c->a, tmp);
}

static const char *const part_names[7] = {"", "一", "二", "三", "四", "五", "六"};
static const char *const part_en[7] = {"",
                                       "1 (overview)",
                                       "2 (proactive disclosure)",
                                       "3 (applications)",
                                       "4 (reviews and lawsuits)",
                                       "5 (problems and improvements)",
                                       "6 (other matters)"};

/* ---- document rules ------------------------------------------------------------- */

static void
check_doc(struct ctx *c)
{
    const struct nj_report *r = c->rep;
    struct nj_where w = {0};
    if (!r->title_found) {
        w.loc = 1;
        add(c, "DOC.TITLE", &w,
            "未找到标题：标题应为“机关名称 + YYYY年 + "
            "政府信息公开工作年度报告”，例如“某某局2025年政府信息公开工作年度报告”。",
            "No title found: the title should read 'organisation + YYYY年 + "
            "政府信息公开工作年度报告', e.g. '某某局2025年政府信息公开工作年度报告'.");
    } else if (r->title_variant || r->title_year == 0) {
        w.loc = r->title_loc;
        add(c, "DOC.TITLE", &w,
            "标题“%s”%s不符合规范格式“机关名称 + YYYY年 + 政府信息公开工作年度报告”%s。",
            "The title '%s'%s does not follow the form 'organisation + YYYY年 + "
            "政府信息公开工作年度报告'%s.",
            r->title, at(c, r->title_loc),
            r->title_year == 0
                ? (c->lang == NJ_LANG_EN ? " (no four-digit year)" : "（缺少四位年份）")
                : "");
    }
    if (r->year == 0) {
        w.loc = r->title_loc;
        add(c, "DOC.YEAR", &w,
            "无法确定报告年度：标题和统计期限中都没有四位年份（如“2025年”），请在标题中写明年度。",
            "The report year cannot be determined: neither the title nor the statistics "
            "period gives a four-digit year (such as 2025年); state the year in the title.");
    }
    int ty = r->title_year, py = r->period_year, xy = r->text_year;
    if ((ty && py && ty != py) || (ty && xy && ty != xy) || (!ty && py && xy && py != xy)) {
        memset(&w, 0, sizeof(w));
        w.loc = r->title_loc ? r->title_loc : r->period_loc;
        add(c, "DOC.YEAR_MISMATCH", &w,
            "年份不一致：标题年份为 %d，统计期限年份为 %d，第一部分正文中最常出现的年份为 %d（0 "
            "表示未找到），请核对是否沿用了往年文本。",
            "The years disagree: title %d, statistics period %d, most frequent year in part 1 "
            "%d (0 = not found); check whether an earlier report's text was reused.",
            ty, py, xy);
    }
    if (r->period_stated && (!r->period_ok || (r->year && r->period_year != r->year))) {
        memset(&w, 0, sizeof(w));
        w.loc = r->period_loc;
        add(c, "DOC.PERIOD", &w,
            "统计期限“%s”%s应为报告年度的1月1日至12月31日（%d年1月1日至%d年12月31日）。",
            "The statistics period '%s'%s should be 1 January to 31 December of the report "
            "year (%d-01-01 to %d-12-31).",
            r->period_text, at(c, r->period_loc), r->year, r->year);
    }
    memset(&w, 0, sizeof(w));
    const char *fname = r->format == NJ_FMT_2021      ? "2021"
                        : r->format == NJ_FMT_2019    ? "2019"
                        : r->format == NJ_FMT_PRE2019 ? "pre-2019"
                                                      : "unknown";
    int outdated = (r->year >= 2021 && r->format == NJ_FMT_2019) ||
                   (r->year >= 2019 && r->format == NJ_FMT_PRE2019);
    struct nj_finding *f;
    if (outdated) {
        f = add(c, "DOC.FORMAT", &w,
                "报告使用了过时的 %s 版格式，%d 年度报告应使用国办公开办函〔2021〕30号规定的 2021 "
                "版格式（表二“本年制发件数”等列，表三25行）。",
                "The report uses the outdated %s format; a %d report must use the 2021 format "
                "of 国办公开办函〔2021〕30号 (table 2 with 本年制发件数, table 3 with 25 rows).",
                fname, r->year);
        if (f)
            f->sev = NJ_SEV_WARNING;
    } else {
        add(c, "DOC.FORMAT", &w, "检测到的格式版本：%s。", "Detected format version: %s.", fname);
    }
}

/* ---- parts ---------------------------------------------------------------------- */

static int
cjk_at_least(const char *s, size_t want)
{
    size_t n = 0;
    const char *p = s, *end = s + strlen(s);
    while (p < end && n < want)
        if (nj_is_cjk(nj_u8_next(&p, end)))
            n++;
    return n >= want;
}

static int
has_any(const char *s, const char *const *words)
{
    size_t sl = strlen(s);
    for (int i = 0; words[i]; i++)
        if (nj_memfind(s, sl, words[i], strlen(words[i])))
            return 1;
    return 0;
}

static char *
keybody(struct ctx *c, const char *s)
{
    size_t l = strlen(s);
    char *k = nj_arena_alloc(c->a, l + 1);
    if (k)
        nj_keyform(s, l, k, l + 1);
    return k;
}

/* Length of the key form of S[0..N) (S valid UTF-8, N at a character boundary). */
static size_t
keylen(const char *s, size_t n)
{
    char buf[1024];
    char *k = n * 3 + 1 <= sizeof buf ? buf : malloc(n * 3 + 1);
    if (k == NULL)
        return (size_t)-1;
    size_t l = nj_keyform(s, n, k, n * 3 + 1);
    if (k != buf)
        free(k);
    return l;
}

/* The key form of part P's body cut out of all_key: the body is pieces of blocks joined by
 * spaces and newlines, which the key form drops, so its key form is the same pieces of
 * the blocks' key forms (see find_parts for the pieces).  Returns NULL when that cannot be
 * relied on (a piece that does not map, or more key than body, where keybody would have
 * cut it short); the caller then makes it from the body. */
static char *
part_key_from_all(struct ctx *c, const struct nj_part *pt)
{
    const struct nj_report *r = c->rep;
    if (r->kstart == NULL || r->all_key == NULL)
        return NULL;
    size_t nb = nj_doc_n_blocks(r->doc), total = 0;
    char *k = nj_arena_alloc_raw(c->a, pt->body_len + 1);
    if (k == NULL)
        return NULL;
    for (size_t i = pt->block; i < nb && i <= pt->end_block; i++) {
        const struct nj_block *b = nj_doc_block(r->doc, i);
        size_t ka, kb;
        if (b->kind == NJ_BLOCK_TEXT) {
            size_t from = i == pt->block ? pt->off : 0, to = b->text_len;
            if (i == pt->end_block && pt->end_off < to)
                to = pt->end_off;
            if (i == pt->block && pt->heading) {
                size_t hl = strlen(pt->heading);
                if (from + hl <= to)
                    from += hl;
            }
            if (to <= from)
                continue;
            size_t la = from ? keylen(b->text, from) : 0;
            size_t lb = to < b->text_len ? keylen(b->text, to) : r->kstart[i + 1] - r->kstart[i];
            if (la == (size_t)-1 || lb == (size_t)-1)
                return NULL;
            ka = r->kstart[i] + la;
            kb = r->kstart[i] + lb;
        } else if (i < pt->end_block) {
            ka = r->kstart[i];
            kb = r->kstart[i + 1];
        } else {
            continue;
        }
        if (kb < ka || kb > r->kstart[nb] || total + (kb - ka) > pt->body_len)
            return NULL;
        memcpy(k + total, r->all_key + ka, kb - ka);
        total += kb - ka;
    }
    k[total] = '\0';
    return k;
}

/* The key form of part P's body (never NULL unless out of memory). */
static const char *
part_key(struct ctx *c, int p)
{
    if (c->part_key[p] == NULL) {
        const struct nj_part *pt = &c->rep->parts[p];
        char *k = pt->body ? part_key_from_all(c, pt) : NULL;
        c->part_key[p] = k ? k : keybody(c, pt->body ? pt->body : "");
    }
    return c->part_key[p];
}

static void
check_parts(struct ctx *c)
{
    const struct nj_report *r = c->rep;
    int pre = r->format == NJ_FMT_PRE2019;
    struct nj_where w = {0};
    if (pre) {
        /* Pre-2019 reports: only the loose presence of the statutory items. */
        static const char *const need[][4] = {{"主动公开", NULL},
                                              {"依申请", "申请公开", NULL},
                                              {"复议", "诉讼", NULL},
                                              {"问题", "改进", NULL}};
        static const char *const names[][2] = {{"主动公开", "proactive disclosure"},
                                               {"依申请公开", "disclosure on application"},
                                               {"行政复议、行政诉讼", "reviews and lawsuits"},
                                               {"存在的问题及改进", "problems and improvements"}};
        const char *k = r->all_key;
        for (int i = 0; k && i < 4; i++)
            if (!has_any(k, need[i]))
                add(c, "SEC.MISSING", &w, "报告中没有关于“%s”的内容。",
                    "The report says nothing about %s.", names[i][c->lang == NJ_LANG_EN]);
        return;
    }
    int last_pos_part = 0;
    size_t last_block = 0, last_off = 0;
    for (int p = 1; p <= 6; p++) {
        const struct nj_part *pt = &r->parts[p];
        memset(&w, 0, sizeof(w));
        w.part = part_names[p];
        if (!pt->found) {
            add(c, "SEC.MISSING", &w, "缺少第%s部分“%s”：年度报告必须包含全部六个部分。",
                "Part %s is missing ('%s'): an annual report must have all six parts.",
                c->lang == NJ_LANG_EN ? part_en[p] : part_names[p], nj_part_heading(p));
            continue;
        }
        w.loc = pt->loc;
        if (pt->numeral != p) {
            add(c, "SEC.ORDER", &w,
                "第%s部分的标题“%s”%s编号为“%s”，应为“%s”（六个部分依次编号一至六）。",
                "The heading of part %s, '%s'%s, is numbered %s; it should be %s (the six "
                "parts are numbered 一 to 六 in order).",
                c->lang == NJ_LANG_EN ? part_en[p] : part_names[p], pt->heading, at(c, pt->loc),
                part_names[pt->numeral], part_names[p]);
        } else if (last_pos_part &&
                   (pt->block < last_block || (pt->block == last_block && pt->off < last_off))) {
            add(c, "SEC.ORDER", &w, "第%s部分“%s”%s出现在第%s部分之前，顺序不对。",
                "Part %s ('%s'%s) comes before part %s: the parts are out of order.", part_names[p],
                pt->heading, at(c, pt->loc), part_names[last_pos_part]);
        }
        last_pos_part = p;
        last_block = pt->block;
        last_off = pt->off;
        if (pt->heading_variant)
            add(c, "SEC.HEADING", &w, "第%s部分标题“%s”%s与规范表述“%s”不一致。",
                "The heading of part %s, '%s'%s, differs from the official wording '%s'.",
                c->lang == NJ_LANG_EN ? part_en[p] : part_names[p], pt->heading, at(c, pt->loc),
                nj_part_heading(p));
        const char *body = pt->body ? pt->body : "";
        /* Part 六 may rightly say only 无 (nothing else to report); parts 一 and 五 need
         * a sentence (a few stray characters are a crawler's or a paste's leftovers). */
        if ((p == 1 || p == 5 || p == 6) && !cjk_at_least(body, p == 6 ? 1 : 6))
            add(c, "SEC.EMPTY", &w, "第%s部分“%s”%s没有内容。", "Part %s ('%s'%s) has no text.",
                c->lang == NJ_LANG_EN ? part_en[p] : part_names[p], pt->heading, at(c, pt->loc));
    }
    /* 总体情况 must cover five topics (国办公开办函〔2021〕30号 (一)). */
    const struct nj_part *p1 = &r->parts[1];
    if (p1->found && p1->body) {
        const char *k = part_key(c, 1);
        static const char *const t1[] = {"主动公开", NULL};
        static const char *const t2[] = {"依申请", "公开申请", "申请公开", "信息公开申请", NULL};
        static const char *const t3[] = {"信息管理", "政府信息管理", NULL};
        static const char *const t4[] = {"平台建设", "平台", "网站", NULL};
        static const char *const t5[] = {"监督保障", "监督", "保障", "考核", NULL};
        static const char *const *topics[5] = {t1, t2, t3, t4, t5};
        static const char *const tz[5] = {"主动公开", "依申请公开", "政府信息管理",
                                          "政府信息公开平台建设", "监督保障"};
        static const char *const te[5] = {"proactive disclosure", "disclosure on application",
                                          "government information management",
                                          "disclosure platforms", "supervision and safeguards"};
        memset(&w, 0, sizeof(w));
        w.part = part_names[1];
        w.loc = p1->loc;
        for (int i = 0; k && i < 5; i++)
            if (!has_any(k, topics[i]))
                add(c, "SEC1.TOPICS", &w, "第一部分“总体情况”没有写到“%s”方面的情况。",
                    "Part 1 (overview) does not cover %s.", c->lang == NJ_LANG_EN ? te[i] : tz[i]);
    }
    const struct nj_part *p5 = &r->parts[5];
    if (p5->found && p5->body && cjk_at_least(p5->body, 6)) {
        const char *k = part_key(c, 5);
        static const char *const prob[] = {"问题", "不足", "差距", "短板", "薄弱", NULL};
        static const char *const meas[] = {"改进", "措施", "下一步", "整改", "加强", "提升", NULL};
        memset(&w, 0, sizeof(w));
        w.part = part_names[5];
        w.loc = p5->loc;
        if (k && !has_any(k, prob))
            add(c, "SEC5.CONTENT", &w, "第五部分没有指出存在的问题。", "Part 5 names no problem.");
        if (k && !has_any(k, meas))
            add(c, "SEC5.CONTENT", &w, "第五部分没有提出改进措施。",
                "Part 5 names no improvement measure.");
    }
    const struct nj_part *p6 = &r->parts[6];
    if (p6->found && r->year >= 2021) {
        const char *k = part_key(c, 6);
        static const char *const fee[] = {"信息处理费", "处理费", NULL};
        memset(&w, 0, sizeof(w));
        w.part = part_names[6];
        w.loc = p6->loc;
        if (k && !has_any(k, fee))
            add(c, "SEC6.FEES", &w,
                "第六部分没有说明是否收取信息处理费（依《政府信息公开信息处理费管理办法》，未收取也"
                "应写明“未收取”）。",
                "Part 6 does not say whether information processing fees (信息处理费) were "
                "charged; state it even when none were (未收取).");
    }
}

/* ---- table 三 ------------------------------------------------------------------- */

static const char *
col_name(struct ctx *c, int col)
{
    static const char *const en[NJ_T3_COLS] = {"natural persons",
                                               "commercial enterprises",
                                               "research institutions",
                                               "public-interest organisations",
                                               "legal service providers",
                                               "other",
                                               "total"};
    return c->lang == NJ_LANG_EN ? en[col] : nj_t3_col_label(col);
}

static void
where_t3(struct nj_where *w, int row, int col, unsigned loc)
{
    memset(w, 0, sizeof(*w));
    w->table = "三";
    w->row = row >= 0 ? nj_t3_row_label(row) : NULL;
    w->column = col >= 0 ? nj_t3_col_label(col) : NULL;
    w->loc = loc;
}

static int
t3_result_rows(const struct nj_t3 *t, int *rows)
{
    int n = 0;
    for (int i = 2; i <= 19; i++)
        rows[n++] = i;
    if (t->layout2019) {
        rows[n++] = NJ_T3_R6S;
    } else {
        rows[n++] = 20;
        rows[n++] = 21;
        rows[n++] = 22;
    }
    return n;
}

/* One reading of table 三: every cell's value, with the digits of run-together rows split
 * in the way that satisfies the most identities (never used to hide an error: a row whose
 * own total fails under every split is reported as such, and whatever the best reading
 * still violates is reported). */
struct reading {
    int64_t v[NJ_T3_ROWS][NJ_T3_COLS];
    int known[NJ_T3_ROWS][NJ_T3_COLS];
    int n_amb;
};

#define MAX_COMBOS 200000

static int
row_total_ok(const int64_t *v)
{
    return v[6] == v[0] + v[1] + v[2] + v[3] + v[4] + v[5];
}

static int
count_ok(const struct reading *rd, const int *res_rows, int nres)
{
    int n = 0;
    for (int col = 0; col < NJ_T3_COLS; col++) {
        int64_t items = 0;
        for (int k = 0; k < nres; k++)
            items += rd->v[res_rows[k]][col];
        n += items == rd->v[23][col];
        n += rd->v[0][col] + rd->v[1][col] == rd->v[23][col] + rd->v[24][col];
    }
    return n;
}

/* Returns 1 when a reading was made (all ambiguous rows resolved), 0 otherwise. */
static int
resolve_t3(const struct nj_t3 *t, const int *res_rows, int nres, struct reading *rd)
{
    memset(rd, 0, sizeof(*rd));
    int amb[NJ_T3_ROWS], namb = 0;
    int *choice[NJ_T3_ROWS];
    int nchoice[NJ_T3_ROWS];
    for (int i = 0; i < NJ_T3_ROWS; i++) {
        const struct nj_t3row *r = &t->r[i];
        if (!r->found || r->ragged)
            continue;
        if (r->ambiguous) {
            if (r->cands.too_many || r->cands.n == 0 || r->cands.width != NJ_T3_COLS)
                continue;
            amb[namb++] = i;
            continue;
        }
        int parts_nonzero = 0;
        for (int col = 0; col < 6; col++)
            parts_nonzero |= r->v[col].state == NJ_V_OK && r->v[col].v != 0;
        for (int col = 0; col < NJ_T3_COLS; col++) {
            const struct nj_val *v = &r->v[col];
            /* A blank 总计 over non-zero parts is a missing total, not a zero. */
            if (col == 6 && v->state == NJ_V_BLANK && parts_nonzero)
                continue;
            if (v->state == NJ_V_OK || v->state == NJ_V_BLANK) {
                rd->v[i][col] = v->state == NJ_V_OK ? v->v : 0;
                rd->known[i][col] = 1;
            }
        }
    }
    rd->n_amb = namb;
    if (namb == 0)
        return 1;
    /* Keep, per row, the splits that satisfy the row's own total when there are any. */
    double combos = 1;
    for (int a = 0; a < namb; a++) {
        const struct nj_cands *cd = &t->r[amb[a]].cands;
        choice[a] = malloc(sizeof(int) * (size_t)cd->n);
        if (choice[a] == NULL) {
            for (int b = 0; b < a; b++)
                free(choice[b]);
            return 0;
        }
        nchoice[a] = 0;
        for (int q = 0; q < cd->n; q++)
            if (row_total_ok(cd->vals + (size_t)q * NJ_T3_COLS))
                choice[a][nchoice[a]++] = q;
        if (nchoice[a] == 0)
            for (int q = 0; q < cd->n; q++)
                choice[a][nchoice[a]++] = q;
        combos *= nchoice[a];
    }
    int ok = combos <= MAX_COMBOS;
    if (ok) {
        int idx[NJ_T3_ROWS] = {0}, best_idx[NJ_T3_ROWS] = {0};
        int best = -1;
        for (;;) {
            for (int a = 0; a < namb; a++) {
                const struct nj_cands *cd = &t->r[amb[a]].cands;
                const int64_t *v = cd->vals + (size_t)choice[a][idx[a]] * NJ_T3_COLS;
                for (int col = 0; col < NJ_T3_COLS; col++)
                    rd->v[amb[a]][col] = v[col];
            }
            int sc = count_ok(rd, res_rows, nres);
            if (sc > best) {
                best = sc;
                memcpy(best_idx, idx, sizeof(idx));
            }
            int a = 0;
            while (a < namb && ++idx[a] == nchoice[a])
                idx[a++] = 0;
            if (a == namb)
                break;
        }
        for (int a = 0; a < namb; a++) {
            const struct nj_cands *cd = &t->r[amb[a]].cands;
            const int64_t *v = cd->vals + (size_t)choice[a][best_idx[a]] * NJ_T3_COLS;
            for (int col = 0; col < NJ_T3_COLS; col++) {
                rd->v[amb[a]][col] = v[col];
                rd->known[amb[a]][col] = 1;
            }
        }
    }
    for (int a = 0; a < namb; a++)
        free(choice[a]);
    return 1;
}

static void
check_t3(struct ctx *c)
{
    const struct nj_report *rep = c->rep;
    const struct nj_t3 *t = &rep->t3;
    struct nj_where w;
    if (!t->present) {
        where_t3(&w, -1, -1, 0);
        add(c, "T3.MISSING", &w,
            "未找到表三“收到和处理政府信息公开申请情况”（应有7列、25行：本年新收、上年结转、办理结"
            "果、结转下年度）。",
            "Table 3 (收到和处理政府信息公开申请情况) was not found (7 columns, 25 rows: new "
            "applications, carried over, results, carried forward).");
        return;
    }
    /* Columns. */
    int all_cols = 1;
    if (t->header_read) {
        for (int col = 0; col < NJ_T3_COLS; col++) {
            if (t->col_present[col])
                continue;
            all_cols = 0;
            where_t3(&w, -1, col, t->loc);
            add(c, "T3.COLUMNS", &w,
                "表三%s缺少“%s”列%."
                "0s：申请人情况应有自然人、法人或其他组织（商业企业、科研机构、社会公益组织、法律服"
                "务机构、其他）和总计共7列；缺列时无法核对合计。",
                "Table 3%s lacks the column '%s' (%s): the applicant columns are 自然人, "
                "商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他 and 总计 (7 columns); "
                "without it the totals cannot be checked.",
                at(c, t->loc), nj_t3_col_label(col), col_name(c, col));
        }
    }
    int full = all_cols;
    /* Rows. */
    int is2021 = rep->format != NJ_FMT_2019;
    if (t->layout2019 && is2021) {
        where_t3(&w, NJ_T3_R6S, -1, t->r[NJ_T3_R6S].loc);
        add(c, "T3.ROWS", &w,
            "表三“（六）其他处理”%s只有一行（2019年试行格式）；2021年格式应分为3行：1."
            "申请人无正当理由逾期不补正…、2.申请人逾期未按收费通知要求缴纳费用…、3.其他，共25行。",
            "Table 3 row '（六）其他处理'%s is a single row (the 2019 trial format); the 2021 "
            "format splits it into three rows (1. 逾期不补正…, 2. 逾期未按收费通知…, 3. 其他), "
            "25 rows in all.",
            at(c, t->r[NJ_T3_R6S].loc));
    }
    static const char *const groups[4] = {"（三）不予公开", "（四）无法提供", "（五）不予处理",
                                          "（六）其他处理"};
    for (int gi = 0; gi < 4; gi++) {
        if (!t->group_variant[gi])
            continue;
        where_t3(&w, -1, -1, t->group_loc[gi]);
        w.row = groups[gi];
        w.cell = t->group_variant[gi];
        add(c, "T3.LABEL", &w, "表三分组标题“%s”%s与规范表述“%s”不一致。",
            "Table 3 group label '%s'%s differs from the official wording '%s'.",
            t->group_variant[gi], at(c, t->group_loc[gi]), groups[gi]);
    }
    int rows[NJ_T3_ROWS], nrows = 0;
    for (int i = 0; i < 25; i++) {
        if (t->layout2019 && i >= 20 && i <= 22)
            continue;
        rows[nrows++] = i;
    }
    if (t->layout2019)
        rows[nrows++] = NJ_T3_R6S;
    for (int k = 0; k < nrows; k++) {
        int i = rows[k];
        const struct nj_t3row *r = &t->r[i];
        if (!r->found) {
            where_t3(&w, i, -1, t->loc);
            add(c, "T3.ROWS", &w, "表三缺少“%s”行。", "Table 3 lacks the row '%s'.",
                nj_t3_row_label(i));
            full = 0;
            continue;
        }
        if (r->label_variant) {
            where_t3(&w, i, -1, r->loc);
            w.cell = r->label;
            add(c, "T3.LABEL", &w, "表三行标题“%s”%s与规范表述“%s”不一致。",
                "Table 3 row label '%s'%s differs from the official wording '%s'.", r->label,
                at(c, r->loc), nj_t3_row_label(i));
        }
        if (r->ragged) {
            where_t3(&w, i, -1, r->loc);
            add(c, "T3.CELLS", &w,
                "表三“%s”行%s有 %d 个数值，而表头有 %d "
                "列：行列错位，无法确定每个数值属于哪一列，请按表头逐列填写。",
                "Table 3 row '%s'%s carries %d values but the header has %d columns: the row "
                "is ragged and its values cannot be matched to columns; fill in one value per "
                "column.",
                nj_t3_row_label(i), at(c, r->loc), r->n_values,
                t->header_read && t->n_cols >= 2 ? t->n_cols : NJ_T3_COLS);
            continue;
        }
        if (r->ambiguous) {
            where_t3(&w, i, -1, r->loc);
            w.cell = r->cands.digits;
            if (r->cands.too_many)
                add(c, "T3.CELLS", &w,
                    "表三“%s”行%s的数字“%"
                    "s”连在一起，可以有很多种拆分方式，无法确定各列的数值，请核对原表。",
                    "Table 3 row '%s'%s: the digits '%s' run together and can be split into "
                    "cells in very many ways; the column values cannot be determined.",
                    nj_t3_row_label(i), at(c, r->loc), r->cands.digits);
            else
                add(c, "T3.CELLS", &w,
                    "表三“%s”行%s的数字“%s”连在一起，可拆成 %d 种不同的 %d "
                    "个数，无法确定各列的数值，请核对原表（例如在数字之间加分隔）。",
                    "Table 3 row '%s'%s: the digits '%s' run together and can be split into %d "
                    "different sets of %d values; the column values cannot be determined.",
                    nj_t3_row_label(i), at(c, r->loc), r->cands.digits, r->cands.n, r->cands.width);
        }
        /* Values. */
        struct nj_buf blanks;
        nj_buf_init(&blanks);
        int nblank = 0;
        for (int col = 0; col < NJ_T3_COLS; col++) {
            const struct nj_val *v = &r->v[col];
            if (v->state == NJ_V_BAD) {
                where_t3(&w, i, col, v->loc);
                w.cell = v->raw;
                const char *why = v->negative     ? (c->lang ? "a negative number" : "是负数")
                                  : v->fractional ? (c->lang ? "not a whole number" : "不是整数")
                                                  : (c->lang ? "not a number" : "不是数字");
                add(c, "T3.VALUE", &w, "表三“%s”行“%s”列%s的值“%s”%s；申请件数应为非负整数。",
                    "Table 3 row '%s', column '%s'%s: '%s' is %s; counts must be "
                    "non-negative whole numbers.",
                    nj_t3_row_label(i), nj_t3_col_label(col), at(c, v->loc), v->raw, why);
            } else if (v->state == NJ_V_BLANK && col != 6) {
                nj_buf_printf(&blanks, "%s%s", nblank ? "、" : "", nj_t3_col_label(col));
                nblank++;
            }
        }
        if (nblank) {
            where_t3(&w, i, -1, r->loc);
            w.column = nj_arena_strdup(c->a, blanks.data);
            add(c, "T3.BLANK", &w,
                "表三“%s”行%s有 %d 个空白或占位符单元格（%s），按 0 计算；没有数据也请填写 0。",
                "Table 3 row '%s'%s has %d blank or placeholder cells (%s), read as 0; write 0 "
                "where there is nothing to report.",
                nj_t3_row_label(i), at(c, r->loc), nblank, blanks.data);
        }
        nj_buf_free(&blanks);
    }
    if (!full)
        return; /* H1–H3 cannot be checked safely with missing columns or rows */
    /* H3: 总计 = the six applicant columns, per row. */
    for (int k = 0; k < nrows; k++) {
        int i = rows[k];
        const struct nj_t3row *r = &t->r[i];
        if (!r->found || r->ragged)
            continue;
        if (r->ambiguous) {
            if (r->cands.too_many || r->cands.n == 0 || r->cands.width != NJ_T3_COLS)
                continue;
            int ok = 0;
            for (int q = 0; q < r->cands.n && !ok; q++) {
                const int64_t *v = r->cands.vals + (size_t)q * NJ_T3_COLS;
                ok = v[6] == v[0] + v[1] + v[2] + v[3] + v[4] + v[5];
            }
            if (!ok) {
                where_t3(&w, i, 6, r->loc);
                w.cell = r->cands.digits;
                add(c, "T3.ROW_TOTAL", &w,
                    "表三“%s”行%s：数字“%s”无论怎样拆成 7 "
                    "列，“总计”都不等于六类申请人之和，该行合计必有错误。",
                    "Table 3 row '%s'%s: however the digits '%s' are split into 7 columns, "
                    "'总计' never equals the sum of the six applicant columns; the row total is "
                    "wrong.",
                    nj_t3_row_label(i), at(c, r->loc), r->cands.digits);
            }
            continue;
        }
        int64_t sum = 0;
        int known = 1, nonzero = 0;
        for (int col = 0; col < 6; col++) {
            const struct nj_val *v = &r->v[col];
            if (v->state != NJ_V_OK && v->state != NJ_V_BLANK)
                known = 0;
            sum += v->state == NJ_V_OK ? v->v : 0;
            nonzero |= v->state == NJ_V_OK && v->v != 0;
        }
        const struct nj_val *tot = &r->v[6];
        if (!known || tot->state == NJ_V_BAD || tot->state == NJ_V_ABSENT)
            continue;
        if (tot->state == NJ_V_BLANK) {
            if (nonzero) {
                where_t3(&w, i, 6, tot->loc);
                struct nj_finding *f = add(
                    c, "T3.ROW_TOTAL", &w,
                    "表三“%s”行%s的“总计”为空，但六类申请人之和为 %lld：总计缺失，应填写 %lld。",
                    "Table 3 row '%s'%s: '总计' is blank but the six applicant columns add up "
                    "to %lld; the total is missing and should be %lld.",
                    nj_t3_row_label(i), at(c, tot->loc), (long long)sum, (long long)sum);
                if (f) {
                    f->has_arith = 1;
                    f->expected = sum;
                    f->actual = 0;
                }
            }
            continue;
        }
        if (tot->v != sum) {
            where_t3(&w, i, 6, tot->loc);
            struct nj_finding *f =
                add(c, "T3.ROW_TOTAL", &w,
                    "表三“%s”行%s：“总计”为 %lld，但自然人 %lld + 商业企业 %lld + 科研机构 %lld + "
                    "社会公益组织 %lld + 法律服务机构 %lld + 其他 %lld = %lld，相差 %lld。",
                    "Table 3 row '%s'%s: '总计' is %lld but 自然人 %lld + 商业企业 %lld + "
                    "科研机构 %lld + 社会公益组织 %lld + 法律服务机构 %lld + 其他 %lld = %lld, a "
                    "difference of %lld.",
                    nj_t3_row_label(i), at(c, tot->loc), (long long)tot->v, (long long)r->v[0].v,
                    (long long)r->v[1].v, (long long)r->v[2].v, (long long)r->v[3].v,
                    (long long)r->v[4].v, (long long)r->v[5].v, (long long)sum,
                    (long long)llabs(tot->v - sum));
            if (f) {
                f->has_arith = 1;
                f->expected = sum;
                f->actual = tot->v;
            }
        }
    }
    /* H2: （七）总计 = the sum of all result rows; H1: 一 + 二 = 三(七) + 四, per column. */
    int res_rows[NJ_T3_ROWS];
    int nres = t3_result_rows(t, res_rows);
    struct reading rd;
    int resolved = resolve_t3(t, res_rows, nres, &rd);
    const char *note_zh = rd.n_amb ? "（表中数字连写，已按最能满足勾稽关系的拆分读取）" : "";
    const char *note_en =
        rd.n_amb ? " (digits run together; read with the split that best satisfies the "
                   "identities)"
                 : "";
    const char *note = c->lang == NJ_LANG_EN ? note_en : note_zh;
    for (int col = 0; resolved && col < NJ_T3_COLS; col++) {
        int ok = rd.known[23][col];
        int64_t items = 0;
        for (int k = 0; k < nres; k++) {
            ok &= rd.known[res_rows[k]][col];
            items += rd.v[res_rows[k]][col];
        }
        int64_t total = rd.v[23][col];
        if (ok && total != items) {
            where_t3(&w, 23, col, t->r[23].loc);
            struct nj_finding *f =
                add(c, "T3.RESULT_TOTAL", &w,
                    "表三“%s”列：“（七）总计”为 %lld%s，但办理结果各项（予以公开至其他处理，共 %d "
                    "行）之和为 %lld，相差 %lld%s。",
                    "Table 3 column '%s': '（七）总计' is %lld%s but the result rows (予以公开 to "
                    "其他处理, %d rows) add up to %lld, a difference of %lld%s.",
                    nj_t3_col_label(col), (long long)total, at(c, t->r[23].loc), nres,
                    (long long)items, (long long)llabs(total - items), note);
            if (f) {
                f->has_arith = 1;
                f->expected = items;
                f->actual = total;
            }
        }
        static const int h1rows[4] = {0, 1, 23, 24};
        ok = 1;
        int64_t vv[4];
        for (int k = 0; k < 4; k++) {
            ok &= rd.known[h1rows[k]][col];
            vv[k] = rd.v[h1rows[k]][col];
        }
        if (ok && vv[0] + vv[1] != vv[2] + vv[3]) {
            where_t3(&w, -1, col, t->r[24].loc);
            struct nj_finding *f = add(
                c, "T3.BALANCE", &w,
                "表三“%s”列：本年新收 %lld + 上年结转 %lld = %lld，而办理结果总计 %lld + "
                "结转下年度 %lld = %lld，相差 "
                "%lld（应满足：第一项加第二项之和等于第三项加第四项之和）%s。",
                "Table 3 column '%s': new %lld + carried over %lld = %lld, but results total "
                "%lld + carried forward %lld = %lld, a difference of %lld (items 1 + 2 must "
                "equal items 3 + 4)%s.",
                nj_t3_col_label(col), (long long)vv[0], (long long)vv[1],
                (long long)(vv[0] + vv[1]), (long long)vv[2], (long long)vv[3],
                (long long)(vv[2] + vv[3]), (long long)llabs(vv[0] + vv[1] - vv[2] - vv[3]), note);
            if (f) {
                f->has_arith = 1;
                f->expected = vv[0] + vv[1];
                f->actual = vv[2] + vv[3];
            }
        }
    }
}

/* ---- table 四 ------------------------------------------------------------------- */

static const char *const t4groups[3] = {"行政复议", "行政诉讼（未经复议直接起诉）",
                                        "行政诉讼（复议后起诉）"};
static const char *const t4cols[5] = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"};

static void
check_t4(struct ctx *c)
{
    const struct nj_t4 *t = &c->rep->t4;
    struct nj_where w = {0};
    w.table = "四";
    if (!t->present) {
        add(c, "T4.MISSING", &w,
            "未找到表四“政府信息公开行政复议、行政诉讼情况”（应有15个数值：行政复议、未经复议直接起"
            "诉、复议后起诉各5个）。",
            "Table 4 (行政复议、行政诉讼情况) was not found (15 values: 5 each for reviews, "
            "direct lawsuits and lawsuits after review).");
        return;
    }
    w.loc = t->loc;
    if (t->header_variant)
        add(c, "T4.LABEL", &w, "表四表头“%s”%s与规范表述不一致。",
            "Table 4 header '%s'%s differs from the official wording.", t->header_variant,
            at(c, t->loc));
    if (t->ambiguous) {
        w.cell = t->cands.digits;
        if (t->cands.too_many)
            add(c, "T4.CELLS", &w,
                "表四%s的数字“%s”连在一起，拆分方式太多，无法确定15个数值，请核对原表。",
                "Table 4%s: the digits '%s' run together and can be split in too many ways; "
                "the 15 values cannot be determined.",
                at(c, t->loc), t->cands.digits);
        else
            add(c, "T4.CELLS", &w,
                "表四%s的数字“%s”连在一起，可拆成 %d "
                "种不同的15个数，无法确定各项数值，请核对原表。",
                "Table 4%s: the digits '%s' run together and can be split into %d different "
                "sets of 15 values; the values cannot be determined.",
                at(c, t->loc), t->cands.digits, t->cands.n);
        /* H4 under every split. */
        if (!t->cands.too_many && t->cands.n > 0) {
            for (int g = 0; g < 3; g++) {
                int ok = 0;
                for (int q = 0; q < t->cands.n && !ok; q++) {
                    const int64_t *v = t->cands.vals + (size_t)q * 15 + (size_t)g * 5;
                    ok = v[4] == v[0] + v[1] + v[2] + v[3];
                }
                if (!ok) {
                    struct nj_where w2 = w;
                    w2.row = t4groups[g];
                    w2.column = "总计";
                    struct nj_finding *f =
                        add(c, "T4.TOTAL", &w2,
                            "表四“%s”：无论连写的数字怎样拆分，总计都不等于结果维持 + 结果纠正 + "
                            "其他结果 + 尚未审结。",
                            "Table 4 '%s': however the run-together digits are split, 总计 never "
                            "equals 结果维持 + 结果纠正 + 其他结果 + 尚未审结.",
                            t4groups[g]);
                    if (f)
                        f->robust = 1;
                }
            }
        }
        return;
    }
    if (!t->ok) {
        add(c, "T4.CELLS", &w,
            "表四%s读到 %d "
            "个数值，应为15个（行政复议、未经复议直接起诉、复议后起诉各5个：结果维持、结果纠正、其"
            "他结果、尚未审结、总计）。",
            "Table 4%s carries %d values; it must carry 15 (5 each for reviews, direct "
            "lawsuits and lawsuits after review: 维持, 纠正, 其他, 尚未审结, 总计).",
            at(c, t->loc), t->n_values);
        return;
    }
    int nblank = 0;
    struct nj_buf blanks;
    nj_buf_init(&blanks);
    for (int i = 0; i < 15; i++) {
        const struct nj_val *v = &t->v[i];
        struct nj_where w2 = w;
        w2.row = t4groups[i / 5];
        w2.column = t4cols[i % 5];
        w2.loc = v->loc;
        if (v->state == NJ_V_BAD) {
            w2.cell = v->raw;
            add(c, "T4.VALUE", &w2, "表四“%s”的“%s”%s为“%s”，应为非负整数。",
                "Table 4 '%s', '%s'%s is '%s'; it must be a non-negative whole number.",
                t4groups[i / 5], t4cols[i % 5], at(c, v->loc), v->raw);
        } else if (v->state == NJ_V_BLANK) {
            nj_buf_printf(&blanks, "%s%s·%s", nblank ? "、" : "", t4groups[i / 5], t4cols[i % 5]);
            nblank++;
        }
    }
    if (nblank)
        add(c, "T4.BLANK", &w,
            "表四%s有 %d 个空白或占位符单元格（%s），按 0 计算；没有数据也请填写 0。",
            "Table 4%s has %d blank or placeholder cells (%s), read as 0; write 0 where there "
            "is nothing to report.",
            at(c, t->loc), nblank, blanks.data);
    nj_buf_free(&blanks);
    for (int g = 0; g < 3; g++) {
        const struct nj_val *v = &t->v[g * 5];
        int bad = 0;
        for (int k = 0; k < 5; k++)
            bad |= v[k].state == NJ_V_BAD;
        if (bad)
            continue;
        int64_t parts = v[0].v + v[1].v + v[2].v + v[3].v;
        if (v[4].v != parts) {
            struct nj_where w2 = w;
            w2.row = t4groups[g];
            w2.column = "总计";
            w2.loc = v[4].loc;
            struct nj_finding *f = add(
                c, "T4.TOTAL", &w2,
                "表四“%s”%s：总计为 %lld，但结果维持 %lld + 结果纠正 %lld + 其他结果 %lld + "
                "尚未审结 %lld = %lld，相差 %lld。",
                "Table 4 '%s'%s: 总计 is %lld but 结果维持 %lld + 结果纠正 %lld + 其他结果 %lld + "
                "尚未审结 %lld = %lld, a difference of %lld.",
                t4groups[g], at(c, v[4].loc), (long long)v[4].v, (long long)v[0].v,
                (long long)v[1].v, (long long)v[2].v, (long long)v[3].v, (long long)parts,
                (long long)llabs(v[4].v - parts));
            if (f) {
                f->has_arith = 1;
                f->expected = parts;
                f->actual = v[4].v;
            }
        }
    }
}

/* ---- table 二 ------------------------------------------------------------------- */

static const char *const t2names[NJ_T2_NROWS] = {
    "规章",     "行政规范性文件", "行政许可",       "其他对外管理服务事项",
    "行政处罚", "行政强制",       "行政事业性收费", "政府集中采购"};

static void
check_t2(struct ctx *c)
{
    const struct nj_report *rep = c->rep;
    const struct nj_t2 *t = &rep->t2;
    struct nj_where w = {0};
    w.table = "二";
    if (!t->present) {
        add(c, "T2.MISSING", &w,
            "未找到表二“主动公开政府信息情况”（第二十条第（一）（五）（六）（八）项四个部分）。",
            "Table 2 (主动公开政府信息情况, the blocks for 第二十条第（一）（五）（六）（八）项) "
            "was not found.");
        return;
    }
    int f2019 = rep->format == NJ_FMT_2019;
    if (t->header_variant) {
        w.loc = t->loc;
        w.cell = t->header_variant;
        add(c, "T2.LABEL", &w, "表二表头“%s”%s与规范表述“%s”不一致。",
            "Table 2 header '%s'%s differs from the official wording '%s'.", t->header_variant,
            at(c, t->loc), t->header_official);
        w.cell = NULL;
    }
    for (int i = 0; i < NJ_T2_NROWS; i++) {
        if (!f2019 && (i == NJ_T2_OTHERMGMT || i == NJ_T2_PROCURE))
            continue;
        const struct nj_t2r *r = &t->r[i];
        w.row = t2names[i];
        w.loc = r->loc;
        w.column = NULL;
        if (!r->found) {
            w.loc = t->loc;
            add(c, "T2.MISSING", &w, "表二缺少“%s”行。", "Table 2 lacks the row '%s'.", t2names[i]);
            continue;
        }
        if (r->label_variant)
            add(c, "T2.LABEL", &w, "表二行标题“%s”%s与规范表述“%s”不一致。",
                "Table 2 row label '%s'%s differs from the official wording '%s'.", r->label,
                at(c, r->loc), t2names[i]);
        if (r->ambiguous) {
            w.cell = r->cands.digits;
            add(c, "T2.CELLS", &w,
                "表二“%s”行%s的数字“%s”连在一起，可拆成 %d 种不同的 %d "
                "个数，无法确定各项数值，请核对原表。",
                "Table 2 row '%s'%s: the digits '%s' run together and can be split into %d "
                "different sets of %d values; the values cannot be determined.",
                t2names[i], at(c, r->loc), r->cands.digits, r->cands.n, r->expected);
            w.cell = NULL;
            continue;
        }
        if (r->n_values != r->expected && r->seen != NULL && r->seen[0] != '\0') {
            /* what was read, so that a value glued to its neighbour or to a unit shows */
            add(c, "T2.CELLS", &w, "表二“%s”行%s有 %d 个数值（读到“%s”），应为 %d 个。",
                "Table 2 row '%s'%s carries %d values (read as '%s'); it should carry %d.",
                t2names[i], at(c, r->loc), r->n_values, r->seen, r->expected);
            continue;
        }
        if (r->n_values != r->expected) {
            add(c, "T2.CELLS", &w, "表二“%s”行%s有 %d 个数值，应为 %d 个。",
                "Table 2 row '%s'%s carries %d values; it should carry %d.", t2names[i],
                at(c, r->loc), r->n_values, r->expected);
            continue;
        }
        int nblank = 0;
        for (int k = 0; k < r->expected; k++) {
            const struct nj_val *v = &r->v[k];
            if (v->state == NJ_V_BAD) {
                w.cell = v->raw;
                int money = i == NJ_T2_FEES && !f2019;
                /* the 2019 format's 本年增/减 may be negative ("减用负值表示") */
                int sgn =
                    f2019 && k == 1 && i != NJ_T2_REG && i != NJ_T2_NORM && i != NJ_T2_PROCURE;
                add(c, "T2.VALUE", &w, "表二“%s”行%s的值“%s”不是%s。",
                    "Table 2 row '%s'%s: '%s' is not %s.", t2names[i], at(c, v->loc), v->raw,
                    money ? (c->lang ? "a non-negative amount in 万元" : "非负的金额（万元）")
                    : sgn ? (c->lang ? "a whole number" : "整数")
                          : (c->lang ? "a non-negative whole number" : "非负整数"));
                w.cell = NULL;
            } else if (v->state == NJ_V_BLANK) {
                nblank++;
            }
        }
        if (nblank)
            add(c, "T2.BLANK", &w,
                "表二“%s”行%s有 %d 个空白或占位符单元格，按 0 计算；没有数据也请填写 0。",
                "Table 2 row '%s'%s has %d blank or placeholder cells, read as 0; write 0 "
                "where there is nothing to report.",
                t2names[i], at(c, r->loc), nblank);
    }
}

/* ---- prose against tables ---------------------------------------------------------- */

/* Finds "KEYWORD … N件" in S: the first number within WINDOW code points after a keyword,
 * not crossing a sentence or clause end.  Returns the number or -1. */
static int64_t
number_after(const char *s, const char *kw, int window, unsigned *pos_out)
{
    const char *p = s, *end = s + strlen(s);
    size_t kl = strlen(kw);
    while ((p = nj_memfind(p, (size_t)(end - p), kw, kl)) != NULL) {
        const char *q = p + kl;
        int cps = 0;
        while (q < end && cps < window) {
            const char *save = q;
            uint32_t ch = nj_u8_next(&q, end);
            if (ch == 0x3002 || ch == 0xFF1B || ch == ';' || ch == 0xFF0C || ch == ',' ||
                ch == '\n')
                break;
            if (ch >= '0' && ch <= '9') {
                int64_t v = 0;
                int big = 0; /* more digits than any count has: not a count */
                const char *r = save;
                while (r < end && ((*r >= '0' && *r <= '9') || *r == ','))
                    if (*r++ != ',') {
                        if (v > INT64_MAX / 10 - 1)
                            big = 1;
                        else
                            v = v * 10 + (r[-1] - '0');
                    }
                while (r < end && *r == ' ')
                    r++;
                if (!big && strncmp(r, "件", 3) == 0) {
                    if (pos_out)
                        *pos_out = (unsigned)(p - s);
                    return v;
                }
                break;
            }
            cps++;
        }
        p += kl;
    }
    return -1;
}

static int
t3v(const struct nj_t3 *t, int row, int col, int64_t *out)
{
    const struct nj_t3row *r = &t->r[row];
    if (!r->found || r->ragged || r->ambiguous)
        return 0;
    const struct nj_val *v = &r->v[col];
    if (v->state != NJ_V_OK && v->state != NJ_V_BLANK)
        return 0;
    *out = v->state == NJ_V_OK ? v->v : 0;
    return 1;
}

static void
check_text(struct ctx *c)
{
    const struct nj_report *rep = c->rep;
    const struct nj_part *p1 = &rep->parts[1];
    const struct nj_t3 *t = &rep->t3;
    struct nj_where w = {0};
    w.part = "一";
    w.loc = p1->loc;
    const char *body = p1->found && p1->body ? p1->body : NULL;
    const char *k = body ? part_key(c, 1) : NULL;
    int64_t r01 = 0, r02 = 0, r24 = 0, r25 = 0, r01p = 0;
    int h01 = t3v(t, 0, 6, &r01), h02 = t3v(t, 1, 6, &r02), h24 = t3v(t, 23, 6, &r24);
    int h25 = t3v(t, 24, 6, &r25);
    int hp = 1;
    for (int col = 0; col < 6; col++) {
        int64_t x;
        if (t3v(t, 0, col, &x))
            r01p += x;
        else
            hp = 0;
    }
    if (k && h01) {
        static const char *const kws[] = {"收到政府信息公开申请",
                                          "受理政府信息公开申请",
                                          "新收政府信息公开申请",
                                          "收到依申请公开",
                                          "受理依申请公开",
                                          "办理依申请公开",
                                          "办理政府信息公开申请",
                                          "收到申请",
                                          "受理申请",
                                          "共收到",
                                          "共受理",
                                          NULL};
        for (int i = 0; kws[i]; i++) {
            int64_t n = number_after(k, kws[i], 14, NULL);
            if (n < 0)
                continue;
            int match = n == r01 || (h02 && n == r01 + r02) || (hp && n == r01p);
            if (!match)
                add(c, "TEXT.T3_COUNT", &w,
                    "第一部分写明收到（受理）政府信息公开申请 %lld 件，但表三本年新收总计为 %lld "
                    "件（加上年结转为 %lld "
                    "件），请核对正文与表格是否一致（正文可能只统计了部分申请）。",
                    "Part 1 states %lld applications received, but table 3 gives %lld new "
                    "applications (%lld with those carried over); check that the text and the "
                    "table agree (the text may count only some applications).",
                    (long long)n, (long long)r01, (long long)(r01 + r02));
            break;
        }
    }
    if (k && h24) {
        static const char *const kws[] = {"办结", "答复", NULL};
        for (int i = 0; kws[i]; i++) {
            int64_t n = number_after(k, kws[i], 8, NULL);
            if (n < 0)
                continue;
            if (n != r24)
                add(c, "TEXT.T3_DONE", &w,
                    "第一部分写明办结（答复）申请 %lld 件，但表三“（七）总计”为 %lld 件。",
                    "Part 1 states %lld applications handled, but table 3 '（七）总计' gives "
                    "%lld.",
                    (long long)n, (long long)r24);
            break;
        }
    }
    const struct nj_t4 *t4 = &rep->t4;
    if (k && t4->ok) {
        int64_t n = number_after(k, "行政复议", 6, NULL);
        if (n >= 0 && t4->v[4].state != NJ_V_BAD && n != t4->v[4].v)
            add(c, "TEXT.T4_COUNT", &w,
                "第一部分写明行政复议 %lld 件，但表四行政复议总计为 %lld 件。",
                "Part 1 states %lld administrative reviews, but table 4 gives %lld.", (long long)n,
                (long long)t4->v[4].v);
        n = number_after(k, "行政诉讼", 6, NULL);
        int64_t lit = t4->v[9].v + t4->v[14].v;
        if (n >= 0 && n != lit)
            add(c, "TEXT.T4_COUNT", &w,
                "第一部分写明行政诉讼 %lld 件，但表四行政诉讼总计为 %lld 件（未经复议直接起诉 %lld "
                "+ 复议后起诉 %lld）。",
                "Part 1 states %lld lawsuits, but table 4 gives %lld (direct %lld + after "
                "review %lld).",
                (long long)n, (long long)lit, (long long)t4->v[9].v, (long long)t4->v[14].v);
    }
    if (h25 && r25 > 0) {
        const char *all = rep->all_key;
        static const char *const done[] = {"全部办结",
                                           "均已办结",
                                           "已全部办结",
                                           "办结率100%",
                                           "办结率达100%",
                                           "按时办结率100%",
                                           "均已办理完成",
                                           "均已办理完毕",
                                           "全部办理完毕",
                                           "全部按时办结",
                                           NULL};
        /* Every phrase has one 办: find each 办 once and try the phrases around it; the
         * first phrase in the list that occurs anywhere is the one quoted. */
        int first = -1;
        size_t al = all ? strlen(all) : 0;
        for (const char *q = all; q != NULL && first != 0;) {
            q = nj_memfind(q, al - (size_t)(q - all), "办", 3);
            if (q == NULL)
                break;
            for (int i = 0; done[i] && (first < 0 || i < first); i++) {
                size_t off = (size_t)(nj_strfind(done[i], "办") - done[i]), dl = strlen(done[i]);
                if ((size_t)(q - all) >= off && (size_t)(q - all) - off + dl <= al &&
                    memcmp(q - off, done[i], dl) == 0)
                    first = i;
            }
            q += 3;
        }
        if (first >= 0) {
            struct nj_where w2 = {0};
            add(c, "TEXT.ALL_DONE", &w2,
                "正文称“%s”，但表三“结转下年度继续办理”为 %lld 件，两者矛盾。",
                "The text says '%s' but table 3 carries %lld applications forward to next year.",
                done[first], (long long)r25);
        }
    }
    const struct nj_part *p6 = &rep->parts[6];
    if (p6->found && p6->body && h01 && h02 && r01 + r02 == 0) {
        const char *k6 = part_key(c, 6);
        const char *fee = k6 ? nj_strfind(k6, "处理费") : NULL;
        if (fee) {
            /* An amount in 元 greater than zero near the fee. */
            for (const char *q = k6; *q; q++) {
                if (*q >= '1' && *q <= '9') {
                    int64_t v = 0;
                    int big = 0; /* more digits than any amount has */
                    const char *r = q;
                    while (*r >= '0' && *r <= '9') {
                        if (v > INT64_MAX / 10 - 1)
                            big = 1;
                        else
                            v = v * 10 + (*r - '0');
                        r++;
                    }
                    if (!big && strncmp(r, "元", 3) == 0 && v > 0) {
                        struct nj_where w2 = {0};
                        w2.part = "六";
                        w2.loc = p6->loc;
                        add(c, "TEXT.FEES", &w2,
                            "第六部分写明收取信息处理费 %lld "
                            "元，但表三显示本年没有收到也没有结转任何申请。",
                            "Part 6 reports %lld yuan of information processing fees, but "
                            "table 3 shows no application received or carried over.",
                            (long long)v);
                        break;
                    }
                    q = r - 1;
                }
            }
        }
    }
}

/* ---- format --------------------------------------------------------------------- */

void
nj_report_detect_format(struct nj_report *rep)
{
    const struct nj_t2 *t2 = &rep->t2;
    const struct nj_t3 *t3 = &rep->t3;
    if (t2->fmt2021 && !t2->fmt2019)
        rep->format = NJ_FMT_2021;
    else if (t2->fmt2019 && !t2->fmt2021)
        rep->format = NJ_FMT_2019;
    else if (t3->present && (t3->r[20].found || t3->r[21].found) && !t3->layout2019)
        rep->format = NJ_FMT_2021;
    else if (t3->present && t3->layout2019)
        rep->format = NJ_FMT_2019;
    else if (!t3->present && rep->year && rep->year <= 2018)
        rep->format = NJ_FMT_PRE2019;
    else if (!t3->present && !t2->present && nj_strfind(rep->all_text, "收费及减免"))
        rep->format = NJ_FMT_PRE2019;
    else if (rep->year >= 2021)
        rep->format = NJ_FMT_2021;
    else if (rep->year >= 2019)
        rep->format = NJ_FMT_2019;
    else if (rep->year)
        rep->format = NJ_FMT_PRE2019;
    else
        rep->format = NJ_FMT_UNKNOWN;
}

int
nj_rules_run(const struct nj_report *rep, enum nj_lang lang, struct nj_findings *out)
{
    struct ctx c = {rep, lang, out, rep->arena, {NULL}};
    check_doc(&c);
    check_parts(&c);
    if (rep->format != NJ_FMT_PRE2019) {
        check_t2(&c);
        check_t3(&c);
        check_t4(&c);
        check_text(&c);
    } else {
        /* Pre-2019: only non-negative numbers where tables happen to be present. */
        if (rep->t4.ok)
            check_t4(&c);
    }
    return out->oom ? NJ_ENOMEM : 0;
}
