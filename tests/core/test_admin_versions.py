"""#13 item 7 in the administration: every admin change page of a model with a `version`
carries the version it was loaded at, and a save checks it ("no path overwrites
silently"). Before, only the project page did (its own form); any other tracked admin of
a versioned model saved over what someone saved meanwhile."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.core.test_admin import _post_data
from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.chains.models import Chain, ChainOfficial, ChainTask
from zhaoshang.core.admin_site import TrackedAdmin, has_version
from zhaoshang.core.history import history_for
from zhaoshang.dossier.models import Approval, Document, ProjectPerson
from zhaoshang.enterprises.models import Lead, Visit
from zhaoshang.leads.models import LeadDocument
from zhaoshang.progress import services as progress_services
from zhaoshang.progress.models import AnnualPlan, Department, MonthlyProgress, Problem
from zhaoshang.projects.models import BatchEvent, Project, ProjectInvestor

pytestmark = pytest.mark.django_db

STALE = (
    "This problem was changed by someone else after you opened it (your version 1, now 2). "
    "Reload to see their change."
)
MISSING = (
    "version is required: send the “version” of the problem you loaded, so that a change "
    "someone else saved in the meantime is not overwritten"
)


def _problem() -> Problem:
    return Problem.objects.create(
        project=ProjectFactory(),
        title="用地指标",
        department=Department.objects.create(name="市自然资源和规划局"),
        deadline=datetime.date(2027, 6, 30),
    )


def _document() -> Document:
    return Document.objects.create(
        project=ProjectFactory(), kind="document", title="环评批复", original_name="环评批复.pdf",
        content_type="application/pdf", size=9, sha256="0" * 64, stored_name="0" * 32 + ".pdf",
    )  # fmt: skip


MAKERS = {
    Project: lambda: ProjectFactory(),
    AnnualPlan: lambda: AnnualPlan.objects.create(project=ProjectFactory(), year=2026),
    MonthlyProgress: lambda: MonthlyProgress.objects.create(
        project=ProjectFactory(), year=2026, month=3
    ),
    Problem: _problem,
    # the project file's records change on the project page only; the admin reads them
    Approval: lambda: Approval.objects.create(project=ProjectFactory(), item="eia"),
    ProjectPerson: lambda: ProjectPerson.objects.create(
        project=ProjectFactory(), role="leader", name="王副市长"
    ),
    Document: _document,
    # leads, batch events and chain tasks: edited on their own pages and in the admin alike
    Lead: lambda: Lead.objects.create(title="储能电池正极材料基地"),
    Visit: lambda: Visit.objects.create(visited_on=datetime.date(2026, 3, 1), place="锦丰镇"),
    LeadDocument: lambda: LeadDocument.objects.create(
        lead=Lead.objects.create(title="线索"),
        title="意向书",
        original_name="意向书.pdf",
        content_type="application/pdf",
        kind="document",
        size=9,
        sha256="0" * 64,
        stored_name="1" * 32 + ".pdf",
    ),
    BatchEvent: lambda: BatchEvent.objects.create(name="集中开工", kind="start"),
    ChainOfficial: lambda: ChainOfficial.objects.create(
        chain=Chain.objects.create(code="test-chain", name="测试链"), role="chief", name="链长"
    ),
    ChainTask: lambda: ChainTask.objects.create(
        chain=Chain.objects.create(code="test-chain", name="测试链"),
        kind="fill",
        goal="补链：引进一家正极材料企业",
        owner="商务局",
        deadline=datetime.date(2026, 12, 31),
    ),
}
VERSIONED = sorted((m for m in admin.site._registry if has_version(m)), key=lambda m: m._meta.label)


def test_every_versioned_model_in_the_admin_is_covered_here():
    """A model that gains a `version` and an admin page must be added to MAKERS."""
    assert set(VERSIONED) == set(MAKERS)


@pytest.mark.parametrize("model", VERSIONED, ids=lambda m: m._meta.label)
def test_no_admin_change_page_of_a_versioned_model_saves_without_its_version(
    client, admin_user, model
):
    """The real admin site: an editable page carries the hidden version and refuses a save
    based on an older one; a read-only page (plans, reports, problems change through their
    own pages and the API) refuses every save."""
    client.force_login(admin_user)
    obj = MAKERS[model]()
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    model_admin = admin.site._registry[model]
    page = client.get(url)
    editable = page.context["has_change_permission"]

    if not editable:
        response = client.post(url, {"version": "99", "is_synthetic": "on"})
        assert (response.status_code, model.objects.get(pk=obj.pk).version) == (403, 1)
        assert (
            not isinstance(model_admin, TrackedAdmin)
            or "loaded_version" not in page.context["adminform"].form.fields
        )
        return
    assert isinstance(model_admin, TrackedAdmin)
    assert '<input type="hidden" name="loaded_version" value="1"' in page.content.decode()
    data = _post_data(page)
    model.objects.filter(pk=obj.pk).update(version=2)  # someone saved meanwhile

    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert len(response.context["adminform"].form.non_field_errors()) == 1
    assert model.objects.get(pk=obj.pk).version == 2


# -- a tracked admin of another versioned model (Problem) on a site of its own ---------------


class ProblemDeclaredFields(TrackedAdmin):
    fields = ["title", "leader", "deadline", "status"]


class ProblemAllFields(TrackedAdmin):
    exclude = ["created_at"]  # a split date-time widget the test's form copier does not fill


SITE = AdminSite(name="versions_test")


def _call(model_admin, user, obj, data=None, lang="en"):
    factory = RequestFactory(HTTP_ACCEPT_LANGUAGE=lang)
    request = factory.post("/", data) if data is not None else factory.get("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    request._dont_enforce_csrf_checks = True
    with translation.override(lang):  # no middleware here to read the header
        response = model_admin.change_view(request, str(obj.pk))
        if hasattr(response, "render"):
            response.render()
    if hasattr(response, "context_data"):
        response.context = response.context_data
    return response


@pytest.fixture(params=[ProblemDeclaredFields, ProblemAllFields], ids=["fields", "auto"])
def problem_page(request, admin_user):
    model_admin = request.param(Problem, SITE)
    problem = _problem()
    page = _call(model_admin, admin_user, problem)
    return model_admin, problem, page


def test_tracked_admin_page_of_a_versioned_model_carries_the_version_once(problem_page):
    _model_admin, _problem_obj, page = problem_page
    fieldsets = page.context["adminform"].fieldsets
    named = [f for _name, opts in fieldsets for f in opts["fields"]]

    assert named.count("loaded_version") == 1
    assert "loaded_version" in fieldsets[0][1]["fields"]
    assert _post_data(page)["loaded_version"] == "1"


def test_tracked_admin_save_with_the_version_saves_and_counts_it(problem_page, admin_user):
    model_admin, problem, page = problem_page

    response = _call(
        model_admin, admin_user, problem, {**_post_data(page), "title": "用地指标缺口"}
    )

    problem.refresh_from_db()
    errors = response.context["adminform"].form.errors if response.status_code == 200 else None
    assert (response.status_code, problem.title, problem.version) == (302, "用地指标缺口", 2), (
        errors
    )
    assert history_for(problem).first().changes["title"] == ["用地指标", "用地指标缺口"]


def test_tracked_admin_save_after_someone_saved_is_refused(problem_page, admin_user):
    """Reproduction of #13 item 7: the admin overwrote a problem someone closed meanwhile."""
    model_admin, problem, page = problem_page
    progress_services.update_problem(
        user=admin_user, problem=problem, data={"leader": "王副市长"}, expected_version=1
    )

    response = _call(model_admin, admin_user, problem, {**_post_data(page), "title": "改标题"})

    problem.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [STALE]
    assert (problem.title, problem.leader, problem.version) == ("用地指标", "王副市长", 2)


