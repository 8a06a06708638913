/*
 * nj_report.c - the report's metadata and structure: title (organisation and year), the
 * statistics period, the six parts (一 … 六) and the format version.
 *
 * Parts are found by their numeral plus key words (report-format.md §2), wherever the
 * heading stands: a line of its own (with or without # marks) or inside a long line of
 * crawler text.  Table rows that also start with 一、 二、 三、 四、 (本年新收, 上年结转,
 * 本年度办理结果, 结转下年度) carry none of the key words and are not taken for parts.
 */
#include "nj_model.h"
#include "nj_utf8.h"

#include <stdlib.h>
#include <string.h>

static const char *const official_heading[7] = {
    "",
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
};

const char *nj_part_heading(int p);

const char *
nj_part_heading(int p)
{
    return p >= 1 && p <= 6 ? official_heading[p] : "";
}

static int
cjk_numeral_value(uint32_t c)
{
    switch (c) {
    case 0x4E00:
        return 1; /* 一 */
    case 0x4E8C:
        return 2; /* 二 */
    case 0x4E09:
        return 3; /* 三 */
    case 0x56DB:
        return 4; /* 四 */
    case 0x4E94:
        return 5; /* 五 */
    case 0x516D:
        return 6; /* 六 */
    case 0x4E03:
        return 7; /* 七 */
    default:
        return 0;
    }
}

/* Which part the words after a numeral name (0 = none).  K is a key form. */
static int
part_by_words(const char *k)
{
    char w[256];
    size_t n = strlen(k);
    if (n > 120)
        n = 120;
    memcpy(w, k, n);
    w[n] = '\0';
    if (nj_strfind(w, "本年新收") || nj_strfind(w, "上年结转") || nj_strfind(w, "办理结果") ||
        nj_strfind(w, "结转下年度"))
        return 0;
    /* Look only at the first words: a heading is short. */
    char head[64];
    size_t hn = 0;
    const char *p = w, *end = w + n;
    int cps = 0;
    while (p < end && cps < 16) {
        const char *q = p;
        nj_u8_next(&q, end);
        if (hn + (size_t)(q - p) >= sizeof(head))
            break;
        memcpy(head + hn, p, (size_t)(q - p));
        hn += (size_t)(q - p);
        p = q;
        cps++;
    }
    head[hn] = '\0';
    if (nj_strfind(head, "总体情况") || nj_strfind(head, "概述") || nj_strfind(head, "基本情况"))
        return 1;
    if (nj_strfind(head, "主动公开"))
        return 2;
    if (nj_strfind(head, "收到和处理") || nj_strfind(head, "依申请") ||
        nj_strfind(head, "申请情况") || nj_strfind(head, "申请公开"))
        return 3;
    if (nj_strfind(head, "行政复议") || nj_strfind(head, "行政诉讼"))
        return 4;
    if (nj_strfind(head, "存在的主要问题") || nj_strfind(head, "存在问题") ||
        nj_strfind(head, "问题及改进") || nj_strfind(head, "主要问题") ||
        (nj_strfind(head, "问题") && nj_strfind(head, "改进")))
        return 5;
    if (nj_strfind(head, "其他需要报告") || nj_strfind(head, "其他事项") ||
        nj_strfind(head, "需要报告"))
        return 6;
    return 0;
}

/* ---- joined text ------------------------------------------------------------------ */

static char *
join_blocks(const struct nj_doc *doc, struct nj_arena *a)
{
    size_t nb = nj_doc_n_blocks(doc), total = 1;
    for (size_t i = 0; i < nb; i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind == NJ_BLOCK_TEXT) {
            total += b->text_len + 1;
        } else {
            for (size_t c = 0; c < b->n_cells; c++)
                total += b->cells[c].len + 1;
            if (b->n_cells == 0)
                total++;
        }
    }
    char *s = nj_arena_alloc_raw(a, total);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < nb; i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind == NJ_BLOCK_TEXT) {
            size_t l = b->text_len;
            memcpy(s + o, b->text, l);
            o += l;
            s[o++] = '\n';
        } else {
            for (size_t c = 0; c < b->n_cells; c++) {
                size_t l = b->cells[c].len;
                memcpy(s + o, b->cells[c].text, l);
                o += l;
                s[o++] = c + 1 < b->n_cells ? '\t' : '\n';
            }
            if (b->n_cells == 0)
                s[o++] = '\n';
        }
    }
    s[o] = '\0';
    return s;
}

/* ---- parts ------------------------------------------------------------------------- */

