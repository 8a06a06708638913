#!/usr/bin/env python3
"""Seeded mistakes, each reported by exactly the right rule (issue 2, "Done means").

Makes SEEDS random, internally consistent 2021-format reports (random statistics in table
三 and 四 that satisfy every relation of report-format.md), each in one of six forms: the
four text table styles (tab, " | ", Markdown, space layout) in UTF-8, UTF-8 with BOM,
GB18030 or UTF-16LE; a portal page (navigation around the article, tables with the
official merged cells as rowspan/colspan, charset declared as portals do); a Word package
(w:gridSpan, w:vMerge).  One report in eight is a 2020 report in the 2019 format (its
table 二 with negative 本年增/减 and 采购总金额 in 元, table 三 with （六） as one row; tab
style, where the 2019 rows allow the mistake).  It checks that each passes with no warning or error, then makes
one kind of mistake at a time and checks that the warning and error rules reported are
exactly the ones the mistake breaks, and that the status is fail exactly when one of them
is an error.  The expected rules come from
the relations of rules.md and report-format.md, worked out here for each mutation:

  a sub-item cell of table 三 (applicant column) +1   T3.ROW_TOTAL, T3.RESULT_TOTAL
  the same in the 总计 column                          T3.ROW_TOTAL, T3.RESULT_TOTAL
  （七）总计 (applicant column) +1                     T3.ROW_TOTAL, T3.RESULT_TOTAL, T3.BALANCE
  上年结转 / 结转下年度 / 本年新收 (applicant col) +1  T3.ROW_TOTAL, T3.BALANCE
  a component of table 四 +1, or one of its totals +1 T4.TOTAL
  a zero cell of table 三 left blank or "—"           T3.BLANK
  four cells of a rectangle in table 三 moved by ±d so that every sum still holds, one of
  them made negative (or all four fractional)          T3.VALUE
  one value dropped from a sub-item row               T3.CELLS (and no arithmetic alarm)
  a sub-item row that is all zero left out             T3.ROWS
  the 其他 column (all zero) left out                  T3.COLUMNS
  part 五's heading (and so the part) left out        SEC.MISSING
  a count of table 二 negative                         T2.VALUE
  a cell of table 二 given as "—"                      T2.BLANK
  part 一 states a count of applications received,
  handled, or of 行政复议, that the tables do not give TEXT.T3_COUNT, TEXT.T3_DONE,
                                                      TEXT.T4_COUNT
  part 一 says all were handled, some carried forward TEXT.ALL_DONE
  table 三 or 四 left out                              T3.MISSING, T4.MISSING
  a row label or part heading variant                 T3.LABEL, SEC.HEADING
  part 五 numbered 四                                  SEC.ORDER
  full-width digits, thousands separators, 件 after
  counts, half-width brackets or spaces in row
  labels, CRLF line ends, Markdown alignment marks
  (normalised, §8.3)                                  nothing

Info findings (DOC.ENCODING, DOC.FORMAT) are not compared.  Usage:
  mutation_test.py NIANJIAN [SEEDS]
Prints one line per failure and a summary; exits 1 on any failure.
"""
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import make_fixtures as mf  # noqa: E402

SUB = list(range(2, 23))  # the 办理结果 sub-item rows (一)…(六)3
STYLES = ["tab", "pipe", "md", "layout", "html", "docx"]
ENCODINGS = ["utf-8", "gb18030", "utf-8-sig", "utf-16le-bom", "utf-8", "utf-8", "gb18030"]


def random_t3(rng):
    """Table 三 as 25 rows of 7 ints satisfying H1, H2 and H3."""
    rows = [[0] * 7 for _ in range(25)]
    for c in range(6):
        for r in SUB:
            if rng.random() < 0.35:
                rows[r][c] = rng.randint(1, 30)
        rows[23][c] = sum(rows[r][c] for r in SUB)
        rows[24][c] = rng.randint(0, 4)
        carried = rng.randint(0, min(4, rows[23][c] + rows[24][c]))
        rows[1][c] = carried
        rows[0][c] = rows[23][c] + rows[24][c] - carried
    # make sure a few sub-items are non-zero in the first column, so mutations have room
    if rows[23][0] == 0:
        rows[2][0] = 3
        rows[23][0] = 3
        rows[0][0] += 3
    for r in rows:
        r[6] = sum(r[:6])
    return rows


