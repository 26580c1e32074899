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


def test_demo_median_days_per_stage_are_spread(demo):
    """The demo's stage moves are dated apart: every stage a lead has left shows a median
    above 0 days (the won lead signed, then became the seed's project weeks later)."""
    from django.contrib.auth import get_user_model

    from zhaoshang.leads.figures import team_figures

    figures = team_figures(get_user_model().objects.get(username="admin"))
    medians = figures.total.median_days
    left = {stage: days for stage, days in medians.items() if days is not None}
    assert set(left) == {"lead", "contact", "negotiating", "signed"}
    assert all(days > 0 for days in left.values()), medians


def test_demo_weekly_digest_reaches_the_demo_users_on_the_console(demo, settings, capsys):
    """`zhaoshang leads digest` on the demo: the demo users have invented example.org
    addresses, so the digest is sent (the console backend prints it), none left unsent."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command("leads", "digest", stdout=out)

    printed = capsys.readouterr().out
    owners = sorted({lead.owner.email for lead in demo.filter(sla.overdue_q())})
    assert owners and all(email.endswith("@demo.example.org") for email in owners)
    for email in owners:
        assert f"To: {email}" in printed
    sent = int(out.getvalue().split()[0])
    assert sent >= 1 and sent == printed.count("\nTo: ") + printed.startswith("To: ")
    assert "no e-mail address" not in out.getvalue()
    demo_users = get_user_model().objects.filter(username__in=["admin", "fgw", "jinfeng", "leader"])
    assert sorted(demo_users.values_list("email", flat=True)) == [
        "admin@demo.example.org", "fgw@demo.example.org", "jinfeng@demo.example.org",
        "leader@demo.example.org"]  # fmt: skip
