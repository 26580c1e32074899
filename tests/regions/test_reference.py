import pytest

from zhaoshang.projects.queries import find_unit_code
from zhaoshang.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_regions_jiangsu_townships_loaded():
    assert Region.objects.filter(level=Level.TOWNSHIP, code__startswith="32").count() == 1487
    assert Region.objects.filter(level=Level.PROVINCE).count() == 31


def test_regions_zhangjiagang_has_its_fifteen_units():
    units = Region.objects.townships_of("320582")
    assert units.count() == 15
    assert Region.objects.get(code="320582").parent_id == "3205"
    assert Region.objects.get(code="3205").name == "苏州市"
    kinds = dict(units.values_list("name", "kind"))
    assert kinds["锦丰镇"] == "town"
    assert kinds["金港街道"] == "subdistrict"
    assert kinds["张家港保税区"] == "zone"


@pytest.mark.parametrize(
    "alias, code",
    [
        ("金港镇", "320582001"),
        ("常阴沙", "320582400"),
        ("冶金园", "320582406"),
        ("冶金工业园(锦丰镇)", "320582406"),
        ("经开区", "320582401"),
        ("高新区(塘桥镇)", "320582101"),
        ("保税区", "320582403"),
        ("锦丰镇", "320582103"),
        ("320582104", "320582104"),
        ("火星镇", None),
    ],
)
def test_regions_news_aliases_resolve(alias, code):
    assert find_unit_code(alias) == code


def test_regions_merged_units_point_at_each_other():
    assert Region.objects.get(code="320582406").merged_with_id == "320582103"
    assert Region.objects.get(code="320582103").merged_with_id == "320582406"
