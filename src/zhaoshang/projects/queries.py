"""Read-side filters on the ledger, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count, Q, QuerySet, Sum

from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias
from zhaoshang.projects.models import ProjectInvestor
from zhaoshang.regions.home import find_region, units_under
from zhaoshang.regions.models import Region


def find_unit(text: str) -> Region | None:
    """A township unit as people write it (code, name, short name, alias, 保税区(金港街道),
    錦豐鎮, 锦丰); None if unknown. The home county's units win over the province's
    (several 凤凰镇). The one name resolver (`core.names`) decides."""
    from zhaoshang.core.names import Lookup

    code = Lookup().unit(text)
    return None if code is None else Region.objects.filter(code=code).first()


def find_unit_code(text: str) -> str | None:
    unit = find_unit(text)
    return unit.code if unit else None


def find_chain_code(text: str) -> str | None:
    """An industrial chain's code from its code, Chinese or English name; None if unknown."""
    from zhaoshang.chains.models import Chain

    text = text.strip()
    return (
        Chain.objects.filter(Q(code=text.lower()) | Q(name=text) | Q(name_en__iexact=text))
        .values_list("code", flat=True)
        .first()
    )


def search(qs: QuerySet, q: str) -> QuerySet:
    """Projects whose name or code, or whose investors' names or aliases, contain `q`."""
    q = " ".join(q.split())
    if not q:
        return qs
    # the firms first (a short list of ids), then their projects by the investor index:
    # one query joining every investor to its firm's name scanned 10^5 rows per search
    firms = set(Enterprise.objects.filter(name__icontains=q).values_list("pk", flat=True))
    firms.update(
        EnterpriseAlias.objects.filter(alias__icontains=q).values_list("enterprise_id", flat=True)
    )
    investor_projects = ProjectInvestor.objects.filter(enterprise_id__in=firms).values("project_id")
    return qs.filter(
        Q(name__icontains=q) | Q(code__iexact=q) | Q(national_code=q) | Q(pk__in=investor_projects)
    )


def filter_projects(
    qs: QuerySet,
    *,
    q: str = "",
    stage: str = "",
    status: str = "",
    unit: str = "",
    industry: str = "",
    is_synthetic: bool | None = None,
    chain: str = "",
) -> QuerySet:
    """Apply the ledger filters. `unit` may be a code, a name or an alias (冶金园), or a
    county, city or province of the home region (常熟市: every unit under it);
    `industry` a section letter (C) or a code prefix (38, 384, 3841); `chain` an
    industrial chain's code (new-energy): the projects placed on that chain."""
    if stage:
        qs = qs.filter(stage=stage)
    if status:
        qs = qs.filter(status=status)
    if unit:
        code = find_unit_code(unit)
        region = None if code else find_region(unit)
        if region is not None:  # a county, city or province: the units under it
            qs = qs.filter(unit_id__in=units_under(region.code))
        else:
            qs = qs.filter(unit_id=code or unit.strip())
    if industry:
        code = industry.strip().upper()
        if len(code) == 1 and code.isalpha():
            qs = qs.filter(industry__section=code)
        else:
            qs = qs.filter(industry__code__startswith=code)
    if is_synthetic is not None:
        qs = qs.filter(is_synthetic=is_synthetic)
    if chain:
        qs = qs.filter(chain__code=chain.strip().lower())
    return search(qs, q)


# ---------------------------------------------------------------------------------------
# Parents and phases: every total counts each investment once.
#
# THE RULE. A phase (a project with a parent project, such as 盛虹's 首期) is a part of
# its parent's investment: 盛虹 306亿 already holds its 首期 140亿. So wherever amounts
# of several projects are added up (total investment, annual plans, completed
# investment, funds in place), a phase's amounts are left out when its parent is in the
# same set, the set being whatever the total is taken over: the filtered ledger, one
# township unit's plans, one list, one enterprise's projects, one exported workbook.
# A phase whose parent is not in the set counts in full (it is then all there is of
# that investment in the set). Counts still count projects, phases included.
#
# `left_out(members)` is the rule in Python and `within_parent(qs)` the same rule as a
# filter for the database; every total (ledger, cockpit, plans, rates, the monthly
# report, lists, enterprises, Excel exports) calls one of them. Where a total is shown
# it says so, with `phase_note()` (含分期… / phases counted once).
# ---------------------------------------------------------------------------------------


