"""The extractor's fast paths agree with the straightforward ones they replace (issue 7).

Each speed-up keeps the plain version (or rebuilds it here) and is compared with it on the
labelled corpus and on random texts made of the characters that matter.
"""

from __future__ import annotations

import datetime
import importlib
import random
import re
from decimal import Decimal

import pytest

from tests.lib.extract_corpus import documents
from zhaoshang.lib.money import AmountError, parse_amount
from zhaoshang.lib.textnorm import to_halfwidth

normalise_module = importlib.import_module("zhaoshang.lib.extract.normalise")
facts = importlib.import_module("zhaoshang.lib.extract.facts")


def corpus_texts() -> list[str]:
    return [d.text for d in documents()]


def random_texts(alphabet: str, n: int = 300, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(n)]


@pytest.fixture(scope="module")
def normalised_corpus() -> list[str]:
    return [normalise_module.normalise(t).text for t in corpus_texts()]


def test_width_and_spaces_is_halfwidth_then_spaces():
    alphabet = (
        "，。：（）１２３ＡＢａ￥￦\u3000\u00a0\u2002\u200b\ufeff\r\n\t\f\v 项目亿元"
        + "".join(normalise_module._WIDTH_AND_SPACES)
    )
    for text in corpus_texts() + random_texts(alphabet):
        assert normalise_module.width_and_spaces(text) == to_halfwidth(text).translate(
            normalise_module._SPACES
        )


def _matches(pattern, text: str, pos: int = 0, endpos: int | None = None) -> list:
    endpos = len(text) if endpos is None else endpos
    return [(m.span(), m.groups(), m.lastgroup) for m in pattern.finditer(text, pos, endpos)]


def random_pieces(pattern: str, n: int = 600, seed: int = 5) -> list[str]:
    """Random texts made of the words and characters a pattern names, numbers and separators."""
    words = re.findall(r"[\u4e00-\u9fff]+", pattern)
    chars = sorted({ch for ch in pattern if ord(ch) > 127})
    pieces = [
        *words,
        *chars,
        *"0123456789,，。;；、:：()（）\n\t 的在项目",
        "2023",
        "1999",
        "12",
        "3.5",
        "GWh",
        "MW",
        "个",
    ]
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))) for _ in range(n)]


def test_prefiltered_patterns_match_like_the_plain_ones(normalised_corpus):
    from zhaoshang.lib.extract.amounts import PREFILTERED

    assert len(PREFILTERED) >= 5
    for fast, pattern, flags in PREFILTERED:
        plain = re.compile(pattern, flags)
        texts = normalised_corpus + random_pieces(pattern)
        rng = random.Random(11)
        for text in texts:
            assert _matches(fast, text) == _matches(plain, text), (pattern, text)
            lo = rng.randint(0, len(text))
            hi = rng.randint(lo, len(text))
            assert _matches(fast, text, lo, hi) == _matches(plain, text, lo, hi), (pattern, text)


def test_enumerations_are_the_plain_search(normalised_corpus):
    rng = random.Random(3)
    pieces = ["甲乙丙项目", "丁戊", "己庚辛壬癸子丑", "、", "、", "等5个项目", "等两个重大项目"]
    pieces += ["等12个", "项目", "，", "。", ":", "\n", "的", "个", "5"]
    texts = normalised_corpus + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(3000)
    ]
    found = 0
    for text in texts:
        plain = _matches(facts._ENUMERATION, text)
        assert [(m.span(), m.groups(), m.lastgroup) for m in facts.enumerations(text)] == plain
        found += len(plain)
    assert found > 20


AMOUNT_TEXTS = [
    "306亿元",
    "五十亿元",
    "80余亿元",
    "15亿美元",
    "6000万欧元",
    "15亿港元",
    "不超过人民币35亿元",
    "约合人民币8.6亿元",
    "人民币50,000万元",
    "约12亿元人民币",
    "超过10亿美元",
    "USD 150 million",
    "3000亿日元",
    "八亿元左右",
]


