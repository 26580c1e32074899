import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import BAOSHUI, LEYU, EnterpriseFactory, ProjectFactory
from zhaoshang.core.models import ChangeLog
from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.models import Project, ProjectInvestor, StageDate
from zhaoshang.projects.services import change_stage, create_project, update_project

pytestmark = pytest.mark.django_db

LIST = "/projects/"


@pytest.fixture
def en(client):
    """Pages in English, so text assertions read the msgids."""
    client.cookies["django_language"] = "en"
    return client


def test_ledger_page_requires_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/projects/"


def test_ledger_page_lists_filters_and_totals(en, leader):
    ProjectFactory(name="盛虹储能", total_investment_wan=3060000, stage="signed")
    ProjectFactory(name="大族激光", total_investment_wan=1000000, stage="started", unit_id=BAOSHUI)
    ProjectFactory(name="（合成）项目", is_synthetic=True, total_investment_wan=5)
    en.force_login(leader)
    page = en.get(LIST, {"unit": "保税区"}).content.decode()
    assert "大族激光" in page and "盛虹储能" not in page
    page = en.get(LIST, {"synthetic": "real"}).content.decode()
    assert "2 projects" in page
    assert "CNY 40.6 billion" in page
    assert "（合成）项目" not in page


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"foreign": "foreign"}, ["外资项目"]),
        ({"foreign": "domestic"}, ["小项目", "大项目"]),
        ({"amount_min": "10亿"}, ["大项目", "外资项目"]),
        ({"amount_min": "10亿", "amount_max": "20亿元"}, ["外资项目"]),
        ({"amount_max": "5000万"}, ["小项目"]),
        ({"date_stage": "signed", "date_from": "2023", "date_to": "2023"}, ["大项目"]),
        ({"date_from": "2022-11", "date_to": "2022-11"}, ["外资项目"]),
        ({"stage": "started"}, ["小项目"]),
        ({"status": "delayed"}, ["外资项目"]),
        ({"industry": "36"}, ["外资项目"]),
        ({"q": "ZF"}, ["外资项目"]),
    ],
)
def test_ledger_page_filters_by_every_parameter(client, leader, params, expected):
    big = ProjectFactory(name="大项目", total_investment_wan=Decimal("500000"))
    foreign = ProjectFactory(
        name="外资项目",
        total_investment_wan=Decimal("150000"),
        is_foreign=True,
        status="delayed",
        industry_id="3670",
    )
    ProjectFactory(name="小项目", total_investment_wan=Decimal("5000"), stage="started")
    StageDate.objects.create(project=big, stage="signed", actual_on=datetime.date(2023, 1, 31))
    StageDate.objects.create(project=foreign, stage="signed", actual_on=datetime.date(2022, 11, 1))
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG")
    EnterpriseAlias.objects.create(enterprise=zf, alias="采埃孚", kind="short")
    ProjectInvestor.objects.create(project=foreign, enterprise=zf)
    client.force_login(leader)
    response = client.get(LIST, params)
    shown = [p.name for p in response.context["page"]]
    assert sorted(shown) == sorted(expected)


def test_ledger_page_unreadable_filter_is_named_and_ignored(en, leader):
    ProjectFactory(name="某项目")
    en.force_login(leader)
    response = en.get(LIST, {"amount_min": "很多钱", "stage": "flying"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "很多钱" in page and "flying" in page
    assert [p.name for p in response.context["page"]] == ["某项目"]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("total_investment", ["乙", "丙", "甲"]),
        ("-total_investment", ["甲", "丙", "乙"]),
        ("stage", ["丙", "甲", "乙"]),
        ("-stage", ["乙", "甲", "丙"]),
        ("code", ["甲", "乙", "丙"]),
    ],
)
def test_ledger_page_sorts_by_column(client, leader, sort, expected):
    ProjectFactory(code="A-1", name="甲", total_investment_wan=300, stage="signed")
    ProjectFactory(code="A-2", name="乙", total_investment_wan=100, stage="started")
    ProjectFactory(code="A-3", name="丙", total_investment_wan=200, stage="lead")
    client.force_login(leader)
    response = client.get(LIST, {"sort": sort})
    assert [p.name for p in response.context["page"]] == expected


