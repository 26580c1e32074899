"""Export the ledger in the layouts bureaus exchange: ledger, monthly report, list.

- `ledger`: every field the import reads, in 万元, section rows for categories
  (``一、新开工项目``) and a totals row; importing it again changes nothing.
- `monthly`: 项目名称, 建设地点, 总投资, 年度计划投资, 本月完成, 累计完成, 完成率, 形象进度,
  存在问题 for one month, from the annual plans and monthly reports when the progress app
  holds them (else from the major-project lists' planned investment, the rest left blank
  and said so in the sheet's second line).
- `list`: a short list in 亿元.

Each has a title, a line saying what was exported, a frozen header row, column widths,
number formats and a totals row (phases are not counted twice: a phase whose parent is in
the same export is left out of the totals, as on the ledger page).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from zhaoshang.lib import xlsxwrite as xw
from zhaoshang.lib.money import AmountError, Qualifier, format_wan, parse_amount
from zhaoshang.projects.models import Nature, Project, ProjectInvestor, Stage, StageDate, Status

LAYOUTS = ("ledger", "monthly", "list")


def SYNTHETIC() -> str:  # the marker of synthetic rows, translated when called
    return pgettext("excel cell", "synthetic")


CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Col:
    field: str | None  # what the import maps the header to ("field@unit" for amounts)
    header: Any  # lazy, translated when written
    width: float
    style: int = xw.TEXT


LEDGER = [
    Col("serial", pgettext_lazy("excel header", "No."), 6, xw.INTEGER),
    Col("code", pgettext_lazy("excel header", "Project number"), 18),
    Col("name", pgettext_lazy("excel header", "Project name"), 36, xw.TEXT_WRAP),
    Col("national_code", pgettext_lazy("excel header", "Project code"), 26),
    Col("investors", pgettext_lazy("excel header", "Investor"), 28, xw.TEXT_WRAP),
    Col("unit", pgettext_lazy("excel header", "Township unit"), 16),
    Col("address", pgettext_lazy("excel header", "Address"), 20, xw.TEXT_WRAP),
    Col(
        "description",
        pgettext_lazy("excel header", "Construction content and scale"),
        40,
        xw.TEXT_WRAP,
    ),
    Col("industry", pgettext_lazy("excel header", "Industry code"), 10),
    Col("chain", pgettext_lazy("excel header", "Industrial chain"), 14),
    Col("nature", pgettext_lazy("excel header", "Nature of construction"), 10),
    Col("is_foreign", pgettext_lazy("excel header", "Domestic or foreign"), 10),
    Col("stage", pgettext_lazy("excel header", "Stage"), 10),
    Col("status", pgettext_lazy("excel header", "Status"), 10),
    Col("status_reason", pgettext_lazy("excel header", "Status reason"), 20, xw.TEXT_WRAP),
    Col(
        "total_investment",
        pgettext_lazy("excel header", "Total investment (10k CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col("signed_amount", pgettext_lazy("excel header", "Signed amount (10k CNY)"), 16, xw.AMOUNT),
    Col(
        "registered_capital",
        pgettext_lazy("excel header", "Registered capital (10k CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col(
        "foreign_investment",
        pgettext_lazy("excel header", "Foreign investment (10k CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col(
        "expected_revenue",
        pgettext_lazy("excel header", "Expected yearly sales (10k CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col(
        "expected_tax",
        pgettext_lazy("excel header", "Expected yearly tax (10k CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col(
        "expected_output",
        pgettext_lazy("excel header", "Expected yearly output (10k CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col("expected_jobs", pgettext_lazy("excel header", "Jobs at full production"), 10, xw.INTEGER),
    Col("capacity", pgettext_lazy("excel header", "Capacity"), 16, xw.TEXT_WRAP),
    Col("phase_label", pgettext_lazy("excel header", "Phase"), 8),
    Col("parent", pgettext_lazy("excel header", "Parent project number"), 18),
    Col("actual_signed", pgettext_lazy("excel header", "Signing date"), 12, xw.DATE),
    Col("planned_started", pgettext_lazy("excel header", "Planned start"), 12, xw.DATE),
    Col("actual_started", pgettext_lazy("excel header", "Actual start"), 12, xw.DATE),
    Col("planned_completed", pgettext_lazy("excel header", "Planned completion"), 12, xw.DATE),
    Col("actual_completed", pgettext_lazy("excel header", "Actual completion"), 12, xw.DATE),
    Col(
        "planned_in_production",
        pgettext_lazy("excel header", "Planned production start"),
        12,
        xw.DATE,
    ),
    Col(
        "actual_in_production",
        pgettext_lazy("excel header", "Actual production start"),
        12,
        xw.DATE,
    ),
    Col("is_synthetic", pgettext_lazy("excel header", "Synthetic data"), 10),
]
MONTHLY = [
    Col("serial", pgettext_lazy("excel header", "No."), 6, xw.INTEGER),
    Col("name", pgettext_lazy("excel header", "Project name"), 40, xw.TEXT_WRAP),
    Col("location", pgettext_lazy("excel header", "Location"), 16),
    Col(
        "total_investment",
        pgettext_lazy("excel header", "Total investment (10k CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col(None, pgettext_lazy("excel header", "Annual planned investment (10k CNY)"), 16, xw.AMOUNT),
    Col(None, pgettext_lazy("excel header", "Completed this month (10k CNY)"), 16, xw.AMOUNT),
    Col(None, pgettext_lazy("excel header", "Completed this year (10k CNY)"), 16, xw.AMOUNT),
    Col(None, pgettext_lazy("excel header", "Completion rate"), 10, xw.PERCENT),
    Col(None, pgettext_lazy("excel header", "Physical progress"), 36, xw.TEXT_WRAP),
    Col(None, pgettext_lazy("excel header", "Problems"), 36, xw.TEXT_WRAP),
]
LIST = [
    Col("serial", pgettext_lazy("excel header", "No."), 6, xw.INTEGER),
    Col("code", pgettext_lazy("excel header", "Project number"), 18),
    Col("name", pgettext_lazy("excel header", "Project name"), 40, xw.TEXT_WRAP),
    Col("unit", pgettext_lazy("excel header", "Township unit"), 16),
    Col("industry", pgettext_lazy("excel header", "Industry code"), 10),
    Col("chain", pgettext_lazy("excel header", "Industrial chain"), 14),
    Col("stage", pgettext_lazy("excel header", "Stage"), 10),
    Col("status", pgettext_lazy("excel header", "Status"), 10),
    Col(
        "total_investment@亿元",
        pgettext_lazy("excel header", "Total investment (100m CNY)"),
        16,
        xw.AMOUNT,
    ),
    Col("investors", pgettext_lazy("excel header", "Investor"), 28, xw.TEXT_WRAP),
    Col("is_synthetic", pgettext_lazy("excel header", "Synthetic data"), 10),
]
BY_NAME = {"ledger": LEDGER, "monthly": MONTHLY, "list": LIST}

AMOUNTS = ("total_investment", "signed_amount", "registered_capital", "foreign_investment",
           "expected_revenue", "expected_tax", "expected_output")  # fmt: skip
FOREIGN = {"registered_capital", "foreign_investment"}
DATE_STAGES = ("signed", "started", "completed", "in_production")
VALUES = ["pk", "code", "name", "national_code", "unit_id", "unit__name", "address",
          "description", "category", "industry_id", "chain__name", "nature", "is_foreign", "stage",
          "status", "status_reason", "expected_jobs", "capacity", "phase_label", "parent_id",
          "parent__code", "is_synthetic"] + [
    f"{a}_{s}" for a in AMOUNTS
    for s in (("wan", "qualifier", "text", "currency", "original") if a in FOREIGN
              else ("wan", "qualifier", "text"))
]  # fmt: skip
MAX_DIGITS = 15  # what an Excel number holds exactly; longer amounts are written as text


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def amount_cell(row: dict, name: str, scale: int = 0) -> Any:
    """The cell for one amount, in 万元 (scale 0) or 亿元 (scale -4).

    An exact amount in CNY is a number. Anything else (约, 超, a foreign currency) is the
    text as written when it reads back to the same amount, else the amount written out.
    """
    value = row[f"{name}_wan"]
    if value is None:
        return None
    qualifier = row[f"{name}_qualifier"]
    currency = row.get(f"{name}_currency") or "CNY"
    if qualifier == Qualifier.EXACT.value and currency == "CNY":
        number = value.scaleb(scale).normalize()
        if len(number.as_tuple().digits) <= MAX_DIGITS:
            return number
        return format(number, "f")
    text = row[f"{name}_text"]
    if text:
        try:
            again = parse_amount(text, default_unit="亿元" if scale else "万元")
        except AmountError:
            again = None
        if again is not None and again.qualifier.value == qualifier and again.currency == currency:
            same = (
                (again.original == row.get(f"{name}_original"))
                if currency != "CNY"
                else (again.value_wan == value)
            )
            if same:
                return text
    if currency != "CNY" and row.get(f"{name}_original") is not None:
        prefix = {"approx": "约", "at_least": "超", "at_most": "不超过"}.get(qualifier, "")
        return f"{prefix}{currency} {_plain(row[f'{name}_original'])}万"
    return format_wan(value, Qualifier(qualifier))


def date_cell(when: datetime.date | None, precision: str) -> Any:
    if when is None:
        return None
    if precision == "year":
        return f"{when.year}年"
    if precision == "month":
        return f"{when.year}年{when.month}月"
    return when


def _load(qs, progress, *, dates_too: bool = True) -> tuple[list[dict], dict, dict]:
    rows = list(qs.values(*VALUES))
    ids = [r["pk"] for r in rows]
    investors: dict[int, list[str]] = defaultdict(list)
    dates: dict[int, dict[str, tuple]] = defaultdict(dict)
    if not ids:
        return rows, investors, dates
    scope = qs.values("pk") if len(ids) > 900 else ids
    for project_id, name in (
        ProjectInvestor.objects.filter(project_id__in=scope)
        .order_by("id")
        .values_list("project_id", "enterprise__name")
    ):
        investors[project_id].append(name)
    if not dates_too:
        return rows, investors, dates
    for project_id, stage, p_on, p_prec, a_on, a_prec in StageDate.objects.filter(
        project_id__in=scope, stage__in=DATE_STAGES
    ).values_list("project_id", "stage", "planned_on", "planned_precision", "actual_on",
                  "actual_precision"):  # fmt: skip
        dates[project_id][stage] = (p_on, p_prec, a_on, a_prec)
    return rows, investors, dates


def _counted(rows: list[dict]) -> list[dict]:
    """Rows whose investment counts in a total: not a phase of a project also exported."""
    ids = {r["pk"] for r in rows}
    return [r for r in rows if r["parent_id"] not in ids]


def _title(book: xw.Workbook, cols: list[Col], title: str, subtitle: str, sheet_name: str):
    widths = [c.width for c in cols]
    sheet = book.add_sheet(sheet_name, widths=widths, freeze=(3, 3), print_title_rows=(2, 2))
    sheet.row([title], xw.TITLE, height=30)
    sheet.merge(0, 0, 0, len(cols) - 1)
    sheet.row([subtitle], xw.SUBTITLE)
    sheet.merge(1, 0, 1, len(cols) - 1)
    sheet.row([str(c.header) for c in cols], xw.HEADER, height=36)
    return sheet


def _sum(rows: list[dict], name: str, scale: int = 0) -> Decimal | None:
    values = [r[f"{name}_wan"] for r in _counted(rows) if r[f"{name}_wan"] is not None]
    return sum(values, Decimal(0)).scaleb(scale).normalize() if values else None


def _total_row(cols: list[Col], count: int) -> list[Any]:
    """合计 in the first column, the number of projects under the names."""
    row: list[Any] = [None] * len(cols)
    row[0] = _("Total")
    row[next(i for i, c in enumerate(cols) if c.field == "name")] = _("%(n)s projects") % {
        "n": count
    }
    return row


def _subtitle(count: int, filters: str, unit: str, synthetic: int) -> str:
    parts = [
        _("Exported %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        _("%(n)s projects") % {"n": count},
    ]
    if filters:
        parts.append(_("filters: %(filters)s") % {"filters": filters})
    if synthetic:
        parts.append(
            _("%(n)s of them synthetic (invented demo data, marked in the last column)")
            % {"n": synthetic}
        )
    parts.append(_("Unit: %(unit)s") % {"unit": unit})
    return "    ".join(parts)


def write_ledger(qs, target, *, filters: str = "", progress=None) -> int:
    rows, investors, dates = _load(qs, progress)
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["category"]].append(r)
    for members in groups.values():
        members.sort(key=lambda r: (-(r["total_investment_wan"] or Decimal(-1)), r["code"]))
    order = sorted(groups, key=lambda c: (c != "", c))
    cols = LEDGER
    styles = [c.style for c in cols]
    synthetic = sum(1 for r in rows if r["is_synthetic"])
    labels = _Labels()
    with xw.Workbook(target) as book:
        sheet = _title(
            book,
            cols,
            " · ".join([str(settings.ZHAOSHANG_SITE_NAME), _("major project ledger")]),
            _subtitle(len(rows), filters, _("10k CNY (万元)"), synthetic),
            str(_("Ledger")),
        )
        first_data = sheet.rows_written
        serial, written = 0, 0
        for index, category in enumerate(order):
            members = groups[category]
            if category:
                numeral = (
                    CN_NUMERALS[index - (1 if "" in groups else 0)] if index < 11 else str(index)
                )
                sheet.row([f"{numeral}、{category}（{len(members)}个）"], xw.SECTION)
                sheet.merge(sheet.rows_written - 1, 0, sheet.rows_written - 1, len(cols) - 1)
            for r in members:
                serial += 1
                sheet.row(_ledger_row(r, serial, investors, dates, labels), styles)
                written += 1
                if progress and written % 5000 == 0:
                    progress(written, len(rows))
        total_row = _total_row(cols, len(rows))
        total_styles = [xw.TOTAL_LABEL] * len(cols)
        for i, c in enumerate(cols):
            if c.field in AMOUNTS:
                total_row[i] = _sum(rows, c.field)
                total_styles[i] = xw.TOTAL_AMOUNT
        sheet.row(total_row, total_styles)
        sheet.autofilter(2, 0, max(first_data, sheet.rows_written - 2), len(cols) - 1)
    if progress:
        progress(len(rows), len(rows))
    return len(rows)


class _Labels:
    """Stage, status and nature labels in the current language, looked up once."""

    def __init__(self) -> None:
        self.stage = {v: str(label) for v, label in Stage.choices}
        self.status = {v: str(label) for v, label in Status.choices}
        self.nature = {v: str(label) for v, label in Nature.choices}
        self.foreign = {
            True: pgettext("excel cell", "foreign"),
            False: pgettext("excel cell", "domestic"),
        }
        self.synthetic = SYNTHETIC()


def _ledger_row(r: dict, serial: int, investors, dates, labels: _Labels | None = None) -> list[Any]:
    labels = labels or _Labels()
    pk = r["pk"]
    d = dates.get(pk, {})

    def when(stage: str, actual: bool) -> Any:
        if stage not in d:
            return None
        p_on, p_prec, a_on, a_prec = d[stage]
        return date_cell(a_on, a_prec) if actual else date_cell(p_on, p_prec)

    return [
        serial,
        r["code"],
        r["name"],
        r["national_code"] or None,
        "、".join(investors.get(pk, [])) or None,
        r["unit__name"],
        r["address"] or None,
        r["description"] or None,
        r["industry_id"],
        r["chain__name"],
        labels.nature.get(r["nature"]),
        labels.foreign[bool(r["is_foreign"])],
        labels.stage[r["stage"]],
        labels.status[r["status"]],
        r["status_reason"] or None,
        amount_cell(r, "total_investment"),
        amount_cell(r, "signed_amount"),
        amount_cell(r, "registered_capital"),
        amount_cell(r, "foreign_investment"),
        amount_cell(r, "expected_revenue"),
        amount_cell(r, "expected_tax"),
        amount_cell(r, "expected_output"),
        r["expected_jobs"],
        r["capacity"] or None,
        r["phase_label"] or None,
        r["parent__code"],
        when("signed", True),
        when("started", False),
        when("started", True),
        when("completed", False),
        when("completed", True),
        when("in_production", False),
        when("in_production", True),
        labels.synthetic if r["is_synthetic"] else None,
    ]


def write_list(qs, target, *, filters: str = "", progress=None) -> int:
    rows, investors, _dates = _load(qs, progress, dates_too=False)
    rows.sort(key=lambda r: (-(r["total_investment_wan"] or Decimal(-1)), r["code"]))
    cols = LIST
    styles = [c.style for c in cols]
    synthetic = sum(1 for r in rows if r["is_synthetic"])
    with xw.Workbook(target) as book:
        sheet = _title(
            book,
            cols,
            " · ".join([str(settings.ZHAOSHANG_SITE_NAME), _("project list")]),
            _subtitle(len(rows), filters, _("100m CNY (亿元)"), synthetic),
            str(_("List")),
        )
        for serial, r in enumerate(rows, 1):
            sheet.row(
                [
                    serial,
                    r["code"],
                    r["name"],
                    r["unit__name"],
                    r["industry_id"],
                    r["chain__name"],
                    str(Stage(r["stage"]).label),
                    str(Status(r["status"]).label),
                    amount_cell(r, "total_investment", scale=-4),
                    "、".join(investors.get(r["pk"], [])) or None,
                    SYNTHETIC() if r["is_synthetic"] else None,
                ],
                styles,
            )
            if progress and serial % 5000 == 0:
                progress(serial, len(rows))
        total = _total_row(cols, len(rows))
        total[8] = _sum(rows, "total_investment", scale=-4)
        sheet.row(total, [xw.TOTAL_AMOUNT if i == 8 else xw.TOTAL_LABEL for i in range(len(cols))])
        sheet.autofilter(2, 0, max(3, sheet.rows_written - 2), len(cols) - 1)
    return len(rows)


def monthly_figures(project_ids, year: int, month: int) -> tuple[dict[int, dict], str]:
    """Per project: annual plan, completed this month and this year, physical progress,
    problems; and where the figures come from (said in the sheet)."""
    out: dict[int, dict] = defaultdict(dict)
    if apps.is_installed("zhaoshang.progress"):
        plan_model = apps.get_model("progress", "AnnualPlan")
        month_model = apps.get_model("progress", "MonthlyProgress")
        for project_id, planned in plan_model.objects.filter(
            project_id__in=project_ids, year=year
        ).values_list("project_id", "planned_investment_wan"):
            out[project_id]["plan"] = planned
        reports = month_model.objects.filter(
            project_id__in=project_ids, year=year, month__lte=month
        ).values_list(
            "project_id", "month", "completed_wan", "physical_progress", "problems_raised"
        )
        for project_id, m, completed, progress_text, problems in reports:
            figures = out[project_id]
            if completed is not None:
                figures["year"] = figures.get("year", Decimal(0)) + completed
            if m == month:
                figures["month"] = completed
                figures["progress"] = progress_text
                figures["problems"] = problems
        return out, _("annual plans and monthly reports")
    from zhaoshang.projects.models import ProjectListEntry

    for project_id, planned in (
        ProjectListEntry.objects.filter(project_id__in=project_ids, project_list__year=year)
        .exclude(planned_investment_wan=None)
        .order_by("project_list__level")
        .values_list("project_id", "planned_investment_wan")
    ):
        out[project_id].setdefault("plan", planned)
    return out, _("major-project lists (no monthly reports are kept: those columns are blank)")


def _stage_text(r: dict, dates) -> str:
    d = dates.get(r["pk"], {})
    label = str(Stage(r["stage"]).label)
    if r["stage"] in d and d[r["stage"]][2]:
        _p, _pp, a_on, a_prec = d[r["stage"]]
        return f"{label}（{date_cell(a_on, a_prec) if a_prec != 'day' else a_on.isoformat()}）"
    return label


def write_monthly(qs, target, *, year: int, month: int, filters: str = "", progress=None) -> int:
    rows, _investors, dates = _load(qs, progress)
    rows.sort(key=lambda r: (-(r["total_investment_wan"] or Decimal(-1)), r["code"]))
    ids = [r["pk"] for r in rows]
    figures, source = monthly_figures(qs.values("pk") if len(ids) > 900 else ids, year, month)
    cols = MONTHLY
    styles = [c.style for c in cols]
    synthetic = sum(1 for r in rows if r["is_synthetic"])
    sums = {"plan": Decimal(0), "month": Decimal(0), "year": Decimal(0)}
    counted = {r["pk"] for r in _counted(rows)}
    with xw.Workbook(target) as book:
        subtitle = _subtitle(len(rows), filters, _("10k CNY (万元)"), synthetic)
        subtitle += "    " + _("Figures from: %(source)s") % {"source": source}
        sheet = _title(
            book,
            cols,
            _("%(year)s-%(month)02d major project progress report")
            % {"year": year, "month": month},
            subtitle,
            str(_("Monthly report")),
        )
        for serial, r in enumerate(rows, 1):
            f = figures.get(r["pk"], {})
            excel_row = sheet.rows_written + 1
            rate = None
            if f.get("plan") and f.get("year") is not None:
                rate = xw.Formula(f"IF(E{excel_row}>0,G{excel_row}/E{excel_row},\"\")",
                                  f["year"] / f["plan"])  # fmt: skip
            problems = f.get("problems") or (
                f"{Status(r['status']).label}：{r['status_reason']}"
                if r["status"] != Status.ON_TRACK and r["status_reason"]
                else None
            )
            sheet.row(
                [
                    serial,
                    r["name"]
                    + (
                        f"（{SYNTHETIC()}）"
                        if r["is_synthetic"] and "合成" not in r["name"]
                        else ""
                    ),
                    r["unit__name"],
                    amount_cell(r, "total_investment"),
                    f.get("plan"),
                    f.get("month"),
                    f.get("year"),
                    rate,
                    f.get("progress") or _stage_text(r, dates),
                    problems,
                ],
                styles,
            )
            if r["pk"] in counted:
                for key in sums:
                    if f.get(key) is not None:
                        sums[key] += f[key]
            if progress and serial % 5000 == 0:
                progress(serial, len(rows))
        last = sheet.rows_written
        total = [_("Total"), _("%(n)s projects") % {"n": len(rows)}, None,
                 _sum(rows, "total_investment"), sums["plan"] or None, sums["month"] or None,
                 sums["year"] or None, None, None, None]  # fmt: skip
        if sums["plan"]:
            total[7] = xw.Formula(f"IF(E{last + 1}>0,G{last + 1}/E{last + 1},\"\")",
                                  sums["year"] / sums["plan"])  # fmt: skip
        total_styles = (
            [xw.TOTAL_LABEL] * 3
            + [xw.TOTAL_AMOUNT] * 4
            + [xw.PERCENT, xw.TOTAL_LABEL, xw.TOTAL_LABEL]
        )
        sheet.row(total, total_styles)
        sheet.autofilter(2, 0, max(3, last - 1), len(cols) - 1)
    return len(rows)


def export(qs, layout: str, target, *, filters: str = "", month: tuple[int, int] | None = None,
           progress: Callable | None = None) -> int:  # fmt: skip
    """Write the projects of `qs` in `layout` to `target` (path or binary file); returns
    how many projects were written."""
    if layout == "ledger":
        return write_ledger(qs, target, filters=filters, progress=progress)
    if layout == "list":
        return write_list(qs, target, filters=filters, progress=progress)
    if layout == "monthly":
        today = timezone.localdate()
        year, m = month or (today.year, today.month)
        return write_monthly(qs, target, year=year, month=m, filters=filters, progress=progress)
    raise ValueError(f"unknown layout {layout!r}")


def default_queryset():
    return Project.objects.all()
