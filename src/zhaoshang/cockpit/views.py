"""The cockpit (驾驶舱) and the 大屏 (/screen/): the leaders' landing page and the meeting
room's wall. Figures from `queries` (one function each, the same on both faces); filters
in the URL so a view can be bookmarked and sent; htmx swaps the figures when a filter
changes; every chart carries the ledger address of each bar, slice and point."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.cockpit.access import view_refusal
from zhaoshang.cockpit.panels import panels_for
from zhaoshang.cockpit.queries import (
    RANKING_RULE,
    CockpitFilters,
    RankRow,
    chain_name,
    cockpit_figures,
    ranking_level,
)
from zhaoshang.core.access import region_of
from zhaoshang.industries.models import Industry
from zhaoshang.progress.months import Month
from zhaoshang.progress.rates import Rates
from zhaoshang.projects.models import Stage
from zhaoshang.regions import home as home_mod
from zhaoshang.regions.models import Level, Region

YI = Decimal(10_000)  # 万元 per 亿元
SCREEN_REFRESH_SECONDS = 300


def _yi(value) -> float:
    """亿元 as a float, for drawing only: every figure a person reads comes from the Decimal."""
    return float((value or Decimal(0)) / YI)


def _bars(rows: list[dict], url) -> dict:
    return {
        "labels": [str(r["label"]) for r in rows],
        "values": [_yi(r["total"]) for r in rows],
        "counts": [r["n"] for r in rows],
        "urls": [url(r["key"]) if r["key"] else None for r in rows],
    }


def _charts(f: CockpitFilters, figures: dict) -> dict:
    """What the charts draw, handed to the page with json_script; `urls` hold the ledger
    address behind each bar, slice and point (None where there is no list to open)."""
    m = figures["monthly"]
    out = {
        "monthly": {
            "labels": m["months"],
            "series": [
                {
                    "name": str(x["label"]),
                    "counts": x["n"],
                    "values": [_yi(v) for v in x["total"]],
                    "urls": [
                        f.ledger_url(date_stage=x["code"], date_from=month, date_to=month)
                        for month in m["months"]
                    ],
                }
                for x in m["series"]
            ],
        },
        "text": {
            "yi_short": _("CNY 100m"),
            "projects": _("projects"),
            "investment": _("Total investment"),
            "count": _("Number of projects"),
        },
    }
    if "summary" in figures:
        s = figures["summary"]
        out.update(
            unit=_bars(figures["units"], lambda key: f.ledger_url(unit=key)),
            industry=_bars(figures["industries"]["rows"], lambda key: f.ledger_url(industry=key)),
            chain=_bars(figures["chains"], lambda key: f.ledger_url(chain=key)),
            stage={
                "labels": [str(st["label"]) for st in s["stages"]],
                "values": [st["n"] for st in s["stages"]],
                "totals": [_yi(st["total"]) for st in s["stages"]],
                "urls": [f.ledger_url(stage=st["code"]) for st in s["stages"]],
            },
        )
    return out


def _month_choices(f: CockpitFilters) -> list[Month]:
    """The as-of months offered: this month back to January two years before the
    latest reported one, and the month shown."""
    first = Month(min(f.default.year, f.month.year) - 2, 1)
    months, m = [], Month.current()
    while m >= first:
        months.append(m)
        m = m.previous()
    if f.month not in months:
        months.append(f.month)
    return months


def _places(f: CockpitFilters, user) -> list:
    """The places the unit selector offers: the township units of the county in view (of
    the home county in a single-county installation); in a prefecture city or province
    also its cities and counties, a county's staff only their own county."""
    region = f.region
    if not home_mod.is_multi_county():
        return list(home_mod.township_units())
    above = home_mod.regions_within(user)
    towns = home_mod.children_of(region) if region.level == Level.COUNTY else []
    return sorted([*above, *towns], key=lambda r: r.code)


def _whole_label(user) -> str:
    """What "the whole" reads as in the selector: the city for one county, else the home
    region's name (a county's staff: their county)."""
    if not home_mod.is_multi_county():
        return _("whole city")
    confined = region_of(user)
    region = Region.objects.get(code=confined) if confined else home_mod.home_region()
    return str(region)


def _scope_label(f: CockpitFilters, units, whole: str) -> str:
    crumbs = home_mod.region_levels(f.unit) if f.unit else []
    label = next((str(u) for u in units if u.code == f.unit), None)
    if label is None and crumbs and crumbs[-1].code == f.unit:
        label = str(crumbs[-1])
    parts = [label or f.unit if f.unit else whole]
    if f.chain_obj is not None:
        parts.append(chain_name(f.chain_obj))
    return " · ".join(parts)


