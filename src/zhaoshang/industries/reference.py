"""Load GB/T 4754-2017 into `Industry`, fixing the source's known defect."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"

# The source lists 海洋石油开采 as 0711, the code of 陆地石油开采; the standard says 0712.
CODE_FIXES = {("0711", "海洋石油开采"): "0712"}


def industry_rows() -> list[tuple[str, str, int, str | None, str]]:
    """(code, name, level, parent code, section letter), parents first."""
    out: list[tuple[str, str, int, str | None, str]] = []
    section = ""
    seen: set[str] = set()
    with DATA.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            code = r["industry_id"].strip()
            name = r["name"].strip()
            code = CODE_FIXES.get((code, name), code)
            if code in seen:
                raise ValueError(f"duplicate GB/T 4754 code {code} ({name}) in {DATA.name}")
            seen.add(code)
            level = int(r["level_type"])
            if level == 0:
                section = code
            out.append((code, name, level, r["parent_id"].strip() or None, section))
    return out


def load(Industry) -> int:
    existing = set(Industry.objects.values_list("code", flat=True))
    new = [
        Industry(code=c, name=n, level=lv, parent_id=p, section=s)
        for c, n, lv, p, s in industry_rows()
        if c not in existing
    ]
    Industry.objects.bulk_create(new, batch_size=1000)
    return len(new)
