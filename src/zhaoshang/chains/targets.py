"""Target enterprises for a node, ranked by a score whose parts are all shown.

Candidates: every enterprise placed on the node or on a node below it (active placements),
whether here already (it could add a project) or not yet. Each part is a number from 0 to 1:

- fit: the placement's confidence (1 when a person placed or confirmed it);
- size: the largest of Fortune Global 500 → 1, listed → 0.7, 专精特新 or high-tech → 0.4,
  and the total investment of its group's projects in the registry on a log scale
  (100万元 → 0, 1亿元 → 0.5, 100亿元 → 1);
- expansion: the larger of recent projects (signed in the last 36 months, anywhere in the
  registry, by it or its subsidiaries: 3 or more → 1) and its reinvestment cadence here
  (12 months or less → 1, 48 or more → 0, linear between);
- relationship: already invested here (a project of this city, not dropped) 0.6, plus 0.2
  per visit in the last 24 months, at most 1;
- links: local firms it supplies or buys from (supply links), and local firms of its own
  group outside its subsidiaries (parent, sister companies): 2 or more → 1, one → 0.5.

Score = Σ weight × part / Σ weights × 100, weights from `TargetWeights` (default 35, 20,
20, 15, 10) or the caller's.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.chains.models import WEIGHT_KEYS, Node, Origin, Placement, SupplyLink
from zhaoshang.chains.queries import (
    cadences,
    chunked,
    families,
    fetch_rows,
    group_of,
    investor_projects,
    is_local_unit,
    local_ids_of,
    parent_map,
    project_dates,
)

RECENT_MONTHS = 36
VISIT_MONTHS = 24


@dataclass
class Part:
    key: str
    value: float
    weight: int
    why: str

    @property
    def points(self) -> float:
        return self.value * self.weight


@dataclass
class Target:
    enterprise_id: int
    name: str
    country: str
    is_synthetic: bool
    is_local: bool
    score: float = 0.0
    parts: list[Part] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "country": self.country,
            "is_local": self.is_local,
            "is_synthetic": self.is_synthetic,
            "score": round(self.score, 1),
            "parts": {
                p.key: {"value": round(p.value, 3), "weight": p.weight, "why": p.why}
                for p in self.parts
            },
        }


def subtree_ids(node: Node) -> list[int]:
    ids = [node.pk]
    frontier = [node.pk]
    while frontier:
        frontier = list(Node.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def size_value(*, fortune500: bool, listed: bool, specialised: bool, high_tech: bool,
               invested_wan: Decimal | None) -> float:  # fmt: skip
    value = 1.0 if fortune500 else 0.7 if listed else 0.4 if (specialised or high_tech) else 0.0
    if invested_wan:
        value = max(value, min(1.0, max(0.0, (math.log10(float(invested_wan)) - 2) / 4)))
    return value


def expansion_value(recent: int, cadence_months: Decimal | None) -> float:
    cadence = 0.0
    if cadence_months is not None:
        cadence = min(1.0, max(0.0, (48 - float(cadence_months)) / 36))
    return max(min(1.0, recent / 3), cadence)


def relationship_value(invested_here: int, visits: int) -> float:
    return min(1.0, (0.6 if invested_here else 0.0) + 0.2 * visits)


def links_value(names: list[str]) -> float:
    return 1.0 if len(names) >= 2 else 0.5 if names else 0.0


def size_part(*, fortune500: bool, listed: bool, specialised: bool, high_tech: bool,
              invested_wan: Decimal | None) -> tuple[float, str]:  # fmt: skip
    options = [(0.0, _("no size signal"))]
    if fortune500:
        options.append((1.0, _("Fortune Global 500")))
    if listed:
        options.append((0.7, _("listed")))
    if specialised or high_tech:
        options.append((0.4, _("专精特新 or high-tech")))
    if invested_wan:
        value = min(1.0, max(0.0, (math.log10(float(invested_wan)) - 2) / 4))
        from zhaoshang.lib.money import format_wan

        options.append(
            (value, _("projects total %(amount)s") % {"amount": format_wan(invested_wan)})
        )
    best = max(options, key=lambda o: o[0])
    assert best[0] == size_value(
        fortune500=fortune500, listed=listed, specialised=specialised, high_tech=high_tech,
        invested_wan=invested_wan,
    )  # fmt: skip
    return best


def expansion_part(recent: int, cadence_months: Decimal | None) -> tuple[float, str]:
    why = [_("%(n)s projects signed in the last %(m)s months") % {"n": recent, "m": RECENT_MONTHS}]
    if cadence_months is not None:
        why.append(_("a project here every %(m)s months") % {"m": cadence_months})
    return expansion_value(recent, cadence_months), "; ".join(why)


def relationship_part(invested_here: int, visits: int) -> tuple[float, str]:
    value = relationship_value(invested_here, visits)
    return value, _("%(p)s projects here, %(v)s visits in %(m)s months") % {
        "p": invested_here,
        "v": visits,
        "m": VISIT_MONTHS,
    }


def links_part(names: list[str]) -> tuple[float, str]:
    value = links_value(names)
    if not names:
        return value, _("no known link to local firms")
    return value, _("linked to local firms: %(names)s") % {"names": "、".join(names[:5])}


def normalise_weights(weights: dict[str, int]) -> dict[str, int]:
    out = {k: int(weights.get(k, 0)) for k in WEIGHT_KEYS}
    if not any(out.values()):
        raise ValueError("at least one weight must be above zero")
    return out


def rank_targets(node: Node, *, weights: dict[str, int], limit: int | None = 50,
                 today: datetime.date | None = None) -> list[Target]:  # fmt: skip
    """Targets for `node`, best first (ties by name)."""
    from zhaoshang.enterprises.models import Enterprise, Visit

    weights = normalise_weights(weights)
    total_weight = sum(weights.values())
    today = today or timezone.localdate()
    nodes = subtree_ids(node)
    fit: dict[int, tuple[float, dict, str]] = {}
    for eid, confidence, origin, evidence in (
        Placement.objects.filter(node_id__in=nodes, is_active=True)
        .order_by()
        .values_list("enterprise_id", "confidence", "origin", "evidence")
    ):
        value = 1.0 if origin == Origin.MANUAL else float(confidence)
        if eid not in fit or value > fit[eid][0]:
            fit[eid] = (value, evidence or {}, origin)
    if not fit:
        return []
    ids = list(fit)
    info = {}
    for chunk in chunked(ids):
        for row in fetch_rows(
            Enterprise.objects.filter(pk__in=chunk).order_by().values_list(
                "pk", "name", "country", "is_synthetic", "is_fortune500", "is_listed",
                "is_specialised", "is_high_tech",
            )
        ):  # fmt: skip
            info[row[0]] = row
    parents = parent_map()
    fams = families(ids, parents)
    members = {m for fam in fams.values() for m in fam}
    projects = investor_projects(members)
    dates = project_dates({row[0] for rows in projects.values() for row in rows})
    since = today - datetime.timedelta(days=RECENT_MONTHS * 30)
    visit_since = today - datetime.timedelta(days=VISIT_MONTHS * 30)
    visits: dict[int, int] = {}
    for chunk in chunked(ids):
        visits.update(
            Visit.objects.filter(enterprise_id__in=chunk, visited_on__gte=visit_since)
            .order_by()
            .values("enterprise_id")
            .annotate(n=Count("pk"))
            .values_list("enterprise_id", "n")
        )
    cadence = cadences(ids, parents=parents, projects=projects, dates=dates, detail=False)
    # links: supply partners and own-group firms outside the family, that are here
    partners: dict[int, set[int]] = {}
    id_set = set(ids)
    for supplier, customer in SupplyLink.objects.order_by().values_list(
        "supplier_id", "customer_id"
    ):
        if supplier in id_set or customer in id_set:
            partners.setdefault(supplier, set()).add(customer)
            partners.setdefault(customer, set()).add(supplier)
    groups: dict[int, set[int]] = {}
    for child in parents:
        groups.setdefault(group_of(child, parents), set()).add(child)
    for root in list(groups):
        groups[root].add(root)
    related: dict[int, set[int]] = {}
    for eid in ids:
        rel = set(partners.get(eid, ()))
        group = groups.get(group_of(eid, parents), {eid})
        rel |= group - fams[eid]
        related[eid] = rel
    all_related = {r for rel in related.values() for r in rel}
    local = local_ids_of(id_set, projects) | local_ids_of(all_related - id_set)
    related_names = dict(
        Enterprise.objects.filter(pk__in=list(all_related & local)).values_list("pk", "name")
    )
    # numbers first, for every candidate; the explanations only for those returned
    scored = []
    for eid in ids:
        _pk, name, _country, _synthetic, f500, listed, specialised, high_tech = info[eid]
        fam_projects = {row[0]: row for m in fams[eid] for row in projects.get(m, ())}
        invested = sum((r[3] for r in fam_projects.values() if r[3] is not None), Decimal(0))
        recent = sum(1 for p in fam_projects if p in dates and dates[p][0] >= since)
        here = sum(1 for r in fam_projects.values() if is_local_unit(r[4]))
        names = sorted(related_names[r] for r in related[eid] if r in related_names)
        facts = {
            "size": dict(fortune500=f500, listed=listed, specialised=specialised,
                         high_tech=high_tech, invested_wan=invested or None),
            "expansion": (recent, cadence[eid].months),
            "relationship": (here, visits.get(eid, 0)),
            "links": names,
        }  # fmt: skip
        values = {
            "fit": fit[eid][0],
            "size": size_value(**facts["size"]),
            "expansion": expansion_value(*facts["expansion"]),
            "relationship": relationship_value(*facts["relationship"]),
            "links": links_value(names),
        }
        score = sum(values[k] * weights[k] for k in WEIGHT_KEYS) / total_weight * 100
        scored.append((-score, name, eid, facts))
    scored.sort()
    out: list[Target] = []
    for neg_score, name, eid, facts in scored[:limit] if limit else scored:
        pk, name, country, synthetic, *_flags = info[eid]
        fit_value, evidence, origin = fit[eid]
        kw = [k["keyword"] for k in evidence.get("keywords", [])]
        why_fit = (
            _("placed by a person")
            if origin == Origin.MANUAL
            else _("confidence %(c)s from %(e)s")
            % {"c": f"{fit_value:.2f}", "e": "、".join(kw + evidence.get("codes", [])) or "—"}
        )
        explained = {
            "fit": (fit_value, why_fit),
            "size": size_part(**facts["size"]),
            "expansion": expansion_part(*facts["expansion"]),
            "relationship": relationship_part(*facts["relationship"]),
            "links": links_part(facts["links"]),
        }
        out.append(
            Target(
                enterprise_id=pk,
                name=name,
                country=country,
                is_synthetic=synthetic,
                is_local=eid in local,
                score=-neg_score,
                parts=[
                    Part(k, explained[k][0], weights[k], str(explained[k][1])) for k in WEIGHT_KEYS
                ],
                evidence=evidence,
            )
        )
    return out
