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

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from zhaoshang.chains.models import Chain
from zhaoshang.core import figcache
from zhaoshang.core.access import region_of, scope_key
from zhaoshang.industries.models import Industry
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress import rates as rates_mod
from zhaoshang.progress import rules
from zhaoshang.progress.batches import batches_with_months
from zhaoshang.progress.facts import Scope
from zhaoshang.progress.headline import headline
from zhaoshang.progress.months import Month
from zhaoshang.progress.queries import unit_scope
from zhaoshang.progress.rates import Rates
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.models import STAGE_ORDER, Project, Stage
from zhaoshang.projects.queries import filter_projects, find_chain_code, find_unit_code, left_out
from zhaoshang.regions import home as home_mod
from zhaoshang.regions.models import Level, Region

BIG = Decimal(100_000)  # 10亿元 in 万元
HUGE = Decimal(500_000)  # 50亿元
MONTHLY_EVENTS = ("signed", "started")
MONTHS = 24
TOP = 20
ZERO = Decimal(0)


@dataclass
class CockpitFilters:
    """month, unit, chain, stage, industry, synthetic — read from a query string.

    `month` is the as-of month (`?month=2023-06`): the four rates, the four batches, the
    warnings, the rankings and the 24-month series are as of its end. Without one it is
    the latest month with progress reports (`progress.queries.default_month`), the month
    the progress pages open on. An old `?year=2023` link opens that year's latest
    reported month (its December when none). The stock figures (by stage, unit,
    industry, chain, the largest projects) show the filtered ledger as it stands.

    `unit` is a township unit's code, or a county's, a prefecture city's or the
    province's within the home region (`regions.home`): the figures roll up to it. A town
    editor (a county's staff) with no `unit` in the query opens on its own unit (county)
    (`cockpit.access.home_unit`); `unit=all` asks for the whole home region, which for
    a county's staff is their county.
    `chain` is an industrial chain's code (`new-energy`).
    """

    month: Month
    unit: str = ""
    stage: str = ""
    industry: str = ""
    synthetic: str = ""
    chain: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    default: Month | None = None  # the month shown when none is asked for
    home: str = ""  # the unit the user lands on (a town editor's own), "" for the city
    chain_obj: Chain | None = None
    headline: object = None  # progress.headline.Headline once computed for the month

    @property
    def year(self) -> int:
        return self.month.year

    @classmethod
    def from_query(cls, data, user=None) -> CockpitFilters:
        from zhaoshang.cockpit.access import home_unit

        raw = {k: " ".join(str(data.get(k, "") or "").split()) for k in cls.names()}
        errors: dict[str, str] = {}
        default = month = default_month()
        current = Month.current()
        if raw["month"]:
            try:
                asked = Month.parse(raw["month"])
            except ValueError as exc:
                errors["month"] = str(exc)
            else:
                if asked > current:
                    errors["month"] = _("%(month)s is in the future.") % {"month": asked}
                elif asked.year < MIN_YEAR:
                    errors["month"] = _("“%(value)s” is not a month (write it as 2023-06)") % {
                        "value": raw["month"]
                    }
                else:
                    month = asked
        elif raw["year"]:
            if raw["year"].isdigit() and MIN_YEAR <= int(raw["year"]) <= current.year:
                month = default_month(year=int(raw["year"]))
            else:
                errors["year"] = _("“%(value)s” is not a year") % {"value": raw["year"]}
        home = home_unit(user) or ""
        confined = region_of(user) if user is not None else None
        unit = ""
        if raw["unit"].lower() in ("all", "city"):
            unit = confined or ""
        elif raw["unit"]:
            unit = find_place_code(raw["unit"]) or ""
            if not unit:
                errors["unit"] = _("unknown township unit “%(value)s”") % {"value": raw["unit"]}
            elif confined and not home_mod.contains(confined, unit):
                errors["unit"] = _("“%(value)s” is outside your county.") % {"value": raw["unit"]}
                unit = home
        else:
            unit = home
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
        chain_obj = None
        if raw["chain"]:
            chain_obj = find_chain(raw["chain"])
            if chain_obj is None:
                errors["chain"] = _("unknown industrial chain “%(value)s”") % {
                    "value": raw["chain"]
                }
        return cls(
            month, unit, stage, industry, synthetic, chain_obj.code if chain_obj else "",
            errors, raw, default, home, chain_obj,
        )  # fmt: skip

    @staticmethod
    def names() -> tuple[str, ...]:
        return ("month", "year", "unit", "chain", "stage", "industry", "synthetic")

    @property
    def unit_param(self) -> str:
        """`unit` as a link carries it: the code, `all` for the whole city when the user
        would otherwise land on its own unit, "" for the user's landing unit."""
        if self.unit == self.home:
            return ""
        return self.unit or "all"

    def query_string(self, **overrides) -> str:
        values = {
            "month": "" if self.month == self.default else str(self.month),
            "unit": self.unit_param,
            "chain": self.chain,
            "stage": self.stage,
            "industry": self.industry,
            "synthetic": self.synthetic,
            **overrides,
        }
        return urlencode({k: v for k, v in values.items() if v})

    def ledger_query(self, **extra) -> str:
        """The same selection as ledger-list parameters, for links into the ledger."""
        values = {
            "unit": self.unit,
            "chain": self.chain,
            "stage": self.stage,
            "industry": self.industry,
            "synthetic": self.synthetic,
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v})

    def ledger_url(self, **extra) -> str:
        query = self.ledger_query(**extra)
        return reverse("projects:list") + (f"?{query}" if query else "")

    def figure_key(self, user) -> tuple:
        """What the figures for these filters depend on, as a key for `core.figcache`: what
        a user may see depends on having a role and on the county a user is confined to
        (`core.access.scope_key`); the place shown is `unit`."""
        return (
            *scope_key(user),
            str(self.month), self.unit, self.stage, self.industry, self.synthetic, self.chain,
        )  # fmt: skip

    @property
    def scope(self) -> Scope | None:
        """The unit (or region) and chain as the plans' scope (four rates, warnings); None:
        the whole home region."""
        place = unit_scope(self.unit) if self.unit else None
        if place is None and self.chain_obj is None:
            return None
        return Scope(
            units=place.units if place is not None else None,
            chain_id=self.chain_obj.pk if self.chain_obj else None,
        )

    @property
    def region(self) -> Region:
        """The county, city or province the figures roll up to: the unit chosen when it is
        one, a township unit's county, else the home region."""
        return view_region(self.unit)

    @property
    def is_region(self) -> bool:
        """Whether `unit` names a county, city or province (not a township unit)."""
        return bool(self.unit) and len(self.unit) < home_mod.CODE_WIDTH[Level.TOWNSHIP]