@pytest.mark.parametrize("version", ["", "abc", None])
def test_tracked_admin_save_without_a_version_is_refused(problem_page, admin_user, version):
    model_admin, problem, page = problem_page
    data = {**_post_data(page), "title": "改标题"}
    if version is None:
        del data["loaded_version"]
    else:
        data["loaded_version"] = version

    response = _call(model_admin, admin_user, problem, data)

    problem.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [MISSING]
    assert (problem.title, problem.version) == ("用地指标", 1)


def test_no_hidden_version_for_a_model_without_one(client, admin_user):
    client.force_login(admin_user)
    department = Department.objects.create(name="市商务局")
    url = reverse("admin:progress_department_change", args=[department.pk])

    page = client.get(url)
    response = client.post(url, {**_post_data(page), "short_name": "商务局"})

    assert "loaded_version" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    assert Department.objects.get(pk=department.pk).short_name == "商务局"


def test_no_hidden_version_on_an_add_page(client, admin_user):
    client.force_login(admin_user)

    page = client.get(reverse("admin:projects_project_add"))

    assert 'name="loaded_version"' not in page.content.decode()


def test_a_change_made_only_in_an_inline_counts_in_the_version(client, admin_user):
    """Holders of the old version must hear of an investor added in the admin too."""
    client.force_login(admin_user)
    project = ProjectFactory()
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = _post_data(client.get(url))
    enterprise = EnterpriseFactory(name="新投资方有限公司")
    prefix = "investor_links"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-enterprise": str(enterprise.pk),
            f"{prefix}-0-role": "lead",
            f"{prefix}-0-share_percent": "",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ProjectInvestor.objects.filter(project=project, enterprise=enterprise).exists()
    project.refresh_from_db()
    assert project.version == 2
