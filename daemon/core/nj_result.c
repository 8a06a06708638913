/*
 * nj_result.c - results: the nianjian.result/1 JSON, the text block people read, the
 * nianjian.event/1 body and the accessors of nj_core.h.  No I/O.
 */
#include "nj_buf.h"
#include "nj_model.h"
#include "nj_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nj_t3_row_key(int idx);
const char *nj_t3_row_label(int idx);

const char *
nj_severity_name(enum nj_severity sev)
{
    switch (sev) {
    case NJ_SEV_INFO:
        return "info";
    case NJ_SEV_WARNING:
        return "warning";
    case NJ_SEV_ERROR:
        return "error";
    default:
        return "off";
    }
}

int
nj_severity_parse(const char *s, enum nj_severity *out)
{
    static const char *const names[] = {"off", "info", "warning", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum nj_severity)i;
            return 0;
        }
    return NJ_EINVAL;
}

const char *
nj_status_name(enum nj_status st)
{
    switch (st) {
    case NJ_STATUS_PASS:
        return "pass";
    case NJ_STATUS_FAIL:
        return "fail";
    default:
        return "error";
    }
}

void
nj_format_time(int64_t t, int offset_min, char out32[32])
{
    char out[96];
    int64_t lt = t + (int64_t)offset_min * 60;
    int64_t days = lt / 86400, secs = lt % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    /* Civil date from days since 1970-01-01 (proleptic Gregorian). */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    int off = offset_min < 0 ? -offset_min : offset_min;
    if (offset_min == 0)
        snprintf(out, sizeof(out), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y,
                 (long long)m, (long long)d, (long long)(secs / 3600), (long long)(secs / 60 % 60),
                 (long long)(secs % 60));
    else
        snprintf(out, sizeof(out), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld%c%02d:%02d",
                 (long long)y, (long long)m, (long long)d, (long long)(secs / 3600),
                 (long long)(secs / 60 % 60), (long long)(secs % 60), offset_min < 0 ? '-' : '+',
                 off / 60, off % 60);
    memcpy(out32, out, 31);
    out32[31] = '\0';
}

/* ---- JSON ------------------------------------------------------------------------ */

/* Appends ,"KEY": (without the comma when FIRST). */
static void
json_key(struct nj_buf *b, int first, const char *key)
{
    if (!first)
        nj_buf_addc(b, ',');
    nj_buf_addc(b, '"');
    nj_buf_adds(b, key);
    nj_buf_add(b, "\":", 2);
}

/* Appends an amount of money: up to six decimals, without trailing zeros. */
static void
json_money(struct nj_buf *b, double d)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof(tmp), "%.6f", d);
    if (n <= 0 || (size_t)n >= sizeof(tmp)) {
        nj_buf_adds(b, "null");
        return;
    }
    if (strchr(tmp, '.') != NULL) {
        while (n > 0 && tmp[n - 1] == '0')
            n--;
        if (n > 0 && tmp[n - 1] == '.')
            n--;
    }
    if (n == 2 && memcmp(tmp, "-0", 2) == 0) {
        tmp[0] = '0';
        n = 1;
    }
    nj_buf_add(b, tmp, (size_t)n);
}

static void
json_val(struct nj_buf *b, const struct nj_val *v, int money)
{
    if (v->state == NJ_V_OK) {
        if (money)
            json_money(b, v->d);
        else
            nj_buf_addll(b, (long long)v->v);
    } else if (v->state == NJ_V_BLANK) {
        nj_buf_adds(b, "0");
    } else {
        nj_buf_adds(b, "null");
    }
}

