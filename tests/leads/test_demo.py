"""The demo's leads: every stage and status, some overdue, with interactions, all synthetic."""

import pytest

from zhaoshang.enterprises.models import Lead, LeadStage, LeadStatus, Visit
from zhaoshang.leads import sla
from zhaoshang.leads.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_once):
    return Lead.objects.all()


def test_demo_covers_every_stage_and_status(demo):
    assert set(demo.values_list("stage", flat=True)) == set(LeadStage.values)
    assert set(demo.values_list("status", flat=True)) == set(LeadStatus.values)
    assert demo.filter(is_synthetic=False).count() == 0


def test_demo_has_overdue_leads_and_interactions(demo):
    overdue = demo.filter(sla.overdue_q())
    assert overdue.count() >= 2
    assert all(sla.is_overdue(lead) for lead in overdue)
    assert Visit.objects.filter(lead__in=demo, is_synthetic=True).count() >= 10


def test_demo_won_lead_points_to_the_seed_project(demo):
    won = demo.get(status=LeadStatus.WON)
    assert (won.stage, won.project.name) == (
        LeadStage.LANDED,
        "采埃孚底盘零部件系统及后轮主动转向系统项目",
    )
    assert list(won.project.leads.all()) == [won]


def test_demo_loads_twice_without_duplicates(demo):
    before = demo.count()
    load_demo()
    assert Lead.objects.count() == before
