"""The 要素保障 rule in the month's warnings (`progress.rules`, rule `element_due`): one
warning per project at its worst item, as of the month's end, thresholds from the rule."""

import datetime

import pytest

from tests.factories import ProjectFactory
from zhaoshang.dossier.models import Approval
from zhaoshang.progress import rules
from zhaoshang.progress.facts import Scope
from zhaoshang.progress.headline import headline
from zhaoshang.progress.models import Department, Rule, WarningRule
from zhaoshang.progress.months import Month

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2024, 3, 15)
BAOSHUI = "320582403"


def _item(project, due, item="eia", done=None):
    return Approval.objects.create(
        project=project,
        item=item,
        department=Department.objects.get(short_name="生态环境局"),
        planned_on=due,
        done_on=done,
        status="done" if done else "in_progress",
    )


def _element_warnings(month, scope=None, **kw):
    found = rules.compute(month, scope, today=TODAY, **kw)
    return [(w.project_code, w.level, w.reason) for w in found if w.rule == Rule.ELEMENT_DUE]


def test_one_warning_per_project_at_its_worst_item():
    a, b = ProjectFactory(), ProjectFactory()
    _item(a, D(2023, 6, 20))
    _item(a, D(2023, 7, 10), item="energy")
    _item(b, D(2023, 7, 1))
    _item(b, D(2023, 9, 1), item="utilities")  # not yet due: no part of the warning
    assert _element_warnings(Month(2023, 6)) == [
        (
            a.code,
            "red",
            "逾期 1 项，14 天内到期 1 项：环评批复（生态环境局）计划 2023-06-20; "
            "节能审查（生态环境局）计划 2023-07-10",
        ),
        (b.code, "amber", "14 天内到期 1 项：环评批复（生态环境局）计划 2023-07-01"),
    ]


def test_judged_as_of_the_months_end_not_today():
    project = ProjectFactory()
    _item(project, D(2023, 6, 20), done=D(2023, 7, 3))
    assert [w[1] for w in _element_warnings(Month(2023, 6))] == ["red"]
    assert _element_warnings(Month(2023, 7)) == []


def test_thresholds_and_switch_come_from_the_warning_rule():
    project = ProjectFactory()
    _item(project, D(2023, 7, 20))  # 20 days after the end of June
    assert _element_warnings(Month(2023, 6)) == []
    WarningRule.objects.filter(code=Rule.ELEMENT_DUE).update(amber_from=30)
    assert [w[1] for w in _element_warnings(Month(2023, 6))] == ["amber"]
    WarningRule.objects.filter(code=Rule.ELEMENT_DUE).update(enabled=False)
    assert _element_warnings(Month(2023, 6)) == []


def test_the_rule_accepts_red_below_amber():
    rule = WarningRule.objects.get(code=Rule.ELEMENT_DUE)
    rule.amber_from, rule.red_from = 14, 1
    rule.full_clean()
    other = WarningRule.objects.get(code=Rule.PROBLEM_OVERDUE)
    other.amber_from, other.red_from = 14, 1
    with pytest.raises(Exception, match="red_from"):
        other.full_clean()


def test_scope_by_unit():
    here, there = ProjectFactory(), ProjectFactory(unit_id=BAOSHUI)
    _item(here, D(2023, 6, 1))
    _item(there, D(2023, 6, 1))
    found = _element_warnings(Month(2023, 6), Scope(units={BAOSHUI}))
    assert [code for code, _level, _reason in found] == [there.code]


def test_green_when_asked_for_projects_whose_items_are_fine():
    project = ProjectFactory()
    _item(project, D(2023, 5, 1), done=D(2023, 4, 28))
    assert _element_warnings(Month(2023, 6), include_green=True) == [
        (project.code, "green", "无逾期或 14 天内到期的事项")
    ]


def test_headline_counts_the_rule_hits_and_the_projects():
    a, b = ProjectFactory(), ProjectFactory()
    _item(a, D(2023, 6, 1))
    _item(b, D(2023, 7, 2))
    figures = headline(Month(2023, 6), today=TODAY)
    assert figures.warnings.hits[Rule.ELEMENT_DUE] == {"red": 1, "amber": 1}
    assert (figures.warnings.red, figures.warnings.amber) == (1, 1)
    rows = {code: (red, amber) for code, _label, red, amber in figures.warnings.hit_rows()}
    assert rows["element_due"] == (1, 1)


def test_the_thresholds_page_saves_the_elements_rule_with_red_below_amber(client, admin_user):
    from django.urls import reverse

    client.force_login(admin_user)
    data = {"report_due_day": "10", "reason": "要素提前一个月提醒"}
    for rule in WarningRule.objects.all():
        data[f"{rule.code}__amber_from"] = str(rule.amber_from)
        data[f"{rule.code}__red_from"] = str(rule.red_from)
        data[f"{rule.code}__enabled"] = "on"
    data["element_due__amber_from"] = "30"
    data["element_due__red_from"] = "0"
    assert client.post(reverse("progress:rules"), data).status_code == 302
    rule = WarningRule.objects.get(code=Rule.ELEMENT_DUE)
    assert (rule.amber_from, rule.red_from) == (30, 0)
    project = ProjectFactory()
    _item(project, D(2023, 6, 30))  # due on the month's last day: red with 0 days
    assert [w[1] for w in _element_warnings(Month(2023, 6))] == ["red"]
