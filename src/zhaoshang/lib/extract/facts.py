"""Dates, places, companies, projects and batches in normalised text.

Works on the output of :mod:`.normalise` and the amounts of :mod:`.amounts`; everything here
indexes the normalised text. See :func:`zhaoshang.lib.extract.extract` for the whole.

Pure Python, no Django.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from .amounts import Amount, starting_with

# --------------------------------------------------------------------------------------------
# Text structure
# --------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。！？!?;；\n]")


def sentences(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _index_of(bounds: list[tuple[int, int]], at: int) -> int:
    for i, (a, b) in enumerate(bounds):
        if a <= at <= b:
            return i
    return len(bounds) - 1


def _index_in(bounds: list[tuple[int, int]], starts: list[int], at: int) -> int:
    """``_index_of(bounds, at)`` by bisection, for bounds in order that do not overlap
    (``starts`` their starts); tested against it."""
    i = bisect.bisect_right(starts, at) - 1
    if i < 0 or at > bounds[i][1]:
        return len(bounds) - 1
    return i


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A date known to the day, the month or the year; str() gives 2023-01-31, 2023-01, 2023."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def after(self, other: When) -> bool:
        """Strictly later, compared at the coarser precision."""
        n = min(
            len([x for x in (self.month, self.day) if x]),
            len([x for x in (other.month, other.day) if x]),
        )
        return self.key()[: n + 1] > other.key()[: n + 1]


_DATE = starting_with(
    r"\d今去明本上昨当日近前",
    r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?(?P<part>初|上旬|中旬|下旬|底|末)?)?"
    r"|(?P<y2>\d{4})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})"
    r"|(?P<rel>今年|去年|明年|本年|上年)(?:(?P<rm>\d{1,2})月(?:(?P<rd>\d{1,2})日)?)?"
    r"|本月(?P<bd>\d{1,2})日"
    r"|(?<![\d年])(?P<m3>\d{1,2})月(?:(?P<d3>\d{1,2})日|(?P<part3>初|上旬|中旬|下旬|底|末)|(?=[,，的]))"
    r"|(?P<word>昨日|昨天|今天|今日|当天|当日|日前|近日|前日)"
    r"|(?<![\d月年])(?P<d4>\d{1,2})日(?=[,，在上下电举召宣正签开])",
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    when: When | None
    vague: bool = False  # 日前, 近日, a bare year


def _valid(y: int, m: int | None, d: int | None) -> When | None:
    try:
        datetime.date(y, m or 1, d or 1)
    except ValueError:
        return None
    return When(y, m, d) if 1950 <= y <= 2100 else None


def find_dates(text: str, reference: When | None) -> list[DateMention]:
    out: list[DateMention] = []
    last: When | None = None
    for m in _DATE.finditer(text):
        g = m.groupdict()
        when: When | None = None
        vague = False
        if g["y"]:
            when = _valid(
                int(g["y"]), int(g["m"]) if g["m"] else None, int(g["d"]) if g["d"] else None
            )
            vague = g["m"] is None
        elif g["y2"]:
            when = _valid(int(g["y2"]), int(g["m2"]), int(g["d2"]))
        elif reference is None:
            when = None
        elif g["rel"]:
            if g["rm"]:
                year = (
                    reference.year
                    + {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "明年": 1}[g["rel"]]
                )
                when = _valid(year, int(g["rm"]), int(g["rd"]) if g["rd"] else None)
        elif g["bd"] and reference.month:
            when = _valid(reference.year, reference.month, int(g["bd"]))
        elif g["m3"]:
            month = int(g["m3"])
            year = reference.year
            if reference.month and month > reference.month + 1:
                year -= 1  # "12月28日" in a January article
            when = _valid(year, month, int(g["d3"]) if g["d3"] else None)
        elif g["word"]:
            word = g["word"]
            if word in ("当天", "当日"):
                when = last
            elif word in ("昨日", "昨天", "前日") and reference.day:
                back = 2 if word == "前日" else 1
                d = datetime.date(
                    reference.year, reference.month or 1, reference.day
                ) - datetime.timedelta(back)
                when = When(d.year, d.month, d.day)
            elif word in ("今天", "今日"):
                when = reference
            else:
                when, vague = reference, True
        elif g["d4"] and reference.month:
            when = _valid(reference.year, reference.month, int(g["d4"]))
        if when is not None and not vague:
            last = when
        out.append(DateMention(m.start(), m.end(), when, vague))
    return out


_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|发表时间|发表日期|发文日期|日期|时间|来源)[:：]?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})"
)
_SIGNATURE_DATE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", re.M)
_YEAR = starting_with("12", r"(?<!\d)(20\d{2}|19\d{2})年(?!度?以来)")


def reference_date(text: str, published: datetime.date | None) -> When | None:
    """The article's own date: given, else a 发布时间 line, a signature date, the usual year."""
    if published is not None:
        return When(published.year, published.month, published.day)
    m = _PUBLISHED.search(text[:600])
    if m:
        when = _valid(int(m[1]), int(m[2]), int(m[3]))
        if when:
            return when
    sig = list(_SIGNATURE_DATE.finditer(text))
    if sig:
        when = _valid(int(sig[-1][1]), int(sig[-1][2]), int(sig[-1][3]))
        if when:
            return when
    years = Counter(int(y) for y in _YEAR.findall(text))
    if years:
        best = max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return When(best)
    return None


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    code: str
    label: str