def test_ledger_page_paginates_and_keeps_filters_in_links(client, leader):
    ProjectFactory.create_batch(55, stage="signed")
    client.force_login(leader)
    response = client.get(LIST, {"stage": "signed", "sort": "code"})
    page = response.content.decode()
    assert len(response.context["page"]) == 50
    assert "?stage=signed&amp;sort=code&amp;page=2" in page
    second = client.get(LIST, {"stage": "signed", "sort": "code", "page": 2})
    assert len(second.context["page"]) == 5


@pytest.mark.parametrize("rows", [1, 3])
def test_ledger_page_query_count_flat(client, leader, django_assert_num_queries, rows):
    client.force_login(leader)
    ProjectFactory.create_batch(rows)
    # session, user, profile, the set's phases, totals, counts by stage, the page's rows,
    # the units, the chains
    with django_assert_num_queries(9):
        client.get(LIST, {"stage": "signed", "amount_min": "1亿"})
    # a text search finds the firms by name and by alias (two short lookups), runs once,
    # then the four queries select its ids
    with django_assert_num_queries(12):
        client.get(LIST, {"q": "测试", "amount_min": "1亿"})


def test_ledger_csv_has_exactly_the_filtered_rows(client, leader):
    ProjectFactory(
        code="C-1", name="保税区项目", unit_id=BAOSHUI, total_investment_wan=Decimal("1000000")
    )
    ProjectFactory(code="C-2", name="锦丰项目")
    client.force_login(leader)
    response = client.get(reverse("projects:csv"), {"unit": BAOSHUI})
    body = b"".join(response.streaming_content).decode("utf-8")
    lines = body.lstrip("\ufeff").strip().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(lines) == 2
    assert lines[1].split(",")[:4] == ["C-1", "保税区项目", "保税区", "1000000"]


def test_project_page_shows_amounts_timeline_and_history(en, bureau_editor):
    project = create_project(
        user=bureau_editor,
        data={"name": "港城智能智造产业园", "unit": "乐余镇", "total_investment": "约90亿元"},
    )
    change_stage(user=bureau_editor, project=project, to="negotiating", on="2023-01-05")
    en.force_login(bureau_editor)
    page = en.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert "约90亿元" in page  # as written
    assert "about CNY 9 billion" in page  # normalised
    assert "900000" in page  # exact 万元
    assert "2023-01-05" in page
    assert "fgw" in page
    assert en.get(reverse("projects:detail", args=["NOPE"])).status_code == 404


def test_project_page_lists_the_investors_other_projects(client, leader):
    zf = EnterpriseFactory(name="采埃孚")
    one = ProjectFactory(name="底盘项目")
    two = ProjectFactory(name="新能源零部件项目")
    ProjectInvestor.objects.create(project=one, enterprise=zf)
    ProjectInvestor.objects.create(project=two, enterprise=zf)
    client.force_login(leader)
    page = client.get(reverse("projects:detail", args=[one.code])).content.decode()
    assert reverse("projects:detail", args=[two.code]) in page


def test_project_page_escapes_names(client, leader):
    project = ProjectFactory(name="<script>alert(1)</script>")
    client.force_login(leader)
    page = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_town_editor_creates_project_in_own_unit(en, town_editor):
    en.force_login(town_editor)
    response = en.post(
        reverse("projects:create"),
        {
            "name": "锦丰新材料项目",
            "unit": "锦丰镇",
            "industry": "3841 锂离子电池制造",
            "nature": "new",
            "stage": "signed",
            "stage_date": "2024-03-01",
            "total_investment": "超100亿元",
            "investors": "某某集团；另一集团",
        },
    )
    project = Project.objects.get(name="锦丰新材料项目")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.code])
    assert (project.total_investment_wan, project.total_investment_qualifier) == (
        Decimal("1000000"),
        "at_least",
    )
    assert project.total_investment_text == "超100亿元"
    assert project.industry_id == "3841"
    assert project.stage_dates.get(stage="signed").actual_on == datetime.date(2024, 3, 1)
    assert list(project.investors.order_by("name").values_list("name", flat=True)) == [
        "另一集团",
        "某某集团",
    ]