def test_read_amount_is_parse_amount_however_often_asked():
    from zhaoshang.lib.extract.amounts import read_amount

    for text in AMOUNT_TEXTS:
        amount = parse_amount(text)
        plain = (amount.value_wan, amount.qualifier.value, amount.original, amount.currency)
        assert read_amount(text) == plain
        assert read_amount(text) == plain  # remembered


def test_read_amount_sees_a_new_rate_table(monkeypatch):
    from zhaoshang.lib import money
    from zhaoshang.lib.extract.amounts import read_amount

    before = read_amount("15亿美元")
    monkeypatch.setitem(
        money.RATES, "USD", money.Rate("USD", Decimal("10"), datetime.date(2015, 12, 31), "test")
    )
    after = read_amount("15亿美元")
    assert after == (Decimal("1500000"), "exact", Decimal("150000"), "USD") != before


def test_read_amount_refuses_what_parse_amount_refuses():
    from zhaoshang.lib.extract.amounts import read_amount

    for _ in range(2):
        with pytest.raises(AmountError):
            read_amount("-5亿元")


def test_paragraph_index_by_bisection_is_the_linear_search(normalised_corpus):
    texts = [*normalised_corpus, "", "\n", "\n\n", "a\n\nb\n", "甲\n乙丙\n\n\n丁"]
    for text in texts:
        bounds = facts.paragraphs(text)
        starts = [a for a, _b in bounds]
        for at in range(-2, len(text) + 3):
            assert facts._index_in(bounds, starts, at) == facts._index_of(bounds, at), (text, at)


def test_name_runs_scan_left_like_the_character_loop(normalised_corpus):
    pieces = "的项目甲乙Ab09()（）·-+&.，。；：、！？“”\"'《》【】\n\t ,;:!?—…|>#$"
    texts = normalised_corpus + random_texts(pieces, n=300)
    rng = random.Random(4)
    for text in texts:
        runs = facts.NameRuns(text)
        for end in range(len(text) + 1):
            for floor in {0, max(0, end - 3), max(0, end - 40), end, rng.randint(0, len(text))}:
                assert runs.scan_left(end, floor) == facts._scan_left(text, end, floor)


def _find_loop(text: str, known) -> list[tuple[int, str]]:
    out = []
    for name in known:
        if len(name) < 2:
            continue
        pos = text.find(name)
        while pos >= 0:
            out.append((pos, name))
            pos = text.find(name, pos + 1)
    return out


def test_known_names_found_like_the_find_loop(normalised_corpus):
    from tests.lib.extract_corpus import known_investors

    investors = known_investors()
    tricky = ["AA", "A", "AAA", "甲乙", "甲乙丙", "乙丙", "甲乙", "", "丙"]
    texts = [*normalised_corpus, "AAAA甲乙丙甲乙", "", "甲"]
    found = 0
    for known in (investors, tricky, [], ["A"], [*tricky, *investors]):
        for text in texts:
            expected = _find_loop(text, known)
            # names given twice add nothing the second time
            seen, unique = set(), []
            for pos, name in expected:
                if (pos, name) not in seen:
                    seen.add((pos, name))
                    unique.append((pos, name))
            assert facts._known_occurrences(text, known) == unique
            found += len(unique)
    assert found > 50


def test_companies_with_many_known_names_are_the_same(normalised_corpus):
    from tests.lib.extract_corpus import known_investors

    investors = known_investors()
    for text in normalised_corpus:
        plain = _companies_plain(text, investors)
        assert [(c.start, c.end, c.name) for c in facts.find_companies(text, investors)] == plain


def _companies_plain(text: str, known) -> list[tuple[int, int, str]]:
    out = {(c.start, c.end): c for c in facts.find_companies(text, ())}  # the suffix-named ones
    for name in known:
        if len(name) < 2:
            continue
        pos = text.find(name)
        while pos >= 0:
            if not any(c.start <= pos < c.end for c in out.values()):
                out[(pos, pos + len(name))] = facts.Company(pos, pos + len(name), name)
            pos = text.find(name, pos + 1)
    return [(c.start, c.end, c.name) for c in sorted(out.values(), key=lambda c: c.start)]


