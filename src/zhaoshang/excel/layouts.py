"""Export the ledger in the layouts bureaus exchange: ledger, monthly report, list.

- `ledger`: every field the import reads, in 万元, section rows for categories
  (``一、新开工项目``) and a totals row; importing it again changes nothing.
- `monthly`: 项目名称, 建设地点, 总投资, 年度计划投资, 本月完成, 累计完成, 完成率, 形象进度,
  存在问题 for one month, from the annual plans and monthly reports when the progress app
  holds them (else from the major-project lists' planned investment, the rest left blank
  and said so in the sheet's second line).
- `list`: a short list in 亿元.

Each has a title, a line saying what was exported, a frozen header row, column widths,
number formats and a totals row.

Amounts are numbers in their 万元 (亿元) column, so that a user's own SUM of a column is
its 合计. An amount's qualifier (超/约/不超过) and its text as written (``超100亿元``,
``2亿美元``) go in two columns of their own right after it, present when some exported
amount of that kind has them; the import reads all three back to the same amount.

Totals count each investment once (`projects.queries.left_out`, the ledger's rule): when
the export holds a phase and its parent, the 合计 row (every row, as SUM adds them) is
followed by 其中：分期 (the phases, already in their parents' figures) and 合计（分期只计
一次）, the figure the ledger page shows.
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
from zhaoshang.lib.money import AmountError, Qualifier, parse_amount
from zhaoshang.projects import mujun
from zhaoshang.projects.models import Nature, Project, ProjectInvestor, Stage, StageDate, Status
from zhaoshang.projects.queries import left_out

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


def _with_parts(cols: list[Col]) -> list[Col]:
    """`cols` with each amount column followed by its qualifier and as-written columns."""
    out = []
    for col in cols:
        out.append(col)
        name = (col.field or "").partition("@")[0]
        if name in PART_HEADERS:
            qualifier, written = PART_HEADERS[name]
            out.append(Col(f"{name}_qualifier", qualifier, 8))
            out.append(Col(f"{name}_text", written, 16))
    return out


PART_HEADERS = {
    "total_investment": (
        pgettext_lazy("excel header", "Total investment qualifier"),
        pgettext_lazy("excel header", "Total investment as written"),
    ),
    "signed_amount": (
        pgettext_lazy("excel header", "Signed amount qualifier"),
        pgettext_lazy("excel header", "Signed amount as written"),
    ),
    "registered_capital": (
        pgettext_lazy("excel header", "Registered capital qualifier"),
        pgettext_lazy("excel header", "Registered capital as written"),
    ),
    "foreign_investment": (
        pgettext_lazy("excel header", "Foreign investment qualifier"),
        pgettext_lazy("excel header", "Foreign investment as written"),
    ),
    "expected_revenue": (
        pgettext_lazy("excel header", "Expected yearly sales qualifier"),
        pgettext_lazy("excel header", "Expected yearly sales as written"),
    ),
    "expected_tax": (
        pgettext_lazy("excel header", "Expected yearly tax qualifier"),
        pgettext_lazy("excel header", "Expected yearly tax as written"),
    ),
    "expected_output": (
        pgettext_lazy("excel header", "Expected yearly output qualifier"),
        pgettext_lazy("excel header", "Expected yearly output as written"),
    ),
}


LEDGER = _with_parts(
    [
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
        Col(
            "signed_amount", pgettext_lazy("excel header", "Signed amount (10k CNY)"), 16, xw.AMOUNT
        ),
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
        Col(
            "expected_jobs",
            pgettext_lazy("excel header", "Jobs at full production"),
            10,
            xw.INTEGER,
        ),
        Col("capacity", pgettext_lazy("excel header", "Capacity"), 16, xw.TEXT_WRAP),
        # 亩均 (projects.mujun): shown, not read back by the import
        Col(None, pgettext_lazy("excel header", "Land area (mu)"), 12),
        Col(
            None,
            pgettext_lazy("excel header", "Investment per mu (10k CNY)"),
            14,
            xw.AMOUNT,
        ),
        Col(None, pgettext_lazy("excel header", "Per-mu check"), 18, xw.TEXT_WRAP),
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
)
MONTHLY = _with_parts(
    [
        Col("serial", pgettext_lazy("excel header", "No."), 6, xw.INTEGER),
        Col("name", pgettext_lazy("excel header", "Project name"), 40, xw.TEXT_WRAP),
        Col("location", pgettext_lazy("excel header", "Location"), 16),
        Col(
            "total_investment",
            pgettext_lazy("excel header", "Total investment (10k CNY)"),
            16,
            xw.AMOUNT,
        ),
        Col(
            None,
            pgettext_lazy("excel header", "Annual planned investment (10k CNY)"),
            16,
            xw.AMOUNT,
        ),
        Col(None, pgettext_lazy("excel header", "Completed this month (10k CNY)"), 16, xw.AMOUNT),
        Col(None, pgettext_lazy("excel header", "Completed this year (10k CNY)"), 16, xw.AMOUNT),
        Col(None, pgettext_lazy("excel header", "Completion rate"), 10, xw.PERCENT),
        Col(None, pgettext_lazy("excel header", "Physical progress"), 36, xw.TEXT_WRAP),
        Col(None, pgettext_lazy("excel header", "Problems"), 36, xw.TEXT_WRAP),
    ]
)
LIST = _with_parts(
    [
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
        # present when the list holds phases, so that its totals read back count them once
        Col("parent", pgettext_lazy("excel header", "Parent project number"), 18),
        Col("is_synthetic", pgettext_lazy("excel header", "Synthetic data"), 10),
    ]
)
BY_NAME = {"ledger": LEDGER, "monthly": MONTHLY, "list": LIST}

AMOUNTS = ("total_investment", "signed_amount", "registered_capital", "foreign_investment",
           "expected_revenue", "expected_tax", "expected_output")  # fmt: skip
FOREIGN = {"registered_capital", "foreign_investment"}
DATE_STAGES = ("signed", "started", "completed", "in_production")
VALUES = ["pk", "code", "name", "national_code", "unit_id", "unit__name", "address",
          "description", "category", "industry_id", "chain__name", "nature", "is_foreign", "stage",
          "status", "status_reason", "expected_jobs", "capacity", "phase_label", "parent_id",
          "parent__code", "is_synthetic", "land_area_mu", "land_area_qualifier",
          "land_area_text"] + [
    f"{a}_{s}" for a in AMOUNTS
    for s in (("wan", "qualifier", "text", "currency", "original") if a in FOREIGN
              else ("wan", "qualifier", "text"))
]  # fmt: skip
MAX_DIGITS = 15  # what an Excel number holds exactly; longer amounts are written as text


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def qualifier_word(qualifier: str) -> str | None:
    """超 / 约 / 不超过 (over / about / at most), None for an exact amount."""
    words = {
        "at_least": pgettext("amount qualifier", "over"),
        "approx": pgettext("amount qualifier", "about"),
        "at_most": pgettext("amount qualifier", "at most"),
    }
    return words.get(qualifier)


def amount_cells(row: dict, name: str, scale: int = 0) -> tuple[Any, Any, Any]:
    """(number, qualifier, as written) for one amount, in 万元 (scale 0) or 亿元 (-4).

    The number is the amount in the column's unit (a foreign amount converted to CNY), a
    number cell whatever its qualifier or currency, so that columns add up; only an amount
    of more than 15 significant digits (beyond what an Excel number holds) is written as
    text, exactly. The text as written is kept when it reads back to the same amount;
    a foreign amount whose text does not is written out from its currency and original
    amount.
    """
    value = row[f"{name}_wan"]
    if value is None:
        return None, None, None
    qualifier = row[f"{name}_qualifier"]
    currency = row.get(f"{name}_currency") or "CNY"
    number = value.scaleb(scale).normalize()
    cell: Any = number if len(number.as_tuple().digits) <= MAX_DIGITS else format(number, "f")
    text = row[f"{name}_text"]
    written = None
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
                written = text
    if written is None and currency != "CNY" and row.get(f"{name}_original") is not None:
        prefix = {"approx": "约", "at_least": "超", "at_most": "不超过"}.get(qualifier, "")
        written = f"{prefix}{currency} {_plain(row[f'{name}_original'])}万"
    return cell, qualifier_word(qualifier), written


def _needs_parts(rows: list[dict], name: str) -> bool:
    """Whether an amount's qualifier and as-written columns have anything to say."""
    currency = f"{name}_currency"
    return any(
        r[f"{name}_wan"] is not None
        and (
            r[f"{name}_text"]
            or r[f"{name}_qualifier"] != Qualifier.EXACT.value
            or (r.get(currency) or "CNY") != "CNY"
        )
        for r in rows
    )


