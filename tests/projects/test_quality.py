import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.api import API, anonymous_client, session_client
from tests.factories import BAOSHUI, JINFENG, LEYU, YEJIN, ProjectFactory, UserFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.projects import quality
from zhaoshang.projects.models import Project, StageDate

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 1, 15)
PAGE = "/projects/quality/"


def findings(project, today=TODAY):
    return [(f.rule, f.message) for f in quality.check_project(project, today=today)]


def report(project, year, month, completed=0, funds=0, text=""):
    return ReportFactory(
        project=project,
        year=year,
        month=month,
        completed_wan=Decimal(completed),
        funds_in_place_wan=Decimal(funds),
        physical_progress=text,
    )


def started_on(project, day, precision="day", stage="started"):
    StageDate.objects.create(
        project=project, stage=stage, actual_on=day, actual_precision=precision
    )


# Each case: what a project has, and every finding it gets (in Chinese, the default).
def _text_beyond_stage():
    p = ProjectFactory(stage="signed")
    report(p, 2023, 5, text="主体结构施工")
    report(p, 2023, 6, text="设备安装，试生产")
    return p


def _text_and_spending():
    p = ProjectFactory(stage="signed", total_investment_wan=Decimal(3060000))
    report(p, 2023, 5, completed=14000)
    report(p, 2023, 6, completed=10000, text="试生产")
    return p


def _spending_while_signed():
    p = ProjectFactory(stage="registered")
    report(p, 2023, 3, completed=0)
    report(p, 2023, 4, completed=2500)
    return p


def _text_started_reads_production():
    p = ProjectFactory(stage="started")
    report(p, 2023, 9, completed=100, text="已投产")
    return p


def _text_planned_only():
    p = ProjectFactory(stage="signed")
    report(p, 2023, 6, text="计划6月开工；尚未竣工，开工前准备")
    return p


def _text_started_building():
    p = ProjectFactory(stage="started")
    report(p, 2023, 6, completed=500, text="主体结构施工")
    return p


def _spent_before_start():
    p = ProjectFactory(stage="started")
    started_on(p, datetime.date(2023, 6, 15))
    report(p, 2023, 3, completed=1000)
    report(p, 2023, 7, completed=1000)
    return p


def _spent_from_start_month():
    p = ProjectFactory(stage="started")
    started_on(p, datetime.date(2023, 6, 15))
    report(p, 2023, 5, completed=0)
    report(p, 2023, 6, completed=1000)
    return p


def _spent_in_start_year_of_year_precision():
    p = ProjectFactory(stage="started")
    started_on(p, datetime.date(2023, 1, 1), precision="year")
    report(p, 2023, 2, completed=1000)
    return p


def _plan_above_remaining():
    p = ProjectFactory(stage="started", total_investment_wan=Decimal(10000))
    report(p, 2022, 12, completed=8000)
    PlanFactory(project=p, year=2023, planned_investment_wan=Decimal(5000))
    return p


def _plan_equal_to_remaining():
    p = ProjectFactory(stage="started", total_investment_wan=Decimal(10000))
    report(p, 2022, 12, completed=8000)
    PlanFactory(project=p, year=2023, planned_investment_wan=Decimal(2000))
    return p


def _plan_above_a_floor_total():
    p = ProjectFactory(
        stage="started", total_investment_wan=Decimal(10000), total_investment_qualifier="at_least"
    )
    PlanFactory(project=p, year=2023, planned_investment_wan=Decimal(50000))
    report(p, 2023, 1, completed=20000, funds=20000)
    return p


def _completed_above_total():
    p = ProjectFactory(stage="started", total_investment_wan=Decimal(1000))
    report(p, 2023, 1, completed=600, funds=500)
    report(p, 2023, 2, completed=600, funds=500)
    return p


def _funds_above_total():
    p = ProjectFactory(stage="started", total_investment_wan=Decimal(1000))
    report(p, 2023, 1, completed=500, funds=1200)
    return p


