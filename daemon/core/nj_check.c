/*
 * nj_check.c - the one entry point: bytes in, result out.
 *
 * Sniff the container (text, HTML, DOCX, or one of the formats we refuse with a reason),
 * decode, read the document model, read the report, run the rules, apply the severity
 * overrides and build the result.  Nothing here touches the file system or the clock.
 */
#include "nj_decode.h"
#include "nj_model.h"
#include "nj_result.h"
#include "nj_utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void nj_report_detect_format(struct nj_report *rep);

static struct nj_result *
result_new(const struct nj_options *opt, const unsigned char *buf, size_t len, uint64_t size)
{
    struct nj_result *res = calloc(1, sizeof(*res));
    if (res == NULL)
        return NULL;
    res->arena = nj_arena_new();
    if (res->arena == NULL) {
        free(res);
        return NULL;
    }
    res->rep.arena = res->arena;
    res->lang = opt->lang;
    res->size = size;
    if (buf)
        nj_sha256_hex(buf, len, res->sha256);
    nj_format_time(opt->now, opt->tz_offset_min, res->checked_at);
    res->file = opt->file_name ? nj_arena_strdup(res->arena, opt->file_name) : NULL;
    return res;
}

static const char *
ext_of(const char *name)
{
    if (name == NULL)
        return "";
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot ? dot + 1 : "";
}

static int
ext_is(const char *name, const char *ext)
{
    const char *e = ext_of(name);
    size_t n = strlen(ext);
    if (strlen(e) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = e[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != ext[i])
            return 0;
    }
    return 1;
}

static int
finish_unreadable(struct nj_result *res, const char *reason)
{
    struct nj_where w = {0};
    res->status = NJ_STATUS_ERROR;
    if (nj_findings_add(&res->f, res->arena, "DOC.UNREADABLE", NJ_SEV_ERROR, &w, reason))
        return NJ_ENOMEM;
    res->counts[NJ_SEV_ERROR] = 1;
    return nj__result_build(res);
}