def random_t4(rng):
    out = []
    for _ in range(3):
        g = [rng.randint(0, 6) for _ in range(4)]
        out += g + [sum(g)]
    return out


T2_BASE = [("规章", ["0", "0", "0"]), ("行政规范性文件", ["2", "1", "15"]),
           ("行政许可", ["120"]), ("行政处罚", ["35"]), ("行政强制", ["3"]),
           ("行政事业性收费", ["1.25"])]

PART1 = ("{y}年，本局认真贯彻《中华人民共和国政府信息公开条例》。主动公开方面，全年主动公开政府信息120条。"
         "依申请公开方面，全年共收到政府信息公开申请{n}件，均依法答复。政府信息管理方面，严格执行发布审查制度。"
         "平台建设方面，持续优化政府网站信息公开专栏。监督保障方面，将政务公开纳入年度考核。")


def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def td(t, rs=1, cs=1):
    """A cell of the block model: text, rowspan, colspan."""
    return (t, rs, cs)


def blocks_of(t3, t4, t2, part1, t3_header=None, t3_labels=None, headings=None,
              drop_t3=False, drop_t4=False):
    """The report as paragraphs ("p", text) and tables ("table", rows of cells) with the
    merged cells of the official layout (rowspan, colspan)."""
    H = headings or HEADINGS
    hdr = t3_header or ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    labels = t3_labels or mf.T3_LABELS
    o = [("p", "示例县市场监督管理局2025年政府信息公开工作年度报告"),
         ("p", "本报告所列数据的统计期限为2025年1月1日至2025年12月31日。")]

    def part(i, text):
        if H[i]:
            o.append(("p", H[i]))
            if text:
                o.append(("p", text))
    part(0, part1)
    part(1, None)
    t2d = dict(t2)
    for cap, head, rows_ in [("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                              ["规章", "行政规范性文件"]),
                             ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], ["行政许可"]),
                             ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], ["行政处罚", "行政强制"]),
                             ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"],
                              ["行政事业性收费"])]:
        rows = [[td(cap, cs=len(head))], [td(h) for h in head]]
        rows += [[td(c) for c in [r] + t2d[r]] for r in rows_ if r in t2d]
        o.append(("table", rows))
    part(2, None)
    if not drop_t3:
        n_org = len(hdr) - 2  # the columns under 法人或其他组织
        rows = [[td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3),
                 td("申请人情况", cs=len(hdr))],
                [td(hdr[0], rs=2), td("法人或其他组织", cs=n_org), td(hdr[-1], rs=2)],
                [td(h) for h in hdr[1:-1]]]
        # level-1 labels span the rows of their group, level-2 labels their sub-items; a
        # label without a lower level spans the label columns left
        for i, (l1, l2, l3) in enumerate(labels):
            row = []
            if l1:
                n = 1
                while i + n < len(labels) and not labels[i + n][0]:
                    n += 1
                row.append(td(l1, cs=3) if not l2 and not l3 else td(l1, rs=n))
            if l2:
                n = 1
                while i + n < len(labels) and not labels[i + n][0] and not labels[i + n][1]:
                    n += 1
                row.append(td(l2, rs=n) if l3 else td(l2, cs=2))
            if l3:
                row.append(td(l3))
            rows.append(row + [td(v) for v in t3[i]])
        o.append(("table", rows))
    part(3, None)
    if not drop_t4:
        five = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        o.append(("table", [[td("行政复议", cs=5), td("行政诉讼", cs=10)],
                            [td(h, rs=2) for h in five] + [td("未经复议直接起诉", cs=5),
                                                            td("复议后起诉", cs=5)],
                            [td(h) for h in five * 2],
                            [td(v) for v in t4]]))
    part(4, "存在的问题：政策解读形式不够丰富。改进措施：下一步将加强培训，丰富解读形式。")
    part(5, "本机关2025年度未收取政府信息公开信息处理费。")
    return o


def html_of(blocks, charset):
    """A portal page: navigation and footer around the article."""
    o = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s">' % charset,
         '<title>政府信息公开年报</title></head><body>',
         '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>',
         '<div class="article">']
    for kind, x in blocks:
        if kind == "p":
            o.append("<p>%s</p>" % esc(x))
            continue
        o.append('<table border="1">')
        for row in x:
            o.append("<tr>%s</tr>" % "".join(
                "<td%s%s>%s</td>" % (' rowspan="%d"' % rs if rs > 1 else "",
                                     ' colspan="%d"' % cs if cs > 1 else "",
                                     esc(t) if t != "" else "&nbsp;") for t, rs, cs in row))
        o.append("</table>")
    o.append('</div><div class="footer">主办单位：示例县人民政府办公室</div></body></html>')
    return "\n".join(o) + "\n"