def _amounts_equal_total():
    p = ProjectFactory(stage="started", total_investment_wan=Decimal(1000))
    report(p, 2023, 1, completed=1000, funds=1000)
    return p


def _stage_date_after_today():
    p = ProjectFactory(stage="started")
    started_on(p, datetime.date(2024, 2, 1))
    started_on(p, datetime.date(2025, 1, 1), precision="year", stage="completed")
    return p


def _stage_dates_today_and_this_month():
    p = ProjectFactory(stage="completed")
    started_on(p, TODAY)
    started_on(p, datetime.date(2024, 1, 1), precision="month", stage="completed")
    return p


def _reports_for_future_months():
    p = ProjectFactory(stage="started")
    report(p, 2024, 1, completed=10)
    report(p, 2024, 2, completed=10)
    report(p, 2024, 3, completed=10)
    return p


def _plan_for_a_lead():
    p = ProjectFactory(stage="negotiating")
    PlanFactory(project=p, year=2023, planned_investment_wan=Decimal(12000))
    return p


def _plan_for_a_signed_project():
    p = ProjectFactory(stage="signed")
    PlanFactory(project=p, year=2023, planned_investment_wan=Decimal(12000))
    return p


def _plan_for_dropped():
    p = ProjectFactory(
        stage="signed", status="dropped", status_reason="投资方撤回",
        status_since=datetime.date(2023, 3, 1),
    )  # fmt: skip
    PlanFactory(project=p, year=2022, planned_investment_wan=Decimal(1000))
    PlanFactory(project=p, year=2023, planned_investment_wan=Decimal(12000))
    return p


def _plan_for_dropped_since_unknown():
    p = ProjectFactory(stage="signed", status="dropped", status_reason="投资方撤回")
    PlanFactory(project=p, year=2022, planned_investment_wan=Decimal(1000))
    return p


CASES = {
    "text names a later stage": (
        _text_beyond_stage,
        [("stage_behind_reports", "阶段为签约，但2023年6月月报形象进度为“设备安装，试生产”")],
    ),
    "text and spending (盛虹's case)": (
        _text_and_spending,
        [
            (
                "stage_behind_reports",
                "阶段为签约，但2023年6月月报形象进度为“试生产”，累计完成投资2.4亿元",
            )
        ],
    ),
    "spending before the start stage": (
        _spending_while_signed,
        [
            (
                "stage_behind_reports",
                "阶段为注册（尚未开工），但月报自2023年4月起累计完成投资2500万元",
            )
        ],
    ),
    "started, text says in production": (
        _text_started_reads_production,
        [("stage_behind_reports", "阶段为开工，但2023年9月月报形象进度为“已投产”")],
    ),
    "clean: text only plans the stage": (_text_planned_only, []),
    "clean: started and building": (_text_started_building, []),
    "spending before the actual start": (
        _spent_before_start,
        [("spending_before_start", "2023年3月起即报完成投资，早于实际开工日期2023-06-15")],
    ),
    "clean: spending from the start month": (_spent_from_start_month, []),
    "clean: start known to the year": (_spent_in_start_year_of_year_precision, []),
    "plan above the remaining total": (
        _plan_above_remaining,
        [
            (
                "plan_above_remaining",
                "2023年计划投资5000万元，超过剩余总投资2000万元"
                "（总投资1亿元，2023年前已完成8000万元）",
            )
        ],
    ),
    "clean: plan equal to the remaining total": (_plan_equal_to_remaining, []),
    "clean: a total written as a floor": (_plan_above_a_floor_total, []),
    "completed above the total": (
        _completed_above_total,
        [
            (
                "completed_above_total",
                "累计完成投资1200万元（月报截至2023年2月），超过总投资1000万元",
            )
        ],
    ),
    "funds in place above the total": (
        _funds_above_total,
        [("funds_above_total", "累计到位资金1200万元（月报截至2023年1月），超过总投资1000万元")],
    ),
    "clean: amounts equal to the total": (_amounts_equal_total, []),
    "stage dates after today": (
        _stage_date_after_today,
        [
            ("stage_date_in_future", "开工实际日期2024-02-01晚于今天（2024-01-15）"),
            ("stage_date_in_future", "竣工实际日期2025晚于今天（2024-01-15）"),
        ],
    ),
    "clean: dates today and this month": (_stage_dates_today_and_this_month, []),
    "reports for future months": (
        _reports_for_future_months,
        [
            (
                "report_for_future_month",
                "有2份月报所属月份晚于当前月份（2024年1月，今天为2024-01-15），最晚为2024年3月",
            )
        ],
    ),
    "plan for a negotiation": (
        _plan_for_a_lead,
        [("plan_before_signing", "阶段为洽谈，却有2023年度计划（1.2亿元）")],
    ),
    "clean: plan for a signed project": (_plan_for_a_signed_project, []),
    "plan for a dropped project": (
        _plan_for_dropped,
        [("plan_for_dropped", "项目已于2023-03-01终止，却有2023年度计划（1.2亿元）")],
    ),
    "plan for a project dropped on an unknown day": (
        _plan_for_dropped_since_unknown,
        [("plan_for_dropped", "项目已终止，却有2022年度计划（1000万元）")],
    ),
}


