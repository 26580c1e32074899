"""Place an enterprise on industrial-chain nodes from its name, business scope, products and
industry codes, with the evidence and a confidence. Pure Python, no Django.

How a placement is decided (the rules a person can check against the evidence):

* Keywords are found with one Aho-Corasick automaton (pyahocorasick) over every node's
  keywords, leftmost-longest and without overlaps, so ``锂离子电池`` hides the ``电池`` inside
  it and ``光伏玻璃`` the ``玻璃``.
* A keyword inside a negation is ignored and reported as such: a parenthesis that says
  ``（不含危险化学品）``, ``（危险化学品除外）`` or ``（除依法须经批准的项目外）``; the rest of a
  clause after ``不含``/``不包括``/``不得``/``不从事``/``不涉及``/``禁止``; the part of a clause before
  ``除外``; ``除……外``.
* Each keyword found in the business scope takes the role of the verbs of its clause (a
  clause ends at ``，,``; when it has no verb, its sentence, ending at ``；;。``, decides):
  ``make`` when a making verb is there (制造, 生产, 加工 …), ``trade`` when only selling verbs
  are (销售, 批发, 零售, 进出口 …), ``neutral`` otherwise (研发, 技术服务, or no verb).
* Weights, combined per node as independent pieces of evidence (1 - Π(1 - w)):
  name 0.5, products 0.5, projects' names 0.5, scope ``make`` 0.55, scope ``neutral`` 0.4, scope ``trade`` 0.15,
  an industry code equal to one of the node's codes 0.5 when no other node has that code,
  else 0.3 (an ambiguous code alone does not place a firm, it only adds to keywords).
* A firm whose only evidence for a node is selling it (``trade`` hits) is a trader there,
  not a maker: its confidence is capped at 0.3, below the default threshold of 0.35, so it
  is not placed unless the threshold is lowered. Industry codes of wholesale and retail
  (divisions 51 and 52) are not evidence of making anything.

With a `Vocabulary` (the placement vocabulary beside the chain maps), the main business
decides:

* The first ``HEAD_ITEMS`` activities of each section of a scope (一般项目, 许可项目) and every
  licensed activity are its head; a keyword further down the tail weighs ``TAIL_FACTOR`` as
  much, so a long list of incidental activities does not place a firm on five chains.
* Generic words (软件开发, 技术服务, 电子元器件, 模具 …) weigh at most ``W_GENERIC`` and never
  place a firm alone: a node whose evidence is only generic words is capped like a trader's.
* Service verbs (施工, 安装, 咨询, 投资 …) make a clause a service, weighed like selling.
* A firm whose name says it is a shop, trader, consultancy, investor or builder, whose industry
  code is in such a division, or whose head lists only selling and services is not a maker:
  a node is kept only where a non-generic keyword is made (``evidence()["not_maker"]`` says why).
* Masks (富氢水, 航天模型 …) are found first and hide the keywords inside them.
* A chain that narrows another (第三代半导体 narrows 特色半导体): when a firm is placed on both,
  the words each has that the other lacks decide. Only shared words on the child: the parent
  (general) chain keeps the firm; the parent's own words too weak or weaker than the child's:
  the child keeps it; both strong: both stay. Dependent nodes (a wide-bandgap chain's
  applications) count only beside another node of their chain.
* Developing (研发, 开发) is neither making nor selling; evidence found only in the tail never
  places a firm; a word inside another word of the same node counts once; 的 is dropped
  before reading (集成电路的设计); the registry's closing boilerplate reads as a sentence end.

Example::

    >>> c = Classifier([NodeSpec("pv-glass", ("光伏玻璃",), ("3042",))])
    >>> [m.node for m in c.classify(scope="光伏玻璃的研发、生产和销售")]
    ['pv-glass']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import ahocorasick  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "Classifier",
    "Hit",
    "Match",
    "NodeSpec",
    "Vocabulary",
]

DEFAULT_MIN_CONFIDENCE = 0.35
TRADER_CAP = 0.3

W_NAME = 0.5
W_PRODUCTS = 0.5
W_MAKE = 0.55
W_NEUTRAL = 0.4
W_TRADE = 0.15
W_CODE = 0.5
W_CODE_AMBIGUOUS = 0.3
AMBIGUOUS_CODE_NODES = 1
TRADE_DIVISIONS = ("51", "52")
W_GENERIC = 0.2
# The registry's closing sentences, in nearly every scope; read as a sentence end
BOILERPLATE = (
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "(除依法须经批准的项目外，凭营业执照依法自主开展经营活动)",
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）",
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
    "(依法须经批准的项目，经相关部门批准后方可开展经营活动)",
)
HEAD_ITEMS = 3
# however few of them name a chain's word, activities this far down a section are its tail
HEAD_SPAN = 8
# head generic words of one chain that together name a firm's main business
GENERIC_MAIN = 3
TAIL_FACTOR = 0.5

MAKE_VERBS = (
    "制造", "生产", "加工", "制作", "制备", "组装", "装配", "冶炼", "轧制", "铸造", "锻造",
    "合成", "纺纱", "织造", "印染", "提纯", "拉晶", "封装", "总装", "精炼",
)  # fmt: skip
TRADE_VERBS = (
    "销售", "批发", "零售", "经销", "代销", "代理", "进出口", "贸易", "购销", "分销", "采购",
    "网上销售", "互联网销售",
)  # fmt: skip


def _b(text: str) -> str:
    """`text` as its UTF-8 bytes, one character per byte (latin-1).

    The automaton walks this form: its root then has a handful of children (UTF-8 lead
    bytes) instead of one per distinct first character, which is several times faster in
    pyahocorasick. UTF-8 is self-synchronising, so a word found here is that word in the
    text.
    """
    return text.encode("utf-8").decode("latin-1")


# What else the automaton reports besides keywords, found in the same pass.
(SENTENCE, CLAUSE, OPEN, CLOSE, MAKE, TRADE, NEGATE, EXCEPT, CHU, WAI, SECTION, LICENSED, MASK,
 DEVELOP) = range(14)  # fmt: skip
KEYWORD = 100
# a verb or a closing parenthesis right before a sentence end (销售；, ）；): one word for the
# automaton, read as the two (the registry writes almost every activity so; this halves the
# words the reading loop walks)
ENDING = 50
SENTENCE_ENDS = "；;。\n"
# sentences of scopes remembered per classifier (about 500 bytes each with what was found, so
# about 10 MB at most); forgotten all at once when full
PIECE_CACHE = 20_000
CUES: list[tuple[str, int]] = [
    *((c, SENTENCE) for c in "；;。\n"),
    *((c, CLAUSE) for c in "，,"),
    *((c, OPEN) for c in "（("),
    *((c, CLOSE) for c in "）)"),
    *((v, MAKE) for v in MAKE_VERBS),
    *((v, TRADE) for v in TRADE_VERBS),
    *((w, NEGATE) for w in ("不含", "不包括", "不得", "不从事", "不涉及", "禁止")),
    ("除外", EXCEPT),
    ("除", CHU),
    ("外", WAI),
    ("一般项目", SECTION),
    ("一般经营项目", SECTION),
    ("许可项目", LICENSED),
    ("许可经营项目", LICENSED),
    # developing is not selling: 软件的开发、销售 is a developer's clause (neutral), not a trader's
    *((v, DEVELOP) for v in ("研发", "开发", "研制")),
]
# 除尘, 除湿, 除锈 … are products and 去除, 消除 … verbs: neither opens a 除……外
_FULL_STOP, _SEMICOLON = _b("。"), _b("；")
_SENTENCE_SPLIT = re.compile("|".join(re.escape(_b(c)) for c in SENTENCE_ENDS)).split
_CHU_NOT_AFTER = frozenset(_b(c) for c in "去消排清剔删摘")
_CHU_NOT_BEFORE = frozenset(_b(c) for c in "尘湿锈草菌臭垢霜雾冰油渣磷硫氮味杂胶蜡")


@dataclass(frozen=True)
class NodeSpec:
    """A node as the classifier sees it: an id, its keywords and its GB/T 4754 class codes;
    `chain` and `code` (the chain's and the node's codes) for the vocabulary's chain rules."""

    node: str
    keywords: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    chain: str = ""
    code: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """The placement vocabulary (see the module's docstring); empty: the plain keyword rules."""

    generic: frozenset[str] = frozenset()
    masks: tuple[str, ...] = ()
    service_verbs: tuple[str, ...] = ()
    non_maker_names: tuple[str, ...] = ()
    non_maker_divisions: frozenset[str] = frozenset()
    narrows: tuple[tuple[str, str], ...] = ()  # (child chain, parent chain)
    dependent_nodes: frozenset[str] = frozenset()  # "chain/node"

    @property
    def main_business(self) -> bool:
        return bool(self.generic or self.non_maker_names or self.service_verbs)