class Gazetteer:
    """Township units and parks by every name the news uses for them.

    ``Gazetteer({"冶金园": ("320582406", "冶金工业园"), "锦丰镇": ("320582103", "锦丰镇")},
    partners={"320582406": "320582103"})``; ``partners`` pairs units run as one (区镇合一), so
    ``冶金园(锦丰镇)`` is one place, the first named.
    """

    def __init__(
        self,
        names: Mapping[str, tuple[str, str]] | None = None,
        partners: Mapping[str, str] | None = None,
    ) -> None:
        self.names = {
            k: v
            for k, v in (names or {}).items()
            if len(k) >= 3 or (len(k) == 2 and k[-1] in "镇区乡")
        }
        self.partners = dict(partners or {})
        self.partners.update({v: k for k, v in self.partners.items()})
        alternatives = sorted(self.names, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    def same(self, a: str, b: str) -> bool:
        return a == b or self.partners.get(a) == b

    def find(self, text: str) -> list[Place]:
        if self.pattern is None:
            return []
        out: list[Place] = []
        for m in self.pattern.finditer(text):
            code, label = self.names[m.group()]
            if (
                out
                and m.start() - out[-1].end <= 1
                and text[out[-1].end : m.start()] in ("(", "（")
            ):
                if self.same(out[-1].code, code):
                    continue  # 冶金园(锦丰镇): one administration, named once
            out.append(Place(m.start(), m.end(), code, label))
        return out


# --------------------------------------------------------------------------------------------
# Companies and project names
# --------------------------------------------------------------------------------------------

_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()（）·\-+&.]")
_BOUNDARY = set("的，。；：、！？“”\"'《》【】\n\t ,;:!?—…|>")
_COMPANY_SUFFIX = re.compile(
    r"股份有限公司|有限责任公司|集团有限公司|有限公司|株式会社|控股集团|集团|公司|Inc\.?|Ltd\.?|AG|GmbH"
)
_COMPANY_STOP = re.compile(
    r"与|和|由|在|是|为|同|跟|向|对|将|被|及|签约|签署|签订|宣布|投资|引进|表示|介绍|企业|"
    r"外资|港资|台资|外企|德企|日企|美企|欧洲|今年|去年|已|均|从|据|获悉|\d+日|\d+月|年$"
)
_PROJECT_SUFFIX = re.compile(
    r"项目|基地|产业园|超级工厂|工厂|研究院|总部|智算中心|数据中心|研发中心|工程"
)
# "A项目和B项目": B starts after the joint
_JOINT = re.compile(r"项目(?:和|与|及|以及|、)")
_EVENT_NAME = re.compile(r"\d{4}年|(?:重大|重点|重特大)项目$|仪式|活动|推介会|大会|会议")
_LIST_MARK = re.compile(r"(?:[(（]?[0-9一二三四五六七八九十]{1,3}[、.．)）]\s*)")
_PROJECT_STOP = re.compile(
    r"签约|签署|签订|落户|开工|竣工|投产|引进|推进|包括|包含|其中|位于|正式|集中|举行|召开|共有|还有|"
    r"签下|启动|打造|成为|作为|确保|聚焦|围绕|紧盯|带动|再添|亿元|万元|美元|欧元|是|为|在|于|与|由|将|拟|对|等|了|据|"
    r"就|其|"
    r"今年|去年|目前|当天|主会场|同步|现场|参会"
)
# verbs that may also be part of a name (XX产业园建设项目): cut only if a name remains
_PROJECT_SOFT_STOP = re.compile(r"建设|新建|扩建|实施|投资")
_GENERIC_WORDS = [
    r"[一二三四五六七八九十]期",
    r"[一二三四]季度",
    r"[百十千]亿级",
    r"基础设施",
    r"数字经济",
    r"生物医药",
    r"电子信息",
    r"社会民生",
    r"科技型?",
    r"集成电路",
    r"高端装备",
    r"龙头型?",
    r"\d+",
    r"制造业",
    r"半导体",
    r"开竣工",
    r"改扩建",
    r"新开工",
    r"新材料",
    r"新能源",
    r"服务业",
    r"标志性",
    r"重特大",
    r"高质量",
    r"\(",
    r"\)",
    r"一期",
    r"三期",
    r"上述",
    r"中小",
    r"主体",
    r"二期",
    r"产业",
    r"亿元",
    r"以上",
    r"优势",
    r"优质",
    r"信息",
    r"储备",
    r"先进",
    r"光伏",
    r"光电",
    r"入选",
    r"全部",
    r"关联",
    r"其他",
    r"具体",
    r"内资",
    r"制造",
    r"医药",
    r"单个",
    r"单体",
    r"县级",
    r"参会",
    r"同类",
    r"在建",
    r"外资",
    r"多个",
    r"头部",
    r"好的",
    r"实施",
    r"小微",
    r"工业",
    r"市级",
    r"年度",
    r"建设",
    r"开工",
    r"引资",
    r"意向",
    r"所有",
    r"扩建",
    r"技改",
    r"投产",
    r"投资",
    r"招商",
    r"推进",
    r"数据",
    r"新兴",
    r"新建",
    r"智能",
    r"民生",
    r"汽车",
    r"特色",
    r"现代",
    r"生产",
    r"相关",
    r"省级",
    r"研发",
    r"示范",
    r"竣工",
    r"签约",
    r"续建",
    r"综合",
    r"装备",
    r"计划",
    r"谋划",
    r"跟踪",
    r"这一",
    r"这个",
    r"这些",
    r"配套",
    r"重大",
    r"重点",
    r"集中",
    r"首期",
    r"、",
    r"上",
    r"下",
    r"与",
    r"两",
    r"个",
    r"几",
    r"及",
    r"各",
    r"和",
    r"型",
    r"多",
    r"大",
    r"好",
    r"市",
    r"批",
    r"新",
    r"本",
    r"此",
    r"的",
    r"省",
    r"类",
    r"级",
    r"该",
    r"首",
    r"（",
    r"）",
]
_GENERIC = re.compile("|".join(sorted(_GENERIC_WORDS, key=len, reverse=True)))
_PHASE = re.compile(r"(?:首|[一二三四五六七八九十\d])期")
_PHASE_NAME = re.compile(
    r"(?:首|[一二三四五六七八九十])期(?:、(?:[一二三四五六七八九十])期)*(?:工程|项目)?"
)
_PHASE_ONLY = re.compile(
    r"(?P<ph>(?:首|[一二三四五六七八九十])期(?:、(?:[一二三四五六七八九十])期)*)(?:工程|项目)?"
    r"(?=(?:计划|拟|总)?投资|总投资)"
)
_ENUMERATION = re.compile(
    r"(?P<items>(?:[^,，。;；、:：\n]{2,40}、)+[^,，。;；、:：\n]{2,40}?)等(?:\d+|[两二三四五六七八九十]+)个"
    r"[^,，。;；]{0,6}项目"
)
_ENUMERATION_TAIL = re.compile(r"等(?:\d+|[两二三四五六七八九十]+)个[^,，。;；]{0,6}项目")
_ENUMERATION_STOP = re.compile(r"[,，。;；]")


def enumerations(text: str) -> list[re.Match[str]]:
    """``_ENUMERATION.finditer(text)``, searched only in the stretches between the stops
    ``,，。;；`` that hold its tail (``等5个项目``): a match never crosses a stop and always
    holds a tail, and the plain search is slow over long text (tested against it)."""
    out: list[re.Match[str]] = []
    searched = -1
    for tail in _ENUMERATION_TAIL.finditer(text):
        if tail.start() < searched:
            continue
        lo = max(text.rfind(ch, 0, tail.start()) for ch in ",，。;；") + 1
        stop = _ENUMERATION_STOP.search(text, tail.end())
        searched = stop.start() if stop else len(text)
        out.extend(_ENUMERATION.finditer(text, lo, searched))
    return out