def left_out(members: Mapping[int, int | None]) -> set[int]:
    """Ids of the members whose amounts a total leaves out: the phases whose parent is
    a member too. `members` maps each member's id to its parent's id (None if none).

    >>> sorted(left_out({1: None, 2: 1, 3: 9}))   # 2 is a phase of 1; 3's parent is absent
    [2]
    """
    return {pk for pk, parent in members.items() if parent is not None and parent in members}


def within_parent(qs: QuerySet, field: str = "parent_id", members: str = "pk") -> Q:
    """`left_out` as a filter on `qs`'s rows: those whose parent is also in `qs`.

    `field` is the path to the parent's id and `members` the path to the project's id,
    so that a set of plans can use it as well: `within_parent(plans,
    "project__parent_id", "project_id")`.
    """
    return Q(**{f"{field}__in": qs.order_by().values(members)})


def ledger_totals(qs: QuerySet) -> dict:
    """`{"count": projects, "total": total investment in 万元, "phases": phases counted
    within their parent, "phases_total": their investment}` in one query.

    Each investment is counted once (see the rule above): a phase is left out of the
    total when its parent project is in the same set (盛虹 306亿 already holds its 首期
    140亿); `phases` and `phases_total` say what was left out, for the note beside it.
    """
    qs = qs.order_by()
    # Phases are few: find those whose parent is in the set first (index look-ups), then
    # sum with their ids. `parent_id IN (<the whole set>)` in the sum made PostgreSQL
    # hash 10^5 ids three times (0.7 s); with many phases that is still the way.
    pairs = list(qs.filter(parent_id__gt=0).values_list("pk", "parent_id")[: MANY_PHASES + 1])
    if len(pairs) > MANY_PHASES:
        inside = within_parent(qs)
    else:
        parents = {parent for _pk, parent in pairs}
        present = set(qs.filter(pk__in=parents).values_list("pk", flat=True)) if parents else ()
        ids = [pk for pk, parent in pairs if parent in present]
        if not ids:
            totals = qs.aggregate(count=Count("pk"), total=Sum("total_investment_wan"))
            return {**totals, "phases": 0, "phases_total": None}
        inside = Q(pk__in=ids)
    return qs.aggregate(
        count=Count("pk"),
        total=Sum("total_investment_wan", filter=~inside),
        phases=Count("pk", filter=inside),
        phases_total=Sum("total_investment_wan", filter=inside),
    )


MANY_PHASES = 2000  # beyond this many phases in a set, `ledger_totals` sums with a subquery


def phase_note(phases: int, phases_total=None, *, labels: list[str] | None = None) -> str:
    """What a total says about phases, or "" when none was left out.

    >>> phase_note(1, labels=["首期 140亿元"])  # in English
    'includes phases 首期 140亿元 (counted within their parent project, once)'
    """
    from django.utils.translation import gettext, ngettext

    if not phases:
        return ""
    if labels:
        return gettext("includes phases %(phases)s (counted within their parent project, once)") % {
            "phases": "、".join(labels)
        }
    amount = ""
    if phases_total:
        from zhaoshang.lib.money import format_wan

        amount = format_wan(phases_total, lang=_amount_language())
    return ngettext(
        "includes %(n)s phase of %(amount)s counted within its parent project, once",
        "includes %(n)s phases of %(amount)s counted within their parent projects, once",
        phases,
    ) % {"n": phases, "amount": amount or "—"}


def _amount_language() -> str:
    """Amounts in a note as the page shows them: 140亿元 in Chinese, CNY 14 billion else."""
    from django.utils.translation import get_language

    return "en" if (get_language() or "").startswith("en") else "zh"


def phase_label(project) -> str:
    """`首期 140亿元`: a phase as a total's note names it."""
    from zhaoshang.lib.money import Qualifier, format_wan

    amount = ""
    if project.total_investment_wan is not None:
        amount = format_wan(
            project.total_investment_wan,
            Qualifier(project.total_investment_qualifier),
            lang=_amount_language(),
        )
    return " ".join(t for t in (project.phase_label or project.name, amount) if t)