class Hit(NamedTuple):
    """One keyword found: where (name, scope, products), in which role, with what weight;
    `tail` when it sits after the head of its scope section, `generic` for a generic word.
    (A named tuple: made for every placed node of millions of firms.)"""

    keyword: str
    where: str
    role: str
    weight: float
    tail: bool = False
    generic: bool = False


@dataclass
class Match:
    node: str
    confidence: float
    hits: list[Hit] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)
    trader_only: bool = False
    not_maker: str = ""

    def evidence(self) -> dict[str, Any]:
        """JSON-friendly evidence: keywords with where and role, codes, ignored keywords."""
        keywords = []
        for h in self.hits:
            item: dict[str, Any] = {"keyword": h.keyword, "where": h.where, "role": h.role}
            if h.tail:
                item["tail"] = True
            if h.generic:
                item["generic"] = True
            keywords.append(item)
        out: dict[str, Any] = {"keywords": keywords, "codes": list(self.codes)}
        if self.negated:
            out["negated"] = list(self.negated)
        if self.trader_only:
            out["trader_only"] = True
        if self.not_maker:
            out["not_maker"] = self.not_maker
        return out


_SCOPE_WEIGHTS = {"make": W_MAKE, "neutral": W_NEUTRAL, "trade": W_TRADE}
_ROLE_NAMES = {MAKE: "make", TRADE: "trade"}