static void
json_tables(struct nj_buf *b, const struct nj_report *r)
{
    nj_buf_adds(b, "\"tables\":{\"t2\":");
    const struct nj_t2 *t2 = &r->t2;
    if (!t2->present) {
        nj_buf_adds(b, "null");
    } else {
        static const char *const keys[NJ_T2_NROWS] = {"A.regulations", "A.normative_documents",
                                                      "B.licensing",   "B.other_services",
                                                      "C.punishment",  "C.coercion",
                                                      "D.fees",        "E.procurement"};
        static const char *const cols3[3] = {"made", "repealed", "valid"};
        static const char *const cols3_2019[3] = {"previous_year", "change", "decisions"};
        int first = 1;
        nj_buf_addc(b, '{');
        for (int i = 0; i < NJ_T2_NROWS; i++) {
            const struct nj_t2r *row = &t2->r[i];
            if (!row->found)
                continue;
            json_key(b, first, keys[i]);
            nj_buf_addc(b, '{');
            first = 0;
            int w = row->expected;
            int ok = !row->ambiguous && row->n_values == w;
            for (int k = 0; k < w; k++) {
                const char *name;
                if (i <= NJ_T2_NORM)
                    name = cols3[k];
                else if (w == 1)
                    name = i == NJ_T2_FEES ? "amount" : "decisions";
                else if (i == NJ_T2_PROCURE)
                    name = k == 0 ? "projects" : "amount";
                else
                    name = cols3_2019[k];
                json_key(b, k == 0, name);
                if (ok)
                    json_val(b, &row->v[k], i == NJ_T2_FEES || (i == NJ_T2_PROCURE && k == 1));
                else
                    nj_buf_adds(b, "null");
            }
            nj_buf_addc(b, '}');
        }
        nj_buf_addc(b, '}');
    }
    nj_buf_adds(b, ",\"t3\":");
    const struct nj_t3 *t3 = &r->t3;
    if (!t3->present) {
        nj_buf_adds(b, "null");
    } else {
        nj_buf_addc(b, '{');
        int first = 1;
        for (int i = 0; i < NJ_T3_ROWS; i++) {
            const struct nj_t3row *row = &t3->r[i];
            if (!row->found)
                continue;
            json_key(b, first, nj_t3_row_key(i));
            nj_buf_addc(b, '{');
            first = 0;
            for (int c = 0; c < NJ_T3_COLS; c++) {
                static const char *const ck[NJ_T3_COLS] = {"c1", "c2", "c3", "c4",
                                                           "c5", "c6", "c7"};
                json_key(b, c == 0, ck[c]);
                json_val(b, &row->v[c], 0);
            }
            nj_buf_addc(b, '}');
        }
        nj_buf_addc(b, '}');
    }
    nj_buf_adds(b, ",\"t4\":");
    const struct nj_t4 *t4 = &r->t4;
    if (!t4->present) {
        nj_buf_adds(b, "null");
    } else {
        nj_buf_addc(b, '{');
        for (int i = 0; i < 15; i++) {
            static const char *const t4k[15] = {"a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3",
                                                "b4", "b5", "c1", "c2", "c3", "c4", "c5"};
            json_key(b, i == 0, t4k[i]);
            if (t4->ok)
                json_val(b, &t4->v[i], 0);
            else
                nj_buf_adds(b, "null");
        }
        nj_buf_addc(b, '}');
    }
    nj_buf_addc(b, '}');
}

static void
json_where(struct nj_buf *b, const struct nj_where *w, enum nj_loc_kind lk)
{
    int first = 1;
    nj_buf_addc(b, '{');
#define FIELD(name, val)                                                                           \
    do {                                                                                           \
        if (val) {                                                                                 \
            json_key(b, first, name);                                                              \
            nj_buf_json_str(b, val);                                                               \
            first = 0;                                                                             \
        }                                                                                          \
    } while (0)
    FIELD("table", w->table);
    FIELD("row", w->row);
    FIELD("column", w->column);
    FIELD("part", w->part);
    FIELD("cell", w->cell);
#undef FIELD
    if (w->loc)
        nj_buf_printf(b, "%s\"%s\":%u", first ? "" : ",",
                      lk == NJ_LOC_PARAGRAPH ? "paragraph" : "line", w->loc);
    nj_buf_addc(b, '}');
}

static void
json_finding(struct nj_buf *b, const struct nj_finding *f, enum nj_loc_kind lk)
{
    nj_buf_adds(b, "{\"rule\":");
    nj_buf_json_str(b, f->rule);
    nj_buf_printf(b, ",\"severity\":\"%s\",\"message\":", nj_severity_name(f->sev));
    nj_buf_json_str(b, f->message);
    nj_buf_adds(b, ",\"where\":");
    json_where(b, &f->where, lk);
    if (f->has_arith)
        nj_buf_printf(b, ",\"expected\":%lld,\"actual\":%lld,\"difference\":%lld",
                      (long long)f->expected, (long long)f->actual,
                      (long long)(f->actual - f->expected));
    if (f->robust)
        nj_buf_adds(b, ",\"under_every_split\":true");
    nj_buf_addc(b, '}');
}