/* Copies at most MAXCP code points of S starting at P, up to the end of the line. */
static const char *
cut_cps(const char *p, size_t maxcp, struct nj_arena *a)
{
    const char *q = p;
    size_t n = 0;
    while (*q && *q != '\n' && n < maxcp) {
        nj_u8_next(&q, q + strlen(q));
        n++;
    }
    return nj_arena_strndup(a, p, (size_t)(q - p));
}

/* A part heading candidate: the numeral at P (its code point C) in block I, AT_START when
 * only spaces, '#' and U+3000 come before it in the block. */
static void
part_candidate(struct nj_report *rep, size_t i, const struct nj_block *b, const char *p,
               const char *end, int at_start)
{
    const char *t = b->text, *q = p;
    uint32_t c = nj_u8_next(&q, end);
    int num = cjk_numeral_value(c);
    if (!(num >= 1 && num <= 6 && q < end))
        return;
    const char *r = q;
    uint32_t d = nj_u8_next(&r, end);
    if (!(d == 0x3001 || d == 0xFF0E || d == '.' || d == ' ' || d == 0x3000))
        return;
    char k[512];
    size_t left = (size_t)(end - r);
    nj_keyform(r, left < 300 ? left : 300, k, sizeof(k));
    int part = part_by_words(k);
    /* Inside a line only a comma-like mark counts, and only if the words follow at once
     * (crawler text runs headings into sentences). */
    if (!part || !(at_start || d == 0x3001))
        return;
    struct nj_part *pt = &rep->parts[part];
    if (pt->found)
        return;
    pt->found = 1;
    pt->numeral = num;
    pt->block = i;
    pt->off = (size_t)(p - t);
    pt->loc = b->loc;
    size_t offcp = nj_u8_count(official_heading[part], strlen(official_heading[part]));
    size_t linecp = nj_u8_count(p, strcspn(p, "\n"));
    pt->heading = cut_cps(p, at_start && linecp <= offcp + 12 ? linecp : offcp, rep->arena);
    char hk[512], ok[256];
    nj_keyform(pt->heading ? pt->heading : "", pt->heading ? strlen(pt->heading) : 0, hk,
               sizeof(hk));
    nj_keyform(official_heading[part], strlen(official_heading[part]), ok, sizeof(ok));
    /* Compare without the numeral: a wrong numeral is SEC.ORDER. */
    const char *hw = nj_strfind(hk, "、");
    const char *ow = nj_strfind(ok, "、");
    hw = hw ? hw + 3 : hk;
    ow = ow ? ow + 3 : ok;
    pt->heading_variant = strncmp(hw, ow, strlen(ow)) != 0;
}

/* Part headings: a numeral 一..六 at the start of a block (after spaces and '#') followed
 * by 、 ． . or a space, or anywhere followed by 、, then the part's key words.  The first
 * in document order names each part.  (The text is valid UTF-8, so a byte search for 、
 * finds only whole characters, and the three bytes before it are one.) */
