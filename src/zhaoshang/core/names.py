"""The one name resolver: towns, industries, chains and firms as people write them.

`Lookup` reads the reference tables (`lib.names` holds the rules) and answers every face:
the project form, the API, the admin, the Excel import, the filters and the other apps.
A form or an API call builds one for its request (a few small tables, read when first
asked); an import builds one and preloads the enterprise registry
(``Lookup(preload_enterprises=True)``), so 10^5 rows are resolved in memory by the same
rules.

    names = Lookup()
    names.unit("保税区(金港街道)")      # -> "320582403"
    names.unit_error("锦峰镇")          # -> 'unknown township unit “锦峰镇”; did you mean 锦丰镇?'
    names.industry("锂离子电池制造")     # -> "3841"
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from zhaoshang.lib.excel import normalise_name
from zhaoshang.lib.names import Names, PlaceNames, fold

# A chain is also written with what names a chain in general after its own name.
_CHAIN_SUFFIXES = ("产业链", "产业集群", "产业", "链", "chain", "industry")


def _suggestion(message: str, names: list[str]) -> str:
    if not names:
        return message
    return _("%(message)s; did you mean %(names)s?") % {
        "message": message,
        "names": "、".join(f"“{n}”" for n in names),
    }


# The units and industries tables, built once per process (about 10^4 names, a quarter of
# a second to fold) and built again when the rows change: the signature is read each time
# a Lookup first needs a table (one small query), so another process's edit is seen too.
_SHARED: dict[str, tuple[Any, Any]] = {}
_SHARED_LOCK = threading.Lock()


def _shared(kind: str, signature, build):
    sign = signature()
    with _SHARED_LOCK:
        held = _SHARED.get(kind)
        if held is not None and held[0] == sign:
            return held[1]
    built = build()
    with _SHARED_LOCK:
        _SHARED[kind] = (sign, built)
    return built


def _units_signature() -> tuple:
    """What changes when units, 区镇合一 pairs or aliases are added or removed: one query."""
    from zhaoshang.regions.models import Region, RegionAlias

    regions, aliases = Region._meta.db_table, RegionAlias._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {regions}), (SELECT COUNT(merged_with_id) FROM "
            f"{regions}), (SELECT COUNT(*) FROM {aliases}), (SELECT MAX(id) FROM {aliases}), "
            f"(SELECT SUM(LENGTH(alias)) FROM {aliases}), "
            f"(SELECT SUM(LENGTH(short_name)) FROM {regions})"
        )
        row = cursor.fetchone()
    return (settings.ZHAOSHANG_HOME_COUNTY, *row)


def forget(**_kwargs: Any) -> None:
    """Drop the shared tables (a unit, alias or industry was saved or deleted here)."""
    with _SHARED_LOCK:
        _SHARED.clear()


for _sender in ("regions.Region", "regions.RegionAlias", "industries.Industry"):
    post_save.connect(forget, sender=_sender, dispatch_uid=f"names-{_sender}-save")
    post_delete.connect(forget, sender=_sender, dispatch_uid=f"names-{_sender}-delete")


def _industries_signature() -> tuple:
    from zhaoshang.industries.models import Industry

    return tuple(Industry.objects.aggregate(n=Count("pk"), last=Max("pk")).values())


class Lookup:
    """Names of towns, industries, chains and enterprises -> their keys (codes, ids)."""

    def __init__(self, *, preload_enterprises: bool = False) -> None:
        self._units: PlaceNames[str] | None = None
        self._industries: Names[str] | None = None
        self._chains: Names[int] | None = None
        self._enterprises: Names[int] | None = None
        self.preload_enterprises = preload_enterprises
        self.unit_names: dict[str, str] = {}  # code -> the name shown (short name first)
        self.unit_full: dict[str, str] = {}
        self.industry_str: dict[str, str] = {}
        self.chain_names: dict[int, str] = {}
        self.enterprise_names: dict[int, str] = {}

    # -- towns, sub-districts and parks ------------------------------------------------

    @property
    def units(self) -> PlaceNames[str]:
        if self._units is None:
            self._units, self.unit_names, self.unit_full = _shared(
                "units", _units_signature, self._load_units
            )
        return self._units

    def _load_units(self) -> tuple[PlaceNames[str], dict[str, str], dict[str, str]]:
        from zhaoshang.regions.models import Level, Region, RegionAlias

        home = settings.ZHAOSHANG_HOME_COUNTY
        names: PlaceNames[str] = PlaceNames()
        townships = list(
            Region.objects.filter(level=Level.TOWNSHIP)
            .order_by("code")
            .values_list("code", "name", "short_name", "parent_id", "merged_with_id")
        )
        aliases = list(
            RegionAlias.objects.filter(region__level=Level.TOWNSHIP)
            .order_by("region_id", "id")
            .values_list("region_id", "alias", "region__parent_id")
        )
        # the home county's units first, then the province's: 凤凰镇 is ours
        for code, *_rest in townships:
            names.add(code, code, rank=0, shown=False)
        for code, name, short, parent, _merged in townships:
            rank = 1 if parent == home else 3
            names.add(short or name, code, rank=rank)
            names.add(name, code, rank=rank)
        for code, alias, parent in aliases:
            names.add(alias, code, rank=2 if parent == home else 4)
        for code, name, short, _parent, merged in townships:
            self.unit_names[code] = short or name
            self.unit_full[code] = name
            if merged:
                names.merged[code] = merged
        above: list[str] = []
        county = Region.objects.filter(code=home).values_list("name", "parent_id").first()
        if county is not None:
            above.append(county[0])
            city = Region.objects.filter(code=county[1]).values_list("name", "parent_id").first()
            if city is not None:
                above.append(city[0])
                province = Region.objects.filter(code=city[1]).values_list("name").first()
                if province is not None:
                    above.append(province[0])
        names.add_parents(above)
        return names, self.unit_names, self.unit_full

    def unit(self, text: Any) -> str | None:
        """The township unit's code, or None."""
        return self.units.find(text)

    def unit_in(self, text: Any) -> str | None:
        """The home county's unit named inside an address (锦丰镇沙洲西路 -> 锦丰镇)."""
        return self.units.find_in(text, max_rank=2)

    def unit_error(self, text: Any) -> str:
        shown = " ".join(str(text).split())
        return _suggestion(
            _("unknown township unit “%(value)s”") % {"value": shown},
            self.units.suggest(text, max_rank=2),  # the home county's units
        )

    # -- industries (GB/T 4754-2017) -------------------------------------------------

    @property
    def industries(self) -> Names[str]:
        if self._industries is None:
            self._industries, self.industry_str = _shared(
                "industries", _industries_signature, self._load_industries
            )
        return self._industries

    def _load_industries(self) -> tuple[Names[str], dict[str, str]]:
        from zhaoshang.industries.models import Industry

        names: Names[str] = Names()
        rows = list(Industry.objects.values_list("code", "name", "section"))
        for code, name, section in rows:
            names.add(code, code, rank=0, shown=False)
            if section and len(code) > 1:
                names.add(f"{section}{code}", code, rank=0, shown=False)
            self.industry_str[code] = f"{code} {name}"
        # a name shared by a group and its class means the class (the finer code)
        for code, name, _section in sorted(rows, key=lambda r: -len(r[0])):
            names.add(name, code, rank=10 - len(code))
            names.add(f"{code}{name}", code, rank=0, shown=False)
        return names, self.industry_str

    def industry(self, text: Any) -> str | None:
        found = self.industries.find(text)
        if found is None:
            head = str(text).split()
            if len(head) > 1:  # "3841 锂离子电池制造（含储能）": the code decides
                found = self.industries.find(head[0])
        return found

    def industry_error(self, text: Any) -> str:
        shown = " ".join(str(text).split())
        return _suggestion(
            _("unknown GB/T 4754-2017 industry code “%(value)s”") % {"value": shown},
            self.industries.suggest(text),
        )

    # -- industrial chains -------------------------------------------------------------

    @property
    def chains(self) -> Names[int]:
        if self._chains is None:
            from zhaoshang.chains.models import Chain

            names: Names[int] = Names()
            for pk, code, name, name_en in Chain.objects.order_by("order", "pk").values_list(
                "pk", "code", "name", "name_en"
            ):
                self.chain_names[pk] = name
                names.add(name, pk, rank=0)
                names.add(code, pk, rank=0, shown=False)
                if name_en:
                    names.add(name_en, pk, rank=1, shown=False)
            for pk, name in list(self.chain_names.items()):
                key = fold(name)
                for suffix in _CHAIN_SUFFIXES:
                    names.add(f"{key}{suffix}", pk, rank=2, shown=False)
            self._chains = names
        return self._chains

    def chain(self, text: Any) -> int | None:
        return self.chains.find(text)

    def chain_error(self, text: Any) -> str:
        shown = " ".join(str(text).split())
        return _suggestion(
            _("unknown industrial chain “%(value)s”") % {"value": shown},
            self.chains.suggest(text),
        )

    # -- enterprises -------------------------------------------------------------------

    def enterprise(self, text: Any) -> int | None:
        """An enterprise's id by name, credit code or alias (any spelling of them)."""
        if isinstance(text, int) and not isinstance(text, bool):
            return text if self._enterprise_exists(text) else None
        if self.preload_enterprises:
            if self._enterprises is None:
                self._enterprises = self._load_enterprises()
            return self._enterprises.find(str(text).strip().upper()) or self._enterprises.find(text)
        return self._query_enterprise(str(text))

    def _enterprise_exists(self, pk: int) -> bool:
        from zhaoshang.enterprises.models import Enterprise

        name = Enterprise.objects.filter(pk=pk).values_list("name", flat=True).first()
        if name is not None:
            self.enterprise_names[pk] = name
        return name is not None

    def _load_enterprises(self) -> Names[int]:
        from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias

        names: Names[int] = Names()
        for pk, name, credit in Enterprise.objects.order_by("pk").values_list(
            "pk", "name", "credit_code"
        ):
            names.add(name, pk, rank=0, shown=False)
            if credit:
                names.add(credit.upper(), pk, rank=0, shown=False)
            self.enterprise_names[pk] = name
        for pk, alias in EnterpriseAlias.objects.order_by("pk").values_list(
            "enterprise_id", "alias"
        ):
            names.add(alias, pk, rank=1, shown=False)
        return names

    def _query_enterprise(self, text: str) -> int | None:
        """One form's investors: ask the database for the spellings a fold can mean."""
        from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias

        raw = text.strip()
        if not raw:
            return None
        forms = {raw, normalise_name(raw), " ".join(raw.split())}
        for form in list(forms):
            forms |= {form.replace("(", "（").replace(")", "）"),
                      form.replace("（", "(").replace("）", ")")}  # fmt: skip
        key = fold(raw)
        rows = list(
            Enterprise.objects.filter(Q(name__in=forms) | Q(credit_code=raw.upper()))
            .order_by("pk")
            .values_list("pk", "name", "credit_code")
        )
        for pk, name, credit in rows:
            if fold(name) == key or (credit and credit.upper() == raw.upper()):
                self.enterprise_names[pk] = name
                return pk
        aliased = (
            EnterpriseAlias.objects.filter(alias__in=forms)
            .order_by("pk")
            .values_list("enterprise_id", "enterprise__name")
            .first()
        )
        if aliased is not None:
            self.enterprise_names[aliased[0]] = aliased[1]
            return aliased[0]
        return None