int
nj__result_build(struct nj_result *res)
{
    struct nj_buf b;
    nj_buf_init(&b);
    const struct nj_report *r = &res->rep;
    enum nj_loc_kind lk = res->doc ? nj_doc_loc_kind(res->doc) : NJ_LOC_LINE;
    nj_buf_printf(&b, "{\"schema\":\"%s\",\"tool\":{\"name\":\"nianjian\",\"version\":\"%s\"},",
                  NJ_RESULT_SCHEMA, NJ_VERSION);
    nj_buf_adds(&b, "\"file\":");
    nj_buf_json_str(&b, res->file);
    nj_buf_printf(&b, ",\"sha256\":\"%s\",\"size\":%llu,\"checked_at\":\"%s\",\"status\":\"%s\",",
                  res->sha256, (unsigned long long)res->size, res->checked_at,
                  nj_status_name(res->status));
    nj_buf_adds(&b, "\"input\":{\"type\":");
    nj_buf_json_str(&b, res->input_type);
    nj_buf_adds(&b, ",\"encoding\":");
    nj_buf_json_str(&b, res->encoding);
    nj_buf_printf(&b, ",\"positions\":\"%s\"},", lk == NJ_LOC_PARAGRAPH ? "paragraph" : "line");
    nj_buf_adds(&b, "\"report\":{\"org\":");
    nj_buf_json_str(&b, r->org);
    if (r->year)
        nj_buf_printf(&b, ",\"year\":%d", r->year);
    else
        nj_buf_adds(&b, ",\"year\":null");
    static const char *const fmts[] = {"unknown", "2021", "2019", "pre-2019"};
    nj_buf_printf(&b, ",\"format\":\"%s\"},",
                  res->status == NJ_STATUS_ERROR && !res->doc ? "unknown" : fmts[r->format]);
    if (res->doc)
        json_tables(&b, r);
    else
        nj_buf_adds(&b, "\"tables\":null");
    nj_buf_printf(&b, ",\"summary\":{\"errors\":%d,\"warnings\":%d,\"infos\":%d},\"findings\":[",
                  res->counts[NJ_SEV_ERROR], res->counts[NJ_SEV_WARNING], res->counts[NJ_SEV_INFO]);
    for (size_t i = 0; i < res->f.n; i++) {
        if (i)
            nj_buf_addc(&b, ',');
        json_finding(&b, &res->f.v[i], lk);
    }
    nj_buf_adds(&b, "]}");
    if (nj_buf_failed(&b))
        return NJ_ENOMEM;
    res->json = nj_buf_take(&b);

    /* The text block. */
    int en = res->lang == NJ_LANG_EN;
    struct nj_buf t;
    nj_buf_init(&t);
    static const char *const st_zh[] = {"通过", "不通过", "无法检查"};
    static const char *const st_en[] = {"PASS", "FAIL", "ERROR"};
    nj_buf_printf(&t, "%s: %s", res->file ? res->file : "-",
                  en ? st_en[res->status] : st_zh[res->status]);
    if (!en)
        nj_buf_printf(&t, " (%s)", nj_status_name(res->status));
    if (r->org || r->year) {
        nj_buf_adds(&t, " — ");
        if (r->org)
            nj_buf_adds(&t, r->org);
        if (r->year)
            nj_buf_printf(&t, en ? " %d" : " %d 年度", r->year);
    }
    if (res->doc)
        nj_buf_printf(&t, en ? ", format %s" : "，格式 %s", fmts[r->format]);
    nj_buf_addc(&t, '\n');
    nj_buf_printf(&t,
                  en ? "  %d error(s), %d warning(s), %d note(s)\n"
                     : "  错误 %d 项，警告 %d 项，提示 %d 项\n",
                  res->counts[NJ_SEV_ERROR], res->counts[NJ_SEV_WARNING], res->counts[NJ_SEV_INFO]);
    static const char *const sev_zh[] = {"", "提示", "警告", "错误"};
    static const char *const sev_en[] = {"", "note", "warning", "error"};
    for (int sev = NJ_SEV_ERROR; sev >= NJ_SEV_INFO; sev--) {
        for (size_t i = 0; i < res->f.n; i++) {
            const struct nj_finding *f = &res->f.v[i];
            if ((int)f->sev != sev)
                continue;
            nj_buf_printf(&t, "  [%s] %s: %s\n", en ? sev_en[sev] : sev_zh[sev], f->rule,
                          f->message);
        }
    }
    if (nj_buf_failed(&t))
        return NJ_ENOMEM;
    res->text = nj_buf_take(&t);
    return 0;
}

/* ---- accessors ---------------------------------------------------------------------- */

void
nj_result_free(struct nj_result *res)
{
    if (res == NULL)
        return;
    free(res->json);
    free(res->text);
    free(res->f.v);
    nj_doc_free(res->doc);
    nj_arena_free(res->arena);
    free(res);
}

enum nj_status
nj_result_status(const struct nj_result *res)
{
    return res->status;
}

const char *
nj_result_json(const struct nj_result *res)
{
    return res->json;
}

const char *
nj_result_text(const struct nj_result *res)
{
    return res->text;
}

const char *
nj_result_sha256(const struct nj_result *res)
{
    return res->sha256;
}