static void
find_parts(struct nj_report *rep)
{
    size_t nb = nj_doc_n_blocks(rep->doc);
    for (size_t i = 0; i < nb; i++) {
        const struct nj_block *b = nj_doc_block(rep->doc, i);
        if (b->kind != NJ_BLOCK_TEXT)
            continue;
        const char *t = b->text, *end = t + b->text_len;
        const char *s0 = t;
        while (s0 < end) {
            const char *q = s0;
            uint32_t c = nj_u8_next(&q, end);
            if (!(c == ' ' || c == '#' || c == 0x3000))
                break;
            s0 = q;
        }
        if (s0 >= end)
            continue;
        part_candidate(rep, i, b, s0, end, 1);
        for (const char *q = s0; (q = nj_find_rare(q, (size_t)(end - q), "、", 3)) != NULL; q += 3)
            if (q - 3 > s0) /* room for a numeral before it, after the one at s0 */
                part_candidate(rep, i, b, q - 3, end, 0);
    }
    /* Bodies: from each heading to the next heading in document order. */
    for (int p = 1; p <= 6; p++) {
        struct nj_part *pt = &rep->parts[p];
        if (!pt->found)
            continue;
        size_t eb = nb, eoff = 0;
        for (int o = 1; o <= 6; o++) {
            const struct nj_part *po = &rep->parts[o];
            if (o == p || !po->found)
                continue;
            if (po->block > pt->block || (po->block == pt->block && po->off > pt->off)) {
                if (po->block < eb || (po->block == eb && po->off < eoff)) {
                    eb = po->block;
                    eoff = po->off;
                }
            }
        }
        struct nj_buf_lite {
            char *s;
            size_t n, cap;
        } bl = {0};
        size_t cap = 1;
        for (size_t i = pt->block; i < nb && i <= eb; i++) {
            const struct nj_block *b = nj_doc_block(rep->doc, i);
            if (b->kind == NJ_BLOCK_TEXT)
                cap += b->text_len + 1;
            else {
                for (size_t c = 0; c < b->n_cells; c++)
                    cap += b->cells[c].len + 1;
                cap += 1; /* the row's '\n' */
            }
        }
        bl.s = nj_arena_alloc(rep->arena, cap);
        if (bl.s == NULL)
            return;
        for (size_t i = pt->block; i < nb && i <= eb; i++) {
            const struct nj_block *b = nj_doc_block(rep->doc, i);
            if (b->kind == NJ_BLOCK_TEXT) {
                const char *s = b->text;
                size_t from = i == pt->block ? pt->off : 0;
                size_t to = b->text_len;
                if (i == eb && eoff < to)
                    to = eoff;
                if (i == pt->block && pt->heading) {
                    size_t hl = strlen(pt->heading);
                    if (from + hl <= to)
                        from += hl;
                }
                if (to > from) {
                    memcpy(bl.s + bl.n, s + from, to - from);
                    bl.n += to - from;
                    bl.s[bl.n++] = '\n';
                }
            } else if (i < eb) {
                for (size_t c = 0; c < b->n_cells; c++) {
                    size_t l = b->cells[c].len;
                    memcpy(bl.s + bl.n, b->cells[c].text, l);
                    bl.n += l;
                    bl.s[bl.n++] = ' ';
                }
                bl.s[bl.n++] = '\n';
            }
        }
        bl.s[bl.n] = '\0';
        pt->body = bl.s;
        pt->body_len = bl.n;
        pt->end_block = eb;
        pt->end_off = eoff;
    }
}

/* ---- title, year, period ---------------------------------------------------------- */

static int
four_digit_year_before(const char *k, size_t upto)
{
    /* The last "YYYY年" in K[0..upto). */
    int year = 0;
    for (size_t i = 0; i + 4 < upto + 1 && i + 4 <= strlen(k); i++) {
        if (k[i] >= '1' && k[i] <= '2' && k[i + 1] >= '0' && k[i + 1] <= '9' && k[i + 2] >= '0' &&
            k[i + 2] <= '9' && k[i + 3] >= '0' && k[i + 3] <= '9' &&
            (i == 0 || k[i - 1] < '0' || k[i - 1] > '9') && strncmp(k + i + 4, "年", 3) == 0 &&
            i + 4 <= upto) {
            year = (k[i] - '0') * 1000 + (k[i + 1] - '0') * 100 + (k[i + 2] - '0') * 10 +
                   (k[i + 3] - '0');
        }
    }
    return year;
}

static const char *const suffixes[] = {
    "政府信息公开工作年度报告",
    "政府信息公开年度报告",
    "信息公开工作年度报告",
    "政务信息公开年度报告",
    "信息公开年度报告",
    "信息公开工作报告",
    "政务公开工作年度报告",
    "年度报告",
    NULL,
};

