"""The one name resolver: Zhangjiagang's units as public documents and clerks write them."""

import pytest

from zhaoshang.core.names import Lookup
from zhaoshang.lib.names import Names, PlaceNames, fold

JINGANG = "320582001"
HOUCHENG = "320582002"
DEJI = "320582003"
YANGSHE = "320582100"
TANGQIAO = "320582101"
JINFENG = "320582103"
LEYU = "320582104"
FENGHUANG = "320582105"
NANFENG = "320582106"
DAXIN = "320582107"
FARM = "320582400"
ETDZ = "320582401"
BONDED = "320582403"
METALLURGY = "320582406"
SHUANGSHAN = "320582407"

# Spellings of Zhangjiagang's units as they appear in government notices, news, statistical
# bulletins and bureau ledgers (区镇合一 pairs written zone(town) or town/zone, old names,
# the city in front, offices, traditional script, stray spaces).
REAL_SPELLINGS = [
    ("金港街道", JINGANG),
    ("金港镇", JINGANG),
    ("张家港市金港街道", JINGANG),
    ("金港街道办事处", JINGANG),
    ("後塍街道", HOUCHENG),
    ("后塍", HOUCHENG),
    ("德积街道", DEJI),
    ("张家港市德积街道", DEJI),
    ("杨舍镇", YANGSHE),
    ("杨舍", YANGSHE),
    ("江苏省张家港市杨舍镇", YANGSHE),
    ("楊舍鎮", YANGSHE),
    ("杨舍镇人民政府", YANGSHE),
    ("塘桥镇", TANGQIAO),
    ("塘橋鎮", TANGQIAO),
    ("高新区(塘桥镇)", TANGQIAO),
    ("张家港高新区（塘桥镇）", TANGQIAO),
    ("塘桥", TANGQIAO),
    ("锦丰镇", JINFENG),
    ("錦豐鎮", JINFENG),
    ("锦丰 镇", JINFENG),
    ("锦丰", JINFENG),
    ("张家港市锦丰镇", JINFENG),
    ("苏州市张家港市锦丰镇", JINFENG),
    ("锦丰镇(张家港)", JINFENG),
    ("乐余镇", LEYU),
    ("樂余鎮", LEYU),
    ("张家港市乐余镇", LEYU),
    ("凤凰镇", FENGHUANG),
    ("鳳凰鎮", FENGHUANG),
    ("张家港市凤凰镇", FENGHUANG),
    ("南丰镇", NANFENG),
    ("南豐鎮", NANFENG),
    ("大新镇", DAXIN),
    ("大新", DAXIN),
    ("常阴沙现代农业示范园区", FARM),
    ("张家港市现代农业示范园区", FARM),
    ("经开区", ETDZ),
    ("张家港经济技术开发区", ETDZ),
    ("经开区(杨舍镇)", ETDZ),
    ("经开区（杨舍镇）", ETDZ),
    ("张家港经济技术开发区（杨舍镇）", ETDZ),
    ("经开区/杨舍镇", ETDZ),
    ("保税区", BONDED),
    ("张家港保税区", BONDED),
    ("保税区(金港街道)", BONDED),
    ("保税区（金港街道）", BONDED),
    ("保税区（金港镇）", BONDED),
    ("保税区(金港)", BONDED),
    ("张家港保税区管委会", BONDED),
    ("保税区 / 金港街道", BONDED),
    ("冶金工业园", METALLURGY),
    ("冶金园", METALLURGY),
    ("张家港市冶金工业园", METALLURGY),
    ("冶金工业园(锦丰镇)", METALLURGY),
    ("冶金工业园（锦丰镇）", METALLURGY),
    ("冶金工业园/锦丰镇", METALLURGY),
    ("冶金工业园、锦丰镇", METALLURGY),
    ("冶金工業園（錦豐鎮）", METALLURGY),
    ("双山岛旅游度假区", SHUANGSHAN),
    ("雙山島旅遊度假區", SHUANGSHAN),
    ("双山岛", SHUANGSHAN),
    ("320582103", JINFENG),
]


@pytest.mark.django_db
@pytest.mark.parametrize("text,code", REAL_SPELLINGS)
def test_unit_real_spellings_resolve(text, code):
    assert Lookup().unit(text) == code