def test_create_form_keeps_input_and_names_bad_fields(en, bureau_editor):
    en.force_login(bureau_editor)
    response = en.post(
        reverse("projects:create"),
        {
            "name": "坏项目",
            "nature": "new",
            "stage": "lead",
            "total_investment": "很多钱",
            "unit": "火星镇",
        },
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {"total_investment", "unit"}
    page = response.content.decode()
    assert 'value="很多钱"' in page and 'value="火星镇"' in page
    assert Project.objects.count() == 0


def test_create_form_messages_follow_the_language(client, bureau_editor):
    client.force_login(bureau_editor)
    data = {"name": "坏项目", "nature": "new", "stage": "lead", "unit": "火星镇"}
    client.cookies["django_language"] = "en"
    english = client.post(reverse("projects:create"), data).context["form"].errors["unit"][0]
    assert english == "unknown township unit “火星镇”"


def test_town_editor_cannot_create_in_another_unit(client, town_editor):
    client.force_login(town_editor)
    response = client.post(
        reverse("projects:create"),
        {"name": "越权项目", "unit": "保税区", "nature": "new", "stage": "lead"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert Project.objects.count() == 0


def test_town_editor_cannot_edit_other_unit_even_by_url(en, town_editor):
    other = ProjectFactory(unit_id=LEYU, name="乐余项目")
    en.force_login(town_editor)
    detail = en.get(reverse("projects:detail", args=[other.code])).content.decode()
    assert "Town editors may only edit projects of their own unit." in detail
    assert reverse("projects:edit", args=[other.code]) not in detail
    edit = en.get(reverse("projects:edit", args=[other.code]))
    assert edit.status_code == 403
    assert "Town editors may only edit projects of their own unit." in edit.content.decode()
    stage = en.post(
        reverse("projects:stage", args=[other.code]), {"to": "started", "on": "2024-01-01"}
    )
    assert stage.status_code == 403
    assert Project.objects.get(pk=other.pk).stage == "signed"


def test_leader_gets_403_with_reason_on_create(en, leader):
    en.force_login(leader)
    response = en.get(reverse("projects:create"))
    assert response.status_code == 403
    assert "Leaders have read-only access." in response.content.decode()


def test_edit_sends_only_changed_fields_and_keeps_amount_text(client, bureau_editor):
    project = create_project(
        user=bureau_editor, data={"name": "原名", "unit": "锦丰镇", "total_investment": "超100亿元"}
    )
    client.force_login(bureau_editor)
    form = client.get(reverse("projects:edit", args=[project.code])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["name"] = "新名"
    response = client.post(reverse("projects:edit", args=[project.code]), data)
    project.refresh_from_db()
    assert response.status_code == 302
    assert (project.name, project.total_investment_text, project.version) == (
        "新名",
        "超100亿元",
        2,
    )


def test_edit_marks_a_project_for_open_data_and_unmarks_it(en, bureau_editor):
    """The 公开发布 flag is set on the ordinary form (not only in the admin), through the one
    service path, so the change history records it; the OC4IDS export then includes it."""
    from zhaoshang.projects.oc4ids import published_q

    project = create_project(user=bureau_editor, data={"name": "厂房项目", "unit": "锦丰镇"})
    en.force_login(bureau_editor)
    url = reverse("projects:edit", args=[project.code])
    form = en.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    assert "Publish as open data (OC4IDS)" in en.get(url).content.decode()

    assert en.post(url, {**data, "publish_oc4ids": "on"}).status_code == 302
    project.refresh_from_db()
    assert (project.publish_oc4ids, project.version) == (True, 2)
    assert Project.objects.filter(published_q(), pk=project.pk).exists()
    assert "publish_oc4ids" in ChangeLog.objects.filter(object_id=str(project.pk)).first().changes

    data = {k: v for k, v in en.get(url).context["form"].initial.items() if v not in (None, False)}
    assert data.pop("publish_oc4ids") is True  # the box is ticked; untick it
    assert en.post(url, data).status_code == 302
    project.refresh_from_db()
    assert (project.publish_oc4ids, project.version) == (False, 3)


def test_edit_conflict_is_shown_and_keeps_input(en, bureau_editor, admin_user):
    project = create_project(user=bureau_editor, data={"name": "原名", "unit": "锦丰镇"})
    en.force_login(bureau_editor)
    form = en.get(reverse("projects:edit", args=[project.code])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    update_project(user=admin_user, project=project, data={"name": "别人改的名"})
    data["name"] = "我的名"
    response = en.post(reverse("projects:edit", args=[project.code]), data)
    page = response.content.decode()
    project.refresh_from_db()
    assert response.status_code == 200
    assert project.name == "别人改的名"
    assert "changed by someone else" in page
    assert 'value="我的名"' in page and "别人改的名" in page
    # saving again is a deliberate choice: the form now carries the saved version
    assert response.context["conflict"]["version"] == project.version


def test_parse_amount_preview_shows_normalised_value(en, town_editor):
    en.force_login(town_editor)
    url = reverse("projects:parse_amount")
    ok = en.get(
        url, {"field": "total_investment", "total_investment": "超100亿元"}
    ).content.decode()
    assert "over CNY 10 billion" in ok and "1000000" in ok
    usd = en.get(
        url, {"field": "foreign_investment", "foreign_investment": "15亿美元"}
    ).content.decode()
    assert "USD" in usd
    bad = en.get(url, {"field": "total_investment", "total_investment": "很多"}).content.decode()
    assert "parse-error" in bad and "很多" in bad


def test_stage_action_advances_with_date_and_who(client, town_editor):
    project = ProjectFactory(stage="signed")
    client.force_login(town_editor)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("projects:stage", args=[project.code]), {"to": "started", "on": today}
    )
    project.refresh_from_db()
    assert response.status_code == 302
    assert project.stage == "started"
    sd = project.stage_dates.get(stage="started")
    assert (sd.actual_on.isoformat(), sd.recorded_by) == (today, town_editor)


def test_stage_action_going_back_needs_reason(en, town_editor):
    project = ProjectFactory(stage="started")
    en.force_login(town_editor)
    response = en.post(
        reverse("projects:stage", args=[project.code]), {"to": "signed", "on": "2024-01-01"}
    )
    assert response.status_code == 422
    assert "going back a stage needs a reason" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == "started"


def test_status_action_drops_with_reason(client, town_editor):
    project = ProjectFactory()
    client.force_login(town_editor)
    missing = client.post(reverse("projects:status", args=[project.code]), {"status": "dropped"})
    assert missing.status_code == 422
    ok = client.post(
        reverse("projects:status", args=[project.code]),
        {"status": "dropped", "reason": "企业撤资", "on": "2024-05"},
    )
    project.refresh_from_db()
    assert ok.status_code == 302
    assert (project.status, project.status_reason, project.status_since) == (
        "dropped",
        "企业撤资",
        datetime.date(2024, 5, 1),
    )


def test_forms_require_csrf(bureau_editor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(bureau_editor)
    response = strict.post(
        reverse("projects:create"), {"name": "x", "nature": "new", "stage": "lead"}
    )
    assert response.status_code == 403
    assert Project.objects.count() == 0


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    "data, attr, expected",
    [
        ({"amount_min": "10亿"}, "amount_min", Decimal("100000")),
        ({"amount_max": "1.5亿元"}, "amount_max", Decimal("15000")),
        ({"amount_min": "5000"}, "amount_min", Decimal("5000")),
        ({"date_to": "2023"}, "date_to", datetime.date(2023, 12, 31)),
        ({"date_to": "2024-02"}, "date_to", datetime.date(2024, 2, 29)),
        ({"date_from": "2023-03"}, "date_from", datetime.date(2023, 3, 1)),
        ({"unit": "冶金园"}, "unit", "320582406"),
        ({"foreign": "domestic"}, "is_foreign", False),
        ({"sort": "-name"}, "sort", "-name"),
        ({"sort": "password"}, "sort", "-total_investment"),
    ],
)
def test_ledger_params_read_the_query_string(data, attr, expected):
    from zhaoshang.projects.queries import LedgerParams

    assert getattr(LedgerParams(data), attr) == expected


def test_ledger_params_query_string_drops_defaults_and_empties():
    from zhaoshang.projects.queries import LedgerParams

    params = LedgerParams({"q": " 采埃孚 ", "sort": "-total_investment", "date_stage": "signed"})
    assert params.query_string() == "q=%E9%87%87%E5%9F%83%E5%AD%9A"
    assert params.query_string(sort="code") == "q=%E9%87%87%E5%9F%83%E5%AD%9A&sort=code"


def test_ledger_page_total_states_the_phase_counted_once(en, leader):
    parent = ProjectFactory(name="盛虹储能", total_investment_wan=3060000)
    ProjectFactory(name="盛虹首期", parent=parent, phase_label="首期", total_investment_wan=1400000)
    en.force_login(leader)
    response = en.get(LIST, {"q": "盛虹"})
    assert (response.context["count"], response.context["total"]) == (2, Decimal("3060000"))
    assert response.context["phase_note"] == (
        "includes 1 phase of CNY 14 billion counted within its parent project, once"
    )
    assert response.context["phase_note"] in response.content.decode()
