import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import BAOSHUI, ProjectFactory
from tests.progress.factories import PlanFactory, ProblemFactory, ReportFactory, months
from zhaoshang.progress.models import AnnualPlan, MonthlyProgress, WarningRule
from zhaoshang.projects.models import BatchEvent, ProjectList, ProjectListEntry

pytestmark = pytest.mark.django_db


def _planned(n, **extra):
    out = []
    for _ in range(n):
        project = ProjectFactory(**extra)
        PlanFactory(project=project, planned_start=datetime.date(2023, 3, 1))
        months(project, [100, 200])
        ProblemFactory(project=project)
        out.append(project)
    return out


def test_progress_pages_need_a_sign_in(client):
    response = client.get(reverse("progress:warnings"))
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/progress/warnings/")


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("progress:overview", "?month=2023-02"),
        ("progress:warnings", "?month=2023-02"),
        ("progress:plans", "?year=2023"),
        ("progress:rates", "?month=2023-02&by=unit"),
        ("progress:reporting", "?month=2023-02"),
        ("progress:problems", ""),
        ("progress:slippage", "?year=2023&all=1"),
        ("progress:entry", "?unit=320582103&month=2023-02"),
    ],
)
def test_list_pages_keep_their_query_count_with_more_rows(
    client, leader, django_assert_max_num_queries, name, query
):
    client.force_login(leader)
    _planned(1)
    url = reverse(name) + query
    client.get(url)  # the name resolver's process-wide tables load on first use
    with django_assert_max_num_queries(40) as one:
        assert client.get(url).status_code == 200
    _planned(2)
    with django_assert_max_num_queries(40) as three:
        assert client.get(url).status_code == 200
    assert len(three.captured_queries) == len(one.captured_queries)


def test_lists_and_events_pages_keep_their_query_count(
    client, leader, django_assert_max_num_queries
):
    client.force_login(leader)
    plist = ProjectList.objects.create(name="2023年江苏省重大项目清单", level="province", year=2023)
    event = BatchEvent.objects.create(
        name="开门红", kind="start_completion", date=datetime.date(2023, 1, 1)
    )
    counts = []
    for n in (1, 2):
        for project in _planned(n):
            ProjectListEntry.objects.create(project_list=plist, project=project)
            event.projects.add(project)
        with django_assert_max_num_queries(40) as captured:
            for url in (
                reverse("progress:lists"),
                reverse("progress:list", args=[plist.pk]) + "?month=2023-02",
                reverse("progress:events"),
                reverse("progress:event", args=[event.pk]),
            ):
                assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_warnings_page_shows_the_reason(client, leader):
    project = ProjectFactory(name="信义光伏扩建", stage="started")
    PlanFactory(project=project, planned_investment_wan=Decimal("12000"))
    months(project, [560] * 9)
    client.force_login(leader)
    page = client.get(reverse("progress:warnings"), {"month": "2023-09"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "信义光伏扩建" in text
    assert "completion 42%, elapsed time 75%" in text


def test_entry_page_shows_last_month_and_saves_the_whole_unit(client, town_editor):
    a = ProjectFactory(name="项目甲")
    b = ProjectFactory(name="项目乙")
    PlanFactory(project=a)
    PlanFactory(project=b)
    ReportFactory(project=a, month=5, completed_wan=Decimal("432.5"))
    client.force_login(town_editor)
    url = reverse("progress:entry") + "?unit=320582103&month=2023-06"
    page = client.get(url).content.decode()
    assert 'data-value="432.5"' in page
    response = client.post(
        url,
        {
            f"{a.code}__completed_wan": "500",
            f"{a.code}__physical_progress": "主体施工",
            f"{b.code}__completed_wan": "",
        },
    )
    assert response.status_code == 302
    assert list(
        MonthlyProgress.objects.filter(month=6).values_list("project__code", "completed_wan")
    ) == [(a.code, Decimal("500"))]


def test_entry_page_bad_row_writes_nothing_and_names_the_row(client, town_editor):
    a = ProjectFactory(name="项目甲")
    b = ProjectFactory(name="项目乙")
    PlanFactory(project=a)
    PlanFactory(project=b)
    client.force_login(town_editor)
    url = reverse("progress:entry") + "?unit=320582103&month=2023-06"
    response = client.post(
        url,
        {f"{a.code}__completed_wan": "500", f"{b.code}__completed_wan": "-8"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert (
        "row 2 (项目乙): investment completed: an amount cannot be negative: -8"
        in response.content.decode()
    )
    assert MonthlyProgress.objects.count() == 0


def test_entry_page_refuses_another_units_editor(client, town_editor):
    project = ProjectFactory(unit_id=BAOSHUI)
    PlanFactory(project=project)
    client.force_login(town_editor)
    response = client.post(
        reverse("progress:entry") + f"?unit={BAOSHUI}&month=2023-06",
        {f"{project.code}__completed_wan": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert "Town editors may only edit projects of their own unit." in response.content.decode()
    assert MonthlyProgress.objects.count() == 0


def test_plan_page_approve_then_change_with_reason(client, bureau_editor):
    project = ProjectFactory()
    client.force_login(bureau_editor)
    url = reverse("progress:plan", args=[project.code, 2023])
    assert (
        client.post(url, {"planned_investment_wan": "8000", "planned_start": "2023-04"}).status_code
        == 302
    )
    assert client.post(url, {"action": "approve"}).status_code == 302
    version = AnnualPlan.objects.get().version
    refused = client.post(
        url, {"planned_investment_wan": "6000", "version": version}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 422
    assert "changing an approved plan needs a reason" in refused.content.decode()
    assert (
        client.post(
            url,
            {
                "planned_investment_wan": "6000",
                "planned_start": "2023-04",
                "reason": "压减",
                "version": version,
            },
        ).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert "压减" in page


def test_rules_page_is_read_only_except_for_the_administrator(client, bureau_editor, admin_user):
    client.force_login(bureau_editor)
    data = {}
    for rule in WarningRule.objects.all():
        data[f"{rule.code}__amber_from"] = "1"
        data[f"{rule.code}__red_from"] = "2"
        data[f"{rule.code}__enabled"] = "on"
    data["report_due_day"] = "12"
    assert client.post(reverse("progress:rules"), data).status_code == 403
    client.force_login(admin_user)
    bad = {**data, "behind_elapsed__red_from": "0.5"}
    assert client.post(reverse("progress:rules"), bad).status_code == 422
    assert WarningRule.objects.get(code="start_overdue").red_from == Decimal(3)
    assert client.post(reverse("progress:rules"), data).status_code == 302
    assert WarningRule.objects.get(code="start_overdue").red_from == Decimal(2)


def test_problem_page_closes_with_resolution(client, town_editor):
    problem = ProblemFactory()
    client.force_login(town_editor)
    url = reverse("progress:problem", args=[problem.pk])
    fields = {
        "title": problem.title,
        "department": problem.department.name,
        "raised_on": "2023-03-01",
        "deadline": "2023-04-30",
        "status": "solved",
        "resolution": "",
        "version": problem.version,
    }
    assert client.post(url, fields).status_code == 422
    assert (
        client.post(url, {**fields, "resolution": "已协调", "closed_on": "2023-04-28"}).status_code
        == 302
    )
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on) == ("solved", datetime.date(2023, 4, 28))


def test_monthly_report_download_is_a_workbook(client, leader):
    _planned(1)
    client.force_login(leader)
    response = client.get(reverse("progress:report"), {"month": "2023-02"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:2] == b"PK"
