"""Load the statistical division codes and Zhangjiagang's aliases into `Region`.

Called from a data migration (with historical models) and by tests; idempotent.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Display names for Zhangjiagang's zones, whose official names repeat the city's.
SHORT_NAMES = {
    "320582400": "现代农业示范园区",
    "320582401": "经开区",
    "320582403": "保税区",
    "320582406": "冶金工业园",
    "320582407": "双山岛旅游度假区",
}

# 区镇合一: a zone and a town run by one administration. A town editor of either
# edits both (see projects.access).
MERGED = {
    "320582406": "320582103",  # 冶金工业园 = 锦丰镇
    "320582401": "320582100",  # 经开区 = 杨舍镇
    "320582403": "320582001",  # 保税区 = 金港街道 (formerly 金港镇)
}

# Names that news and ledgers still use, with what they mean.
ALIASES: dict[str, list[tuple[str, str]]] = {
    "320582001": [("金港镇", "金港街道的旧称（2021年撤镇设街道前）"), ("金港", "")],
    "320582002": [("后塍镇", "旧称"), ("后塍", "")],
    "320582003": [("德积镇", "旧称"), ("德积", "")],
    "320582100": [("杨舍", "")],
    "320582101": [
        ("高新区(塘桥镇)", "张家港高新区与塘桥镇区镇合一"),
        ("高新区", ""),
        ("张家港高新区", ""),
        ("塘桥", ""),
    ],
    "320582103": [("锦丰", "")],
    "320582104": [("乐余", "")],
    "320582105": [("凤凰", "")],
    "320582106": [("南丰", "")],
    "320582107": [("大新", "")],
    "320582400": [
        ("常阴沙", "常阴沙现代农业示范园区"),
        ("常阴沙现代农业示范园区", ""),
        ("现代农业示范园区", ""),
        ("农业示范园区", ""),
    ],
    "320582401": [
        ("经开区", ""),
        ("张家港经开区", ""),
        ("经济技术开发区", ""),
        ("经开区(杨舍镇)", "经开区与杨舍镇区镇合一"),
        ("经济开发区", ""),
    ],
    "320582403": [("保税区", ""), ("保税区(金港镇)", "保税区与金港区镇合一"), ("张家港保税区", "")],
    "320582406": [
        ("冶金园", ""),
        ("冶金工业园", ""),
        ("冶金园(锦丰镇)", "冶金工业园与锦丰镇区镇合一"),
        ("冶金工业园(锦丰镇)", ""),
        ("张家港冶金工业园", ""),
    ],
    "320582407": [("双山岛", ""), ("双山岛旅游度假区", "")],
}


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def county_kind(name: str) -> str:
    if name.endswith("区") or name == "市辖区":
        return "district"
    return "county"


def township_kind(name: str) -> str:
    if name.endswith(("街道", "街道办事处")):
        return "subdistrict"
    if name.endswith("镇"):
        return "town"
    if name.endswith("乡"):
        return "township"
    return "zone"


def division_rows() -> Iterator[tuple[str, str, int, str, str | None]]:
    """(code, name, level, kind, parent code), parents before children."""
    for r in _rows("provinces.csv"):
        yield r["code"], r["name"], 1, "province", None
    for r in _rows("cities.csv"):
        yield r["code"], r["name"], 2, "city", r["provinceCode"]
    for r in _rows("areas.csv"):
        yield r["code"], r["name"], 3, county_kind(r["name"]), r["cityCode"]
    for r in _rows("streets_32_jiangsu.csv"):
        yield r["code"], r["name"], 4, township_kind(r["name"]), r["areaCode"]


def load(Region, RegionAlias) -> int:
    """Create the units that are missing and the aliases; returns how many units were created."""
    existing = set(Region.objects.values_list("code", flat=True))
    new = [
        Region(
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent_id=parent,
            short_name=SHORT_NAMES.get(code, ""),
        )
        for code, name, level, kind, parent in division_rows()
        if code not in existing
    ]
    Region.objects.bulk_create(new, batch_size=1000)
    for zone, town in MERGED.items():
        Region.objects.filter(code=zone).update(merged_with_id=town)
        Region.objects.filter(code=town).update(merged_with_id=zone)
    for code, aliases in ALIASES.items():
        for alias, note in aliases:
            RegionAlias.objects.get_or_create(region_id=code, alias=alias, defaults={"note": note})
    return len(new)
