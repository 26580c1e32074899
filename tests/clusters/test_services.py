from decimal import Decimal

import pytest

from tests.factories import BAOSHUI, JINFENG, YEJIN, EnterpriseFactory, UserFactory
from zhaoshang.clusters.models import Cluster, Indicator, IndicatorDefinition
from zhaoshang.clusters.services import (
    create_cluster,
    define_indicator,
    parse_figure,
    parse_period,
    record_figure,
    record_figures,
    update_cluster,
)
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.core.models import Source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022", "2022"),
        (2022, "2022"),
        ("2022年", "2022"),
        ("2022年度", "2022"),
        ("2022Q1", "2022-Q1"),
        ("2022-q3", "2022-Q3"),
        ("2022年一季度", "2022-Q1"),
        ("2022年第4季度", "2022-Q4"),
        ("2022年3月", "2022-03"),
        ("2022-03", "2022-03"),
        ("2022.11", "2022-11"),
        ("２０２２年", "2022"),
    ],
)
def test_parse_period_reads_years_quarters_months(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "22年", "2022-13", "2022年1-6月", "明年", "1800"])
def test_parse_period_refuses_with_the_value(text):
    with pytest.raises(ValueError):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2400", (Decimal("2400"), None, "")),
        ("超2400亿元", (Decimal("2400"), "at_least", "亿元")),
        ("2400亿元以上", (Decimal("2400"), "at_least", "亿元")),
        ("约 4.52 亿美元", (Decimal("4.52"), "approx", "亿美元")),
        ("41.0%", (Decimal("41.0"), None, "%")),
        ("４１．０％", (Decimal("41.0"), None, "%")),
        ("≥1,000家", (Decimal("1000"), "at_least", "家")),
        ("不超过8%", (Decimal("8"), "at_most", "%")),
        (Decimal("5.5"), (Decimal("5.5"), None, "")),
        (41.3, (Decimal("41.3"), None, "")),
    ],
)
def test_parse_figure_reads_value_qualifier_and_unit(text, expected):
    assert parse_figure(text) == expected


@pytest.mark.parametrize("text", ["abc", "约10余亿元", "", True])
def test_parse_figure_refuses(text):
    with pytest.raises(ValueError):
        parse_figure(text)


def test_record_figure_writes_and_keeps_history(definitions, bureau_editor):
    row, status = record_figure(
        user=bureau_editor,
        data={
            "code": "sei_output",
            "period": "2023年",
            "value": "超2600亿元",
            "source": "统计公报",
        },
        reason="2023年统计公报",
    )

    assert (status, row.period, row.year, row.value, row.qualifier, row.unit_of_measure) == (
        "new",
        "2023",
        2023,
        Decimal("2600"),
        "at_least",
        "亿元",
    )
    assert (row.region_id, row.source.title, row.name) == (
        "320582",
        "统计公报",
        "战略性新兴产业产值",
    )
    assert [log.reason for log in history_for(row)] == ["2023年统计公报"]


def test_record_figure_target_without_year_is_refused(definitions, cluster, bureau_editor):
    with pytest.raises(InputError) as exc:
        record_figure(
            user=bureau_editor,
            data={
                "code": "cluster_output",
                "cluster": "光伏新能源",
                "kind": "target",
                "value": "300",
            },
        )

    assert list(exc.value.fields) == ["period"]
    assert Indicator.objects.filter(value=300).count() == 0


@pytest.mark.parametrize("value", ["141", "100.5", "-1"])
def test_record_figure_share_outside_0_100_is_refused(definitions, bureau_editor, value):
    with pytest.raises(InputError) as exc:
        record_figure(
            user=bureau_editor, data={"code": "sei_share", "period": "2023", "value": value}
        )

    assert list(exc.value.fields) == ["value"]
    assert Indicator.objects.count() == 0


def test_record_figure_unit_that_does_not_match_is_refused(definitions, bureau_editor):
    with pytest.raises(InputError) as exc:
        record_figure(
            user=bureau_editor, data={"code": "sei_output", "period": "2023", "value": "2600万元"}
        )

    message = exc.value.fields["unit"][0]
    assert "亿元" in message and "万元" in message
    assert Indicator.objects.count() == 0


