"""Load the demo: the seed article's facts, the demo users, and synthetic projects.

Idempotent: everything is found by its natural key first, so running the demo
again reuses what is there and creates nothing twice.
"""

from __future__ import annotations

import datetime
import json
import secrets
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.chains.models import Chain
from zhaoshang.clusters.models import Cluster, Indicator
from zhaoshang.core.models import Role, Source, UserProfile
from zhaoshang.demo import facts
from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias
from zhaoshang.lib.money import parse_amount
from zhaoshang.projects.models import (
    BatchEvent,
    Project,
    ProjectList,
    ProjectListEntry,
    ProjectSource,
)
from zhaoshang.projects.services import create_project
from zhaoshang.regions.models import Region

DEMO_USERS = [
    # username, role, unit code, display name
    ("admin", Role.CITY_ADMIN, None, "市管理员 City administrator"),
    ("fgw", Role.BUREAU_EDITOR, None, "发改委 Development and Reform Commission"),
    ("jinfeng", Role.TOWN_EDITOR, "320582103", "锦丰镇 Jinfeng town"),
    ("leader", Role.LEADER, None, "市领导 City leader"),
]

DEMO_EMAIL = "{}@demo.example.org"  # the demo users' invented addresses


def _date(value) -> tuple[datetime.date, str]:
    if isinstance(value, tuple):
        return datetime.date.fromisoformat(value[0]), value[1]
    return datetime.date.fromisoformat(value), "day"


def _sources() -> dict[str, Source]:
    out = {}
    for key, data in facts.SOURCES.items():
        source, _ = Source.objects.get_or_create(title=data["title"], defaults=data)
        out[key] = source
    return out


def _chains(sources) -> None:
    for order, (code, name, name_en, group) in enumerate(facts.CHAINS):
        Chain.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "group": group,
                "order": order,
                "source": sources[facts.SEED],
            },
        )


def _enterprises(sources) -> None:
    for data in facts.ENTERPRISES:
        enterprise, created = Enterprise.objects.get_or_create(
            name=data["name"],
            defaults={
                "country": data.get("country", "CN"),
                "is_fortune500": data.get("is_fortune500", False),
                "is_listed": data.get("is_listed", False),
                "stock_code": data.get("stock_code", ""),
                "note": data.get("note", ""),
                "region_id": data.get("region"),
            },
        )
        if created:
            enterprise.sources.add(sources[data.get("source", facts.SEED)])
        for alias, kind in data.get("aliases", []):
            EnterpriseAlias.objects.get_or_create(
                enterprise=enterprise, alias=alias, defaults={"kind": kind}
            )
    for data in facts.ENTERPRISES:
        if data.get("parent"):
            Enterprise.objects.filter(name=data["name"], parent__isnull=True).update(
                parent=Enterprise.objects.get(name=data["parent"])
            )


def _projects(sources, user) -> None:
    for data in facts.PROJECTS:
        if Project.objects.filter(code=data["code"]).exists():
            continue
        fields = {k: v for k, v in data.items() if k != "sources"}
        project = create_project(user=user, data=fields, reason="演示数据：种子报道 / demo: seed")
        for key, note in data["sources"]:
            ProjectSource.objects.get_or_create(
                project=project, source=sources[key], defaults={"note": note}
            )


def _lists_and_events(sources) -> None:
    for data in facts.LISTS:
        amount = parse_amount(data["planned_investment"])
        plist, _ = ProjectList.objects.get_or_create(
            name=data["name"],
            year=data["year"],
            defaults={
                "level": data["level"],
                "issuer": data["issuer"],
                "declared_project_count": data["declared_project_count"],
                "planned_investment_wan": amount.value_wan,
                "planned_investment_qualifier": amount.qualifier.value,
                "source": sources[data["source"]],
            },
        )
        for code in data["members"]:
            ProjectListEntry.objects.get_or_create(
                project_list=plist, project=Project.objects.get(code=code)
            )
    for data in facts.BATCH_EVENTS:
        on, precision = _date(data["date"])
        amount = parse_amount(data["declared_total"])
        BatchEvent.objects.get_or_create(
            name=data["name"],
            date=on,
            defaults={
                "kind": data["kind"],
                "date_precision": precision,
                "place": data["place"],
                "unit_id": data["unit"],
                "declared_project_count": data["declared_project_count"],
                "declared_total_wan": amount.value_wan,
                "declared_total_qualifier": amount.qualifier.value,
                "source": sources[data["source"]],
            },
        )


