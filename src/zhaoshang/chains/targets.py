"""Target enterprises for a node, ranked by a score whose parts are all shown.

Candidates: every enterprise placed on the node or on a node below it (active placements),
whether here already (it could add a project) or not yet. Each part is a number from 0 to 1:

- fit: the placement's confidence (1 when a person placed or confirmed it);
- size: the largest of Fortune Global 500 → 1, listed → 0.7, a large firm (大型, the
  statistics bureau's size band) → 0.5, 专精特新 or high-tech → 0.4, a medium one → 0.3,
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

Local and outside firms are ranked alike; each target says which it is (`locality`: local
when it is here by `chains.queries`' rule, else outside) and where it is (`place`).
"""

from __future__ import annotations

import datetime
import heapq
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.chains.models import (
    WEIGHT_KEYS,
    EnterpriseProfile,
    Node,
    Origin,
    Placement,
    SupplyLink,
)
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
from zhaoshang.core.names import Lookup

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
    place: str = ""
    parts: list[Part] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)

    @property
    def locality(self) -> str:
        """``local`` (本地: here already, it could add a project) or ``outside`` (外地)."""
        return "local" if self.is_local else "outside"

    def as_json(self) -> dict:
        return {
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "country": self.country,
            "is_local": self.is_local,
            "locality": self.locality,
            "place": self.place,
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


# The size band's part of the size value (large, medium; small and micro firms give none).
BAND_SIZE = {"large": 0.5, "medium": 0.3}


def size_value(*, fortune500: bool, listed: bool, specialised: bool, high_tech: bool,
               invested_wan: Decimal | None, size_band: str = "") -> float:  # fmt: skip
    value = 1.0 if fortune500 else 0.7 if listed else 0.4 if (specialised or high_tech) else 0.0
    value = max(value, BAND_SIZE.get(size_band, 0.0))
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
              invested_wan: Decimal | None, size_band: str = "") -> tuple[float, str]:  # fmt: skip
    options = [(0.0, _("no size signal"))]
    if fortune500:
        options.append((1.0, _("Fortune Global 500")))
    if listed:
        options.append((0.7, _("listed")))
    if specialised or high_tech:
        options.append((0.4, _("专精特新 or high-tech")))
    if size_band in BAND_SIZE:
        label = _("a large firm") if size_band == "large" else _("a medium-sized firm")
        options.append((BAND_SIZE[size_band], label))
    if invested_wan:
        value = min(1.0, max(0.0, (math.log10(float(invested_wan)) - 2) / 4))
        from zhaoshang.lib.money import format_wan

        options.append(
            (value, _("projects total %(amount)s") % {"amount": format_wan(invested_wan)})
        )
    best = max(options, key=lambda o: o[0])
    assert best[0] == size_value(
        fortune500=fortune500, listed=listed, specialised=specialised, high_tech=high_tech,
        invested_wan=invested_wan, size_band=size_band,
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


def best_placements(nodes: list[int]) -> dict[int, tuple[float, int, str]]:
    """Enterprise id -> (fit, placement id, origin) of its best active placement on `nodes`
    (of equals, the one made first: its evidence is shown)."""
    fit: dict[int, tuple[float, int, str]] = {}
    for pk, eid, confidence, origin in fetch_rows(
        Placement.objects.filter(node_id__in=nodes, is_active=True)
        .order_by()
        .values_list("pk", "enterprise_id", "confidence", "origin")
    ):
        value = 1.0 if origin == Origin.MANUAL else float(confidence)
        best = fit.get(eid)
        if best is None or value > best[0] or (value == best[0] and pk < best[1]):
            fit[eid] = (value, pk, origin)
    return fit


# Candidates scored exactly before the upper bounds decide on the others, as a multiple of
# the number of targets asked for.
FIRST_BATCH = 4


def rank_targets(node: Node, *, weights: dict[str, int], limit: int | None = 50,
                 today: datetime.date | None = None) -> list[Target]:  # fmt: skip
    """Targets for `node`, best first (ties by name)."""
    return ranked_with_count(node, weights=weights, limit=limit, today=today)[0]


def ranked_with_count(node: Node, *, weights: dict[str, int], limit: int | None = 50,
                      today: datetime.date | None = None) -> tuple[list[Target], int]:  # fmt: skip
    """`rank_targets`, and how many candidates were scored exactly.

    Only the best `limit` are returned, so not every candidate needs every part. Two upper
    bounds on a candidate's score spare the work:

    1. from cheap facts read for all at once: its fit exactly; the number of project links
       of its family, which bounds size, expansion and relationship; its visits; the firms
       it is related to, local or not;
    2. from its projects without their dates (most of the cost is in the dates): only the
       expansion part is bounded.

    The `FIRST_BATCH × limit` candidates with the highest first bounds are taken in the
    order of their second bounds and scored, `limit` at a time, until a bound falls below
    the `limit`-th best score so far (the threshold); then the same for the others whose
    first bound reaches the threshold. Ties go by name as in the ranking: a candidate whose
    bound equals the threshold is kept only if its name comes before the `limit`-th one's
    (when most candidates tie, say with only the links weighted, this spares nearly all).
    No candidate left out can enter the top `limit`, so the result is the one scoring every
    candidate gives (tests/chains/test_targets_exact.py): a bound adds up its parts like the
    score, and IEEE rounding keeps the order of sums and products.
    """
    weights = normalise_weights(weights)
    today = today or timezone.localdate()
    nodes = subtree_ids(node)
    fit = best_placements(nodes)
    if not fit:
        return [], 0
    ranking = _Ranking(nodes, fit, weights, today)
    ids = list(fit)
    first = limit * FIRST_BATCH if limit else 0
    if not first or len(ids) <= first:
        scored = ranking.score(ids)
    else:
        bounds = ranking.upper_bounds()
        order = sorted(ids, key=bounds.__getitem__, reverse=True)
        # candidates tied at the edge of the first batch go in by name, as in the ranking
        edge = bounds[order[first - 1]]
        tied = [eid for eid in ids if bounds[eid] == edge]
        if len(tied) > 1:
            names = ranking.names(tied)
            order.sort(key=lambda eid: (-bounds[eid], names.get(eid, ""), eid))
        scored: list[tuple] = []
        ranking.score_in_bound_order(order[:first], scored, limit)
        nth = _nth_key(scored, limit)
        rest = [eid for eid in order[first:] if -bounds[eid] <= nth[0]]
        tied = [eid for eid in rest if -bounds[eid] == nth[0]]
        if tied:
            names = ranking.names(tied)
            rest = [eid for eid in rest if -bounds[eid] < nth[0] or (names[eid], eid) < nth[1:]]
        ranking.score_in_bound_order(rest, scored, limit)
    scored.sort()
    top = scored[:limit] if limit else scored
    evidence = dict(
        Placement.objects.filter(pk__in=[fit[row[2]][1] for row in top]).values_list(
            "pk", "evidence"
        )
    )
    return [ranking.explain(row, evidence) for row in top], len(scored)


def _nth_key(scored: list[tuple], limit: int) -> tuple | None:
    """The sort key (-score, name, id) of the `limit`-th best of `scored`, None when fewer."""
    if len(scored) < limit:
        return None
    return heapq.nsmallest(limit, [row[:3] for row in scored])[-1]


def _score(weights: dict[str, int], total: int, fit: float, size: float, expansion: float,
           relationship: float, links: float) -> float:  # fmt: skip
    """Σ weight × part / Σ weights × 100, the parts added in WEIGHT_KEYS order: the bounds
    go through the same operations, so a bound part never below the exact one gives a
    bound never below the exact score."""
    return (
        (
            fit * weights["fit"]
            + size * weights["size"]
            + expansion * weights["expansion"]
            + relationship * weights["relationship"]
            + links * weights["links"]
        )
        / total
        * 100
    )


class _Ranking:
    """The facts of one ranking: the cheap ones read for every candidate at once, the
    costly ones (projects, their dates, who is local) for the candidates that need them."""

    def __init__(self, nodes: list[int], fit: dict, weights: dict[str, int],
                 today: datetime.date) -> None:  # fmt: skip
        from zhaoshang.enterprises.models import Visit

        self.fit = fit
        self.weights = weights
        self.total_weight = sum(weights.values())
        self.since = today - datetime.timedelta(days=RECENT_MONTHS * 30)
        # every candidate, as a subquery: long lists of ids are slow to build and send
        self.candidates = (
            Placement.objects.filter(node_id__in=nodes, is_active=True)
            .order_by()
            .values("enterprise_id")
        )
        self.parents = parents = parent_map()
        parented = {p for p in parents.values()}
        # families of one (the many enterprises without subsidiaries) are not stored
        self.fams = families([eid for eid in fit if eid in parented], parents)
        visit_since = today - datetime.timedelta(days=VISIT_MONTHS * 30)
        self.visits: dict[int, int] = dict(
            fetch_rows(
                Visit.objects.filter(
                    enterprise_id__in=self.candidates,
                    visited_on__gte=visit_since,
                    removed_at__isnull=True,
                )
                .order_by()
                .values("enterprise_id")
                .annotate(n=Count("pk"))
                .values_list("enterprise_id", "n")
            )
        )
        # links: supply partners and own-group firms outside the family, local or not yet
        partners: dict[int, set[int]] = {}
        for supplier, customer in fetch_rows(
            SupplyLink.objects.filter(
                Q(supplier_id__in=self.candidates) | Q(customer_id__in=self.candidates)
            )
            .order_by()
            .values_list("supplier_id", "customer_id")
        ):
            partners.setdefault(supplier, set()).add(customer)
            partners.setdefault(customer, set()).add(supplier)
        groups: dict[int, set[int]] = {}
        for child in parents:
            groups.setdefault(group_of(child, parents), set()).add(child)
        for root in list(groups):
            groups[root].add(root)
        # only the candidates related to some firm are stored
        self.related: dict[int, set[int]] = {}
        for eid in fit:
            rel = set(partners.get(eid, ()))
            if eid in parents or eid in groups:
                rel |= groups[group_of(eid, parents)] - self.fam(eid)
            if rel:
                self.related[eid] = rel
        self.info: dict[int, tuple] = {}
        self.projects: dict[int, list[tuple]] = {}
        self.local: set[int] = set()
        self.decided: set[int] = set()
        self.related_names: dict[int, str] = {}
        self.places = Lookup()  # where each target is, as pages name places

    def fam(self, eid: int) -> set[int]:
        return self.fams.get(eid) or {eid}

    @cached_property
    def stated(self) -> dict[int, Decimal]:
        """Candidate id -> the months between projects here a source states."""
        return {
            eid: Decimal(str(months))
            for eid, months in fetch_rows(
                EnterpriseProfile.objects.filter(
                    enterprise_id__in=self.candidates, stated_cadence_months__isnull=False
                )
                .order_by()
                .values_list("enterprise_id", "stated_cadence_months")
            )
        }

    def upper_bounds(self) -> dict[int, float]:
        """Candidate id -> a score no lower than its own. The project links of the family
        bound its distinct projects, hence the recent ones and those here; size is bounded
        by 1 (the investment needs the projects); expansion by 1 from two projects on (two
        dates may be a month apart), else by the stated cadence."""
        from zhaoshang.projects.models import ProjectInvestor

        links = ProjectInvestor.objects.order_by().values("enterprise_id").annotate(n=Count("pk"))
        by_investor = dict(
            fetch_rows(
                links.filter(enterprise_id__in=self.candidates).values_list("enterprise_id", "n")
            )
        )
        others = {m for fam in self.fams.values() for m in fam} - set(self.fit)
        for chunk in chunked(others):
            by_investor.update(
                fetch_rows(links.filter(enterprise_id__in=chunk).values_list("enterprise_id", "n"))
            )
        weights, total, visits, related = self.weights, self.total_weight, self.visits, self.related
        stated, fams = self.stated, self.fams
        bounds = {}
        for eid, (fit, _pk, _origin) in self.fit.items():
            if eid in fams:
                projects = sum(by_investor.get(m, 0) for m in fams[eid])
            else:
                projects = by_investor.get(eid, 0)
            expansion = 1.0 if projects >= 2 else expansion_value(projects, stated.get(eid))
            relationship = relationship_value(projects, visits.get(eid, 0))
            linked = links_value(related[eid]) if eid in related else 0.0
            bounds[eid] = _score(weights, total, fit, 1.0, expansion, relationship, linked)
        return bounds

    def load(self, batch: list[int]) -> None:
        """Read the registry facts, the projects (without dates) and the local firms each
        is related to, for the candidates of `batch` not read yet."""
        from zhaoshang.enterprises.models import Enterprise

        batch = [eid for eid in batch if eid not in self.info]
        if not batch:
            return
        for chunk in chunked(batch):
            for row in fetch_rows(
                Enterprise.objects.filter(pk__in=chunk).order_by().values_list(
                    "pk", "name", "country", "is_synthetic", "is_fortune500", "is_listed",
                    "is_specialised", "is_high_tech", "size_band", "region_id",
                )
            ):  # fmt: skip
                self.info[row[0]] = row
        members = {m for eid in batch for m in self.fam(eid)} - set(self.projects)
        found = investor_projects(members, titles=False)
        for member in members:
            self.projects[member] = found.get(member, [])
        related = {r for eid in batch for r in self.related.get(eid, ())}
        self.find_local(related)
        for chunk in chunked(related & self.local - set(self.related_names)):
            self.related_names.update(
                fetch_rows(
                    Enterprise.objects.filter(pk__in=chunk).order_by().values_list("pk", "name")
                )
            )

    def find_local(self, ids: set[int]) -> None:
        """Which of `ids` are here, for those not decided yet."""
        todo = ids - self.decided
        read = {eid for eid in todo if eid in self.projects}
        if read:
            self.local |= local_ids_of(read, self.projects)
        if todo - read:
            self.local |= local_ids_of(todo - read)
        self.decided |= todo

    def _facts(self, eid: int) -> tuple[dict[int, tuple], dict, tuple, list[str]]:
        """Its family's projects by id, the size facts, (projects here, visits), the local
        firms it is linked to."""
        _pk, _name, _country, _synthetic, f500, listed, specialised, high_tech, band, _region = (
            self.info[eid]
        )
        fam = self.fams.get(eid)
        if fam is None:
            fam_projects = {row[0]: row for row in self.projects[eid]}
        else:
            fam_projects = {row[0]: row for m in fam for row in self.projects[m]}
        invested = sum((r[3] for r in fam_projects.values() if r[3] is not None), Decimal(0))
        here = sum(1 for r in fam_projects.values() if is_local_unit(r[4]))
        names = sorted(
            self.related_names[r] for r in self.related.get(eid, ()) if r in self.related_names
        )
        size = dict(fortune500=f500, listed=listed, specialised=specialised,
                    high_tech=high_tech, invested_wan=invested or None, size_band=band)  # fmt: skip
        return fam_projects, size, (here, self.visits.get(eid, 0)), names

    def bounds_without_dates(self, batch: list[int]) -> dict[int, float]:
        """Candidate id -> a score no lower than its own, from everything but the project
        dates: only the expansion part is bounded (recent projects by its projects, a
        cadence computed from two or more projects here by 1, else the stated one)."""
        self.load(batch)
        weights, total, stated = self.weights, self.total_weight, self.stated
        bounds = {}
        for eid in batch:
            fam_projects, size, relationship, names = self._facts(eid)
            here = relationship[0]
            if here >= 2:
                expansion = 1.0
            else:
                expansion = expansion_value(len(fam_projects), stated.get(eid))
            bounds[eid] = _score(
                weights, total, self.fit[eid][0], size_value(**size), expansion,
                relationship_value(*relationship), links_value(names),
            )  # fmt: skip
        return bounds

    def score_in_bound_order(self, batch: list[int], scored: list[tuple], limit: int) -> None:
        """Score the candidates of `batch` onto `scored`, `limit` at a time, in the order of
        (-bound without dates, name, id), while that key is below the one of the `limit`-th
        best so far: a candidate whose key is not cannot enter the top `limit`."""
        bounds = self.bounds_without_dates(batch)
        info = self.info

        def key(eid: int) -> tuple:
            return (-bounds[eid], info[eid][1], eid)

        batch = sorted(batch, key=key)
        nth = _nth_key(scored, limit)
        for start in range(0, len(batch), limit):
            chunk = [eid for eid in batch[start : start + limit] if nth is None or key(eid) < nth]
            scored += self.score(chunk)
            nth = _nth_key(scored, limit)
            if len(chunk) < limit:
                break

    def names(self, ids: list[int]) -> dict[int, str]:
        """Enterprise id -> name, for ties settled by name before the facts are read."""
        from zhaoshang.enterprises.models import Enterprise

        out = {eid: self.info[eid][1] for eid in ids if eid in self.info}
        for chunk in chunked(eid for eid in ids if eid not in out):
            out.update(
                fetch_rows(
                    Enterprise.objects.filter(pk__in=chunk).order_by().values_list("pk", "name")
                )
            )
        return out

    def score(self, batch: list[int]) -> list[tuple]:
        """(-score, name, id, facts) of each candidate of `batch`."""
        if not batch:
            return []
        self.load(batch)
        self.find_local(set(batch))
        projects = self.projects
        members = {m for eid in batch for m in self.fam(eid)}
        dates = project_dates({row[0] for m in members for row in projects[m]})
        cadence = cadences(
            batch, parents=self.parents, projects=projects, dates=dates, detail=False
        )
        since, weights, total = self.since, self.weights, self.total_weight
        scored = []
        for eid in batch:
            fam_projects, size, relationship, names = self._facts(eid)
            recent = sum(1 for p in fam_projects if p in dates and dates[p][0] >= since)
            facts = {
                "size": size,
                "expansion": (recent, cadence[eid].months),
                "relationship": relationship,
                "links": names,
            }
            score = _score(
                weights, total, self.fit[eid][0], size_value(**size),
                expansion_value(*facts["expansion"]), relationship_value(*relationship),
                links_value(names),
            )  # fmt: skip
            scored.append((-score, self.info[eid][1], eid, facts))
        return scored

    def explain(self, row: tuple, evidence_of: dict[int, dict]) -> Target:
        neg_score, name, eid, facts = row
        pk, name, country, synthetic, *_flags, region = self.info[eid]
        fit_value, placement, origin = self.fit[eid]
        evidence = evidence_of.get(placement) or {}
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
        return Target(
            enterprise_id=pk,
            name=name,
            country=country,
            is_synthetic=synthetic,
            is_local=eid in self.local,
            score=-neg_score,
            place=self.places.place_name(region),
            parts=[
                Part(k, explained[k][0], self.weights[k], str(explained[k][1])) for k in WEIGHT_KEYS
            ],
            evidence=evidence,
        )
