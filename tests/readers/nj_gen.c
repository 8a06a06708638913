/*
 * nj_gen.c - one report, four forms (see nj_gen.h).
 */
#include "nj_gen.h"
#include "nj_testzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gcell {
    const char *text;
    unsigned rs, cs;
};

#define GMAX_CELLS 16
struct grow {
    struct gcell c[GMAX_CELLS];
    unsigned n;
};

#define GMAX_ROWS 32
#define GMAX_COLS 16
struct gtable {
    struct grow rows[GMAX_ROWS];
    unsigned n_rows, n_cols;
    /* the expanded grid */
    const char *grid[GMAX_ROWS][GMAX_COLS];
    int spanned[GMAX_ROWS][GMAX_COLS];
    unsigned rs[GMAX_ROWS][GMAX_COLS], cs[GMAX_ROWS][GMAX_COLS]; /* at top-left positions */
};

static const char *const t3_cols[] = {"商业企业", "科研机构", "社会公益组织", "法律服务机构",
                                      "其他"};
static const char *const t3_sub3[] = {"1.属于国家秘密",         "2.其他法律行政法规禁止公开",
                                      "3.危及“三安全一稳定”",   "4.保护第三方合法权益",
                                      "5.属于三类内部事务信息", "6.属于四类过程性信息",
                                      "7.属于行政执法案卷",     "8.属于行政查询事项"};
