/*
 * nj_docx_test.c - the DOCX reader: Word- and WPS-shaped documents, the grid of every
 * merged-cell shape (w:gridSpan, w:vMerge, w:gridBefore), runs joined before numbers are
 * read, heading hints, and hostile archives (corrupt, truncated, encrypted, too many
 * entries, oversized, zip bombs, DTDs, malformed XML).
 */
#define _POSIX_C_SOURCE 200809L
#include "nj_gen.h"
#include "nj_readers.h"
#include "nj_rtest.h"
#include "nj_testzip.h"
#include "nj_wxml.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
read_docx(const unsigned char *buf, size_t len, enum nj_lang lang, const struct nj_docx_limits *lim,
          struct nj_doc **out, char *err, size_t err_size)
{
    struct nj_doc *doc = nj_doc_new(NJ_LOC_PARAGRAPH);
    ck_assert_ptr_nonnull(doc);
    char enc[32] = "";
    err[0] = '\0';
    int rc = lim ? nj_docx_read_limited(buf, len, lang, lim, doc, enc, sizeof(enc), err, err_size)
                 : nj_docx_read(buf, len, lang, doc, enc, sizeof(enc), err, err_size);
    if (rc == 0)
        ck_assert_str_eq(enc, "UTF-8");
    else
        ck_assert_msg(err[0] != '\0', "failure without a reason");
    if (out != NULL)
        *out = doc;
    else
        nj_doc_free(doc);
    return rc;
}

static struct nj_doc *
read_fixture_docx(const char *doc_rel, const char *styles_rel)
{
    char *docxml = (char *)nj_rtest_slurp(nj_rtest_fixture(doc_rel), NULL);
    ck_assert_msg(docxml != NULL, "missing fixture %s", doc_rel);
    char *styles = styles_rel ? (char *)nj_rtest_slurp(nj_rtest_fixture(styles_rel), NULL) : NULL;
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_testzip_docx(docxml, styles, &zip, &len), 0);
    struct nj_doc *doc;
    char err[512];
    int rc = read_docx(zip, len, NJ_LANG_ZH, NULL, &doc, err, sizeof(err));
    ck_assert_msg(rc == 0, "%s: %s", doc_rel, err);
    free(zip);
    free(docxml);
    free(styles);
    return doc;
}

static void
assert_cell(const struct nj_doc *doc, unsigned t, unsigned r, unsigned c, const char *text,
            int spanned)
{
    const struct nj_cell *cell = nj_rtest_cell(doc, t, r, c);
    ck_assert_msg(cell != NULL, "no cell at table %u row %u col %u", t, r, c);
    ck_assert_msg(strcmp(cell->text, text) == 0, "table %u row %u col %u: \"%s\" != \"%s\"", t, r,
                  c, cell->text, text);
    ck_assert_msg(!!(cell->flags & NJ_CELL_SPANNED) == !!spanned,
                  "table %u row %u col %u: spanned flag %u", t, r, c, cell->flags);
}

START_TEST(generated_report_grid)
{
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_gen_report_docx(&zip, &len), 0);
    struct nj_doc *doc;
    char err[512];
    ck_assert_int_eq(read_docx(zip, len, NJ_LANG_ZH, NULL, &doc, err, sizeof(err)), 0);
    ck_assert_uint_eq(nj_rtest_n_tables(doc), 3);
    for (int t = 1; t <= 3; t++) {
        ck_assert_uint_eq(nj_rtest_n_rows(doc, (unsigned)t), nj_gen_rows(t));
        for (unsigned r = 0; r < nj_gen_rows(t); r++)
            for (unsigned c = 0; c < nj_gen_cols(t); c++) {
                int spanned = 0;
                const char *want = nj_gen_cell(t, r, c, &spanned);
                assert_cell(doc, (unsigned)t, r + 1, c, want, spanned);
            }
    }
    const struct nj_block *b = nj_rtest_text(doc, "一、总体情况", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->heading, 1);
    ck_assert_uint_eq(b->loc, 3);
    nj_doc_free(doc);
    free(zip);
}
END_TEST

