"""战略性新兴产业分类（2018）: which industry codes, and so which enterprises and projects,
count as strategic emerging industries (SEI), and in which of the nine groups.

The catalogue lives in `industries.SeiCategory` / `SeiClass`, loaded by a migration from
`data/sei2018.yaml`. A class marked partial (``*`` in the catalogue) counts only for some
of its products: `is_sei(code)` counts it by default; pass `include_partial=False` for the
strict reading.

    >>> sei_of("3841")               # doctest: +SKIP
    [SeiMembership(group='5', group_name='新能源汽车产业', category='5.2', ..., partial=True)]
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import yaml

DATA = Path(__file__).resolve().parent / "data" / "sei2018.yaml"


class SeiMembership(NamedTuple):
    group: str
    group_name: str
    category: str
    category_name: str
    partial: bool


def catalogue_rows() -> tuple[
    list[tuple[str, str, str, int, str | None, int]], list[tuple[str, str, bool]]
]:
    """From the YAML: categories (code, name, name_en, level, parent, order) and classes
    (category code, industry code, partial)."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    categories: list[tuple[str, str, str, int, str | None, int]] = []
    classes: list[tuple[str, str, bool]] = []
    order = 0
    for group in data["groups"]:
        order += 1
        categories.append((group["code"], group["name"], group.get("name_en", ""), 1, None, order))
        for category in group["categories"]:
            order += 1
            categories.append((category["code"], category["name"], "", 2, group["code"], order))
            for raw in category["classes"]:
                code = raw.rstrip("*")
                classes.append((category["code"], code, raw.endswith("*")))
    return categories, classes


def load(SeiCategory, SeiClass) -> int:
    """Create the catalogue's rows that are missing (used by the migration)."""
    categories, classes = catalogue_rows()
    have = set(SeiCategory.objects.values_list("code", flat=True))
    for code, name, name_en, level, parent, order in categories:
        if code not in have:
            SeiCategory.objects.create(
                code=code, name=name, name_en=name_en, level=level, parent_id=parent, order=order
            )
    existing = set(SeiClass.objects.values_list("category_id", "industry_id"))
    new = [
        SeiClass(category_id=c, industry_id=i, partial=p)
        for c, i, p in classes
        if (c, i) not in existing
    ]
    SeiClass.objects.bulk_create(new)
    return len(new)


def sei_map(*, include_partial: bool = True) -> dict[str, list[SeiMembership]]:
    """Industry code -> its SEI memberships, for counting many codes with one query."""
    from zhaoshang.industries.models import SeiClass

    out: dict[str, list[SeiMembership]] = {}
    rows = SeiClass.objects.select_related("category__parent").order_by(
        "category__order", "industry_id"
    )
    if not include_partial:
        rows = rows.filter(partial=False)
    for row in rows:
        category = row.category
        group = category.parent
        out.setdefault(row.industry_id, []).append(
            SeiMembership(group.code, group.name, category.code, category.name, row.partial)
        )
    return out


def sei_of(code: str | None, *, include_partial: bool = True) -> list[SeiMembership]:
    """The SEI groups and categories an industry class counts in; [] when none or no code."""
    from zhaoshang.industries.models import SeiClass

    if not code:
        return []
    rows = SeiClass.objects.filter(industry_id=str(code).strip()).select_related("category__parent")
    if not include_partial:
        rows = rows.filter(partial=False)
    return [
        SeiMembership(
            r.category.parent.code,
            r.category.parent.name,
            r.category.code,
            r.category.name,
            r.partial,
        )
        for r in rows.order_by("category__order")
    ]


def is_sei(code: str | None, *, include_partial: bool = True) -> bool:
    return bool(sei_of(code, include_partial=include_partial))


def sei_groups_of(code: str | None, *, include_partial: bool = True) -> list[str]:
    """The group codes (`"1"` … `"9"`) an industry class counts in, without repeats."""
    return list(dict.fromkeys(m.group for m in sei_of(code, include_partial=include_partial)))


def sei_industry_codes(group: str | None = None, *, include_partial: bool = True) -> set[str]:
    """Industry codes counted in SEI (or in one group): `Project.objects.filter(industry_id__in=...)`."""
    from zhaoshang.industries.models import SeiClass

    rows = SeiClass.objects.all()
    if group:
        rows = rows.filter(category__parent_id=group)
    if not include_partial:
        rows = rows.filter(partial=False)
    return set(rows.values_list("industry_id", flat=True))


def split_by_sei(
    codes: Iterable[str | None], *, include_partial: bool = True
) -> dict[str, list[str | None]]:
    """`{"in": [...], "out": [...]}` for a list of industry codes (an enterprise or project each)."""
    mapping = sei_map(include_partial=include_partial)
    out: dict[str, list[str | None]] = {"in": [], "out": []}
    for code in codes:
        out["in" if code and code in mapping else "out"].append(code)
    return out