def test_record_figure_unit_column_that_does_not_match_is_refused(definitions, bureau_editor):
    with pytest.raises(InputError) as exc:
        record_figure(
            user=bureau_editor,
            data={"code": "sei_share", "period": "2023", "value": "41", "unit": "亿元"},
        )

    assert list(exc.value.fields) == ["unit"]


def test_record_figure_second_value_is_an_edit_needing_replace_and_reason(
    definitions, bureau_editor
):
    first, _s = record_figure(
        user=bureau_editor, data={"code": "sei_output", "period": "2022", "value": "超2400亿元"}
    )

    with pytest.raises(InputError) as refused:
        record_figure(
            user=bureau_editor, data={"code": "sei_output", "period": "2022", "value": "2450"}
        )
    with pytest.raises(InputError) as no_reason:
        record_figure(
            user=bureau_editor,
            data={"code": "sei_output", "period": "2022", "value": "2450"},
            replace=True,
        )
    first.refresh_from_db()
    assert (first.value, first.qualifier) == (Decimal("2400"), "at_least")
    assert "≥2400" in refused.value.fields["value"][0]
    assert list(no_reason.value.fields) == ["reason"]

    row, status = record_figure(
        user=bureau_editor,
        data={"code": "sei_output", "period": "2022", "value": "2450"},
        replace=True,
        reason="统计局修订",
    )

    assert (status, row.pk, row.value, row.qualifier) == (
        "changed",
        first.pk,
        Decimal("2450"),
        "exact",
    )
    edit = history_for(row).first()
    assert (edit.reason, edit.changes["value"], edit.changes["qualifier"]) == (
        "统计局修订",
        ["2400", "2450"],
        ["at_least", "exact"],
    )


def test_record_figure_same_value_again_is_unchanged(definitions, bureau_editor):
    record_figure(user=bureau_editor, data={"code": "trade", "period": "2023", "value": "405"})

    row, status = record_figure(
        user=bureau_editor, data={"code": "trade", "period": "2023", "value": "405亿美元"}
    )

    assert (status, Indicator.objects.count(), history_for(row).count()) == ("unchanged", 1, 1)


def test_record_figure_derived_indicator_is_refused(definitions, bureau_editor):
    with pytest.raises(InputError) as exc:
        record_figure(
            user=bureau_editor,
            data={"code": "above_scale_output_implied", "period": "2022", "value": "5853.66"},
        )

    assert list(exc.value.fields) == ["code"]
    assert "sei_output / sei_share * 100" in exc.value.fields["code"][0]


def test_record_figure_collects_every_error(definitions, bureau_editor):
    with pytest.raises(InputError) as exc:
        record_figure(
            user=bureau_editor,
            data={"code": "nope", "period": "x", "value": "abc", "kind": "guess", "colour": "red"},
        )

    assert sorted(exc.value.fields) == ["code", "colour", "kind", "period", "value"]


def test_record_figure_leader_is_not_allowed(definitions, leader):
    with pytest.raises(NotAllowed):
        record_figure(user=leader, data={"code": "trade", "period": "2023", "value": "405"})
    assert Indicator.objects.count() == 0


def test_record_figure_town_editor_records_own_cluster_not_the_city(
    definitions, cluster, town_editor
):
    row, _s = record_figure(
        user=town_editor,
        data={"code": "cluster_output", "cluster": cluster.pk, "period": "2023", "value": "163"},
    )
    assert (row.cluster_id, row.region_id, row.name) == (
        cluster.pk,
        YEJIN,
        "光伏新能源产业集群产值",
    )

    with pytest.raises(NotAllowed):
        record_figure(user=town_editor, data={"code": "trade", "period": "2023", "value": "405"})


def test_record_figure_region_must_be_the_clusters(definitions, cluster, bureau_editor):
    with pytest.raises(InputError) as exc:
        record_figure(
            user=bureau_editor,
            data={
                "code": "cluster_output",
                "cluster": cluster.pk,
                "region": BAOSHUI,
                "period": "2023",
                "value": "1",
            },
        )

    assert list(exc.value.fields) == ["region"]