def docx_of(blocks):
    """A minimal Word package: paragraphs, and tables with w:gridSpan and w:vMerge."""
    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def para(t):
        return "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>" % esc(t) if t \
            else "<w:p/>"
    body = []
    for kind, x in blocks:
        if kind == "p":
            body.append(para(x))
            continue
        width = sum(cs for _, _, cs in x[0])
        covered = {}  # (row, col) -> colspan of a cell merged from above
        out = ["<w:tbl><w:tblGrid>%s</w:tblGrid>" % ('<w:gridCol w:w="800"/>' * width)]
        for ri, row in enumerate(x):
            cells, col, it = [], 0, iter(row)
            while col < width:
                if (ri, col) in covered:
                    cs = covered[(ri, col)]
                    cells.append('<w:tc><w:tcPr>%s<w:vMerge/></w:tcPr><w:p/></w:tc>' %
                                 ('<w:gridSpan w:val="%d"/>' % cs if cs > 1 else ""))
                    col += cs
                    continue
                cell = next(it, None)
                if cell is None:
                    break  # a short (ragged) row
                t, rs, cs = cell
                for k in range(1, rs):
                    covered[(ri + k, col)] = cs
                pr = ('<w:gridSpan w:val="%d"/>' % cs if cs > 1 else "") + \
                    ('<w:vMerge w:val="restart"/>' if rs > 1 else "")
                cells.append("<w:tc>%s%s</w:tc>" % ("<w:tcPr>%s</w:tcPr>" % pr if pr else "",
                                                   para(t)))
                col += cs
            out.append("<w:tr>%s</w:tr>" % "".join(cells))
        out.append("</w:tbl>")
        body.append("".join(out))
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document %s><w:body>%s'
           "</w:body></w:document>" % (W, "".join(body)))
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
             'package/2006/content-types"><Default Extension="rels" ContentType="application/'
             'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             'ContentType="application/xml"/><Override PartName="/word/document.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
             'document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


class Report:
    def __init__(self, rng, seed):
        self.t3 = random_t3(rng)
        self.t4 = random_t4(rng)
        self.t2 = [(k, list(v)) for k, v in T2_BASE]
        self.style = STYLES[seed % len(STYLES)]
        self.enc = ENCODINGS[seed % len(ENCODINGS)]
        self.t3_cells = None  # text cells when a mutation needs them
        self.t3_header = None
        self.t3_labels = None
        self.headings = None
        self.drop_t3 = self.drop_t4 = False
        self.eol = "\n"
        self.md_align = False
        # one report in eight in the 2019 format (a 2020 report; tab style)
        self.fmt2019 = seed % 8 == 7
        if self.fmt2019:
            self.style, self.enc = "tab", ENCODINGS[seed % 3]
        self.year = 2020 if self.fmt2019 else 2025
        self.part1 = PART1.format(n=self.t3[0][6], y=self.year)

    def clone(self):
        c = Report.__new__(Report)
        c.__dict__ = {k: (json.loads(json.dumps(v)) if isinstance(v, list) else v)
                      for k, v in self.__dict__.items()}
        return c

    def text(self):
        cells = self.t3_cells or [[str(v) for v in r] for r in self.t3]
        if self.fmt2019:
            return mf.report_2019(t3=cells, t4=[str(v) for v in self.t4], part1=self.part1,
                                  t3_labels=self.t3_labels, headings=self.headings,
                                  drop_t3=self.drop_t3, drop_t4=self.drop_t4)
        return mf.report(t3=cells, t4=[str(v) for v in self.t4], t2=self.t2, style=self.style,
                         part1=self.part1, t3_header=self.t3_header, t3_labels=self.t3_labels,
                         headings=self.headings, drop_t3=self.drop_t3, drop_t4=self.drop_t4)

    def blocks(self):
        cells = self.t3_cells or [[str(v) for v in r] for r in self.t3]
        return blocks_of(cells, [str(v) for v in self.t4], self.t2, self.part1,
                         t3_header=self.t3_header, t3_labels=self.t3_labels,
                         headings=self.headings, drop_t3=self.drop_t3, drop_t4=self.drop_t4)

    def data(self):
        if self.style == "docx":
            return docx_of(self.blocks())
        if self.style == "html":
            charset = {"gb18030": "gb2312", "utf-16le-bom": "utf-16"}.get(self.enc, "utf-8")
            t = html_of(self.blocks(), charset)
        else:
            t = self.text()
            if self.md_align:
                t = t.replace("|---|", "|:---:|")
        t = t.replace("\n", self.eol)
        if self.enc == "utf-8-sig":
            return b"\xef\xbb\xbf" + t.encode("utf-8")
        if self.enc == "utf-16le-bom":
            return b"\xff\xfe" + t.encode("utf-16-le")
        return t.encode(self.enc)


