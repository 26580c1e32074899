import pytest
from django.db.models import Count

from zhaoshang.industries.models import Industry
from zhaoshang.industries.reference import industry_rows

pytestmark = pytest.mark.django_db


def test_industries_all_four_levels_counted():
    counts = dict(Industry.objects.values_list("level").annotate(n=Count("code")))
    assert counts == {0: 20, 1: 97, 2: 473, 3: 1381}


def test_industries_duplicate_0711_fixed_to_0712():
    assert Industry.objects.get(code="0711").name == "陆地石油开采"
    assert Industry.objects.get(code="0712").name == "海洋石油开采"
    assert Industry.objects.get(code="0712").parent_id == "071"


def test_industries_every_class_has_its_section():
    lithium = Industry.objects.get(code="3841")
    assert (lithium.name, lithium.section, lithium.parent.parent_id) == (
        "锂离子电池制造",
        "C",
        "38",
    )


def test_industries_reference_rows_have_unique_codes():
    codes = [row[0] for row in industry_rows()]
    assert len(codes) == len(set(codes)) == 1971
