"""The home region: the county, prefecture city or province this installation serves.

It is configuration (`ZHAOSHANG_HOME_REGION`, a region code or name; 张家港市 by default)
and every page, figure and rule that needs it asks here:

- `home_region()`: the configured unit (a county, a prefecture city or a province);
- `units_under(code)`: the unit and every unit below it, the one rule for "projects of
  this county / city / province" (a division code starts with its parent's code:
  江苏省 32, 苏州市 3205, 张家港市 320582, 锦丰镇 320582103);
- `region_levels(code)`: the breadcrumb from the home region down to a unit;
- `children_level(region)`: the level one step below (the roll-up and the 赛马 rows).

>>> home_region().name, home_region().level        # the default
('张家港市', 3)
>>> sorted(units_under("320582"))[:2]
['320582', '320582001']
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from zhaoshang.regions.models import Level, Region

# how many digits of a division code name the unit at each level
CODE_WIDTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9}


def _setting() -> str:
    return str(getattr(settings, "ZHAOSHANG_HOME_REGION", "") or settings.ZHAOSHANG_HOME_COUNTY)


def home_region() -> Region:
    """The configured home region (code or name, e.g. 320582, 苏州市, 江苏省).

    Raises ImproperlyConfigured, naming the value, when it is no county, prefecture city
    or province, or when a name fits several (write the code then)."""
    return _home_region(_setting())


@functools.lru_cache(maxsize=8)
def _home_region(value: str) -> Region:
    text = value.strip()
    above_towns = Region.objects.filter(level__lte=Level.COUNTY)
    found = list(above_towns.filter(code=text)) or list(
        above_towns.filter(Q(name=text) | Q(short_name=text)).exclude(name="市辖区")
    )
    if len(found) != 1:
        reason = "is no county, prefecture city or province" if not found else "is ambiguous"
        raise ImproperlyConfigured(
            f"ZHAOSHANG_HOME_REGION={value!r} {reason}; give a division code "
            "(e.g. 320582 for 张家港市, 3205 for 苏州市, 32 for 江苏省)."
        )
    return found[0]


def home_code() -> str:
    return home_region().code


def is_multi_county() -> bool:
    """True when the home region is a prefecture city or a province (several counties)."""
    return home_region().level < Level.COUNTY


def home_county_code() -> str:
    """The county of the single-county pages (town lists, project code prefixes): the home
    region when it is a county, else `ZHAOSHANG_HOME_COUNTY` (the seat county)."""
    home = home_region()
    return home.code if home.level == Level.COUNTY else settings.ZHAOSHANG_HOME_COUNTY


def township_units(user=None):
    """The township units a unit picker or a unit filter offers, by code: those of the home
    region, or of the county (city) `user` is confined to (`core.access.region_of`)."""
    return Region.objects.filter(level=Level.TOWNSHIP, code__startswith=_within(user)).order_by(
        "code"
    )


def regions_within(user=None):
    """The cities and counties between the home region and its township units, by code
    (none in a county installation): the home region's, or those under the county (city)
    `user` is confined to."""
    return Region.objects.filter(
        code__startswith=_within(user), level__gt=home_region().level, level__lt=Level.TOWNSHIP
    ).order_by("code")


def _within(user) -> str:
    """The code of what `user` sees: the county (city) it is confined to, else the home
    region."""
    from zhaoshang.core.access import region_of  # core.access asks here lazily too

    return (region_of(user) if user is not None else None) or home_code()


def county_of(unit_code: str | None) -> str:
    """The county code a project of unit `unit_code` belongs to (its code's first six
    digits); the home county when the unit is unknown or above county level (a project of
    the city as a whole)."""
    code = child_code(unit_code, Level.COUNTY) if unit_code else None
    return code if code and len(code) == CODE_WIDTH[Level.COUNTY] else home_county_code()


def contains(outer: str, inner: str | None) -> bool:
    """Whether unit `inner` is `outer` or lies below it (`units_under`'s rule on codes)."""
    return bool(inner) and str(inner).startswith(outer)


@functools.lru_cache(maxsize=256)
def units_under(code: str) -> frozenset[str]:
    """`code` and every unit below it: the scope of a county, city or province.

    Division data is reference data loaded once (regions migration 0002); kept per
    process."""
    return frozenset(Region.objects.filter(code__startswith=code).values_list("code", flat=True))


def within_home(code: str) -> bool:
    return contains(home_code(), code)


def find_region(text: str) -> Region | None:
    """A county, prefecture city or province in the home region by code or name (苏州市,
    常熟市, 3205); None when unknown or outside the home region."""
    text = " ".join(str(text or "").split())
    if not text or "\x00" in text:  # no name holds a NUL (PostgreSQL refuses one in a query)
        return None
    qs = Region.objects.filter(level__lte=Level.COUNTY, code__startswith=home_code())
    found = qs.filter(code=text).first()
    if found is None:
        matches = list(qs.filter(Q(name=text) | Q(short_name=text))[:2])
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        return None
    home = home_region()
    return found if found.level >= home.level else None


def children_level(region: Region) -> int:
    """The level of the rows one step below `region` (province → cities → counties →
    township units)."""
    return min(region.level + 1, Level.TOWNSHIP)


def child_code(code: str | None, level: int) -> str | None:
    """The code of the unit at `level` that holds unit `code` (None for no unit; a unit
    above `level` stays itself: a project entered for the county stays the county's)."""
    if not code:
        return None
    return code[: CODE_WIDTH[Level(level)]] if len(code) > CODE_WIDTH[Level(level)] else code


def children_of(region: Region) -> list[Region]:
    """The units one level below `region` (cities, counties or township units), by code."""
    return list(
        Region.objects.filter(parent_id=region.code, level=children_level(region)).order_by("code")
    )


def region_levels(code: str) -> list[Region]:
    """The breadcrumb from the home region down to `code` (both included), e.g. 苏州市 →
    张家港市 → 锦丰镇; [home] when `code` is the home region or outside it."""
    home = home_region()
    if not contains(home.code, code):
        return [home]
    widths = [w for level, w in CODE_WIDTH.items() if level >= home.level and w <= len(code)]
    codes = [code[:w] for w in widths]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def clear() -> None:
    """Forget the kept look-ups (tests that change the setting or the units)."""
    _home_region.cache_clear()
    units_under.cache_clear()