int
nj_result_unreadable(const char *reason, uint64_t size, const char *sha256_hex,
                     const struct nj_options *opt, struct nj_result **out)
{
    struct nj_result *res = result_new(opt, NULL, 0, size);
    if (res == NULL)
        return NJ_ENOMEM;
    if (sha256_hex)
        snprintf(res->sha256, sizeof(res->sha256), "%s", sha256_hex);
    res->input_type = nj_arena_strdup(res->arena, ext_of(opt->file_name));
    int rc = finish_unreadable(res, reason);
    if (rc) {
        nj_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}

struct sniff {
    const char *type;
    const char *zh, *en; /* refusal reason, or NULL when we read it */
};

static int
looks_html(const unsigned char *buf, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    size_t i = 0;
    if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        i = 3;
    while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (i >= n || buf[i] != '<')
        return 0;
    static const char *const tags[] = {"<html",  "<!doctype html", "<head", "<body",
                                       "<table", "<meta",          "<div",  "<p>",
                                       "<p ",    "<!--",           NULL};
    char low[4097];
    for (size_t k = 0; k < n; k++)
        low[k] = (char)(buf[k] >= 'A' && buf[k] <= 'Z' ? buf[k] - 'A' + 'a' : buf[k]);
    low[n] = '\0';
    for (int t = 0; tags[t]; t++)
        if (strstr(low + i, tags[t]) != NULL)
            return 1;
    return 0;
}

static void
sniff(const unsigned char *b, size_t len, const char *name, struct sniff *s)
{
    memset(s, 0, sizeof(*s));
    if (len >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) {
        s->type = ext_is(name, "xlsx") ? "xlsx" : ext_is(name, "pptx") ? "pptx" : "docx";
        if (strcmp(s->type, "docx") != 0) {
            s->zh = "文件是 Excel 或 PowerPoint 文档，不是年度报告正文；请另存为 .docx 或 .txt "
                    "后再提交。";
            s->en = "The file is an Excel or PowerPoint document, not a report; save the "
                    "report as .docx or .txt and submit it again.";
        }
        return;
    }
    if (len >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        s->type = ext_is(name, "wps") ? "wps" : ext_is(name, "xls") ? "xls" : "doc";
        s->zh = "文件是旧版 Word/WPS 二进制格式（.doc/.wps/.xls），无法可靠读取；请在 Word 或 WPS "
                "中“另存为” .docx 后再提交。";
        s->en = "The file is in the old binary Word/WPS format (.doc/.wps/.xls), which "
                "cannot be read reliably; open it in Word or WPS and save it as .docx.";
        return;
    }
    if (len >= 5 && memcmp(b, "%PDF-", 5) == 0) {
        s->type = "pdf";
        s->zh = "文件是 PDF，无法可靠读取其中的表格；请提交 "
                "Word（.docx）原稿，或门户网站发布的网页（.html）。";
        s->en = "The file is a PDF, whose tables cannot be read reliably; submit the Word "
                "(.docx) original or the published web page (.html) instead.";
        return;
    }
    if ((len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) ||
        (len >= 3 && memcmp(b, "\xFF\xD8\xFF", 3) == 0) ||
        (len >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0)) ||
        (len >= 2 && memcmp(b, "BM", 2) == 0 && ext_is(name, "bmp")) ||
        (len >= 4 && (memcmp(b, "II*\0", 4) == 0 || memcmp(b, "MM\0*", 4) == 0))) {
        s->type = "image";
        s->zh = "文件是图片，图片中的表格无法检查；请提交 "
                "Word（.docx）、网页（.html）或文本格式的报告。";
        s->en = "The file is an image; tables in images cannot be checked. Submit the "
                "report as .docx, .html or text.";
        return;
    }
    if (len >= 5 && memcmp(b, "{\\rtf", 5) == 0) {
        s->type = "rtf";
        s->zh = "文件是 RTF 格式；请在 Word 或 WPS 中另存为 .docx 后再提交。";
        s->en = "The file is RTF; save it as .docx in Word or WPS and submit it again.";
        return;
    }
    if (len >= 4 && (memcmp(b, "\x1F\x8B", 2) == 0 || memcmp(b, "Rar!", 4) == 0 ||
                     memcmp(b, "7z\xBC\xAF", 4) == 0)) {
        s->type = "archive";
        s->zh = "文件是压缩包；请解压后分别提交其中的报告文件。";
        s->en = "The file is a compressed archive; unpack it and submit the reports in it.";
        return;
    }
    if (looks_html(b, len) || ext_is(name, "html") || ext_is(name, "htm")) {
        s->type = "html";
        return;
    }
    s->type = ext_is(name, "md") || ext_is(name, "markdown") ? "md" : "txt";
}

/* Share of control characters (other than tab, CR, LF, FF) in decoded text, per mille:
 * C0 and C1 controls, DEL, U+FFFD and the private use area U+E000..U+F8FF.  The text is
 * valid UTF-8 (nj_decode's output), so this works on bytes: a code point is a byte that
 * is not a continuation byte, and the characters counted are told by their first bytes
 * (C2 80..9F; EE; EF 80..A3; EF BF BD). */
#ifdef __SSE2__
static size_t
popcount16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}
#endif

