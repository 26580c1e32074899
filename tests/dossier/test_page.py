"""The project page as the project's file (一项目一档), on the demo: what a leader and a town
editor read in each section, figures from the functions every other page uses."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from zhaoshang.dossier.models import Approval, ProjectPerson
from zhaoshang.progress import facts as facts_mod
from zhaoshang.progress import rates, rules
from zhaoshang.progress.months import Month
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db

SEED = "320582-2023-0005"  # 大族激光华东区域总部基地项目, started, planned 20亿 in 2023


@pytest.fixture(autouse=True)
def _demo(demo_once):
    return demo_once


def client_for(client, username: str, lang: str = "en"):
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies["django_language"] = lang
    return client


def page(client, code: str = SEED, username: str = "leader", lang: str = "en") -> str:
    response = client_for(client, username, lang).get(
        reverse("projects:detail", args=[code]), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_page_sections_are_in_the_section_nav(client):
    html = page(client)
    nav = html.split('class="dossier-nav"')[1].split("</nav>")[0]
    for anchor in ("plan", "monthly", "warnings", "problems", "approvals", "people", "files",
                   "history"):  # fmt: skip
        assert f'href="#{anchor}"' in nav
        assert f'id="{anchor}"' in html


def test_plan_section_shows_this_years_planned_investment(client):
    body = text(page(client))
    assert "Plan 2023" in body
    assert "CNY 2.00 billion" in body  # the demo's invented plan of 200000万元


def test_monthly_series_is_as_of_the_end_of_each_month_from_the_one_function(client):
    project = Project.objects.get(code=SEED)
    month = Month(2023, 6)
    facts = facts_mod.load(month, facts_mod.Scope(project_ids={project.pk}))
    _rows, total = rates.compute(month, facts=facts)
    html = page(client)
    table = html.split('id="monthly-table"')[1].split("</table>")[0]
    june = table.split("2023-06")[1].split("</tr>")[0]
    assert f">{_percent(total.completion_rate)}<" in june
    assert ">50%<" in june  # 序时进度 at the end of June
    assert 'id="dossier-chart-data"' in html and 'id="dossier-chart"' in html
    assert "Completed in the month" in table


def _percent(share):
    from zhaoshang.progress.amounts import percent

    return percent(share)


def test_monthly_column_is_not_headed_completed_as_a_stage_in_chinese(client):
    html = page(client, lang="zh-hans")
    table = html.split('id="monthly-table"')[1].split("</thead>")[0]
    assert "竣工" not in table


def test_warnings_are_those_of_the_rule_engine_for_the_latest_month(client):
    project = Project.objects.get(code=SEED)
    with translation.override("en"):
        found = rules.compute(
            Month(2023, 12), facts_mod.Scope(project_ids={project.pk}), include_green=True
        )
    body = text(page(client))
    assert "Warnings · 2023-12" in body
    for w in found:
        assert w.reason in body


def test_leader_reads_people_and_approvals_but_sees_no_form(client):
    html = page(client, username="leader")
    body = text(html)
    person = ProjectPerson.objects.filter(project__code=SEED, role="leader").get()
    assert person.name in body
    assert "Leader in charge" in body
    assert Approval.objects.filter(project__code=SEED).count() == 7
    assert "Construction permit" in body
    for form in (
        'id="person-form"',
        'id="approval-form"',
        'id="upload-form"',
        'href="/dossier/approvals/',
        'href="/dossier/people/',
        "/remove/",
    ):
        assert form not in html
    assert "Read-only for you" in body


def test_town_editor_gets_the_forms_only_on_its_own_units_projects(client):
    own = Project.objects.filter(code__startswith="320582-KMH-", unit_id="320582103").first()
    html = page(client, code=own.code, username="jinfeng")
    assert 'id="person-form"' in html and 'id="upload-form"' in html
    other = page(client, code=SEED, username="jinfeng")  # 320582403, not 锦丰镇's
    assert 'id="person-form"' not in other and 'id="upload-form"' not in other


def test_demo_has_late_approvals_marked_synthetic(client):
    late = [
        a
        for a in Approval.objects.filter(is_synthetic=True)
        if a.is_overdue(datetime.date(2024, 1, 1))
    ]
    assert late
    assert all(p.name.startswith("（合成）") for p in ProjectPerson.objects.all())


def test_at_a_glance_reads_the_plan_the_years_completion_and_the_light(client):
    project = Project.objects.get(code=SEED)
    month = Month(2023, 12)
    facts = facts_mod.load(month, facts_mod.Scope(project_ids={project.pk}))
    _rows, total = rates.compute(month, facts=facts)
    html = page(client)
    glance = text(html.split('id="glance"')[1].split("</ul>")[0])
    assert "Planned investment 2023 CNY 2.00 billion" in glance
    assert f"{_percent(total.completion_rate)} of the plan, elapsed 100%" in glance
    assert "Light · 2023-12" in glance and "red" in glance
    assert "Approvals obtained 7 / 7" in glance


def test_progress_page_heads_the_months_investment_as_such_not_as_completion(client):
    response = client_for(client, "leader", "zh-hans").get(
        reverse("progress:project", args=[SEED]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = response.content.decode()
    head = html.split("2023年月度报告</h2>")[1].split("</thead>")[0]
    assert "当月完成投资" in head
    assert "竣工" not in head
