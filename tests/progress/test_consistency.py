"""Each headline figure reads the same on every face that shows it.

For the demo data and a month (the city, and one township unit), every headline figure is
computed once by `headline.headline` and then read back from each surface that shows it:
the cockpit (context and page), the progress overview, warnings, rates and problems
pages, the JSON API under /api/v1, the `figures` and `warnings` commands, and the monthly
report workbook read back with openpyxl. They must agree exactly, whatever today is.
"""

import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from tests.api import API, token_client
from zhaoshang.api.schemas import money_number
from zhaoshang.cockpit.queries import (
    CockpitFilters,
    cube,
    foreign_share,
    phases_counted_in_parent,
    projects_for,
)
from zhaoshang.progress import queries, rules
from zhaoshang.progress.headline import headline
from zhaoshang.progress.models import Problem
from zhaoshang.progress.months import Month
from zhaoshang.progress.templatetags.progress import pct
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
JINFENG = "320582103"


@pytest.fixture
def leader(demo_once, db):
    """The demo's leader; the demo is loaded once for this module (tests/conftest.py)."""
    return get_user_model().objects.get(username="leader")


def _testids(html: str, name: str) -> list[str]:
    """The text of every element marked data-testid="name" (tags inside stripped)."""
    found = re.findall(rf'data-testid="{name}">(.*?)</(?:b|td|span)>', html, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in found]


def _overdue_rows(html: str) -> list[tuple[int, int]]:
    rows = re.findall(
        r'data-problem="(\d+)".*?data-testid="overdue-days">(?:<[^>]+>)?(\d+)', html, re.S
    )
    return [(int(pk), int(days)) for pk, days in rows]


def _cards(h) -> dict[str, list[str]]:
    """What the progress panel's cards must read for headline `h`."""
    return {
        "completion-rate": [pct(h.rates.completion_rate)],
        "start-rate": [pct(h.rates.start_rate)],
        "red-projects": [str(h.warnings.red)],
        "amber-projects": [str(h.warnings.amber)],
        "green-projects": [str(h.warnings.green)],
        "overdue-count": [str(h.overdue_count)],
        "closure-rate": [pct(h.problems.closure_rate)],
    }


def _share(value):
    return None if value is None else float(round(value, 6))


def _tally_of(rows: list[dict], planned: int) -> tuple[int, int, int, dict]:
    """Projects by their worst light and rule hits, counted from a list of warnings."""
    worst: dict[str, str] = {}
    hits: dict[str, dict[str, int]] = {}
    for w in rows:
        hits.setdefault(w["rule"], {"red": 0, "amber": 0})[w["level"]] += 1
        if worst.get(w["project_code"]) != "red":
            worst[w["project_code"]] = w["level"]
    red = sum(1 for level in worst.values() if level == "red")
    return red, len(worst) - red, planned, hits