@pytest.mark.parametrize("make, expected", CASES.values(), ids=CASES.keys())
def test_quality_rule_fires_on_its_case_and_stays_silent_on_clean_data(make, expected):
    assert findings(make()) == expected


def test_quality_every_rule_has_a_case_that_fires():
    fired = {rule for _make, expected in CASES.values() for rule, _message in expected}
    assert fired == set(quality.Check.values)


def test_quality_messages_in_english():
    project = _text_and_spending()
    with translation.override("en"):
        assert findings(project) == [
            (
                "stage_behind_reports",
                "Stage is Signed, but the 2023-06 report's physical progress reads “试生产” "
                "and CNY 240 million has been completed in all",
            )
        ]


@pytest.mark.parametrize(
    "text, stage",
    [
        ("前期手续办理中", None),
        ("桩基施工", "started"),
        ("主体完工", "started"),
        ("主体封顶，设备安装调试", "started"),
        ("试生产", "completed"),
        ("已竣工验收", "completed"),
        ("6月投产", "in_production"),
        ("全面达产", "full_production"),
        ("尚未开工", None),
        ("计划9月竣工", None),
        ("开工前准备", None),
        ("办理施工许可证，施工图设计", None),
        ("投资主体公司已注册", None),
        ("取得施工许可证，桩基施工", "started"),
        ("主体施工；争取年底投产", "started"),
        ("", None),
    ],
)
def test_quality_stage_named_reads_physical_progress(text, stage):
    assert quality.stage_named(text) == stage


def test_quality_check_runs_a_fixed_number_of_queries_and_orders_by_unit():
    projects = [_text_and_spending(), _completed_above_total(), _plan_for_a_lead()]
    Project.objects.filter(pk=projects[1].pk).update(unit_id=BAOSHUI)
    with CaptureQueriesContext(connection) as one:
        quality.check(Project.objects.filter(pk=projects[0].pk), today=TODAY)
    with CaptureQueriesContext(connection) as three:
        found = quality.check(Project.objects.all(), today=TODAY)
    assert (len(one), len(three)) == (5, 5)
    assert [f.rule for f in found] == [
        "stage_behind_reports",
        "plan_before_signing",
        "completed_above_total",
    ]


def test_quality_summary_counts_projects_per_unit_and_rule():
    _stage_date_after_today()
    b = _plan_for_a_lead()
    Project.objects.filter(pk=b.pk).update(unit_id=YEJIN)
    ProjectFactory(unit_id=None, stage="lead").annual_plans.create(
        year=2023, planned_investment_wan=Decimal(1)
    )
    units, total = quality.summarise(quality.check(Project.objects.all(), today=TODAY))
    assert [(u.unit_code, u.projects, u.findings) for u in units] == [
        (JINFENG, 1, 2),
        (YEJIN, 1, 1),
        ("", 1, 1),
    ]
    assert units[0].by_rule["stage_date_in_future"] == 1
    assert (total.projects, total.findings, total.by_rule["plan_before_signing"]) == (3, 4, 2)


