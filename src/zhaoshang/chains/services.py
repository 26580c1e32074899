"""Writes for chains: import a taxonomy, place enterprises and projects on nodes, a person's
decisions on placements, chain leaders, score weights, and a lead made from a target.

Each write checks rights first, validates everything, then writes in one transaction and
keeps the history (`save_tracked` / `record`); on bad input nothing is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhaoshang.chains import access, placement, taxonomy
from zhaoshang.chains.models import (
    WEIGHT_KEYS,
    Chain,
    ChainLeader,
    Node,
    Origin,
    Placement,
    ProjectPlacement,
    TargetWeights,
)
from zhaoshang.core.bulk import BulkInserter
from zhaoshang.core.errors import InputError
from zhaoshang.core.history import record, save_tracked
from zhaoshang.core.models import ChangeAction
from zhaoshang.lib.chainmatch import Classifier, Match, NodeSpec
from zhaoshang.regions.home import home_code

BATCH = 5000
ONE = Decimal("1.000")


# --- taxonomy -------------------------------------------------------------------------


def _class_codes() -> set[str]:
    from zhaoshang.industries.models import Industry

    return set(Industry.objects.filter(level=3).values_list("code", flat=True))


@transaction.atomic
def import_chain(*, user, text: str, reason: str = "", check_rights: bool = True) -> Chain:
    """Create or update a chain and its nodes from YAML (see `taxonomy`); the file is the
    truth: nodes it no longer lists are deleted, unless a person placed an enterprise or
    project there or a chain leader sits there (then the import is refused, naming them).
    """
    if check_rights:
        access.check_can_edit_taxonomy(user)
    data, errors = taxonomy.parse_chain(text, class_codes=_class_codes())
    if errors:
        raise InputError(errors)
    clash = Chain.objects.filter(name=data["name"]).exclude(code=data["code"]).first()
    if clash is not None:
        raise InputError(
            {
                "name": _("the name “%(value)s” belongs to chain “%(other)s”")
                % {"value": data["name"], "other": clash.code}
            }
        )
    chain = Chain.objects.filter(code=data["code"]).first() or Chain(code=data["code"])
    if chain.pk is None:
        chain.order = (
            Chain.objects.order_by("-order").values_list("order", flat=True).first() or 0
        ) + 1
    for key in ("name", "name_en", "group", "description"):
        setattr(chain, key, data[key])
    save_tracked(chain, user=user, reason=reason)
    existing = {n.code: n for n in chain.nodes.all()}
    wanted = {n["code"] for n in data["nodes"]}
    gone = [n for code, n in existing.items() if code not in wanted]
    if gone:
        gone_ids = [n.pk for n in gone]
        held_ids = (
            set(
                Placement.objects.filter(node_id__in=gone_ids, origin=Origin.MANUAL).values_list(
                    "node_id", flat=True
                )
            )
            | set(
                ProjectPlacement.objects.filter(
                    node_id__in=gone_ids, origin=Origin.MANUAL
                ).values_list("node_id", flat=True)
            )
            | set(
                ChainLeader.objects.filter(node_id__in=gone_ids).values_list("node_id", flat=True)
            )
        )
        held = sorted(n.name for n in gone if n.pk in held_ids)
        if held:
            raise InputError(
                {
                    "nodes": _(
                        "the file leaves out nodes a person placed firms or projects on, or where a "
                        "chain leader sits: %(names)s"
                    )
                    % {"names": "、".join(held)}
                }
            )
    nodes: dict[str, Node] = {}
    for order, item in enumerate(taxonomy.ordered_nodes(data["nodes"])):
        node = existing.get(item["code"]) or Node(chain=chain, code=item["code"])
        node.parent = nodes.get(item["parent"]) if item["parent"] else None
        node.order = order
        for key in ("name", "name_en", "position", "description", "products", "keywords",
                    "industry_codes"):  # fmt: skip
            setattr(node, key, item[key])
        save_tracked(node, user=user, reason=reason)
        nodes[node.code] = node
    for node in gone:
        record(node, user=user, action=ChangeAction.DELETE, changes={}, reason=reason)
        node.children.update(parent=None)
        node.delete()
    return chain


def import_bundled(*, user=None) -> list[Chain]:
    """The city's chains from `chains/data/*.yaml` (the demo and a fresh install)."""
    return [
        import_chain(
            user=user,
            text=path.read_text(encoding="utf-8"),
            check_rights=False,
            reason="产业链图谱（内置） / bundled chain map",
        )
        for path in taxonomy.bundled_files()
    ]


# --- the classifier and its inputs ----------------------------------------------------