@pytest.mark.parametrize("unit", [None, JINFENG])
@pytest.mark.parametrize("month", [Month(2023, 6), Month(2023, 12)])
def test_headline_figures_agree_on_every_surface(leader, tmp_path, month, unit):
    h = headline(month, unit, limit=0)
    figures = json.loads(json.dumps(h.as_json(), default=money_number))
    overdue = [(p.pk, p.overdue_days) for p in h.overdue]
    assert h.as_of == month.last_day  # a past month: as of its end, never today
    assert h.overdue_count == len(overdue)
    assert h.warnings.red + h.warnings.amber + h.warnings.green == h.warnings.projects
    unit_query = {"unit": unit} if unit else {}
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(leader)

    # --- progress overview: context and page
    response = page.get("/progress/", {"month": str(month), **unit_query})
    context = response.context
    assert context["figures"].as_json() == h.as_json()
    html = response.content.decode()
    for name, values in _cards(h).items():
        assert _testids(html, name) == values, name
    assert _overdue_rows(html) == overdue[:20]
    chart = context["panel"]["plan_vs_completed"][month.month - 1]
    assert chart["completed_cumulative_wan"] == h.rates.completed_wan
    assert chart["planned_cumulative_wan"] == (h.rates.planned_wan * month.month / 12).quantize(
        Decimal("0.01")
    )

    # --- warnings page
    response = page.get("/progress/warnings/", {"month": str(month), **unit_query})
    assert response.context["tally"] == h.warnings
    html = response.content.decode()
    assert _testids(html, "red-projects") == [str(h.warnings.red)]
    assert _testids(html, "amber-projects") == [str(h.warnings.amber)]
    for code, _label, red, amber in h.warnings.hit_rows():
        assert _testids(html, f"hits-{code}-red") == [str(red)]
        assert _testids(html, f"hits-{code}-amber") == [str(amber)]

    # --- rates page (the four rates counted in SQL, not from the facts)
    if unit is None:
        total = page.get("/progress/rates/", {"month": str(month)}).context["total"]
        assert (total.start_rate, total.completion_rate) == (
            h.rates.start_rate,
            h.rates.completion_rate,
        )

    # --- problems page as of the month's end (the city's problems)
    if unit is None:
        response = page.get("/progress/problems/", {"month": str(month), "overdue": "1"})
        html = response.content.decode()
        assert _testids(html, "closure-rate") == [pct(h.problems.closure_rate)]
        assert _testids(html, "overdue-count") == [str(h.overdue_count)]
        assert _overdue_rows(html) == overdue

    # --- the JSON API
    api = token_client(leader)
    params = {"month": str(month), **unit_query}
    assert api.get(f"{API}/progress/figures", params).json() == figures
    cockpit_api = api.get(f"{API}/progress/cockpit", params).json()
    assert {k: v for k, v in cockpit_api.items() if k != "plan_vs_completed"} == figures
    rates_api = api.get(f"{API}/progress/rates", params).json()["total"]
    assert (rates_api["start_rate"], rates_api["completion_rate"]) == (
        _share(h.rates.start_rate),
        _share(h.rates.completion_rate),
    )
    warnings_api = api.get(f"{API}/progress/warnings", params).json()
    red, amber, _planned, hits = _tally_of(warnings_api, h.warnings.projects)
    assert (red, amber) == (h.warnings.red, h.warnings.amber)
    assert hits == {k: v for k, v in h.warnings.hits.items() if v["red"] or v["amber"]}
    problem_days = {
        int(n)
        for w in warnings_api
        if w["rule"] == "problem_overdue"
        for n in re.findall(r"(\d+) days overdue", w["reason"])
    }
    assert problem_days == {days for _pk, days in overdue}
    if unit is None:
        listed = api.get(
            f"{API}/progress/problems", {"overdue": "true", "on": h.as_of.isoformat()}
        ).json()
        assert [(p["id"], p["overdue_days"]) for p in listed] == overdue

    # --- the CLI
    out = io.StringIO()
    call_command("figures", "--month", str(month), *(["--unit", unit] if unit else []),
                 "--format", "json", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue()) == figures
    out = io.StringIO()
    call_command("warnings", "--month", str(month), *(["--unit", unit] if unit else []),
                 "--format", "json", stdout=out)  # fmt: skip
    red, amber, _planned, hits = _tally_of(json.loads(out.getvalue()), h.warnings.projects)
    assert (red, amber) == (h.warnings.red, h.warnings.amber)

    # --- the monthly report workbook, read back
    path = tmp_path / "report.xlsx"
    with translation.override("en"):
        call_command("report", "monthly", "--month", str(month), "-o", str(path),
                     *(["--unit", unit] if unit else []), stdout=io.StringIO())  # fmt: skip
    book = load_workbook(path, read_only=True)
    summary, projects, problems, _batches = book.worksheets
    block = []
    for row in summary.iter_rows(min_row=5, values_only=True):
        if row[0] is None:
            break
        block.append(row)
    city = block[-1]  # the total row closes the block of unit rows
    assert city[0] == "Total"
    assert city[1] == h.rates.projects
    assert (city[5], city[9]) == (
        _share(h.rates.completion_rate),
        _share(h.rates.start_rate),
    )
    assert city[11:15] == (
        h.warnings.red,
        h.warnings.amber,
        h.warnings.hits_red,
        h.warnings.hits_amber,
    )
    lights = [r[14] for r in projects.iter_rows(min_row=5, values_only=True)]
    worst = rules.worst_by_project(h.found)
    assert (lights.count("red"), lights.count("amber")) == (
        sum(1 for pk in h.facts if worst.get(pk) == "red"),
        sum(1 for pk in h.facts if worst.get(pk) == "amber"),
    )
    closure = next(problems.iter_rows(min_row=2, max_row=2, values_only=True))
    assert closure[1] == _share(h.problems.closure_rate)
    assert {r[2]: r[8] for r in problems.iter_rows(min_row=4, values_only=True) if r[8]} == {
        p.title: p.overdue_days for p in h.overdue
    }