START_TEST(word_document)
{
    struct nj_doc *doc = read_fixture_docx("docx/word-document.xml", "docx/word-styles.xml");
    const struct nj_block *b = nj_doc_block(doc, 0);
    ck_assert_str_eq(b->text, "测试市统计局2024年政府信息公开工作年度报告");
    ck_assert_uint_eq(b->loc, 1);
    b = nj_rtest_text(doc, "一、总体情况", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->heading, 1); /* style id "1" named "heading 1" */
    ck_assert_uint_eq(b->loc, 2);     /* the empty paragraph is not counted */
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "全年主动公开信息128条，较上年增加。", 0));
    ck_assert(!nj_rtest_contains(doc, "删除的文字"));
    ck_assert(!nj_rtest_contains(doc, "PAGE"));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "联系电话\t0000-1234567", 0));
    b = nj_rtest_text(doc, "地址：测试市人民路1号", 0); /* after w:br: its own block */
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->loc, 4);
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "见门户网站", 0));
    b = nj_rtest_text(doc, "（一）主动公开", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->heading, 2); /* w:outlineLvl 1 */
    b = nj_rtest_text(doc, "二、主动公开政府信息情况", 0);
    ck_assert_uint_eq(b->heading, 2); /* style named 标题 2 */
    ck_assert_uint_eq(nj_rtest_n_tables(doc), 1);
    assert_cell(doc, 1, 1, 0, "第二十条第（一）项", 0);
    assert_cell(doc, 1, 1, 3, "第二十条第（一）项", 1);
    ck_assert(nj_rtest_cell(doc, 1, 1, 2)->flags & NJ_CELL_HEADING);
    assert_cell(doc, 1, 2, 0, "信息内容", 0);
    assert_cell(doc, 1, 3, 0, "信息内容", 1);
    assert_cell(doc, 1, 3, 1, "10", 0);
    assert_cell(doc, 1, 3, 2, "2", 0);
    assert_cell(doc, 1, 3, 3, "", 0);
    ck_assert_ptr_null(nj_rtest_cell(doc, 1, 4, 0)); /* w:gridBefore */
    assert_cell(doc, 1, 4, 1, "合并", 0);
    assert_cell(doc, 1, 4, 2, "合并", 1);
    assert_cell(doc, 1, 4, 3, "x", 0);
    assert_cell(doc, 1, 5, 1, "合并", 1);
    assert_cell(doc, 1, 5, 2, "合并", 1);
    assert_cell(doc, 1, 5, 3, "y", 0); /* a cell inside a content control */
    assert_cell(doc, 1, 6, 1, "说明 无", 0);
    assert_cell(doc, 1, 6, 3, "说明 无", 1);
    /* text boxes are not read; the paragraph's own text is */
    ck_assert(!nj_rtest_contains(doc, "文本框"));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "六、其他需要报告的事项", 0));
    /* mc:AlternateContent: the fallback's runs, once */
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "五、存在的主要问题及改进情况", 0));
    nj_doc_free(doc);
}
END_TEST

START_TEST(wps_document)
{
    struct nj_doc *doc = read_fixture_docx("docx/wps-document.xml", "docx/wps-styles.xml");
    const struct nj_block *b = nj_doc_block(doc, 0);
    ck_assert_str_eq(b->text, "某某区教育局2025年政府信息公开工作年度报告");
    ck_assert_uint_eq(b->heading, 1);
    b = nj_rtest_text(doc, "四、政府信息公开行政复议、行政诉讼情况", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->heading, 0);
    assert_cell(doc, 1, 1, 0, "行政复议", 0);
    assert_cell(doc, 1, 1, 4, "行政复议", 1);
    assert_cell(doc, 1, 1, 14, "行政诉讼", 1);
    assert_cell(doc, 1, 2, 0, "结果维持", 0);
    assert_cell(doc, 1, 3, 0, "结果维持", 1);
    assert_cell(doc, 1, 3, 4, "总计", 1);
    assert_cell(doc, 1, 3, 5, "结果维持", 0);
    assert_cell(doc, 1, 4, 0, "11", 0);
    assert_cell(doc, 1, 4, 4, "13", 0);
    assert_cell(doc, 1, 4, 14, "0", 0);
    ck_assert_ptr_null(nj_rtest_cell(doc, 1, 4, 15));
    nj_doc_free(doc);
}
END_TEST