# ---------------------------------------------------------------------------------------
# Ledger list parameters: one plain set of GET parameters shared by the ledger page, its
# CSV download and other exports (Excel). `ledger_queryset(qs, request.GET)` applies them.
#
#   q            text in the name, code, national code, or an investor's name or alias
#   stage        a stage value (lead … full_production)
#   status       a status value (on_track, delayed, paused, dropped)
#   unit         township unit: code, name or alias (冶金园)
#   industry     GB/T 4754-2017 section letter (C) or code prefix (38, 3841)
#   chain        industrial chain code (new-energy), Chinese or English name
#   foreign      "foreign" or "domestic"
#   synthetic    "real" or "synthetic" (empty: both)
#   mujun        "below": investment per 亩 below its threshold (projects.mujun);
#                "no_area": signed or later and no land area
#   amount_min   total investment at least, as written: 10亿, 5000万, 1.5亿美元 (bare: 万元)
#   amount_max   total investment at most, same form
#   date_stage   the stage whose actual date date_from/date_to filter (default signed)
#   date_from    2023, 2023-03 or 2023-03-15: from the first day of that period
#   date_to      same form: up to the last day of that period
#   sort         code, name, unit, total_investment, stage, status, industry, updated,
#                with "-" in front for descending (default -total_investment)
#   page         page number (pages only)
# ---------------------------------------------------------------------------------------

LEDGER_PARAM_NAMES = (
    "q", "stage", "status", "unit", "industry", "chain", "foreign", "synthetic", "mujun",
    "amount_min", "amount_max", "date_stage", "date_from", "date_to", "sort",
)  # fmt: skip
LEDGER_SORTS = {
    "code": "code",
    "name": "name",
    "unit": "unit_id",
    "total_investment": "total_investment_wan",
    "stage": "stage",
    "status": "status",
    "industry": "industry_id",
    "updated": "updated_at",
}
DEFAULT_LEDGER_SORT = "-total_investment"


class LedgerParams:
    """The ledger filters read from a query string, with a message per unreadable value.

    `values` holds every parameter as text (for forms and links, unreadable ones too);
    `errors` maps a parameter to why it was ignored. A bad value never breaks the page:
    that one filter is left out and its message shown.
    """

    def __init__(self, data) -> None:
        from zhaoshang.lib.dates import DateError, parse_date_text
        from zhaoshang.lib.money import AmountError, parse_amount
        from zhaoshang.projects.models import Stage, Status

        self.values: dict[str, str] = {
            k: " ".join(str(data.get(k, "") or "").split()) for k in LEDGER_PARAM_NAMES
        }
        self.errors: dict[str, str] = {}
        v = self.values
        self.stage = v["stage"] if v["stage"] in Stage.values else ""
        if v["stage"] and not self.stage:
            self.errors["stage"] = _unknown(v["stage"])
        self.status = v["status"] if v["status"] in Status.values else ""
        if v["status"] and not self.status:
            self.errors["status"] = _unknown(v["status"])
        self.unit = ""
        if v["unit"]:
            region = find_region(v["unit"])  # a county, city or province: its units
            self.unit = find_unit_code(v["unit"]) or (region.code if region else "")
            if not self.unit:
                self.errors["unit"] = _unknown(v["unit"])
        self.industry = v["industry"]
        self.chain = ""
        if v["chain"]:
            self.chain = find_chain_code(v["chain"]) or ""
            if not self.chain:
                self.errors["chain"] = _unknown(v["chain"])
        self.q = v["q"]
        self.is_foreign = {"foreign": True, "domestic": False}.get(v["foreign"])
        self.is_synthetic = {"real": False, "synthetic": True}.get(v["synthetic"])
        self.mujun = v["mujun"] if v["mujun"] in ("below", "no_area") else ""
        if v["mujun"] and not self.mujun:
            self.errors["mujun"] = _unknown(v["mujun"])
        self.amount_min = self.amount_max = None
        for key in ("amount_min", "amount_max"):
            if v[key]:
                try:
                    setattr(self, key, parse_amount(v[key]).value_wan)
                except AmountError as exc:
                    self.errors[key] = exc.in_language(_amount_language())
        self.date_stage = v["date_stage"] if v["date_stage"] in Stage.values else "signed"
        self.date_from = self.date_to = None
        for key in ("date_from", "date_to"):
            if v[key]:
                try:
                    on, precision = parse_date_text(v[key])
                except DateError as exc:
                    self.errors[key] = str(exc)
                    continue
                if key == "date_to":
                    on = _period_end(on, precision)
                setattr(self, key, on)
        sort = v["sort"] or DEFAULT_LEDGER_SORT
        if sort.lstrip("-") not in LEDGER_SORTS:
            self.errors["sort"] = _unknown(sort)
            sort = DEFAULT_LEDGER_SORT
        self.sort = sort

    def query_string(self, **overrides: str) -> str:
        """The parameters as a query string, without empty ones; `overrides` replace some."""
        from urllib.parse import urlencode

        merged = {**self.values, **overrides}
        if merged.get("sort") == DEFAULT_LEDGER_SORT:
            merged["sort"] = ""
        if merged.get("date_stage") == "signed":
            merged["date_stage"] = ""
        return urlencode({k: val for k, val in merged.items() if val})


