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

Example::

    >>> c = Classifier([NodeSpec("pv-glass", ("光伏玻璃",), ("3042",))])
    >>> [m.node for m in c.classify(scope="光伏玻璃的研发、生产和销售")]
    ['pv-glass']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "Classifier",
    "Hit",
    "Match",
    "NodeSpec",
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
SENTENCE, CLAUSE, OPEN, CLOSE, MAKE, TRADE, NEGATE, EXCEPT, CHU, WAI = range(10)
KEYWORD = 100
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
]
# 除尘, 除湿, 除锈 … are products and 去除, 消除 … verbs: neither opens a 除……外
_CHU_NOT_AFTER = frozenset(_b(c) for c in "去消排清剔删摘")
_CHU_NOT_BEFORE = frozenset(_b(c) for c in "尘湿锈草菌臭垢霜雾冰油渣磷硫氮味杂胶蜡")


@dataclass(frozen=True)
class NodeSpec:
    """A node as the classifier sees it: an id, its keywords and its GB/T 4754 class codes."""

    node: str
    keywords: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One keyword found: where (name, scope, products), in which role, with what weight."""

    keyword: str
    where: str
    role: str
    weight: float


@dataclass
class Match:
    node: str
    confidence: float
    hits: list[Hit] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)
    trader_only: bool = False

    def evidence(self) -> dict[str, Any]:
        """JSON-friendly evidence: keywords with where and role, codes, ignored keywords."""
        out: dict[str, Any] = {
            "keywords": [
                {"keyword": h.keyword, "where": h.where, "role": h.role} for h in self.hits
            ],
            "codes": list(self.codes),
        }
        if self.negated:
            out["negated"] = list(self.negated)
        if self.trader_only:
            out["trader_only"] = True
        return out


_SCOPE_WEIGHTS = {"make": W_MAKE, "neutral": W_NEUTRAL, "trade": W_TRADE}


class Classifier:
    """Built once from the nodes; `classify` is then called for each enterprise.

    `engine="naive"` finds the words by checking each one with `str.find`, word by word:
    the same answers, slower; the benchmark compares the two.
    """

    def __init__(
        self, nodes: Iterable[NodeSpec], *, min_confidence: float = DEFAULT_MIN_CONFIDENCE
    ) -> None:
        self.min_confidence = min_confidence
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
        self.keywords: list[tuple[str, tuple[int, ...]]] = [
            (k, tuple(v)) for k, v in sorted(owners.items())
        ]
        self.by_code = {code: tuple(v) for code, v in by_code.items()}
        k = len(self.keywords)
        # every word the automaton knows: keywords first (index < k), then the cues
        words = [kw for kw, _nodes in self.keywords]
        self.kinds: list[int] = [KEYWORD] * k
        position = {w: i for i, w in enumerate(words)}
        for cue, kind in CUES:
            if cue in position:
                if kind in (MAKE, TRADE) and position[cue] < k:
                    self.kinds[position[cue]] = KEYWORD + kind  # a keyword that is a verb too
                continue
            position[cue] = len(words)
            words.append(cue)
            self.kinds.append(kind)
        self.encoded = [(_b(w), len(_b(w))) for w in words]
        self.lengths = [length for _word, length in self.encoded]
        self.automaton = ahocorasick.Automaton()
        for i, (word, _length) in enumerate(self.encoded):
            self.automaton.add_word(word, i)
        self.automaton.make_automaton()

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

    def _read(self, t: str, engine: str) -> list[tuple[int, bool, str]]:
        """(keyword index, negated, role) for each keyword in the byte form `t`.

        One pass over what the automaton found numbers the clauses (ending at ，,；;。),
        sentences (ending at ；;。) and parentheses, and notes per clause and parenthesis
        the verbs and the negations; each keyword is then judged by its clause.
        """
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
        # kinds: a cue's kind; KEYWORD for a keyword; KEYWORD + MAKE/TRADE for one that is
        # also a verb (铸造, 合成). Most frequent first.
        c_role = s_role = 0  # verbs of the current clause and sentence
        for end, index in self._find(t, engine):
            kind = kinds[index]
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
            if kind == MAKE or kind == TRADE:
                if c_role != MAKE:
                    c_role = kind
                if s_role != MAKE:
                    s_role = kind
            elif kind == SENTENCE:
                if c_role:
                    clause_role[clause] = c_role
                    c_role = 0
                if s_role:
                    sentence_role[sentence] = s_role
                    s_role = 0
                clause += 1
                sentence += 1
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
        if not keywords:
            return []
        if c_role:
            clause_role[clause] = c_role
        if s_role:
            sentence_role[sentence] = s_role
        out = []
        for index, start, c, s, p in keywords:
            if p >= 0:
                negated = p in paren_neg or paren_chu.get(p, start) < start < paren_wai.get(p, -1)
            else:
                negated = (
                    negate_from.get(c, start) < start
                    or except_at.get(c, -1) > start
                    or chu.get(c, start) < start < wai.get(c, -1)
                )
            role = clause_role.get(c) or sentence_role.get(s) or 0
            out.append(
                (
                    index,
                    negated,
                    "make" if role == MAKE else "trade" if role == TRADE else "neutral",
                )
            )
        return out

    # --- classifying --------------------------------------------------------------------

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
        # node -> (keyword, where) -> (weight, role); a keyword counts once, at its best
        best: dict[int, dict[tuple[str, str], tuple[float, str]]] = {}
        negated: dict[int, list[str]] = {}
        keywords = self.keywords
        for where, text in (
            ("name", name),
            ("products", products),
            ("projects", projects),
            ("scope", scope),
        ):
            if not text:
                continue
            for index, is_negated, role in self._read(_b(text.lower()), engine):
                keyword, owners = keywords[index]
                if is_negated:
                    for node in owners:
                        negated.setdefault(node, []).append(keyword)
                    continue
                if where == "scope":
                    weight = _SCOPE_WEIGHTS[role]
                else:
                    role = "neutral"
                    weight = W_NAME if where == "name" else W_PRODUCTS
                key = (keyword, where)
                for node in owners:
                    found = best.get(node)
                    if found is None:
                        best[node] = {key: (weight, role)}
                    else:
                        old = found.get(key)
                        if old is None or old[0] < weight:
                            found[key] = (weight, role)
        codes: dict[int, list[str]] = {}
        if industry_codes:
            for code in dict.fromkeys(c.strip() for c in industry_codes if c):
                if code[:2] in TRADE_DIVISIONS:
                    continue
                for node in self.by_code.get(code, ()):
                    codes.setdefault(node, []).append(code)
        matches = []
        for node in best.keys() | codes.keys() if codes else best:
            node_hits = best.get(node, {})
            node_codes = codes.get(node, []) if codes else []
            missing = 1.0
            trader = not node_codes
            for weight, role in node_hits.values():
                missing *= 1.0 - weight
                if role != "trade":
                    trader = False
            for code in node_codes:
                ambiguous = len(self.by_code[code]) > AMBIGUOUS_CODE_NODES
                missing *= 1.0 - (W_CODE_AMBIGUOUS if ambiguous else W_CODE)
            confidence = 1.0 - missing
            if trader:
                confidence = min(confidence, TRADER_CAP)
            confidence = round(min(confidence, 0.99), 3)
            if confidence < threshold:
                continue
            matches.append(
                Match(
                    node=self.nodes[node].node,
                    confidence=confidence,
                    hits=[Hit(k, w, role, weight) for (k, w), (weight, role) in node_hits.items()],
                    codes=node_codes,
                    negated=sorted(set(negated.get(node, []))),
                    trader_only=trader,
                )
            )
        matches.sort(key=lambda m: (-m.confidence, m.node))
        return matches
