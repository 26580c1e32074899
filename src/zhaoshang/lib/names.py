"""Names as clerks and newspapers write them, resolved to one thing each (pure, no Django).

One resolver for towns, industries, chains and firms: the apps hand it their tables as
plain data (`core.names` does, from the database) and every path asks it the same way, so
a town written ``錦豐鎮``, ``锦丰 镇``, ``锦丰``, ``张家港市锦丰镇`` or ``冶金工业园(锦丰镇)`` is
one decision whether it comes from a form, the API or a 100,000-row workbook.

What every name goes through (:func:`fold`, which is :func:`zhaoshang.lib.excel.name_key`):
traditional characters made simplified, full-width forms half-width, every space and
zero-width character out, bracket styles made one (``（）【】[]`` -> ``()``), lower case.

Places have rules on top (:class:`PlaceNames`):

* the names of the place's parents in front are left out (``江苏省张家港市杨舍镇`` -> ``杨舍镇``);
* an office's suffix is left out (``锦丰镇人民政府``, ``保税区管委会``);
* a name without its suffix is the unit with it (``锦丰`` -> ``锦丰镇``, ``金港镇`` -> ``金港街道``
  when no other unit answers to it);
* two names joined, ``A(B)``, ``A/B``, ``A、B``, are one unit when A and B are the same unit,
  the two halves of a 区镇合一 pair (``保税区(金港街道)``: the first, A, is kept), or a unit and
  one of its parents (``锦丰镇(张家港)``).

Aliases (former names such as 金港镇, a zone's short forms) are data: the caller adds them.
Lower ranks win (the home county's units before the rest of the province); within a rank the
first added wins. An unknown name gets up to three suggestions (:meth:`Names.suggest`).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from zhaoshang.lib.excel import name_key

__all__ = ["Names", "PlaceNames", "firm_key", "fold"]

V = TypeVar("V", bound=Hashable)


def fold(text: object) -> str:
    """The form two spellings of one name share: ``fold("錦豐 鎮（張家港）") == "锦丰镇(张家港)"``."""
    return name_key(str(text if text is not None else ""))


# The legal form at the end of a firm's name, longest first (after `fold`): 盛虹控股集团 and
# 盛虹控股集团有限公司 are one firm written twice.
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司")
# The same, written in Latin letters after a space or a comma (checked before `fold`).
_LATIN_FORM = re.compile(
    r"[\s,.]+(co\.?,?\s*ltd\.?|company\s+limited|ltd\.?|limited|inc\.?|gmbh|ag|corp\.?|"
    r"corporation|llc|plc|s\.a\.)$",
    re.IGNORECASE,
)
# The country a subsidiary names in brackets: 采埃孚（中国）投资 is 采埃孚投资 written longer.
_COUNTRY_MARKS = ("(中国)", "(china)")


def firm_key(name: object) -> str:
    """The form two spellings of one firm share, one step coarser than :func:`fold`: the
    legal form at the end and a bracketed (中国) left out, traditional characters simplified.

    >>> firm_key("信義光能（中國）控股有限公司") == firm_key("信义光能控股")
    True

    Used to find a firm already registered under a variant of its name; a name that would
    be left with fewer than two characters keeps its fold.
    """
    text = str(name if name is not None else "").strip()
    text = _LATIN_FORM.sub("", text)
    key = fold(text)
    for mark in _COUNTRY_MARKS:
        key = key.replace(mark, "")
    stripped = True
    while stripped:
        stripped = False
        for form in _LEGAL_FORMS:
            if key.endswith(form) and len(key) - len(form) >= 2:
                key = key[: -len(form)]
                stripped = True
                break
    return key if len(key) >= 2 else fold(name)


class Names(Generic[V]):
    """Names (and codes) of one kind of thing -> the thing's key, after :func:`fold`."""

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[int, V]] = {}
        self._shown: dict[V, str] = {}  # the name a suggestion shows for each value

    def add(self, text: object, value: V, *, rank: int = 0, shown: bool = True) -> None:
        """`text` names `value`; a name already taken at a lower or equal rank stays."""
        key = fold(text)
        if not key:
            return
        held = self._by_key.get(key)
        if held is None or rank < held[0]:
            self._by_key[key] = (rank, value)
        if shown and value not in self._shown:
            self._shown[value] = str(text).strip()

    def find(self, text: object) -> V | None:
        held = self._by_key.get(fold(text))
        return None if held is None else held[1]

    def __len__(self) -> int:
        return len(self._shown)

    def suggest(
        self, text: object, *, limit: int = 3, cutoff: float = 60, max_rank: int | None = None
    ) -> list[str]:
        """The names most like `text`, best first, for "是否为…？" (rapidfuzz's ratio over the
        folded names; only names of rank <= `max_rank` when given). A code (digits only)
        gets none: a near number is not a near meaning."""
        key = fold(text)
        if not key or key.isdigit():
            return []
        keys = [
            k
            for k, (rank, _v) in self._by_key.items()
            if (max_rank is None or rank <= max_rank) and not k.isdigit()
        ]
        found = process.extract(key, keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=cutoff)
        out: list[str] = []
        for match, _score, _index in found:
            name = self._shown.get(self._by_key[match][1])
            if name and name not in out:
                out.append(name)
            if len(out) == limit:
                break
        return out