PART_FIELDS = {f"{n}_{part}": n for n in PART_HEADERS for part in ("qualifier", "text")}


def _kept(cols: list[Col], rows: list[dict]) -> list[int]:
    """Indexes of the columns to write: all but the qualifier and as-written columns of
    amounts that no exported row qualifies or writes out, and the list's parent column
    when it holds no phase."""
    needed = {n for n in PART_HEADERS if _needs_parts(rows, n)}
    phases = cols is not LIST or any(r["parent_id"] for r in rows)
    return [
        i
        for i, c in enumerate(cols)
        if (c.field not in PART_FIELDS or PART_FIELDS[c.field] in needed)
        and (c.field != "parent" or phases)
    ]


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


def _title(book: xw.Workbook, cols: list[Col], title: str, subtitle: str, sheet_name: str):
    widths = [c.width for c in cols]
    sheet = book.add_sheet(sheet_name, widths=widths, freeze=(3, 3), print_title_rows=(2, 2))
    sheet.row([title], xw.TITLE, height=30)
    sheet.merge(0, 0, 0, len(cols) - 1)
    sheet.row([subtitle], xw.SUBTITLE)
    sheet.merge(1, 0, 1, len(cols) - 1)
    sheet.row([str(c.header) for c in cols], xw.HEADER, height=36)
    return sheet