def _date_near_plain(builder, lo: int, at: int):
    best = None
    for d in builder.dates:
        if d.start >= at:
            break
        if d.when is None or (d.vague and d.when != builder.reference):
            continue
        if builder.reference is not None and d.when.after(builder.reference):
            continue
        if d.start >= lo or at - d.start <= 600:
            best = d.when
    return best


def _builders():
    from tests.lib.extract_corpus import home_gazetteer, known_investors
    from zhaoshang.lib.extract import amounts

    gazetteer, investors = home_gazetteer(), known_investors()
    whole = "\n\n".join(corpus_texts())
    for text in [*corpus_texts(), whole]:
        norm = normalise_module.normalise(text).text
        for published in (None, datetime.date(2023, 3, 15)):
            reference = facts.reference_date(norm, published)
            found = amounts.find_amounts(norm)
            amounts.assign_roles(norm, found)
            yield facts.Builder(
                norm, found, reference=reference, gazetteer=gazetteer, investors=investors
            )


def test_date_near_by_bisection_is_the_plain_loop():
    rng = random.Random(9)
    checked = 0
    for builder in _builders():
        n = len(builder.text)
        for _ in range(300):
            at = rng.randint(-5, n + 5)
            lo = rng.choice([at, max(0, at - rng.randint(0, 900)), rng.randint(0, n)])
            assert builder.date_near(lo, at) == _date_near_plain(builder, lo, at)
            checked += builder.date_near(lo, at) is not None
    assert checked > 1000


def test_parse_remembered_is_parse_plain(normalised_corpus):
    from zhaoshang.lib.extract import amounts

    extra = "\n".join(AMOUNT_TEXTS) + "\n30亿至50亿元，5-8亿美元，USD 150 million，HK$3亿"
    checked = 0
    for text in [*normalised_corpus, extra]:
        for m in amounts.AMOUNT_RE.finditer(text):
            try:
                plain = amounts._parse_plain(m)
            except AmountError:
                with pytest.raises(AmountError):
                    amounts._parse(m)
                continue
            for _ in range(2):
                got = amounts._parse(m)
                assert got == plain
                assert [str(x) for x in got] == [str(x) for x in plain]
            checked += 1
    assert checked > 200


def _place_near_plain(self, start: int, end: int):
    s_lo, s_hi = self.sentence_of(start)
    lo = max([m.end for m in self.mentions if s_lo <= m.end <= start] or [s_lo])
    hi = min([m.start for m in self.mentions if end <= m.start < s_hi] or [s_hi])
    own_after = [
        p
        for p in self.places
        if end <= p.start < hi
        and facts._PLACE_VERB_END.search(self.text[max(end, p.start - 4) : p.start])
    ]
    if own_after:
        return own_after[0]
    own = [p for p in self.places if lo <= p.start < start]
    if own:
        return own[-1]
    inside = [p for p in self.places if s_lo <= p.start < s_hi]
    if inside:
        before = [p for p in inside if p.end <= start]
        return before[-1] if before else inside[0]
    p_lo, _p_hi = self.paragraph_of(start)
    before = [p for p in self.places if p_lo <= p.start < start]
    if before:
        return before[-1]
    codes = {p.code for p in self.places}
    if self.places and all(self.gazetteer.same(self.places[0].code, c) for c in codes):
        return self.places[0]
    return None


def test_place_near_by_bisection_is_the_plain_lists():
    rng = random.Random(12)
    found = 0
    for builder in _builders():
        n = len(builder.text)
        spans = [(m.start, m.end) for m in builder.mentions]
        spans += [(p.start, p.end) for p in builder.places]
        for _ in range(200):
            a = rng.randint(0, n)
            spans.append((a, min(n, a + rng.randint(0, 20))))
        for start, end in spans:
            got = builder.place_near(start, end)
            assert got == _place_near_plain(builder, start, end), (start, end)
            found += got is not None
    assert found > 500


