"""亩均 (per 亩 of land): a project's investment per 亩 at signing (投资强度) and its expected
yearly output and tax per 亩 at full production, checked against the thresholds kept as data
(`MujunThreshold`). One function, :func:`mujun_check`, gives the findings that the project
page, the form's warnings, the ledger list, the API and the Excel export all show.

The per-亩 figures are divided exactly (28 significant digits) and never rounded for a
comparison; pages show them to 0.01万元. A figure keeps what its inputs say about precision:

>>> per_mu(Decimal("100000"), "at_least", Decimal("120"), "exact")   # 超10亿元 on 120亩
(Decimal('833.3333333333333333333333333'), 'at_least')

约 on either side makes the result 约; 超 over an exact area stays 超; 超 over 超 (both
floors) says nothing about the quotient's direction, so it is read as 约.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.projects.models import STAGE_ORDER, MujunThreshold, Project, Stage

_CONTEXT = decimal.Context(prec=28)
EXACT, AT_LEAST, APPROX, AT_MOST = "exact", "at_least", "approx", "at_most"

METRICS = {
    "investment": gettext_lazy("Investment per mu at signing"),
    "output": gettext_lazy("Yearly output per mu at full production"),
    "tax": gettext_lazy("Yearly tax per mu at full production"),
}
# Which amount each metric divides: the first one the project has.
BASIS = {
    "investment": ("total_investment",),
    "output": ("expected_output", "expected_revenue"),
    "tax": ("expected_tax",),
}
THRESHOLD_COLUMN = {
    "investment": "min_investment_per_mu_wan",
    "output": "min_output_per_mu_wan",
    "tax": "min_tax_per_mu_wan",
}
# levels, worst first
BELOW, REFUSED, UNCERTAIN, MEETS = "below", "refused", "uncertain", "meets"
NO_AREA, NO_FIGURE, NO_THRESHOLD = "no_area", "no_figure", "no_threshold"
LEVEL_LABELS = {
    REFUSED: gettext_lazy("below a binding threshold"),
    BELOW: gettext_lazy("below the threshold"),
    UNCERTAIN: gettext_lazy("cannot tell (an approximate figure near the threshold)"),
    MEETS: gettext_lazy("meets the threshold"),
    NO_AREA: gettext_lazy("no land area"),
    NO_FIGURE: gettext_lazy("no figure"),
    NO_THRESHOLD: gettext_lazy("no threshold"),
}


def combine(numerator: str, denominator: str) -> str:
    """The qualifier of a quotient: a floor over an exact or capped area is a floor, etc."""
    if APPROX in (numerator, denominator):
        return APPROX
    if denominator == EXACT:
        return numerator
    flipped = AT_MOST if denominator == AT_LEAST else AT_LEAST
    if numerator in (EXACT, flipped):
        return flipped
    return APPROX  # 超 over 超: the two floors pull the quotient both ways


def per_mu(
    amount_wan: Decimal, amount_qualifier: str, area_mu: Decimal, area_qualifier: str
) -> tuple[Decimal, str]:
    """The amount per 亩 (万元/亩) and its qualifier."""
    return _CONTEXT.divide(amount_wan, area_mu), combine(amount_qualifier, area_qualifier)


def verdict(value: Decimal, qualifier: str, minimum: Decimal) -> str:
    """Whether `value` (with its qualifier) meets `minimum`. 超X below the minimum might still
    meet it, 不超过X above it might not, and 约X is judged as written."""
    if value >= minimum:
        return UNCERTAIN if qualifier == AT_MOST else MEETS
    return UNCERTAIN if qualifier == AT_LEAST else BELOW


@dataclass(frozen=True)
class Finding:
    metric: str  # investment / output / tax
    level: str  # one of LEVEL_LABELS
    per_mu_wan: Decimal | None
    qualifier: str
    basis: str  # the amount divided (total_investment, expected_output, ...), "" if none
    threshold_wan: Decimal | None
    threshold: str  # the threshold's name
    source: str
    binding: bool

    @property
    def label(self) -> str:
        return str(METRICS[self.metric])

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def is_problem(self) -> bool:
        return self.level in (BELOW, REFUSED)

    @property
    def shown(self) -> str:
        """The figure to 0.01万元 with its qualifier word (约/超/不超过)."""
        return show_per_mu(self.per_mu_wan, self.qualifier)

    @property
    def threshold_shown(self) -> str:
        return show_per_mu(self.threshold_wan, EXACT)

    @property
    def message(self) -> str:
        if self.level in (NO_AREA, NO_FIGURE, NO_THRESHOLD):
            return _("%(metric)s: %(level)s") % {"metric": self.label, "level": self.level_label}
        return _("%(metric)s is %(value)s against %(threshold)s (%(name)s): %(level)s") % {
            "metric": self.label,
            "value": self.shown,
            "level": self.level_label,
            "threshold": show_per_mu(self.threshold_wan, EXACT),
            "name": self.threshold,
        }


_PREFIX = {EXACT: "", AT_LEAST: "超", APPROX: "约", AT_MOST: "不超过"}
_PREFIX_EN = {EXACT: "", AT_LEAST: "over ", APPROX: "about ", AT_MOST: "at most "}


def show_area(value: Decimal | None, qualifier: str = EXACT, *, lang: str = "") -> str:
    """A land area in 亩, every digit kept: 约120亩, about 120 mu. The Chinese form reads
    back the same (`rules.land_area`); `lang` defaults to the page's language."""
    if value is None:
        return ""
    from django.utils.translation import get_language

    number = f"{value:f}"
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    if (lang or get_language() or "").lower().startswith("en"):
        return f"{_PREFIX_EN[qualifier]}{number} mu"
    return f"{_PREFIX[qualifier]}{number}亩"


