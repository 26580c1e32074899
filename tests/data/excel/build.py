"""Build the small workbooks the Excel tests read, the way bureaus build them.

    python tests/data/excel/build.py

Needs XlsxWriter; LibreOffice (`soffice`, Debian's libreoffice-calc-nogui) for the .xls
and .ods copies; msoffcrypto-tool for the password-protected copy (password "zhaoshang").
The outputs are committed, so the tests need none of these.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent


def ledger(path: Path) -> None:
    """2023 重大项目 ledger: title rows, merged two-row header, sections with subtotals,
    a totals row at the top, a hidden column, traditional characters, amounts and dates
    typed every which way, a serial-only row, a blank row, a note; a second ledger sheet
    in 亿元 and a third sheet of instructions."""
    book = xlsxwriter.Workbook(str(path))
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    ws = book.add_worksheet("新开工及续建")
    ws.merge_range("A1:K1", "2023年张家港市重大项目推进情况表", title)
    ws.merge_range("A2:K2", "填报单位：张家港市发改委                单位：万元")
    for cell, text in (("A3:A4", "序号"), ("B3:B4", "项目名称"), ("C3:C4", "建设单位"),
                       ("D3:D4", "所在镇区"), ("G3:G4", "建设内容及规模"), ("J3:J4", "备注"),
                       ("K3:K4", "项目阶段")):  # fmt: skip
        ws.merge_range(cell, text, head)
    ws.merge_range("E3:F3", "总投资", head)
    ws.write("E4", "计划", head)
    ws.write("F4", "完成", head)
    ws.merge_range("H3:I3", "开工时间", head)
    ws.write("H4", "计划", head)
    ws.write("I4", "实际", head)
    ws.set_column("J:J", None, None, {"hidden": True})
    rows = [
        # row 5: the grand total first, as many ledgers put it
        ["合计", "", "", "", 1170000, 35000, "", "", "", "", ""],
        ["一、新开工项目（3个）"],
        [1, "盛虹储能电池超级工厂\n二期项目", "盛虹控股集团有限公司", "冶金工业园", "约3.5亿", 10000,
         "储能电池 24GWh", "2023年3月", datetime.date(2023, 3, 15), "内部备注", "在建"],
        [2, "信義光伏玻璃擴建項目", "信义光伏(苏州)有限公司", "锦丰镇", "超10亿元", 25000,
         "光伏玻璃", "2023.3", "", "", "签约"],
        [3, "港城 智能装备 项目", "张家港港城智能装备有限公司", "乐余镇", "１２０００", "",
         "", "23年3月", "", "", "签约"],
        ["", "小计", "", "", 147000, 35000],
        ["二、续建项目"],
        [4, "大族激光华东总部二期", "大族激光科技产业集团股份有限公司", "保税区", "五千万", "",
         "激光设备", 44986, "", "", "洽谈"],
        [5],
        [],
        [6, "采埃孚新能源零部件三期", "ZF Friedrichshafen AG", "经开区", 1018000, "",
         "", "2023/03/15", "", "", "签约"],
    ]  # fmt: skip
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values):
            if isinstance(value, datetime.date):
                ws.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date)
            elif value != "":
                ws.write(r, c, value)
    ws.merge_range("A6:K6", "一、新开工项目（3个）")
    ws.merge_range("A11:K11", "二、续建项目")
    ws.write(16, 0, "注：本表金额单位为万元，由各区镇填报。")
    ws.write(17, 0, "填表人：张三    联系电话：0512-58000000")

    second = book.add_worksheet("竣工项目")
    second.write("A1", "2023年竣工项目")
    second.write_row(
        "A2", ["序号", "项目名称", "属地", "总投资（亿元）", "计划竣工", "达产后年销售收入（亿元）"]
    )
    second.write_row("A3", [1, "中粮东海粮油新建压榨项目", "金港街道", 2.5, "2023年12月", 10])
    second.write_row("A4", [2, "天兵科技液体火箭发动机试验基地", "凤凰镇", "约1.2亿", "2023年", ""])
    third = book.add_worksheet("填表说明")
    third.write("A1", "1. 金额以万元为单位；2. 日期写到月。")
    book.close()


def errors(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("台账")
    ws.write_row("A1", ["序号", "项目名称", "所在镇区", "总投资（万元）", "计划开工", "项目阶段"])
    ws.write_row("A2", [1, "好项目甲", "锦丰镇", 1000, "2023-03", "签约"])
    ws.write_row("A3", [2, "坏金额项目", "锦丰镇", "很多钱", "2023-03", "签约"])
    ws.write_row("A4", [3, "坏日期项目", "锦丰镇", 2000, "2023-02-30", "签约"])
    ws.write_row("A5", [4, "未知镇区项目", "火星镇", 3000, "2023-04", "签约"])
    ws.write_row("A6", [5, "", "锦丰镇", 4000, "2023-05", "签约"])
    ws.write_row("A7", [6, "坏阶段项目", "锦丰镇", 5000, "2023-05", "飞天"])
    ws.write_row("A8", ["合计", "", "", 99999])
    book.close()


def town(path: Path) -> None:
    """A town's own ledger: no unit column (all rows are the town's), one row of another town."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("锦丰镇")
    ws.write_row("A1", ["锦丰镇重大项目台账（单位：万元）"])
    ws.write_row("A2", ["序号", "项目名称", "总投资", "建设地点"])
    ws.write_row("A3", [1, "锦丰镇新材料产业园", 20000, "锦丰镇沙洲西路"])
    ws.write_row("A4", [2, "保税区物流中心", 30000, "张家港保税区"])
    book.close()


def not_a_ledger(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("通讯录")
    ws.write_row("A1", ["姓名", "部门", "电话"])
    ws.write_row("A2", ["张三", "发改委", "0512-58000000"])
    book.close()


def empty(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Sheet1")
    book.close()


def csv_files() -> None:
    text = (
        "序号,项目名称,所在镇区,总投资(亿元),计划开工\n"
        "1,沙洲湖科创园,杨舍镇,3.5,2023年6月\n"
        "2,凤凰镇文旅综合体,凤凰镇,约2亿元,2023.9\n"
    )
    (HERE / "ledger_gbk.csv").write_bytes(text.encode("gbk"))
    (HERE / "ledger_utf8.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def libreoffice_copies(source: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not found: ledger.xls and ledger.ods not rebuilt")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("xls", "ods"):
            subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", fmt, "--outdir", str(HERE), str(source)],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            (HERE / f"{source.stem}.{fmt}").rename(HERE / f"ledger.{fmt}")


def encrypted(source: Path) -> None:
    try:
        import msoffcrypto.format.ooxml as ooxml
    except ImportError:
        print("msoffcrypto-tool not installed: encrypted.xlsx not rebuilt")
        return
    with source.open("rb") as plain, (HERE / "encrypted.xlsx").open("wb") as out:
        ooxml.OOXMLFile(plain).encrypt("zhaoshang", out)


def main() -> None:
    ledger(HERE / "ledger.xlsx")
    errors(HERE / "errors.xlsx")
    town(HERE / "town.xlsx")
    not_a_ledger(HERE / "not_a_ledger.xlsx")
    empty(HERE / "empty.xlsx")
    csv_files()
    (HERE / "zero.xlsx").write_bytes(b"")
    data = (HERE / "ledger.xlsx").read_bytes()
    (HERE / "corrupt.xlsx").write_bytes(data[: len(data) // 3])  # a download cut short
    libreoffice_copies(HERE / "ledger.xlsx")
    encrypted(HERE / "ledger.xlsx")


if __name__ == "__main__":
    main()