MIN_YEAR = 2000


def find_place_code(text: str) -> str | None:
    """A township unit's code (`projects.queries.find_unit_code`), else a county's, city's
    or the province's within the home region (`regions.home.find_region`); the home
    region itself reads as "" (the whole region). None if unknown."""
    code = find_unit_code(text)
    if code is not None:
        return code
    region = home_mod.find_region(text)
    if region is None:
        return None
    return "" if region.code == home_mod.home_code() else region.code


def view_region(unit: str | None) -> Region:
    """The county, city or province a place rolls up to (a township unit's county)."""
    home = home_mod.home_region()
    if not unit:
        return home
    region = Region.objects.filter(code=unit).first()
    if region is None or not home_mod.contains(home.code, unit):
        return home
    if region.level == Level.TOWNSHIP:
        return Region.objects.filter(code=region.parent_id).first() or home
    return region


def find_chain(text: str) -> Chain | None:
    """A chain by its code (`new-energy`), Chinese or English name, as the ledger reads
    its `chain` parameter (`projects.queries.find_chain_code`); None if unknown."""
    code = find_chain_code(text)
    return None if code is None else Chain.objects.filter(code=code).first()


def chain_name(chain: Chain) -> str:
    """A chain's name in the reader's language (its English name on English pages)."""
    if (get_language() or "").startswith("en") and chain.name_en:
        return chain.name_en
    return chain.name


def default_month(year: int | None = None) -> Month:
    """The latest month with progress reports (never a future one), else this month;
    given `year`, that year's latest reported month (its December when none)."""
    # imported here: the progress app plugs into the cockpit as a panel and imports
    # cockpit.panels; a module-level import back would make the two load each other
    from zhaoshang.progress.queries import default_month as progress_default

    return progress_default(year=year)


def default_year() -> int:
    return default_month().year


