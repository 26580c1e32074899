"""Build the bureau project ledgers (重大项目台账) that tests/excel/test_bureau_workbooks.py imports.

    python tests/data/workbooks/make.py

Each workbook is laid out the way one of Zhangjiagang's towns, parks or bureaus lays out its
ledger: title and 填报单位/填报日期 lines over the header, merged two-row headers (总投资 over
金额 | 单位, 计划开工时间 over 年 | 月), 序号 and 备注 columns, section rows and 小计/合计 rows,
traditional script, 亿 and 万 mixed in one column, dates typed every way, blank rows, hidden
columns, and the 区镇合一 units spelt as clerks spell them. The projects are invented for
the tests (firms are real local names, projects and figures are not).

Beside each workbook, ``<name>.expected.json`` holds what the clerk meant, written by hand
below (``EXPECTED``), never taken from what the importer outputs: per project its name (as
kept: simplified, no line breaks), township unit code, total investment in 万元 with its
qualifier (or its original currency and amount), stated stage, every stage date
(``planned_started``: ``2023-06``), and the other fields the sheet states; the warnings the
import should give (none: every 小计/合计 adds up); for a workbook the import must refuse,
the cells it must name.

For a 区镇合一 spelling ``A(B)`` or ``A/B`` the unit is A, the first half, as the ledger's own
aliases read ``保税区(金港镇)``.

Deterministic: same bytes on every run (fixed document dates, no clock).
Needs XlsxWriter only; the .ods and .csv files are written directly.
"""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter

HERE = Path(__file__).resolve().parent
CREATED = datetime.datetime(2023, 7, 5, 9, 0, 0)

# Township units (GB/T 10114 statistical division codes, regions/data).
JINGANG, YANGSHE, TANGQIAO, JINFENG, LEYU, FENGHUANG, NANFENG, DAXIN = (
    "320582001", "320582100", "320582101", "320582103", "320582104", "320582105",
    "320582106", "320582107",
)  # fmt: skip
CHANGYINSHA, JINGKAI, BAOSHUI, YEJIN, SHUANGSHAN = (
    "320582400", "320582401", "320582403", "320582406", "320582407"
)  # fmt: skip


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


class Sheet:
    """An XlsxWriter sheet written row by row: dates as Excel dates, "" left empty."""

    def __init__(self, book: Book, name: str) -> None:
        self.book, self.ws = book, book.wb.add_worksheet(name)

    def row(self, r: int, values: list[Any], fmt=None) -> None:
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                moment = datetime.datetime.combine(value, datetime.time())
                self.ws.write_datetime(r, c, moment, self.book.date)
            else:
                self.ws.write(r, c, value, fmt)

    def merge(self, cells: str, text: Any, fmt=None) -> None:
        self.ws.merge_range(cells, text, fmt or self.book.head)


