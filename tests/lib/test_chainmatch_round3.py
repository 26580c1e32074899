"""Chain placement rules added in the third round of issue 15 (helper "quality"): each a general
reading of how registry scopes are written, with scopes composed for the test."""

from __future__ import annotations

import pytest

from zhaoshang.lib.chainmatch import HEAD_SPAN, Classifier, NodeSpec, Vocabulary

NODES = [
    NodeSpec("met/nonferrous", ("铜冶炼", "金冶炼", "有色金属"), (), chain="met", code="nf"),
    NodeSpec("tex/garment", ("服装", "纺织品"), (), chain="tex", code="garment"),
    NodeSpec("aero/parts", ("飞机零配件",), (), chain="aero", code="parts"),
    NodeSpec("eq/robot", ("工业机器人",), (), chain="eq", code="robot"),
    NodeSpec("eq/motor", ("电机",), (), chain="eq", code="motor"),
    NodeSpec("de/soft", ("软件开发", "计算机软件"), (), chain="de", code="soft"),
    NodeSpec("de/int", ("信息系统集成服务",), (), chain="de", code="int"),
    NodeSpec("de/data", ("数据处理",), (), chain="de", code="data"),
    NodeSpec("chem/acid", ("硫酸",), (), chain="chem", code="acid"),
]
VOCAB = Vocabulary(
    generic=frozenset({"软件开发", "信息系统集成服务", "数据处理"}),
    service_verbs=("咨询", "施工"),
    non_maker_names=("贸易", "咨询"),
)
CLASSIFIER = Classifier(NODES, vocabulary=VOCAB)


def chains(**kwargs) -> list[str]:
    return sorted(CLASSIFIER.chains_of(**kwargs))


def roles(scope: str) -> dict[str, str]:
    return {
        h.keyword: h.role
        for m in CLASSIFIER.classify(scope=scope, min_confidence=0)
        for h in m.hits
    }


def test_keyword_ending_in_a_making_verb_makes():
    # 铜冶炼 hides the verb 冶炼 from the automaton; the keyword carries it
    assert roles("铜冶炼；矿产品销售")["铜冶炼"] == "make"


def test_enumeration_takes_the_verb_at_its_end():
    # 纺织品 is one of the goods sold (…汽车配件的销售), not made like 飞机零配件
    scope = "航空客货运输业务，飞机零配件的制造，日用百货，纺织品，五金交电，汽车配件的销售"
    assert roles(scope)["纺织品"] == "trade"
    assert roles(scope)["飞机零配件"] == "make"
    assert "tex" not in chains(scope=scope)
    # a clause without a verb and no verb after it still takes its sentence's
    assert roles("服装，纺织品的生产")["服装"] == "make"
    assert roles("服装生产，纺织品")["纺织品"] == "make"


def test_activities_far_down_a_section_are_tail():
    filler = "；".join(f"第{i}项服务" for i in range(HEAD_SPAN))  # activities naming no chain
    scope = f"一般项目：道路货物运输；{filler}；工业机器人制造"
    assert chains(scope=scope) == []
    # the same activity in the head places the firm
    assert chains(scope="一般项目：道路货物运输；工业机器人制造") == ["eq"]


def test_comma_separated_activities_far_into_one_sentence_are_tail():
    filler = "，".join(f"第{i}项服务" for i in range(HEAD_SPAN))
    assert chains(scope=f"电路板生产，{filler}，工业机器人制造") == []
    assert chains(scope="电路板生产，工业机器人制造") == ["eq"]


@pytest.mark.parametrize(
    ("name", "scope", "expected"),
    [
        # the head names only one chain's generic words, three of them: the main business
        ("甲网络科技有限公司", "一般项目：软件开发；信息系统集成服务；数据处理服务", ["de"]),
        # two are not enough, nor are they in the tail or sold
        ("甲公司", "一般项目：软件开发；信息系统集成服务", []),
        ("甲公司", "一般项目：软件销售；信息系统集成服务销售；数据处理设备销售", []),
        # a firm whose name says it is not a maker is not placed on generic words
        ("甲咨询有限公司", "一般项目：软件开发；信息系统集成服务；数据处理服务", []),
        # a named product elsewhere in the head decides instead
        ("甲公司", "一般项目：软件开发；信息系统集成服务；数据处理服务；工业机器人销售", []),
    ],
)
def test_generic_words_filling_the_head(name, scope, expected):
    assert chains(name=name, scope=scope) == expected


def test_one_unmade_word_beside_a_made_chain_is_incidental():
    scope = "电机生产；计算机软件开发；家电维修"
    matches = CLASSIFIER.classify(scope=scope, min_confidence=0)
    assert chains(scope=scope) == ["eq"]
    soft = next(m for m in matches if m.node == "de/soft")
    assert soft.not_maker.startswith("incidental beside eq")
    # made, both stay
    assert chains(scope="电机生产；计算机软件生产") == ["de", "eq"]
    # neither made: nothing to prefer, both stay
    assert chains(scope="电机研发；计算机软件开发") == ["de", "eq"]
    # 硫酸 named beside copper smelting is incidental too
    assert chains(scope="铜冶炼；硫酸；有色金属销售") == ["met"]


def test_service_trade_names_in_the_vocabulary():
    """Carriers, media, hotels, banks … (the placement vocabulary's non-maker names) are placed
    only where their scope makes something."""
    from zhaoshang.chains.placement import classifier_from_files

    classifier = classifier_from_files()

    def placed(name: str, scope: str) -> set[str]:
        return classifier.chains_of(name=name, scope=scope)

    scope = "一般项目：道路货物运输；锂离子电池研发；仓储服务"
    assert placed("甲物流有限公司", scope) == set()
    assert placed("甲广告传媒有限公司", "一般项目：广告设计；锂离子电池研发") == set()
    assert placed("甲科技有限公司", scope)  # the same scope under a maker's name is placed
    assert placed("甲物流有限公司", "一般项目：锂离子电池制造；道路货物运输")