static const char *const t3_sub4[] = {"1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                                      "3.补正后申请内容仍不明确"};
static const char *const t3_sub5[] = {"1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                                      "4.无正当理由大量反复申请",
                                      "5.要求行政机关确认或重新出具已获取信息"};
static const char *const t3_sub6[] = {
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"};
static const char *const t4_leaf[] = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"};

/* Table 三 values, rows r01..r25, columns c1..c7 (all relations hold). */
static const int t3v[25][7] = {
    {10, 2, 0, 0, 0, 0, 12},                                               /* 一、本年新收 */
    {1, 0, 0, 0, 0, 0, 1},                                                 /* 二、上年结转 */
    {5, 1, 0, 0, 0, 0, 6},                                                 /* （一） */
    {2, 0, 0, 0, 0, 0, 2},                                                 /* （二） */
    {0, 0, 0, 0, 0, 0, 0},                                                 /* （三）1 */
    {0, 0, 0, 0, 0, 0, 0},   {0, 0, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 1}, /* （三）4 */
    {0, 0, 0, 0, 0, 0, 0},   {0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0},   {0, 0, 0, 0, 0, 0, 0},
    {2, 1, 0, 0, 0, 0, 3},                                                 /* （四）1 */
    {0, 0, 0, 0, 0, 0, 0},   {0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0}, /* （五）1 */
    {1, 0, 0, 0, 0, 0, 1},                                                 /* （五）2 */
    {0, 0, 0, 0, 0, 0, 0},   {0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0},   {0, 0, 0, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 0, 0},   {0, 0, 0, 0, 0, 0, 0}, {11, 2, 0, 0, 0, 0, 13}, /* （七）总计 */
    {0, 0, 0, 0, 0, 0, 0}, /* 四、结转下年度 */
};
/* Table 四 (the 行政复议 总计 is replaced by T4_WRONG_TOTAL: the deliberate error). */
static const int t4v[15] = {1, 0, 1, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1};
#define T4_WRONG_TOTAL 3

static char numbuf[400][16];
static unsigned n_num;

static const char *
num(int v)
{
    char *s = numbuf[n_num++ % 400];
    snprintf(s, 16, "%d", v);
    return s;
}

static void
add(struct grow *r, const char *text, unsigned rs, unsigned cs)
{
    r->c[r->n++] = (struct gcell){text, rs, cs};
}

static void
values(struct grow *r, const int *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        add(r, num(v[i]), 1, 1);
}

static void
expand(struct gtable *t)
{
    unsigned rem[GMAX_COLS] = {0};
    const char *txt[GMAX_COLS] = {0};
    t->n_cols = 0;
    for (unsigned r = 0; r < t->n_rows; r++) {
        unsigned col = 0;
        for (unsigned i = 0; i <= t->rows[r].n; i++) {
            while (col < GMAX_COLS && rem[col] > 0) {
                t->grid[r][col] = txt[col];
                t->spanned[r][col] = 1;
                rem[col]--;
                col++;
            }
            if (i == t->rows[r].n)
                break;
            const struct gcell *c = &t->rows[r].c[i];
            t->rs[r][col] = c->rs;
            t->cs[r][col] = c->cs;
            for (unsigned k = 0; k < c->cs; k++) {
                t->grid[r][col + k] = c->text;
                t->spanned[r][col + k] = k > 0;
                rem[col + k] = c->rs - 1;
                txt[col + k] = c->text;
            }
            col += c->cs;
        }
        if (col > t->n_cols)
            t->n_cols = col;
    }
}

static struct gtable tables[3];
static int built;

static void
build(void)
{
    if (built)
        return;
    built = 1;
    memset(tables, 0, sizeof(tables));
    struct gtable *t = &tables[0];
    struct grow *r;
    static const int reg[2][3] = {{0, 0, 0}, {2, 1, 15}};
    static const char *const sect[4] = {"第二十条第（一）项", "第二十条第（五）项",
                                        "第二十条第（六）项", "第二十条第（八）项"};
    r = &t->rows[t->n_rows++];
    add(r, sect[0], 1, 4);
    r = &t->rows[t->n_rows++];
    add(r, "信息内容", 1, 1);
    add(r, "本年制发件数", 1, 1);
    add(r, "本年废止件数", 1, 1);
    add(r, "现行有效件数", 1, 1);
    r = &t->rows[t->n_rows++];
    add(r, "规章", 1, 1);
    values(r, reg[0], 3);
    r = &t->rows[t->n_rows++];
    add(r, "行政规范性文件", 1, 1);
    values(r, reg[1], 3);
    static const char *const blk_rows[3][2] = {
        {"行政许可", NULL}, {"行政处罚", "行政强制"}, {"行政事业性收费", NULL}};
    static const char *const blk_vals[3][2] = {{"120", NULL}, {"35", "3"}, {"1.25", NULL}};
    for (int b = 0; b < 3; b++) {
        r = &t->rows[t->n_rows++];
        add(r, sect[b + 1], 1, 4);
        r = &t->rows[t->n_rows++];
        add(r, "信息内容", 1, 1);
        add(r, b == 2 ? "本年收费金额（单位：万元）" : "本年处理决定数量", 1, 3);
        for (int k = 0; k < 2 && blk_rows[b][k]; k++) {
            r = &t->rows[t->n_rows++];
            add(r, blk_rows[b][k], 1, 1);
            add(r, blk_vals[b][k], 1, 3);
        }
    }
    expand(t);

    t = &tables[1];
    r = &t->rows[t->n_rows++];
    add(r, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3);
    add(r, "申请人情况", 1, 7);
    r = &t->rows[t->n_rows++];
    add(r, "自然人", 2, 1);
    add(r, "法人或其他组织", 1, 5);
    add(r, "总计", 2, 1);
    r = &t->rows[t->n_rows++];
    for (int i = 0; i < 5; i++)
        add(r, t3_cols[i], 1, 1);
    unsigned v = 0;
    r = &t->rows[t->n_rows++];
    add(r, "一、本年新收政府信息公开申请数量", 1, 3);
    values(r, t3v[v++], 7);
    r = &t->rows[t->n_rows++];
    add(r, "二、上年结转政府信息公开申请数量", 1, 3);
    values(r, t3v[v++], 7);
    r = &t->rows[t->n_rows++];
    add(r, "三、本年度办理结果", 22, 1);
    add(r, "（一）予以公开", 1, 2);
    values(r, t3v[v++], 7);
    r = &t->rows[t->n_rows++];
    add(r, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2);
    values(r, t3v[v++], 7);
    struct {
        const char *label;
        const char *const *sub;
        unsigned n;
    } groups[4] = {{"（三）不予公开", t3_sub3, 8},
                   {"（四）无法提供", t3_sub4, 3},
                   {"（五）不予处理", t3_sub5, 5},
                   {"（六）其他处理", t3_sub6, 3}};
    for (int g = 0; g < 4; g++) {
        for (unsigned k = 0; k < groups[g].n; k++) {
            r = &t->rows[t->n_rows++];
            if (k == 0)
                add(r, groups[g].label, groups[g].n, 1);
            add(r, groups[g].sub[k], 1, 1);
            values(r, t3v[v++], 7);
        }
    }
    r = &t->rows[t->n_rows++];
    add(r, "（七）总计", 1, 2);
    values(r, t3v[v++], 7);
    r = &t->rows[t->n_rows++];
    add(r, "四、结转下年度继续办理", 1, 3);
    values(r, t3v[v++], 7);
    expand(t);

    t = &tables[2];
    r = &t->rows[t->n_rows++];
    add(r, "行政复议", 1, 5);
    add(r, "行政诉讼", 1, 10);
    r = &t->rows[t->n_rows++];
    for (int i = 0; i < 5; i++)
        add(r, t4_leaf[i], 2, 1);
    add(r, "未经复议直接起诉", 1, 5);
    add(r, "复议后起诉", 1, 5);
    r = &t->rows[t->n_rows++];
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 5; i++)
            add(r, t4_leaf[i], 1, 1);
    r = &t->rows[t->n_rows++];
    int vals[15];
    memcpy(vals, t4v, sizeof(vals));
    vals[4] = T4_WRONG_TOTAL;
    values(r, vals, 15);
    expand(t);
}

const char *
nj_gen_cell(int table, unsigned row, unsigned col, int *spanned)
{
    build();
    if (table < 1 || table > 3)
        return NULL;
    const struct gtable *t = &tables[table - 1];
    if (row >= t->n_rows || col >= t->n_cols || t->grid[row][col] == NULL)
        return NULL;
    if (spanned)
        *spanned = t->spanned[row][col];
    return t->grid[row][col];
}

unsigned
nj_gen_rows(int table)
{
    build();
    return tables[table - 1].n_rows;
}

unsigned
nj_gen_cols(int table)
{
    build();
    return tables[table - 1].n_cols;
}

/* ---- the prose ---------------------------------------------------------------------- */

static const char title[] = "示例县商务局2023年政府信息公开工作年度报告";
static const char *const preamble[] = {
    "本报告根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号的要求编制。"
    "本报告中使用数据统计期限为2023年1月1日至12月31日。",
};
static const char *const part_heading[6] = {
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
};
static const char *const part1[] = {
    "（一）主动公开。本局在门户网站主动公开政策文件、工作动态和统计数据，及时发布政策解读。",
    "（二）依申请公开。全年共收到政府信息公开申请12件，均在法定期限内答复。",
    "（三）政府信息管理。落实公开前保密审查，动态更新行政规范性文件目录。",
    "（四）政府信息公开平台建设。优化门户网站政务公开专栏，加强政务新媒体管理。",
    "（五）监督保障。将政务公开纳入年度工作考核，开展社会评议，落实责任追究。",
};
static const char *const part5[] = {
    "存在的主要问题：政策解读形式较为单一，公开内容的及时性有待提高。",
    "改进措施：丰富图解、视频等解读形式，完善信息发布审核流程。上年度问题已全部整改。",
};
static const char *const part6[] = {
    "本机关2023年度未收取政府信息公开信息处理费。",
};

/* ---- the forms ---------------------------------------------------------------------- */

#define ADD(s) rc |= nj_sb_add(out, (s), strlen(s))

static int
txt_table(struct nj_sb *out, const struct gtable *t, int md)
{
    int rc = 0;
    for (unsigned r = 0; r < t->n_rows; r++) {
        if (md)
            ADD("| ");
        for (unsigned c = 0; c < t->n_cols; c++) {
            if (c)
                ADD(md ? " | " : "\t");
            if (t->grid[r][c] != NULL && !t->spanned[r][c])
                ADD(t->grid[r][c]);
        }
        ADD(md ? " |\n" : "\n");
        if (md && r == 0) {
            ADD("|");
            for (unsigned c = 0; c < t->n_cols; c++)
                ADD(" --- |");
            ADD("\n");
        }
    }
    return rc;
}

static int
txt_paras(struct nj_sb *out, const char *const *p, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        ADD(p[i]);
        ADD("\n\n");
    }
    return rc;
}

