"""The chain classifier with a placement vocabulary: main business over incidental words."""

from __future__ import annotations

import pytest

from zhaoshang.lib.chainmatch import Classifier, NodeSpec, Vocabulary

NODES = [
    NodeSpec("ne/cell", ("锂离子电池", "储能电池", "动力电池"), ("3841",), chain="ne", code="cell"),
    NodeSpec("ne/h2", ("制氢", "电解槽", "富氢"), (), chain="ne", code="h2"),
    NodeSpec("es/cell", ("储能电池", "储能电芯", "锂离子电池"), (), chain="es", code="cell"),
    NodeSpec("h2/elec", ("电解槽", "制氢设备"), (), chain="h2", code="elec"),
    NodeSpec("semi/power", ("功率模块", "功率器件"), (), chain="semi", code="power"),
    NodeSpec("sic/dev", ("碳化硅功率器件", "功率模块"), (), chain="sic", code="dev"),
    NodeSpec("sic/inv", ("光伏逆变器",), (), chain="sic", code="inv"),
    NodeSpec("de/soft", ("软件开发", "人工智能"), ("6513",), chain="de", code="soft"),
    NodeSpec("med/dev", ("医疗器械", "第二类医疗器械"), (), chain="med", code="dev"),
    NodeSpec("tex/garment", ("服装", "服饰"), (), chain="tex", code="garment"),
    NodeSpec("eq/mould", ("模具",), (), chain="eq", code="mould"),
]
VOCAB = Vocabulary(
    generic=frozenset({"软件开发", "模具", "人工智能应用软件开发"}),
    masks=("富氢水",),
    service_verbs=("施工", "咨询", "投资"),
    non_maker_names=("贸易", "网店", "零售", "咨询", "建设"),
    non_maker_divisions=frozenset({"51", "52", "48"}),
    narrows=(("sic", "semi"), ("es", "ne"), ("h2", "ne")),
    dependent_nodes=frozenset({"sic/inv"}),
)
CLASSIFIER = Classifier(NODES, vocabulary=VOCAB)


def chains(**kwargs) -> list[str]:
    return sorted(CLASSIFIER.chains_of(**kwargs))


@pytest.mark.parametrize(
    ("name", "scope", "expected"),
    [
        # generic words alone never place a firm, wherever they stand
        ("甲公司", "一般项目：软件开发；模具制造；技术服务", []),
        ("甲公司", "一般项目：人工智能应用软件开发；模具销售", []),
        # …but a firm that names its main business is placed, generic words or not
        ("甲公司", "一般项目：人工智能算法研发；软件开发", ["de"]),
        # the main business (head) places; the same word deep in the tail does not
        ("甲公司", "一般项目：服装制造；服饰制造；针织；锂离子电池销售；医疗器械", ["tex"]),
        # the head is the first three activities that name something; 鞋帽 names nothing here
        (
            "甲公司",
            "一般项目：服装制造；鞋帽；服饰设计；动力电池销售；第二类医疗器械；家具",
            ["tex"],
        ),
        ("甲公司", "一般项目：服装制造；鞋帽；第二类医疗器械生产；家具", ["med", "tex"]),
        # one word another chain's scope names without making it, beside a chain the firm
        # makes, is incidental (issue 15, round 3)
        ("甲公司", "一般项目：服装制造；鞋帽；第二类医疗器械；家具", ["tex"]),
        # …but one word of another chain beside a main business named by several is incidental
        ("甲公司", "一般项目：服装制造；鞋帽；服饰设计；第二类医疗器械；家具", ["tex"]),
        # every licensed activity is head
        (
            "甲公司",
            "一般项目：服装制造；针织；鞋帽；动力电池销售；锂离子电池销售。许可项目：第二类医疗器械生产",
            ["med", "tex"],
        ),
        # a retailer, an online shop, a consultancy, a builder: not makers
        ("甲医疗器械零售有限公司", "许可项目：第三类医疗器械经营；第二类医疗器械销售", []),
        ("乙服饰网店", "一般项目：服装服饰零售；互联网销售", []),
        ("丙新能源咨询有限公司", "一般项目：储能电池技术咨询；锂离子电池研发", []),
        ("丁电力建设有限公司", "许可项目：建设工程施工；锂离子电池储能电站施工", []),
        # a name that says trader, with a scope that makes: the made product places it
        ("戊贸易有限公司", "一般项目：锂离子电池制造；动力电池销售", ["ne"]),
        # a wholesale or construction industry code says the same as the name
        ("己公司", "一般项目：储能电芯研发", ["es"]),
        # a head that only sells and serves
        ("庚公司", "一般项目：服装销售；服饰批发；企业管理咨询", []),
        # a mask hides the keyword inside it: a hydrogen-water drink is no hydrogen firm
        ("辛饮品有限公司", "许可项目：饮料生产；富氢水生产", []),
        ("辛氢能有限公司", "一般项目：富氢气体提纯生产", ["ne"]),
    ],
)
def test_main_business_rules(name, scope, expected):
    assert chains(name=name, scope=scope) == expected


