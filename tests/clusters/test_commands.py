import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.clusters.conftest import add_actuals
from zhaoshang.clusters.models import Indicator

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_clusters_status_json_one_object_per_target(cluster):
    add_actuals(cluster, {2021: "118", 2022: "139", 2023: "163"})

    data = json.loads(run("clusters", "status", "--format", "json"))

    assert data == [
        {
            "cluster": "光伏新能源产业集群",
            "target_year": 2024,
            "target_wan": 2000000,
            "target_qualifier": "at_least",
            "actual_wan": 1630000,
            "actual_year": 2023,
            "needed_growth": 22.7,
            "achieved_growth": 17.53,
            "projection_low_wan": 1911400,
            "projection_high_wan": 1920100,
            "pipeline_wan": 0,
        }
    ]


def test_clusters_status_text_states_the_method(cluster):
    add_actuals(cluster, {2022: "139", 2023: "163"})

    text = run("clusters", "status")

    assert "Log-linear trend of the 2 yearly actuals 2022–2023" in text
    assert "(synthetic actuals)" in text


def test_clusters_pipeline_unknown_cluster_is_a_clear_error(cluster):
    with pytest.raises(CommandError) as exc:
        run("clusters", "pipeline", "不存在")

    assert "不存在" in str(exc.value)


def test_indicators_show_json_with_formula_and_worked_sum(definitions):
    for code, value, q in (("sei_output", "2400", "at_least"), ("sei_share", "41.0", "exact")):
        Indicator.objects.create(
            code=code, name=code, region_id="320582", year=2022, period="2022", kind="actual",
            value=Decimal(value), unit_of_measure="x", qualifier=q,
        )  # fmt: skip

    data = json.loads(run("indicators", "show", "above_scale_output_implied", "--format", "json"))

    assert (data["derived"], data["formula"]) == (True, "sei_output / sei_share * 100")
    assert data["values"] == [
        {
            "scope": "张家港市",
            "period": "2022",
            "kind": "derived",
            "value": 5853.658537,
            "qualifier": "at_least",
            "worked": "≥2400 ÷ 41 × 100 = ≥5853.66",
            "source": None,
            "is_synthetic": False,
        }
    ]


def test_indicators_show_by_name_in_text(definitions):
    text = run("indicators", "show", "战略性新兴产业产值")

    assert text.splitlines()[0] == "战略性新兴产业产值 (sei_output, 亿元)"


def test_indicators_record_refusal_names_field_and_writes_nothing(definitions, bureau_editor):
    with pytest.raises(CommandError) as exc:
        run("indicators", "record", "sei_share", "2023", "141%", "--user", "fgw")

    assert "value:" in str(exc.value)
    assert Indicator.objects.count() == 0


def test_indicators_export_and_dry_run_import(definitions, bureau_editor, tmp_path):
    run("indicators", "record", "trade", "2023", "405", "--user", "fgw")
    path = tmp_path / "indicators.xlsx"

    run("indicators", "export", str(path))
    text = run("indicators", "import", str(path), "--user", "fgw", "--dry-run")

    assert text.strip() == "Checked, nothing written: 0 new, 0 changed, 1 unchanged."