def _unknown(value: str) -> str:
    from django.utils.translation import gettext

    return gettext("unknown value “%(value)s”; this filter is ignored") % {"value": value}


def _period_end(on, precision: str):
    import calendar
    import datetime

    if precision == "year":
        return datetime.date(on.year, 12, 31)
    if precision == "month":
        return datetime.date(on.year, on.month, calendar.monthrange(on.year, on.month)[1])
    return on


def apply_ledger_params(qs: QuerySet, params: LedgerParams) -> QuerySet:
    """Filter `qs` (already limited to what the user may see) by `params`; no ordering."""
    from zhaoshang.projects.models import StageDate

    qs = filter_projects(
        qs,
        q=params.q,
        stage=params.stage,
        status=params.status,
        unit=params.unit,
        industry=params.industry,
        is_synthetic=params.is_synthetic,
        chain=params.chain,
    )
    if params.is_foreign is not None:
        qs = qs.filter(is_foreign=params.is_foreign)
    if params.mujun == "below":
        from zhaoshang.projects import mujun  # projects.mujun reads the models

        qs = qs.filter(mujun.investment_below_q())
    elif params.mujun == "no_area":
        qs = qs.filter(land_area_mu__isnull=True).exclude(stage__in=["lead", "negotiating"])
    if params.amount_min is not None:
        qs = qs.filter(total_investment_wan__gte=params.amount_min)
    if params.amount_max is not None:
        qs = qs.filter(total_investment_wan__lte=params.amount_max)
    if params.date_from is not None or params.date_to is not None:
        dated = StageDate.objects.filter(stage=params.date_stage, actual_on__isnull=False)
        if params.date_from is not None:
            dated = dated.filter(actual_on__gte=params.date_from)
        if params.date_to is not None:
            dated = dated.filter(actual_on__lte=params.date_to)
        qs = qs.filter(pk__in=dated.values("project_id"))
    return qs


def order_ledger(qs: QuerySet, sort: str = DEFAULT_LEDGER_SORT) -> QuerySet:
    """Order by a LEDGER_SORTS key (`-` for descending); unknown amounts last; stages in
    lifecycle order; the project code breaks ties so pages never overlap."""
    from django.db.models import Case, F, IntegerField, Value, When

    from zhaoshang.projects.models import STAGE_ORDER

    descending = sort.startswith("-")
    field = LEDGER_SORTS.get(sort.lstrip("-"), "total_investment_wan")
    if field == "stage":
        expr = Case(
            *[When(stage=s, then=Value(i)) for i, s in enumerate(STAGE_ORDER)],
            output_field=IntegerField(),
        )
    else:
        expr = F(field)
    first = expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True)
    return qs.order_by(first, "code")


def ledger_queryset(qs: QuerySet, data) -> tuple[QuerySet, LedgerParams]:
    """`qs` filtered and ordered by the ledger parameters in `data` (e.g. request.GET).

    >>> rows, params = ledger_queryset(projects_visible_to(user), request.GET)
    """
    params = LedgerParams(data)
    return order_ledger(apply_ledger_params(qs, params), params.sort), params