static void
find_title(struct nj_report *rep)
{
    size_t nb = nj_doc_n_blocks(rep->doc);
    size_t limit = nb < 25 ? nb : 25;
    size_t first_part = nb;
    for (int p = 1; p <= 6; p++)
        if (rep->parts[p].found && rep->parts[p].block < first_part)
            first_part = rep->parts[p].block;
    for (size_t i = 0; i < limit && i <= first_part; i++) {
        const struct nj_block *b = nj_doc_block(rep->doc, i);
        if (b->kind != NJ_BLOCK_TEXT)
            continue;
        char k[1024];
        size_t kl = nj_keyform(b->text, b->text_len, k, sizeof(k));
        if (kl > 300)
            continue; /* a paragraph, not a title */
        int si = -1;
        const char *hit = NULL;
        for (int s = 0; suffixes[s]; s++) {
            hit = nj_strfind(k, suffixes[s]);
            if (hit) {
                si = s;
                break;
            }
        }
        if (hit == NULL)
            continue;
        /* Join with the previous line when the title is split over two lines. */
        char full[2048];
        size_t fl = 0;
        if (i > 0) {
            const struct nj_block *pb = nj_doc_block(rep->doc, i - 1);
            if (pb->kind == NJ_BLOCK_TEXT && strlen(pb->text) < 120) {
                char pk[512];
                size_t pkl = nj_keyform(pb->text, strlen(pb->text), pk, sizeof(pk));
                int prev_has_year = four_digit_year_before(pk, pkl) != 0;
                int this_has_year = four_digit_year_before(k, (size_t)(hit - k)) != 0;
                int this_has_org = 0;
                {
                    /* Text other than the year before the suffix. */
                    char tmp[1024];
                    size_t tl = (size_t)(hit - k);
                    memcpy(tmp, k, tl);
                    tmp[tl] = '\0';
                    char *y = tmp;
                    while (*y && ((*y >= '0' && *y <= '9') || strncmp(y, "年", 3) == 0 ||
                                  strncmp(y, "度", 3) == 0))
                        y += (*y >= '0' && *y <= '9') ? 1 : 3;
                    this_has_org = *y != '\0';
                }
                if ((!this_has_year && prev_has_year) || !this_has_org) {
                    memcpy(full, pk, pkl);
                    fl = pkl;
                }
            }
        }
        memcpy(full + fl, k, kl);
        fl += kl;
        full[fl] = '\0';
        /* The joined title may complete a longer suffix ("…信息公开" + "工作年度报告"). */
        for (int s2 = 0; s2 < si; s2++) {
            if (nj_strfind(full, suffixes[s2])) {
                si = s2;
                break;
            }
        }
        const char *h2 = nj_strfind(full, suffixes[si]);
        rep->title_found = 1;
        rep->title_loc = b->loc;
        rep->title = nj_arena_strdup(rep->arena, b->text);
        rep->title_variant = si != 0;
        rep->title_year = four_digit_year_before(full, (size_t)(h2 - full));
        /* Organisation: the text before the suffix without the year, a "标题:" label or
         * a leading "正文". */
        char org[1024];
        size_t ol = (size_t)(h2 - full);
        memcpy(org, full, ol);
        org[ol] = '\0';
        char *o = org;
        char *colon = strchr(o, ':');
        if (colon && colon - o < 16)
            o = colon + 1;
        if (strncmp(o, "正文", 6) == 0)
            o += 6;
        /* Remove "YYYY年" or "YYYY年度" wherever it is. */
        for (char *y = o; *y; y++) {
            if (y[0] >= '1' && y[0] <= '2' && strlen(y) >= 7 && y[1] >= '0' && y[1] <= '9' &&
                y[2] >= '0' && y[2] <= '9' && y[3] >= '0' && y[3] <= '9' &&
                strncmp(y + 4, "年", 3) == 0) {
                size_t cut = 7;
                if (strncmp(y + 7, "度", 3) == 0)
                    cut = 10;
                memmove(y, y + cut, strlen(y + cut) + 1);
                break;
            }
        }
        size_t olen = strlen(o);
        /* "…2024年度政府信息公开…": a trailing 度 left over. */
        if (olen >= 3 && strcmp(o + olen - 3, "度") == 0 && rep->title_year)
            o[olen - 3] = '\0';
        if (*o)
            rep->org = nj_arena_strdup(rep->arena, o);
        return;
    }
}