def _clusters_and_indicators(sources) -> None:
    county = Region.objects.get(code="320582")
    for name, unit, target, qualifier, year in facts.CLUSTERS:
        cluster, _ = Cluster.objects.get_or_create(
            name=name, unit_id=unit, defaults={"source": sources[facts.SEED]}
        )
        Indicator.objects.get_or_create(
            code="cluster_output",
            cluster=cluster,
            period=str(year),
            kind="target",
            defaults={
                "name": f"{name}产值",
                "region_id": unit,
                "year": year,
                "value": Decimal(target),
                "unit_of_measure": "亿元",
                "qualifier": qualifier,
                "source": sources[facts.SEED],
            },
        )
    # an earlier demo stored the article's yearless 780亿 target as a 2023 target: take it back
    Indicator.objects.filter(
        code__in=[t[0] for t in facts.TARGETS_WITHOUT_YEAR],
        kind="target",
        note__startswith="年份按报道语境",
    ).delete()
    for code, name, period, kind, value, uom, qualifier, source, note in facts.INDICATORS:
        Indicator.objects.get_or_create(
            code=code,
            region=county,
            cluster=None,
            period=period,
            kind=kind,
            defaults={
                "name": name,
                "year": int(period[:4]),
                "value": Decimal(value),
                "unit_of_measure": uom,
                "qualifier": qualifier,
                "source": sources[source],
                "note": note,
            },
        )


def ensure_users(data_dir: Path, extra: list[tuple] | tuple = ()) -> list[tuple[str, str, str]]:
    """Create the demo users once (and `extra` ones, same shape as `DEMO_USERS`: a county's
    staff in a prefecture demo); their passwords live in the data folder (mode 600).

    Returns (username, password, description) for printing.
    """
    path = data_dir / "demo_users.json"
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    User = get_user_model()
    out = []
    for username, role, unit, label in [*DEMO_USERS, *extra]:
        user = User.objects.filter(username=username).first()
        password = known.get(username)
        if user is None or password is None:
            # a new demo user, or one whose password this folder never knew: set one
            password = secrets.token_urlsafe(9)
            if user is None:
                user = User(username=username, first_name=label[:150])
            user.is_staff = user.is_superuser = role == Role.CITY_ADMIN
            user.set_password(password)
            user.save()
            known[username] = password
        elif not user.check_password(password):
            # the user changed it: keep theirs, never reset it behind their back
            password = str(_("(changed by the user)"))
        if not user.email:
            # at example.org (reserved for examples, RFC 2606) under demo.: the weekly lead
            # digest has an address to go to (the console backend in the demo); a real
            # address someone set is kept
            User.objects.filter(pk=user.pk).update(email=DEMO_EMAIL.format(username))
        UserProfile.objects.update_or_create(user=user, defaults={"role": role, "unit_id": unit})
        out.append((username, password, label))
    from zhaoshang.core.datadir import write_private_text

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # clear-text passwords: 0600 from the first byte
    write_private_text(path, json.dumps(known, indent=2))
    return out


@transaction.atomic
def load_facts() -> None:
    User = get_user_model()
    loader = User.objects.filter(username="admin").first()
    sources = _sources()
    _chains(sources)
    _enterprises(sources)
    _projects(sources, loader)
    _lists_and_events(sources)
    _clusters_and_indicators(sources)
