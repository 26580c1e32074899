"""The demo's 链长制 and chain tasks: every chain staffed with role-style synthetic names (no
real official invented), tasks marked synthetic, June 2023 showing every light."""

import re

import pytest

from zhaoshang.chains import tasks
from zhaoshang.chains.models import Chain, ChainOfficial, ChainTask
from zhaoshang.progress.months import Month


@pytest.fixture
def demo(demo_once, db):
    return None


def test_every_chain_has_a_synthetic_chief_deputy_and_lead_bureau(demo):
    for chain in Chain.objects.all():
        roles = sorted(o.role for o in tasks.officials_of(chain))
        assert roles == ["chief", "deputy", "lead_bureau"], chain.code
    people = ChainOfficial.objects.exclude(role="lead_bureau")
    assert all(re.fullmatch(r"（合成）市领导.", o.name) and o.is_synthetic for o in people)


def test_demo_tasks_are_synthetic_and_june_shows_every_light(demo):
    assert ChainTask.objects.count() >= 10
    assert not ChainTask.objects.filter(is_synthetic=False).exists()
    lights = tasks.level_counts(tasks.task_rows(month=Month(2023, 6)))
    assert lights["red"] >= 1 and lights["amber"] >= 1 and lights["green"] >= 1


def test_demo_load_twice_adds_nothing(demo):
    from zhaoshang.chains.task_demo import load_demo

    before = (ChainOfficial.objects.count(), ChainTask.objects.count())
    load_demo()
    assert (ChainOfficial.objects.count(), ChainTask.objects.count()) == before