# An office of a place, not a place: "锦丰镇人民政府" is 锦丰镇.
_OFFICES = ("人民政府", "管理委员会", "管委会", "办事处", "政府")
# What a township-level name ends with; "锦丰" is "锦丰镇", "金港镇" may be "金港街道".
_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "办事处")
# Two names of one place written together: A(B), A/B, A、B, A|B.
_PAIR = re.compile(
    r"^(?P<a>[^()/、|]+)\((?P<b>[^()]+)\)$|^(?P<c>[^()/、|]+)[/、|](?P<d>[^()/、|]+)$"
)


class PlaceNames(Names[V]):
    """Township-level units, with the rules of places (see the module's docstring).

    `merged` holds the 区镇合一 pairs both ways; `parents` the names of the units above
    (the home county, its city and province, with and without 市/省), which may stand in
    front of a name or beside it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._stems: dict[str, dict[int, set[V]]] = {}
        self.merged: dict[V, V] = {}
        self._parents: list[str] = []
        self._words: dict[int, list[tuple[str, V]]] = {}

    def add(self, text: object, value: V, *, rank: int = 0, shown: bool = True) -> None:
        super().add(text, value, rank=rank, shown=shown)
        self._words.clear()
        key = fold(text)
        stem = _stem(key)
        if stem != key and len(stem) >= 2:
            self._stems.setdefault(stem, {}).setdefault(rank, set()).add(value)

    def add_parents(self, names: Iterable[str]) -> None:
        """Names of the units above the home county's townships (张家港市, 苏州市, 江苏省)."""
        for text in names:
            key = fold(text)
            for form in {key, _stem_parent(key)}:
                if len(form) >= 2 and form not in self._parents:
                    self._parents.append(form)
        self._parents.sort(key=len, reverse=True)

    def find(self, text: object) -> V | None:
        key = fold(text)
        if not key:
            return None
        return self._find_key(key, depth=0)

    def _find_key(self, key: str, depth: int) -> V | None:
        held = self._by_key.get(key)
        if held is not None:
            return held[1]
        for candidate in self._forms(key):
            held = self._by_key.get(candidate)
            if held is not None:
                return held[1]
            found = self._by_stem(candidate)
            if found is not None:
                return found
        if depth == 0:
            return self._pair(key)
        return None

    def _forms(self, key: str) -> list[str]:
        """`key` without parents in front and without an office's suffix, in that order."""
        forms = [key]
        rest = key
        stripped = True
        while stripped:
            stripped = False
            for parent in self._parents:
                if rest.startswith(parent) and len(rest) > len(parent):
                    rest = rest[len(parent) :]
                    forms.append(rest)
                    stripped = True
                    break
        for form in list(forms):
            for office in _OFFICES:
                if form.endswith(office) and len(form) > len(office):
                    forms.append(form[: -len(office)])
        return forms

    def _by_stem(self, key: str) -> V | None:
        stem = _stem(key)
        if len(stem) < 2:
            return None
        by_rank = self._stems.get(stem)
        if not by_rank:
            return None
        values = by_rank[min(by_rank)]
        if len(values) > 1:
            return None  # two units of that rank share the stem: not ours to choose
        return next(iter(values))

    def _pair(self, key: str) -> V | None:
        m = _PAIR.match(key)
        if m is None:
            return None
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
        first, second = self._find_key(a, 1), self._find_key(b, 1)
        if first is not None and second is not None:
            if first == second or self.merged.get(first) == second:
                return first
            return None
        if first is not None and self._is_parent(b):
            return first
        if second is not None and self._is_parent(a):
            return second
        return None

    def find_in(self, text: object, *, max_rank: int) -> V | None:
        """The unit whose name (of rank <= `max_rank`) stands inside `text`, longest name
        first: an address such as ``锦丰镇沙洲西路8号`` is in 锦丰镇."""
        key = fold(text)
        words = self._words.get(max_rank)
        if words is None:
            words = self._words[max_rank] = sorted(
                ((k, v) for k, (rank, v) in self._by_key.items()
                 if rank <= max_rank and len(k) >= 2 and not k.isdigit()),
                key=lambda kv: -len(kv[0]),
            )  # fmt: skip
        for word, value in words:
            if word in key:
                return value
        return None

    def _is_parent(self, key: str) -> bool:
        return any(key == p for p in self._parents)


def _stem(key: str) -> str:
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def _stem_parent(key: str) -> str:
    for suffix in ("省", "市", "县", "区"):
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key