/* Reads an integer of up to 4 digits at *P (advancing). */
static int
read_int(const char **p)
{
    int v = 0, n = 0;
    while (**p >= '0' && **p <= '9' && n < 5) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

static int
eat(const char **p, const char *w)
{
    size_t l = strlen(w);
    if (strncmp(*p, w, l) == 0) {
        *p += l;
        return 1;
    }
    return 0;
}

static void
find_period(struct nj_report *rep)
{
    /* The statement lives in the preamble or part 一; look before part 二. */
    const char *k = rep->all_key;
    size_t kl = strlen(k);
    const char *anchor = NULL;
    static const char *const words[] = {"统计期限", "统计时限", "统计时间", "统计区间",
                                        "统计周期", "数据统计", "统计期",   NULL};
    for (int i = 0; words[i] && !anchor; i++) {
        /* Only a start within the first 20000 bytes counts (the preamble or part 一). */
        size_t wl = strlen(words[i]), win = kl < 20000 + wl ? kl : 20000 + wl;
        anchor = nj_memfind(k, win, words[i], wl);
    }
    if (anchor != NULL) {
        for (const char *p = anchor; p < anchor + 120 && p < k + kl; p++) {
            const char *q = p;
            int y1 = read_int(&q);
            if (y1 < 1990 || y1 > 2100 || !eat(&q, "年"))
                continue;
            int m1 = read_int(&q);
            if (m1 < 0 || !eat(&q, "月"))
                continue;
            int d1 = read_int(&q);
            if (d1 < 0 || !eat(&q, "日"))
                continue;
            eat(&q, "起");
            if (!(eat(&q, "至") || eat(&q, "到") || eat(&q, "-") || eat(&q, "~")))
                continue;
            int y2 = -1;
            const char *save = q;
            int v = read_int(&q);
            if (v >= 1990 && eat(&q, "年")) {
                y2 = v;
            } else {
                q = save;
            }
            int m2 = read_int(&q);
            if (m2 < 0 || !eat(&q, "月"))
                continue;
            int d2 = read_int(&q);
            if (d2 < 0 || !eat(&q, "日"))
                continue;
            rep->period_stated = 1;
            rep->period_year = y1;
            rep->period_ok = m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31 && (y2 < 0 || y2 == y1);
            rep->period_text = nj_arena_strndup(rep->arena, p, (size_t)(q - p));
            /* Line of the statement. */
            size_t nb = nj_doc_n_blocks(rep->doc);
            for (size_t i = 0; i < nb; i++) {
                const struct nj_block *b = nj_doc_block(rep->doc, i);
                if (b->kind == NJ_BLOCK_TEXT && (nj_strfind(b->text, "统计") != NULL)) {
                    rep->period_loc = b->loc;
                    break;
                }
            }
            break;
        }
    }
}

static void
find_text_year(struct nj_report *rep)
{
    const struct nj_part *p1 = &rep->parts[1];
    if (!p1->found || p1->body == NULL)
        return;
    int years[8] = {0}, counts[8] = {0}, n = 0;
    /* "YYYY年" (spaces allowed before 年, no digit before YYYY): found from each 年. */
    const char *s = p1->body;
    size_t sl = strlen(s);
    for (const char *q = s; (q = nj_memfind(q, sl - (size_t)(q - s), "年", 3)) != NULL; q += 3) {
        size_t e = (size_t)(q - s);
        while (e > 0 && s[e - 1] == ' ')
            e--;
        if (e < 4)
            continue;
        size_t i = e - 4;
        if (!(s[i] >= '1' && s[i] <= '2' && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' &&
              s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9' &&
              (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')))
            continue;
        int y =
            (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
        int j;
        for (j = 0; j < n; j++)
            if (years[j] == y)
                break;
        if (j == n && n < 8)
            years[n++] = y;
        if (j < 8)
            counts[j]++;
    }
    int best = -1, second = 0;
    for (int j = 0; j < n; j++) {
        if (best < 0 || counts[j] > counts[best]) {
            if (best >= 0)
                second = counts[best];
            best = j;
        } else if (counts[j] > second) {
            second = counts[j];
        }
    }
    if (best >= 0 && counts[best] >= 2 && counts[best] > second)
        rep->text_year = years[best];
}

int
nj_report_read_meta(struct nj_report *rep)
{
    rep->all_text = join_blocks(rep->doc, rep->arena);
    if (rep->all_text == NULL)
        return NJ_ENOMEM;
    size_t tl = strlen(rep->all_text);
    char *key = nj_arena_alloc_raw(rep->arena, tl * 3 + 1); /* U+FFFD for a bad byte: 3 bytes */
    size_t nb = nj_doc_n_blocks(rep->doc);
    size_t *ks = nj_arena_alloc_raw(rep->arena, sizeof(size_t) * (nb + 1));
    if (key == NULL || ks == NULL)
        return NJ_ENOMEM;
    /* Block by block (the same as the key form of all_text, which drops the joins). */
    size_t kl = 0, room = tl * 3 + 1;
    for (size_t i = 0; i < nb; i++) {
        const struct nj_block *b = nj_doc_block(rep->doc, i);
        ks[i] = kl;
        if (b->kind == NJ_BLOCK_TEXT)
            kl += nj_keyform(b->text, b->text_len, key + kl, room - kl);
        else
            for (size_t c = 0; c < b->n_cells; c++)
                kl += nj_keyform(b->cells[c].text, b->cells[c].len, key + kl, room - kl);
    }
    ks[nb] = kl;
    key[kl] = '\0';
    rep->all_key = key;
    rep->kstart = ks;
    find_parts(rep);
    find_title(rep);
    find_period(rep);
    find_text_year(rep);
    rep->year = rep->title_year ? rep->title_year : rep->period_year;
    return 0;
}