def test_industry_code_of_a_non_maker_division():
    assert chains(name="己公司", scope="一般项目：储能电芯研发", industry_codes=["5179"]) == []
    assert chains(name="己公司", scope="一般项目：储能电芯制造", industry_codes=["4811"]) == ["es"]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        # the child chain's own words: the parent is dropped
        ("一般项目：碳化硅功率器件制造；功率模块制造", ["sic"]),
        # only words the two share: the general (parent) chain keeps the firm
        ("一般项目：锂离子电池制造", ["ne"]),
        ("一般项目：电解槽制造", ["ne"]),
        # the child has its own words, the parent shares them: the child only
        ("一般项目：储能电芯制造；锂离子电池制造", ["es"]),
        ("一般项目：制氢设备制造；电解槽制造", ["h2"]),
        # both have words of their own, equally strong: both stay
        ("一般项目：动力电池制造；储能电芯制造", ["es", "ne"]),
    ],
)
def test_a_child_chain_suppresses_its_parent(scope, expected):
    assert chains(name="甲公司", scope=scope) == expected


def test_a_dependent_node_needs_a_sibling():
    assert chains(name="甲公司", scope="一般项目：光伏逆变器制造") == []
    assert chains(name="甲公司", scope="一般项目：碳化硅功率器件制造；光伏逆变器制造") == ["sic"]


def test_evidence_says_why():
    [match] = CLASSIFIER.classify(
        name="甲公司",
        scope="一般项目：服装制造；服饰；动力电池销售；第二类医疗器械；软件开发",
        min_confidence=0.0,
    )[:1]
    assert match.evidence() == {
        "keywords": [
            {"keyword": "服装", "where": "scope", "role": "make"},
            {"keyword": "服饰", "where": "scope", "role": "neutral"},
        ],
        "codes": [],
    }
    capped = CLASSIFIER.classify(name="乙服饰网店", scope="一般项目：服装制造", min_confidence=0.0)
    assert capped[0].evidence()["keywords"][0] == {
        "keyword": "服饰",
        "where": "name",
        "role": "neutral",
    }
    tail = {
        m.node: m.evidence()
        for m in CLASSIFIER.classify(
            name="甲公司",
            scope="一般项目：服装制造；服饰制造；动力电池销售；医疗器械；软件开发",
            min_confidence=0.0,
        )
    }
    assert tail["med/dev"]["keywords"] == [
        {"keyword": "医疗器械", "where": "scope", "role": "neutral", "tail": True}
    ]
    assert tail["de/soft"]["keywords"] == [
        {"keyword": "软件开发", "where": "scope", "role": "neutral", "tail": True, "generic": True}
    ]


def test_not_maker_reason_in_evidence():
    match = CLASSIFIER.classify(
        name="丙新能源咨询有限公司", scope="一般项目：锂离子电池研发", min_confidence=0.0
    )[0]
    assert match.confidence == 0.3
    assert match.evidence()["not_maker"] == "name: 咨询"


def test_without_a_vocabulary_the_plain_rules_hold():
    plain = Classifier(NODES)
    assert {m.node for m in plain.classify(scope="一般项目：软件开发；模具制造")} == {
        "de/soft",
        "eq/mould",
    }


def test_both_engines_agree_with_a_vocabulary():
    scope = "许可项目：第二类医疗器械生产；一般项目：服装制造；碳化硅功率器件；富氢水；软件开发"
    fast = CLASSIFIER.classify(name="甲公司", scope=scope)
    slow = CLASSIFIER.classify(name="甲公司", scope=scope, engine="naive")
    assert [(m.node, m.confidence) for m in fast] == [(m.node, m.confidence) for m in slow]


@pytest.mark.parametrize(
    ("name", "scope", "expected"),
    [
        # two words name the main business (服装, 服饰); one word of another chain is incidental
        ("甲公司", "一般项目：服装制造；服饰制造；医疗器械制造", ["tex"]),
        # …unless the name speaks for that chain too
        ("甲医疗器械有限公司", "一般项目：服装制造；服饰制造；医疗器械制造", ["med", "tex"]),
        # …or a word the maps put on both chains (锂离子电池 on ne and es) is among the main words
        ("甲公司", "一般项目：锂离子电池制造；动力电池制造；储能电池制造", ["ne"]),
        # two chains each named once: nothing is incidental
        ("甲公司", "一般项目：服装制造；医疗器械制造", ["med", "tex"]),
    ],
)
def test_an_incidental_chain_is_dropped(name, scope, expected):
    assert chains(name=name, scope=scope) == expected


def test_incidental_reason_in_evidence():
    matches = CLASSIFIER.classify(
        name="甲公司", scope="一般项目：服装制造；服饰制造；医疗器械制造", min_confidence=0.0
    )
    med = next(m for m in matches if m.node == "med/dev")
    assert med.confidence <= 0.3
    assert med.not_maker == "incidental beside tex"
