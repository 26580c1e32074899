"""Small text normalisation helpers shared by the parsers in :mod:`zhaoshang.lib`.

* :func:`to_halfwidth` maps full-width ASCII forms (``１５``, ``ＡＢ``, ``，``, ``．``, ``￥``) and
  the ideographic space to their half-width equivalents;
* :func:`collapse_whitespace` strips the ends, removes zero-width characters and folds every run
  of whitespace (including no-break and ideographic spaces) into one ASCII space;
* :func:`remove_whitespace` drops all whitespace;
* :func:`normalise_text` does :func:`to_halfwidth` then :func:`collapse_whitespace`.

Pure Python, no Django.
"""

from __future__ import annotations

__all__ = ["collapse_whitespace", "normalise_text", "remove_whitespace", "to_halfwidth"]

# U+FF01..U+FF5E are the full-width forms of U+0021..U+007E.
_HALFWIDTH: dict[int, int] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20  # ideographic space
# Full-width signs: ￠ ￡ ￢ ￣ ￤ ￥ ￦
_HALFWIDTH.update(
    {0xFFE0: 0xA2, 0xFFE1: 0xA3, 0xFFE2: 0xAC, 0xFFE3: 0xAF, 0xFFE4: 0xA6, 0xFFE5: 0xA5}
)
_HALFWIDTH[0xFFE6] = 0x20A9  # ￦ -> ₩

_ZERO_WIDTH: dict[int, None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


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
