"""Find a pattern's matches by trying it only where a match can start.

``Anchored(pattern).matches(text)`` is ``list(pattern.finditer(text))``, found faster for a
pattern of many keywords whose first characters are common in the text (``_KEYWORDS`` in
:mod:`.amounts`): Python's ``re`` would try the whole alternation at every such position.

At import the pattern is read (``re._parser``) for the first ``DEPTH`` characters of every way
it can match; each way names an *anchor*: its longest run of literal characters (two or more)
and the run's offset from the start of the match (``年度`` at 4 in ``\\d{4}年度计划投资``, of
which six characters are read). One Aho-Corasick pass finds the anchors in the text, each occurrence
gives one candidate start, and the pattern is tried at the candidates in order, resuming after
each match as ``finditer`` does. A match always holds the anchor of its way at its offset, so
none is missed. A pattern this reading does not cover (a way with no two literal characters in
a row near its start, flags, back references ...) is scanned plainly. Tested against
``finditer``.

Pure Python, no Django.
"""

from __future__ import annotations

import re

try:  # the parser of ``re`` (private; if a Python lacks it, patterns are scanned plainly)
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.11 has them
    sre = sre_parse = None

__all__ = ["Anchored"]

DEPTH = 6  # characters read from the start of each way of matching
_OTHER = object()  # a character that is not one known literal (a class, a category)
_MAX_WAYS = 20_000


class _Unsupported(Exception):
    pass


def _seq(items, k: int) -> set[tuple]:
    """The first ``k`` atoms of every way a sequence of parsed items can match."""
    out: set[tuple] = {()}
    for op, av in items:
        todo = {p for p in out if len(p) < k}
        if not todo:
            break
        ways = _item(op, av, k)
        out = {p for p in out if len(p) >= k} | {(p + w)[:k] for p in todo for w in ways}
        if len(out) > _MAX_WAYS:
            raise _Unsupported("too many ways")
    return out


def _item(op, av, k: int) -> set[tuple]:
    if op is sre.LITERAL:
        return {(chr(av),)}
    if op in (sre.NOT_LITERAL, sre.ANY):
        return {(_OTHER,)}
    if op is sre.IN:
        chars: set[str] = set()
        for o, v in av:
            if o is sre.LITERAL:
                chars.add(chr(v))
            elif o is sre.RANGE and v[1] - v[0] < 64:
                chars.update(map(chr, range(v[0], v[1] + 1)))
            else:  # a category (\d), a negation, a wide range: no literal here
                return {(_OTHER,)}
        return {(c,) for c in chars}
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, p = av
        if add_flags or del_flags:
            raise _Unsupported("flags")
        return _seq(p, k)
    if op is sre.ATOMIC_GROUP:
        return _seq(av, k)
    if op is sre.BRANCH:
        out: set[tuple] = set()
        for alternative in av[1]:
            out |= _seq(alternative, k)
        return out
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        lo, hi, p = av
        one = _seq(p, k)
        out = set()
        ways: set[tuple] = {()}
        for n in range(min(hi, max(lo, k)) + 1):
            if n >= lo:
                out |= ways
            ways = {(a + b)[:k] for a in ways for b in one}
        return out
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return {()}  # takes no character
    raise _Unsupported(str(op))


def anchors(pattern: re.Pattern[str]) -> dict[str, tuple[int, ...]] | None:
    """Anchor -> offsets from the match start; None if the pattern is not covered."""
    if sre_parse is None or pattern.flags & ~re.UNICODE or not isinstance(pattern.pattern, str):
        return None
    try:
        ways = _seq(sre_parse.parse(pattern.pattern, pattern.flags), DEPTH)
    except Exception:  # _Unsupported, or a parser that is not the one read here
        return None
    found: dict[str, set[int]] = {}
    for way in ways:
        # the longest run of literal characters (the earliest of equals): the longer the
        # anchor, the fewer places in the text it points to that are not matches
        best, run_start = (0, 0), None
        for i, atom in enumerate((*way, _OTHER)):
            if atom is _OTHER:
                if run_start is not None and i - run_start > best[0]:
                    best = (i - run_start, run_start)
                run_start = None
            elif run_start is None:
                run_start = i
        length, at = best
        if length < 2:
            return None  # this way has no anchor: it could start anywhere
        found.setdefault("".join(way[at : at + length]), set()).add(at)
    return {word: tuple(sorted(offsets)) for word, offsets in found.items()}


class Anchored:
    """``pattern``'s matches, tried only where an anchor says one may start."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.anchors = anchors(pattern)
        self.automaton = None
        if self.anchors:
            import ahocorasick

            self.automaton = ahocorasick.Automaton()
            for word, offsets in self.anchors.items():
                # the distances from the anchor's last character back to the match start
                self.automaton.add_word(word, tuple(len(word) - 1 + o for o in offsets))
            self.automaton.make_automaton()

    def matches(self, text: str) -> list[re.Match[str]]:
        if self.automaton is None:
            return list(self.pattern.finditer(text))
        starts = set()  # (one before 0, from an anchor near the start, is passed over below)
        for last, backs in self.automaton.iter(text):
            for back in backs:
                starts.add(last - back)
        out: list[re.Match[str]] = []
        match = self.pattern.match
        resume = 0  # every match is 2 characters or more (each way has an anchor)
        for at in sorted(starts):
            if at < resume:
                continue
            m = match(text, at)
            if m is not None:
                out.append(m)
                resume = m.end()
        return out