@pytest.mark.parametrize("unit", [None, JINFENG])
def test_cockpit_shows_the_headline_of_its_year_s_latest_month(leader, unit):
    month = queries.default_month(year=2023)
    h = headline(month, unit, limit=20)
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(leader)
    response = page.get("/", {"year": "2023", **({"unit": unit} if unit else {})})
    panel = next(
        p["context"] for p in response.context["panels"] if p["template"].startswith("progress/")
    )
    assert panel["headline"].as_json() == h.as_json()
    html = response.content.decode()
    # the four rates and the lights at the cockpit's top; the panel keeps the problems
    cockpit_cards = {
        "rate-completion": [pct(h.rates.completion_rate)],
        "rate-start": [pct(h.rates.start_rate)],
        "rate-funds": [pct(h.rates.funds_rate)],
        "rate-on-time": [pct(h.rates.on_time_rate)],
        "lights-red": [str(h.warnings.red)],
        "lights-amber": [str(h.warnings.amber)],
        "lights-green": [str(h.warnings.green)],
        "overdue-count": [str(h.overdue_count)],
        "closure-rate": [pct(h.problems.closure_rate)],
    }
    for name, values in cockpit_cards.items():
        assert _testids(html, name) == values, name
    assert _overdue_rows(html) == [(p.pk, p.overdue_days) for p in h.overdue]
    # the same month and figures as /progress/ opens on by default
    overview = page.get("/progress/", {"unit": unit} if unit else {})
    assert overview.context["figures"].as_json() == h.as_json()


def test_cockpit_foreign_share_counts_only_projects_with_a_known_amount(leader):
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(leader)
    response = page.get("/")
    s = response.context["s"]
    qs = projects_for(leader, CockpitFilters.from_query({}))
    expected = foreign_share(cube(qs, phases_counted_in_parent(qs)))
    assert {k: s[k] for k in expected} == expected
    foreign = Project.objects.filter(is_foreign=True)
    unpriced = foreign.filter(total_investment_wan__isnull=True).count()
    assert (s["foreign_n"], s["foreign_unpriced"]) == (foreign.count(), unpriced)
    html = response.content.decode()
    if unpriced == foreign.count():
        assert s["foreign_share_total"] is None
        assert _testids(html, "foreign-share") == ["—"]
    if unpriced:
        assert _testids(html, "foreign-unpriced") == [
            f"{unpriced} of them have no total investment recorded and are not in the "
            "investment share"
            if unpriced > 1
            else "1 of them has no total investment recorded and is not in the investment share"
        ]


@pytest.mark.parametrize("month", [Month(2023, m) for m in range(1, 13)])
def test_overdue_days_are_counted_to_the_end_of_the_month_in_lists_and_warnings(leader, month):
    h = headline(month, limit=0)
    listed = {p.title: p.overdue_days for p in h.overdue}
    assert listed == {
        p.title: (month.last_day - p.deadline).days
        for p in Problem.objects.all()
        if p.raised_on <= month.last_day
        and (p.closed_on is None or p.closed_on > month.last_day)
        and p.deadline < month.last_day
    }
    with translation.override("en"):
        found = rules.compute(month)
    in_warnings = {}
    for w in found:
        if w.rule == "problem_overdue":
            title, days = re.match(r"problem “(.+?)” .* (\d+) days overdue$", w.reason).groups()
            in_warnings[title] = int(days)
    assert in_warnings == listed
