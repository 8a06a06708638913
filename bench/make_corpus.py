#!/usr/bin/env python3
"""Writes N reports of about ten kilobytes for the check benchmark (bench/run.sh).

Each report is the golden fixtures' report (tests/fixtures/make_fixtures.py) with its own
organisation, consistent random statistics and enough prose to weigh about 10 KB, in the
four text table styles (tab, ` | `, Markdown, space layout).  One in ten is GB18030; one
in five carries a seeded mistake (a total off by one, a ragged row, a missing part), so the
benchmark pays for findings and messages as real batches do.  Deterministic (seeded).

Usage: make_corpus.py DIR [N]
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures"))
import make_fixtures as mf  # noqa: E402

ORGS = ["市场监督管理局", "教育局", "民政局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局",
        "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局"]
PLACES = ["示例县", "临江区", "青山市", "白云县", "东湖区", "北川县", "南岭市"]

PROSE = ("本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《中华人民共和国政府信息公开条例》，"
         "围绕中心工作，持续深化政务公开，推进决策、执行、管理、服务、结果公开，不断提升政务公开标准化规范化水平。"
         "在主动公开方面，通过政府门户网站、政务新媒体和政务服务中心等渠道及时发布政策文件、工作动态和公共服务信息。"
         "在依申请公开方面，严格按照法定程序受理、办理和答复，做到件件有回音、事事有着落。"
         "在政府信息管理方面，严格落实发布审查制度。在平台建设方面，持续优化公开专栏。"
         "在监督保障方面，将政务公开纳入年度绩效考核。")


def t3_numbers(rng):
    rows = [[0] * 7 for _ in range(25)]
    for c in range(6):
        for r in range(2, 23):
            if rng.random() < 0.3:
                rows[r][c] = rng.randint(0, 20)
        rows[23][c] = sum(rows[r][c] for r in range(2, 23))
        rows[24][c] = rng.randint(0, 3)
        carried = rng.randint(0, min(3, rows[23][c] + rows[24][c]))
        rows[1][c] = carried
        rows[0][c] = rows[23][c] + rows[24][c] - carried
    for r in rows:
        r[6] = sum(r[:6])
    return [[str(v) for v in r] for r in rows]


def t4_numbers(rng):
    out = []
    for _ in range(3):
        g = [rng.randint(0, 5) for _ in range(4)]
        out += [str(v) for v in g] + [str(sum(g))]
    return out


def one(rng, i):
    org = rng.choice(PLACES) + rng.choice(ORGS)
    t3 = t3_numbers(rng)
    t4 = t4_numbers(rng)
    style = ["tab", "pipe", "md", "layout"][i % 4]
    kw = {}
    flaw = rng.random()
    if flaw < 0.07:
        t3[23][6] = str(int(t3[23][6]) + 1)
    elif flaw < 0.14:
        t3[9] = t3[9][:6]
    elif flaw < 0.2:
        kw["headings"] = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                          "四、政府信息公开行政复议、行政诉讼情况", "", "六、其他需要报告的事项"]
    part1 = "2025年，" + org + PROSE * 6
    part5 = "存在的问题：" + PROSE[:120] + "改进措施：" + PROSE * 3
    text = mf.report(t3=t3, t4=t4, style=style, part1=part1, part5=part5,
                     title=org + "2025年政府信息公开工作年度报告", **kw)
    return text, ("gb18030" if i % 10 == 9 else "utf-8"), (".md" if style == "md" else ".txt")


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20251231)
    for i in range(n):
        text, enc, ext = one(rng, i)
        with open(os.path.join(out, "r%04d%s" % (i, ext)), "wb") as f:
            f.write(text.encode(enc))


if __name__ == "__main__":
    main()