# ---- mutations: each returns (report, expected rule ids) or None when it does not apply ----

def subs(r):
    """The sub-item rows whose cells a mutation may write as text: in the 2019 format
    （六）'s three rows are printed as their one sum row."""
    return [x for x in SUB if not (r.fmt2019 and 20 <= x <= 22)]


def m_sub_cell(r0, rng):
    r = r0.clone()
    row, col = rng.choice(SUB), rng.randrange(6)
    r.t3[row][col] += 1
    return r, {"T3.ROW_TOTAL", "T3.RESULT_TOTAL"}


def m_sub_total_col(r0, rng):
    r = r0.clone()
    r.t3[rng.choice(SUB)][6] += 1
    return r, {"T3.ROW_TOTAL", "T3.RESULT_TOTAL"}


def m_result_total(r0, rng):
    r = r0.clone()
    r.t3[23][rng.randrange(6)] += 1
    return r, {"T3.ROW_TOTAL", "T3.RESULT_TOTAL", "T3.BALANCE"}


def m_balance_rows(r0, rng):
    r = r0.clone()
    r.t3[rng.choice([0, 1, 24])][rng.randrange(6)] += 1
    return r, {"T3.ROW_TOTAL", "T3.BALANCE"}


def m_t4(r0, rng):
    r = r0.clone()
    r.t4[rng.randrange(15)] += 1
    return r, {"T4.TOTAL"}


def m_blank(r0, rng):
    zeros = [(row, c) for row in subs(r0) for c in range(6) if r0.t3[row][c] == 0]
    if not zeros:
        return None
    r = r0.clone()
    row, c = rng.choice(zeros)
    r.t3_cells = [[str(v) for v in x] for x in r.t3]
    # the space layout cannot show an empty cell: it takes a placeholder there
    r.t3_cells[row][c] = "—" if r.style == "layout" or rng.random() < 0.5 else ""
    return r, {"T3.BLANK"}


def rectangle(r0, rng, d, make_negative):
    """Moves four cells of sub-item rows r1, r2 and applicant columns c1, c2 by ±d: every
    row and column sum stays as it was."""
    r = r0.clone()
    for _ in range(50):
        r1, r2 = rng.sample(subs(r), 2)
        c1, c2 = rng.sample(range(6), 2)
        if make_negative and r.t3[r1][c1] == 0:
            continue
        dd = r.t3[r1][c1] + 1 if make_negative else d
        cells = [[str(v) for v in x] for x in r.t3]

        def fmt(v):
            return ("%.1f" % v) if isinstance(v, float) else str(v)
        cells[r1][c1] = fmt(r.t3[r1][c1] - dd)
        cells[r1][c2] = fmt(r.t3[r1][c2] + dd)
        cells[r2][c1] = fmt(r.t3[r2][c1] + dd)
        cells[r2][c2] = fmt(r.t3[r2][c2] - dd)
        r.t3_cells = cells
        return r, {"T3.VALUE"}
    return None


def m_negative(r0, rng):
    return rectangle(r0, rng, None, True)


def m_fraction(r0, rng):
    return rectangle(r0, rng, 0.5, False)


def m_ragged(r0, rng):
    r = r0.clone()
    row = rng.choice(subs(r))
    r.t3_cells = [[str(v) for v in x] for x in r.t3]
    r.t3_cells[row] = r.t3_cells[row][:6]
    return r, {"T3.CELLS"}