static int
gen_text(struct nj_sb *out, int md)
{
    int rc = 0;
    if (md)
        ADD("# ");
    ADD(title);
    ADD("\n\n");
    rc |= txt_paras(out, preamble, 1);
    for (int p = 0; p < 6; p++) {
        if (md)
            ADD("## ");
        ADD(part_heading[p]);
        ADD("\n\n");
        if (p == 0)
            rc |= txt_paras(out, part1, 5);
        else if (p <= 3) {
            rc |= txt_table(out, &tables[p - 1], md);
            ADD("\n");
        } else if (p == 4)
            rc |= txt_paras(out, part5, 2);
        else
            rc |= txt_paras(out, part6, 1);
    }
    return rc;
}

/* HTML: a portal page; labels and headers split the way portals split them. */
static int
html_cell_text(struct nj_sb *out, const char *s)
{
    int rc = 0;
    if (strcmp(s, "三、本年度办理结果") == 0) {
        ADD("<p>三、本</p><p>年<span>度办</span>\n &nbsp; &nbsp;</p><p><span>理结果</span></p>");
    } else if (strcmp(s, "结果纠正") == 0) {
        ADD("<p>结果<br/>纠正</p>");
    } else if (strcmp(s, "社会公益组织") == 0) {
        ADD("<p>社会</p><p><span>公益</span>\n &nbsp; &nbsp;</p><p><span>组织</span></p>");
    } else if (s[0] >= '0' && s[0] <= '9') {
        ADD("<p>&nbsp;");
        ADD(s);
        ADD("&nbsp;</p>");
    } else {
        ADD("<p>");
        ADD(s);
        ADD("</p>");
    }
    return rc;
}