const char *
nj_result_org(const struct nj_result *res)
{
    return res->rep.org;
}

int
nj_result_year(const struct nj_result *res)
{
    return res->rep.year;
}

int
nj_result_count(const struct nj_result *res, enum nj_severity sev)
{
    return (int)sev >= 0 && sev <= NJ_SEV_ERROR ? res->counts[sev] : 0;
}

size_t
nj_result_n_findings(const struct nj_result *res)
{
    return res->f.n;
}

int
nj_result_finding(const struct nj_result *res, size_t i, struct nj_finding_view *out)
{
    if (i >= res->f.n)
        return NJ_EINVAL;
    const struct nj_finding *f = &res->f.v[i];
    out->rule = f->rule;
    out->sev = f->sev;
    out->message = f->message;
    struct nj_buf b;
    nj_buf_init(&b);
    json_where(&b, &f->where, res->doc ? nj_doc_loc_kind(res->doc) : NJ_LOC_LINE);
    out->where_json = nj_buf_failed(&b) ? "{}" : nj_arena_strdup(res->arena, b.data);
    nj_buf_free(&b);
    if (out->where_json == NULL)
        out->where_json = "{}";
    return 0;
}

void
nj_event_id(const struct nj_result *res, const char *rel_path, char *id)
{
    struct nj_buf b;
    nj_buf_init(&b);
    nj_buf_printf(&b, "%s\n%s\n%s\n", rel_path ? rel_path : "", res->sha256,
                  nj_status_name(res->status));
    for (size_t i = 0; i < res->f.n; i++)
        nj_buf_printf(&b, "%s/%d/%s\n", res->f.v[i].rule, (int)res->f.v[i].sev,
                      res->f.v[i].message);
    char hex[65];
    if (nj_buf_failed(&b))
        nj_sha256_hex(res->sha256, strlen(res->sha256), hex);
    else
        nj_sha256_hex(b.data, b.len, hex);
    nj_buf_free(&b);
    memcpy(id, hex, 32);
    id[32] = '\0';
}

int
nj_event_json(const struct nj_result *res, const char *epoch, uint64_t seq, int64_t time,
              int tz_offset_min, const char *root, const char *rel_path, const char *result_rel,
              char **out)
{
    struct nj_buf b;
    nj_buf_init(&b);
    char id[33], ts[32];
    nj_event_id(res, rel_path, id);
    nj_format_time(time, tz_offset_min, ts);
    nj_buf_printf(&b, "{\"schema\":\"%s\",\"id\":\"%s\",\"epoch\":", NJ_EVENT_SCHEMA, id);
    nj_buf_json_str(&b, epoch);
    nj_buf_printf(&b, ",\"seq\":%llu,\"time\":\"%s\",\"root\":", (unsigned long long)seq, ts);
    nj_buf_json_str(&b, root);
    nj_buf_adds(&b, ",\"file\":");
    nj_buf_json_str(&b, rel_path);
    nj_buf_printf(&b, ",\"sha256\":\"%s\",\"status\":\"%s\",\"org\":", res->sha256,
                  nj_status_name(res->status));
    nj_buf_json_str(&b, res->rep.org);
    if (res->rep.year)
        nj_buf_printf(&b, ",\"year\":%d", res->rep.year);
    else
        nj_buf_adds(&b, ",\"year\":null");
    nj_buf_printf(&b, ",\"errors\":%d,\"warnings\":%d,\"result\":", res->counts[NJ_SEV_ERROR],
                  res->counts[NJ_SEV_WARNING]);
    nj_buf_json_str(&b, result_rel);
    nj_buf_adds(&b, ",\"findings\":[");
    enum nj_loc_kind lk = res->doc ? nj_doc_loc_kind(res->doc) : NJ_LOC_LINE;
    size_t n = res->f.n < 20 ? res->f.n : 20;
    for (size_t i = 0; i < n; i++) {
        const struct nj_finding *f = &res->f.v[i];
        if (i)
            nj_buf_addc(&b, ',');
        nj_buf_adds(&b, "{\"rule\":");
        nj_buf_json_str(&b, f->rule);
        nj_buf_printf(&b, ",\"severity\":\"%s\",\"message\":", nj_severity_name(f->sev));
        nj_buf_json_str(&b, f->message);
        nj_buf_adds(&b, ",\"where\":");
        json_where(&b, &f->where, lk);
        nj_buf_addc(&b, '}');
    }
    nj_buf_printf(&b, "],\"findings_total\":%zu}", res->f.n);
    if (nj_buf_failed(&b)) {
        nj_buf_free(&b);
        return NJ_ENOMEM;
    }
    *out = nj_buf_take(&b);
    return 0;
}