def show_per_mu(value: Decimal | None, qualifier: str = EXACT) -> str:
    if value is None:
        return ""
    from django.utils.translation import get_language

    shown = f"{value.quantize(Decimal('0.01'), rounding=decimal.ROUND_HALF_UP):,f}"
    if (get_language() or "").lower().startswith("en"):
        return f"{_PREFIX_EN[qualifier]}{shown} (10k CNY/mu)"
    return f"{_PREFIX[qualifier]}{shown}万元/亩"


def active_thresholds() -> list[MujunThreshold]:
    """Every active threshold, once per page or export (pass it to `mujun_check`)."""
    return list(MujunThreshold.objects.filter(active=True).order_by("-industry_prefix", "pk"))


def threshold_for(
    project: Project, metric: str, thresholds: Iterable[MujunThreshold]
) -> MujunThreshold | None:
    """The most specific active threshold that sets `metric` for the project's industry."""
    code = project.industry_id or ""
    column = THRESHOLD_COLUMN[metric]
    best = None
    for t in thresholds:
        if getattr(t, column) is None or not code.startswith(t.industry_prefix):
            continue
        if best is None or len(t.industry_prefix) > len(best.industry_prefix):
            best = t
    return best


def mujun_check(
    project: Project, thresholds: Iterable[MujunThreshold] | None = None
) -> list[Finding]:
    """The three 亩均 findings of one project (investment, output, tax), in that order.

    `thresholds`: the active thresholds preloaded (`active_thresholds()`), so a list of
    projects costs one query; without it they are read here."""
    thresholds = active_thresholds() if thresholds is None else list(thresholds)
    area, area_q = project.land_area_mu, project.land_area_qualifier
    findings = []
    for metric, names in BASIS.items():
        threshold = threshold_for(project, metric, thresholds)
        minimum = getattr(threshold, THRESHOLD_COLUMN[metric]) if threshold else None
        basis = next((n for n in names if getattr(project, f"{n}_wan") is not None), "")
        value = qualifier = None
        if not area:
            level = NO_AREA
        elif not basis:
            level = NO_FIGURE
        else:
            value, qualifier = per_mu(
                getattr(project, f"{basis}_wan"),
                getattr(project, f"{basis}_qualifier"),
                area,
                area_q,
            )
            if minimum is None:
                level = NO_THRESHOLD
            else:
                level = verdict(value, qualifier, minimum)
                if level == BELOW and threshold.binding and signed(project):
                    level = REFUSED
        findings.append(
            Finding(
                metric=metric,
                level=level,
                per_mu_wan=value,
                qualifier=qualifier or EXACT,
                basis=basis,
                threshold_wan=minimum,
                threshold=threshold.name if threshold else "",
                source=threshold.source_title if threshold else "",
                binding=bool(threshold and threshold.binding),
            )
        )
    return findings


def signed(project: Project) -> bool:
    return STAGE_ORDER.index(project.stage) >= STAGE_ORDER.index(Stage.SIGNED)


def warnings_at_signing(project: Project, thresholds=None) -> list[Finding]:
    """The findings a user is warned of when saving a signed (or later) project."""
    if not signed(project):
        return []
    return [f for f in mujun_check(project, thresholds) if f.is_problem]


def refusals(project: Project, thresholds=None) -> list[Finding]:
    """Findings below a binding threshold of a signed project: the services refuse the save."""
    return [f for f in mujun_check(project, thresholds) if f.level == REFUSED]


def summary(findings: list[Finding]) -> str:
    """The worst level of a project's findings, for the ledger's column and filter."""
    levels = {f.level for f in findings}
    for level in (REFUSED, BELOW, UNCERTAIN, MEETS):
        if level in levels:
            return level
    if levels == {NO_AREA}:
        return NO_AREA
    return NO_THRESHOLD if NO_THRESHOLD in levels else NO_FIGURE


def attach_investment(projects) -> None:
    """Set `mujun_investment` (the investment finding, or None without a land area) on each
    project of a page; the thresholds are read once, and only when a project has land."""
    projects = list(projects)
    thresholds = None
    for project in projects:
        project.mujun_investment = None
        if project.land_area_mu:
            if thresholds is None:
                thresholds = active_thresholds()
            project.mujun_investment = mujun_check(project, thresholds)[0]


def investment_below_q(thresholds: Iterable[MujunThreshold] | None = None):
    """The ledger filter "investment per 亩 below its threshold" as one database condition,
    the same decision as `mujun_check` (level below or refused): each project is judged by
    the threshold `threshold_for` picks, and a quotient that is a floor (超) is not below.
    The database compares total < area × minimum (no division)."""
    from django.db.models import F, Q

    thresholds = active_thresholds() if thresholds is None else list(thresholds)
    usable = [t for t in thresholds if t.min_investment_per_mu_wan is not None]
    chosen: dict[str, MujunThreshold] = {}
    for t in usable:  # the one threshold_for picks among equal prefixes: the first
        chosen.setdefault(t.industry_prefix, t)
    floor = Q(total_investment_qualifier=AT_LEAST, land_area_qualifier__in=[EXACT, AT_MOST]) | Q(
        total_investment_qualifier=EXACT, land_area_qualifier=AT_MOST
    )
    condition = Q(pk__in=[])
    for prefix, t in chosen.items():
        picked = Q(industry__code__startswith=prefix) if prefix else Q()
        for longer in chosen:
            if len(longer) > len(prefix) and longer.startswith(prefix):
                picked &= ~Q(industry__code__startswith=longer)
        condition |= picked & Q(
            total_investment_wan__lt=F("land_area_mu") * t.min_investment_per_mu_wan
        )
    return condition & Q(land_area_mu__gt=0, total_investment_wan__isnull=False) & ~floor