START_TEST(automatic_numbering)
{
    char *d = (char *)nj_rtest_slurp(nj_rtest_fixture("docx/numbered-document.xml"), NULL);
    char *st = (char *)nj_rtest_slurp(nj_rtest_fixture("docx/numbered-styles.xml"), NULL);
    char *nu = (char *)nj_rtest_slurp(nj_rtest_fixture("docx/numbered-numbering.xml"), NULL);
    ck_assert(d != NULL && st != NULL && nu != NULL);
    struct nj_zentry e[3] = {{"word/document.xml", d, strlen(d), 0},
                             {"word/styles.xml", st, strlen(st), 0},
                             {"word/numbering.xml", nu, strlen(nu), 0}};
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_testzip_build(e, 3, &zip, &len), 0);
    struct nj_doc *doc;
    char err[512];
    ck_assert_int_eq(read_docx(zip, len, NJ_LANG_ZH, NULL, &doc, err, sizeof(err)), 0);
    const struct nj_block *b = nj_rtest_text(doc, "一、总体情况", 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->heading, 2);
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "二、主动公开政府信息情况", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "（一）主动公开方面", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "不编号的标题", 0));
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "三、收到和处理政府信息公开申请情况", 0));
    assert_cell(doc, 1, 1, 1, "1.属于国家秘密", 0);
    assert_cell(doc, 1, 2, 1, "2.其他法律行政法规禁止公开", 0);
    assert_cell(doc, 1, 2, 0, "（三）不予公开", 1);
    nj_doc_free(doc);
    free(zip);
    free(d);
    free(st);
    free(nu);
}
END_TEST