class Book:
    def __init__(self, name: str) -> None:
        self.wb = xlsxwriter.Workbook(str(HERE / name))
        self.wb.set_properties({"created": CREATED, "author": "zhaoshang tests"})
        self.title = self.wb.add_format({"bold": True, "font_size": 16, "align": "center"})
        self.head = self.wb.add_format(
            {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.date_cn = self.wb.add_format({"num_format": 'yyyy"年"m"月"'})

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, name)

    def close(self) -> None:
        self.wb.close()


# --------------------------------------------------------------------------------------------
# The workbooks
# --------------------------------------------------------------------------------------------


def yejin_jinfeng() -> None:
    """冶金工业园（锦丰镇）: 总投资 over 金额 | 单位 (the unit written per row), 计划开工时间 and
    计划竣工时间 over 年 | 月, sections with 小计 in the name column, 合计 in 亿元, 备注."""
    book = Book("01_yejin_jinfeng.xlsx")
    s = book.sheet("重大项目台账")
    s.merge("A1:M1", "2023年冶金工业园（锦丰镇）重大产业项目推进台账", book.title)
    s.merge("A2:F2", "填报单位：冶金工业园（锦丰镇）经济发展和科技局", None)
    s.merge("H2:M2", "填报日期：2023年7月5日", None)
    for cells, text in (("A3:A4", "序号"), ("B3:B4", "项目名称"), ("C3:C4", "建设单位"),
                        ("D3:D4", "所在区镇"), ("G3:G4", "建设内容及规模"),
                        ("L3:L4", "项目阶段"), ("M3:M4", "备注")):  # fmt: skip
        s.merge(cells, text)
    s.merge("E3:F3", "总投资")
    s.merge("H3:I3", "计划开工时间")
    s.merge("J3:K3", "计划竣工时间")
    s.row(3, ["", "", "", "", "金额", "单位", "", "年", "月", "年", "月"], book.head)
    s.merge("A5:M5", "一、工业项目", None)
    rows = [
        [1, "信义光伏玻璃三期扩建项目", "信义光伏(苏州)有限公司", "冶金工业园/锦丰镇", 15, "亿元",
         "年产光伏玻璃原片120万吨", 2023, 3, 2024, 6, "在建", ""],
        [2, "沙钢高性能精品钢材改造项目", "江苏沙钢集团有限公司", "锦丰镇", 8000, "万元",
         "精品钢材产线智能化改造", 2023, 9, "", "", "签约", ""],
        [3, "浦项不锈钢冷轧新材料项目", "张家港浦项不锈钢有限公司", "冶金工业园", 3.2, "亿元",
         "不锈钢冷轧精密带材", 2023, 12, 2025, 6, "签约", "含外资2000万美元，外商独资"],
        ["", "小计", "", "", 19, "亿元"],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=5):
        s.row(r, values)
    s.merge("A10:M10", "二、服务业项目", None)
    rows = [
        [4, "冶金园科创中心", "张家港冶金工业园建设发展有限公司", "冶金工业园(锦丰镇)", "约2",
         "亿元", "科创载体5万平方米", 2023, "", "", "", "洽谈", ""],
        [5, "锦丰镇商贸物流园", "张家港锦丰物流有限公司", "锦丰 镇", 6500, "万元",
         "仓储物流8万平方米", 2022, 11, 2023, 10, "已竣工", "二期用地待报批"],
        ["", "小计", "", "", 2.65, "亿元"],
        ["合计", "", "", "", 21.65, "亿元"],
        [],
        ["审核人：王芳", "", "", "", "", "", "", "填表人：李明    联系电话：0512-58780000"],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=10):
        s.row(r, values)
    s.ws.set_column("B:C", 30)
    book.close()


def jingkai_yangshe() -> None:
    """经开区（杨舍镇）: one header row, 总投资（亿元） with numbers and "5000万", "约2亿",
    "超10亿元" in it, Excel dates and dates typed as text, a hidden 联系人 column, 合计 last."""
    book = Book("02_jingkai_yangshe.xlsx")
    s = book.sheet("2023年重大项目")
    s.merge("A1:K1", "张家港经济技术开发区（杨舍镇）2023年重大项目清单", book.title)
    s.row(1, ["填报单位：经开区（杨舍镇）发展改革局（盖章）", "", "", "", "", "",
              "填报日期：2023-06-30"])  # fmt: skip
    s.row(2, ["序号", "项目名称", "项目单位", "所在镇区", "总投资（亿元）",
              "其中：2023年计划投资（亿元）", "建设性质", "计划开工时间", "计划竣工时间",
              "联系人", "备注"], book.head)  # fmt: skip
    rows = [
        [1, "华昌化工新材料一体化项目", "江苏华昌化工股份有限公司", "经开区（杨舍镇）", 3.5, 1.2,
         "新建", d(2023, 4, 1), d(2024, 12, 31), "张工 13800000001", ""],
        [2, "国泰新点软件研发总部", "国泰新点软件股份有限公司", "杨舍镇", "5000万", "2000万",
         "扩建", "2023.6", "2024.6", "", ""],
        [3, "东渡纺织高端面料智能工厂", "江苏东渡纺织集团有限公司", "经开区", "约2亿", 0.5,
         "技改", "2023年6月", "2024年12月", "", "设备投资约1.5亿元"],
        [4, "澳洋健康医疗器械产业园", "江苏澳洋健康产业股份有限公司", "张家港经开区", "超10亿元",
         3, "新建", "2023年9月", "2025年12月", "", ""],
        [5, "富瑞特装氢能装备项目", "张家港富瑞特种装备股份有限公司", "经开区(杨舍镇)", 2, "",
         "增资扩建", d(2023, 5, 15), "2024年5月", "", ""],
        ["合计", "", "", "", 18, 4.9],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=3):
        s.row(r, values)
    s.ws.set_column("J:J", None, None, {"hidden": True})
    book.close()


def baoshui_jingang() -> None:
    """保税区（金港街道）: unit written zone(street), 单位：万元 in the title line, 总投资 without
    a unit in its header, 2023年度 over 计划投资 | 1-6月完成, 开工/竣工时间 over 计划 | 实际,
    dates as 2023.3 and 2023.3.18, sections 一、新开工项目 / 二、续建项目, a notes line."""
    book = Book("03_baoshui_jingang.xlsx")
    s = book.sheet("重点项目")
    s.merge("A1:M1", "保税区（金港街道）2023年重点项目推进情况表", book.title)
    s.row(1, ["填报单位：保税区(金港街道)经济发展局", "", "", "", "", "", "", "", "", "",
              "", "单位：万元"])  # fmt: skip
    for cells, text in (("A3:A4", "序号"), ("B3:B4", "项目名称"), ("C3:C4", "属地"),
                        ("D3:D4", "投资主体"), ("E3:E4", "总投资"), ("L3:L4", "项目进展"),
                        ("M3:M4", "备注")):  # fmt: skip
        s.merge(cells, text)
    s.merge("F3:G3", "2023年度")
    s.merge("H3:I3", "开工时间")
    s.merge("J3:K3", "竣工时间")
    s.row(3, ["", "", "", "", "", "计划投资", "1-6月完成", "计划", "实际", "计划", "实际"],
          book.head)  # fmt: skip
    s.merge("A5:M5", "一、新开工项目（3个）", None)
    rows = [
        [1, "大族激光华东区域总部基地", "保税区(金港街道)", "大族激光科技产业集团股份有限公司",
         "超100亿元", 50000, 12000, "2023.3", "2023.3.18", "2024.12", "", "主体结构施工", ""],
        [2, "中粮东海粮油新建压榨项目", "金港街道", "中粮东海粮油工业（张家港）有限公司", 25000,
         8000, "", "2023年6月", "", "2024年6月", "", "前期手续办理中", ""],
        [3, "长江国际LNG接收站扩建工程", "保税区（金港镇）", "长江国际港务有限公司", "约8亿",
         20000, "", "2023年10月", "", "2025年6月", "", "", "省重大项目"],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=5):
        s.row(r, values)
    s.merge("A9:M9", "二、续建项目（2个）", None)
    rows = [
        [4, "张家港保税区化工新材料产业园", "张家港保税区", "张家港保税区管委会", 68000, 15000,
         6000, "2022年5月", d(2022, 6, 8), "2023年12月", "", "厂房建设", ""],
        [5, "东华能源丙烷脱氢二期", "保税区", "东华能源（张家港）新材料有限公司", "30亿元", 20000,
         18000, "2021.10", "2021.11", "2023.10", "2023.10.26", "已竣工", "含外资1.2亿美元"],
        [],
        ["合计", "", "", "", 1473000, 113000, 36000],
        ["注：总投资、年度计划均以万元计；“超”“约”按项目方口径填报。"],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=9):
        s.row(r, values)
    book.close()


def gaoxin_tangqiao() -> None:
    """高新区（塘桥镇）: an 附件 line and a blank row over the title, the header at row 5, a row
    of column numbers under it, 总投资（万元） with "1.2亿" and "3亿元" in it, blank rows
    between projects, stages typed as clerks type them."""
    book = Book("04_gaoxin_tangqiao.xlsx")
    s = book.sheet("Sheet1")
    s.row(0, ["附件2"])
    s.merge("A2:I2", "张家港高新区（塘桥镇）2023年市级重大项目计划表", book.title)
    s.row(3, ["填报单位（盖章）：高新区(塘桥)", "", "", "", "", "", "填报日期：2023年8月"])
    s.row(4, ["序号", "项目名称", "区镇", "总投资（万元）", "计划开工", "计划竣工", "项目类别",
              "项目阶段", "备注"], book.head)  # fmt: skip
    s.row(5, [1, 2, 3, 4, 5, 6, 7, 8, 9], book.head)
    rows = [
        [1, "天兵科技液体火箭发动机研制基地", "高新区(塘桥)", "约5000", "23年3月", "2024年3月",
         "先进制造", "在建", ""],
        [2, "塘桥纺织机械智能制造项目", "塘桥镇", "1.2亿", "2023年10月", "2024.12", "先进制造",
         "签约", ""],
        [],
        [3, "高新区智能传感器产业园", "高新区（塘桥镇）", "3亿元", "2023年7月", "2025年6月",
         "战略性新兴产业", "洽谈中", "外资项目"],
        [4, "张家港高新区人才公寓", "高新区", 12000, "2023.8", "2024.8", "社会民生", "在建",
         ""],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=6):
        s.row(r, values)
    book.close()


def fenghuang_town() -> None:
    """凤凰镇's own ledger, sent to the city: no unit column (the 填报单位 line says whose rows
    they are), 项目总投资 over （万元）,
    开工时间 over 计划 | 实际, amounts "1.2亿元" and "5千万" in the 万元 column, a remark
    giving registered capital in US dollars."""
    book = Book("05_fenghuang_town.xlsx")
    s = book.sheet("凤凰镇")
    s.merge("A1:H1", "凤凰镇2023年重大项目台账", book.title)
    s.row(1, ["填报单位：凤凰镇人民政府", "", "", "", "", "填报日期：2023年7月"])
    for cells, text in (("A3:A4", "序号"), ("B3:B4", "项目名称"), ("C3:C4", "建设单位"),
                        ("E3:E4", "建设内容"), ("H3:H4", "备注")):  # fmt: skip
        s.merge(cells, text)
    s.row(2, ["", "", "", "项目总投资"], book.head)
    s.row(3, ["", "", "", "（万元）"], book.head)
    s.merge("F3:G3", "开工时间")
    s.row(3, ["", "", "", "", "", "计划", "实际"], book.head)
    rows = [
        [1, "凤凰镇精密机械产业园", "张家港凤凰科技创业投资有限公司", "1.2亿元",
         "标准厂房6万平方米", "2023年3月", d(2023, 3, 20), ""],
        [2, "河阳山歌文旅综合体", "张家港凤凰文旅发展有限公司", 3500, "文旅街区",
         "2023/9/1", "", ""],
        [3, "凤凰镇汽车零部件扩建项目", "张家港迪凯汽车配件有限公司", "5千万", "新增冲压线4条",
         "2023年5月", "", "外资项目，注册资本1000万美元"],
        [4, "凤凰镇新型储能装备项目", "苏州凤储能源科技有限公司", "约1亿", "储能变流器",
         "2023.11", "", ""],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=4):
        s.row(r, values)
    book.close()


def leyu_csv() -> None:
    """乐余镇, saved by Excel as CSV (GBK): title and 填报单位 lines, a header with 单位 in
    the header of the amount, a blank line, 合计 with its amount, a 填表人 line."""
    lines = [
        "乐余镇2023年重大项目推进表,,,,,,",
        "填报单位：乐余镇经济发展局,,,,填报日期：2023年6月30日,,",
        "序号,项目名称,所在镇,总投资(亿元),计划开工时间,项目阶段,备注",
        "1,港城智能智造产业园,乐余镇,约90亿,2023年6月,签约,算力中心",
        "2,乐余镇绿色农产品加工项目,乐余,0.8,2023.9,洽谈,",
        ",,,,,,",
        "3,长江岸线生态修复工程,乐余镇,4500万,2023年4月,开工,政府投资项目",
        "合计,,,91.25,,,",
        "填表人：周敏  电话：0512-58650000,,,,,,",
    ]
    (HERE / "06_leyu.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def traditional_jinfeng() -> None:
    """The 冶金工业园 ledger typed in traditional characters (headers, names, units, stages),
    總投資（億元） with "5000萬" and "約2億" in it, sections and 小計/合計."""
    book = Book("07_traditional_jinfeng.xlsx")
    s = book.sheet("項目臺賬")
    s.merge("A1:I1", "2023年錦豐鎮（冶金工業園）重大項目臺賬", book.title)
    s.row(1, ["填報單位：錦豐鎮人民政府", "", "", "", "", "填報日期：2023年7月"])
    s.row(2, ["序號", "項目名稱", "建設單位", "所在鎮區", "總投資（億元）", "計劃開工時間",
              "計劃竣工時間", "項目階段", "備註"], book.head)  # fmt: skip
    s.merge("A4:I4", "一、工業項目", None)
    rows = [
        [1, "信義節能玻璃擴建項目", "信義玻璃（江蘇）有限公司", "錦豐鎮", 3.5, "2023年6月",
         "2024年12月", "已簽約", ""],
        [2, "冶金園特種合金新材料項目", "張家港廣大特材股份有限公司", "冶金工業園", "5000萬",
         "2023.9", "2024.9", "在建", ""],
        ["", "小計", "", "", 4, "", "", "", ""],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=4):
        s.row(r, values)
    s.merge("A8:I8", "二、服務業項目", None)
    rows = [
        [3, "錦豐鎮現代物流中心", "張家港錦港物流有限公司", "锦丰 镇", "約2億", "2023年10月",
         "2025年6月", "洽談", ""],
        ["", "小計", "", "", 2],
        ["合計", "", "", "", 6],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=8):
        s.row(r, values)
    book.close()


def fgw_city() -> None:
    """The city's 发改委 summary: every town's projects on two sheets (工业 / 服务业) and a
    填表说明 sheet, a merged two-row header (开工时间 and 竣工时间 over 计划 | 实际), 合计 at
    the top, sections （一）新开工 / （二）续建 with 小计, every 区镇合一 pair in its ledger
    spelling, 总投资(亿元) and 年度计划投资(亿元)."""
    book = Book("08_fgw_city.xlsx")
    s = book.sheet("工业项目")
    s.merge("A1:L1", "2023年张家港市重大产业项目计划表", book.title)
    s.row(1, ["填报单位：张家港市发展和改革委员会", "", "", "", "", "", "", "",
              "单位：亿元"])  # fmt: skip
    for cells, text in (("A3:A4", "序号"), ("B3:B4", "项目名称"), ("C3:C4", "所在板块"),
                        ("D3:D4", "建设单位"), ("E3:E4", "总投资(亿元)"),
                        ("F3:F4", "年度计划投资(亿元)"), ("K3:K4", "建设内容及规模"),
                        ("L3:L4", "备注")):  # fmt: skip
        s.merge(cells, text)
    s.merge("G3:H3", "开工时间")
    s.merge("I3:J3", "竣工时间")
    s.row(3, ["", "", "", "", "", "", "计划", "实际", "计划", "实际"], book.head)
    rows = [
        ["", "合计", "", "", 150.7, 15],
        ["（一）新开工项目"],
        [1, "盛虹储能电池超级工厂首期", "冶金工业园（锦丰镇）", "江苏盛虹储能科技有限公司", 140,
         10, "2023年3月", "2023年3月", "2025年12月", "", "储能电池24GWh", ""],
        [2, "广大鑫盛风电装备关键部件", "经开区(杨舍镇)", "张家港广大特材股份有限公司", 3, 1.5,
         "2023年4月", "2023年5月", "2024年12月", "", "风电主轴及齿轮箱部件", "省重大项目"],
        [3, "永钢特钢棒材升级项目", "南丰镇", "江苏永钢集团有限公司", 2.5, 1, "2023年8月", "",
         "2024年8月", "", "", ""],
        ["", "小计", "", "", 145.5, 12.5],
        ["（二）续建项目"],
        [4, "采埃孚新能源汽车核心零部件", "保税区（金港镇）", "采埃孚（张家港）汽车零部件有限公司",
         4.5, 2, "2022年6月", "2022年7月", "2023年12月", "", "电驱动系统", "省重大项目"],
        [5, "高新区半导体材料产业园", "高新区（塘桥镇）", "张家港默克半导体材料有限公司", 0.7,
         0.5, "2022年9月", "2022年10月", "2023年9月", "2023年9月", "", ""],
        ["", "小计", "", "", 5.2, 2.5],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=4):
        s.row(r, values)
    s2 = book.sheet("服务业项目")
    s2.row(0, ["2023年张家港市重大服务业项目计划表（单位：亿元）"])
    s2.row(1, ["序号", "项目名称", "所在板块", "建设单位", "总投资", "年度计划投资", "计划开工",
               "计划竣工", "备注"], book.head)  # fmt: skip
    rows = [
        [1, "常阴沙现代农业科创园", "常阴沙现代农业示范园区", "张家港常阴沙农业发展有限公司", 1.2,
         0.4, "2023年5月", "2024年5月", ""],
        [2, "双山岛旅游度假综合体", "双山岛", "张家港双山岛文旅集团有限公司", 2.6, 0.8,
         "2023年9月", "2025年9月", ""],
        [3, "大新镇长江港口物流中心", "大新镇", "张家港大新港务有限公司", 1.1, 0.5, "2023年3月",
         "2024年3月", ""],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=2):
        s2.row(r, values)
    s3 = book.sheet("填表说明")
    s3.row(0, ["1. 总投资、年度计划投资以亿元为单位，保留两位小数。"])
    s3.row(1, ["2. 开工、竣工时间写到月。"])
    book.close()


def shangwu_foreign() -> None:
    """商务局 foreign-invested projects: 总投资 in US dollars ("1.5亿美元"), 注册资本（万美元）
    and 合同外资（万美元） columns of bare numbers, 内外资, 签约时间 as Excel dates."""
    book = Book("09_shangwu_foreign.xlsx")
    s = book.sheet("外资项目")
    s.merge("A1:J1", "2023年张家港市重大外资项目台账", book.title)
    s.row(1, ["填报单位：张家港市商务局", "", "", "", "", "", "", "填报日期：2023年7月10日"])
    s.row(2, ["序号", "项目名称", "外方投资者", "所在镇区", "总投资", "注册资本（万美元）",
              "合同外资（万美元）", "内外资", "签约时间", "备注"], book.head)  # fmt: skip
    rows = [
        [1, "安普瑞斯硅负极锂电池项目", "Amprius Technologies, Inc.", "保税区", "1.5亿美元",
         5000, 3000, "外资", d(2023, 1, 31), ""],
        [2, "采埃孚底盘零部件系统及后轮主动转向系统", "ZF Friedrichshafen AG", "经开区",
         "2亿美元", 8000, 8000, "外资", d(2022, 11, 18), ""],
        [3, "加特可自动变速器扩产项目", "JATCO Ltd", "经开区（杨舍镇）", "约3亿元", 1500, 1500,
         "中外合资", d(2023, 3, 6), ""],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=3):
        s.row(r, values)
    book.close()


def _ods_cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        iso = value.isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{iso}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def write_ods(name: str, sheets: dict[str, list[list[Any]]]) -> None:
    """A minimal OpenDocument spreadsheet, as LibreOffice and WPS read it."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    tables = []
    for title, rows in sheets.items():
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            if row
            else "<table:table-row><table:table-cell/></table:table-row>"
            for row in rows
        )
        tables.append(f'<table:table table:name="{escape(title)}">{body}</table:table>')
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(HERE / name, "w") as z:
        for arcname, text, method in (
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ):
            info = zipfile.ZipInfo(arcname, date_time=(2023, 7, 5, 9, 0, 0))
            info.compress_type = method
            z.writestr(info, text)


def nanfeng_ods() -> None:
    """南丰镇, saved from WPS as .ods: title, 填报单位 line, header with 总投资(万元), a
    suffix-less unit, Excel dates and 2023年6月, a blank row, 合计."""
    write_ods(
        "10_nanfeng.ods",
        {
            "南丰镇": [
                ["南丰镇2023年重大项目台账"],
                ["填报单位：南丰镇经济发展和招商服务局", "", "", "填报日期：2023年7月3日"],
                [
                    "序号",
                    "项目名称",
                    "所在镇区",
                    "总投资(万元)",
                    "计划开工时间",
                    "实际开工时间",
                    "项目阶段",
                ],
                [
                    1,
                    "永钢集团高端线材技改项目",
                    "南丰镇",
                    45000,
                    "2023年2月",
                    d(2023, 2, 20),
                    "在建",
                ],
                [2, "南丰镇农旅融合示范园", "南丰", "约8000", "2023年6月", "", "签约"],
                [],
                [3, "南丰镇智能装备产业园二期", "南丰镇", "2.3亿", "2023.10", "", "洽谈"],
                ["合计", "", "", 76000],
            ],
        },
    )


def daxin_dates() -> None:
    """大新镇: 总投资 with no unit anywhere (a bare number is 万元, the ledger's unit),
    "约2亿"/"3.5亿元"/"超1亿" beside numbers, dates as Excel dates, "2023.6", "2023/06",
    "2023-6-15", "2023年6月份" and text that looks like a number, 签约时间 before 开工."""
    book = Book("11_daxin_dates.xlsx")
    s = book.sheet("大新镇")
    s.row(0, ["大新镇重大项目进度表"], book.title)
    s.row(1, ["序号", "项目名称", "镇区", "总投资", "签约时间", "计划开工时间", "实际开工时间",
              "计划竣工时间", "项目阶段"], book.head)  # fmt: skip
    rows = [
        [1, "大新镇智能仓储物流基地", "大新镇", 12000, d(2023, 1, 10), "2023.6", "2023/06",
         "2024.6", "开工"],
        [2, "长江港口机械制造项目", "大新", "约2亿", "2022年12月", "2023-6-15", "", "2024年6月份",
         "签约"],
        [3, "大新镇光伏支架生产线", "大新镇", "3.5亿元", "", "2023年9月", "", "2024年9月",
         "签约"],
        [4, "大新镇农产品冷链中心", "大新镇", "超1亿", "", "2023", "", "2024", "洽谈"],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=2):
        s.row(r, values)
    s.ws.write_datetime(2, 4, datetime.datetime(2023, 1, 10), book.date_cn)
    book.close()


def changyinsha_quarters() -> None:
    """常阴沙现代农业示范园区: a start written by quarter (23年Q3) and an unknown unit. The
    ledger stores days, months and years, not quarters, and 火星镇 is no unit: the clerk
    gets a message naming row, field and value, and nothing is written."""
    book = Book("12_changyinsha_quarters.xlsx")
    s = book.sheet("常阴沙")
    s.row(0, ["常阴沙现代农业示范园区2023年项目台账（单位：万元）"], book.title)
    s.row(1, ["序号", "项目名称", "所在镇区", "总投资", "计划开工时间", "项目阶段"], book.head)
    rows = [
        [1, "常阴沙智慧农业产业园", "常阴沙现代农业示范园区", 9000, "2023年6月", "签约"],
        [2, "常阴沙稻米加工中心", "常阴沙", 3000, "23年Q3", "洽谈"],
        [3, "火星农业示范项目", "火星镇", 2000, "2023年8月", "洽谈"],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=2):
        s.row(r, values)
    book.close()


def fgw_sheets_per_town() -> None:
    """The 发改委's collection of town ledgers: one sheet per town named after it and no unit
    column, 建设起止年限 (2023.3-2025.12, 2023年6月至2024年12月), cells not known yet written
    待定, — or /, a 共计 row, and a 说明 sheet."""
    book = Book("13_fgw_sheets_per_town.xlsx")
    header = ["序号", "项目名称", "建设单位", "总投资（万元）", "建设起止年限", "项目阶段", "内外资",
              "备注"]  # fmt: skip
    s = book.sheet("锦丰镇")
    s.row(0, ["锦丰镇2023年市级重大项目"], book.title)
    s.row(1, header, book.head)
    s.row(2, [1, "锦丰镇高端装备产业园", "张家港锦丰投资有限公司", 50000, "2023.3-2025.12", "在建",
              "内资", "—"])  # fmt: skip
    s.row(3, [2, "沙洲湖畔数字经济产业园", "—", "待定", "2023-2024", "洽谈", "/", ""])
    s.row(4, ["共计", "", "", 50000])
    s = book.sheet("乐余镇")
    s.row(0, header, book.head)
    s.row(1, [1, "乐余镇长江生态农业园", "张家港乐余农业发展有限公司", "1.5亿",
              "2023年6月至2024年12月", "签约", "内资", ""])  # fmt: skip
    s.row(2, [2, "乐余镇智能制造标准厂房", "", 8000, "2023.10～2024.10", "签约", "—", "拟引进外资"])
    s = book.sheet("说明")
    s.row(0, ["各镇（区）一张表，表名即镇（区）名。"])
    book.close()


# --------------------------------------------------------------------------------------------
# What each clerk meant (written by hand)
# --------------------------------------------------------------------------------------------


def wan(value: str, qualifier: str = "exact") -> dict[str, str]:
    return {"wan": value, "qualifier": qualifier}


def foreign(currency: str, original: str, qualifier: str = "exact") -> dict[str, str]:
    """An amount in a foreign currency: its original figure in 万 of that currency."""
    return {"currency": currency, "original": original, "qualifier": qualifier}


BUREAU = {"role": "bureau_editor"}
EXPECTED: dict[str, dict[str, Any]] = {
    "01_yejin_jinfeng.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "信义光伏玻璃三期扩建项目", "unit": YEJIN, "total_investment": wan("150000"),
             "stage": "started", "category": "工业项目", "investors": ["信义光伏(苏州)有限公司"],
             "dates": {"planned_started": "2023-03", "planned_completed": "2024-06"}},
            {"name": "沙钢高性能精品钢材改造项目", "unit": JINFENG, "total_investment": wan("8000"),
             "stage": "signed", "category": "工业项目", "dates": {"planned_started": "2023-09"}},
            {"name": "浦项不锈钢冷轧新材料项目", "unit": YEJIN, "total_investment": wan("32000"),
             "stage": "signed", "category": "工业项目", "is_foreign": True,
             "foreign_investment": foreign("USD", "2000"),
             "dates": {"planned_started": "2023-12", "planned_completed": "2025-06"}},
            {"name": "冶金园科创中心", "unit": YEJIN, "total_investment": wan("20000", "approx"),
             "stage": "negotiating", "category": "服务业项目",
             "dates": {"planned_started": "2023"}},
            {"name": "锦丰镇商贸物流园", "unit": JINFENG, "total_investment": wan("6500"),
             "stage": "completed", "category": "服务业项目",
             "dates": {"planned_started": "2022-11", "planned_completed": "2023-10"}},
        ],
    },
    "02_jingkai_yangshe.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "华昌化工新材料一体化项目", "unit": JINGKAI, "total_investment": wan("35000"),
             "nature": "new", "investors": ["江苏华昌化工股份有限公司"],
             "dates": {"planned_started": "2023-04-01", "planned_completed": "2024-12-31"}},
            {"name": "国泰新点软件研发总部", "unit": YANGSHE, "total_investment": wan("5000"),
             "nature": "expansion",
             "dates": {"planned_started": "2023-06", "planned_completed": "2024-06"}},
            {"name": "东渡纺织高端面料智能工厂", "unit": JINGKAI,
             "total_investment": wan("20000", "approx"), "nature": "upgrade",
             "dates": {"planned_started": "2023-06", "planned_completed": "2024-12"}},
            {"name": "澳洋健康医疗器械产业园", "unit": JINGKAI,
             "total_investment": wan("100000", "at_least"), "nature": "new",
             "dates": {"planned_started": "2023-09", "planned_completed": "2025-12"}},
            {"name": "富瑞特装氢能装备项目", "unit": JINGKAI, "total_investment": wan("20000"),
             "nature": "expansion",
             "dates": {"planned_started": "2023-05-15", "planned_completed": "2024-05"}},
        ],
    },
    "03_baoshui_jingang.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "大族激光华东区域总部基地", "unit": BAOSHUI,
             "total_investment": wan("1000000", "at_least"), "stage": "started",
             "category": "新开工项目", "investors": ["大族激光科技产业集团股份有限公司"],
             "dates": {"planned_started": "2023-03", "actual_started": "2023-03-18",
                       "planned_completed": "2024-12"}},
            {"name": "中粮东海粮油新建压榨项目", "unit": JINGANG, "total_investment": wan("25000"),
             "category": "新开工项目",
             "dates": {"planned_started": "2023-06", "planned_completed": "2024-06"}},
            {"name": "长江国际LNG接收站扩建工程", "unit": BAOSHUI,
             "total_investment": wan("80000", "approx"), "category": "新开工项目",
             "dates": {"planned_started": "2023-10", "planned_completed": "2025-06"}},
            {"name": "张家港保税区化工新材料产业园", "unit": BAOSHUI, "total_investment": wan("68000"),
             "stage": "started", "category": "续建项目",
             "dates": {"planned_started": "2022-05", "actual_started": "2022-06-08",
                       "planned_completed": "2023-12"}},
            {"name": "东华能源丙烷脱氢二期", "unit": BAOSHUI, "total_investment": wan("300000"),
             "stage": "completed", "category": "续建项目", "is_foreign": True,
             "foreign_investment": foreign("USD", "12000"),
             "dates": {"planned_started": "2021-10", "actual_started": "2021-11",
                       "planned_completed": "2023-10", "actual_completed": "2023-10-26"}},
        ],
    },
    "04_gaoxin_tangqiao.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "天兵科技液体火箭发动机研制基地", "unit": TANGQIAO,
             "total_investment": wan("5000", "approx"), "stage": "started", "category": "先进制造",
             "dates": {"planned_started": "2023-03", "planned_completed": "2024-03"}},
            {"name": "塘桥纺织机械智能制造项目", "unit": TANGQIAO, "total_investment": wan("12000"),
             "stage": "signed", "category": "先进制造",
             "dates": {"planned_started": "2023-10", "planned_completed": "2024-12"}},
            {"name": "高新区智能传感器产业园", "unit": TANGQIAO, "total_investment": wan("30000"),
             "stage": "negotiating", "category": "战略性新兴产业", "is_foreign": True,
             "dates": {"planned_started": "2023-07", "planned_completed": "2025-06"}},
            {"name": "张家港高新区人才公寓", "unit": TANGQIAO, "total_investment": wan("12000"),
             "stage": "started", "category": "社会民生",
             "dates": {"planned_started": "2023-08", "planned_completed": "2024-08"}},
        ],
    },
    "05_fenghuang_town.xlsx": {
        "importer": BUREAU,
        # no unit column: the rows are the 填报单位's, and the import says so
        "warnings": [{"sheet": "凤凰镇", "row": 2, "field": "unit", "value": "凤凰镇"}],
        "projects": [
            {"name": "凤凰镇精密机械产业园", "unit": FENGHUANG, "total_investment": wan("12000"),
             "stage": "started", "description": "标准厂房6万平方米",
             "dates": {"planned_started": "2023-03", "actual_started": "2023-03-20"}},
            {"name": "河阳山歌文旅综合体", "unit": FENGHUANG, "total_investment": wan("3500"),
             "dates": {"planned_started": "2023-09-01"}},
            {"name": "凤凰镇汽车零部件扩建项目", "unit": FENGHUANG, "total_investment": wan("5000"),
             "is_foreign": True, "registered_capital": foreign("USD", "1000"),
             "dates": {"planned_started": "2023-05"}},
            {"name": "凤凰镇新型储能装备项目", "unit": FENGHUANG,
             "total_investment": wan("10000", "approx"), "dates": {"planned_started": "2023-11"}},
        ],
    },
    "06_leyu.csv": {
        "importer": BUREAU,
        "projects": [
            {"name": "港城智能智造产业园", "unit": LEYU, "total_investment": wan("900000", "approx"),
             "stage": "signed", "dates": {"planned_started": "2023-06"}},
            {"name": "乐余镇绿色农产品加工项目", "unit": LEYU, "total_investment": wan("8000"),
             "stage": "negotiating", "dates": {"planned_started": "2023-09"}},
            {"name": "长江岸线生态修复工程", "unit": LEYU, "total_investment": wan("4500"),
             "stage": "started", "dates": {"planned_started": "2023-04"}},
        ],
    },
    "07_traditional_jinfeng.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "信义节能玻璃扩建项目", "unit": JINFENG, "total_investment": wan("35000"),
             "stage": "signed", "category": "工业项目", "investors": ["信义玻璃（江苏）有限公司"],
             "dates": {"planned_started": "2023-06", "planned_completed": "2024-12"}},
            {"name": "冶金园特种合金新材料项目", "unit": YEJIN, "total_investment": wan("5000"),
             "stage": "started", "category": "工业项目",
             "dates": {"planned_started": "2023-09", "planned_completed": "2024-09"}},
            {"name": "锦丰镇现代物流中心", "unit": JINFENG,
             "total_investment": wan("20000", "approx"), "stage": "negotiating",
             "category": "服务业项目",
             "dates": {"planned_started": "2023-10", "planned_completed": "2025-06"}},
        ],
    },
    "08_fgw_city.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "盛虹储能电池超级工厂首期", "unit": YEJIN,
             "total_investment": wan("1400000"), "stage": "started", "category": "新开工项目",
             "description": "储能电池24GWh",
             "dates": {"planned_started": "2023-03", "actual_started": "2023-03",
                       "planned_completed": "2025-12"}},
            {"name": "广大鑫盛风电装备关键部件", "unit": JINGKAI, "total_investment": wan("30000"),
             "stage": "started", "category": "新开工项目",
             "dates": {"planned_started": "2023-04", "actual_started": "2023-05",
                       "planned_completed": "2024-12"}},
            {"name": "永钢特钢棒材升级项目", "unit": NANFENG, "total_investment": wan("25000"),
             "category": "新开工项目",
             "dates": {"planned_started": "2023-08", "planned_completed": "2024-08"}},
            {"name": "采埃孚新能源汽车核心零部件", "unit": BAOSHUI, "total_investment": wan("45000"),
             "stage": "started", "category": "续建项目",
             "dates": {"planned_started": "2022-06", "actual_started": "2022-07",
                       "planned_completed": "2023-12"}},
            {"name": "高新区半导体材料产业园", "unit": TANGQIAO, "total_investment": wan("7000"),
             "stage": "completed", "category": "续建项目",
             "dates": {"planned_started": "2022-09", "actual_started": "2022-10",
                       "planned_completed": "2023-09", "actual_completed": "2023-09"}},
            {"name": "常阴沙现代农业科创园", "unit": CHANGYINSHA, "total_investment": wan("12000"),
             "dates": {"planned_started": "2023-05", "planned_completed": "2024-05"}},
            {"name": "双山岛旅游度假综合体", "unit": SHUANGSHAN, "total_investment": wan("26000"),
             "dates": {"planned_started": "2023-09", "planned_completed": "2025-09"}},
            {"name": "大新镇长江港口物流中心", "unit": DAXIN, "total_investment": wan("11000"),
             "dates": {"planned_started": "2023-03", "planned_completed": "2024-03"}},
        ],
    },
    "09_shangwu_foreign.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "安普瑞斯硅负极锂电池项目", "unit": BAOSHUI,
             "total_investment": foreign("USD", "15000"), "is_foreign": True,
             "registered_capital": foreign("USD", "5000"),
             "foreign_investment": foreign("USD", "3000"), "stage": "signed",
             "investors": ["Amprius Technologies, Inc."],
             "dates": {"actual_signed": "2023-01-31"}},
            {"name": "采埃孚底盘零部件系统及后轮主动转向系统", "unit": JINGKAI,
             "total_investment": foreign("USD", "20000"), "is_foreign": True,
             "registered_capital": foreign("USD", "8000"),
             "foreign_investment": foreign("USD", "8000"), "stage": "signed",
             "dates": {"actual_signed": "2022-11-18"}},
            {"name": "加特可自动变速器扩产项目", "unit": JINGKAI,
             "total_investment": wan("30000", "approx"), "is_foreign": True,
             "registered_capital": foreign("USD", "1500"),
             "foreign_investment": foreign("USD", "1500"), "stage": "signed",
             "dates": {"actual_signed": "2023-03-06"}},
        ],
    },
    "10_nanfeng.ods": {
        "importer": BUREAU,
        "projects": [
            {"name": "永钢集团高端线材技改项目", "unit": NANFENG, "total_investment": wan("45000"),
             "stage": "started",
             "dates": {"planned_started": "2023-02", "actual_started": "2023-02-20"}},
            {"name": "南丰镇农旅融合示范园", "unit": NANFENG,
             "total_investment": wan("8000", "approx"), "stage": "signed",
             "dates": {"planned_started": "2023-06"}},
            {"name": "南丰镇智能装备产业园二期", "unit": NANFENG, "total_investment": wan("23000"),
             "stage": "negotiating", "dates": {"planned_started": "2023-10"}},
        ],
    },
    "11_daxin_dates.xlsx": {
        "importer": BUREAU,
        "projects": [
            {"name": "大新镇智能仓储物流基地", "unit": DAXIN, "total_investment": wan("12000"),
             "stage": "started",
             "dates": {"actual_signed": "2023-01-10", "planned_started": "2023-06",
                       "actual_started": "2023-06", "planned_completed": "2024-06"}},
            {"name": "长江港口机械制造项目", "unit": DAXIN, "total_investment": wan("20000", "approx"),
             "stage": "signed",
             "dates": {"actual_signed": "2022-12", "planned_started": "2023-06-15",
                       "planned_completed": "2024-06"}},
            {"name": "大新镇光伏支架生产线", "unit": DAXIN, "total_investment": wan("35000"),
             "stage": "signed",
             "dates": {"planned_started": "2023-09", "planned_completed": "2024-09"}},
            {"name": "大新镇农产品冷链中心", "unit": DAXIN,
             "total_investment": wan("10000", "at_least"), "stage": "negotiating",
             "dates": {"planned_started": "2023", "planned_completed": "2024"}},
        ],
    },
    "13_fgw_sheets_per_town.xlsx": {
        "importer": BUREAU,
        "warnings": [
            {"sheet": "锦丰镇", "row": 2, "field": "unit", "value": "锦丰镇"},
            {"sheet": "乐余镇", "row": 1, "field": "unit", "value": "乐余镇"},
        ],
        "projects": [
            {"name": "锦丰镇高端装备产业园", "unit": JINFENG, "total_investment": wan("50000"),
             "stage": "started", "is_foreign": False, "investors": ["张家港锦丰投资有限公司"],
             "dates": {"planned_started": "2023-03", "planned_completed": "2025-12"}},
            {"name": "沙洲湖畔数字经济产业园", "unit": JINFENG,
             "total_investment": {"wan": None, "qualifier": "exact"}, "stage": "negotiating",
             "investors": [], "dates": {"planned_started": "2023", "planned_completed": "2024"}},
            {"name": "乐余镇长江生态农业园", "unit": LEYU, "total_investment": wan("15000"),
             "stage": "signed", "is_foreign": False,
             "dates": {"planned_started": "2023-06", "planned_completed": "2024-12"}},
            {"name": "乐余镇智能制造标准厂房", "unit": LEYU, "total_investment": wan("8000"),
             "stage": "signed", "is_foreign": False,
             "dates": {"planned_started": "2023-10", "planned_completed": "2024-10"}},
        ],
    },
    "12_changyinsha_quarters.xlsx": {
        "importer": BUREAU,
        "projects": [],
        "errors": [
            {"sheet": "常阴沙", "row": 4, "field": "planned_started", "value": "23年Q3"},
            {"sheet": "常阴沙", "row": 5, "field": "unit", "value": "火星镇"},
        ],
    },
}  # fmt: skip


def main() -> None:
    for make in (yejin_jinfeng, jingkai_yangshe, baoshui_jingang, gaoxin_tangqiao,
                 fenghuang_town, leyu_csv, traditional_jinfeng, fgw_city, shangwu_foreign,
                 nanfeng_ods, daxin_dates, changyinsha_quarters, fgw_sheets_per_town):  # fmt: skip
        make()
    for name, expected in EXPECTED.items():
        text = json.dumps({"workbook": name, **expected}, ensure_ascii=False, indent=1)
        (HERE / f"{Path(name).stem}.expected.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
