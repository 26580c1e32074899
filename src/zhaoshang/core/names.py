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

from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from zhaoshang.lib.excel import normalise_name
from zhaoshang.lib.names import Names, PlaceNames, firm_key, fold

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
    """What changes when units, 区镇合一 pairs or aliases are added, removed or renamed (in
    another process too, where no signal tells this one): one query."""
    from zhaoshang.regions.models import Region, RegionAlias

    regions, aliases = Region._meta.db_table, RegionAlias._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {regions}), (SELECT COUNT(merged_with_id) FROM "
            f"{regions}), (SELECT COUNT(*) FROM {aliases}), (SELECT MAX(id) FROM {aliases}), "
            f"(SELECT SUM(LENGTH(alias)) FROM {aliases}), "
            f"(SELECT SUM(LENGTH(short_name)) FROM {regions}), "
            f"(SELECT SUM(LENGTH(name)) FROM {regions})"
        )
        row = cursor.fetchone()
    from zhaoshang.regions.home import home_code

    return (home_code(), *row)


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
        self._variants: dict[str, list[int]] | None = None

    # -- towns, sub-districts and parks ------------------------------------------------

    @property
    def units(self) -> PlaceNames[str]:
        if self._units is None:
            self._units, self.unit_names, self.unit_full = _shared(
                "units", _units_signature, self._load_units
            )
        return self._units

    def _load_units(self) -> tuple[PlaceNames[str], dict[str, str], dict[str, str]]:
        from zhaoshang.regions.home import home_code
        from zhaoshang.regions.models import Level, Region, RegionAlias

        home = home_code()  # the county, or the prefecture city or province configured
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
        # the home region's units first, then the province's: 凤凰镇 is ours
        for code, *_rest in townships:
            names.add(code, code, rank=0, shown=False)
        for code, name, short, _parent, _merged in townships:
            rank = 1 if code.startswith(home) else 3
            names.add(short or name, code, rank=rank)
            names.add(name, code, rank=rank)
        for code, alias, _parent in aliases:
            names.add(alias, code, rank=2 if code.startswith(home) else 4)
        for code, name, short, _parent, merged in townships:
            self.unit_names[code] = short or name
            self.unit_full[code] = name
            if merged:
                names.merged[code] = merged
        above: list[str] = []  # the home region and what holds it, up to the province
        code: str | None = home
        for _level in range(4):  # county, city, province: never more
            if not code:
                break
            row = Region.objects.filter(code=code).values_list("name", "parent_id").first()
            if row is None:
                break
            above.append(row[0])
            code = row[1]
        names.add_parents(above)
        return names, self.unit_names, self.unit_full

    def unit(self, text: Any) -> str | None:
        """The township unit's code, or None."""
        return self.units.find(text)

    def unit_in(self, text: Any) -> str | None:
        """The home region's unit named inside an address (锦丰镇沙洲西路 -> 锦丰镇)."""
        return self.units.find_in(text, max_rank=2)

    def unit_error(self, text: Any) -> str:
        shown = " ".join(str(text).split())
        return _suggestion(
            _("unknown township unit “%(value)s”") % {"value": shown},
            self.units.suggest(text, max_rank=2),  # the home region's units
        )

    # -- places anywhere in China (an enterprise's location) ---------------------------

    @property
    def places(self) -> _Places:
        return _shared("places", _units_signature, _Places.build)

    def place(self, text: Any) -> str | None:
        """A region's code at any level: a township unit as `unit` reads it first, then a
        county, city or province, written alone (南山区 when only one has that name) or
        with the units above it (广东省深圳市南山区, 深圳市南山区, 深圳南山)."""
        return self.unit(text) or self.places.find(text)

    def place_error(self, text: Any) -> str:
        shown = " ".join(str(text).split())
        several = self.places.ambiguous(text)
        if several:
            return _("“%(value)s” names several places; write one of %(names)s") % {
                "value": shown,
                "names": "、".join(f"“{n}”" for n in several[:5]),
            }
        near = self.units.suggest(text, max_rank=2) + self.places.names.suggest(text, max_rank=1)
        return _suggestion(_("unknown place “%(value)s”") % {"value": shown}, near[:3])

    def place_name(self, code: str | None) -> str:
        """The name a page shows for a region: 深圳市南山区, 锦丰镇, 上海市."""
        if not code:
            return ""
        if code in self.places.labels:
            return self.places.labels[code]
        self.units  # noqa: B018 - loads unit_names
        return self.unit_names.get(code, code)

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

    def enterprise_variant(self, text: Any) -> list[int]:
        """Enterprises whose name or alias is `text` written another way (`firm_key`: the
        legal form, a bracketed (中国), traditional characters), lowest id first. The table
        is read once per Lookup; `note_enterprise` adds the ones created since."""
        if self._variants is None:
            from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias

            self._variants = {}
            for pk, name in Enterprise.objects.order_by("pk").values_list("pk", "name"):
                self._variants.setdefault(firm_key(name), []).append(pk)
            for pk, alias in EnterpriseAlias.objects.order_by("enterprise_id").values_list(
                "enterprise_id", "alias"
            ):
                found = self._variants.setdefault(firm_key(alias), [])
                if pk not in found:
                    found.append(pk)
        return list(self._variants.get(firm_key(text), []))

    def note_enterprise(self, pk: int, name: str) -> None:
        """An enterprise registered after the variants were read (an import's own rows)."""
        if self._variants is not None:
            found = self._variants.setdefault(firm_key(name), [])
            if pk not in found:
                found.append(pk)

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


