"""A prefecture or province demo (`zhaoshang demo --region 苏州市 --synthetic N`).

Zhangjiagang keeps exactly what a county demo gives it (the seed's facts, and its
generated projects `320582-SYN-…` with their plans); every other county of the region
gets N generated projects of its own (`320581-SYN-…`, marked synthetic, in its township
units, `demo.synthetic.generate(county=...)`) with plans and 2023 progress
(`progress.demo.generate_progress(county=...)`), so the counties can be rolled up and
ranked against each other. A county's staff user is added for another county (常熟市).
"""

from __future__ import annotations

from collections.abc import Callable

from zhaoshang.core.models import Role
from zhaoshang.demo.synthetic import HOME_COUNTY, generate
from zhaoshang.regions.models import Level, Region

# the county-level demo user of a prefecture or province demo: 常熟市's staff
COUNTY_USER = ("changshu", Role.BUREAU_EDITOR, "320581", "常熟市 Changshu county staff")


def counties_of(region: Region) -> list[str]:
    """The codes of the counties in `region` (itself when it is a county)."""
    if region.level >= Level.COUNTY:
        return [region.code]
    return list(
        Region.objects.filter(code__startswith=region.code, level=Level.COUNTY)
        .exclude(name="市辖区")
        .order_by("code")
        .values_list("code", flat=True)
    )


def demo_users(region: Region) -> list[tuple]:
    """The extra demo users of a region's demo: a county's staff when the region holds
    several counties and 常熟市 is one of them."""
    if region.level < Level.COUNTY and COUNTY_USER[2].startswith(region.code):
        return [COUNTY_USER]
    return []


def generate_region(
    region: Region, n: int, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """N generated projects, with plans and progress, for every county of `region` but
    Zhangjiagang (whose are made as in a county demo); {county code: projects created}."""
    from zhaoshang.progress.demo import SYNTHETIC_CAP, generate_progress

    created = {}
    for county in counties_of(region):
        if county == HOME_COUNTY:
            continue
        step = None if progress is None else (lambda d, t, c=county: progress(c, d, t))
        created[county] = generate(n, step, county=county)
        generate_progress(min(n, SYNTHETIC_CAP), county=county)
    return created