def test_record_figures_all_or_nothing_with_row_numbers(definitions, bureau_editor):
    rows = [
        (2, {"code": "trade", "period": "2023", "value": "405"}),
        (3, {"code": "sei_share", "period": "2023", "value": "141"}),
        (4, {"code": "trade", "period": "2023", "value": "406"}),
    ]

    with pytest.raises(InputError) as exc:
        record_figures(user=bureau_editor, rows=rows)

    errors = exc.value.result.errors
    assert [(row, field) for row, field, _v, _m in errors] == [(3, "value"), (4, "period")]
    assert "2" in errors[1][3]
    assert Indicator.objects.count() == 0


def test_record_figures_dry_run_writes_nothing(definitions, bureau_editor):
    result = record_figures(
        user=bureau_editor,
        rows=[(2, {"code": "trade", "period": "2023", "value": "405"})],
        dry_run=True,
    )

    assert (result.count("new"), Indicator.objects.count()) == (1, 0)


def test_define_indicator_checks_formula(bureau_editor, definitions):
    with pytest.raises(InputError) as unknown:
        define_indicator(
            user=bureau_editor,
            data={
                "code": "x_share",
                "name": "X",
                "unit_of_measure": "%",
                "formula": "nope / sei_output",
            },
        )
    define_indicator(
        user=bureau_editor,
        data={"code": "a_x", "name": "A", "unit_of_measure": "亿元", "formula": "sei_output * 2"},
    )
    with pytest.raises(InputError) as cycle:
        define_indicator(
            user=bureau_editor,
            data={
                "code": "sei_output",
                "name": "战略性新兴产业产值",
                "unit_of_measure": "亿元",
                "formula": "a_x / 2",
            },
        )

    assert list(unknown.value.fields) == ["formula"]
    assert list(cycle.value.fields) == ["formula"]
    assert IndicatorDefinition.objects.get(code="sei_output").formula == ""


def test_define_indicator_town_editor_not_allowed(town_editor):
    with pytest.raises(NotAllowed):
        define_indicator(user=town_editor, data={"code": "x", "name": "X", "unit_of_measure": "%"})


def test_create_and_update_cluster_keep_includes_in_history(bureau_editor, chain):
    xinyi = EnterpriseFactory(name="信义光能控股有限公司")

    cluster = create_cluster(
        user=bureau_editor,
        data={
            "name": "光伏新能源产业集群",
            "unit": "冶金园",
            "chains": ["新能源"],
            "industries": "3825、4416",
        },
    )
    update_cluster(
        user=bureau_editor,
        cluster=cluster,
        data={"enterprises": [xinyi.name], "industries": ["3825"]},
        reason="加入链主",
    )

    cluster = Cluster.objects.get(pk=cluster.pk)
    assert (cluster.unit_id, sorted(cluster.industries.values_list("code", flat=True))) == (
        YEJIN,
        ["3825"],
    )
    logs = list(history_for(cluster))
    assert logs[0].reason == "加入链主"
    assert logs[0].changes["enterprises"] == [[], ["信义光能控股有限公司"]]
    assert logs[0].changes["industries"][1] == ["3825 光伏设备及元器件制造"]


def test_create_cluster_refuses_unknown_includes(bureau_editor):
    with pytest.raises(InputError) as exc:
        create_cluster(
            user=bureau_editor,
            data={
                "name": "X",
                "unit": JINFENG,
                "industries": ["9999"],
                "enterprises": ["无此企业"],
            },
        )

    assert sorted(exc.value.fields) == ["enterprises", "industries"]
    assert Cluster.objects.count() == 0


def test_record_figure_source_by_id(definitions, bureau_editor):
    source = Source.objects.create(title="统计年鉴2024")
    other = UserFactory(username="other", role="city_admin")

    row, _s = record_figure(
        user=other,
        data={"code": "trade", "period": "2023", "value": "405", "source": str(source.pk)},
    )

    assert row.source == source