def m_missing_row(r0, rng):
    # sub-item rows that are all zero, not the first of a group (whose label carries the
    # group's own label in the tab and pipe styles)
    firsts = {2, 3, 4, 12, 15, 20}
    zero = [row for row in SUB if row not in firsts and all(v == 0 for v in r0.t3[row])]
    if not zero or r0.fmt2019:
        return None
    r = r0.clone()
    row = rng.choice(zero)
    keep = [i for i in range(25) if i != row]
    r.t3_cells = [[str(v) for v in r.t3[i]] for i in keep]
    r.t3_labels = [mf.T3_LABELS[i] for i in keep]
    return r, {"T3.ROWS"}


def m_missing_column(r0, rng):
    if any(r0.t3[row][5] for row in range(25)) or r0.fmt2019:
        return None
    r = r0.clone()
    r.t3_cells = [[str(v) for i, v in enumerate(x) if i != 5] for x in r.t3]
    r.t3_header = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "总计"]
    return r, {"T3.COLUMNS"}


HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项"]


def with_heading(r0, i, text, rule):
    """Part I+1's heading written TEXT (left out when empty), which breaks RULE."""
    r = r0.clone()
    r.headings = list(HEADINGS)
    r.headings[i] = text
    return r, {rule}


def m_missing_part5(r0, rng):
    return with_heading(r0, 4, "", "SEC.MISSING")


def m_t2_negative(r0, rng):
    if r0.fmt2019:
        return None  # the 2019 table 二 is the fixtures' own (good-2019.txt)
    r = r0.clone()
    r.t2 = [(k, (["-" + v[0]] if k == "行政许可" else v)) for k, v in r.t2]
    return r, {"T2.VALUE"}


def m_t2_blank(r0, rng):
    if r0.fmt2019:
        return None
    r = r0.clone()
    r.t2 = [(k, (["2", "—", "15"] if k == "行政规范性文件" else v)) for k, v in r.t2]
    return r, {"T2.BLANK"}


def m_text_count(r0, rng):
    r = r0.clone()
    # neither 本年新收 nor 本年新收 + 上年结转 (the 总计 column), which the text may state
    r.part1 = PART1.format(n=r.t3[0][6] + r.t3[1][6] + 7, y=r.year)
    return r, {"TEXT.T3_COUNT"}


def m_text_t4(r0, rng):
    r = r0.clone()
    r.part1 += "全年发生行政复议%d件。" % (r.t4[4] + 3)
    return r, {"TEXT.T4_COUNT"}


def m_text_done(r0, rng):
    r = r0.clone()
    r.part1 += "全年共办结%d件。" % (r.t3[23][6] + 5)
    return r, {"TEXT.T3_DONE"}


def m_all_done(r0, rng):
    r = r0.clone()
    r.part1 += "所有申请全部按时办结。"
    return r, {"TEXT.ALL_DONE"} if r.t3[24][6] > 0 else set()


def m_drop_t3(r0, rng):
    r = r0.clone()
    r.drop_t3 = True
    return r, {"T3.MISSING"}


def m_drop_t4(r0, rng):
    r = r0.clone()
    r.drop_t4 = True
    return r, {"T4.MISSING"}


def m_heading_variant(r0, rng):
    return with_heading(r0, 0, "一、概述", "SEC.HEADING")


def m_numbered_wrong(r0, rng):
    return with_heading(r0, 4, "四、存在的主要问题及改进情况", "SEC.ORDER")


def m_t3_label(r0, rng):
    r = r0.clone()
    r.t3_labels = [tuple(x) for x in mf.T3_LABELS]
    r.t3_labels[5] = ("", "", "2.其他法律法规禁止公开")
    return r, {"T3.LABEL"}


def m_fullwidth(r0, rng):
    """Full-width digits in some cells: normalised, nothing to report (§8.3 1)."""
    r = r0.clone()
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    r.t3_cells = [[str(v) for v in x] for x in r.t3]
    rows = [x for x in range(25) if not (r.fmt2019 and 20 <= x <= 22)]
    for row, c in rng.sample([(row, c) for row in rows for c in range(7)], 5):
        r.t3_cells[row][c] = r.t3_cells[row][c].translate(fw)
    return r, set()


def m_thousands(r0, rng):
    """A count over a thousand written with a thousands separator (§8.3 4), the totals
    kept consistent: nothing to report."""
    r = r0.clone()
    row, c = rng.choice(subs(r)), rng.randrange(6)
    for rr, cc in ((row, c), (row, 6), (23, c), (23, 6), (0, c), (0, 6)):
        r.t3[rr][cc] += 1000
    r.part1 = PART1.format(n=r.t3[0][6], y=r.year)
    r.t3_cells = [["{:,}".format(v) if v >= 1000 and r.style != "layout" else str(v) for v in x]
                  for x in r.t3]
    return r, set()


