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
    page = en.get(reverse("progress:entry"), {"unit": JINFENG, "month": "2023-06"})
    html = page.content.decode()
    grid = _grid(html)
    assert re.search(r'<tr data-group="done" data-find="已报项目 ', grid)
    assert re.search(r'<tr data-group="todo" data-find="待报项目 ', grid)
    assert grid.count('name="' + todo.code + "__completed_wan") == 1
    assert 'value="120"' in grid
    assert re.search(r"To report <b>1</b>", html)
    assert re.search(r"Reported <b>1</b>", html)
    assert "1 of 2 projects still to report this month." in html
    assert "Save the month" in html


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
