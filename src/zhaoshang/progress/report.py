"""The monthly report workbook (重大项目月度推进情况表) that goes up to Suzhou and Jiangsu.

Four sheets, amounts in 万元 as the bureaus exchange them:
1. 汇总 / Summary: one row per township unit and the city: projects, annual plan, the
   month's and the year's completed investment, the four rates, 序时进度, red/amber counts;
2. 项目明细 / Projects: one row per planned project with its plan, the month, January to
   the month, funds in place, 入统, physical progress, problems, its light and reasons;
3. 问题督办 / Problems: problems open at the end of the month, overdue ones first, with
   the closure rate;
4. 四个一批 / Four batches: projects signed, started, completed and at full production and
   their total investment, per month (January to the month, each as of its end) and per
   township unit, then January to the month (`batches.batches_by_town`, the cockpit's).
Every figure is as of the end of the month (today while it is still running, and the
title says which), taken from `headline.headline`, as the pages, the API and the CLI
show it. Light counts count projects (each once, by its worst light); rule hits are
columns of their own.
Synthetic rows say so in their own column. Written with XlsxWriter in constant-memory
mode, so a province's hundred thousand projects do not need a hundred thousand rows of RAM.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress import queries, rates, rules
from zhaoshang.progress.amounts import from_micro, rate
from zhaoshang.progress.headline import headline
from zhaoshang.progress.models import MonthlyProgress, Problem
from zhaoshang.progress.months import Month
from zhaoshang.projects.queries import find_unit, left_out
from zhaoshang.regions import home
from zhaoshang.regions.models import Level, Region


def _number(value: Decimal | int | None):
    return None if value is None else float(value)


def _share(value: Decimal | None):
    """A rate as the API gives it (0–1, six decimals), so the workbook and the API agree."""
    return None if value is None else float(round(value, 6))


def write_monthly(
    path: str | Path, month: Month, unit: str | None = None, *, today=None
) -> dict[str, int]:
    """Write the workbook for `month` (the home region, one township unit, or a county,
    city or province of the home region: `queries.unit_scope`) to `path`; returns rows
    written per sheet. The summary's rows are one level below the place: township units
    in a county, counties in a prefecture city or province (`rates.compute` by county)."""
    import xlsxwriter

    today = today or timezone.localdate()
    figures = headline(month, unit, today=today, limit=0)
    facts, warnings = figures.facts, figures.found
    scope = queries.unit_scope(unit)
    place = home.find_region(unit) if unit else home.home_region()
    by = "county" if place is not None and place.level < Level.COUNTY else "unit"

    def key_of(code: str | None) -> str | None:
        return code[: rates.COUNTY_WIDTH] if by == "county" and code else code

    unit_rows, total = rates.compute(month, by, scope, facts=facts, today=today)
    by_project: dict[int, list] = defaultdict(list)
    for w in warnings:
        by_project[w.project_id].append(w)
    town = None if place is not None else find_unit(str(unit))
    county = place or (Region.objects.filter(code=town.parent_id).first() if town else None)
    as_of = (
        _("as of today, %(day)s (the month is still running)")
        if figures.running
        else _("as of the end of %(month)s (%(day)s)")
    ) % {"month": month.label(), "day": figures.as_of.isoformat()}
    title = _("%(place)s major projects: progress to %(month)s") % {
        "place": county.name if county else "",
        "month": month.label(),
    }
    title = f"{title}, {as_of}"

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    money = book.add_format({"num_format": "#,##0.00"})
    pct = book.add_format({"num_format": "0.0%"})
    red = book.add_format({"bg_color": "#F4C7C3"})
    amber = book.add_format({"bg_color": "#FCE8B2"})
    written = {}

    # --- summary
    sheet = book.add_worksheet(pgettext("report sheet", "Summary"))
    sheet.write(0, 0, title, bold)
    sheet.write(
        1,
        0,
        _("Unit: 10k CNY (万元). Elapsed time (序时进度): %(share)s")
        % {"share": f"{month.month}/12"},
    )
    if total.phases:  # under the unit line, above the headers (rows go in order)
        sheet.write(2, 0, total.phase_note)
    headers = [
        _("County") if by == "county" else _("Township unit"), _("Projects"),
        _("Annual planned investment"),
        _("Completed this month"), _("Completed January to the month"),
        _("Investment completion rate"), _("Elapsed time (序时进度)"),
        _("Funds in place January to the month"), _("Funds-in-place rate"),
        _("Start rate"), _("On-time completion rate"), _("Projects with a red light"),
        _("Projects with an amber light"), _("Rule hits, red"), _("Rule hits, amber"),
    ]  # fmt: skip
    sheet.write_row(3, 0, headers, head)
    # each investment once, as the rates count it: a phase planned beside its parent is
    # left out of the total, and of its unit's row when the parent is in that unit too
    phases = rates.planned_phases(month.year)
    inside = left_out({pk: phases.get(pk) for pk in facts})
    month_by_unit: dict = defaultdict(int)
    month_total = 0
    for item in facts.values():
        if item.report is None:
            continue
        pk = item.project_id
        if pk not in inside:
            month_total += item.report.completed
        if pk not in inside or key_of(facts[phases[pk]].unit_id) != key_of(item.unit_id):
            month_by_unit[key_of(item.unit_id)] += item.report.completed
    warnings_by_unit: dict = defaultdict(list)
    for w in warnings:
        warnings_by_unit[key_of(w.unit_code) or None].append(w)
    planned_by_unit: dict = defaultdict(set)
    for item in facts.values():
        planned_by_unit[key_of(item.unit_id)].add(item.project_id)
    row = 4
    for group in [*unit_rows, total]:
        key = group.key
        this_month = month_total if group is total else month_by_unit.get(key, 0)
        tally = (
            figures.warnings
            if group is total
            else rules.tally(warnings_by_unit[key], planned_by_unit[key])
        )
        values = [
            group.label, group.projects, _number(group.planned_wan),
            _number(from_micro(this_month)), _number(group.completed_wan),
            _share(group.completion_rate), _share(month.elapsed_share()),
            _number(group.funds_wan), _share(group.funds_rate),
            _share(group.start_rate), _share(group.on_time_rate),
            tally.red, tally.amber, tally.hits_red, tally.hits_amber,
        ]  # fmt: skip
        formats = [bold if group is total else None, None, money, money, money, pct, pct,
                   money, pct, pct, pct, None, None, None, None]  # fmt: skip
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            sheet.write(row, col, value, fmt) if value is not None else sheet.write_blank(
                row, col, None, fmt
            )
        row += 1
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 14, 14)
    written["summary"] = row - 4

    # --- projects
    sheet = book.add_worksheet(pgettext("report sheet", "Projects"))
    sheet.write(0, 0, title, bold)
    sheet.write(1, 0, _("Unit: 10k CNY (万元)"))
    headers = [
        _("No."), _("Project code"), _("Project"), _("Township unit"),
        _("Annual planned investment"), _("Planned start"), _("Planned completion"),
        _("Completed this month"), _("Completed January to the month"),
        _("Investment completion rate"), _("Funds in place January to the month"),
        _("Counted in statistics January to the month (入统)"), _("Physical progress"),
        _("Problems raised"), _("Light"), _("Warnings"), _("Synthetic"),
    ]  # fmt: skip
    sheet.write_row(3, 0, headers, head)
    units = {r.code: str(r) for r in Region.objects.filter(level=4)}
    reports = (scope or facts_mod.Scope()).restrict(
        MonthlyProgress.objects.filter(year=month.year, month=month.month), month.year
    )
    texts = {
        pid: (physical, problems)
        for pid, physical, problems in reports.order_by().values_list(
            "project_id", "physical_progress", "problems_raised"
        )
    }
    row = 4
    lights = rules.worst_by_project(warnings)
    ordered = sorted(facts.values(), key=lambda f: (f.unit_id or "~", f.code))
    for number, item in enumerate(ordered, start=1):
        found = by_project.get(item.project_id, [])
        light = lights.get(item.project_id, rules.GREEN)
        physical, problems = texts.get(item.project_id, ("", ""))
        planned = None if item.planned is None else from_micro(item.planned)
        done = from_micro(item.ytd_completed)
        values = [
            number, item.code, item.name, units.get(item.unit_id, ""),
            _number(planned),
            str(Month.of(item.planned_start)) if item.planned_start else "",
            str(Month.of(item.planned_completion)) if item.planned_completion else "",
            None if item.report is None else float(from_micro(item.report.completed)),
            _number(done), _share(rate(done, planned or 0)),
            _number(from_micro(item.ytd_funds)), _number(from_micro(item.ytd_counted)),
            physical, problems, str(rules.LEVEL_LABELS[light]),
            "；".join(w.reason for w in found),
            _("synthetic") if item.is_synthetic or item.plan_synthetic else "",
        ]  # fmt: skip
        formats = [None, None, None, None, money, None, None, money, money, pct, money,
                   money, None, None, red if light == "red" else amber if light == "amber"
                   else None, None, None]  # fmt: skip
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            if value is None:
                sheet.write_blank(row, col, None, fmt)
            else:
                sheet.write(row, col, value, fmt)
        row += 1
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 40)
    sheet.set_column(3, 14, 13)
    sheet.set_column(15, 15, 60)
    written["projects"] = row - 4

    # --- problems
    sheet = book.add_worksheet(pgettext("report sheet", "Problems"))
    sheet.write(0, 0, title, bold)
    headers = [
        _("Project code"), _("Project"), _("Problem"), _("Responsible department"),
        _("Responsible leader"), _("Raised on"), _("Deadline"), _("Status"),
        _("Days overdue"), _("Synthetic"),
    ]  # fmt: skip
    closure = figures.problems
    sheet.write(1, 0, _("Problem closure rate (closed / raised)"))
    if closure.closure_rate is None:
        sheet.write_blank(1, 1, None, pct)
    else:
        sheet.write(1, 1, _share(closure.closure_rate), pct)
    sheet.write(1, 2, f"{closure.closed} / {closure.total}")
    headers = [*headers[:8], headers[8], headers[9]]
    sheet.write_row(2, 0, headers, head)
    as_of_day = figures.as_of
    problems = Problem.objects.filter(facts_mod.open_filter(as_of_day))
    if scope is not None and scope.units is not None:
        problems = problems.filter(project__unit_id__in=scope.units)
    row = 3
    for problem in problems.select_related("project", "department").order_by("deadline", "id"):
        overdue = problem.days_overdue(as_of_day)
        sheet.write_row(
            row,
            0,
            [
                problem.project.code,
                problem.project.name,
                problem.title,
                str(problem.department),
                problem.leader,
                str(problem.raised_on),
                str(problem.deadline),
                str(problem.get_status_display()),
                overdue,
                _("synthetic") if problem.is_synthetic or problem.project.is_synthetic else "",
            ],
            red if overdue else None,
        )
        row += 1
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 2, 36)
    sheet.set_column(3, 9, 14)
    written["problems"] = row - 3
    written["batches"] = _batches_sheet(book, month, scope, title, today, head, bold, money)
    book.close()
    return written


def _batches_sheet(book, month: Month, scope, title: str, today, head, bold, money) -> int:
    """四个一批 per month and township unit: one row per month and unit, the month's city
    total after its units, then the units' and the city's January to the month."""
    from zhaoshang.progress.batches import batches_by_town

    table = batches_by_town(month, scope=scope, today=today)
    stages = list(table.year_total)
    sheet = book.add_worksheet(pgettext("report sheet", "Four batches"))
    sheet.write(0, 0, title, bold)
    sheet.write(
        1,
        0,
        _(
            "Unit: 10k CNY (万元). Projects that reached each stage in the month, by their "
            "actual dates; each investment counted once."
        ),
    )
    labels = {
        "signed": (_("Signed (签约): projects"), _("Signed: total investment")),
        "started": (_("Started (开工): projects"), _("Started: total investment")),
        "completed": (_("Completed (竣工): projects"), _("Completed: total investment")),
        "full_production": (
            _("Full production (达产): projects"),
            _("Full production: total investment"),
        ),
    }
    headers = [_("Month"), _("Township unit")]
    for stage in stages:
        headers.extend(labels[stage])
    sheet.write_row(3, 0, headers, head)
    row = 4
    city = _("City total")

    def put(label_month: str, unit: str, cells: dict, fmt=None) -> None:
        nonlocal row
        sheet.write(row, 0, label_month, fmt)
        sheet.write(row, 1, unit, fmt)
        col = 2
        for stage in stages:
            n, wan = cells.get(stage, (0, 0))
            sheet.write(row, col, n, fmt)
            sheet.write(row, col + 1, float(wan), money)
            col += 2
        row += 1

    for m in table.months:
        if m not in table.totals:
            break  # a month that has not begun
        for code, name in table.units:
            put(str(m), str(name), table.cells[(m, code)])
        if scope is None:
            put(str(m), city, table.totals[m], bold)
    span = _("January to %(month)s") % {"month": month}
    for code, name in table.units:
        put(span, str(name), table.year.get(code, {}))
    if scope is None:
        put(span, city, table.year_total, bold)
    sheet.set_column(0, 1, 18)
    sheet.set_column(2, 1 + 2 * len(stages), 14)
    return row - 4