# --------------------------------------------------------------------------- the demo


# The monthly reports an earlier demo gave 盛虹 (signed, nothing started): 万元 by month,
# physical progress every two months up to 试生产.
OLD_DEMO_REPORTS = [2526, 2435, 2312, 1794, 2334, 2332, 1897, 1605, 1189, 2557, 1359, 1858]
OLD_DEMO_TEXTS = [
    "前期手续办理中",
    "桩基施工",
    "主体结构施工",
    "主体封顶",
    "设备安装调试",
    "试生产",
]


@pytest.fixture
def seed_facts(tmp_path):
    from zhaoshang.demo.load import ensure_users, load_facts

    ensure_users(tmp_path)
    load_facts()


def test_quality_flags_shenghong_signed_with_the_old_demo_reports(seed_facts):
    shenghong = Project.objects.get(code="320582-2023-0001")
    for m, amount in enumerate(OLD_DEMO_REPORTS, start=1):
        report(shenghong, 2023, m, completed=amount, text=f"（合成）{OLD_DEMO_TEXTS[(m - 1) // 2]}")
    assert findings(shenghong) == [
        (
            "stage_behind_reports",
            "阶段为签约，但2023年12月月报形象进度为“（合成）试生产”，累计完成投资2.4198亿元",
        )
    ]


def test_quality_demo_gives_the_signed_seed_projects_no_finding(seed_facts):
    from zhaoshang.progress import demo

    demo.load_demo()
    signed = Project.objects.filter(is_synthetic=False, stage="signed")
    assert signed.filter(code="320582-2023-0001").exists()
    assert quality.check(signed, today=TODAY) == []


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize("rows", [1, 3])
def test_quality_page_query_count_flat(client, leader, django_assert_num_queries, rows):
    client.force_login(leader)
    for _ in range(rows):
        _text_and_spending()
        _plan_for_a_lead()
    # session, user, profile, the units of the filter, the five of the check
    with django_assert_num_queries(9):
        response = client.get(PAGE)
    assert response.context["total"].projects == 2 * rows


def test_quality_page_lists_findings_with_counts_per_rule(client, leader):
    p = _text_and_spending()
    Project.objects.filter(pk=_plan_for_a_lead().pk).update(unit_id=LEYU)
    client.force_login(leader)
    response = client.get(PAGE, {"unit": "锦丰镇"})
    page = response.content.decode()
    assert [f.project_code for f in response.context["page"]] == [p.code]
    assert [
        (u.unit_code, u.by_rule["stage_behind_reports"]) for u in response.context["units"]
    ] == [(JINFENG, 1)]
    assert "累计完成投资2.4亿元" in page
    everything = client.get(PAGE, {"rule": "plan_before_signing"})
    assert [f.project_code for f in everything.context["page"]] == [
        Project.objects.get(unit_id=LEYU).code
    ]
    assert [u.unit_code for u in everything.context["units"]] == [JINFENG, LEYU]