def build_classifier(nodes: Iterable[Node] | None = None) -> Classifier:
    """A classifier over every node (or the ones given) with the placement vocabulary
    (`chains/data/placement/vocabulary.yaml`); a node's key is its id as text."""
    if nodes is None:
        nodes = Node.objects.select_related("chain").only(
            "pk", "code", "keywords", "industry_codes", "chain__code"
        )
    return placement.classifier_for(
        NodeSpec(
            str(n.pk),
            tuple(n.keywords),
            tuple(n.industry_codes),
            chain=n.chain.code,
            code=n.code,
        )
        for n in nodes
    )


def home_project_filter():
    """Projects of this city: a unit in the home region, or no unit decided yet."""
    from django.db.models import Q

    home = home_code()
    return Q(unit__isnull=True) | Q(unit__code__startswith=home)


def enterprise_inputs() -> dict[str, dict[int, Any]]:
    """What the classifier reads besides the enterprise row: aliases, stated products, and
    the names, descriptions and industry codes of its projects (any unit)."""
    from zhaoshang.chains.models import EnterpriseProfile
    from zhaoshang.enterprises.models import EnterpriseAlias
    from zhaoshang.projects.models import ProjectInvestor

    aliases: dict[int, list[str]] = {}
    for eid, alias in EnterpriseAlias.objects.values_list("enterprise_id", "alias"):
        aliases.setdefault(eid, []).append(alias)
    products = dict(
        EnterpriseProfile.objects.exclude(products="").values_list("enterprise_id", "products")
    )
    projects: dict[int, list[str]] = {}
    codes: dict[int, list[str]] = {}
    rows = ProjectInvestor.objects.exclude(project__status="dropped").values_list(
        "enterprise_id", "project__name", "project__description", "project__industry_id"
    )
    for eid, name, description, code in rows:
        projects.setdefault(eid, []).append(f"{name}；{description}" if description else name)
        if code:
            codes.setdefault(eid, []).append(code)
    return {"aliases": aliases, "products": products, "projects": projects, "codes": codes}


def classify_enterprise(classifier: Classifier, row: tuple, inputs: dict) -> list[Match]:
    eid, name, scope, industry = row
    codes = inputs["codes"].get(eid, [])
    return classifier.classify(
        name="；".join([name, *inputs["aliases"].get(eid, [])]),
        scope=scope or "",
        products=inputs["products"].get(eid, ""),
        projects="；".join(inputs["projects"].get(eid, [])),
        industry_codes=[industry, *codes] if industry else codes,
    )


@dataclass
class PlaceResult:
    objects: int
    placements: int
    manual_kept: int
    seconds: float


def place_enterprises(
    *, progress: Callable[[int, int], None] | None = None, enterprise_ids=None
) -> PlaceResult:
    """Run the classifier over every enterprise (or the ids given): automatic placements
    are replaced; a person's decisions (confirmed, added, removed) are kept as they are."""
    from zhaoshang.enterprises.models import Enterprise

    started = timezone.now()
    classifier = build_classifier()
    inputs = enterprise_inputs()
    qs = Enterprise.objects.order_by("pk")
    ids = None if enterprise_ids is None else list(enterprise_ids)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return _place(
        Placement,
        "enterprise_id",
        qs,
        ("pk", "name", "business_scope", "industry_id"),
        lambda row: classify_enterprise(classifier, row, inputs),
        started=started,
        progress=progress,
        owner_ids=ids,
    )


def place_projects(*, progress: Callable[[int, int], None] | None = None) -> PlaceResult:
    """Place every project on nodes from its name, description, capacity and industry code."""
    from zhaoshang.projects.models import Project

    started = timezone.now()
    classifier = build_classifier()

    def matches(row):
        _pk, name, description, capacity, industry = row
        return classifier.classify(
            products="；".join(t for t in (name, description, capacity) if t),
            industry_codes=[industry] if industry else [],
        )

    return _place(
        ProjectPlacement,
        "project_id",
        Project.objects.order_by("pk"),
        ("pk", "name", "description", "capacity", "industry_id"),
        matches,
        started=started,
        progress=progress,
    )


