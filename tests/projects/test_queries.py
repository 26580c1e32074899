from decimal import Decimal

import pytest
from django.utils import translation

from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.enterprises.models import EnterpriseAlias
from zhaoshang.projects.models import Project, ProjectInvestor
from zhaoshang.projects.queries import (
    filter_projects,
    ledger_totals,
    left_out,
    phase_note,
    within_parent,
)

pytestmark = pytest.mark.django_db


def test_ledger_totals_count_a_phase_once():
    parent = ProjectFactory(total_investment_wan=Decimal("3060000"))
    ProjectFactory(parent=parent, total_investment_wan=Decimal("1400000"))
    ProjectFactory(total_investment_wan=Decimal("900000"))
    assert ledger_totals(Project.objects.all()) == {
        "count": 3,
        "total": Decimal("3960000"),
        "phases": 1,
        "phases_total": Decimal("1400000"),
    }
    phases_only = Project.objects.filter(parent__isnull=False)
    assert ledger_totals(phases_only) == {
        "count": 1,
        "total": Decimal("1400000"),
        "phases": 0,
        "phases_total": None,
    }


@pytest.mark.parametrize(
    "members, expected",
    [
        ({}, set()),
        ({1: None, 2: None}, set()),
        ({1: None, 2: 1}, {2}),  # 盛虹 and its 首期: the phase is in the parent's figure
        ({2: 1}, set()),  # the phase alone: all there is of that investment here
        ({1: None, 2: 1, 3: 1}, {2, 3}),  # two phases of one parent
        ({1: None, 2: 1, 3: 2}, {2, 3}),  # a phase of a phase, both under one parent
        ({1: None, 3: 2}, set()),  # a phase whose own parent is absent counts
        ({1: None, 2: 9, 3: None}, set()),
    ],
)
def test_left_out_is_the_phases_whose_parent_is_in_the_set(members, expected):
    assert left_out(members) == expected


def test_within_parent_is_left_out_as_a_filter():
    parent = ProjectFactory()
    phase = ProjectFactory(parent=parent)
    lone = ProjectFactory(parent=ProjectFactory())
    qs = Project.objects.filter(pk__in=[parent.pk, phase.pk, lone.pk])
    members = dict(qs.values_list("pk", "parent_id"))
    assert set(qs.filter(within_parent(qs)).values_list("pk", flat=True)) == left_out(members)
    assert left_out(members) == {phase.pk}


@pytest.mark.parametrize(
    "language, phases, amount, labels, expected",
    [
        ("en", 0, None, None, ""),
        ("en", 1, Decimal("1400000"), None,
         "includes 1 phase of CNY 14 billion counted within its parent project, once"),
        ("en", 2, Decimal("116000"), None,
         "includes 2 phases of CNY 1.16 billion counted within their parent projects, once"),
        ("en", 1, None, ["首期 140亿元"],
         "includes phases 首期 140亿元 (counted within their parent project, once)"),
        ("zh-hans", 1, None, ["首期 140亿元"], "含分期 首期 140亿元（已计入母项目，只计一次）"),
        ("zh-hans", 2, Decimal("116000"), None, "含分期 2 项共 11.6亿元，已计入母项目，只计一次"),
    ],
)  # fmt: skip
def test_phase_note_states_what_a_total_left_out(language, phases, amount, labels, expected):
    with translation.override(language):
        assert phase_note(phases, amount, labels=labels) == expected


@pytest.mark.parametrize(
    "industry, expected",
    [("C", 2), ("38", 1), ("384", 1), ("3841", 1), ("36", 1), ("3670", 1), ("I", 0), ("39", 0)],
)
def test_filter_projects_industry_by_section_or_prefix(industry, expected):
    ProjectFactory(industry_id="3841")
    ProjectFactory(industry_id="3670")
    assert filter_projects(Project.objects.all(), industry=industry).count() == expected


def test_filter_projects_search_finds_investor_alias():
    zf = EnterpriseFactory(name="ZF Friedrichshafen AG")
    EnterpriseAlias.objects.create(enterprise=zf, alias="采埃孚", kind="short")
    project = ProjectFactory(name="底盘零部件系统项目")
    ProjectInvestor.objects.create(project=project, enterprise=zf)
    ProjectFactory(name="其他项目")
    for q in ("采埃孚", "friedrichshafen", "底盘"):
        assert list(filter_projects(Project.objects.all(), q=q)) == [project]