# What a county, city or province name ends with; 深圳 is 深圳市, 南山 is 南山区.
_PLACE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
                   "自治县", "地区", "新区", "省", "市", "区", "县", "盟", "旗")  # fmt: skip
# Placeholder names of the statistical divisions (a municipality's districts' "city").
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _place_stem(name: str) -> str:
    key = fold(name)
    for suffix in _PLACE_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[: -len(suffix)]
    return key


class _Places:
    """Counties, cities and provinces by every way of writing them: a name alone, its stem
    (深圳), and with the units above in front (广东省深圳市南山区, 深圳市南山区, 深圳南山). A name
    that several units share answers none of them (`ambiguous` lists their full names)."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[int, set[str]]] = {}
        self.labels: dict[str, str] = {}  # code -> 深圳市南山区
        self.full: dict[str, str] = {}  # code -> 广东省深圳市南山区
        self.names: Names[str] = Names()  # for suggestions

    def add(self, text: str, code: str, rank: int) -> None:
        key = fold(text)
        if len(key) < 2:
            return
        held = self.keys.get(key)
        if held is None or rank < held[0]:
            self.keys[key] = (rank, {code})
        elif rank == held[0]:
            held[1].add(code)

    @classmethod
    def build(cls) -> _Places:
        from zhaoshang.regions.models import Level, Region

        places = cls()
        rows = {
            code: (name, level, parent)
            for code, name, level, parent in Region.objects.filter(
                level__lte=Level.COUNTY
            ).values_list("code", "name", "level", "parent_id")
        }
        for code, (name, level, parent) in sorted(rows.items()):
            if name in _PLACEHOLDERS:
                continue
            chain = [name]
            up = parent
            while up in rows:
                chain.insert(0, rows[up][0])
                up = rows[up][2]
            chain = [n for n in chain if n not in _PLACEHOLDERS]
            places.full[code] = "".join(chain)
            places.labels[code] = "".join(chain[-2:]) if level == Level.COUNTY else chain[-1]
            own = chain[-1]
            places.add(code, code, 0)
            places.add(own, code, 1)
            places.add(_place_stem(own), code, 2)
            for start in range(len(chain) - 1):
                above = chain[start:-1]
                places.add("".join(above) + own, code, 0)
                places.add("".join(_place_stem(n) for n in above) + _place_stem(own), code, 0)
            places.names.add(places.full[code], code, rank=1)
        return places

    def _held(self, text: Any) -> set[str]:
        key = fold(text)
        held = self.keys.get(key) or self.keys.get(_place_stem(str(text)))
        return held[1] if held else set()

    def find(self, text: Any) -> str | None:
        codes = self._held(text)
        return next(iter(codes)) if len(codes) == 1 else None

    def ambiguous(self, text: Any) -> list[str]:
        codes = self._held(text)
        return sorted(self.full[c] for c in codes) if len(codes) > 1 else []