def _mention_for_amount_plain(self, amount, s_lo: int, s_hi: int):
    text = self.text
    after = facts._OF_AFTER.match(text[amount.end : amount.end + 5])
    for i, m in enumerate(self.mentions):
        if after and amount.end + after.end() <= m.start <= amount.end + after.end() + 3:
            return i
    before = [i for i, m in enumerate(self.mentions) if s_lo <= m.start and m.end <= amount.start]
    if before:
        return before[-1]
    clause_end = next((x.start() for x in facts._CLAUSE.finditer(text, amount.end, s_hi)), s_hi)
    later = [
        i for i, m in enumerate(self.mentions) if amount.end <= m.start and m.end <= clause_end
    ]
    if later and not any(
        a.start < self.mentions[later[0]].start for a in self.amounts if a.start > amount.end
    ):
        return later[0]
    _p_lo, p_hi = self.paragraph_of(amount.start)
    if self.headline(amount.start):
        later = [i for i, m in enumerate(self.mentions) if amount.end <= m.start < p_hi]
        if later:
            return later[0]
    return None


def test_mentions_are_in_order_and_do_not_overlap():
    for builder in _builders():
        spans = [(m.start, m.end) for m in builder.mentions]
        assert all(a < b for a, b in spans)
        assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))
        places = [(p.start, p.end) for p in builder.places]
        assert all(places[i][1] <= places[i + 1][0] for i in range(len(places) - 1))


def test_mention_for_amount_by_bisection_is_the_plain_lists():
    from zhaoshang.lib.extract.amounts import Amount

    rng = random.Random(13)
    found = 0
    for builder in _builders():
        n = len(builder.text)
        probes = list(builder.amounts)
        for _ in range(150):  # amounts anywhere, right after and right before names
            near = [x for m in builder.mentions for x in (m.start, m.end)]
            a = rng.choice([rng.randint(0, n), *near])
            a = min(n, max(0, a + rng.randint(-6, 6)))
            probes.append(Amount(a, min(n, a + rng.randint(1, 6)), "", 0, "CNY", 0, "exact"))
        for amount in probes:
            s_lo, s_hi = builder.sentence_of(amount.start)
            got = builder._mention_for_amount(amount, s_lo, s_hi)
            assert got == _mention_for_amount_plain(builder, amount, s_lo, s_hi)
            found += got is not None
    assert found > 300


def test_edit_pattern_matches_like_the_plain_one():
    plain = re.compile(normalise_module._EDIT_PLAIN)
    pieces = ["項", "目", "(xiàng)", "(xiang4)", "（qiān yuē）", "( tou2 )", "(ab cd ef gh ij)"]
    pieces += [" ", "  ", "\n", "\t", "\u3000", "(", "（", ")", "a", "1", "，", "投资"]
    rng = random.Random(8)
    texts = [normalise_module.width_and_spaces(t) for t in corpus_texts()]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) for _ in range(3000)]
    glosses = 0
    for text in texts:
        got = [(m.span(), m.group()) for m in normalise_module._EDIT.finditer(text)]
        assert got == [(m.span(), m.group()) for m in plain.finditer(text)], text
        glosses += sum(not g.isspace() for _s, g in got)
    assert glosses > 100


def test_amount_pattern_groups_are_in_the_order_find_amounts_unpacks():
    from zhaoshang.lib.extract.amounts import AMOUNT_RE

    order = ["pre", "cur1", "lo", "num", "inf", "unit", "rest", "inf2", "eng", "cur", "suf"]
    assert list(AMOUNT_RE.groupindex) == order
    assert [AMOUNT_RE.groupindex[g] for g in order] == list(range(1, 12))


def _plain_amount(text):
    try:
        amount = parse_amount(text)
    except AmountError:
        return "error"
    return (amount.value_wan, amount.qualifier.value, amount.original, amount.currency)