def test_quality_page_names_an_unknown_unit_and_rule(client, leader):
    client.force_login(leader)
    response = client.get(PAGE, {"unit": "火星镇", "rule": "bogus"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "未知镇（区）“火星镇”" in page
    assert "“bogus”" in page


def test_quality_page_requires_login(client):
    response = client.get(PAGE)
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/projects/quality/")


def test_quality_page_town_editor_starts_on_its_own_units(client, town_editor):
    ours = _plan_for_a_lead()
    partner = _plan_for_a_lead()
    Project.objects.filter(pk=partner.pk).update(unit_id=YEJIN)
    other = _plan_for_a_lead()
    Project.objects.filter(pk=other.pk).update(unit_id=BAOSHUI)
    client.force_login(town_editor)
    mine = client.get(PAGE)
    assert (mine.context["unit"], sorted(f.project_code for f in mine.context["page"])) == (
        "mine",
        sorted([ours.code, partner.code]),
    )
    city = client.get(PAGE, {"unit": "all"})
    assert len(city.context["page"]) == 3


def test_quality_page_shows_nothing_to_a_user_without_a_role(client):
    _plan_for_a_lead()
    user = UserFactory(username="norole")
    user.profile.delete()
    client.force_login(user)
    assert list(client.get(PAGE).context["page"]) == []


def test_quality_pages_escape_what_users_typed(client, leader):
    p = ProjectFactory(stage="signed", name="<script>alert(1)</script>项目")
    report(p, 2023, 6, text="<b>试生产</b>")
    client.force_login(leader)
    for url in (PAGE, f"/projects/{p.code}/"):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "<b>试生产" not in page
        assert "&lt;b&gt;试生产&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;项目" in client.get(PAGE).content.decode()


def test_quality_project_page_shows_its_findings_or_says_none(client, leader):
    flagged, clean = _text_and_spending(), _plan_for_a_signed_project()
    client.force_login(leader)
    page = client.get(f"/projects/{flagged.code}/").content.decode()
    assert "数据质量" in page
    assert "阶段为签约，但2023年6月月报形象进度为“试生产”，累计完成投资2.4亿元" in page
    clean_page = client.get(f"/projects/{clean.code}/")
    assert clean_page.context["quality"] == []


def test_quality_ledger_links_to_the_unit_list(client, leader):
    client.force_login(leader)
    page = client.get("/projects/", {"unit": "乐余镇"}).content.decode()
    assert f'href="/projects/quality/?unit={LEYU}"' in page


# --------------------------------------------------------------------------- API and CLI


def test_quality_api_lists_findings_and_counts(leader):
    p = _completed_above_total()
    lead = _plan_for_a_lead()
    Project.objects.filter(pk=lead.pk).update(unit_id=LEYU)
    body = session_client(leader).get(f"{API}/quality", {"unit": "锦丰镇"}).json()
    assert (body["projects"], body["findings"]) == (1, 1)
    assert {r["rule"]: r["projects"] for r in body["by_rule"]}["completed_above_total"] == 1
    assert [(u["unit_code"], u["projects"]) for u in body["by_unit"]] == [(JINFENG, 1)]
    item = body["items"][0]
    assert (item["project_code"], item["rule"], item["severity"]) == (
        p.code,
        "completed_above_total",
        "error",
    )
    assert item["message"].startswith("CNY 12 million of investment completed in all")


def test_quality_api_pages_the_findings_of_a_rule(leader):
    codes = sorted(_plan_for_a_lead().code for _ in range(3))
    _completed_above_total()
    client = session_client(leader)
    pages = [
        client.get(
            f"{API}/quality", {"rule": "plan_before_signing", "page": n, "page_size": 2}
        ).json()
        for n in (1, 2)
    ]
    assert [(b["count"], b["findings"]) for b in pages] == [(3, 4), (3, 4)]
    assert [i["project_code"] for b in pages for i in b["items"]] == codes


def test_quality_api_for_one_project_and_errors(leader):
    p = _plan_for_a_lead()
    client = session_client(leader)
    assert [f["rule"] for f in client.get(f"{API}/projects/{p.code}/quality").json()] == [
        "plan_before_signing"
    ]
    assert client.get(f"{API}/projects/NOPE/quality").status_code == 404
    response = client.get(f"{API}/quality", {"unit": "火星镇"})
    assert (response.status_code, response.json()) == (
        422,
        {"detail": [{"field": "unit", "message": "unknown township unit “火星镇”"}]},
    )
    assert anonymous_client().get(f"{API}/quality").status_code == 401


def test_quality_command_prints_json_and_refuses_an_unknown_unit():
    p = _plan_for_a_lead()
    out = io.StringIO()
    call_command("quality", "--unit", JINFENG, "--format", "json", stdout=out)
    body = json.loads(out.getvalue())
    assert (body["projects"], [i["project_code"] for i in body["items"]]) == (1, [p.code])
    with pytest.raises(CommandError, match="火星镇"):
        call_command("quality", "--unit", "火星镇")