def _context(request, f: CockpitFilters, figures: dict) -> dict:
    units = _places(f, request.user)
    whole = _whole_label(request.user)
    multi = home_mod.is_multi_county()
    confined = region_of(request.user)
    crumbs = [
        c
        for c in (home_mod.region_levels(f.unit or home_mod.home_code()) if multi else [])
        if not confined or home_mod.contains(confined, c.code)
    ]
    return {
        "multi_county": multi,
        "crumbs": crumbs,
        "home_code": home_mod.home_code(),
        "whole_label": whole,
        "rank_level": ranking_level(f.region),
        # one county: its township units are the selector's already
        "children": home_mod.children_of(f.region) if multi else units,
        "f": f,
        "today": timezone.localdate(),
        "fig": figures,
        "s": figures.get("summary"),
        "p": figures["progress"],
        "b": figures["batches"],
        "charts": _charts(f, figures),
        "query": f.query_string(),
        "ranking_rule": RANKING_RULE,
        "scope_label": _scope_label(f, units, whole),
        "units": units,
        "months": _month_choices(f),
    }


@login_required
def cockpit(request):
    refusal = view_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    f = CockpitFilters.from_query(request.GET, request.user)
    figures = cockpit_figures(request.user, f)
    context = _context(request, f, figures)
    context.update(
        stages=Stage.choices,
        sections=Industry.objects.filter(level=0).order_by("code"),
        panels=panels_for("cockpit", request, filters=f),
    )
    template = "cockpit/_body.html" if request.headers.get("HX-Request") else "cockpit/index.html"
    return render(request, template, context)


@login_required
def screen(request):
    """The 大屏: the cockpit's leading figures on one dark 1920×1080 screen, fetched again
    every five minutes (screen.js asks for `?fragment=1` and swaps the figures in)."""
    refusal = view_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    f = CockpitFilters.from_query(request.GET, request.user)
    figures = cockpit_figures(request.user, f, stock=False)
    context = _context(request, f, figures)
    context.update(
        refresh=SCREEN_REFRESH_SECONDS,
        tiles=_tiles(figures["rankings"], f, context["children"]),
    )
    template = "cockpit/_screen_body.html" if request.GET.get("fragment") else "cockpit/screen.html"
    return render(request, template, context)


# A schematic of the home county's township units, west to east and north to south as
# they lie along the Yangtze (no boundaries: one tile each, where a leader expects it).
TILE_GRID = {
    "320582403": (1, 1),  # 保税区
    "320582001": (2, 1),  # 金港街道
    "320582003": (3, 1),  # 德积街道
    "320582407": (4, 1),  # 双山岛旅游度假区
    "320582107": (5, 1),  # 大新镇
    "320582406": (6, 1),  # 冶金工业园
    "320582002": (1, 2),  # 后塍街道
    "320582401": (2, 2),  # 经开区
    "320582100": (3, 2),  # 杨舍镇
    "320582103": (4, 2),  # 锦丰镇
    "320582104": (5, 2),  # 乐余镇
    "320582400": (6, 2),  # 现代农业示范园区
    "320582105": (2, 3),  # 凤凰镇
    "320582101": (3, 3),  # 塘桥镇
    "320582106": (5, 3),  # 南丰镇
}
GRID_COLUMNS = 6


def _tiles(rankings, f: CockpitFilters, units) -> list[dict]:
    """One tile per unit one level below the region in view (township units of a county,
    counties of a city), coloured by its investment completion rate
    against 序时进度 (grey without a planned investment); placed on the schematic grid
    (units not on it follow in a row of their own)."""
    elapsed = f.month.elapsed_share()
    free_row, free_col = 4, 1
    listed = {r.unit for r in rankings}
    rows = list(rankings) + [
        RankRow(u.code, str(u), None, Rates(key=u.code, label=str(u)))
        for u in units
        if u.code not in listed
    ]
    tiles = []
    for row in rows:
        rate = row.rates.completion_rate
        if rate is None:
            level = "none"
        elif rate >= elapsed:
            level = "ahead"
        elif rate >= elapsed - Decimal("0.1"):
            level = "close"
        else:
            level = "behind"
        col, line = TILE_GRID.get(row.unit, (None, None))
        if col is None:
            col, line = free_col, free_row
            free_col += 1
            if free_col > GRID_COLUMNS:
                free_col, free_row = 1, free_row + 1
        tiles.append({"row": row, "level": level, "col": col, "line": line})
    return tiles
