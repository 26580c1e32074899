"""Small text normalisation helpers shared by the parsers in :mod:`zhaoshang.lib`.

* :func:`to_halfwidth` maps full-width ASCII forms (``１５``, ``ＡＢ``, ``，``, ``．``, ``￥``) and
  the ideographic space to their half-width equivalents;
* :func:`collapse_whitespace` strips the ends, removes zero-width characters and folds every run
  of whitespace (including no-break and ideographic spaces) into one ASCII space;
* :func:`remove_whitespace` drops all whitespace;
* :func:`normalise_text` does :func:`to_halfwidth` then :func:`collapse_whitespace`;
* :func:`strip_invisible` drops zero-width characters and the byte-order mark (U+200B, U+200C,
  U+200D, U+2060, U+FEFF), which a copy from a web page or a UTF-8 file with a BOM leaves
  in names and codes, where nobody can see or mean them;
* :func:`forbidden_character` finds the first character no stored text may hold: C0 and C1
  control characters (NUL, ESC, DEL ...; tab, line feed and carriage return are allowed),
  lone surrogates, and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
  U+2066–U+2069) that make a text display in another order than it is stored.

Pure Python, no Django.
"""

from __future__ import annotations

import re

__all__ = [
    "collapse_whitespace",
    "forbidden_character",
    "normalise_text",
    "remove_whitespace",
    "strip_invisible",
    "to_halfwidth",
]

# U+FF01..U+FF5E are the full-width forms of U+0021..U+007E.
_HALFWIDTH: dict[int, int] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20  # ideographic space
# Full-width signs: ￠ ￡ ￢ ￣ ￤ ￥ ￦
_HALFWIDTH.update(
    {0xFFE0: 0xA2, 0xFFE1: 0xA3, 0xFFE2: 0xAC, 0xFFE3: 0xAF, 0xFFE4: 0xA6, 0xFFE5: 0xA5}
)
_HALFWIDTH[0xFFE6] = 0x20A9  # ￦ -> ₩

_ZERO_WIDTH: dict[int, None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def to_halfwidth(text: str) -> str:
    """Return ``text`` with full-width ASCII forms and the ideographic space made half-width."""
    return text.translate(_HALFWIDTH)


def collapse_whitespace(text: str) -> str:
    """Strip, drop zero-width characters and fold whitespace runs into single spaces."""
    return " ".join(text.translate(_ZERO_WIDTH).split())


def remove_whitespace(text: str) -> str:
    """Drop every whitespace and zero-width character."""
    return "".join(text.translate(_ZERO_WIDTH).split())


def normalise_text(text: str) -> str:
    """Half-width then whitespace-collapsed version of ``text``."""
    return collapse_whitespace(to_halfwidth(text))


def strip_invisible(text: str) -> str:
    """``text`` without zero-width characters and byte-order marks.

    >>> strip_invisible("\ufeff信义\u200b光能")
    '信义光能'
    """
    return text.translate(_ZERO_WIDTH)


def forbidden_character(text: str) -> str | None:
    """The first control, lone-surrogate or bidi-override character of ``text``, else None.

    >>> forbidden_character("A\x1bB"), forbidden_character("第一行\n第二行")
    ('\x1b', None)
    """
    found = _FORBIDDEN.search(text)
    return None if found is None else found.group()