def test_fast_amount_agrees_with_parse_amount_on_every_shape():
    from zhaoshang.lib.extract.amounts import _CURRENCY_AFTER, _QUALIFIER_BEFORE, fast_amount

    numbers = ["0", "1", "5", "12", "80", "306", "1000", "007", "50,000", "1,250,000", "3.5"]
    numbers += ["0.25", "12.50", "100.0", "1,000.5", "0.0"]
    fast = 0
    for pre in ["", *_QUALIFIER_BEFORE]:
        for rmb in ("", "人民币"):
            for num in numbers:
                for inf in ("", "余", "多"):
                    for unit in ("亿", "万"):
                        for cur in ["", *_CURRENCY_AFTER]:
                            for suf in ("", "以上", "左右"):
                                text = pre + rmb + num + inf + unit + cur + suf
                                got = fast_amount(text)
                                if got is None:
                                    continue
                                plain = _plain_amount(text)
                                assert got == plain, text
                                assert [str(x) for x in got] == [str(x) for x in plain], text
                                fast += 1
    assert fast > 5000


def test_clause_bounds_by_bisection_are_the_scans(normalised_corpus):
    from zhaoshang.lib.extract import amounts

    rng = random.Random(14)
    for text in [*normalised_corpus, "", "，", "a,b;c"]:
        n = len(text)
        probes = [(rng.randint(0, n), rng.randint(0, n)) for _ in range(300)]
        probes += [(a, a) for a in range(min(n, 40))]
        plain = [
            (amounts._clause_start(text, lo, hi), amounts._clause_end(text, lo, hi))
            for lo, hi in probes
        ]
        amounts._TEXT.splits[id(text)] = [m.start() for m in amounts._CLAUSE_SPLIT.finditer(text)]
        try:
            fast = [
                (amounts._clause_start(text, lo, hi), amounts._clause_end(text, lo, hi))
                for lo, hi in probes
            ]
        finally:
            amounts._TEXT.splits.clear()
        assert fast == plain


def _spans(ms) -> list:
    return [(m.span(), m.group(), m.lastgroup) for m in ms]


def test_keywords_found_from_anchors_are_the_plain_scan(normalised_corpus):
    from zhaoshang.lib.extract import amounts

    finder = amounts._KEYWORD_FINDER
    assert finder.automaton is not None  # the keywords are covered, not scanned plainly
    texts = normalised_corpus + random_pieces(amounts._KEYWORDS.pattern, n=3000)
    texts += ["2023年度计划投资", "年度计划投资额", "12023年计划投资", "a2023年度预计完成投资额"]
    found = 0
    for text in texts:
        plain = _spans(amounts._KEYWORDS.finditer(text))
        assert _spans(finder.matches(text)) == plain, text
        found += len(plain)
    assert found > 3000


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d{2}年度|项目\d+个|(?<!\d)年计划",
        r"(?P<a>甲乙|丙丁)|(?P<b>乙丙丁?)",
        r"(?:超|约)?\d+(?:亿|万)元",  # a way without two literals in a row: scanned plainly
        r"甲.乙丙",
        r"[甲乙]{2}丙|丁",  # 丁 alone: no anchor, scanned plainly
        r"甲乙(?=丙)|乙丙",
        r"(?i)ab|cd",  # flags: scanned plainly
    ],
)
def test_anchored_matches_are_finditer_for_any_pattern(pattern):
    from zhaoshang.lib.extract.prefilter import Anchored

    compiled = re.compile(pattern)
    finder = Anchored(compiled)
    for text in random_pieces(pattern + "甲乙丙丁12", n=2000, seed=21):
        assert _spans(finder.matches(text)) == _spans(compiled.finditer(text)), text


def test_anchors_are_found_or_the_pattern_is_scanned_plainly():
    from zhaoshang.lib.extract.prefilter import anchors

    assert anchors(re.compile(r"\d{2}年度|项目\d+个")) == {"年度": (2,), "项目": (0,)}
    assert anchors(re.compile(r"(?:超|约)?\d+亿元")) is None  # digits without end
    assert anchors(re.compile(r"(?:超|约)?\d{1,2}亿元")) == {"亿元": (1, 2, 3)}
    assert anchors(re.compile(r"[甲乙]{2}丙|丁")) is None
    assert anchors(re.compile(r"(?i)ab")) is None
