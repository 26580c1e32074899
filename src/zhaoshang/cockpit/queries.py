"""The cockpit's figures: a handful of grouped queries over the filtered ledger.

Nothing is precomputed, so every figure is as fresh as the ledger. Each function is one
query (two for the monthly series' names), whatever the number of projects; the totals
follow the ledger's rule that a phase whose parent project is in the same set is counted
within the parent (盛虹 306亿 already holds its 首期 140亿), while counts count projects.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.chains.models import Chain
from zhaoshang.industries.models import Industry
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.models import STAGE_ORDER, Project, Stage
from zhaoshang.projects.queries import filter_projects, find_unit_code, left_out
from zhaoshang.regions.models import Region

BIG = Decimal(100_000)  # 10亿元 in 万元
HUGE = Decimal(500_000)  # 50亿元
YEAR_EVENTS = ("signed", "started", "completed")
MONTHLY_EVENTS = ("signed", "started")
MONTHS = 24
TOP = 20
ZERO = Decimal(0)


@dataclass
class CockpitFilters:
    """year, unit, stage, industry, synthetic — read from a query string.

    `year` is the reporting year: it sets the year of the signed/started/completed cards and
    the last month of the 24-month series; the stock figures (by stage, unit, industry,
    chain, top 20) show the filtered ledger as it stands. Without one it is the year of
    the latest reported month, the month the progress pages show by default, so the
    cockpit and /progress/ open on the same month.
    """

    year: int
    unit: str = ""
    stage: str = ""
    industry: str = ""
    synthetic: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    default: int | None = None  # the year shown when none is asked for

    @classmethod
    def from_query(cls, data) -> CockpitFilters:
        raw = {k: " ".join(str(data.get(k, "") or "").split()) for k in cls.names()}
        this_year = timezone.localdate().year
        errors: dict[str, str] = {}
        default = year = default_year()
        if raw["year"]:
            if raw["year"].isdigit() and 2000 <= int(raw["year"]) <= this_year + 5:
                year = int(raw["year"])
            else:
                errors["year"] = _("“%(value)s” is not a year") % {"value": raw["year"]}
        unit = ""
        if raw["unit"]:
            unit = find_unit_code(raw["unit"]) or ""
            if not unit:
                errors["unit"] = _("unknown township unit “%(value)s”") % {"value": raw["unit"]}
        stage = raw["stage"] if raw["stage"] in Stage.values else ""
        if raw["stage"] and not stage:
            errors["stage"] = _("“%(value)s” is not a stage") % {"value": raw["stage"]}
        industry = raw["industry"].upper()
        if industry and not (
            (len(industry) == 1 and industry.isalpha())
            or (industry.isdigit() and len(industry) <= 4)
        ):
            errors["industry"] = _("“%(value)s” is not an industry section or code") % {
                "value": raw["industry"]
            }
            industry = ""
        synthetic = raw["synthetic"] if raw["synthetic"] in ("real", "synthetic") else ""
        return cls(year, unit, stage, industry, synthetic, errors, raw, default)

    @staticmethod
    def names() -> tuple[str, ...]:
        return ("year", "unit", "stage", "industry", "synthetic")

    def query_string(self) -> str:
        values = {
            "year": "" if self.year == (self.default or default_year()) else str(self.year),
            "unit": self.unit,
            "stage": self.stage,
            "industry": self.industry,
            "synthetic": self.synthetic,
        }
        return urlencode({k: v for k, v in values.items() if v})

    def ledger_query(self, **extra) -> str:
        """The same selection as ledger-list parameters, for links into the ledger."""
        values = {
            "unit": self.unit,
            "stage": self.stage,
            "industry": self.industry,
            "synthetic": self.synthetic,
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v})


def default_year() -> int:
    """The year of the latest month with progress reports (never a future one), else
    this year."""
    # imported here: the progress app plugs into the cockpit as a panel and imports
    # cockpit.panels; a module-level import back would make the two load each other
    from zhaoshang.progress.queries import default_month

    return default_month().year


def projects_for(user, f: CockpitFilters) -> QuerySet:
    return filter_projects(
        projects_visible_to(user),
        stage=f.stage,
        unit=f.unit,
        industry=f.industry,
        is_synthetic={"real": False, "synthetic": True}.get(f.synthetic),
    ).order_by()


def phases_counted_in_parent(qs: QuerySet) -> list[int]:
    """Ids of the phases in `qs` whose parent is in `qs` too: their amounts are left out."""
    phases = dict(qs.filter(parent_id__isnull=False).values_list("pk", "parent_id"))
    if not phases:
        return []
    present = set(qs.filter(pk__in=set(phases.values())).values_list("pk", flat=True))
    return sorted(left_out({**dict.fromkeys(present), **phases}))


def _amount(excluded: list[int]):
    if not excluded:
        return Sum("total_investment_wan")
    return Sum("total_investment_wan", filter=~Q(pk__in=excluded))


def _industry_width(industry: str) -> tuple[int, str]:
    """How many characters of the industry code to group by: one level below the filter
    (no filter or a section letter → divisions, rolled up to sections without a filter)."""
    if not industry:
        return 2, "section"
    if industry.isalpha():
        return 2, "division"
    width = min(len(industry) + 1, 4)
    return width, {2: "division", 3: "group", 4: "class"}[width]


def cube(qs: QuerySet, excluded: list[int]) -> list[dict]:
    """One grouped pass over the projects: count, total, big ones, foreign-invested and
    synthetic ones per (stage, unit, chain, foreign). The stage, unit and chain figures
    are sums of these rows, so the table is read once, not three times; the grouping
    follows the columns of an index so SQLite need not sort 10^5 rows.
    """
    return list(
        qs.values("stage", "unit_id", "chain_id", "is_foreign")
        .annotate(
            n=Count("pk"),
            total=_amount(excluded),
            big=Count("pk", filter=Q(total_investment_wan__gte=BIG)),
            huge=Count("pk", filter=Q(total_investment_wan__gte=HUGE)),
            synthetic_n=Count("pk", filter=Q(is_synthetic=True)),
            unpriced=Count("pk", filter=Q(total_investment_wan__isnull=True)),
        )
        .order_by()
    )


def _rollup(rows: list[dict], key: str) -> dict:
    out: dict = defaultdict(lambda: {"n": 0, "total": ZERO})
    for row in rows:
        group = out[row[key]]
        group["n"] += row["n"]
        group["total"] += row["total"] or ZERO
    return out


def by_stage(rows: list[dict]) -> dict:
    """Counts and totals per stage, the funnel, big-project and foreign-invested figures."""
    found = _rollup(rows, "stage")
    stages = [
        {"code": code, "label": Stage(code).label, **found.get(code, {"n": 0, "total": ZERO})}
        for code in STAGE_ORDER
    ]
    n = sum(s["n"] for s in stages)
    total = sum((s["total"] for s in stages), ZERO)
    # the funnel: projects that have reached each stage (are at it or beyond)
    reached, funnel = 0, []
    for s in reversed(stages):
        reached += s["n"]
        funnel.append({"code": s["code"], "label": s["label"], "n": reached})
    funnel.reverse()
    return {
        "stages": stages,
        "funnel": funnel,
        "n": n,
        "total": total,
        "big": sum(r["big"] for r in rows),
        "huge": sum(r["huge"] for r in rows),
        **foreign_share(rows),
        "synthetic_n": sum(r["synthetic_n"] for r in rows),
    }


def foreign_share(rows: list[dict]) -> dict:
    """The foreign-invested card, in percent: its share of the projects, and of the total
    investment over the projects whose total investment is known.

    A project with no total investment recorded (a foreign project known only by its
    amount in dollars, say) adds to neither side of the investment share, and the card
    says how many foreign projects that leaves out; with none of them priced the share
    is None ("—"), not 0%.

    >>> foreign_share(cube(qs, excluded))
    {'foreign_n': 5, 'foreign_share_n': Decimal('4.5…'), 'foreign_total': Decimal('0'),
     'foreign_unpriced': 5, 'foreign_share_total': None, 'unpriced_n': 12}
    """
    n = sum(r["n"] for r in rows)
    total = sum((r["total"] or ZERO for r in rows), ZERO)
    foreign = [r for r in rows if r["is_foreign"]]
    foreign_n = sum(r["n"] for r in foreign)
    foreign_total = sum((r["total"] or ZERO for r in foreign), ZERO)
    unpriced = sum(r.get("unpriced", 0) for r in foreign)
    priced = foreign_n - unpriced
    return {
        "foreign_n": foreign_n,
        "foreign_total": foreign_total,
        "foreign_unpriced": unpriced,
        "unpriced_n": sum(r.get("unpriced", 0) for r in rows),
        "foreign_share_n": (Decimal(foreign_n) * 100 / n) if n else None,
        "foreign_share_total": (foreign_total * 100 / total) if total and priced else None,
    }


def _events(qs: QuerySet, stages, start: datetime.date, end: datetime.date) -> QuerySet:
    """The filtered projects joined to their stage dates in the window (a join, not an
    IN-subquery, so the database can start from the dates' index)."""
    return qs.filter(
        stage_dates__stage__in=stages,
        stage_dates__actual_on__gte=start,
        stage_dates__actual_on__lte=end,
    )


def event_days(qs: QuerySet, excluded: list[int], year: int) -> list[dict]:
    """Signings, starts and completions per stage and day, from the first month of the
    24-month series to the end of `year`: one read of the dates' index serves both the
    year's cards and the monthly series (grouped by day, so nothing is sorted)."""
    start, end, _months = month_window(year)
    end = max(end, datetime.date(year, 12, 31))
    return list(
        _events(qs, YEAR_EVENTS, min(start, datetime.date(year, 1, 1)), end)
        .values(event=F("stage_dates__stage"), on=F("stage_dates__actual_on"))
        .annotate(n=Count("pk"), total=_amount(excluded))
        .order_by()
    )


def year_events(days: list[dict], year: int) -> list[dict]:
    """Projects signed, started and completed in `year`, with their total investment."""
    found: dict = defaultdict(lambda: {"n": 0, "total": ZERO})
    for row in days:
        if row["on"].year == year:
            found[row["event"]]["n"] += row["n"]
            found[row["event"]]["total"] += row["total"] or ZERO
    return [
        {
            "code": code,
            "label": Stage(code).label,
            "n": found[code]["n"],
            "total": found[code]["total"],
        }
        for code in YEAR_EVENTS
    ]


def month_window(year: int) -> tuple[datetime.date, datetime.date, list[tuple[int, int]]]:
    """The 24 months up to December of `year`, or up to this month for the current year."""
    today = timezone.localdate()
    last = (today.year, today.month) if year >= today.year else (year, 12)
    months = []
    y, m = last
    for _i in range(MONTHS):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    months.reverse()
    start = datetime.date(*months[0], 1)
    ly, lm = months[-1]
    end = datetime.date(ly + (lm == 12), lm % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end, months


def monthly(days: list[dict], year: int) -> dict:
    """Signings and starts per month over 24 months: counts and total investment."""
    start, end, months = month_window(year)
    found: dict = defaultdict(lambda: {"n": 0, "total": ZERO})
    for row in days:
        if row["event"] in MONTHLY_EVENTS and start <= row["on"] <= end:
            cell = found[(row["event"], f"{row['on']:%Y-%m}")]
            cell["n"] += row["n"]
            cell["total"] += row["total"] or ZERO
    labels = [f"{y}-{m:02d}" for y, m in months]
    series = [
        {
            "code": code,
            "label": Stage(code).label,
            "n": [found[(code, lab)]["n"] if (code, lab) in found else 0 for lab in labels],
            "total": [
                found[(code, lab)]["total"] if (code, lab) in found else ZERO for lab in labels
            ],
        }
        for code in MONTHLY_EVENTS
    ]
    rows = [(label, [(x["n"][i], x["total"][i]) for x in series]) for i, label in enumerate(labels)]
    return {"months": labels, "series": series, "rows": rows}


def by_unit(rows: list[dict]) -> list[dict]:
    found = _rollup(rows, "unit_id")
    names = {
        u.code: str(u)
        for u in Region.objects.filter(
            Q(parent_id=settings.ZHAOSHANG_HOME_COUNTY) | Q(code__in=[k for k in found if k])
        ).only("code", "name", "short_name")
    }
    out = [
        {
            "key": key or "",
            "label": names.get(key, key) if key else str(_("not yet decided")),
            **values,
        }
        for key, values in found.items()
    ]
    return sorted(out, key=lambda r: (-r["total"], r["label"]))


def by_industry(qs: QuerySet, excluded: list[int], industry: str) -> dict:
    """Totals one level below the industry filter: sections, then divisions, then groups.

    Grouped by the full code (in index order, no sort) and summed up to the level here.
    """
    width, level = _industry_width(industry)
    rows = qs.values("industry_id").annotate(n=Count("pk"), total=_amount(excluded)).order_by()
    found: dict = defaultdict(lambda: {"n": 0, "total": ZERO})
    for row in rows:
        group = found[(row["industry_id"] or "")[:width]]
        group["n"] += row["n"]
        group["total"] += row["total"] or ZERO
    codes = {k for k in found if k}
    industries = {
        i.code: i
        for i in Industry.objects.filter(Q(code__in=codes) | Q(level=0)).only(
            "code", "name", "section"
        )
    }
    grouped: dict = defaultdict(lambda: {"n": 0, "total": ZERO})
    for key, values in found.items():
        key = key or ""
        if key and level == "section":
            key = industries[key].section if key in industries else key
        grouped[key]["n"] += values["n"]
        grouped[key]["total"] += values["total"]
    out = []
    for key, values in grouped.items():
        ind = industries.get(key)
        label = f"{key} {ind.name}" if ind else (key or str(_("unknown")))
        out.append({"key": key, "label": label, **values})
    out.sort(key=lambda r: (-r["total"], r["key"]))
    return {"level": level, "rows": out}


def by_chain(rows: list[dict]) -> list[dict]:
    found = _rollup([r for r in rows if r["chain_id"] is not None], "chain_id")
    chains = {c.pk: c for c in Chain.objects.filter(pk__in=list(found))} if found else {}
    out = [
        {"key": chains[pk].code, "label": chains[pk].name, **values}
        for pk, values in found.items()
        if pk in chains
    ]
    return sorted(out, key=lambda r: (-r["total"], r["label"]))


def top_projects(qs: QuerySet, n: int = TOP) -> list[Project]:
    return list(
        qs.filter(total_investment_wan__isnull=False)
        .select_related("unit", "industry")
        .order_by("-total_investment_wan", "code")[:n]
    )


def cockpit_figures(user, f: CockpitFilters) -> dict:
    """Everything the cockpit shows for these filters."""
    qs = projects_for(user, f)
    excluded = phases_counted_in_parent(qs)
    rows = cube(qs, excluded)
    days = event_days(qs, excluded, f.year)
    return {
        "summary": by_stage(rows),
        "year_events": year_events(days, f.year),
        "monthly": monthly(days, f.year),
        "units": by_unit(rows),
        "industries": by_industry(qs, excluded, f.industry),
        "chains": by_chain(rows),
        "top": top_projects(qs),
    }