def test_real_spellings_are_at_least_forty():
    assert len(REAL_SPELLINGS) >= 40


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "锦丰镇(杨舍镇)",  # two towns that are not one administration
        "保税区(锦丰镇)",
        "火星镇",
        "",
        "张家港市",  # the city itself is not a township unit
    ],
)
def test_unit_refuses_what_is_not_one_unit(text):
    assert Lookup().unit(text) is None


@pytest.mark.django_db
def test_unit_error_suggests_the_nearest_name():
    message = Lookup().unit_error("锦峰镇")
    assert "“锦峰镇”" in message
    assert message.count("锦丰镇") == 1  # the suggestion, named once


@pytest.mark.django_db
def test_unit_home_county_wins_over_the_province():
    # 凤凰镇 exists elsewhere in Jiangsu too; ours is meant
    assert Lookup().unit("凤凰镇") == FENGHUANG
    assert Lookup().unit("凤凰") == FENGHUANG


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text,code",
    [
        ("3841", "3841"),
        ("C3841", "3841"),
        ("3841 锂离子电池制造", "3841"),
        ("锂离子电池制造", "3841"),
        ("鋰離子電池製造", "3841"),
        ("３８４１", "3841"),
        ("c", "C"),
    ],
)
def test_industry_by_code_and_by_name(text, code):
    assert Lookup().industry(text) == code


@pytest.mark.django_db
def test_chain_by_code_name_and_suffix():
    from zhaoshang.chains.models import Chain

    chain, _ = Chain.objects.update_or_create(
        code="metallurgy",
        defaults={"name": "钢铁冶金", "name_en": "Steel and metallurgy", "group": "traditional"},
    )
    names = Lookup()
    for text in ("metallurgy", "钢铁冶金", "钢铁冶金产业链", "鋼鐵冶金", "Steel and metallurgy"):
        assert names.chain(text) == chain.pk
    assert names.chain("火箭") is None


@pytest.mark.django_db
@pytest.mark.parametrize("preload", [False, True])
def test_enterprise_by_name_alias_and_code_on_both_paths(preload):
    from zhaoshang.enterprises.models import Enterprise, EnterpriseAlias

    zf = Enterprise.objects.create(name="采埃孚（张家港）有限公司", credit_code="")
    EnterpriseAlias.objects.create(enterprise=zf, alias="ZF Friedrichshafen")
    xinyi = Enterprise.objects.create(name="信义光伏(苏州)有限公司", credit_code="")
    names = Lookup(preload_enterprises=preload)
    assert names.enterprise("采埃孚（张家港）有限公司") == zf.pk
    assert names.enterprise("采埃孚(张家港)有限公司") == zf.pk
    assert names.enterprise("ZF Friedrichshafen") == zf.pk
    assert names.enterprise("信义光伏（苏州）有限公司") == xinyi.pk
    assert names.enterprise("信義光伏(蘇州)有限公司") == xinyi.pk
    assert names.enterprise("无名公司") is None


def test_names_lower_rank_wins_and_fold_joins_spellings():
    names: Names[str] = Names()
    names.add("甲", "a", rank=2)
    names.add("甲", "b", rank=1)
    assert names.find(" 甲 ") == "b"
    assert fold("錦豐 鎮（張家港）") == "锦丰镇(张家港)"


def test_place_names_shared_stem_is_not_guessed():
    names: PlaceNames[str] = PlaceNames()
    names.add("新港镇", "1", rank=1)
    names.add("新港街道", "2", rank=1)
    assert names.find("新港") is None
    assert names.find("新港镇") == "1"


@pytest.mark.django_db
def test_unit_alias_edited_in_the_admin_is_seen_at_once():
    from zhaoshang.regions.models import RegionAlias

    assert Lookup().unit("沙洲新城") is None
    alias = RegionAlias.objects.create(region_id=YANGSHE, alias="沙洲新域")
    alias.alias = "沙洲新城"  # same length: the signal, not the signature, tells
    alias.save()
    assert Lookup().unit("沙洲新城") == YANGSHE
    alias.delete()
    assert Lookup().unit("沙洲新城") is None
