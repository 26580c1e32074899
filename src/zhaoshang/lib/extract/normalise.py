"""Normalise Chinese news text for extraction, keeping a map back to the original offsets.

``normalise("總投(tóu)資３０６億元")`` gives ``总投资306亿元`` and, for every character of it, the
index of the character in the original it came from, so a span found in the normalised text
(``306亿元`` at 3..8) is shown on the original (``３０６億元`` at 9..14).

Steps, in order: full-width forms to half-width and odd spaces to plain ones (one character
for one); traditional to simplified with OpenCC ``t2s`` (one for one: where a phrase would
change length, that line is converted character by character); pinyin annotations that
mirror sites put inside words (``項(xiàng)目``) dropped; whitespace: a run holding a blank
line is a paragraph break (``\\n``), a tab or two spaces and more a cell break (``\\t``), a
single line break is kept after a sentence end, around tables and before list items, and
otherwise joins a hard-wrapped line to the next; other single spaces next to Chinese go.

Pure Python, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from zhaoshang.lib.textnorm import to_halfwidth

__all__ = ["Normalised", "normalise", "to_simplified"]

# Spaces that are not ASCII spaces, zero-width characters and carriage returns become a plain
# space (one for one), so the whitespace step below decides what they are.
_SPACES = dict.fromkeys(
    map(ord, "\u00a0\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff\r\f\v"), " "
)
# ... and the small full stop (U+FE52), a decimal point on some Hong Kong quote pages
# (174﹒44億元), a full stop.
_SPACES[ord("\ufe52")] = "."


def _width_and_spaces_table() -> dict[str, str]:
    """Every character that ``to_halfwidth`` then ``_SPACES`` changes, and what it becomes."""
    chars = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    mapped = to_halfwidth(chars).translate(_SPACES)
    return {a: b for a, b in zip(chars, mapped, strict=True) if a != b}


_WIDTH_AND_SPACES = _width_and_spaces_table()
_WIDTH_AND_SPACES_RE = re.compile("[" + "".join(map(re.escape, _WIDTH_AND_SPACES)) + "]")


def width_and_spaces(text: str) -> str:
    """``to_halfwidth(text).translate(_SPACES)``, faster on Chinese text.

    ``str.translate`` looks every character up in a dict; news text has only a handful of
    distinct characters to change (the full-width comma, colon, brackets, digits ...), so
    each is replaced in one C pass. One for one and no output is itself changed, so the
    order of the replacements does not matter (tested against the plain version).
    """
    for ch in set(_WIDTH_AND_SPACES_RE.findall(text)):
        text = text.replace(ch, _WIDTH_AND_SPACES[ch])
    return text


@lru_cache(maxsize=1)
def _converter():
    import opencc  # OpenCC's C++ converter: phrase-aware traditional -> simplified

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _char_t2s(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """Traditional to simplified, guaranteed one character for one."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    lines = text.split("\n")
    out = []
    for line in lines:
        c = _converter().convert(line)
        out.append(c if len(c) == len(line) else "".join(_char_t2s(ch) for ch in line))
    return "\n".join(out)


_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_SYLLABLE = rf"[a-z{_TONE}]{{1,6}}[1-5]?"
# A pinyin gloss right after a Chinese character: 項(xiàng)目, 投(tou2)资, 簽(qiān yuē)約.
_PINYIN = rf"(?<=[\u4e00-\u9fff])[(（]\s*{_SYLLABLE}(?:\s+{_SYLLABLE}){{0,3}}\s*[)）]"
_EDIT_PLAIN = rf"{_PINYIN}|\s+"
# The same matches (tested), written to open with a character class so that ``re`` skips
# from one space or bracket to the next in C: the class takes the first character, a
# lookbehind then checks it (a space, or a bracket after a Chinese character).
_EDIT = re.compile(
    rf"[\s(（](?:(?<=\s)\s*"
    rf"|(?<=[\u4e00-\u9fff][(（])\s*{_SYLLABLE}(?:\s+{_SYLLABLE}){{0,3}}\s*[)）])"
)

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef，。、；：？！“”‘’（）《》【】—…·]")
_SENTENCE_END = set('。！？!?；;：:」』”"）)】')
_LIST_START = re.compile(r"[(（]?[0-9一二三四五六七八九十]{1,3}[、.．)）]|[•·●◆■□▲\-*]")


