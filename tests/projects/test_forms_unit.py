"""Each role sees what it can do: the project form's unit picker, the confirmation after a
save, the ledger's filter words, and the main menu of a leader (no Excel, no API)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import BAOSHUI, JINFENG, LEYU, YEJIN, ProjectFactory
from zhaoshang.projects.forms import ProjectForm
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def _as_loaded(project: Project, **changes) -> dict:
    """What the edit form posts when the user changes only `changes`."""
    data = {k: v for k, v in ProjectForm.initial_for(project).items() if v not in (None, False)}
    return {**data, **changes}


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _unit_options(html: str) -> list[str]:
    select = re.search(r'<select name="unit"[^>]*id="id_unit"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the unit is a picker"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def _selected_unit(html: str) -> str:
    select = re.search(r'<select name="unit"[^>]*id="id_unit"[^>]*>(.*?)</select>', html, re.S)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return found.group(1) if found else ""


def test_town_editor_picks_only_its_own_units_and_starts_on_its_own(en, town_editor):
    en.force_login(town_editor)
    page = en.get(reverse("projects:create")).content.decode()
    # its own unit and its 区镇合一 partner, no "no unit", nothing else
    assert _unit_options(page) == [JINFENG, YEJIN]
    assert _selected_unit(page) == JINFENG
    assert "Town editors create and edit projects of their own unit." in page
    assert 'list="unit-options"' not in page


def test_bureau_editor_picks_any_home_unit_or_none(en, bureau_editor):
    en.force_login(bureau_editor)
    options = _unit_options(en.get(reverse("projects:create")).content.decode())
    assert options[0] == ""
    assert {JINFENG, YEJIN, LEYU, BAOSHUI} <= set(options)
    assert len(options) > 8


def test_edit_form_selects_the_projects_unit_and_saves_a_change_of_unit(en, bureau_editor):
    project = ProjectFactory(unit_id=JINFENG, name="改单位项目")
    en.force_login(bureau_editor)
    url = reverse("projects:edit", args=[project.code])
    assert _selected_unit(en.get(url).content.decode()) == JINFENG
    response = en.post(url, _as_loaded(project, unit=LEYU), follow=True)
    project.refresh_from_db()
    assert project.unit_id == LEYU
    text = response.content.decode()
    # the confirmation, at the top of the project page, names what changed
    assert f"Saved {project.code} “改单位项目”; changed: Township unit." in text


def test_saving_nothing_says_nothing_changed(en, bureau_editor):
    project = ProjectFactory(unit_id=JINFENG, name="未改项目")
    en.force_login(bureau_editor)
    url = reverse("projects:edit", args=[project.code])
    text = en.post(url, _as_loaded(project), follow=True).content.decode()
    assert f"Nothing changed in {project.code} “未改项目”." in text


def test_creating_a_project_confirms_it(en, town_editor):
    en.force_login(town_editor)
    response = en.post(
        reverse("projects:create"),
        {"name": "确认新项目", "unit": JINFENG, "nature": "new", "stage": "lead"},
        follow=True,
    )
    project = Project.objects.get(name="确认新项目")
    assert f"Project {project.code} “确认新项目” created." in response.content.decode()


def test_a_town_editor_posting_another_unit_is_refused_beside_the_picker(en, town_editor):
    en.force_login(town_editor)
    response = en.post(
        reverse("projects:create"),
        {"name": "越权项目", "unit": LEYU, "nature": "new", "stage": "lead"},
    )
    assert list(response.context["form"].errors) == ["unit"]
    assert not Project.objects.filter(name="越权项目").exists()
    # the value sent comes back selected, so the message reads against what was chosen
    assert _selected_unit(response.content.decode()) == LEYU


def test_ledger_bad_filter_is_named_by_its_label_not_its_code_name(en, leader):
    en.force_login(leader)
    page = en.get(reverse("projects:list"), {"amount_min": "很多", "unit": "火星镇"}).content
    text = page.decode()
    assert "<b>Total investment from</b>" in text
    assert "<b>Township unit</b>" in text
    assert "<b>amount_min</b>" not in text
    # the folded filter form opens by itself on a phone when a filter is wrong
    assert re.search(r'<form class="filters" id="ledger-filters"[^>]*data-open', text)


def test_ledger_filter_button_counts_applied_filters_and_examples_read_as_examples(en, leader):
    en.force_login(leader)
    text = en.get(reverse("projects:list"), {"stage": "started", "q": "盛虹"}).content.decode()
    assert "Filter (2 applied)" in text
    assert 'placeholder="e.g. 10亿"' in text
    zh = en.get(reverse("projects:list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200


def _menu(html: str) -> str:
    return re.search(r'<nav id="main-nav".*?</nav>', html, re.S).group(0)


def test_leader_menu_has_no_excel_and_no_api(en, leader):
    en.force_login(leader)
    menu = _menu(en.get(reverse("projects:list")).content.decode())
    assert reverse("excel:import") not in menu
    assert "/api/v1/docs" not in menu
    assert "Ledger" in menu


@pytest.mark.parametrize("who", ["town_editor", "bureau_editor"])
def test_editors_menu_has_excel_and_api(en, who, request):
    en.force_login(request.getfixturevalue(who))
    menu = _menu(en.get(reverse("projects:list")).content.decode())
    assert reverse("excel:import") in menu
    assert "/api/v1/docs" in menu


def test_leader_sees_no_indicator_import_form_but_the_reason(en, leader):
    en.force_login(leader)
    text = en.get(reverse("clusters:indicator_import")).content.decode()
    assert 'type="file"' not in text
    assert "Leaders have read-only access." in text


def test_editor_sees_the_indicator_import_form(en, town_editor):
    en.force_login(town_editor)
    assert 'type="file"' in en.get(reverse("clusters:indicator_import")).content.decode()


def test_a_conflict_names_units_not_codes(en, bureau_editor, admin_user):
    from zhaoshang.projects.services import update_project

    project = ProjectFactory(unit_id=JINFENG, name="两人同改项目")
    en.force_login(bureau_editor)
    loaded = _as_loaded(project, unit=LEYU)
    # someone else moves it to 保税区 meanwhile
    update_project(user=admin_user, project=project, data={"unit": BAOSHUI})
    response = en.post(reverse("projects:edit", args=[project.code]), loaded)
    conflict = response.context["conflict"]
    unit_row = next(row for row in conflict["rows"] if row["label"] == "Township unit")
    assert (unit_row["mine"], unit_row["theirs"]) == ("乐余镇", "保税区")
    project.refresh_from_db()
    assert project.unit_id == BAOSHUI  # nothing overwritten