def _place(model, key: str, qs, columns, matches_of, *, started, progress, owner_ids=None):
    """Replace the automatic `model` placements of the objects in `qs` with what
    `matches_of(row)` finds for each row of `columns` (the pk first), read in batches; a
    person's decisions (origin manual) are kept and never placed over."""
    manual = set(model.objects.filter(origin=Origin.MANUAL).values_list(key, "node_id"))
    total = qs.count()
    inserter = BulkInserter(
        model, [key, "node_id", "confidence", "evidence", "origin", "created_at"]
    )
    done = placed = 0
    now = timezone.now()
    with transaction.atomic():
        old = model.objects.filter(origin=Origin.AUTO)
        if owner_ids is not None:
            old = old.filter(**{f"{key}__in": owner_ids})
        old.delete()
        last = 0
        while True:
            rows = list(qs.filter(pk__gt=last).values_list(*columns)[:BATCH])
            if not rows:
                break
            last = rows[-1][0]
            batch = []
            for row in rows:
                for match in matches_of(row):
                    node_id = int(match.node)
                    if (row[0], node_id) in manual:
                        continue
                    batch.append(
                        {
                            key: row[0],
                            "node_id": node_id,
                            "confidence": Decimal(str(match.confidence)),
                            "evidence": match.evidence(),
                            "origin": Origin.AUTO,
                            "created_at": now,
                        }
                    )
            placed += inserter.insert(batch)
            done += len(rows)
            if progress:
                progress(done, total)
    seconds = (timezone.now() - started).total_seconds()
    return PlaceResult(done, placed, len(manual), seconds)


# --- a person's word on placements ----------------------------------------------------


def _decide(placement, *, user, active: bool, note: str, reason: str):
    placement.origin = Origin.MANUAL
    placement.is_active = active
    placement.decided_by = user if getattr(user, "is_authenticated", False) else None
    placement.decided_at = timezone.now()
    if note:
        placement.note = note[:300]
    save_tracked(placement, user=user, reason=reason or note)
    return placement


@transaction.atomic
def confirm_placement(*, user, placement, note: str = ""):
    """A person confirms a placement: kept on every later run, whatever the classifier says."""
    access.check_can_place(user)
    return _decide(placement, user=user, active=True, note=note, reason=note)


@transaction.atomic
def remove_placement(*, user, placement, note: str = ""):
    """A person removes a placement: it stays off on every later run."""
    access.check_can_place(user)
    return _decide(placement, user=user, active=False, note=note, reason=note)


@transaction.atomic
def add_placement(*, user, node: Node, enterprise=None, project=None, note: str = ""):
    """A person places an enterprise (or a project) on a node."""
    access.check_can_place(user)
    if (enterprise is None) == (project is None):
        raise InputError({"enterprise": _("name an enterprise or a project")})
    model, key, obj = (
        (Placement, "enterprise", enterprise)
        if enterprise is not None
        else (ProjectPlacement, "project", project)
    )
    placement = model.objects.filter(**{key: obj}, node=node).first()
    if placement is None:
        placement = model(**{key: obj}, node=node, confidence=ONE, evidence={})
    placement.confidence = ONE
    placement.evidence = {**(placement.evidence or {}), "manual": note[:300]}
    return _decide(placement, user=user, active=True, note=note, reason=note)


# --- chain leaders, weights -----------------------------------------------------------


@transaction.atomic
def mark_leader(*, user, chain: Chain, enterprise, node: Node | None = None, note: str = "",
                source=None, check_rights: bool = True) -> ChainLeader:  # fmt: skip
    """Mark an enterprise as a chain leader (链主) of `chain`, on `node` when known."""
    if check_rights:
        access.check_can_edit_taxonomy(user)
    if node is not None and node.chain_id != chain.pk:
        raise InputError(
            {
                "node": _("node “%(value)s” is not in chain %(chain)s")
                % {"value": node.name, "chain": chain.name}
            }
        )
    leader = ChainLeader.objects.filter(chain=chain, enterprise=enterprise).first()
    leader = leader or ChainLeader(chain=chain, enterprise=enterprise)
    leader.node = node
    leader.note = note[:300]
    leader.source = source or leader.source
    save_tracked(leader, user=user, reason=note)
    return leader


@transaction.atomic
def unmark_leader(*, user, leader: ChainLeader, reason: str = "") -> None:
    access.check_can_edit_taxonomy(user)
    record(leader, user=user, action=ChangeAction.DELETE, changes={}, reason=reason)
    leader.delete()


def parse_weights(values: dict[str, Any]) -> dict[str, int]:
    """Weights from a form or query string: each a whole number 0–100; not all zero."""
    errors: dict[str, str] = {}
    out: dict[str, int] = {}
    for key in WEIGHT_KEYS:
        raw = values.get(key)
        if raw in (None, ""):
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            errors[key] = _("“%(value)s” is not a whole number") % {"value": raw}
            continue
        if not 0 <= value <= 100:
            errors[key] = _("must be between 0 and 100, not %(value)s") % {"value": value}
            continue
        out[key] = value
    if errors:
        raise InputError(errors)
    return out


