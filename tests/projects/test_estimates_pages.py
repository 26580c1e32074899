"""The estimates and impact on the project, cluster and cockpit pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import YEJIN, ProjectFactory
from zhaoshang.chains.models import Chain
from zhaoshang.clusters.models import Cluster, Indicator
from zhaoshang.projects.models import StageDate


@pytest.fixture
def ledger(db):
    """Five projects on chain 新能源 in 冶金工业园 disclosing capex and output (output = 2 ×
    capex), and one disclosing only its capex, due to produce in 2024."""
    chain = Chain.objects.create(code="new-energy", name="新能源", group="emerging")
    for i in range(5):
        ProjectFactory(
            chain=chain,
            unit_id=YEJIN,
            total_investment_wan=Decimal(1000 * (i + 1)),
            expected_output_wan=Decimal(2000 * (i + 1)),
            expected_jobs=10 * (i + 1),
            stage="full_production",
        )
    quiet = ProjectFactory(
        chain=chain, unit_id=YEJIN, total_investment_wan=Decimal(4000), stage="started"
    )
    StageDate.objects.create(
        project=quiet, stage="in_production", planned_on=datetime.date(2024, 6, 1)
    )
    cluster = Cluster.objects.create(name="光伏新能源产业集群", unit_id=YEJIN)
    cluster.chains.add(chain)
    Indicator.objects.create(
        code="cluster_output", name="产值", region_id=YEJIN, cluster=cluster, year=2030,
        period="2030", kind="target", value=Decimal("200"), unit_of_measure="亿元",
    )  # fmt: skip
    return {"quiet": quiet, "cluster": cluster}


def test_project_page_shows_estimates_flagged_with_their_basis(client, leader, ledger):
    client.force_login(leader)
    page = client.get(
        reverse("projects:detail", args=[ledger["quiet"].code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    section = page[page.index('<section id="estimates">') :]
    section = section[: section.index("</section>")]
    # output: capex 4000 × the median output/capex ratio 2 of 5 projects
    assert "CNY 80.00 million" in section
    assert 'class="estimate-flag"' in section
    assert "chain 新能源; n = 5" in section
    assert "interquartile range" in section
    # impact: 0.375 × 4000 = 1500万元 of value added, disclosed figures only as well
    assert "CNY 15.00 million" in section
    assert "0.375 (38" in section


def test_cluster_pipeline_keeps_its_total_and_adds_estimates_on_request(client, leader, ledger):
    client.force_login(leader)
    url = reverse("clusters:detail", args=[ledger["cluster"].pk])
    off = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "If every project reaches production on plan: CNY 0" in off
    assert "1 projects disclose neither output nor revenue" in off
    assert "would add CNY 80 million on plan" in off
    assert "Not counted in the totals above" in off
    on = client.get(url + "?estimates=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "If every project reaches production on plan: CNY 80 million" in on
    assert "incl. estimates" in on
    assert 'id="impact"' in on and "Σ over 6 of 6 projects" in on


def test_cluster_list_shows_the_estimate_apart(client, leader, ledger):
    client.force_login(leader)
    page = client.get(reverse("clusters:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "+CNY 80 million on plan from 1 project without a disclosed output" in page


def test_cockpit_panel_shows_impact_and_leaves_estimates_out_on_request(client, leader, ledger):
    client.force_login(leader)
    page = client.get(reverse("cockpit:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    panel = page[page.index('class="panel impact-panel"') :]
    panel = panel[: panel.index("</section>")]
    # value added 0.375 × (1000+2000+3000+4000+5000+4000) = 7125万元
    assert "CNY 71.25 million" in panel
    assert "estimates=0" in panel and "Leave estimates out" in panel
    # rolled up by chain and by township unit, each figure with its formula on hover
    assert "By chain (top 10)" in panel and "<td>新能源</td>" in panel
    assert "By township unit (top 10)" in panel and "Σ over 6 of 6 projects" in panel
    off = client.get(reverse("cockpit:index") + "?estimates=0", HTTP_ACCEPT_LANGUAGE="en")
    off = off.content.decode()
    assert "disclosed figures only (no estimates)" in off and "Include estimates" in off
