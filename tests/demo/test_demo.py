import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.clusters.models import Cluster, Indicator
from zhaoshang.core.models import ChangeLog
from zhaoshang.demo.load import ensure_users, load_facts
from zhaoshang.demo.synthetic import PREFIX, generate
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import STAGE_ORDER, BatchEvent, Project, ProjectList, StageDate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    users = ensure_users(tmp_path)
    load_facts()
    return users


def _counts():
    models = (
        Project,
        Enterprise,
        StageDate,
        ChangeLog,
        Indicator,
        Cluster,
        BatchEvent,
        ProjectList,
    )
    return [m.objects.count() for m in models]


def test_demo_loading_twice_duplicates_nothing(demo, tmp_path):
    before = _counts()
    users_again = ensure_users(tmp_path)
    load_facts()
    assert _counts() == before
    assert users_again == demo


def test_demo_users_have_fixed_names_and_roles(demo):
    assert [(u, label.split()[0]) for u, _p, label in demo] == [
        ("admin", "市管理员"),
        ("fgw", "发改委"),
        ("jinfeng", "锦丰镇"),
        ("leader", "市领导"),
    ]
    jinfeng = (
        Enterprise.objects.none()
        .model._meta.apps.get_model("auth", "User")
        .objects.get(username="jinfeng")
    )
    assert (jinfeng.profile.role, jinfeng.profile.unit_id) == ("town_editor", "320582103")


def test_demo_carries_the_seed_facts(demo):
    sh = Project.objects.get(name="盛虹控股集团储能电池超级工厂和新能源电池研究院项目")
    assert (sh.total_investment_wan, sh.expected_revenue_wan, sh.expected_revenue_qualifier) == (
        Decimal("3060000"),
        Decimal("5600000"),
        "at_least",
    )
    assert sh.stage_dates.get(stage="signed").actual_on == datetime.date(2023, 1, 31)
    phase = sh.phases.get()
    assert (phase.phase_label, phase.total_investment_wan, phase.capacity) == (
        "首期",
        Decimal("1400000"),
        "24GWh",
    )
    xinyi = Project.objects.get(name="信义光伏(苏州)有限公司光伏玻璃生产基地")
    assert (xinyi.unit_id, xinyi.expected_revenue_wan, xinyi.expected_tax_wan) == (
        "320582406",
        Decimal("450000"),
        Decimal("36000"),
    )
    assert xinyi.parent.foreign_investment_original == Decimal("150000")
    assert xinyi.parent.foreign_investment_currency == "USD"
    han = Project.objects.get(name="大族激光华东区域总部基地项目")
    assert (han.unit_id, han.total_investment_wan, han.total_investment_qualifier) == (
        "320582403",
        Decimal("1000000"),
        "at_least",
    )
    gc = Project.objects.get(name="港城智能智造产业园")
    assert (gc.unit_id, gc.total_investment_wan, gc.total_investment_qualifier) == (
        "320582104",
        Decimal("900000"),
        "approx",
    )
    assert (gc.expected_revenue_wan, gc.expected_tax_wan) == (Decimal("250000"), Decimal("12000"))
    amprius = Project.objects.get(name="安普瑞斯硅负极高能量密度锂离子电池项目")
    assert amprius.capacity == "月产1000万只锂离子电池"
    zf = Project.objects.get(name="采埃孚底盘零部件系统及后轮主动转向系统项目")
    signed = zf.stage_dates.get(stage="signed")
    assert (signed.actual_on, signed.actual_precision) == (datetime.date(2022, 11, 1), "month")
    assert Project.objects.filter(investors__aliases__alias="采埃孚").count() == 2
    assert not Project.objects.filter(is_synthetic=False, name__startswith="（合成）").exists()


def test_demo_lists_events_clusters_indicators(demo):
    plist = ProjectList.objects.get(name="2023年江苏省重大项目清单")
    assert (plist.declared_project_count, plist.planned_investment_wan) == (5, Decimal("220000"))
    assert sorted(plist.projects.values_list("name", flat=True)) == [
        "广大鑫盛风电装备关键部件项目",
        "采埃孚新能源汽车核心零部件项目",
    ]
    kmh = BatchEvent.objects.get(name__contains="开门红")
    assert (kmh.declared_project_count, kmh.declared_total_wan) == (100, Decimal("5972000"))
    nev = BatchEvent.objects.get(name__contains="新能源汽车")
    assert (nev.declared_project_count, nev.declared_total_wan) == (8, Decimal("866000"))
    targets = {
        i.cluster.name: (i.value, i.qualifier, i.year)
        for i in Indicator.objects.filter(code="cluster_output", kind="target")
    }
    assert targets == {
        "冶金玻璃新材料产业集群": (Decimal("2000"), "at_least", 2024),
        "光伏新能源产业集群": (Decimal("200"), "at_least", 2024),
        "医疗器械与美容新医疗产业集群": (Decimal("100"), "at_least", 2024),
    }
    sei = {i.code: i.value for i in Indicator.objects.filter(period="2022")}
    assert sei == {
        "sei_output": Decimal("2400"),
        "sei_output_growth": Decimal("8"),
        "sei_share": Decimal("41.0"),
    }


def test_synthetic_generation_deterministic_and_idempotent(demo):
    assert generate(30) == 30
    assert generate(30) == 0
    first = list(
        Project.objects.filter(code__startswith=PREFIX)
        .order_by("code")
        .values_list("code", "name", "total_investment_wan", "stage", "unit_id")
    )
    Project.objects.filter(is_synthetic=True).delete()
    assert generate(30) == 30
    again = list(
        Project.objects.filter(code__startswith=PREFIX)
        .order_by("code")
        .values_list("code", "name", "total_investment_wan", "stage", "unit_id")
    )
    assert again == first
    assert generate(40) == 10
    assert Project.objects.filter(is_synthetic=True).count() == 40


def test_synthetic_projects_valid_and_dates_in_order(demo):
    generate(200)
    today = timezone.localdate()
    projects = Project.objects.filter(is_synthetic=True).prefetch_related("stage_dates")
    for project in projects:
        project.full_clean()
        assert project.name.startswith("（合成）")
        actual = sorted(
            (STAGE_ORDER.index(sd.stage), sd.actual_on)
            for sd in project.stage_dates.all()
            if sd.actual_on
        )
        dates = [d for _i, d in actual]
        assert dates == sorted(dates)
        assert all(d <= today for d in dates)
        assert actual[-1][0] == STAGE_ORDER.index(project.stage)
    stages = {p.stage for p in projects}
    assert stages == set(STAGE_ORDER)


def test_demo_logins_file_is_never_readable_by_others(tmp_path, monkeypatch):
    """#13 item 8: demo_users.json holds clear-text passwords; it is 0600 from its first
    byte (it used to be written 0644 and narrowed afterwards)."""
    import os
    import stat

    seen = []
    real_replace = os.replace

    def watch(src, dst):
        seen.append(stat.S_IMODE(os.stat(src).st_mode))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watch)
    ensure_users(tmp_path / "data")
    mode = stat.S_IMODE((tmp_path / "data" / "demo_users.json").stat().st_mode)
    assert (seen, mode) == ([0o600], 0o600)
