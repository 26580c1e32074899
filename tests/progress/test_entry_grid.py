"""The monthly entry page as each role meets it: its own unit's month is a form grouped into
"to report" and "reported"; another unit's month (or any month for a leader) is a table to
read, with no input and no save button."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import BAOSHUI, JINFENG, ProjectFactory
from tests.progress.factories import PlanFactory, ReportFactory
from zhaoshang.progress.models import MonthlyProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _grid(html: str) -> str:
    return re.search(r'<table class="entry-grid.*?</table>', html, re.S).group(0)


def test_own_unit_is_a_form_grouped_by_what_is_left_to_report(en, town_editor):
    done = ProjectFactory(name="已报项目", unit_id=JINFENG)
    todo = ProjectFactory(name="待报项目", unit_id=JINFENG)
    PlanFactory(project=done)
    PlanFactory(project=todo)
    ReportFactory(project=done, month=6, completed_wan=Decimal("120"))
    en.force_login(town_editor)
    url = reverse("progress:entry")
    html = en.get(url, {"unit": JINFENG, "month": "2023-06"}).content.decode()
    # it opens on what is left to report
    grid = _grid(html)
    assert "待报项目" in grid and "已报项目" not in grid
    assert grid.count(f'name="{todo.code}__completed_wan"') == 1
    assert re.search(r'aria-current="true">To report <b>1</b>', html)
    assert re.search(r">Reported <b>1</b>", html)
    assert "1 of 2 projects still to report this month." in html
    assert "Save the month" in html
    reported = _grid(
        en.get(url, {"unit": JINFENG, "month": "2023-06", "group": "done"}).content.decode()
    )
    assert "已报项目" in reported and 'value="120"' in reported and "待报项目" not in reported
    found = _grid(en.get(url, {"unit": JINFENG, "month": "2023-06", "q": "已报"}).content.decode())
    assert "已报项目" in found and "待报项目" not in found


def test_a_big_unit_is_paged_and_a_save_takes_only_its_page(en, town_editor):
    projects = [ProjectFactory(unit_id=JINFENG, name=f"项目{n:02d}") for n in range(45)]
    for project in projects:
        PlanFactory(project=project)
    ReportFactory(project=projects[30], month=6, completed_wan=Decimal("7"))
    en.force_login(town_editor)
    url = reverse("progress:entry")
    query = {"unit": JINFENG, "month": "2023-06", "group": "all", "page": "2"}
    html = en.get(url, query).content.decode()
    grid = _grid(html)
    assert grid.count("<tr data-group") == 20
    assert "Page 2 of 3" in html
    assert "Save this page" in html
    # page 2 holds rows 21-40; a save of page 2 sends only them: row 31 keeps its report
    # (its version is on the page), rows of pages 1 and 3 are not touched
    sent = dict(re.findall(r'name="([^"]+__\w+)" value="([^"]*)"', grid))
    assert len([k for k in sent if k.endswith("__version")]) == 20
    data = {**sent, f"{projects[25].code}__completed_wan": "55"}
    response = en.post(url + "?" + "&".join(f"{k}={v}" for k, v in query.items()), data)
    assert response.status_code == 302
    assert "group=all" in response["Location"] and "page=2" in response["Location"]
    reports = dict(
        MonthlyProgress.objects.filter(year=2023, month=6).values_list(
            "project__code", "completed_wan"
        )
    )
    assert reports == {projects[25].code: Decimal("55"), projects[30].code: Decimal("7")}


def test_bad_page_and_group_give_a_page_and_a_message(en, town_editor):
    project = ProjectFactory(unit_id=JINFENG)
    PlanFactory(project=project)
    en.force_login(town_editor)
    query = {"unit": JINFENG, "month": "2023-06", "group": "<b>x</b>", "page": "abc"}
    response = en.get(reverse("progress:entry"), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "unknown group “&lt;b&gt;x&lt;/b&gt;”" in html
    assert project.code in _grid(html)


def test_another_units_month_is_read_only(en, town_editor):
    project = ProjectFactory(name="保税区项目", unit_id=BAOSHUI)
    PlanFactory(project=project)
    ReportFactory(project=project, month=6, completed_wan=Decimal("2500"))
    en.force_login(town_editor)
    html = en.get(reverse("progress:entry"), {"unit": BAOSHUI, "month": "2023-06"}).content
    html = html.decode()
    grid = _grid(html)
    assert "<input" not in grid
    assert 'id="entry-form"' not in html
    assert "Save the month" not in html
    # the figure as text, in the page's amount format (2500万元 = CNY 25 million)
    cell = re.search(r'data-label="Completed this month">(.*?)</td>', grid).group(1)
    assert "25" in cell and "million" in cell
    assert "read only. Town editors may only edit projects of their own unit." in html


def test_leader_reads_every_month(en, leader):
    project = ProjectFactory(unit_id=JINFENG)
    PlanFactory(project=project)
    en.force_login(leader)
    html = en.get(reverse("progress:entry"), {"unit": JINFENG, "month": "2023-06"}).content
    html = html.decode()
    assert "<input" not in _grid(html)
    assert "Leaders have read-only access." in html


def test_a_save_confirms_in_the_status_bar(en, town_editor):
    project = ProjectFactory(unit_id=JINFENG)
    PlanFactory(project=project)
    en.force_login(town_editor)
    url = reverse("progress:entry") + f"?unit={JINFENG}&month=2023-06"
    response = en.post(url, {f"{project.code}__completed_wan": "300"}, follow=True)
    html = response.content.decode()
    bar = re.search(r'<div class="entry-bar".*?</div>', html, re.S).group(0)
    assert "Saved 2023-06 for" in bar and "1 new, 0 changed, 0 unchanged." in bar
    # shown once, in the bar that stays in view, not also at the top of the page
    assert html.count("1 new, 0 changed, 0 unchanged.") == 1


def test_a_refused_save_says_so_in_the_status_bar(en, town_editor):
    project = ProjectFactory(unit_id=JINFENG)
    PlanFactory(project=project)
    en.force_login(town_editor)
    url = reverse("progress:entry") + f"?unit={JINFENG}&month=2023-06"
    response = en.post(url, {f"{project.code}__completed_wan": "-5"})
    assert response.status_code == 422
    html = response.content.decode()
    bar = re.search(r'<div class="entry-bar".*?</div>', html, re.S).group(0)
    assert "Nothing was saved: 1 problem, marked in red in the table." in bar
