"""The chain classifier: keywords, negations, traders, codes, confidence, both engines agree."""

from __future__ import annotations

import random

import pytest

from zhaoshang.lib.chainmatch import Classifier, NodeSpec

NODES = [
    NodeSpec("cell", ("锂离子电池", "锂电池", "动力电池", "电芯"), ("3841",)),
    NodeSpec("cathode", ("正极材料", "磷酸铁锂"), ("3985",)),
    NodeSpec("pv-glass", ("光伏玻璃", "超白压延玻璃"), ("3042",)),
    NodeSpec("glass", ("玻璃",), ("3041",)),
    NodeSpec("chem", ("专用化学产品", "化工原料", "危险化学品"), ("2662",)),
    NodeSpec("dust", ("除尘设备",), ("3591",)),
    NodeSpec("laser", ("激光切割", "激光器"), ("3424",)),
    NodeSpec("parts", ("汽车零部件",), ("3670",)),
    NodeSpec("chassis", ("底盘零部件", "转向系统"), ("3670",)),
]
CLASSIFIER = Classifier(NODES)


def placed(**kwargs) -> dict[str, float]:
    return {m.node: m.confidence for m in CLASSIFIER.classify(**kwargs)}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        # a maker in the older free style; the negation inside the parenthesis is ignored
        ("锂离子电池及材料的研发、生产、销售（不含危险化学品）", {"cell": 0.55}),
        # the standardised style: 专用化学产品 is made, only 危险化学品 is excluded
        (
            "一般项目：专用化学产品制造（不含危险化学品）；专用化学产品销售（不含危险化学品）",
            {"chem": 0.55},
        ),
        # a keyword only in an excluding parenthesis places nothing
        ("普通货物仓储服务（不含危险化学品）；道路货物运输", {}),
        ("仓储服务（危险化学品除外）", {}),
        ("仓储服务（除危险化学品外）", {}),
        ("道路运输，不含危险化学品", {}),
        ("不得从事危险化学品经营", {}),
        # 除尘 is a product, not a negation
        ("除尘设备的制造和安装", {"dust": 0.55}),
        # a trader that only sells: not placed as a maker
        ("一般项目：电池销售；锂电池销售；五金产品批发", {}),
        ("销售：光伏玻璃、锂电池、化工原料。", {}),
        ("塑料制品、五金交电、化工原料及产品（不含危险化学品）的销售", {}),
        # making one product and selling another: only the made one counts
        ("锂电池的生产，化工原料的销售", {"cell": 0.55}),
        # no verb in its clause: the sentence decides
        ("研发：磷酸铁锂、正极材料", {"cathode": 0.64}),
        # the longest keyword wins: 光伏玻璃 hides 玻璃
        ("光伏玻璃的生产和销售", {"pv-glass": 0.55}),
        ("超白压延玻璃及光伏玻璃深加工", {"pv-glass": 0.798}),
        # an unrelated text
        ("餐饮服务；住宿服务；会议及展览服务", {}),
    ],
)
def test_classify_scope_places_on_expected_nodes(scope, expected):
    assert placed(scope=scope) == expected


def test_classify_counts_a_keyword_once_at_its_best_role():
    assert placed(scope="锂电池销售；锂电池制造") == {"cell": 0.55}


def test_classify_trader_is_placed_only_when_the_threshold_is_lowered():
    matches = CLASSIFIER.classify(scope="一般项目：锂电池销售", min_confidence=0)
    assert [(m.node, m.confidence, m.trader_only) for m in matches] == [("cell", 0.15, True)]


def test_classify_industry_code_alone_places_when_it_is_one_nodes_code():
    assert placed(industry_codes=["3042"]) == {"pv-glass": 0.5}


def test_classify_ambiguous_code_alone_does_not_place():
    assert placed(industry_codes=["3670"]) == {}


def test_classify_ambiguous_code_adds_to_keywords():
    assert placed(projects="采埃孚底盘零部件系统项目", industry_codes=["3670"]) == {"chassis": 0.65}


def test_classify_wholesale_code_is_no_evidence_of_making():
    assert placed(industry_codes=["5179"]) == {}


def test_classify_name_and_scope_combine():
    assert placed(name="张家港某激光器有限公司", scope="激光切割设备的制造") == {"laser": 0.775}


def test_classify_evidence_names_keywords_roles_codes_and_negations():
    [match] = CLASSIFIER.classify(
        scope="锂离子电池的生产（不含危险化学品）", industry_codes=["3841"]
    )
    assert match.evidence() == {
        "keywords": [{"keyword": "锂离子电池", "where": "scope", "role": "make"}],
        "codes": ["3841"],
    }
    [chem] = CLASSIFIER.classify(scope="专用化学产品制造（不含危险化学品）")
    assert chem.evidence()["negated"] == ["危险化学品"]


def test_classify_latin_keywords_ignore_case():
    classifier = Classifier([NodeSpec("cvt", ("CVT",), ())])
    assert [m.node for m in classifier.classify(products="无级变速器（cvt）")] == ["cvt"]


def test_classify_with_no_nodes_places_nothing():
    assert Classifier([]).classify(scope="锂电池制造") == []


def test_naive_engine_gives_the_same_answers():
    rng = random.Random(7)
    words = [k for n in NODES for k in n.keywords] + [
        "制造",
        "销售",
        "（不含危险化学品）",
        "，",
        "；",
    ]
    for _ in range(300):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        fast = [(m.node, m.confidence, m.evidence()) for m in CLASSIFIER.classify(scope=text)]
        slow = [
            (m.node, m.confidence, m.evidence())
            for m in CLASSIFIER.classify(scope=text, engine="naive")
        ]
        assert fast == slow, text