@dataclass(frozen=True)
class Normalised:
    """The normalised ``text`` and ``offsets``: ``offsets[i]`` is the index in ``original`` of
    ``text[i]``; ``offsets[len(text)] == len(original)``."""

    original: str
    text: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalised ``text[start:end]`` (end exclusive)."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


def _line_around(s: str, at: int) -> tuple[str, str]:
    """The line ending at ``at`` (a newline position) and the line starting after the run."""
    before = s.rfind("\n", 0, at)
    prev_line = s[before + 1 : at]
    after = s.find("\n", at + 1)
    next_line = s[at + 1 : after if after >= 0 else len(s)]
    return prev_line, next_line


def _whitespace(s: str, start: int, end: int) -> str:
    """What a run of whitespace s[start:end] becomes: "", " ", "\\t" or "\\n"."""
    run = s[start:end]
    newlines = run.count("\n")
    prev = s[start - 1] if start > 0 else ""
    nxt = s[end] if end < len(s) else ""
    if not prev or not nxt:
        return ""
    if newlines >= 2:
        return "\n"
    if newlines == 1:
        prev_line, next_line = _line_around(s, start + run.index("\n"))
        prev_line, next_line = prev_line.strip(), next_line.strip()
        if (
            prev in _SENTENCE_END
            or "\t" in prev_line
            or "\t" in next_line
            or "  " in prev_line
            or "  " in next_line
            or len(prev_line) < 8
            or _LIST_START.match(next_line)
        ):
            return "\n"
        return ""  # a hard-wrapped line: join it to the next
    if "\t" in run:
        return "\t" * run.count("\t")  # table cells: keep empty ones, the columns count
    if len(run) >= 2:
        return "\t"
    if _CJK.match(prev) or _CJK.match(nxt):
        return ""
    return " "


# a full stop between the digits of an amount, as some mirrors write the decimal point
# (总投资57。6亿元); checked from the full stop, which ``re`` finds fast
_STOP_AS_POINT = re.compile(r"。(?<=\d。)(?=\d+(?:亿|万|元|%))")


# Numbers written digit by digit in Chinese characters, as Taiwan and some mainland papers do
# (一八三四亿元, 二○五七亿元, 一0五0万美元, 二.二兆元): read as Arabic digits, one character for
# one. Only before 万/亿/兆/元, only without 十百千 (those are the counting form, read by the
# amount rules), and only when the run cannot be an approximation such as 三四亿 ("three or
# four hundred million"): three digits or more, or a zero, an Arabic digit or a point in it.
_DIGIT_BY_DIGIT = re.compile(
    r"[〇○零一二三四五六七八九][〇○零一二三四五六七八九0-9]*"
    r"(?:\.[〇○零一二三四五六七八九0-9]+)?(?=[万亿兆元])"
)
_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


def _digits(m: re.Match[str]) -> str:
    run = m.group()
    if len(run) < 2 or (m.start() and m.string[m.start() - 1] in "十百千万亿兆点"):
        return run
    if len(run) < 3 and not any(c in run for c in "〇○零.0123456789"):
        return run
    if run[0] in "〇○零":
        return run  # a number does not start with a zero
    return run.translate(_CHINESE_DIGITS)


def digit_by_digit(s: str) -> str:
    """``s`` with Chinese numbers written digit by digit as Arabic ones (same length)."""
    return _DIGIT_BY_DIGIT.sub(_digits, s)


def normalise(original: str) -> Normalised:
    """Normalise ``original`` (see the module doc) and map every character back."""
    s = to_simplified(width_and_spaces(original))
    if "。" in s:
        s = _STOP_AS_POINT.sub(".", s)  # one character for one: the offsets hold
    s = digit_by_digit(s)
    pieces: list[str] = []
    offsets: list[int] = []
    index = list(range(len(s)))  # sliced below: no int is made twice
    pos = 0
    for m in _EDIT.finditer(s):
        a, b = m.span()
        if a > pos:
            pieces.append(s[pos:a])
            offsets += index[pos:a]
        if not m.group().isspace():  # a pinyin gloss: drop it
            pos = b
            continue
        repl = _whitespace(s, a, b)
        if repl:
            pieces.append(repl)
            offsets.extend([a] * len(repl))
        pos = b
    if pos < len(s):
        pieces.append(s[pos:])
        offsets += index[pos:]
    offsets.append(len(original))
    return Normalised(original, "".join(pieces), offsets)