def m_unit_suffix(r0, rng):
    """Counts written with their unit, 件 (§8.3 6): nothing to report."""
    r = r0.clone()
    r.t3_cells = [[str(v) for v in x] for x in r.t3]
    for row, c in rng.sample([(row, c) for row in subs(r) for c in range(7)], 4):
        r.t3_cells[row][c] += "件"
    return r, set()


def m_halfwidth_brackets(r0, rng):
    """Row labels with half-width brackets, (一) for （一）: canonicalised (§8.3 7)."""
    r = r0.clone()
    r.t3_labels = [tuple(x.replace("（", "(").replace("）", ")") for x in t)
                   for t in mf.T3_LABELS]
    return r, set()


def m_label_spaces(r0, rng):
    """Spaces inside row labels, "（ 一 ） 予 以 公 开": stripped (§8.3 2)."""
    r = r0.clone()
    r.t3_labels = [tuple(" ".join(x) for x in t) for t in mf.T3_LABELS]
    return r, set()


def m_crlf(r0, rng):
    """Windows line ends."""
    if r0.style == "docx":
        return None
    r = r0.clone()
    r.eol = "\r\n"
    return r, set()


def m_md_align(r0, rng):
    """A Markdown table with alignment marks in its separator row (|:---:|)."""
    if r0.style != "md":
        return None
    r = r0.clone()
    r.md_align = True
    return r, set()


MUTATIONS = [m_sub_cell, m_sub_total_col, m_result_total, m_balance_rows, m_t4, m_blank,
             m_negative, m_fraction, m_ragged, m_missing_row, m_missing_column,
             m_missing_part5, m_t2_negative, m_t2_blank, m_text_count, m_drop_t3, m_drop_t4,
             m_heading_variant, m_numbered_wrong, m_t3_label, m_fullwidth, m_thousands,
             m_unit_suffix, m_text_t4, m_text_done, m_all_done, m_halfwidth_brackets,
             m_label_spaces, m_crlf, m_md_align]


# The rules above whose default severity is warning (rules.md); the others are errors.
WARNINGS = {"T2.BLANK", "T3.BLANK", "T3.LABEL", "SEC.HEADING", "SEC.ORDER", "TEXT.T3_COUNT",
            "TEXT.T4_COUNT", "TEXT.T3_DONE", "TEXT.ALL_DONE"}


def rules_of(nianjian, path):
    p = subprocess.run([nianjian, "check", "--format", "json", path], capture_output=True)
    if p.returncode not in (0, 1):
        return None, "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[:300])
    res = json.loads(p.stdout)
    found = {f["rule"] for f in res["findings"] if f["severity"] in ("warning", "error")}
    return found, res["status"]


def main():
    nianjian = sys.argv[1]
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    failures, runs = 0, 0
    with tempfile.TemporaryDirectory(prefix="nj_mut.") as tmp:
        for seed in range(seeds):
            rng = random.Random(1000 + seed)
            base = Report(rng, seed)
            cases = [("clean", base, set())]
            for m in MUTATIONS:
                got = m(base, rng)
                if got is not None:
                    cases.append((m.__name__[2:], got[0], got[1]))
            for name, rep, want in cases:
                ext = {"md": ".md", "html": ".html", "docx": ".docx"}.get(rep.style, ".txt")
                path = os.path.join(tmp, "s%03d-%s%s" % (seed, name, ext))
                with open(path, "wb") as f:
                    f.write(rep.data())
                found, status = rules_of(nianjian, path)
                runs += 1
                # pass unless an expected rule is an error by default (rules.md)
                ok = found == want and (status == "pass") == (want <= WARNINGS)
                if not ok:
                    failures += 1
                    print("FAIL seed %d %s (%s, %s): want %s, got %s (status %s)" %
                          (seed, name, rep.style, rep.enc, sorted(want),
                           sorted(found) if found is not None else None, status))
                    keep = os.environ.get("NJ_MUTATION_KEEP")
                    if keep:
                        os.makedirs(keep, exist_ok=True)
                        with open(os.path.join(keep, os.path.basename(path)), "wb") as f:
                            f.write(rep.data())
    print("%d reports checked (%d seeds, %d kinds of mistake), %d failures" %
          (runs, seeds, len(MUTATIONS), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
