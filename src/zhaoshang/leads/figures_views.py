"""The team figures page (/leads/figures/) and the cockpit panel: both show
`leads.figures.team_figures` for the reader's leads, as of a month's end."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhaoshang.leads.figures import stage_labels, team_figures
from zhaoshang.progress.months import Month


def _month(value: str) -> tuple[Month, str]:
    """The asked month, or the current one with the reason the asked one was refused."""
    if not value.strip():
        return Month.current(), ""
    try:
        month = Month.parse(value.strip()[:20])
    except ValueError as exc:
        return Month.current(), str(exc)
    if month.is_future():
        return Month.current(), _("%(value)s is in the future") % {"value": month}
    return month, ""


def _context(figures) -> dict:
    current = Month.current()
    return {
        "figures": figures,
        "total_rows": [figures.total],
        "running": figures.month == current,
        "stages": stage_labels(),
        "groups": [
            (_("By team"), figures.by_team),
            (_("By township unit"), figures.by_unit),
            (_("By chain"), figures.by_chain),
        ],
    }


@login_required
def figures_page(request):
    month, error = _month(str(request.GET.get("month", "")))
    context = _context(team_figures(request.user, month))
    context.update({"error": error, "month_value": str(month)})
    return render(request, "leads/figures.html", context)


def cockpit_panel(request, filters=None, **kw):
    """The figures of the cockpit's month (its `month`), as of that month's end."""
    month = getattr(filters, "month", None) or Month.current()
    if month.is_future():
        return None
    figures = team_figures(request.user, month)
    if not figures.total.leads:
        return None
    return _context(figures)