static int
html_table(struct nj_sb *out, const struct gtable *t)
{
    int rc = 0;
    char attr[64];
    ADD("<table border=\"1\" cellspacing=\"0\"><tbody>\n");
    for (unsigned r = 0; r < t->n_rows; r++) {
        ADD("<tr>");
        for (unsigned i = 0; i < t->rows[r].n; i++) {
            const struct gcell *c = &t->rows[r].c[i];
            ADD("<td");
            if (c->rs > 1) {
                snprintf(attr, sizeof(attr), " rowspan=\"%u\"", c->rs);
                ADD(attr);
            }
            if (c->cs > 1) {
                snprintf(attr, sizeof(attr), " colspan=\"%u\"", c->cs);
                ADD(attr);
            }
            ADD(" valign=\"center\">");
            rc |= html_cell_text(out, c->text);
            ADD("</td>");
        }
        ADD("</tr>\n");
    }
    ADD("</tbody></table>\n");
    return rc;
}

static int
gen_html(struct nj_sb *out)
{
    int rc = 0;
    ADD("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
    ADD(title);
    ADD("_政府信息公开年报</title>\n<script>var x = \"一、总体情况 二、主动公开\";</script>"
        "<style>p{margin:0}</style></head>\n<body>\n"
        "<div class=\"top\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a>"
        "</li><li><a href=\"/nb/\">政府信息公开年报</a></li></ul></div>\n"
        "<nav><a href=\"/\">网站首页</a> <a href=\"/xxgk/\">信息公开</a></nav>\n"
        "<div class=\"main\"><div class=\"side\"><p>热点专题</p><p>"
        "<a href=\"/a\">2022年政府信息公开工作年度报告</a></p></div>\n"
        "<div class=\"article\"><h1>");
    ADD(title);
    ADD("</h1>\n<div class=\"info\">发布时间：2024-01-20 来源：示例县商务局</div>\n"
        "<div class=\"content\">\n");
    for (size_t i = 0; i < 1; i++) {
        ADD("<p>");
        ADD(preamble[i]);
        ADD("</p>\n");
    }
    for (int p = 0; p < 6; p++) {
        ADD("<p><strong><span>");
        ADD(part_heading[p]);
        ADD("</span></strong></p>\n");
        const char *const *paras = NULL;
        size_t n = 0;
        if (p == 0)
            paras = part1, n = 5;
        else if (p == 4)
            paras = part5, n = 2;
        else if (p == 5)
            paras = part6, n = 1;
        else
            rc |= html_table(out, &tables[p - 1]);
        for (size_t i = 0; i < n; i++) {
            ADD("<p>");
            ADD(paras[i]);
            ADD("</p>\n");
        }
    }
    ADD("<p>&nbsp;</p></div></div></div>\n"
        "<div class=\"footer\"><p>主办：示例县人民政府办公室</p><p>网站标识码：0000000000</p>"
        "</div>\n</body></html>\n");
    return rc;
}

/* DOCX: word/document.xml as Word writes it (numbers split across runs). */
static int
docx_runs(struct nj_sb *out, const char *s)
{
    int rc = 0;
    size_t n = strlen(s);
    if (n >= 2 && s[0] >= '0' && s[0] <= '9') {
        /* a number split across two runs: "1" "2" must read "12" */
        char a[8] = {0};
        a[0] = s[0];
        ADD("<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t>");
        ADD(a);
        ADD("</w:t></w:r><w:r><w:t>");
        ADD(s + 1);
        ADD("</w:t></w:r>");
    } else {
        ADD("<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">");
        ADD(s);
        ADD("</w:t></w:r>");
    }
    return rc;
}

static int
docx_para(struct nj_sb *out, const char *s, const char *style)
{
    int rc = 0;
    ADD("<w:p w:rsidR=\"00A1B2C3\">");
    if (style != NULL) {
        ADD("<w:pPr><w:pStyle w:val=\"");
        ADD(style);
        ADD("\"/></w:pPr>");
    }
    rc |= docx_runs(out, s);
    ADD("</w:p>\n");
    return rc;
}

static int
docx_table(struct nj_sb *out, const struct gtable *t)
{
    int rc = 0;
    char attr[96];
    ADD("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
    for (unsigned c = 0; c < t->n_cols; c++)
        ADD("<w:gridCol w:w=\"600\"/>");
    ADD("</w:tblGrid>\n");
    for (unsigned r = 0; r < t->n_rows; r++) {
        ADD("<w:tr>");
        for (unsigned c = 0; c < t->n_cols;) {
            /* find the row where this column's covering cell starts */
            unsigned start = r;
            while (start > 0 && t->cs[start][c] == 0 && t->spanned[start][c])
                start--;
            unsigned cs = t->cs[start][c] ? t->cs[start][c] : 1;
            unsigned rs = t->rs[start][c] ? t->rs[start][c] : 1;
            ADD("<w:tc><w:tcPr>");
            snprintf(attr, sizeof(attr), "<w:tcW w:w=\"%u\" w:type=\"dxa\"/>", 600 * cs);
            ADD(attr);
            if (cs > 1) {
                snprintf(attr, sizeof(attr), "<w:gridSpan w:val=\"%u\"/>", cs);
                ADD(attr);
            }
            if (rs > 1)
                ADD(start == r ? "<w:vMerge w:val=\"restart\"/>" : "<w:vMerge/>");
            ADD("<w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr><w:jc "
                "w:val=\"center\"/></w:pPr>");
            if (start == r)
                rc |= docx_runs(out, t->grid[r][c]);
            ADD("</w:p></w:tc>");
            c += cs;
        }
        ADD("</w:tr>\n");
    }
    ADD("</w:tbl>\n");
    return rc;
}

static int
gen_docx_xml(struct nj_sb *out)
{
    int rc = 0;
    ADD("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<w:document "
        "xmlns:wpc=\"http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas\" "
        "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
        "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" "
        "mc:Ignorable=\"w14\"><w:body>\n");
    rc |= docx_para(out, title, "Title");
    rc |= docx_para(out, preamble[0], NULL);
    for (int p = 0; p < 6; p++) {
        rc |= docx_para(out, part_heading[p], "Heading1");
        if (p == 0)
            for (int i = 0; i < 5; i++)
                rc |= docx_para(out, part1[i], NULL);
        else if (p <= 3)
            rc |= docx_table(out, &tables[p - 1]);
        else if (p == 4)
            for (int i = 0; i < 2; i++)
                rc |= docx_para(out, part5[i], NULL);
        else
            rc |= docx_para(out, part6[0], NULL);
    }
    ADD("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>\n");
    return rc;
}

int
nj_gen_report(enum nj_gen_form form, struct nj_sb *out)
{
    build();
    switch (form) {
    case NJ_GEN_TXT:
        return gen_text(out, 0) ? -1 : 0;
    case NJ_GEN_MD:
        return gen_text(out, 1) ? -1 : 0;
    case NJ_GEN_HTML:
        return gen_html(out) ? -1 : 0;
    case NJ_GEN_DOCX_XML:
        return gen_docx_xml(out) ? -1 : 0;
    }
    return -1;
}

static const char styles_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
    "<w:pPr><w:outlineLvl w:val=\"0\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/></w:style>"
    "</w:styles>";

int
nj_gen_report_docx(unsigned char **out, size_t *len)
{
    struct nj_sb sb;
    nj_sb_init(&sb);
    int rc = nj_gen_report(NJ_GEN_DOCX_XML, &sb);
    if (rc == 0)
        rc = nj_testzip_docx(nj_sb_cstr(&sb), styles_xml, out, len);
    nj_sb_free(&sb);
    return rc;
}