static int
control_permille(const char *s, size_t len)
{
    size_t ctl = 0, n = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
#ifdef __SSE2__
    /* Sixteen bytes at a time (SSE2 is part of x86-64); the bytes after each block are
     * read for the two-byte tests, so the last 17 bytes go to the loop below. */
    const __m128i c_m65 = _mm_set1_epi8(-65), c_20 = _mm_set1_epi8(0x20), c_m1 = _mm_set1_epi8(-1),
                  c_tab = _mm_set1_epi8('\t'), c_lf = _mm_set1_epi8('\n'),
                  c_cr = _mm_set1_epi8('\r'), c_ff = _mm_set1_epi8('\f'),
                  c_del = _mm_set1_epi8(0x7F), c_c2 = _mm_set1_epi8((char)0xC2),
                  c_ee = _mm_set1_epi8((char)0xEE), c_ef = _mm_set1_epi8((char)0xEF),
                  c_m96 = _mm_set1_epi8(-96), c_m92 = _mm_set1_epi8(-92),
                  c_bf = _mm_set1_epi8((char)0xBF), c_bd = _mm_set1_epi8((char)0xBD);
    while (end - p >= 18) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 1));
        __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 2));
        /* not a continuation byte: signed > -65 (0x00..0x7F, 0xC0..0xFF) */
        unsigned lead = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(x, c_m65));
        /* C0 controls but tab, LF, CR, FF; DEL */
        __m128i c0 = _mm_and_si128(_mm_cmplt_epi8(x, c_20), _mm_cmpgt_epi8(x, c_m1));
        __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, c_tab), _mm_cmpeq_epi8(x, c_lf)),
                                  _mm_or_si128(_mm_cmpeq_epi8(x, c_cr), _mm_cmpeq_epi8(x, c_ff)));
        __m128i bad = _mm_or_si128(_mm_andnot_si128(ok, c0), _mm_cmpeq_epi8(x, c_del));
        /* C2 80..9F (C1 controls): next byte signed < -96 */
        bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpeq_epi8(x, c_c2), _mm_cmplt_epi8(x1, c_m96)));
        /* EE (U+E000..U+EFFF) */
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(x, c_ee));
        /* EF 80..A3 (U+F000..U+F8FF), EF BF BD (U+FFFD); as the loop below, any next byte
         * up to A3 counts (in valid UTF-8 it is a continuation byte) */
        __m128i ef = _mm_cmpeq_epi8(x, c_ef);
        __m128i pua = _mm_or_si128(_mm_cmplt_epi8(x1, c_m92), _mm_cmpgt_epi8(x1, c_m1));
        __m128i fffd = _mm_and_si128(_mm_cmpeq_epi8(x1, c_bf), _mm_cmpeq_epi8(x2, c_bd));
        bad = _mm_or_si128(bad, _mm_and_si128(ef, _mm_or_si128(pua, fffd)));
        unsigned m = (unsigned)_mm_movemask_epi8(bad);
        n += popcount16(lead);
        ctl += m ? popcount16(m) : 0;
        p += 16;
    }
#endif
    for (; p < end; p++) {
        unsigned char b = *p;
        if (b >= 0x20 && b < 0x7F) {
            n++;
            continue;
        }
        if ((b & 0xC0) == 0x80)
            continue; /* continuation */
        n++;
        if (b < 0x80) {
            ctl += b == 0x7F || (b != '\t' && b != '\n' && b != '\r' && b != '\f');
        } else if (b == 0xC2) {
            ctl += end - p > 1 && p[1] >= 0x80 && p[1] < 0xA0;
        } else if (b == 0xEE) {
            ctl++;
        } else if (b == 0xEF && end - p > 2) {
            ctl += p[1] <= 0xA3 || (p[1] == 0xBF && p[2] == 0xBD);
        }
    }
    return n ? (int)(ctl * 1000 / n) : 0;
}

static void
apply_overrides(struct nj_result *res, const struct nj_options *opt)
{
    size_t o = 0;
    for (size_t i = 0; i < res->f.n; i++) {
        struct nj_finding *f = &res->f.v[i];
        for (size_t k = 0; k < opt->n_overrides; k++)
            if (opt->overrides[k].id && strcmp(opt->overrides[k].id, f->rule) == 0 &&
                strcmp(f->rule, "DOC.UNREADABLE") != 0)
                f->sev = opt->overrides[k].sev;
        if (f->sev == NJ_SEV_OFF)
            continue;
        res->f.v[o++] = *f;
    }
    res->f.n = o;
}

static int
analyse(struct nj_result *res, const struct nj_options *opt)
{
    struct nj_report *rep = &res->rep;
    rep->doc = res->doc;
    int rc = nj_report_read_meta(rep);
    if (rc == 0)
        rc = nj_report_read_tables(rep);
    if (rc)
        return rc;
    nj_report_detect_format(rep);
    if (strcmp(res->encoding, NJ_ENC_UTF8) != 0) {
        char msg[256];
        struct nj_where w = {0};
        if (opt->lang == NJ_LANG_EN)
            snprintf(msg, sizeof(msg), "The file is encoded in %s and was converted to UTF-8.",
                     res->encoding);
        else
            snprintf(msg, sizeof(msg), "文件编码为 %s，已转换为 UTF-8 后检查。", res->encoding);
        if (nj_findings_add(&res->f, res->arena, "DOC.ENCODING", NJ_SEV_INFO, &w, msg))
            return NJ_ENOMEM;
    }
    return nj_rules_run(rep, opt->lang, &res->f);
}