class Classifier:
    """Built once from the nodes; `classify` is then called for each enterprise.

    `engine="naive"` finds the words by checking each one with `str.find`, word by word:
    the same answers, slower; the benchmark compares the two.
    """

    def __init__(
        self,
        nodes: Iterable[NodeSpec],
        *,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.min_confidence = min_confidence
        self.vocabulary = vocab = vocabulary or Vocabulary()
        self.nodes: list[NodeSpec] = list(nodes)
        owners: dict[str, list[int]] = {}
        by_code: dict[str, list[int]] = {}
        for index, spec in enumerate(self.nodes):
            for keyword in spec.keywords:
                key = keyword.strip().lower()
                if key and index not in owners.setdefault(key, []):
                    owners[key].append(index)
            for code in spec.industry_codes:
                if index not in by_code.setdefault(code, []):
                    by_code[code].append(index)
        for phrase in vocab.generic:
            # a generic phrase (人工智能应用软件开发) belongs where the longest keyword in it does
            if phrase not in owners:
                inner = [kw for kw in owners if kw in phrase]
                if inner:
                    owners[phrase] = owners[max(inner, key=len)]
        self.keywords: list[tuple[str, tuple[int, ...]]] = [
            (k, tuple(v)) for k, v in sorted(owners.items())
        ]
        self.generic = [kw in vocab.generic for kw, _nodes in self.keywords]
        self.by_code = {code: tuple(v) for code, v in by_code.items()}
        self.chain_of = [spec.chain for spec in self.nodes]
        self.dependent = [f"{s.chain}/{s.code}" in vocab.dependent_nodes for s in self.nodes]
        self.narrows = dict(vocab.narrows)
        self.non_maker_name = (
            re.compile("|".join(re.escape(w) for w in vocab.non_maker_names))
            if vocab.non_maker_names
            else None
        )
        k = len(self.keywords)
        # every word the automaton knows: keywords first (index < k), then the cues
        words = [kw for kw, _nodes in self.keywords]
        self.kinds: list[int] = [KEYWORD] * k
        position = {w: i for i, w in enumerate(words)}
        cues = [
            *CUES,
            # the registry's closing sentences say nothing about the firm: each is one word
            # that ends a sentence, and hides the words inside it
            *((b.replace("的", ""), SENTENCE) for b in BOILERPLATE),
            *((v, TRADE) for v in vocab.service_verbs),
            *((m.lower(), MASK) for m in vocab.masks),
        ]
        # a keyword that ends in a making verb (金冶炼, 铜冶炼) makes its clause a making one,
        # as the verb would had the automaton not taken the longer word
        for i, kw in enumerate(words):
            if kw.endswith(MAKE_VERBS):
                self.kinds[i] = KEYWORD + MAKE
        for cue, kind in cues:
            if cue in position:
                if kind in (MAKE, TRADE) and position[cue] < k:
                    self.kinds[position[cue]] = KEYWORD + kind  # a keyword that is a verb too
                continue
            position[cue] = len(words)
            words.append(cue)
            self.kinds.append(kind)
        for cue, kind in list(position.items()):
            kind = self.kinds[kind]
            if kind not in (MAKE, TRADE, CLOSE):
                continue  # keywords that are verbs too stay keywords
            for end in SENTENCE_ENDS:
                # a keyword starting inside the verb would be hidden: none does (checked)
                if cue + end not in position and not any(
                    w.startswith(cue[i:]) for w in words[:k] for i in range(1, len(cue))
                ):
                    position[cue + end] = len(words)
                    words.append(cue + end)
                    self.kinds.append(ENDING + kind)
        self.encoded = [(_b(w), len(_b(w))) for w in words]
        self.lengths = [length for _word, length in self.encoded]
        self.automaton = ahocorasick.Automaton()
        for i, (word, _length) in enumerate(self.encoded):
            self.automaton.add_word(word, i)
        self.automaton.make_automaton()
        self._pieces: dict[str, tuple] = {}  # see _sentences

    # --- finding words ------------------------------------------------------------------

    def _find(self, t: str, engine: str) -> Iterable[tuple[int, int]]:
        """(end, word index) of each word found in the byte form `t`, in order,
        leftmost-longest, no overlaps (`end` is the index of its last byte)."""
        if engine == "naive":
            return self._find_naive(t)
        found: Iterable[tuple[int, int]] = self.automaton.iter_long(t)
        return found

    def _find_naive(self, t: str) -> list[tuple[int, int]]:
        found: list[tuple[int, int, int]] = []
        for index, (word, length) in enumerate(self.encoded):
            start = t.find(word)
            while start >= 0:
                found.append((start, -length, index))
                start = t.find(word, start + 1)
        found.sort()
        out: list[tuple[int, int]] = []
        covered = 0
        for start, neg_len, index in found:
            if start >= covered:
                out.append((start - neg_len - 1, index))
                covered = start - neg_len
        return out

    # --- reading one text ---------------------------------------------------------------

    def _read(
        self, t: str, engine: str, *, scope: bool = False
    ) -> tuple[list[tuple[int, bool, str, bool]], bool]:
        """(keyword index, negated, role, in the tail) for each keyword in the byte form `t`,
        and whether the head of the text lists only selling and services.

        A sentence is an activity; its place in its section (一般项目, 许可项目) decides head
        or tail. A scope is read sentence by sentence (`_sentences`), each sentence once per
        classifier: registries write the same standard activities (日用百货销售, 货物进出口)
        in millions of scopes.
        """
        main_business = scope and self.vocabulary.main_business
        read = self._sentences(t, engine) if main_business else None
        if read is None:
            read = self._scan(t, engine)[:4]
        judged, sentence_role, sections, last = read
        if not judged:
            return [], False
        head_sentences, head_roles = (
            self._tail(judged, sections, sentence_role, last) if main_business else (None, set())
        )
        out = []
        for index, negated, role, s, c, in_paren in judged:
            tail = head_sentences is not None and s not in head_sentences
            if main_business and not tail and not in_paren and c >= HEAD_SPAN:
                # a scope written as one long sentence of comma-separated activities (生产电路板，
                # 销售自产产品，……，工业机器人制造): a clause this far into its sentence is tail
                tail = True
            out.append((index, negated, _ROLE_NAMES.get(role, "neutral"), tail))
        # the head sells and serves only: some head sentence has a selling or service verb and
        # none a making verb nor a keyword with no verb at all (研发 …, an unnamed activity)
        if not main_business:
            return out, False
        generic = self.generic
        sells_only = (
            TRADE in head_roles
            and MAKE not in head_roles
            and DEVELOP not in head_roles
            and not any(
                r == "neutral" and not tail and not generic[i] for i, n, r, tail in out if not n
            )
        )
        return out, sells_only

    def _sentences(self, t: str, engine: str):
        """`_scan(t)[:4]` put together from `t`'s sentences (ending at ；;。), each scanned alone
        and remembered (the automaton engine only: the naive one reads the whole text, so the
        benchmark's comparison checks that the two agree). None when a parenthesis spans a
        sentence end: then the whole text is scanned."""
        if engine == "naive":
            return None
        cache = self._pieces
        judged: list = []
        sentence_role: dict[int, int] = {}
        sections: list[tuple[int, bool]] = [(0, False)]
        offset = 0
        if ";" in t or "\n" in t:
            pieces = _SENTENCE_SPLIT(t)
        else:  # the common case: the full-width marks only, split in C
            pieces = t.replace(_FULL_STOP, _SEMICOLON).split(_SEMICOLON)
        for piece in pieces:
            got = cache.get(piece)
            if got is None:
                j, roles, secs, last, open_paren = self._scan(piece + "\x00", engine)
                if not j and len(secs) == 1 and not last and not open_paren:
                    got = roles.get(0, 0)  # one sentence, no keyword: its verb kind alone
                else:
                    got = (tuple(j), tuple(roles.items()), tuple(secs[1:]), last, open_paren)
                if len(cache) >= PIECE_CACHE:
                    cache.clear()
                cache[piece] = got
            if got.__class__ is int:
                if got:
                    sentence_role[offset] = got
                offset += 1
                continue
            j, roles, secs, last, open_paren = got
            if open_paren:
                return None
            if offset:
                if j:
                    judged.extend((i, n, r, s + offset, c, p) for i, n, r, s, c, p in j)
                for s, role in roles:
                    sentence_role[s + offset] = role
                if secs:
                    sections.extend((s + offset, licensed) for s, licensed in secs)
            else:
                judged.extend(j)
                sentence_role.update(roles)
                sections.extend(secs)
            offset += last + 1
        return judged, sentence_role, sections, offset - 1

    def _scan(self, t: str, engine: str):
        """One pass over what the automaton found in `t` numbers the clauses (ending at ，,；;。),
        sentences (ending at ；;。) and parentheses, and notes per clause and parenthesis the
        verbs and the negations; each keyword is then judged by its clause.

        Returns (keywords as (index, negated, verb kind, sentence, clause within its sentence,
        inside a parenthesis), the verb kind of each sentence, the sections as (first sentence,
        licensed), the last sentence, whether a parenthesis is open at the end)."""
        kinds, lengths = self.kinds, self.lengths
        clause = sentence = 0
        paren = -1
        groups = 0
        keywords: list[tuple[int, int, int, int, int]] = []
        clause_role: dict[int, int] = {}
        sentence_role: dict[int, int] = {}
        negate_from: dict[int, int] = {}
        except_at: dict[int, int] = {}
        chu: dict[int, int] = {}
        wai: dict[int, int] = {}
        paren_neg: set[int] = set()
        paren_chu: dict[int, int] = {}
        paren_wai: dict[int, int] = {}
        sections: list[tuple[int, bool]] = [(0, False)]  # (first sentence, licensed)
        # kinds: a cue's kind; KEYWORD for a keyword; KEYWORD + MAKE/TRADE for one that is
        # also a verb (铸造, 合成). Most frequent first.
        c_role = s_role = 0  # verbs of the current clause and sentence
        sentence_first = [0]  # the first clause of each sentence
        for end, index in self._find(t, engine):
            kind = kinds[index]
            # the most frequent first: a verb or ）before a sentence end, a sentence end, a
            # selling verb
            if ENDING <= kind < KEYWORD:
                kind -= ENDING
                if kind == CLOSE:
                    paren = -1
                elif paren < 0:  # a verb inside a parenthesis says nothing
                    if kind == MAKE:
                        c_role = s_role = MAKE
                    else:
                        if c_role == 0:
                            c_role = TRADE
                        if s_role == 0:
                            s_role = TRADE
                kind = SENTENCE
            if kind == SENTENCE:
                if c_role:
                    clause_role[clause] = c_role
                    c_role = 0
                if s_role:
                    sentence_role[sentence] = s_role
                    s_role = 0
                clause += 1
                sentence += 1
                sentence_first.append(clause)
                continue
            if kind == TRADE:
                if paren < 0:  # a verb inside a parenthesis (不含许可类…经营) says nothing
                    if c_role == 0:
                        c_role = TRADE
                    if s_role == 0:
                        s_role = TRADE
                continue
            if kind == CLAUSE:
                if c_role:
                    clause_role[clause] = c_role
                    c_role = 0
                clause += 1
                continue
            if kind >= KEYWORD:
                keywords.append((index, end - lengths[index] + 1, clause, sentence, paren))
                if kind == KEYWORD:
                    continue
                kind -= KEYWORD
            if kind == MAKE or kind == TRADE or kind == DEVELOP:
                if paren >= 0:
                    continue  # a verb inside a parenthesis (不含许可类…经营) says nothing
                # MAKE beats DEVELOP beats TRADE
                if kind == MAKE or c_role == 0 or (kind == DEVELOP and c_role == TRADE):
                    c_role = kind
                if kind == MAKE or s_role == 0 or (kind == DEVELOP and s_role == TRADE):
                    s_role = kind
            elif kind == SECTION or kind == LICENSED:
                if paren >= 0:
                    continue
                # a new section starts its own head
                if c_role:
                    clause_role[clause] = c_role
                    c_role = 0
                if s_role:
                    sentence_role[sentence] = s_role
                    s_role = 0
                clause += 1
                sentence += 1
                sentence_first.append(clause)
                sections.append((sentence, kind == LICENSED))
            elif kind == OPEN:
                groups += 1
                paren = groups
            elif kind == CLOSE:
                paren = -1
            elif kind == NEGATE or kind == EXCEPT:
                start = end - lengths[index] + 1
                if paren >= 0:
                    paren_neg.add(paren)
                elif kind == NEGATE:
                    negate_from.setdefault(clause, start)
                else:
                    except_at[clause] = start
            elif kind == CHU:
                start = end - 2
                if (
                    t[start - 3 : start] in _CHU_NOT_AFTER
                    or t[start + 3 : start + 6] in _CHU_NOT_BEFORE
                ):
                    continue
                if paren >= 0:
                    paren_chu.setdefault(paren, start)
                else:
                    chu.setdefault(clause, start)
            elif kind == WAI:
                start = end - 2
                if paren >= 0:
                    paren_wai[paren] = start
                else:
                    wai[clause] = start
        if c_role:
            clause_role[clause] = c_role
        if s_role:
            sentence_role[sentence] = s_role
        sentence_first.append(clause + 1)
        judged = []
        for index, start, c, s, p in keywords:
            if p >= 0:
                negated = p in paren_neg or paren_chu.get(p, start) < start < paren_wai.get(p, -1)
            else:
                negated = (
                    negate_from.get(c, start) < start
                    or except_at.get(c, -1) > start
                    or chu.get(c, start) < start < wai.get(c, -1)
                )
            role = clause_role.get(c, 0)
            if not role:
                # an enumeration whose verb comes last (日用百货，纺织品，汽车配件的销售): a
                # clause without a verb takes the verbs of the next clause of its sentence
                # that has some, else its sentence's
                for after in range(c + 1, sentence_first[s + 1]):
                    role = clause_role.get(after, 0)
                    if role:
                        break
                else:
                    role = sentence_role.get(s, 0)
            judged.append((index, negated, role, s, c - sentence_first[s], p >= 0))
        return judged, sentence_role, sections, sentence, paren >= 0

    def _tail(
        self, keywords, sections, sentence_role, last: int
    ) -> tuple[set[int] | None, set[int]]:
        """The head of a scope: the sentences (activities) before the tail of their section.
        A section's head is its first HEAD_ITEMS activities that name a non-generic keyword or
        a making verb (activities naming neither, such as 发电 or 道路运输, are skipped), and
        never reaches HEAD_SPAN activities down; a licensed section is all head. None when
        the scope is too short to have a tail. Also returns the verbs (MAKE, TRADE) of the
        head's activities. Only the head is walked: the tail is every other sentence."""
        if last < HEAD_ITEMS:
            return None, set(sentence_role.values())  # too short to have a tail
        generic = self.generic
        named = {k[3] for k in keywords if not generic[k[0]]}
        for s, role in sentence_role.items():
            if role == MAKE:
                named.add(s)
        head: set[int] = set()
        bounds = [*sections, (last + 1, False)]
        for (first, licensed), (nxt, _l) in itertools.pairwise(bounds):
            if licensed:
                head.update(range(first, nxt))
                continue
            seen = 0
            for s in range(first, min(nxt, first + HEAD_SPAN)):
                if seen >= HEAD_ITEMS:
                    break
                head.add(s)
                if s in named:
                    seen += 1
        roles = {role for s, role in sentence_role.items() if s in head}
        return head, roles

    # --- classifying --------------------------------------------------------------------

    def _not_maker(self, name: str, industry_codes: Iterable[str]) -> str:
        vocab = self.vocabulary
        found = self.non_maker_name.search(name) if self.non_maker_name else None
        if found:
            return f"name: {found.group()}"
        for code in industry_codes:
            if code and code[:2] in vocab.non_maker_divisions:
                return f"code: {code}"
        return ""

    def classify(
        self,
        *,
        name: str = "",
        scope: str = "",
        products: str = "",
        projects: str = "",
        industry_codes: Iterable[str] = (),
        engine: str = "automaton",
        min_confidence: float | None = None,
    ) -> list[Match]:
        """Nodes this enterprise belongs to, most confident first.

        `name` may hold the name and its aliases; `products` a product list; `projects` the
        names and descriptions of its projects; `industry_codes` GB/T 4754-2017 class codes.
        """
        threshold = self.min_confidence if min_confidence is None else min_confidence
        industry_codes = list(industry_codes)
        vocab_on = self.vocabulary.main_business
        # node -> (keyword, where) -> (weight, role, tail, generic); a keyword counts once, at its best
        best: dict[int, dict[tuple[str, str], tuple[float, str, bool, bool]]] = {}
        negated: dict[int, list[str]] = {}
        keywords, generic = self.keywords, self.generic
        sells_only = False
        for where, text in (
            ("name", name),
            ("products", products),
            ("projects", projects),
            ("scope", scope),
        ):
            if not text:
                continue
            text = text.lower()
            # 的 dropped: 集成电路的设计 reads as 集成电路设计, 光伏玻璃的生产 as 光伏玻璃生产
            # the automaton (iter_long) drops a word that ends the input right where a longer
            # word could have gone on (梯次利用电池生产 beside 电池生产设备): a NUL ends it
            found, head_sells = self._read(
                _b(text.replace("的", "")) + "\x00", engine, scope=where == "scope"
            )
            if where == "scope":
                sells_only = head_sells
            for index, is_negated, role, tail in found:
                keyword, owners = keywords[index]
                if is_negated:
                    for node in owners:
                        negated.setdefault(node, []).append(keyword)
                    continue
                is_generic = generic[index]
                if where == "scope":
                    weight = _SCOPE_WEIGHTS[role]
                    if vocab_on and tail and role != "trade":
                        weight *= TAIL_FACTOR
                else:
                    role, tail = "neutral", False
                    weight = W_NAME if where == "name" else W_PRODUCTS
                if is_generic:
                    weight = min(weight, W_GENERIC)
                key = (keyword, where)
                value = (weight, role, tail and vocab_on, is_generic)
                for node in owners:
                    found_node = best.get(node)
                    if found_node is None:
                        best[node] = {key: value}
                    else:
                        old = found_node.get(key)
                        if old is None or old[0] < weight:
                            found_node[key] = value
        codes: dict[int, list[str]] = {}
        if industry_codes:
            for code in dict.fromkeys(c.strip() for c in industry_codes if c):
                if code[:2] in TRADE_DIVISIONS:
                    continue
                for node in self.by_code.get(code, ()):
                    codes.setdefault(node, []).append(code)
        not_maker = ""
        if vocab_on:
            not_maker = self._not_maker(name, industry_codes) or (
                "scope: sells and serves only" if sells_only else ""
            )
        scored: dict[int, tuple[float, bool, str]] = {}
        for node in best.keys() | codes.keys() if codes else best:
            node_hits = best.get(node, {})
            node_codes = codes.get(node, []) if codes else []
            missing = 1.0
            trader = not node_codes
            only_generic = True
            only_tail = vocab_on
            makes = False
            if vocab_on and len(node_hits) > 1:
                node_hits = _outer_words(node_hits)
            for (_k, where), (weight, role, tail, is_generic) in node_hits.items():
                missing *= 1.0 - weight
                if not tail:
                    only_tail = False
                if role != "trade":
                    trader = False
                if not is_generic:
                    only_generic = False
                    if role == "make" and where == "scope":
                        makes = True
            for code in node_codes:
                ambiguous = len(self.by_code[code]) > AMBIGUOUS_CODE_NODES
                missing *= 1.0 - (W_CODE_AMBIGUOUS if ambiguous else W_CODE)
            confidence = 1.0 - missing
            reason = ""
            if trader or (vocab_on and (only_generic or only_tail) and not node_codes):
                confidence = min(confidence, TRADER_CAP)
            elif not_maker and not makes:
                confidence = min(confidence, TRADER_CAP)
                reason = not_maker
            scored[node] = (round(min(confidence, 0.99), 3), trader, reason)
        if vocab_on:
            if not not_maker:
                self._generic_main(scored, best, threshold)
            self._chain_rules(scored, best, threshold)
        matches = []
        for node, (confidence, trader, reason) in scored.items():
            if confidence < threshold:
                continue
            node_hits = best.get(node, {})
            matches.append(
                Match(
                    node=self.nodes[node].node,
                    confidence=confidence,
                    hits=[
                        Hit(k, w, role, weight, tail, is_generic)
                        for (k, w), (weight, role, tail, is_generic) in node_hits.items()
                    ],
                    codes=codes.get(node, []) if codes else [],
                    negated=sorted(set(negated[node])) if node in negated else [],
                    trader_only=trader,
                    not_maker=reason,
                )
            )
        matches.sort(key=lambda m: (-m.confidence, m.node))
        return matches

    def _generic_main(self, scored: dict, best: dict, threshold: float) -> None:
        """A firm placed nowhere whose scope's head lists only one chain's generic words, at
        least GENERIC_MAIN of them and none sold (软件开发；信息系统集成服务；数据处理服务 …):
        that is its main business, written in the registry's standard wording. Its most
        confident node of that chain is placed at the threshold."""
        for c, _t, _r in scored.values():
            if c >= threshold:
                return
        per_chain: dict[str, set[str]] = {}
        for node, hits in best.items():
            for (k, where), (_weight, role, tail, is_generic) in hits.items():
                if where != "scope" or tail or role == "trade":
                    continue
                if not is_generic:
                    return  # a named product decides, not the generic words
                per_chain.setdefault(self.chain_of[node], set()).add(k)
        if len(per_chain) != 1:
            return
        ((chain, words),) = per_chain.items()
        if len(words) < GENERIC_MAIN:
            return
        nodes = [n for n in scored if self.chain_of[n] == chain]
        top = max(nodes, key=lambda n: (scored[n][0], -n))
        scored[top] = (threshold, scored[top][1], "")

    def _chain_rules(self, scored: dict, best: dict, threshold: float) -> None:
        """Dependent nodes need a placed sibling of their chain; a narrowing (child) chain
        drops its parent unless the parent has placed nodes on words the child lacks."""
        chain_of = self.chain_of
        if len(scored) == 1 and not self.dependent[next(iter(scored))]:
            return
        placed = {n for n, (c, _t, _r) in scored.items() if c >= threshold}
        if not placed or (len(placed) == 1 and not self.dependent[next(iter(placed))]):
            return
        if len({chain_of[n] for n in placed}) < 2 and not any(self.dependent[n] for n in placed):
            return  # one chain, nothing dependent: the common case, nothing to decide
        independent = {chain_of[n] for n in placed if not self.dependent[n]}
        for n in placed:
            if self.dependent[n] and chain_of[n] not in independent:
                scored[n] = (min(scored[n][0], TRADER_CAP), scored[n][1], scored[n][2])
        placed = {n for n, (c, _t, _r) in scored.items() if c >= threshold}
        chains = {chain_of[n] for n in placed}
        for child, parent in self.narrows.items():
            if child not in chains or parent not in chains:
                continue
            words = {
                chain: {k for n in placed if chain_of[n] == chain for (k, _w) in best.get(n, {})}
                for chain in (child, parent)
            }

            def own(chain: str, other: str, words: dict = words) -> float:
                missing = 1.0
                for n in placed:
                    if chain_of[n] != chain:
                        continue
                    for (k, _w), (weight, _r, _t, is_generic) in best.get(n, {}).items():
                        if k not in words[other] and not is_generic:
                            missing *= 1.0 - weight
                return 1.0 - missing

            own_child, own_parent = own(child, parent), own(parent, child)
            if own_child < threshold:
                drop, why = child, f"words shared with {parent}"  # the general chain covers it
            elif own_parent < threshold or own_parent < own_child:
                drop, why = parent, f"narrowed by {child}"
            else:
                continue
            for n in placed:
                if chain_of[n] == drop:
                    scored[n] = (min(scored[n][0], TRADER_CAP), scored[n][1], why)
        self._incidental_chains(scored, best, threshold)

    def _incidental_chains(self, scored: dict, best: dict, threshold: float) -> None:
        """A chain placed on one word of the scope alone, beside a chain the firm's main business
        names with several words and more strongly, is incidental (a software firm's 工业自动化
        技术 beside its software; a drug maker's one textile word beside its drugs): it is
        dropped, and its evidence says why. A word the chain maps put on both chains (风电轴承)
        places both."""
        chain_of = self.chain_of
        placed = [n for n, (c, _t, _r) in scored.items() if c >= threshold]
        per_chain: dict[str, dict[str, float]] = {}
        named: set[str] = set()  # chains the firm's name speaks for
        for n in placed:
            words = per_chain.setdefault(chain_of[n], {})
            for (k, where), (weight, _r, _t, is_generic) in best.get(n, {}).items():
                if where == "name":
                    named.add(chain_of[n])
                if not is_generic and weight > words.get(k, 0.0):
                    words[k] = weight
        if len(per_chain) < 2:
            return
        self._weak_beside_maker(scored, best, threshold, placed)
        placed = [n for n, (c, _t, _r) in scored.items() if c >= threshold]
        per_chain = {c: w for c, w in per_chain.items() if any(chain_of[n] == c for n in placed)}
        if len(per_chain) < 2:
            return
        strength = {}
        for chain, words in per_chain.items():
            missing = 1.0
            for weight in words.values():
                missing *= 1.0 - weight
            strength[chain] = 1.0 - missing
        main = max(per_chain, key=lambda c: (len(per_chain[c]), strength[c]))
        if len(per_chain[main]) < 2:
            return
        for chain, words in per_chain.items():
            if chain == main or len(words) != 1 or strength[chain] >= strength[main]:
                continue
            if chain in named:
                continue
            if words.keys() & per_chain[main].keys():
                continue  # a word the maps put on both chains (风电轴承, 医用纺织) places both
            for n in placed:
                if chain_of[n] == chain:
                    why = f"incidental beside {main}"
                    scored[n] = (min(scored[n][0], TRADER_CAP), scored[n][1], why)

    def _weak_beside_maker(self, scored: dict, best: dict, threshold: float, placed) -> None:
        """A chain whose whole evidence is one word the scope names without making it (研发,
        技术服务, no verb), beside a chain the firm makes or is named for, is incidental: a
        motor maker's 计算机软件开发 does not make it a software firm."""
        chain_of = self.chain_of
        made: set[str] = set()  # chains made in the scope or named in the name
        weak: dict[str, set[str]] = {}
        strong: set[str] = set()
        for n in placed:
            chain = chain_of[n]
            for (k, where), (_weight, role, _t, is_generic) in best.get(n, {}).items():
                if is_generic:
                    continue
                if where == "name" or (where == "scope" and role == "make"):
                    made.add(chain)
                    strong.add(chain)
                elif where == "scope" and role == "neutral":
                    weak.setdefault(chain, set()).add(k)
                else:
                    strong.add(chain)
        if not made:
            return
        for chain, words in weak.items():
            if chain in strong or len(words) != 1:
                continue
            for n in placed:
                if chain_of[n] == chain:
                    why = f"incidental beside {min(made)}"
                    scored[n] = (min(scored[n][0], TRADER_CAP), scored[n][1], why)

    def chains_of(self, **kwargs: Any) -> set[str]:
        """The chains (codes of `NodeSpec.chain`) any placed node belongs to."""
        return {self.nodes_by_id[m.node].chain for m in self.classify(**kwargs)}

    @property
    def nodes_by_id(self) -> dict[str, NodeSpec]:
        cached = self.__dict__.get("_nodes_by_id")
        if cached is None:
            cached = self.__dict__["_nodes_by_id"] = {s.node: s for s in self.nodes}
        return cached


def _outer_words(node_hits: dict) -> dict:
    """The hits of a node without the words found inside another of its words at the same
    place (物联网 beside 物联网技术服务 counts once: one activity, not three pieces of evidence)."""
    keys = list(node_hits)
    inner = {
        (k, where) for k, where in keys for k2, w2 in keys if k != k2 and where == w2 and k in k2
    }
    if not inner:
        return node_hits
    return {key: value for key, value in node_hits.items() if key not in inner}