START_TEST(main_part_from_relationships)
{
    static const char rels[] =
        "<?xml version=\"1.0\"?><Relationships "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "officeDocument\" Target=\"/word/document2.xml\"/></Relationships>";
    static const char body[] =
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>六、其他需要报告的事项</w:t></w:r></w:p></w:body></w:document>";
    struct nj_zentry e[2] = {{"_rels/.rels", rels, sizeof(rels) - 1, 0},
                             {"word/document2.xml", body, sizeof(body) - 1, 0}};
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_testzip_build(e, 2, &zip, &len), 0);
    struct nj_doc *doc;
    char err[512];
    ck_assert_int_eq(read_docx(zip, len, NJ_LANG_ZH, NULL, &doc, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(nj_rtest_text(doc, "六、其他需要报告的事项", 0));
    nj_doc_free(doc);
    free(zip);
}
END_TEST

static unsigned char *
good_docx(size_t *len)
{
    unsigned char *zip;
    ck_assert_int_eq(nj_gen_report_docx(&zip, len), 0);
    return zip;
}

START_TEST(not_a_zip_and_truncated)
{
    char err[512];
    static const unsigned char junk[] = "PK\x03\x04 this is not really a zip archive";
    ck_assert_int_ne(read_docx(junk, sizeof(junk) - 1, NJ_LANG_ZH, NULL, NULL, err, sizeof(err)),
                     0);
    ck_assert_str_eq(err, "文件不是有效的 Word 文档（.docx 压缩包损坏或被截断），请在 Word 或 "
                          "WPS 中重新另存为 .docx");
    ck_assert_int_ne(read_docx(junk, 0, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    ck_assert(strstr(err, "damaged or truncated") != NULL);
    size_t len;
    unsigned char *zip = good_docx(&len);
    for (size_t cut = 1; cut < len; cut += len / 17 + 1)
        ck_assert_int_ne(read_docx(zip, cut, NJ_LANG_ZH, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_int_ne(read_docx(zip, len - 1, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    free(zip);
}
END_TEST

START_TEST(corrupt_data)
{
    size_t len;
    unsigned char *zip = good_docx(&len);
    /* damage the compressed bytes of word/document.xml (after its local header name) */
    unsigned char *p = NULL;
    for (size_t i = 0; i + 17 < len; i++)
        if (memcmp(zip + i, "word/document.xml", 17) == 0) {
            p = zip + i + 17;
            break;
        }
    ck_assert_ptr_nonnull(p);
    for (int k = 40; k < 200; k += 3)
        p[k] ^= 0x5A;
    char err[512];
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "damaged") != NULL || strstr(err, "well-formed") != NULL, "%s", err);
    free(zip);
}
END_TEST

START_TEST(encrypted_flag)
{
    size_t len;
    unsigned char *zip = good_docx(&len);
    nj_testzip_flag_encrypted(zip, len);
    char err[512];
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_ZH, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "加密") != NULL, "%s", err);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "encrypted") != NULL, "%s", err);
    free(zip);
}
END_TEST

START_TEST(missing_document_xml)
{
    struct nj_zentry e[1] = {{"xl/workbook.xml", "<workbook/>", 11, 0}};
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_testzip_build(e, 1, &zip, &len), 0);
    char err[512];
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_ZH, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, ".xlsx") != NULL, "%s", err);
    free(zip);
    struct nj_zentry odt[2] = {{"mimetype", "application/vnd.oasis.opendocument.text", 39, 1},
                               {"content.xml", "<office:document-content/>", 27, 0}};
    ck_assert_int_eq(nj_testzip_build(odt, 2, &zip, &len), 0);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, ".odt") != NULL, "%s", err);
    free(zip);
    struct nj_zentry other[1] = {{"readme.txt", "hello", 5, 0}};
    ck_assert_int_eq(nj_testzip_build(other, 1, &zip, &len), 0);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_ZH, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "word/document.xml") != NULL, "%s", err);
    free(zip);
}
END_TEST

START_TEST(too_many_entries)
{
    size_t n = 10001;
    struct nj_zentry *e = calloc(n, sizeof(*e));
    char(*names)[32] = calloc(n, 32);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], 32, "f/%zu.xml", i);
        e[i] = (struct nj_zentry){names[i], "<a/>", 4, 1};
    }
    e[0].name = "word/document.xml";
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_testzip_build(e, n, &zip, &len), 0);
    char err[512];
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "too many entries") != NULL, "%s", err);
    free(zip);
    free(names);
    free(e);
}
END_TEST

START_TEST(oversized_and_bomb)
{
    /* a zip bomb: 4 MB of blanks inside the XML inflate from a few kB (ratio ~1000:1) */
    size_t big = 4u << 20;
    char *xml = malloc(big + 256);
    int k = sprintf(xml, "<?xml version=\"1.0\"?><w:document xmlns:w=\"%s\"><w:body><!--",
                    "http://schemas.openxmlformats.org/wordprocessingml/2006/main");
    memset(xml + k, ' ', big);
    strcpy(xml + k + big, "--></w:body></w:document>");
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_testzip_docx(xml, NULL, &zip, &len), 0);
    char err[512];
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "zip bomb") != NULL, "%s", err);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_ZH, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "压缩炸弹") != NULL, "%s", err);
    /* the same under a generous ratio but a small size cap: too big */
    struct nj_docx_limits lim;
    nj_docx_default_limits(&lim);
    lim.max_ratio = 1000000;
    lim.max_part_bytes = 1u << 20;
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, &lim, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "size limit") != NULL, "%s", err);
    /* and within generous limits it reads (an empty body) */
    lim.max_part_bytes = 64u << 20;
    ck_assert_int_eq(read_docx(zip, len, NJ_LANG_EN, &lim, NULL, err, sizeof(err)), 0);
    free(zip);
    free(xml);
    /* a stored (uncompressed) part over the cap is refused before inflating */
    size_t plen;
    unsigned char *plain = good_docx(&plen);
    nj_docx_default_limits(&lim);
    lim.max_part_bytes = 1000;
    ck_assert_int_ne(read_docx(plain, plen, NJ_LANG_EN, &lim, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "size limit") != NULL, "%s", err);
    lim.max_entries = 2;
    ck_assert_int_ne(read_docx(plain, plen, NJ_LANG_EN, &lim, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "too many entries") != NULL, "%s", err);
    free(plain);
}
END_TEST

