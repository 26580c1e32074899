"""Excel export of 100,000 projects: the ledger, list and monthly layouts; our streaming
writer against XlsxWriter (constant_memory) writing the same cells.

On a fresh SQLite database loads N synthetic projects (`demo.synthetic.generate`), then
times `zhaoshang export` for each layout (median of --runs) and, for the ledger layout,
XlsxWriter writing the same rows (the reference way, same run). Goal (issue 4): the
ledger export of 100,000 rows under 15 s.

    python bench/excel_export.py [-n 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="zs-bench-export-"))
    os.environ["ZHAOSHANG_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    import xlsxwriter
    from django.core.management import call_command

    from tests.factories import UserFactory
    from zhaoshang.demo.load import load_facts
    from zhaoshang.demo.synthetic import generate
    from zhaoshang.excel import layouts
    from zhaoshang.projects.models import Project

    call_command("migrate", verbosity=0)
    UserFactory(username="admin", role="city_admin")
    load_facts()
    t = time.perf_counter()
    generate(args.n)
    print(f"{Project.objects.count():,} projects loaded in {time.perf_counter() - t:.1f} s")

    # wall time and this process's CPU time (what an idle machine would take)
    def timed(layout: str) -> tuple[float, float]:
        target = folder / f"{layout}.xlsx"
        t, c = time.perf_counter(), time.process_time()
        with target.open("wb") as fh:
            layouts.export(Project.objects.all(), layout, fh)
        return time.perf_counter() - t, time.process_time() - c

    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results, cpus = {}, {}
    for layout in layouts.LAYOUTS:
        runs = [timed(layout) for _ in range(args.runs)]
        results[layout] = statistics.median(w for w, _c in runs)
        cpus[layout] = statistics.median(c for _w, c in runs)
        size = (folder / f"{layout}.xlsx").stat().st_size / 1e6
        print(
            f"export {layout:8}: {results[layout]:6.2f} s wall, {cpus[layout]:6.2f} s CPU "
            f"({size:.1f} MB, median of {args.runs})"
        )

    # the reference: XlsxWriter writing the same ledger rows (loading them is not timed)
    rows, investors, dates = layouts._load(Project.objects.all(), None)
    cells = [layouts._ledger_row(r, i, investors, dates) for i, r in enumerate(rows, 1)]
    t, c = time.perf_counter(), time.process_time()
    book = xlsxwriter.Workbook(str(folder / "reference.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(cells, 3):
        for c, value in enumerate(row):
            if value is None:
                continue
            if hasattr(value, "year"):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, float(value))
    book.close()
    reference, reference_cpu = time.perf_counter() - t, time.process_time() - c
    print(
        f"XlsxWriter, same cells (write only): {reference:6.2f} s wall, {reference_cpu:6.2f} s CPU; "
        f"our whole ledger export (query + rows + write) takes {results['ledger'] / reference:.2f}x "
        "its wall time"
    )
    print(f"ledger export goal < 15 s: wall {results['ledger']:.1f} s, CPU {cpus['ledger']:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
