"""Excel import of a 100,000-row, 30-column ledger: dry run, commit, re-import; memory.

1. Builds the workbook with XlsxWriter (constant_memory): two title rows (the second
   says 单位：万元), a header, 100,000 projects with amounts as numbers and as text
   (约3.5亿, 超10亿元), dates as date cells and as text (2023年3月), units, industries,
   chains, investors, stages; a totals row.
2. On a fresh SQLite database: python-calamine alone reading the file (the floor), the
   dry run, the commit, and a second import of the same file (which must change
   nothing). Prints each time (median of --runs for the read), the ratio of dry run +
   commit to the bare read (goal < 4x), and the peak memory (resource.getrusage).

Goals (issue 4): dry run + commit < 20 s, peak memory < 1 GB.

    python bench/excel_import.py [-n 100000] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

UNITS = ["锦丰镇", "冶金工业园", "保税区", "金港街道", "经开区", "杨舍镇", "塘桥镇", "乐余镇",
         "凤凰镇", "南丰镇", "大新镇", "后塍街道", "德积街道"]  # fmt: skip
INDUSTRIES = ["3841", "3670", "3415", "3424", "3042", "2614", "3985", "2710", "3311", "6450"]
CHAINS = ["新能源", "装备", "钢铁冶金", "化工", "特色半导体", "生物医药及高端医疗器械", "数字经济"]
STAGES = ["签约", "注册", "在建", "竣工", "投产"]
NATURES = ["新建", "扩建", "技改"]
HEADER = ["序号", "项目名称", "项目编号", "建设单位", "所在镇区", "建设地点", "建设内容及规模",
          "行业代码", "所属产业链", "建设性质", "内外资", "项目阶段", "总投资（万元）", "签约额",
          "注册资本", "预计年销售", "预计年税收", "预计年产值", "达产就业人数", "产能", "签约时间",
          "计划开工", "实际开工时间", "计划竣工", "计划投产", "分期", "项目类别", "联系人",
          "形象进度", "备注"]  # fmt: skip


def build(path: Path, n: int) -> None:
    import xlsxwriter

    rng = random.Random(4)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("重大项目")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "2023年张家港市重大项目推进情况表（基准测试）")
    sheet.write(1, 0, "填报单位：张家港市发改委            单位：万元")
    sheet.write_row(2, 0, HEADER)
    total = 0
    for i in range(1, n + 1):
        r = i + 2
        amount = rng.randrange(1000, 3_000_000, 100)
        text_amount = i % 10 == 0
        total += amount
        signed = datetime.datetime(2019 + i % 4, 1 + i % 12, 1 + i % 28)
        row = [
            i,
            f"（合成）基准测试项目{i:06d}年产{rng.randrange(1, 99)}万吨新材料",
            f"BENCH-{i:06d}",
            f"（合成）基准企业{rng.randrange(5000):04d}有限公司",
            UNITS[i % len(UNITS)],
            f"{UNITS[i % len(UNITS)]}沿江路{i % 300}号",
            "新建厂房及配套设施，购置生产线",
            INDUSTRIES[i % len(INDUSTRIES)],
            CHAINS[i % len(CHAINS)],
            NATURES[i % 3],
            "外资" if i % 7 == 0 else "内资",
            STAGES[i % len(STAGES)],
        ]
        for c, value in enumerate(row):
            sheet.write(r, c, value)
        col = len(row)
        if text_amount:
            sheet.write_string(r, col, f"约{amount / 10000:g}亿")
        else:
            sheet.write_number(r, col, amount)
        for k in range(5):  # 签约额 注册资本 预计年销售 预计年税收 预计年产值
            sheet.write_number(r, col + 1 + k, amount // (k + 1))
        sheet.write_number(r, col + 6, rng.randrange(20, 2000))
        sheet.write_string(r, col + 7, f"{rng.randrange(1, 60)}GWh")
        sheet.write_datetime(r, col + 8, signed, date_format)
        sheet.write_string(r, col + 9, f"{signed.year + 1}年{signed.month}月")
        if i % 5 >= 2:  # started or later
            sheet.write_datetime(r, col + 10, signed.replace(year=signed.year + 1), date_format)
        sheet.write_string(r, col + 11, f"{signed.year + 2}.{signed.month}")
        sheet.write_string(r, col + 12, f"{signed.year + 3}年")
        sheet.write_string(r, col + 13, "首期" if i % 9 == 0 else "")
        sheet.write_string(r, col + 14, "重大项目")
        sheet.write_string(r, col + 15, "张三")
        sheet.write_string(r, col + 16, "主体结构施工")
        sheet.write_string(r, col + 17, "")
    sheet.write(n + 3, 0, "合计")
    sheet.write_number(n + 3, 12, total)
    book.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000, help="rows (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="repeats of the bare read")
    parser.add_argument("--keep", help="folder to keep the workbook and database in")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="zs-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["ZHAOSHANG_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    path = folder / f"ledger-{args.n}.xlsx"
    t = time.perf_counter()
    build(path, args.n)
    print(f"workbook: {args.n:,} rows x {len(HEADER)} columns, {path.stat().st_size / 1e6:.1f} MB "
          f"(built with XlsxWriter in {time.perf_counter() - t:.1f} s)")  # fmt: skip

    import django

    django.setup()
    import python_calamine
    from django.core.management import call_command

    from tests.factories import UserFactory
    from zhaoshang.excel.services import import_workbook
    from zhaoshang.projects.models import Project

    (folder / "zhaoshang.sqlite3").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    from zhaoshang.demo.load import load_facts

    user = UserFactory(username="admin", role="city_admin")
    load_facts()  # chains and the seed's projects, as a real database has
    before_mb = peak_mb()

    # Wall time and this process's CPU time: on a shared machine the wall time also counts
    # the other processes' turns; the CPU time is what an idle machine would take.
    reads, read_cpus = [], []
    for _ in range(args.runs):
        t, c = time.perf_counter(), time.process_time()
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python()
        reads.append(time.perf_counter() - t)
        read_cpus.append(time.process_time() - c)
        del rows, book
    read, read_cpu = statistics.median(reads), statistics.median(read_cpus)
    data = path.read_bytes()

    cpu: dict[str, float] = {}

    def run(name: str, commit: bool):
        t, c = time.perf_counter(), time.process_time()
        result = import_workbook(user=user, data=data, filename=path.name, commit=commit)
        # keep the figures only: a result holds every parsed row
        summary = (result.counts, result.errors[:3], result.timings, result.committed)
        cpu[name] = time.process_time() - c
        return time.perf_counter() - t, summary

    t_dry, dry = run("dry", False)
    t_commit, done = run("commit", True)
    peak = peak_mb()
    t_again, again = run("again", True)

    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"python-calamine read only : {read:6.2f} s wall, {read_cpu:6.2f} s CPU (median of {args.runs})"
    )
    print(f"dry run                   : {t_dry:6.2f} s  {dry[0]}, errors {dry[1]}  "
          f"[{', '.join(f'{k} {v:.1f}' for k, v in dry[2].items())}]")  # fmt: skip
    print(f"commit (after the dry run): {t_commit:6.2f} s  {done[0]}, committed {done[3]}  "
          f"[{', '.join(f'{k} {v:.1f}' for k, v in done[2].items())}]")  # fmt: skip
    both, both_cpu = t_dry + t_commit, cpu["dry"] + cpu["commit"]
    print(f"dry run + commit          : {both:6.2f} s wall ({both / read:.1f}x the bare read), "
          f"{both_cpu:6.2f} s CPU ({both_cpu / read_cpu:.1f}x the bare read's CPU); "
          f"goals < 20 s and < 4x")  # fmt: skip
    print(
        f"  CPU: dry run {cpu['dry']:.2f} s, commit {cpu['commit']:.2f} s, re-import {cpu['again']:.2f} s"
    )
    print(
        f"re-import, same file      : {t_again:6.2f} s  {again[0]} (must be 0 created, 0 updated)"
    )
    print(f"rows/s (commit)           : {args.n / t_commit:,.0f}")
    print(
        f"peak memory               : {peak:,.0f} MB (after Django set-up {before_mb:,.0f} MB)  goal < 1024 MB"
    )
    print(f"projects in the database  : {Project.objects.count():,}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