int
nj_check(const unsigned char *buf, size_t len, const struct nj_options *opt, struct nj_result **out)
{
    *out = NULL;
    struct nj_result *res = result_new(opt, buf, len, len);
    if (res == NULL)
        return NJ_ENOMEM;
    int en = opt->lang == NJ_LANG_EN;
    int rc = 0;
    struct sniff s;
    sniff(buf, len, opt->file_name, &s);
    res->input_type = s.type;
    char reason[512];
    if (opt->max_bytes && len > opt->max_bytes) {
        snprintf(reason, sizeof(reason),
                 en ? "The file is %zu bytes, over the limit of %llu bytes."
                    : "文件大小为 %zu 字节，超过 %llu 字节的上限。",
                 len, (unsigned long long)opt->max_bytes);
        rc = finish_unreadable(res, reason);
        goto done;
    }
    if (len == 0) {
        rc = finish_unreadable(res, en ? "The file is empty." : "文件为空。");
        goto done;
    }
    if (s.zh != NULL) {
        rc = finish_unreadable(res, en ? s.en : s.zh);
        goto done;
    }
    if (strcmp(s.type, "html") == 0 || strcmp(s.type, "docx") == 0) {
        nj_reader_fn fn = NULL;
        if (opt->readers)
            fn = strcmp(s.type, "html") == 0 ? opt->readers->html : opt->readers->docx;
        if (fn == NULL) {
            snprintf(reason, sizeof(reason),
                     en ? "This build of nianjian cannot read %s files; save the report as text."
                        : "此版本的 nianjian 不能读取 %s 文件；请将报告另存为文本格式。",
                     s.type);
            rc = finish_unreadable(res, reason);
            goto done;
        }
        res->doc = nj_doc_new(NJ_LOC_PARAGRAPH);
        if (res->doc == NULL) {
            rc = NJ_ENOMEM;
            goto done;
        }
        char enc[32] = "UTF-8", err[512] = "";
        if (fn(buf, len, opt->lang, res->doc, enc, sizeof(enc), err, sizeof(err)) != 0) {
            nj_doc_free(res->doc);
            res->doc = NULL;
            rc = finish_unreadable(
                res, err[0] ? err : (en ? "The file cannot be read." : "无法读取文件。"));
            goto done;
        }
        res->encoding = nj_arena_strdup(res->arena, enc);
    } else {
        struct nj_decoded d;
        const char *why;
        rc = nj_decode(buf, len, NULL, &d, &why);
        if (rc == NJ_EINVAL) {
            snprintf(reason, sizeof(reason),
                     en ? "The file cannot be decoded as text: %s."
                        : "文件无法按文本解码（既不是 UTF-8、UTF-16，也不是 GB18030/GBK "
                          "编码），可能不是文本文件或已损坏。",
                     why);
            rc = finish_unreadable(res, reason);
            goto done;
        }
        if (rc)
            goto done;
        if (control_permille(d.text, d.len) > 20) {
            free(d.text);
            rc = finish_unreadable(res, en ? "The file contains binary data, not text."
                                           : "文件包含二进制数据，不是文本文件。");
            goto done;
        }
        res->encoding = d.encoding;
        res->doc = nj_doc_new(NJ_LOC_LINE);
        if (res->doc == NULL) {
            free(d.text);
            rc = NJ_ENOMEM;
            goto done;
        }
        rc = nj_textread(d.text, d.len, res->doc);
        free(d.text);
        if (rc)
            goto done;
    }
    rc = analyse(res, opt);
    if (rc)
        goto done;
    apply_overrides(res, opt);
    for (size_t i = 0; i < res->f.n; i++)
        res->counts[res->f.v[i].sev]++;
    res->status = res->counts[NJ_SEV_ERROR] ? NJ_STATUS_FAIL : NJ_STATUS_PASS;
    rc = nj__result_build(res);
done:
    if (rc) {
        nj_result_free(res);
        return rc;
    }
    *out = res;
    return 0;
}
