"""The strategic-emerging-industry catalogue (2018): data, loader and look-ups."""

from __future__ import annotations

import pytest

from zhaoshang.industries.models import Industry, SeiCategory, SeiClass
from zhaoshang.industries.sei import (
    catalogue_rows,
    is_sei,
    sei_groups_of,
    sei_industry_codes,
    sei_of,
    split_by_sei,
)

pytestmark = pytest.mark.django_db


def test_sei_catalogue_has_the_nine_groups():
    groups = list(SeiCategory.objects.filter(level=1).values_list("code", "name"))
    assert groups == [
        ("1", "新一代信息技术产业"),
        ("2", "高端装备制造产业"),
        ("3", "新材料产业"),
        ("4", "生物产业"),
        ("5", "新能源汽车产业"),
        ("6", "新能源产业"),
        ("7", "节能环保产业"),
        ("8", "数字创意产业"),
        ("9", "相关服务业"),
    ]


def test_sei_every_mapped_code_is_a_gbt4754_class():
    _categories, classes = catalogue_rows()
    codes = {code for _c, code, _p in classes}
    known = set(Industry.objects.filter(level=3, code__in=codes).values_list("code", flat=True))
    assert codes - known == set()


def test_sei_migration_loaded_every_mapping():
    _categories, classes = catalogue_rows()
    assert SeiClass.objects.count() == len(classes)


@pytest.mark.parametrize(
    ("code", "groups"),
    [
        ("3825", ["6"]),  # 光伏设备及元器件制造: solar
        ("3841", ["5"]),  # 锂离子电池制造: part of NEV parts
        ("3973", ["1"]),  # 集成电路制造
        ("3612", ["5"]),  # 新能源车整车制造
        ("3742", ["2"]),  # 航天器及运载火箭制造
        ("3985", ["1", "3", "6"]),  # 电子专用材料制造
        ("1311", []),  # 谷物磨制: not SEI
        ("", []),
        (None, []),
    ],
)
def test_sei_groups_of_code(code, groups):
    assert sei_groups_of(code) == groups


def test_sei_partial_classes_count_only_when_asked():
    assert is_sei("3841") is True
    assert is_sei("3841", include_partial=False) is False
    assert [m.partial for m in sei_of("3841")] == [True]


def test_sei_industry_codes_of_one_group():
    codes = sei_industry_codes("5")
    assert {"3612", "3841", "5267"} <= codes
    assert "3973" not in codes


def test_sei_split_counts_projects_in_and_out():
    assert split_by_sei(["3825", "1311", None, "6450"]) == {
        "in": ["3825", "6450"],
        "out": ["1311", None],
    }