START_TEST(bad_xml_and_dtd)
{
    char err[512];
    unsigned char *zip;
    size_t len;
    ck_assert_int_eq(nj_testzip_docx("<w:document><w:body><w:p>", NULL, &zip, &len), 0);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_ZH, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "不是格式正确的 XML") != NULL, "%s", err);
    free(zip);
    static const char laughs[] =
        "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>";
    ck_assert_int_eq(nj_testzip_docx(laughs, NULL, &zip, &len), 0);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    ck_assert_msg(strstr(err, "DTD") != NULL, "%s", err);
    free(zip);
    static const char ext[] =
        "<?xml version=\"1.0\"?><!DOCTYPE d SYSTEM \"file:///etc/passwd\">"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body/></w:document>";
    ck_assert_int_eq(nj_testzip_docx(ext, NULL, &zip, &len), 0);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    free(zip);
    /* not WordprocessingML at all */
    ck_assert_int_eq(nj_testzip_docx("<html><body/></html>", NULL, &zip, &len), 0);
    ck_assert_int_ne(read_docx(zip, len, NJ_LANG_EN, NULL, NULL, err, sizeof(err)), 0);
    free(zip);
}
END_TEST

/* The model as text, one block a line (as nj_dumpdoc prints it). */
static char *
model_text(const unsigned char *zip, size_t len)
{
    struct nj_doc *doc;
    char err[512];
    int rc = read_docx(zip, len, NJ_LANG_EN, NULL, &doc, err, sizeof(err));
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    ck_assert_ptr_nonnull(f);
    fprintf(f, "rc=%d err=%s\n", rc, err);
    for (size_t i = 0; i < nj_doc_n_blocks(doc); i++) {
        const struct nj_block *b = nj_doc_block(doc, i);
        if (b->kind == NJ_BLOCK_TEXT) {
            fprintf(f, "T %u h%u %s\n", b->loc, b->heading, b->text);
            continue;
        }
        fprintf(f, "R %u.%u @%u", b->table, b->row, b->loc);
        for (size_t j = 0; j < b->n_cells; j++)
            fprintf(f, " | %u/%u:%s", b->cells[j].col, b->cells[j].flags, b->cells[j].text);
        fprintf(f, "\n");
    }
    fclose(f);
    nj_doc_free(doc);
    return out;
}

