"""The administration site: every model registered and usable, saves kept in the history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import BAOSHUI, JINFENG, LEYU, EnterpriseFactory, ProjectFactory
from zhaoshang.chains.models import Chain
from zhaoshang.clusters.models import Cluster, Indicator
from zhaoshang.core.history import history_for, save_tracked
from zhaoshang.core.models import ApiToken, ChangeLog, Source
from zhaoshang.enterprises.models import (
    AliasKind,
    Contact,
    Enterprise,
    EnterpriseAlias,
    Lead,
    Visit,
)
from zhaoshang.projects.admin import HomeTownshipFilter
from zhaoshang.projects.models import (
    BatchEvent,
    Project,
    ProjectInvestor,
    ProjectList,
    ProjectListEntry,
    ProjectSource,
    StageDate,
)
from zhaoshang.regions.models import Region, RegionAlias

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def client_admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def populated(admin_user):
    """One row of every registered model, linked the way the ledger links them."""
    source = Source.objects.create(title="2023年张家港市重大项目清单", publisher="张家港市发改委")
    chain = Chain.objects.create(code="new-energy", name="新能源", group="emerging")
    enterprise = EnterpriseFactory(name="测试新能源有限公司")
    EnterpriseAlias.objects.create(enterprise=enterprise, alias="测试新能源", kind="short")
    Contact.objects.create(enterprise=enterprise, name="张经理", phone="0512-1234567")
    lead = Lead.objects.create(title="电池二期线索", enterprise=enterprise, owner=admin_user)
    Visit.objects.create(
        enterprise=enterprise, lead=lead, visited_on=datetime.date(2024, 1, 5), by=admin_user
    )
    project = ProjectFactory(name="测试电池项目", chain=chain)
    ProjectInvestor.objects.create(project=project, enterprise=enterprise)
    StageDate.objects.create(project=project, stage="signed", actual_on=datetime.date(2023, 3, 1))
    ProjectSource.objects.create(project=project, source=source, note="总投资10亿元")
    plist = ProjectList.objects.create(name="2023年苏州市重大项目", level="city", year=2023)
    ProjectListEntry.objects.create(project_list=plist, project=project)
    event = BatchEvent.objects.create(name="一季度集中签约", kind="signing")
    event.projects.add(project)
    cluster = Cluster.objects.create(name="新能源产业集群", unit_id=JINFENG)
    Indicator.objects.create(
        code="output",
        name="产值",
        region_id=JINFENG,
        cluster=cluster,
        year=2023,
        period="2023",
        kind="target",
        value=Decimal("500"),
        unit_of_measure="亿元",
    )
    RegionAlias.objects.get_or_create(region_id=JINFENG, alias="锦丰")
    ApiToken.issue(admin_user, name="报表")
    Group.objects.create(name="发改委")
    project.status_reason = "等待环评"
    save_tracked(project, user=admin_user, reason="导入")
    _populate_other_apps(admin_user, chain, enterprise, project, source)
    return {"project": project, "enterprise": enterprise}


def _populate_other_apps(admin_user, chain, enterprise, project, source):
    """One row for each model of the chains, intel, progress and excel apps, and axes'
    access attempts (sign-in throttling)."""
    from axes.models import AccessAttempt

    from zhaoshang.chains.models import (
        ChainLeader,
        EnterpriseProfile,
        Node,
        Placement,
        ProjectPlacement,
        SupplyLink,
    )
    from zhaoshang.excel.models import HeaderMapping, ImportJob
    from zhaoshang.intel.models import Article, Candidate
    from zhaoshang.progress.models import (
        AnnualPlan,
        Department,
        MonthlyProgress,
        PlanBaseline,
        Problem,
    )

    AccessAttempt.objects.create(
        username="leader", ip_address="192.0.2.1", user_agent="pytest", get_data="",
        post_data="", http_accept="*/*", path_info="/login/", failures_since_start=1,
    )  # fmt: skip
    node = Node.objects.create(chain=chain, code="cells", name="电芯", position="midstream")
    Placement.objects.create(node=node, enterprise=enterprise, confidence=Decimal("0.9"))
    ProjectPlacement.objects.create(node=node, project=project, confidence=Decimal("0.9"))
    ChainLeader.objects.create(chain=chain, enterprise=enterprise)
    EnterpriseProfile.objects.create(enterprise=enterprise)
    SupplyLink.objects.create(supplier=enterprise, customer=EnterpriseFactory(name="下游客户"))
    article = Article.objects.create(
        title="签约报道", text="总投资10亿元", content_hash="x" * 64, source=source
    )
    Candidate.objects.create(article=article, kind="project", position=0)
    plan = AnnualPlan.objects.create(project=project, year=2023)
    PlanBaseline.objects.create(plan=plan, number=1)
    MonthlyProgress.objects.create(project=project, year=2023, month=3)
    department = Department.objects.create(name="市自然资源和规划局")
    Problem.objects.create(
        project=project,
        title="用地指标",
        department=department,
        deadline=datetime.date(2023, 6, 30),
    )
    HeaderMapping.objects.create(key="k", header="项目名称", target="name", saved_by=admin_user)
    from zhaoshang.clusters.models import IndicatorDefinition

    IndicatorDefinition.objects.get_or_create(
        code="output", defaults={"name": "产值", "unit_of_measure": "亿元"}
    )
    ImportJob.objects.create(user=admin_user, filename="台账.xlsx", content=b"")
    from zhaoshang.dossier.models import Approval, Document, ProjectPerson

    document = Document.objects.create(
        project=project, kind="document", title="环评批复", original_name="环评批复.pdf",
        content_type="application/pdf", size=9, sha256="0" * 64, stored_name="0" * 32 + ".pdf",
    )  # fmt: skip
    Approval.objects.create(
        project=project, item="eia", department=department, status="done",
        done_on=datetime.date(2023, 4, 18), document=document,
    )  # fmt: skip
    ProjectPerson.objects.create(project=project, role="leader", name="王副市长")
    from zhaoshang.dossier.models import BureauMember

    BureauMember.objects.create(user=admin_user, department=department)
    from zhaoshang.chains.models import ChainOfficial, ChainTask, ChainTaskNote, TaskThresholds

    ChainOfficial.objects.create(chain=chain, role="chief", name="（合成）市领导甲")
    task = ChainTask.objects.create(chain=chain, kind="fill", goal="引进电芯企业", owner="商务局",
                                    deadline=datetime.date(2023, 6, 30))  # fmt: skip
    ChainTaskNote.objects.create(task=task, on=datetime.date(2023, 6, 1), text="洽谈中")
    TaskThresholds.objects.create()
    from zhaoshang.leads.models import LeadDocument, Referral, StageChange, Team

    lead = Lead.objects.first()
    team = Team.objects.create(name="新能源招商专班", kind="task_force")
    StageChange.objects.create(lead=lead, to_stage="lead", on=datetime.date(2024, 1, 1))
    Referral.objects.create(lead=lead, to_team=team, note="转专班")
    LeadDocument.objects.create(
        lead=lead, title="投资意向书", original_name="意向书.pdf", content_type="application/pdf",
        kind="document", size=9, sha256="0" * 64, stored_name="1" * 32 + ".pdf",
    )  # fmt: skip
    from zhaoshang.leads.models import EventContact

    EventContact.objects.create(event=BatchEvent.objects.first(), firm_name="某储能科技有限公司",
                                person="王经理", lead=lead)  # fmt: skip


def _post_data(response) -> dict:
    """The POST a browser would send back for an admin change form, unchanged."""
    data: dict = {}

    def add(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None:
            data[key] = ""
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        add(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                add(sub, name)
    return data


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_registered_model_lists_adds_and_changes(client_admin, populated, model):
    assert client_admin.get(_url(model, "changelist")).status_code == 200
    model_admin = admin.site._registry[model]
    request = client_admin.get(_url(model, "changelist")).wsgi_request
    if model_admin.has_add_permission(request):
        assert client_admin.get(_url(model, "add")).status_code == 200
    obj = model._default_manager.first()
    assert obj is not None, f"no {model._meta.label} row to open"
    assert client_admin.get(_url(model, "change", obj.pk)).status_code == 200


def test_every_model_of_the_project_is_registered():
    from django.apps import apps

    inline_only = {
        "core.UserProfile",
        "projects.ProjectInvestor",
        "projects.StageDate",
        "projects.ProjectSource",
        "projects.ProjectListEntry",
    }
    inline_only.add("core.DataVersion")  # bookkeeping of cached figures: nothing to administer
    # uploads waiting for their confirmation (kept a day): handled on their own pages only
    inline_only.update({"enterprises.UniverseUpload", "excel.MonthlyImport"})
    ours = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("zhaoshang.") and m._meta.label not in inline_only
    ]
    missing = [m._meta.label for m in ours if m not in admin.site._registry]
    assert missing == []


def test_site_header_is_set(client_admin):
    response = client_admin.get(reverse("admin:index"))
    assert response.status_code == 200
    with translation.override("en"):
        assert str(admin.site.site_header) == "Zhangjiagang major projects — administration"


def test_user_admin_has_role_and_unit_inline(client_admin, town_editor):
    response = client_admin.get(reverse("admin:auth_user_change", args=[town_editor.pk]))
    assert response.status_code == 200
    formsets = response.context["inline_admin_formsets"]
    assert [f.formset.model._meta.label for f in formsets] == ["core.UserProfile"]
    listing = client_admin.get(reverse("admin:auth_user_changelist"))
    assert "锦丰" in listing.content.decode()


def test_project_change_page_shows_its_history(client_admin, admin_user):
    project = ProjectFactory(name="旧名<b>")
    project.name = "新名<script>alert(1)</script>"
    save_tracked(project, user=admin_user, reason="更正名称")
    response = client_admin.get(_url(Project, "change", project.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "zs-history" in html
    assert "更正名称" in html
    assert "旧名&lt;b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_saving_a_project_records_before_after_and_user(client_admin, admin_user):
    project = ProjectFactory(name="改名前")
    url = _url(Project, "change", project.pk)
    data = _post_data(client_admin.get(url))
    data["name"] = "改名后"
    data["change_reason"] = "按发改委清单更正"
    response = client_admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    log = history_for(project).first()
    assert log.action == "update"
    assert log.user == admin_user
    assert log.changes["name"] == ["改名前", "改名后"]
    assert log.reason == "按发改委清单更正"
    project.refresh_from_db()
    assert project.name == "改名后"
    assert project.version == 2


def test_amount_typed_as_written_is_read_into_wan(client_admin):
    project = ProjectFactory()
    url = _url(Project, "change", project.pk)
    data = _post_data(client_admin.get(url))
    data["total_investment_text"] = "超100亿元"
    response = client_admin.post(url, data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.total_investment_wan == Decimal("1000000")
    assert project.total_investment_qualifier == "at_least"
    changes = history_for(project).first().changes
    assert changes["total_investment_wan"] == ["100000", "1000000"]


def test_unreadable_amount_is_a_form_error(client_admin):
    project = ProjectFactory()
    url = _url(Project, "change", project.pk)
    data = _post_data(client_admin.get(url))
    data["total_investment_text"] = "很多钱"
    response = client_admin.post(url, data)
    assert response.status_code == 200
    assert "total_investment_text" in response.context["adminform"].form.errors
    assert not ChangeLog.objects.exists()


def test_stage_is_read_only_in_the_change_form(client_admin):
    project = ProjectFactory(stage="signed")
    url = _url(Project, "change", project.pk)
    response = client_admin.get(url)
    assert "stage" not in response.context["adminform"].form.fields
    data = _post_data(response)
    data["stage"] = "full_production"
    assert client_admin.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.stage == "signed"


def test_stage_page_changes_stage_through_the_service(client_admin, admin_user):
    project = ProjectFactory(stage="signed")
    url = reverse("admin:projects_project_stage", args=[project.pk])
    assert client_admin.get(url).status_code == 200
    response = client_admin.post(url, {"to": "started", "on": "2024-05-06", "reason": ""})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "started"
    sd = StageDate.objects.get(project=project, stage="started")
    assert sd.actual_on == datetime.date(2024, 5, 6)
    assert sd.recorded_by == admin_user
    assert history_for(project).first().action == "stage"


def test_stage_page_takes_a_month_when_that_is_all_that_is_known(client_admin):
    project = ProjectFactory(stage="signed")
    url = reverse("admin:projects_project_stage", args=[project.pk])
    response = client_admin.post(url, {"to": "started", "on": "2023年11月", "reason": ""})
    assert response.status_code == 302
    sd = StageDate.objects.get(project=project, stage="started")
    assert (sd.actual_on, sd.actual_precision) == (datetime.date(2023, 11, 1), "month")


def test_stage_page_shows_service_refusals(client_admin):
    project = ProjectFactory(stage="started")
    url = reverse("admin:projects_project_stage", args=[project.pk])
    response = client_admin.post(url, {"to": "lead", "on": "2024-05-06", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    project.refresh_from_db()
    assert project.stage == "started"


def test_adding_a_project_records_creation_and_investors(client_admin, admin_user):
    enterprise = EnterpriseFactory()
    url = _url(Project, "add")
    data = _post_data(client_admin.get(url))
    data.update(
        {
            "name": "新增项目",
            "unit": JINFENG,
            "total_investment_text": "5亿元",
            "investor_links-TOTAL_FORMS": "1",
            "investor_links-0-enterprise": str(enterprise.pk),
            "investor_links-0-role": "lead",
        }
    )
    response = client_admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(name="新增项目")
    assert project.created_by == admin_user
    assert project.total_investment_wan == Decimal("50000")
    log = history_for(project).get()
    assert log.action == "create"
    assert log.changes["investors"] == [None, [enterprise.name]]


def test_deleting_a_project_records_a_delete(client_admin, admin_user):
    project = ProjectFactory(name="待删除项目")
    pk = project.pk
    response = client_admin.post(_url(Project, "delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=pk).exists()
    log = ChangeLog.objects.get(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(pk)
    )
    assert log.action == "delete"
    assert log.user == admin_user
    assert log.changes["name"] == ["待删除项目", None]


def test_bulk_delete_records_each_delete(client_admin):
    projects = ProjectFactory.create_batch(2)
    response = client_admin.post(
        _url(Project, "changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in projects], "post": "yes"},
    )
    assert response.status_code == 302
    assert ChangeLog.objects.filter(action="delete").count() == 2


def test_saving_an_enterprise_is_tracked(client_admin, admin_user):
    enterprise = EnterpriseFactory(name="旧企业名")
    url = _url(Enterprise, "change", enterprise.pk)
    data = _post_data(client_admin.get(url))
    data["name"] = "新企业名"
    data["aliases-TOTAL_FORMS"] = "1"
    data["aliases-0-alias"] = "新企业"
    data["aliases-0-kind"] = "short"
    response = client_admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    log = history_for(enterprise).first()
    assert log.user == admin_user
    assert log.changes["name"] == ["旧企业名", "新企业名"]
    with translation.override(settings.LANGUAGE_CODE):
        short = str(AliasKind.SHORT.label)
    assert log.changes["aliases"] == [[], [f"新企业 ({short})"]]
    assert "zs-history" in client_admin.get(url).content.decode()


def test_changelog_admin_is_read_only(client_admin, admin_user):
    project = ProjectFactory()
    project.name = "改过的名称"
    log = save_tracked(project, user=admin_user)
    assert client_admin.get(_url(ChangeLog, "add")).status_code == 403
    page = client_admin.get(_url(ChangeLog, "change", log.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client_admin.get(_url(ChangeLog, "delete", log.pk)).status_code == 403
    model_admin = admin.site._registry[ChangeLog]
    request = page.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, log)
    assert not model_admin.has_delete_permission(request, log)


def test_project_changelist_queries_do_not_grow_with_rows(
    client_admin, django_assert_max_num_queries
):
    url = _url(Project, "changelist")
    ProjectFactory()
    client_admin.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        assert client_admin.get(url).status_code == 200
    for unit in (BAOSHUI, LEYU):
        project = ProjectFactory(unit_id=unit)
        ProjectInvestor.objects.create(project=project, enterprise=EnterpriseFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client_admin.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_project_changelist_marks_synthetic_rows_and_formats_amounts(client_admin):
    ProjectFactory(name="演示项目", is_synthetic=True, total_investment_wan=Decimal("1250000"))
    ProjectFactory(name="真实项目", total_investment_wan=Decimal("5000"))
    html = client_admin.get(_url(Project, "changelist")).content.decode()
    assert "125亿元" in html
    assert "5000万元" in html
    assert html.count("background:#f5dd5d") == 1  # the synthetic badge, on one row only
    assert "column-synthetic_mark" in html


def test_unit_filter_offers_only_home_county_townships(client_admin):
    ProjectFactory()
    response = client_admin.get(_url(Project, "changelist"))
    spec = next(s for s in response.context["cl"].filter_specs if isinstance(s, HomeTownshipFilter))
    codes = [code for code, _label in spec.lookup_choices]
    assert JINFENG in codes
    assert all(code.startswith("320582") for code in codes)
    assert all(Region.objects.get(code=c).level == 4 for c in codes)
    filtered = client_admin.get(_url(Project, "changelist"), {"unit__code__exact": BAOSHUI})
    assert filtered.context["cl"].result_count == 0


def test_unit_autocomplete_offers_township_units(client_admin):
    response = client_admin.get(
        reverse("admin:autocomplete"),
        {"term": "张家港", "app_label": "projects", "model_name": "project", "field_name": "unit"},
    )
    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["results"]]
    assert ids
    assert all(Region.objects.get(code=i).level == 4 for i in ids)


def test_api_token_add_shows_key_once_and_revoke(client_admin, admin_user):
    response = client_admin.post(
        _url(ApiToken, "add"), {"user": admin_user.pk, "name": "脚本"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="脚本")
    text = " ".join(str(m) for m in response.context["messages"])
    key = text.split("<code style='user-select:all'>")[1].split("</code>")[0]
    assert ApiToken.hash_key(key) == token.key_hash
    change = client_admin.get(_url(ApiToken, "change", token.pk)).content.decode()
    assert token.key_hash not in change
    client_admin.post(
        _url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    token.refresh_from_db()
    assert token.revoked


def test_status_needing_a_reason_and_status_since(client_admin):
    project = ProjectFactory()
    url = _url(Project, "change", project.pk)
    data = _post_data(client_admin.get(url))
    data["status"] = "delayed"
    response = client_admin.post(url, data)
    assert response.status_code == 200
    assert "status_reason" in response.context["adminform"].form.errors
    data["status_reason"] = "用地指标未落实"
    assert client_admin.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.status == "delayed"
    assert project.status_since == timezone.localdate()


def test_stage_date_inline_refuses_actual_dates_beyond_the_stage(client_admin):
    project = ProjectFactory(stage="signed")
    url = _url(Project, "change", project.pk)
    data = _post_data(client_admin.get(url))
    data.update(
        {
            "stage_dates-TOTAL_FORMS": "1",
            "stage_dates-0-stage": "completed",
            "stage_dates-0-actual_on": "2023-01-01",
            "stage_dates-0-planned_precision": "day",
            "stage_dates-0-actual_precision": "day",
        }
    )
    response = client_admin.post(url, data)
    assert response.status_code == 200
    stage_formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is StageDate
    )
    assert stage_formset.non_form_errors()
    assert not StageDate.objects.filter(project=project).exists()
    data["stage_dates-0-stage"] = "signed"
    response = client_admin.post(url, data)
    assert response.status_code == 302, [
        f.formset.non_form_errors() or f.formset.errors
        for f in response.context["inline_admin_formsets"]
    ]
    sd = StageDate.objects.get(project=project)
    assert sd.actual_on == datetime.date(2023, 1, 1)
    assert sd.recorded_by is not None
    assert history_for(project).first().changes["actual_signed"] == [None, "2023-01-01"]


@pytest.mark.parametrize("model", [Project, Enterprise], ids=lambda m: m._meta.label)
def test_fieldsets_show_every_editable_field(rf, admin_user, model):
    from django.contrib.admin.utils import flatten_fieldsets

    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    shown = set(flatten_fieldsets(model_admin.get_fieldsets(request)))
    editable = {f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key}
    editable |= {
        f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created
    }
    assert editable - shown == set()