def default_weights() -> dict[str, int]:
    weights, _created = TargetWeights.objects.get_or_create(name="default")
    return weights.as_dict()


@transaction.atomic
def set_default_weights(*, user, values: dict[str, Any], reason: str = "") -> TargetWeights:
    access.check_can_edit_taxonomy(user)
    parsed = parse_weights(values)
    weights, _created = TargetWeights.objects.get_or_create(name="default")
    merged = {**weights.as_dict(), **parsed}
    if not any(merged.values()):
        raise InputError({"fit": _("at least one weight must be above zero")})
    for key, value in merged.items():
        setattr(weights, key, value)
    save_tracked(weights, user=user, reason=reason)
    return weights


# --- a target becomes a lead ----------------------------------------------------------


@transaction.atomic
def make_lead(*, user, node: Node, enterprise, owner=None, next_follow_up=None,
              score: Decimal | float | None = None, note: str = ""):  # fmt: skip
    """One click: the target enterprise for `node` becomes a lead with an owner and a
    follow-up date (default: in a week). Refused when an open lead for the same enterprise
    and node already exists."""
    from django.db.models import Q

    from zhaoshang.enterprises.models import Lead, LeadOrigin, LeadStatus
    from zhaoshang.enterprises.services import create_lead

    access.check_can_place(user)
    origin_note = f"{node.chain.name} / {node.name}"
    open_lead = Lead.objects.filter(
        Q(node=node) | Q(origin_note=origin_note),
        enterprise=enterprise,
        origin=LeadOrigin.CHAIN_TARGET,
        status__in=[LeadStatus.ACTIVE, LeadStatus.PAUSED],
    ).first()
    if open_lead is not None:
        raise InputError(
            {
                "enterprise": _("%(enterprise)s is already an open lead for %(node)s (lead %(id)s)")
                % {"enterprise": enterprise.name, "node": origin_note, "id": open_lead.pk}
            }
        )
    if next_follow_up in (None, ""):
        next_follow_up = timezone.localdate() + datetime.timedelta(days=7)
    description = note
    if score is not None:
        description = _("Chain target score %(score)s for %(node)s.") % {
            "score": score,
            "node": origin_note,
        } + (f"\n{note}" if note else "")
    return create_lead(
        user=user,
        title=_("%(enterprise)s: fill %(node)s")
        % {"enterprise": enterprise.name, "node": origin_note},
        enterprise=enterprise,
        origin=LeadOrigin.CHAIN_TARGET,
        origin_note=origin_note,
        chain=node.chain,
        node=node,
        description=description,
        owner=owner or (user if getattr(user, "is_authenticated", False) else None),
        next_follow_up=next_follow_up,
        is_synthetic=bool(getattr(enterprise, "is_synthetic", False)),
    )


# --- trying the classifier on a list, storing nothing ---------------------------------


def classify_rows(rows: list[dict[str, str]], *, min_confidence: float | None = None) -> list[dict]:
    """Place CSV-like rows (`name`, `business_scope`, optional `industry_code`) without
    storing them: `[{"name", "nodes": [{"chain", "node", "confidence", "evidence"}]}]`.

    Every row is checked first: an unknown industry code is refused with its row number.
    """
    codes = _class_codes()
    errors: dict[str, str] = {}
    for i, row in enumerate(rows, start=1):
        code = (row.get("industry_code") or "").strip()
        if code and code not in codes:
            errors[f"row {i}: industry_code"] = _(
                "“%(value)s” is not a GB/T 4754-2017 class code"
            ) % {"value": code}
        if not (row.get("name") or "").strip() and not (row.get("business_scope") or "").strip():
            errors[f"row {i}"] = _("the row has neither a name nor a business scope")
    if errors:
        raise InputError(errors)
    nodes = {n.pk: n for n in Node.objects.select_related("chain")}
    classifier = build_classifier(nodes.values())
    out = []
    for row in rows:
        code = (row.get("industry_code") or "").strip()
        matches = classifier.classify(
            name=(row.get("name") or "").strip(),
            scope=row.get("business_scope") or "",
            industry_codes=[code] if code else [],
            min_confidence=min_confidence,
        )
        out.append(
            {
                "name": (row.get("name") or "").strip(),
                "nodes": [
                    {
                        "chain": nodes[int(m.node)].chain.name,
                        "chain_code": nodes[int(m.node)].chain.code,
                        "node": nodes[int(m.node)].name,
                        "node_code": nodes[int(m.node)].code,
                        "confidence": m.confidence,
                        "evidence": m.evidence(),
                    }
                    for m in matches
                ],
            }
        )
    return out