_LIST_LINE = re.compile(r"\s*(?:[(（]?[0-9一二三四五六七八九十]{1,3}[、.．)）]|[•·●◆■▲])")
_COUNT_AFTER = re.compile(r"(?:共|共计|合计|有)?(?:\d+|[两二三四五六七八九十]+)(?:个|项)")


def _scan_left(text: str, end: int, floor: int) -> int:
    """Start of the run of name characters ending at ``end`` (not crossing ``floor``).

    The plain version of ``NameRuns.scan_left``, kept to test it."""
    i = end
    while i > floor and text[i - 1] not in _BOUNDARY and _NAME_CHAR.match(text[i - 1]):
        i -= 1
    return i


# _NAME_CHAR less _BOUNDARY (的 is the only character in both)
_NAME_RUN = re.compile(r"[\u4e00-\u7683\u7685-\u9fffA-Za-z0-9()（）·\-+&.]+")


class NameRuns:
    """``scan_left(end, floor)`` is ``_scan_left(text, end, floor)``: the run of name
    characters ending at ``end`` is matched forwards in the reversed text, in C (tested
    against the character loop)."""

    def __init__(self, text: str) -> None:
        self.reversed = text[::-1]
        self.n = len(text)

    def scan_left(self, end: int, floor: int) -> int:
        if end <= floor:
            return end
        m = _NAME_RUN.match(self.reversed, self.n - end, self.n - floor)
        return end - (m.end() - m.start()) if m else end


def _cut_after_stop(text: str, start: int, end: int, stop: re.Pattern[str], suffix_len: int) -> int:
    """Move ``start`` after the last stop word in text[start:end-suffix_len] whose remainder
    is not generic."""
    core_end = end - suffix_len
    cuts = [m.end() + start for m in stop.finditer(text[start:core_end])]
    for cut in reversed(cuts):
        if not _generic(text[cut:end], suffix_len):
            return cut
    return start


def _generic(name: str, suffix_len: int) -> bool:
    core = name[: len(name) - suffix_len] if suffix_len else name
    return _generic_core(core)


@lru_cache(maxsize=8192)
def _generic_core(core: str) -> bool:
    return len(_GENERIC.sub("", core)) < 2


def clear_caches() -> None:
    """Forget the name checks remembered between texts (the automaton of the known investors
    is kept: it belongs to the list given, like a compiled pattern)."""
    _generic_core.cache_clear()


@dataclass
class Company:
    start: int
    end: int
    name: str


def find_companies(
    text: str, known: Iterable[str] = (), runs: NameRuns | None = None
) -> list[Company]:
    runs = runs or NameRuns(text)
    out: dict[tuple[int, int], Company] = {}
    for m in _COMPANY_SUFFIX.finditer(text):
        end = m.end()
        start = runs.scan_left(m.start(), max(0, m.start() - 40))
        cuts = [x.end() + start for x in _COMPANY_STOP.finditer(text[start : m.start()])]
        if cuts:
            start = cuts[-1]
        name = text[start:end].lstrip("()（）")
        start = end - len(name)
        if len(name) - len(m.group()) >= 2:
            out[(start, end)] = Company(start, end, name)
    # which characters a company found so far covers (``any(c.start <= pos < c.end ...)``)
    covered = bytearray(len(text))
    for c in out.values():
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    for pos, name in _known_occurrences(text, known):
        if not covered[pos]:
            out[(pos, pos + len(name))] = Company(pos, pos + len(name), name)
            covered[pos : pos + len(name)] = b"\x01" * len(name)
    return sorted(out.values(), key=lambda c: c.start)


def _known_occurrences(text: str, known: Iterable[str]) -> list[tuple[int, str]]:
    """Every occurrence (overlapping ones too) of the names of two characters or more in
    ``known``, name by name in the order of ``known``, each name's from left to right: what
    ``text.find`` name after name gives, in one pass of an Aho-Corasick automaton (the
    registry can give tens of thousands of names). A name given twice adds nothing the
    second time, so it is taken once. Tested against the find loop."""
    names = tuple(known)
    if not names:
        return []
    automaton, order = _automaton(names)
    if automaton is None:
        return []
    found = [(order[name], end - len(name) + 1, name) for end, name in automaton.iter(text)]
    found.sort()
    return [(pos, name) for _rank, pos, name in found]


@lru_cache(maxsize=4)  # about 11 MB each for 40,000 names
def _automaton(names: tuple[str, ...]):
    import ahocorasick

    order: dict[str, int] = {}
    for name in names:
        if len(name) >= 2:
            order.setdefault(name, len(order))
    if not order:
        return None, order
    automaton = ahocorasick.Automaton()
    for name in order:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton, order


@dataclass
class Mention:
    start: int
    end: int
    name: str
    phase: str = ""
    listed: bool = False  # in a list line, a table row or an enumeration


def find_mentions(text: str, runs: NameRuns | None = None) -> list[Mention]:
    runs = runs or NameRuns(text)
    out: list[Mention] = []
    # which characters the mentions found so far cover (``any(x.start <= at < x.end ...)``)
    covered = bytearray(len(text))

    def add(mention: Mention) -> None:
        out.append(mention)
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)

    for m in _PROJECT_SUFFIX.finditer(text):
        end = m.end()
        if m.group() == "工程" and not _PHASE.search(text, max(0, m.start() - 3), m.start()):
            continue
        if m.group() == "项目" and text.startswith(("建设", "部"), end):
            continue
        # 基地项目, 产业园项目: the longer name wins
        nxt = _PROJECT_SUFFIX.match(text, end)
        if nxt and m.group() != "项目" and nxt.group() == "项目":
            continue
        start = runs.scan_left(m.start(), max(0, m.start() - 60))
        if end - start < 4:
            # every step below only moves start right, and a name shorter than 4 characters
            # is dropped whichever way it goes (a phase split needs 4): drop it now
            continue
        hard = [x.end() for x in _PROJECT_STOP.finditer(text, start, m.start())]
        if hard:
            start = hard[-1]
        joints = [x.end() for x in _JOINT.finditer(text, start, m.start())]
        if joints and m.group() == "项目":
            start = joints[-1]
        start = _cut_after_stop(text, start, end, _PROJECT_SOFT_STOP, len(m.group()))
        start = _strip_time_prefix(text, start, end)
        mark = _LIST_MARK.match(text, start, end)
        if mark:
            start = mark.end()
        name = text[start:end]
        if _EVENT_NAME.search(name):
            continue
        split = _PHASE_SPLIT.search(name)
        if split:
            cut = start + split.start(1)
            add(Mention(start, cut, text[start:cut]))
            add(Mention(cut, end, split.group(1), _PHASE.search(split.group(1)).group()))
            continue
        if len(name) < 4 or _generic(name, len(m.group())):
            continue
        if _COUNT_AFTER.match(text, end) or _GROUP_NAME_START.match(name):
            continue  # 新能源项目9个: a group of projects, not one
        if _GROUP_NAME.search(name):
            continue
        phase = _PHASE.search(name)
        add(Mention(start, end, name, phase.group() if phase else ""))
    for m in _PHASE_ONLY.finditer(text):
        if covered[m.start()]:
            continue
        if (
            m.start() > 0
            and _NAME_CHAR.match(text[m.start() - 1])
            and text[m.start() - 1] not in "中其"
        ):
            continue
        add(Mention(m.start(), m.start() + len(m.group("ph")), m.group("ph"), m.group("ph")))
    for m in enumerations(text):
        pos = m.start("items")
        for item in m.group("items").split("、"):
            s = pos
            pos += len(item) + 1
            s = _cut_after_stop(text, s, s + len(item), _PROJECT_STOP, 0)
            name = text[s : s + len(item) - (s - (pos - len(item) - 1))]
            if len(name) >= 4 and not _generic(name, 0) and not covered[s]:
                add(Mention(s, s + len(name), name, listed=True))
    out.sort(key=lambda x: x.start)
    # drop a name inside another, and the first of "X项目——Y项目" appositions
    kept: list[Mention] = []
    for x in out:
        if kept and x.start < kept[-1].end:
            if x.end - x.start > kept[-1].end - kept[-1].start:
                kept[-1] = x
            continue
        if kept and text[kept[-1].end : x.start] in ("——", "—", "--"):
            kept[-1] = x
            continue
        kept.append(x)
    return kept


