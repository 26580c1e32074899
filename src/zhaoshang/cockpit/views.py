"""The cockpit (驾驶舱): the leaders' landing page. Figures from `queries`; filters in the
URL so a view can be bookmarked and sent; htmx swaps the figures when a filter changes."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.cockpit.panels import panels_for
from zhaoshang.cockpit.queries import CockpitFilters, cockpit_figures
from zhaoshang.industries.models import Industry
from zhaoshang.projects.models import Stage
from zhaoshang.projects.views import home_units

YI = Decimal(10_000)  # 万元 per 亿元


def _yi(value) -> float:
    """亿元 as a float, for drawing only: every figure a person reads comes from the Decimal."""
    return float((value or Decimal(0)) / YI)


def _charts(figures: dict) -> dict:
    """What the charts draw, handed to the page with json_script."""
    s = figures["summary"]
    m = figures["monthly"]
    return {
        "unit": {
            "labels": [r["label"] for r in figures["units"]],
            "values": [_yi(r["total"]) for r in figures["units"]],
            "counts": [r["n"] for r in figures["units"]],
        },
        "industry": {
            "labels": [r["label"] for r in figures["industries"]["rows"]],
            "values": [_yi(r["total"]) for r in figures["industries"]["rows"]],
            "counts": [r["n"] for r in figures["industries"]["rows"]],
        },
        "chain": {
            "labels": [r["label"] for r in figures["chains"]],
            "values": [_yi(r["total"]) for r in figures["chains"]],
            "counts": [r["n"] for r in figures["chains"]],
        },
        "funnel": {
            "labels": [str(r["label"]) for r in s["funnel"]],
            "values": [r["n"] for r in s["funnel"]],
        },
        "monthly": {
            "labels": m["months"],
            "series": [
                {"name": str(x["label"]), "counts": x["n"], "values": [_yi(v) for v in x["total"]]}
                for x in m["series"]
            ],
        },
        "text": {
            "yi": _("100 million CNY"),
            "projects": _("projects"),
            "investment": _("Total investment"),
            "count": _("Number of projects"),
        },
    }


@login_required
def cockpit(request):
    f = CockpitFilters.from_query(request.GET)
    figures = cockpit_figures(request.user, f)
    this_year = timezone.localdate().year
    context = {
        "f": f,
        "today": timezone.localdate(),
        "fig": figures,
        "s": figures["summary"],
        "charts": _charts(figures),
        "query": f.query_string(),
        "years": sorted({*range(this_year - 9, this_year + 1), f.year}, reverse=True),
        "units": home_units(),
        "stages": Stage.choices,
        "sections": Industry.objects.filter(level=0).order_by("code"),
        "panels": panels_for("cockpit", request, filters=f),
    }
    template = "cockpit/_body.html" if request.headers.get("HX-Request") else "cockpit/index.html"
    return render(request, template, context)