def _write_totals(
    sheet: xw.Sheet,
    cols: list[Col],
    rows: list[dict],
    amounts: dict[int, Callable[[dict], Decimal | None]],
    formulas: Callable[[int, dict], dict[int, xw.Formula]] | None = None,
) -> None:
    """The totals rows under the projects: 合计 adds every row (as the user's SUM of the
    column does); when phases are exported with their parents, 其中：分期 (their amounts,
    already in their parents') and 合计（分期只计一次）(each investment once, the ledger's
    figure) follow. `amounts` maps a column index to a row's value in that column;
    `formulas(excel_row, sums)` gives formula cells (a rate) for a totals row."""
    phases = left_out({r["pk"]: r["parent_id"] for r in rows})
    name_col = next(i for i, c in enumerate(cols) if c.field == "name")
    styles = [
        xw.TOTAL_AMOUNT if i in amounts else xw.PERCENT if cols[i].style == xw.PERCENT
        else xw.TOTAL_LABEL
        for i in range(len(cols))
    ]  # fmt: skip

    def sums(members: list[dict]) -> dict[int, Decimal | None]:
        out: dict[int, Decimal | None] = {}
        for i, value_of in amounts.items():
            values = [v for v in map(value_of, members) if v is not None]
            out[i] = sum(values, Decimal(0)).normalize() if values else None
        return out

    def write(label: str, count: str | None, values: dict[int, Decimal | None]) -> None:
        row: list[Any] = [None] * len(cols)
        row[0], row[name_col] = label, count
        for i, value in values.items():
            row[i] = value
        for i, formula in (formulas(sheet.rows_written + 1, values) if formulas else {}).items():
            row[i] = formula
        sheet.row(row, styles)

    every = sums(rows)
    write(_("Total"), _("%(n)s projects") % {"n": len(rows)}, every)
    if not phases:
        return
    inside = sums([r for r in rows if r["pk"] in phases])
    write(
        _("Of which: phases already in their parent projects' figures"),
        _("%(n)s projects") % {"n": len(phases)},
        inside,
    )
    once = {
        i: None if every[i] is None else (every[i] - (inside[i] or 0)).normalize() for i in amounts
    }
    write(_("Total, phases once"), None, once)


def _phase_line(rows: list[dict]) -> str:
    """The subtitle's sentence on phases, "" when the export holds none with its parent."""
    phases = left_out({r["pk"]: r["parent_id"] for r in rows})
    if not phases:
        return ""
    return _(
        "Phases counted once: “Total” adds every row as SUM does; “Total, phases once” "
        "leaves out the %(n)s phases already in their parent projects' figures, as the "
        "ledger page counts"
    ) % {"n": len(phases)}


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


