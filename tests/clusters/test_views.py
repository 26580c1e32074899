import io

import pytest
from django.urls import reverse

from tests.clusters.conftest import add_actuals, planned_project
from tests.factories import LEYU
from zhaoshang.clusters.models import Cluster, Indicator

pytestmark = pytest.mark.django_db


def test_cluster_pages_need_login(client):
    response = client.get(reverse("clusters:list"))

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/clusters/")


def test_cluster_list_shows_targets_and_marks_synthetic(client, leader, cluster):
    add_actuals(cluster, {2022: "139", 2023: "163"})
    client.force_login(leader)

    page = client.get(reverse("clusters:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "光伏新能源产业集群" in page
    assert "超200亿元" in page and "163亿元" in page
    assert 'class="synthetic"' in page
    assert 'id="bullet-data"' in page


def _more_clusters(n, chain):
    for i in range(n):
        other = Cluster.objects.create(name=f"集群{i}", unit_id=LEYU)
        other.chains.add(chain)
        Indicator.objects.create(
            code="cluster_output", name="x", region_id=LEYU, cluster=other, year=2024,
            period="2024", kind="target", value=1, unit_of_measure="亿元",
        )  # fmt: skip


def test_cluster_list_query_count_flat(
    client, leader, cluster, chain, django_assert_max_num_queries
):
    client.force_login(leader)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("clusters:list"))
    _more_clusters(2, chain)
    with django_assert_max_num_queries(20) as three:
        client.get(reverse("clusters:list"))

    assert len(one.captured_queries) == len(three.captured_queries)


def test_cluster_detail_pipeline_and_404(client, leader, cluster, chain):
    planned_project(
        code="P-1",
        name="光伏组件项目",
        chain=chain,
        stage="started",
        production="2024-05-01",
        output="50000",
    )
    client.force_login(leader)

    page = client.get(reverse("clusters:detail", args=[cluster.pk])).content.decode()

    assert "光伏组件项目" in page and "5亿元" in page
    assert client.get(reverse("clusters:detail", args=[9999])).status_code == 404


def test_cluster_detail_query_count_flat_in_pipeline_rows(
    client, leader, cluster, chain, django_assert_max_num_queries
):
    client.force_login(leader)
    planned_project(code="P-1", chain=chain, production="2024-05-01", output="1")
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("clusters:detail", args=[cluster.pk]))
    planned_project(code="P-2", chain=chain, production="2024-05-01", output="1")
    planned_project(code="P-3", chain=chain, production="2024-05-01", output="1")
    with django_assert_max_num_queries(30) as three:
        client.get(reverse("clusters:detail", args=[cluster.pk]))

    assert len(one.captured_queries) == len(three.captured_queries)


def test_indicator_pages_show_formula_and_worked_sum(client, leader, definitions):
    from decimal import Decimal

    for code, value, q in (("sei_output", "2400", "at_least"), ("sei_share", "41.0", "exact")):
        Indicator.objects.create(
            code=code, name=code, region_id="320582", year=2022, period="2022", kind="actual",
            value=Decimal(value), unit_of_measure="x", qualifier=q,
        )  # fmt: skip
    client.force_login(leader)

    listing = client.get(reverse("clusters:indicators")).content.decode()
    detail = client.get(
        reverse("clusters:indicator", args=["above_scale_output_implied"])
    ).content.decode()

    assert "≥5853.66" in listing
    assert "≥2400 ÷ 41 × 100 = ≥5853.66" in detail
    assert "战略性新兴产业产值 ÷ 战略性新兴产业产值占规上工业总产值比重 × 100" in detail
    assert client.get(reverse("clusters:indicator", args=["nope"])).status_code == 404


def test_indicator_list_query_count_flat(
    client, leader, definitions, django_assert_max_num_queries
):
    from zhaoshang.clusters.models import IndicatorDefinition

    client.force_login(leader)
    IndicatorDefinition.objects.filter(code__in=["fdi_utilised", "trade"]).delete()
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("clusters:indicators"))
    IndicatorDefinition.objects.create(code="trade", name="进出口总额", unit_of_measure="亿美元")
    IndicatorDefinition.objects.create(
        code="fdi_utilised", name="实际使用外资", unit_of_measure="亿美元"
    )
    with django_assert_max_num_queries(40) as three:
        client.get(reverse("clusters:indicators"))

    assert len(one.captured_queries) == len(three.captured_queries)


def test_indicator_export_download_and_import_page(client, bureau_editor, definitions):
    client.force_login(bureau_editor)

    export = client.get(reverse("clusters:indicator_export"))
    checked = client.post(
        reverse("clusters:indicator_import"),
        {"file": io.BytesIO(export.content), "action": "check"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert checked.status_code == 200
    assert "the sheet has a header but no figures under it" in checked.content.decode()


def test_indicator_import_page_shows_row_errors(client, bureau_editor, definitions):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["指标代码", "期间", "数值"])
    sheet.write_row(1, 0, ["sei_share", "2023", "141"])
    book.close()
    buffer.seek(0)
    buffer.name = "bad.xlsx"
    client.force_login(bureau_editor)

    page = client.post(reverse("clusters:indicator_import"), {"file": buffer, "action": "import"})

    assert page.status_code == 200
    assert "141" in page.content.decode()
    assert Indicator.objects.count() == 0