_TIME_PREFIX = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:上午|下午)?")


def _strip_time_prefix(text: str, start: int, end: int) -> int:
    m = _TIME_PREFIX.match(text, start, end)
    return m.end() if m and m.end() > start else start


# --------------------------------------------------------------------------------------------
# Events and capacities
# --------------------------------------------------------------------------------------------

_EVENT = starting_with(
    "开投试正竣完建动奠破签落合备宣",
    r"(?P<other>开竣工)|(?P<in_production>投产|试生产|投入运营|正式运营)|(?P<completed>竣工|完工|建成投用)"
    r"|(?P<started>开工|动工|开建|奠基|破土)|(?P<signed>签约|签署|签订|落户|签下|合作协议|备忘录|宣布(?=\S{0,12}投资))",
)
_EVENT_RANK = {"other": 0, "signed": 1, "started": 2, "completed": 3, "in_production": 4}
_CLAUSE = re.compile(r"[,，;；:：]")
_FUTURE_BEFORE = re.compile(
    r"预计|计划|力争|拟|将|争取|确保|推动|有望|推进|加快|早|尽快|年内|有待|准备"
)
_NOT_EVENT_AFTER = ("后", "以后", "前", "率", "达产后", "项目数")


def find_event(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """The most advanced lifecycle event said to have happened in text[lo:hi], with where."""
    best: tuple[str, int] | None = None
    for m in _EVENT.finditer(text, lo, hi):
        kind = m.lastgroup or "other"
        if text.startswith(_NOT_EVENT_AFTER, m.end()):
            continue
        clause = max((x.end() for x in _CLAUSE.finditer(text, lo, m.start())), default=lo)
        if _FUTURE_BEFORE.search(text, max(clause, m.start() - 16), m.start()):
            continue
        if best is None or _EVENT_RANK[kind] > _EVENT_RANK[best[0]]:
            best = (kind, m.start())
    return best


_CAPACITY = starting_with(
    r"年月日\d",
    r"(?:年|月|日)产(?:能)?[\u4e00-\u9fff]{0,12}?\d+(?:\.\d+)?(?:万|亿|千)?"
    r"(?:GWh|GW|MWh|MW|kWh|吨|件|套|台|辆|片|颗|只|块|平方米|立方米|千瓦时|标准机柜|个)"
    r"|\d+(?:\.\d+)?(?:GWh|GW|MWh|MW)",
)


# --------------------------------------------------------------------------------------------
# Projects and batches
# --------------------------------------------------------------------------------------------


# patterns used inside the functions below, compiled once
_PHASE_SPLIT = re.compile(r"项目((?:首|[一二三四五六七八九十])期(?:工程|项目)?)$")
_GROUP_NAME_START = re.compile(r"\d+个|[两二三四五六七八九十]+个|一批")
_GROUP_NAME = re.compile(r"\d+个|[两二三四五六七八九十]个|一批|个")
_PLACE_VERB_END = re.compile(r"(?:落户|位于|选址|在|于|落地)$")
_NAME_SUFFIX_END = re.compile(r"(?:项目|基地|产业园|工厂)$")
_INVESTED_END = re.compile(r"投资(?:建设)?的$|建设的$")
_OF_AFTER = re.compile(r"[^,，。;；]{0,3}的")
_BUILDER_FIELD = re.compile(r"建设单位[:：]\s*([^,，。;；\t]+)")
_BY_END = re.compile(r"由$|由\S{0,2}$")
_SUBJECT_INVESTS = re.compile(
    r"(?:^|[,，])([\u4e00-\u9fffA-Za-z]{2,10}?)(?:宣布|拟|计划|决定)[^,，。]{0,20}投资"
)
# NAME投资的 / NAME投资建设的 right before a project's name; 由NAME投资 after it
_INVESTED_BY_BEFORE = re.compile(
    r"([^\s\d,，。;；:：、()（）在于将所的和与及由是为对向从]{2,10})(?:投资|投建|出资)(?:建设|兴建)?的$"
)
_BY_NAME = re.compile(
    r"由([^\s\d,，。;；:：、()（）在于将所的和与及由是为对向从]{2,12}?)(?:投资|投建|出资|建设|承建|开发)"
)
_BY_COMPANY = re.compile(r"由([^,，。;；]{2,40}?(?:公司|集团|株式会社))(?:投资|建设|出资)")
_SUBGROUP_WORDS = re.compile(r"[类型看]|项目中")
_LIST_WORDS = re.compile(r"清单|名单|计划|推进会")


@dataclass
class Project:
    name: str
    start: int
    end: int
    sentence: tuple[int, int]
    phase: str = ""
    parent: int | None = None
    investor: str | None = None
    location: Place | None = None
    event: str = "other"
    event_date: When | None = None
    amounts: dict[str, Amount] = field(default_factory=dict)
    capacity: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    in_title: bool = False


@dataclass
class Batch:
    start: int
    end: int
    sentence: tuple[int, int]
    event: str = "other"
    project_count: int | None = None
    total: Amount | None = None
    plan: Amount | None = None
    date: When | None = None
    location: Place | None = None
    parent: int | None = None


_second = itemgetter(1)
_CUMULATIVE_LEFT = re.compile(r"累计|截至|截止|以来")
_ROLE_FIELD = {
    "total_investment": "total_investment",
    "annual_revenue": "annual_revenue",
    "annual_tax": "annual_tax",
    "annual_output_value": "annual_output_value",
    "annual_plan_investment": "annual_plan_investment",
}
_BACK_START = re.compile(r"(?:其中,?)?(?:该|这一|这个|本|此)?(?:项目|基地|产业园|工厂)")
_BACK_REFERENCE = re.compile(r"该项目|项目全部|项目全面|项目建成|建成后|达产后|投产后")
_WHOLE_PROJECT = re.compile(r"全部|全面|整体|项目建成后")
_TABLE_NAME = ("项目名称", "名称", "项目")
_HEADLINE_MAX = 80  # characters: a longer first line is a paragraph, not a headline
_TABLE_INVESTOR = ("建设单位", "投资方", "投资主体", "企业名称", "业主单位", "项目单位")
_TABLE_PLACE = ("建设地点", "所在地", "区镇", "属地", "地点", "所在区镇")


class Builder:
    """Puts the pieces together for one text."""

    def __init__(
        self,
        text: str,
        amounts: list[Amount],
        *,
        reference: When | None,
        gazetteer: Gazetteer,
        investors: Iterable[str] = (),
    ) -> None:
        self.text = text
        self.amounts = amounts
        self.reference = reference
        self.sentences = sentences(text)
        self._sentence_starts = [a for a, _b in self.sentences]
        self.paragraphs = paragraphs(text)
        self._paragraph_starts = [a for a, _b in self.paragraphs]
        self.dates = find_dates(text, reference)
        # the dates date_near may give: definite (or the article's own), not in the future
        self._usable_dates = [
            d
            for d in self.dates
            if d.when is not None
            and not (d.vague and d.when != reference)
            and not (reference is not None and d.when.after(reference))
        ]
        self._usable_starts = [d.start for d in self._usable_dates]
        self.places = gazetteer.find(text)
        self.gazetteer = gazetteer
        runs = NameRuns(text)
        self.companies = find_companies(text, investors, runs)
        self.mentions = find_mentions(text, runs)
        self._amount_starts = sorted(a.start for a in amounts)
        self._mention_starts = [m.start for m in self.mentions]
        self._mention_ends = [m.end for m in self.mentions]
        self._place_starts = [p.start for p in self.places]
        self._place_ends = [p.end for p in self.places]
        codes = {p.code for p in self.places}
        self._only_place = (
            self.places[0]
            if self.places and all(gazetteer.same(self.places[0].code, c) for c in codes)
            else None
        )  # every place named is one administration
        self.projects: list[Project] = []
        self.batches: list[Batch] = []
        self.title = next(
            (i for i, (a, b) in enumerate(self.paragraphs) if b - a >= 6 and ">" not in text[a:b]),
            0,
        )

    # ---- helpers --------------------------------------------------------------------------

    def sentence_of(self, at: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, at) - 1
        if i >= 0:
            a, b = self.sentences[i]
            if a <= at <= b:
                return a, b
        return (at, at)

    def paragraph_index(self, at: int) -> int:
        return _index_in(self.paragraphs, self._paragraph_starts, at)

    def paragraph_of(self, at: int) -> tuple[int, int]:
        return self.paragraphs[self.paragraph_index(at)]

    def date_near(self, lo: int, at: int) -> When | None:
        """The last definite, not future, date between lo and at; else the last before ``at``
        within 600 characters."""
        # the last usable date before ``at`` starting at min(lo, at - 600) or later
        i = bisect.bisect_left(self._usable_starts, at) - 1
        if i >= 0 and self._usable_starts[i] >= min(lo, at - 600):
            return self._usable_dates[i].when
        return None

    def place_near(self, start: int, end: int) -> Place | None:
        """The place of the thing named at ``start:end``. Mentions and places are in order and
        do not overlap, so their starts and ends are both sorted and every step below is a
        bisection (tested against the plain list version)."""
        s_lo, s_hi = self.sentence_of(start)
        places, p_starts = self.places, self._place_starts
        # this project's own stretch: from the previous name to the next one
        j = bisect.bisect_right(self._mention_ends, start) - 1
        lo = self._mention_ends[j] if j >= 0 and self._mention_ends[j] >= s_lo else s_lo
        i = bisect.bisect_left(self._mention_starts, end)
        hi = (
            self._mention_starts[i]
            if i < len(self._mention_starts) and self._mention_starts[i] < s_hi
            else s_hi
        )
        i = bisect.bisect_left(p_starts, end)
        while i < len(places) and places[i].start < hi:
            p = places[i]
            if _PLACE_VERB_END.search(self.text[max(end, p.start - 4) : p.start]):
                return p
            i += 1
        last_before = bisect.bisect_left(p_starts, start) - 1  # the last place starting before
        if last_before >= 0 and p_starts[last_before] >= lo:
            return places[last_before]
        i0, i1 = bisect.bisect_left(p_starts, s_lo), bisect.bisect_left(p_starts, s_hi)
        if i0 < i1:
            j = min(bisect.bisect_right(self._place_ends, start) - 1, i1 - 1)
            return places[j] if j >= i0 else places[i0]
        p_lo, _p_hi = self.paragraph_of(start)
        if last_before >= 0 and p_starts[last_before] >= p_lo:
            return places[last_before]
        return self._only_place

    def in_title(self, at: int) -> bool:
        return self.paragraph_index(at) <= self.title

    @staticmethod
    def _last_end(project: Project) -> int:
        """Where the project was last named (a name repeated far on is still the same)."""
        return max(map(_second, project.mentions)) if project.mentions else project.end

    def headline(self, at: int) -> bool:
        """``at`` is in a headline: a short first line with a body after it (a text of one
        line is all body: its amounts belong to their own sentences)."""
        i = self.paragraph_index(at)
        if i > self.title:
            return False
        a, b = self.paragraphs[i]
        return b - a <= _HEADLINE_MAX and any(
            q - p > 0 and self.text[p:q].strip() for p, q in self.paragraphs[i + 1 :]
        )

    # ---- projects -------------------------------------------------------------------------

    def build(self) -> None:
        self._batches()
        self._projects()
        self._merge_title_projects()
        self._merge_phases()

    def _merge_phases(self) -> None:
        """一期工程 in the headline and 一期 in the body: one phase."""
        keep: list[Project] = []
        for p in self.projects:
            if p.phase and p.parent is None:
                later = [q for q in self.projects if not q.phase and q.start > p.start]
                if p.in_title and later:
                    p.parent = self.projects.index(later[0])
            twin = next(
                (q for q in keep if p.phase and q.phase == p.phase and q.parent == p.parent), None
            )
            if twin is None:
                keep.append(p)
                continue
            for key, amount in p.amounts.items():
                twin.amounts.setdefault(key, amount)
            if _EVENT_RANK[p.event] > _EVENT_RANK[twin.event]:
                twin.event, twin.event_date = p.event, p.event_date
            if len(p.name) < len(twin.name) or twin.in_title:
                twin.name, twin.start, twin.end, twin.sentence = p.name, p.start, p.end, p.sentence
            twin.mentions.extend(p.mentions)
        if len(keep) != len(self.projects):
            old = self.projects
            index = {id(p): i for i, p in enumerate(keep)}
            for p in keep:
                if p.parent is not None:
                    p.parent = index.get(id(old[p.parent]))
            self.projects = keep

    def _project_for(self, mention: Mention) -> int:
        """Index of the project this mention names (a short form joins the earlier one)."""
        core = _NAME_SUFFIX_END.sub("", mention.name)
        parent = self._current_project(mention.start, phases=False) if mention.phase else None
        for i, p in enumerate(self.projects):
            if p.name == mention.name:
                return i
            if (
                mention.phase
                and p.phase == mention.phase
                and p.parent == parent
                and (_PHASE_NAME.fullmatch(mention.name) or _PHASE_NAME.fullmatch(p.name))
            ):
                return i
            if not mention.phase and len(core) >= 3 and p.name.startswith(core) and not p.phase:
                return i
        sentence = self.sentence_of(mention.start)
        if parent is not None and mention.start - self._last_end(self.projects[parent]) > 400:
            parent = None
        self.projects.append(
            Project(
                mention.name,
                mention.start,
                mention.end,
                sentence,
                phase=mention.phase,
                parent=parent,
                in_title=self.in_title(mention.start),
            )
        )
        return len(self.projects) - 1

    def _projects(self) -> None:
        text = self.text
        mentions = self.mentions
        anchored: dict[int, int] = {}  # mention index -> project index
        owners: dict[int, int] = {}  # amount index -> mention index
        batch_sentences = {b.sentence for b in self.batches}
        orphans: list[int] = []
        for k, amount in enumerate(self.amounts):
            if amount.role not in _ROLE_FIELD or amount.in_table:
                continue
            s_lo, s_hi = self.sentence_of(amount.start)
            if amount.role != "total_investment" and (s_lo, s_hi) in batch_sentences:
                continue  # a batch's yearly revenue, tax or output
            target = self._mention_for_amount(amount, s_lo, s_hi)
            if target is not None:
                owners[k] = target
            else:
                orphans.append(k)
        # 两个项目总投资分别为48亿元和26亿元: the projects just named, in order
        # (amounts and mentions are in order, mentions do not overlap: ranges by bisection)
        orphan_starts = [self.amounts[j].start for j in orphans]
        in_order = orphan_starts == sorted(orphan_starts)
        for k in list(orphans):
            amount = self.amounts[k]
            s_lo, s_hi = self.sentence_of(amount.start)
            at = text.find("分别", s_lo, amount.start)
            if at < 0:
                continue
            if in_order:  # the orphans after 分别 in the sentence
                span = orphans[
                    bisect.bisect_right(orphan_starts, at) : bisect.bisect_left(orphan_starts, s_hi)
                ]
            else:
                span = [j for j in orphans if s_lo <= self.amounts[j].start < s_hi]
                span = [j for j in span if self.amounts[j].start > at]
            same = [j for j in span if self.amounts[j].role == amount.role]
            p_lo = self.paragraph_of(s_lo)[0]
            first = bisect.bisect_left(self._mention_starts, p_lo)
            last = bisect.bisect_right(self._mention_ends, s_lo) - 1
            before = [i for i in range(first, last + 1) if not _EVENT_NAME.search(mentions[i].name)]
            if len(same) >= 2 and len(before) >= len(same):
                owners[k] = before[-len(same) :][same.index(k)]
        # 该项目总投资30亿元: a sentence about the project named just before
        for k in orphans:
            if k in owners:
                continue
            amount = self.amounts[k]
            s_lo, _s_hi = self.sentence_of(amount.start)
            if not (
                _BACK_START.match(text, s_lo) or _BACK_REFERENCE.search(text, s_lo, amount.start)
            ):
                continue
            p_lo = self.paragraphs[max(0, self.paragraph_index(s_lo) - 1)][0]
            # the last mention from p_lo ending by s_lo (mentions in order, not overlapping)
            j = bisect.bisect_right(self._mention_ends, s_lo) - 1
            if j >= 0 and self._mention_starts[j] >= p_lo:
                owners[k] = j
        owned = set(owners.values())
        for i, mention in enumerate(mentions):
            s_lo, s_hi = self.sentence_of(mention.start)
            line_lo, _line_hi = self.paragraph_of(mention.start)
            has_amount = i in owned
            # mentions are in order and do not overlap: the next one starts after this one,
            # the one before ends last among those before
            nxt = mentions[i + 1].start if i + 1 < len(mentions) else s_hi
            nxt = nxt if nxt < s_hi else s_hi
            prev_end = mentions[i - 1].end if i > 0 and mentions[i - 1].end > s_lo else s_lo
            event = find_event(text, prev_end, nxt)
            if event is not None and event[0] == "other":
                event = None
            listed = mention.listed or bool(_LIST_LINE.match(text, line_lo))
            invested = bool(
                _INVESTED_END.search(text[max(s_lo, mention.start - 8) : mention.start])
            )
            if mention.phase and _PHASE_NAME.fullmatch(mention.name):
                parent = self._current_project(mention.start, phases=False)
                if parent is None or not (has_amount or event):
                    continue
            if not (has_amount or event or listed or invested):
                continue
            j = self._project_for(mention)
            anchored[i] = j
            project = self.projects[j]
            project.mentions.append((mention.start, mention.end))
            if event and _EVENT_RANK[event[0]] >= _EVENT_RANK.get(project.event, 0):
                if (
                    _EVENT_RANK[event[0]] > _EVENT_RANK.get(project.event, 0)
                    or project.event_date is None
                ):
                    project.event_date = self.date_near(s_lo, mention.start) or project.event_date
                project.event = event[0]
        for k, i in owners.items():
            if i in anchored:
                self._attach(self.projects[anchored[i]], self.amounts[k])
        # amounts in sentences naming no project: the project being talked about
        for k, amount in enumerate(self.amounts):
            if k in owners or amount.role not in _ROLE_FIELD or amount.in_table:
                continue
            s_lo, s_hi = self.sentence_of(amount.start)
            if (s_lo, s_hi) in batch_sentences:
                continue
            i = bisect.bisect_left(self._mention_starts, s_lo)  # a mention before it?
            if i < len(mentions) and self._mention_starts[i] < amount.start:
                continue
            if self._respectively(k, amount, s_lo, s_hi):
                continue
            current = self._current_project(amount.start)
            if current is None:
                continue
            project = self.projects[current]
            if project.phase and amount.role == "total_investment":
                continue
            self._attach(project, amount)
        self._table_projects()
        for j, project in enumerate(self.projects):
            self._finish(j, project)

    def _attach(self, project: Project, amount: Amount) -> None:
        if project.phase and project.parent is not None and amount.role != "total_investment":
            if _WHOLE_PROJECT.search(self.text, *self.sentence_of(amount.start)):
                project = self.projects[project.parent]
        project.amounts.setdefault(_ROLE_FIELD[amount.role], amount)
        a_lo, a_hi = self.sentence_of(amount.start)
        if project.capacity is None and (a_lo, a_hi) != project.sentence:
            m = _CAPACITY.search(self.text, a_lo, a_hi)
            if m and not any(
                p is not project and p.sentence == (a_lo, a_hi) for p in self.projects
            ):
                project.capacity = m.group()

    def _respectively(self, k: int, amount: Amount, s_lo: int, s_hi: int) -> bool:
        """两个项目总投资分别为48亿元和26亿元: the projects just named, in order."""
        at = self.text.find("分别", s_lo, amount.start)
        if at < 0:
            return False
        same = [
            a
            for a in self.amounts
            if s_lo <= a.start < s_hi and a.start > at and a.role == amount.role
        ]
        named = [
            j
            for j, p in enumerate(self.projects)
            if p.mentions
            and self.sentence_of(p.mentions[0][0])[1] <= s_lo
            and s_lo - p.mentions[0][0] < 300
            and not p.phase
        ]
        named = named[-len(same) :] if len(named) >= len(same) else []
        if len(same) < 2 or len(named) != len(same):
            return False
        self._attach(self.projects[named[same.index(amount)]], amount)
        return True

    def _mention_for_amount(self, amount: Amount, s_lo: int, s_hi: int) -> int | None:
        """The mention an amount belongs to. Mentions are in order and do not overlap, so each
        step is a bisection (tested against the plain list version)."""
        text = self.text
        starts, ends = self._mention_starts, self._mention_ends
        after = _OF_AFTER.match(text[amount.end : amount.end + 5])
        if after:
            at = amount.end + after.end()
            i = bisect.bisect_left(starts, at)
            if i < len(starts) and starts[i] <= at + 3:
                return i
        j = bisect.bisect_right(ends, amount.start) - 1  # the last one ending before the amount
        if j >= 0 and starts[j] >= s_lo:
            return j
        # 投资15亿港元在张家港扩建其NAME: the name later in the same clause
        clause_end = next((x.start() for x in _CLAUSE.finditer(text, amount.end, s_hi)), s_hi)
        first_after = bisect.bisect_left(starts, amount.end)
        if first_after < len(starts) and ends[first_after] <= clause_end:
            k = bisect.bisect_right(self._amount_starts, amount.end)  # amounts after this one
            if not (k < len(self._amount_starts) and self._amount_starts[k] < starts[first_after]):
                return first_after
        # a headline amount: the project named next on the same line
        _p_lo, p_hi = self.paragraph_of(amount.start)
        if self.headline(amount.start):
            if first_after < len(starts) and starts[first_after] < p_hi:
                return first_after
        return None

    def _current_project(self, at: int, phases: bool = True) -> int | None:
        """The last project named before ``at`` in this paragraph or the one before."""
        para = self.paragraph_index(at)
        floor = self.paragraphs[max(0, para - 1)][0]
        best = None
        for j, p in enumerate(self.projects):
            last = max(map(_second, p.mentions)) if p.mentions else p.end
            if floor <= last <= at and (phases or not p.phase):
                if best is None or last > best[0]:
                    best = (last, j)
        return best[1] if best else None

    def _table_projects(self) -> None:
        for amount in self.amounts:
            if not amount.in_table or amount.table_total:
                continue
            header, row = amount.table_header, amount.table_row

            def cell(names: tuple[str, ...], header=header, row=row) -> str:
                for i, h in enumerate(header):
                    if h in names and i < len(row):
                        return row[i]
                return ""

            name = cell(_TABLE_NAME) or next((c for c in row if c.endswith("项目")), "")
            if not name:
                continue
            s = self.sentence_of(amount.start)
            start = self.text.find(name, s[0], s[1])
            project = Project(name, start, start + len(name), s, in_title=False)
            project.mentions.append((start, start + len(name)))
            project.investor = cell(_TABLE_INVESTOR) or None
            place_text = cell(_TABLE_PLACE)
            project.location = next(
                (
                    p
                    for p in self.places
                    if s[0] <= p.start < s[1]
                    and p.label
                    and self.text[p.start : p.end] in place_text
                ),
                None,
            )
            field_name = (
                "annual_plan_investment"
                if amount.role == "annual_plan_investment"
                else "total_investment"
            )
            project.amounts[field_name] = amount
            self.projects.append(project)

    def _finish(self, j: int, project: Project) -> None:
        text = self.text
        s_lo, s_hi = project.sentence
        if project.phase and project.parent is None:
            parent = None
            for i in range(j - 1, -1, -1):
                if not self.projects[i].phase:
                    parent = i
                    break
            if parent is not None and project.start - self._last_end(self.projects[parent]) < 400:
                project.parent = parent
        if project.investor is None:
            project.investor = self._investor(project)
        if project.location is None:
            project.location = self.place_near(project.start, project.end)
        m = _CAPACITY.search(project.name) or _CAPACITY.search(text, project.end, s_hi)
        if m is not None:
            project.capacity = m.group()
        if project.event_date is None and project.event != "other":
            project.event_date = self.date_near(s_lo, project.start)
        if project.event == "other":
            # 南丰镇与X公司正式签订投资协议。X项目总投资20亿元: the sentence before tells
            p_lo, _p_hi = self.paragraph_of(project.start)
            if s_lo > p_lo:
                b_lo, b_hi = self.sentence_of(s_lo - 1)
                event = find_event(text, b_lo, b_hi)
                if (
                    event
                    and event[0] != "other"
                    and not any(b_lo <= m.start < b_hi for m in self.mentions)
                ):
                    project.event = event[0]
                    project.event_date = self.date_near(b_lo, b_hi)
        if project.event == "other":
            batch = self._batch_before(project.start)
            if batch is not None and batch.event != "other":
                project.event = batch.event
                project.event_date = project.event_date or batch.date

    def _investor(self, project: Project) -> str | None:
        text = self.text
        s_lo, s_hi = project.sentence
        inside = [c for c in self.companies if project.start <= c.start and c.end <= project.end]
        if inside:
            return inside[0].name
        m = _BUILDER_FIELD.search(text[s_lo:s_hi])
        if m:
            return m.group(1)
        in_sentence = [c for c in self.companies if s_lo <= c.start and c.end <= s_hi]
        before = [c for c in in_sentence if c.end <= project.start]
        if before:
            return before[-1].name
        after = [c for c in in_sentence if c.start >= project.end]
        if after and _BY_END.search(text[max(s_lo, after[0].start - 3) : after[0].start]):
            return after[0].name
        subject = _SUBJECT_INVESTS.search(
            text[s_lo : project.start],
        )
        if (subject and not self.gazetteer.pattern) or (
            subject and not self.gazetteer.pattern.search(subject.group(1))
        ):
            return subject.group(1)
        # the project's own sentence names its investor without a company suffix:
        # 东华能源投资的氢能产业园项目, 氢能装备项目……由国富氢能投资建设
        own = _INVESTED_BY_BEFORE.search(text, max(s_lo, project.start - 16), project.start)
        if own is None:
            own = _BY_NAME.search(text, project.end, s_hi)
        if own is not None and not (
            self.gazetteer.pattern and self.gazetteer.pattern.fullmatch(own.group(1))
        ):
            return own.group(1)
        p_lo, p_hi = self.paragraph_of(project.start)
        if s_hi < p_hi and _BACK_START.match(text, s_hi + 1):
            n_lo, n_hi = self.sentence_of(s_hi + 1)
            m = _BY_COMPANY.search(text[n_lo:n_hi])
            if m:
                return m.group(1)
        earlier = [c for c in self.companies if p_lo <= c.start and c.end <= s_lo]
        if earlier and not in_sentence:
            # a company named in an earlier sentence is this project's investor only when
            # that sentence names no project of its own (江苏国泰投资18亿元建设锂电池材料项目。
            # 同日签约的还有固德威光伏逆变器项目: not 江苏国泰's)
            # (or names this project or the one it is a phase of)
            c_lo, c_hi = self.sentence_of(earlier[-1].start)
            own = set(project.mentions)
            if project.parent is not None:
                own.update(self.projects[project.parent].mentions)
            i = bisect.bisect_left(self._mention_starts, c_lo)
            while i < len(self.mentions) and self._mention_starts[i] < c_hi:
                m = self.mentions[i]
                if (m.start, m.end) not in own:
                    return None
                i += 1
            return earlier[-1].name
        return None

    def _batch_before(self, at: int) -> Batch | None:
        best = None
        for b in self.batches:
            if b.start <= at and b.parent is None:
                best = b
        return best

    def _merge_title_projects(self) -> None:
        """A headline names the project more shortly; the body's name wins."""
        keep: list[Project] = []
        for p in self.projects:
            if p.in_title:
                twin = next(
                    (
                        q
                        for q in self.projects
                        if q is not p
                        and not q.in_title
                        and "total_investment" in p.amounts
                        and "total_investment" in q.amounts
                        and p.amounts["total_investment"].value_wan
                        == q.amounts["total_investment"].value_wan
                    ),
                    None,
                )
                if twin is not None:
                    if twin.event == "other" and p.event != "other":
                        twin.event = p.event
                        twin.event_date = (
                            self.date_near(twin.sentence[0], twin.start) or p.event_date
                        )
                    continue
            keep.append(p)
        if len(keep) != len(self.projects):
            old = self.projects
            index = {id(p): i for i, p in enumerate(keep)}
            for p in keep:
                if p.parent is not None:
                    p.parent = index.get(id(old[p.parent]))
            self.projects = keep

    # ---- batches --------------------------------------------------------------------------

    def _batches(self) -> None:
        text = self.text
        for amount in self.amounts:
            s = self.sentence_of(amount.start)
            if amount.role == "batch_total_investment":
                count = amount.count
                if amount.table_total:
                    count = sum(
                        1
                        for a in self.amounts
                        if a.in_table and not a.table_total and a.keyword == amount.keyword
                    )
                batch = Batch(amount.start, amount.end, s, project_count=count, total=amount)
            elif (
                amount.role == "annual_plan_investment"
                and amount.count
                and not _CUMULATIVE_LEFT.search(text, s[0], amount.start)
            ):
                if any(b.sentence == s and b.project_count == amount.count for b in self.batches):
                    for b in self.batches:
                        if b.sentence == s and b.project_count == amount.count and b.plan is None:
                            b.plan = amount
                    continue
                batch = Batch(amount.start, amount.end, s, project_count=amount.count, plan=amount)
            else:
                continue
            # the same batch told twice (headline and body)
            twin = next(
                (
                    b
                    for b in self.batches
                    if b.project_count == batch.project_count
                    and batch.project_count is not None
                    and (
                        b.total is None
                        or batch.total is None
                        or b.total.value_wan == batch.total.value_wan
                        or self.in_title(b.start)
                    )
                ),
                None,
            )
            if twin is not None:
                if self.in_title(twin.start) and not self.in_title(batch.start):
                    twin.start, twin.end, twin.sentence = batch.start, batch.end, batch.sentence
                    twin.total = batch.total or twin.total
                continue
            self.batches.append(batch)
        for i, batch in enumerate(self.batches):
            s_lo, s_hi = batch.sentence
            clause = text[max(s_lo, batch.start - 30) : batch.start]
            main = next(
                (
                    k
                    for k in range(i - 1, -1, -1)
                    if self.batches[k].parent is None
                    and (self.batches[k].project_count or 0) > (batch.project_count or 0)
                    and batch.start - self.batches[k].end < 300
                ),
                None,
            )
            if main is not None and (
                "其中" in text[self.batches[main].end : batch.start]
                or "其中" in clause
                or self.sentence_of(self.batches[main].start) == batch.sentence
                or self.paragraph_index(self.batches[main].start)
                == self.paragraph_index(batch.start)
                or _SUBGROUP_WORDS.search(text[self.batches[main].end : batch.start][:30])
            ):
                batch.parent = main
                parent = self.batches[main]
                batch.event, batch.date, batch.location = parent.event, parent.date, parent.location
                continue
            event = find_event(text, s_lo, s_hi)
            if event is None and i == 0:
                event = find_event(text, *self.paragraphs[0])
            batch.event = event[0] if event else "other"
            if _LIST_WORDS.search(text[s_lo:s_hi]) and not event:
                batch.event = "other"
            batch.date = self.date_near(s_lo, batch.start)
            batch.location = self.place_near(batch.start, batch.end)