def _with_phase_line(subtitle: str, rows: list[dict]) -> str:
    line = _phase_line(rows)
    return f"{subtitle}    {line}" if line else subtitle


def write_ledger(qs, target, *, filters: str = "", progress=None) -> int:
    rows, investors, dates = _load(qs, progress)
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["category"]].append(r)
    for members in groups.values():
        members.sort(key=lambda r: (-(r["total_investment_wan"] or Decimal(-1)), r["code"]))
    order = sorted(groups, key=lambda c: (c != "", c))
    keep = _kept(LEDGER, rows)
    every_column = len(keep) == len(LEDGER)
    cols = [LEDGER[i] for i in keep]
    styles = [c.style for c in cols]
    synthetic = sum(1 for r in rows if r["is_synthetic"])
    labels = _Labels()
    labels.thresholds = mujun.active_thresholds()
    with xw.Workbook(target) as book:
        sheet = _title(
            book,
            cols,
            " · ".join([str(settings.ZHAOSHANG_SITE_NAME), _("major project ledger")]),
            _with_phase_line(_subtitle(len(rows), filters, _("10k CNY (万元)"), synthetic), rows),
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
                cells = _ledger_row(r, serial, investors, dates, labels)
                sheet.row(cells if every_column else [cells[i] for i in keep], styles)
                written += 1
                if progress and written % 5000 == 0:
                    progress(written, len(rows))
        _write_totals(
            sheet,
            cols,
            rows,
            {
                i: (lambda r, name=c.field: r[f"{name}_wan"])
                for i, c in enumerate(cols)
                if c.field in AMOUNTS
            },
        )
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
        self.thresholds: list | None = None  # the active 亩均 thresholds, read once


def _mujun_cells(r: dict, labels: _Labels) -> list[Any]:
    """Land area, investment per 亩 and the 亩均 findings that are not met (projects.mujun)."""
    if r["land_area_mu"] is None:
        return [None, None, None]
    project = Project(
        industry_id=r["industry_id"],
        stage=r["stage"],
        land_area_mu=r["land_area_mu"],
        land_area_qualifier=r["land_area_qualifier"],
        **{f"{a}_{p}": r[f"{a}_{p}"] for a in AMOUNTS for p in ("wan", "qualifier")},
    )
    if labels.thresholds is None:
        labels.thresholds = mujun.active_thresholds()
    findings = mujun.mujun_check(project, labels.thresholds)
    investment = findings[0].per_mu_wan
    problems = [f.message for f in findings if f.is_problem]
    return [
        r["land_area_text"] or mujun.show_area(r["land_area_mu"], r["land_area_qualifier"]),
        None if investment is None else investment.quantize(Decimal("0.000001")),
        "；".join(problems) or str(mujun.LEVEL_LABELS[mujun.summary(findings)]),
    ]


def _ledger_row(r: dict, serial: int, investors, dates, labels: _Labels | None = None) -> list[Any]:
    labels = labels or _Labels()
    pk = r["pk"]
    d = dates.get(pk, {})

    def when(stage: str, actual: bool) -> Any:
        if stage not in d:
            return None
        p_on, p_prec, a_on, a_prec = d[stage]
        return date_cell(a_on, a_prec) if actual else date_cell(p_on, p_prec)

    amounts = [part for name in AMOUNTS for part in amount_cells(r, name)]
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
        *amounts,  # each amount: number, qualifier, as written
        r["expected_jobs"],
        r["capacity"] or None,
        *_mujun_cells(r, labels),
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
    keep = _kept(LIST, rows)
    cols = [LIST[i] for i in keep]
    styles = [c.style for c in cols]
    synthetic = sum(1 for r in rows if r["is_synthetic"])
    with xw.Workbook(target) as book:
        sheet = _title(
            book,
            cols,
            " · ".join([str(settings.ZHAOSHANG_SITE_NAME), _("project list")]),
            _with_phase_line(_subtitle(len(rows), filters, _("100m CNY (亿元)"), synthetic), rows),
            str(_("List")),
        )
        for serial, r in enumerate(rows, 1):
            cells = [
                serial,
                r["code"],
                r["name"],
                r["unit__name"],
                r["industry_id"],
                r["chain__name"],
                str(Stage(r["stage"]).label),
                str(Status(r["status"]).label),
                *amount_cells(r, "total_investment", scale=-4),
                "、".join(investors.get(r["pk"], [])) or None,
                r["parent__code"],
                SYNTHETIC() if r["is_synthetic"] else None,
            ]
            sheet.row([cells[i] for i in keep], styles)
            if progress and serial % 5000 == 0:
                progress(serial, len(rows))
        amount = next(i for i, c in enumerate(cols) if c.field == "total_investment@亿元")
        _write_totals(sheet, cols, rows, {amount: _yi})
        sheet.autofilter(2, 0, max(3, sheet.rows_written - 2), len(cols) - 1)
    return len(rows)


def _yi(r: dict) -> Decimal | None:
    value = r["total_investment_wan"]
    return None if value is None else value.scaleb(-4)


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
    keep = _kept(MONTHLY, rows)
    cols = [MONTHLY[i] for i in keep]
    styles = [c.style for c in cols]
    synthetic = sum(1 for r in rows if r["is_synthetic"])
    # the plan, this month, this year and rate columns, wherever the amount parts put them
    plan_i, month_i, year_i, rate_i = (keep.index(i) for i in range(6, 10))  # in MONTHLY
    plan_at, year_at = xw.column_letter(plan_i), xw.column_letter(year_i)

    def rate_formula(excel_row: int, plan, done) -> xw.Formula:
        return xw.Formula(
            f'IF({plan_at}{excel_row}>0,{year_at}{excel_row}/{plan_at}{excel_row},"")',
            done / plan if plan and done is not None else "",
        )

    with xw.Workbook(target) as book:
        subtitle = _subtitle(len(rows), filters, _("10k CNY (万元)"), synthetic)
        subtitle += "    " + _("Figures from: %(source)s") % {"source": source}
        sheet = _title(
            book,
            cols,
            _("%(year)s-%(month)02d major project progress report")
            % {"year": year, "month": month},
            _with_phase_line(subtitle, rows),
            str(_("Monthly report")),
        )
        for serial, r in enumerate(rows, 1):
            f = figures.get(r["pk"], {})
            excel_row = sheet.rows_written + 1
            rate = None
            if f.get("plan") and f.get("year") is not None:
                rate = rate_formula(excel_row, f["plan"], f["year"])
            problems = f.get("problems") or (
                f"{Status(r['status']).label}：{r['status_reason']}"
                if r["status"] != Status.ON_TRACK and r["status_reason"]
                else None
            )
            cells = [
                serial,
                r["name"]
                + (f"（{SYNTHETIC()}）" if r["is_synthetic"] and "合成" not in r["name"] else ""),
                r["unit__name"],
                *amount_cells(r, "total_investment"),
                f.get("plan"),
                f.get("month"),
                f.get("year"),
                rate,
                f.get("progress") or _stage_text(r, dates),
                problems,
            ]
            sheet.row([cells[i] for i in keep], styles)
            if progress and serial % 5000 == 0:
                progress(serial, len(rows))
        last = sheet.rows_written

        def figure(key: str):
            return lambda r: figures.get(r["pk"], {}).get(key)

        _write_totals(
            sheet,
            cols,
            rows,
            {
                keep.index(3): lambda r: r["total_investment_wan"],
                plan_i: figure("plan"),
                month_i: figure("month"),
                year_i: figure("year"),
            },
            formulas=lambda excel_row, sums: (
                {rate_i: rate_formula(excel_row, sums[plan_i], sums[year_i])}
                if sums[plan_i]
                else {}
            ),
        )
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
        year, m = month or _default_month()
        return write_monthly(qs, target, year=year, month=m, filters=filters, progress=progress)
    raise ValueError(f"unknown layout {layout!r}")


def _default_month() -> tuple[int, int]:
    """The monthly layout's month when none is asked for: the month the progress pages
    open on (the latest with reports), else this month."""
    if apps.is_installed("zhaoshang.progress"):
        # imported here: the Excel app works without the progress app installed
        from zhaoshang.progress.queries import default_month

        return tuple(default_month())
    today = timezone.localdate()
    return today.year, today.month


def default_queryset():
    return Project.objects.all()