/* XML without its comments (malloc'd). */
static char *
strip_comments(const char *xml)
{
    char *out = malloc(strlen(xml) + 1), *o = out;
    ck_assert_ptr_nonnull(out);
    for (const char *p = xml; *p;) {
        if (strncmp(p, "<!--", 4) == 0) {
            const char *e = strstr(p, "-->");
            ck_assert_ptr_nonnull(e);
            p = e + 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static int
scanned(const char *xml)
{
    enum nj_wx_err err;
    struct nj_wx *t = nj_wx_parse(xml, strlen(xml), "t.xml", &err);
    int k = t != NULL ? nj_wx_scanned(t) : -1;
    nj_wx_free(t);
    return k;
}

/* The strict scanner and libxml2 (which reads what the scanner leaves) give one model. */
START_TEST(scanner_and_libxml2_agree)
{
    static const char *const pkgs[][2] = {
        {"docx/word-document.xml", "docx/word-styles.xml"},
        {"docx/wps-document.xml", "docx/wps-styles.xml"},
        {"docx/numbered-document.xml", "docx/numbered-styles.xml"},
    };
    for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
        char *orig = (char *)nj_rtest_slurp(nj_rtest_fixture(pkgs[i][0]), NULL);
        char *styles = (char *)nj_rtest_slurp(nj_rtest_fixture(pkgs[i][1]), NULL);
        ck_assert_ptr_nonnull(orig);
        ck_assert_ptr_nonnull(styles);
        char *plain = strip_comments(orig);
        ck_assert_int_eq(scanned(plain), 1);
        ck_assert_int_eq(scanned(orig), strstr(orig, "<!--") == NULL);
        char *with_comment = malloc(strlen(plain) + 32);
        ck_assert_ptr_nonnull(with_comment);
        sprintf(with_comment, "%s<!-- libxml2 -->", plain);
        ck_assert_int_eq(scanned(with_comment), 0);
        unsigned char *z1, *z2;
        size_t l1, l2;
        ck_assert_int_eq(nj_testzip_docx(plain, styles, &z1, &l1), 0);
        ck_assert_int_eq(nj_testzip_docx(with_comment, styles, &z2, &l2), 0);
        char *m1 = model_text(z1, l1), *m2 = model_text(z2, l2);
        ck_assert_str_eq(m1, m2);
        ck_assert_msg(strstr(m1, "rc=0") == m1, "%s: %s", pkgs[i][0], m1);
        free(m1);
        free(m2);
        free(z1);
        free(z2);
        free(with_comment);
        free(plain);
        free(orig);
        free(styles);
    }
    /* what the scanner takes, and what it leaves to libxml2 */
#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
    ck_assert_int_eq(scanned("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                             "<w:document " W "><w:body><w:p><w:r><w:t xml:space=\"preserve\">"
                             "a &amp; &#x4E00;</w:t></w:r></w:p></w:body></w:document>\n"),
                     1);
    ck_assert_int_eq(scanned("<w:document " W "><w:body><w:p><w:r><w:t>a\r\nb</w:t></w:r></w:p>"
                             "</w:body></w:document>"),
                     0);
    ck_assert_int_eq(scanned("<w:document " W "><w:body><w:p><w:r><w:t><![CDATA[x]]></w:t></w:r>"
                             "</w:p></w:body></w:document>"),
                     0);
    ck_assert_int_eq(scanned("<?xml version=\"1.0\" encoding=\"GBK\"?><w:document " W "/>"), 0);
    ck_assert_int_eq(scanned("<w:document " W "><x:p/></w:document>"), 0);
    ck_assert_int_eq(scanned("<w:document " W " w:a=\"1\" a=\"2\"/>"), 0);
    ck_assert_int_eq(scanned("<w:document " W "><w:body></w:document></w:body>"), -1);
#undef W
}
END_TEST

static Suite *
docx_suite(void)
{
    Suite *s = suite_create("readers.docx");
    TCase *tc = tcase_create("docx");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, generated_report_grid);
    tcase_add_test(tc, word_document);
    tcase_add_test(tc, wps_document);
    tcase_add_test(tc, automatic_numbering);
    tcase_add_test(tc, main_part_from_relationships);
    tcase_add_test(tc, not_a_zip_and_truncated);
    tcase_add_test(tc, corrupt_data);
    tcase_add_test(tc, encrypted_flag);
    tcase_add_test(tc, missing_document_xml);
    tcase_add_test(tc, too_many_entries);
    tcase_add_test(tc, oversized_and_bomb);
    tcase_add_test(tc, bad_xml_and_dtd);
    tcase_add_test(tc, scanner_and_libxml2_agree);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    nj_readers_hooks();
    SRunner *sr = srunner_create(docx_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