def projects_for(user, f: CockpitFilters) -> QuerySet:
    return filter_projects(
        projects_visible_to(user),
        stage=f.stage,
        unit=f.unit,
        industry=f.industry,
        chain=f.chain,
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


def monthly(series_rows) -> dict:
    """Signings and starts per month over the 24 months up to the cockpit's month: counts
    and total investment, each month counted as its four batches are
    (`progress.batches.batches_with_months`)."""
    labels = [str(m) for m, _cells in series_rows]
    series = [
        {
            "code": code,
            "label": Stage(code).label,
            "n": [cells[code][0] for _m, cells in series_rows],
            "total": [cells[code][1] for _m, cells in series_rows],
        }
        for code in MONTHLY_EVENTS
    ]
    rows = [(label, [(x["n"][i], x["total"][i]) for x in series]) for i, label in enumerate(labels)]
    return {"months": labels, "series": series, "rows": rows}


# --------------------------------------------------------------------------- rankings


@dataclass
class RankRow:
    """A township unit's (or a county's) place in the month's ranking (红黑榜, 赛马)."""

    unit: str
    label: str
    rank: int | None  # None: no planned investment, so no completion rate to rank by
    rates: Rates
    previous: int | None = None  # its rank the month before; None: not ranked then

    @property
    def change(self) -> int | None:
        """Places gained since the month before (+2 up, -1 down); None when new."""
        if self.rank is None or self.previous is None:
            return None
        return self.previous - self.rank

    @property
    def is_new(self) -> bool:
        return self.rank is not None and self.previous is None


RANKING_RULE = gettext_lazy(  # spelt out: makemessages looks for gettext_lazy, not an alias
    "Ranked by investment completion rate, ties by start rate; units with no planned "
    "investment are not ranked."
)


def _ranked(rows: list[Rates]) -> dict[str, int]:
    ranked = [r for r in rows if r.key and r.completion_rate is not None]
    ranked.sort(
        key=lambda r: (
            -r.completion_rate,
            -(r.start_rate if r.start_rate is not None else -1),
            str(r.key),
        )
    )
    return {r.key: i for i, r in enumerate(ranked, start=1)}


def ranking_level(region: Region | None = None) -> str:
    """What races in `region` (the home region by default): "county" (the 赛马 between
    counties) in a prefecture city or a province, "unit" (township units) in a county."""
    region = region or home_mod.home_region()
    return "county" if region.level < Level.COUNTY else "unit"


def town_rankings(
    month: Month,
    *,
    chain_id: int | None = None,
    today: datetime.date | None = None,
    facts: dict | None = None,
    region: Region | None = None,
) -> list[RankRow]:
    """The township units of `region` (a county; the home region by default) ranked for
    `month` (`RANKING_RULE`), or its counties when `region` is a prefecture city or a
    province (`ranking_level`), with their rank the month before, from the four rates by
    unit or county (`progress.rates.compute`: two grouped queries; one when the month's
    `facts` over the region are loaded already). Ranked first, best first; then the
    unranked."""
    region = region or home_mod.home_region()
    by = ranking_level(region)
    units = None if region.code == home_mod.home_code() else home_mod.units_under(region.code)
    scope = Scope(units=set(units) if units is not None else None, chain_id=chain_id)
    scope = None if scope.is_all else scope
    rows, _total = rates_mod.compute(month, by, scope, today=today, facts=facts)
    before_rows, _t = rates_mod.compute(month.previous(), by, scope, today=today)
    now, before = _ranked(rows), _ranked(before_rows)
    out = [RankRow(r.key, r.label, now.get(r.key), r, before.get(r.key)) for r in rows if r.key]
    out.sort(key=lambda x: (x.rank is None, x.rank or 0, x.unit))
    return out


def red_black(rankings: list[RankRow], n: int = 5) -> tuple[list[RankRow], list[RankRow]]:
    """The top `n` (红榜) and the bottom `n` (黑榜, worst first) of the ranked units,
    never the same unit on both when fewer than 2n are ranked."""
    ranked = [r for r in rankings if r.rank is not None]
    top = ranked[: min(n, (len(ranked) + 1) // 2)]
    rest = ranked[len(top) :]
    return top, list(reversed(rest[-n:]))


def by_unit(rows: list[dict], region: Region | None = None) -> list[dict]:
    """Counts and totals per unit one level below `region` (the home region by default):
    township units in a county, counties in a prefecture city, cities in a province."""
    level = home_mod.children_level(region or home_mod.home_region())
    rows = [{**r, "unit_id": home_mod.child_code(r["unit_id"], level)} for r in rows]
    found = _rollup(rows, "unit_id")
    names = {
        u.code: str(u)
        for u in Region.objects.filter(code__in=[k for k in found if k]).only(
            "code", "name", "short_name"
        )
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
        {"key": chains[pk].code, "label": chain_name(chains[pk]), **values}
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


@dataclass
class Progress:
    """The month's four rates and warning lights over the planned projects of the unit
    and chain (`progress.rates.compute`, `progress.rules`: the functions /progress/ and
    the monthly report use). None for a month not begun."""

    month: Month
    as_of: datetime.date
    rates: Rates
    tally: rules.Tally

    @property
    def elapsed(self) -> Decimal:
        return self.month.elapsed_share()

    @property
    def running(self) -> bool:
        return self.as_of < self.month.last_day

    @property
    def completion_vs_elapsed(self) -> Decimal | None:
        """Completion rate minus 序时进度, in shares (negative: behind the pace)."""
        rate = self.rates.completion_rate
        return None if rate is None else rate - self.elapsed


def month_progress(f: CockpitFilters) -> Progress | None:
    """The month's four rates and lights: for the city or a unit the headline figures
    (`progress.headline.headline`, kept on `f.headline` for the progress panel, so they
    are counted once); with a chain the same functions over the chain's plans."""
    month = f.month
    if month.is_future():
        return None
    if f.chain_obj is None:
        h = headline(month, f.unit or None)
        f.headline = h
        return Progress(month, h.as_of, h.rates, h.warnings)
    scope = f.scope
    facts = facts_mod.load(month, scope)
    _rows, total = rates_mod.compute(month, None, scope, facts=facts)
    tally = rules.tally(rules.compute(month, scope, facts=facts), facts.keys())
    return Progress(month, month.as_of(), total, tally)


def cockpit_figures(user, f: CockpitFilters, *, stock: bool = True) -> dict:
    """Everything the cockpit shows for these filters; `stock=False` leaves out the
    ledger's stock figures (by stage, unit, industry, chain), as the 大屏 does.

    Computed once per state of the data (`core.figcache`, keyed by `figure_key`), in two
    parts kept by the tables each reads (`by_table`): the month's plan figures (four rates,
    lights, rankings) and the ledger's (batches, stock, largest projects), so a month's
    report saved leaves the ledger's figures standing and a project saved the plans'
    only when their tables were written."""
    key = (*f.figure_key(user), f.chain_obj.pk if f.chain_obj else None)
    plans = figcache.cached("cockpit.plans", key, lambda: _plan_figures(f), by_table=True)
    ledger = figcache.cached(
        "cockpit.ledger", (*key, stock), lambda: _ledger_figures(user, f, stock), by_table=True
    )
    f.headline = plans["headline"]
    return {**plans, **ledger}


def _plan_figures(f: CockpitFilters) -> dict:
    progress = month_progress(f)
    # the city's headline facts serve this month's ranking too (one load, one truth)
    region = f.region
    same_scope = not f.unit or f.unit == region.code  # the headline's scope is the region's
    city_facts = f.headline.facts if f.headline is not None and same_scope else None
    rankings = town_rankings(
        f.month, chain_id=f.chain_obj.pk if f.chain_obj else None, facts=city_facts,
        region=region,
    )  # fmt: skip
    top, bottom = red_black(rankings)
    return {
        "progress": progress,
        "rankings": rankings,
        "red_list": top,
        "black_list": bottom,
        "headline": f.headline,
    }


def _ledger_figures(user, f: CockpitFilters, stock: bool) -> dict:
    qs = projects_for(user, f)
    batches, series = batches_with_months(f.month, MONTHS, stages=MONTHLY_EVENTS, projects=qs)
    out = {
        "batches": batches,
        "monthly": monthly(series),
        "top": top_projects(qs, TOP if stock else 10),
    }
    if stock:
        region = f.region
        excluded = phases_counted_in_parent(qs)
        rows = cube(qs, excluded)
        out.update(
            summary=by_stage(rows),
            units=by_unit(rows, region),
            industries=by_industry(qs, excluded, f.industry),
            chains=by_chain(rows),
        )
    return out
