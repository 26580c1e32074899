"""Lead services: create, stage gates, interactions, status, hand-over, conversion, deadlines."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.enterprises.models import Lead, Visit
from zhaoshang.leads import rules, services, sla
from zhaoshang.leads.models import Referral, ServiceLevel, StageChange
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_create_lead_reads_the_amount_through_the_ledger_rule(make_lead, bureau_editor, teams):
    lead = make_lead(estimated_investment="约5亿元")
    assert (lead.stage, lead.status, lead.owner, lead.team) == (
        "lead",
        "active",
        bureau_editor,
        teams["task"],
    )
    assert (
        lead.estimated_investment_wan,
        lead.estimated_investment_qualifier,
        lead.estimated_investment_text,
    ) == (Decimal("50000"), "approx", "约5亿元")
    assert lead.chain_id == lead.node.chain_id
    assert history_for(lead).count() == 1
    assert list(StageChange.objects.filter(lead=lead).values_list("to_stage", flat=True)) == [
        "lead"
    ]


def test_create_lead_first_contact_deadline_from_the_service_levels(make_lead):
    small = make_lead(estimated_investment="5000万元")
    large = make_lead(title="大项目", estimated_investment="超10亿元")
    assert (small.due_on, small.due_kind) == (TODAY() + datetime.timedelta(days=3), "first_contact")
    assert large.due_on == TODAY() + datetime.timedelta(days=1)  # 1亿 or more: respond in a day


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("estimated_investment", "abc亿", "abc亿"),
        ("estimated_investment", "30", "30"),  # no unit: 30万元 or 30亿元?
        ("team", "不存在的专班", "不存在的专班"),
        ("owner", "nobody", "nobody"),
        ("unit", "火星镇", "火星镇"),
        ("next_follow_up", "2024-13-45", "2024-13-45"),
        ("origin", "rumour", "rumour"),
        ("title", "", "title"),
        ("colour", "red", "colour"),
    ],
)
def test_create_lead_bad_input_names_field_and_value_and_writes_nothing(
    make_lead, field, value, expected
):
    with pytest.raises(InputError) as caught:
        make_lead(**{field: value})
    assert list(caught.value.fields) == [field]
    message = caught.value.fields[field][0]
    assert expected in message or field == "title"
    assert Lead.objects.count() == 0


def test_leader_cannot_create_a_lead(leader, firm):
    with pytest.raises(NotAllowed):
        services.create_lead(user=leader, title="x", enterprise=firm)
    assert Lead.objects.count() == 0


def test_advance_is_refused_with_what_is_missing_then_allowed(make_lead, other_editor):
    lead = make_lead(user=other_editor, team=None, enterprise=None)  # no team of its own
    assert [m.key for m in rules.missing_to_advance(lead)] == ["enterprise", "team"]
    with pytest.raises(InputError) as caught:
        services.advance_lead(user=other_editor, lead=lead, to_stage="contact")
    assert caught.value.fields["stage"] == [
        "Cannot move to In contact: missing the enterprise、a team."
    ]
    assert Lead.objects.get(pk=lead.pk).stage == "lead"
    services.update_lead(user=other_editor, lead=lead, data={"enterprise": "瀚储新材料有限公司"})
    services.refer_lead(user=other_editor, lead=lead, to_team="新能源招商专班")
    lead.refresh_from_db()
    services.advance_lead(user=other_editor, lead=lead, to_stage="contact", on="2024-05-02")
    lead.refresh_from_db()
    assert (lead.stage, lead.stage_since) == ("contact", datetime.date(2024, 5, 2))
    assert [m.key for m in rules.missing_to_advance(lead)] == ["interaction", "next_action"]


def test_advance_to_landed_only_by_conversion(ready_to_sign, bureau_editor):
    with pytest.raises(InputError) as caught:
        services.advance_lead(user=bureau_editor, lead=ready_to_sign, to_stage="landed")
    assert "convert" in caught.value.fields["stage"][0]


def test_advance_in_the_future_or_to_an_unknown_stage_is_refused(ready_to_sign, bureau_editor):
    with pytest.raises(InputError) as caught:
        services.advance_lead(
            user=bureau_editor, lead=ready_to_sign, to_stage="signed", on="2999-01-01"
        )
    assert "2999-01-01" in caught.value.fields["on"][0]
    with pytest.raises(InputError) as caught:
        services.advance_lead(user=bureau_editor, lead=ready_to_sign, to_stage="won-ish")
    assert "won-ish" in caught.value.fields["stage"][0]
    assert Lead.objects.get(pk=ready_to_sign.pk).stage == "negotiating"


def test_interaction_moves_last_contact_and_the_follow_up_deadline(make_lead, bureau_editor):
    lead = make_lead()
    day = TODAY() - datetime.timedelta(days=2)
    visit = services.add_interaction(user=bureau_editor, lead=lead, data={
        "kind": "meeting", "date": day.isoformat(), "place": "保税区", "notes": "会谈",
        "our_participants": "张三", "their_participants": "李总", "outcome": "有意向",
        "next_step": "寄送材料", "next_step_on": (TODAY() + datetime.timedelta(days=30)).isoformat(),
    })  # fmt: skip
    lead.refresh_from_db()
    assert (visit.enterprise, visit.kind, visit.place) == (lead.enterprise, "meeting", "保税区")
    assert (lead.last_contact_on, lead.next_action) == (day, "寄送材料")
    # stage 线索 follows up every 14 days: earlier than the next step in 30
    assert (lead.due_on, lead.due_kind) == (day + datetime.timedelta(days=14), "follow_up")


@pytest.mark.parametrize(
    ("data", "field", "value"),
    [
        ({"kind": "telegram", "date": "2024-01-01"}, "kind", "telegram"),
        ({"kind": "call"}, "date", ""),
        ({"kind": "call", "date": "2999-01-01"}, "date", "2999-01-01"),
        ({"kind": "call", "date": "昨天"}, "date", "昨天"),
        ({"kind": "call", "date": "2024-01-01", "place": "a\x1bb"}, "place", "U+001B"),
    ],
)
def test_interaction_bad_input_writes_nothing(make_lead, bureau_editor, data, field, value):
    lead = make_lead()
    with pytest.raises(InputError) as caught:
        services.add_interaction(user=bureau_editor, lead=lead, data=data)
    assert field in caught.value.fields and value in caught.value.fields[field][0]
    assert Visit.objects.count() == 0
    assert Lead.objects.get(pk=lead.pk).last_contact_on is None


def test_lose_needs_a_reason_then_the_lead_stops(make_lead, bureau_editor):
    lead = make_lead()
    with pytest.raises(InputError) as caught:
        services.set_lead_status(user=bureau_editor, lead=lead, status="lost")
    assert caught.value.fields["reason"] == ["Lost needs a reason"]
    services.set_lead_status(user=bureau_editor, lead=lead, status="lost", reason="选址外省",
                             on="2024-06-01")  # fmt: skip
    lead.refresh_from_db()
    assert (lead.status, lead.status_reason, lead.status_since, lead.due_on) == (
        "lost",
        "选址外省",
        datetime.date(2024, 6, 1),
        None,
    )
    assert not sla.is_overdue(lead)
    with pytest.raises(InputError):
        services.advance_lead(user=bureau_editor, lead=lead, to_stage="contact")
    with pytest.raises(InputError) as caught:
        services.set_lead_status(user=bureau_editor, lead=lead, status="won")
    assert "convert" in caught.value.fields["status"][0]
    services.set_lead_status(user=bureau_editor, lead=lead, status="active", reason="重新接洽")
    assert Lead.objects.get(pk=lead.pk).status == "active"


def test_refer_hands_over_with_history(make_lead, bureau_editor, other_editor, teams):
    lead = make_lead()
    referral = services.refer_lead(
        user=bureau_editor,
        lead=lead,
        to_owner=other_editor.username,
        to_team=teams["division"].pk,
        note="外资项目转外资科",
    )
    lead.refresh_from_db()
    assert (lead.owner, lead.team) == (other_editor, teams["division"])
    assert (referral.from_owner, referral.from_team, referral.note) == (
        bureau_editor,
        teams["task"],
        "外资项目转外资科",
    )
    assert history_for(lead).first().reason == "外资项目转外资科"
    with pytest.raises(InputError) as caught:
        services.refer_lead(
            user=other_editor, lead=lead, to_owner=other_editor.pk, to_team=teams["division"].pk
        )
    assert caught.value.fields["to_owner"] == ["The lead already has this owner and team."]
    assert Referral.objects.count() == 1


def test_convert_makes_one_ledger_project_through_the_ordinary_path(ready_to_sign, bureau_editor):
    lead = ready_to_sign
    with pytest.raises(InputError) as caught:
        services.convert_lead(user=bureau_editor, lead=lead)
    assert "Only an active signed lead" in caught.value.fields["stage"][0]
    services.advance_lead(user=bureau_editor, lead=lead, to_stage="signed", on="2024-06-30")
    lead.refresh_from_db()
    project = services.convert_lead(
        user=bureau_editor, lead=lead, data={"name": "储能正极材料基地项目"}
    )
    lead.refresh_from_db()
    assert (project.name, project.unit_id, project.stage, project.chain_id) == (
        "储能正极材料基地项目",
        "320582103",
        "signed",
        lead.chain_id,
    )
    assert (project.total_investment_wan, project.total_investment_qualifier) == (
        Decimal("50000"),
        "approx",
    )
    assert [i.enterprise for i in project.investor_links.all()] == [lead.enterprise]
    assert project.stage_dates.get(stage="signed").actual_on == datetime.date(2024, 6, 30)
    assert list(project.chain_placements.values_list("node_id", flat=True)) == [lead.node_id]
    assert (lead.project, lead.stage, lead.status) == (project, "landed", "won")
    assert list(project.leads.all()) == [lead]
    with pytest.raises(InputError) as caught:
        services.convert_lead(user=bureau_editor, lead=lead)
    assert caught.value.fields["project"] == [
        f"Lead {lead.pk} already became project {project.code}."
    ]
    assert Project.objects.count() == 1


def test_convert_refused_by_the_ledger_rules_writes_nothing(ready_to_sign, bureau_editor):
    services.advance_lead(user=bureau_editor, lead=ready_to_sign, to_stage="signed")
    with pytest.raises(InputError) as caught:
        services.convert_lead(user=bureau_editor, lead=ready_to_sign, data={"unit": "火星镇"})
    assert "火星镇" in caught.value.fields["unit"][0]
    assert Project.objects.count() == 0
    assert Lead.objects.get(pk=ready_to_sign.pk).stage == "signed"


def test_overdue_is_one_rule_for_a_lead_and_for_a_list(make_lead, bureau_editor):
    late = make_lead(next_action="回访", next_follow_up=(TODAY() - datetime.timedelta(days=3)))
    fine = make_lead(title="新线索")
    assert (sla.is_overdue(late), sla.is_overdue(fine)) == (True, False)
    assert list(Lead.objects.filter(sla.overdue_q())) == [late]
    assert sla.days_overdue(late) == 3
    assert sla.reminders(late)[0] == "Overdue by 3 days: next action was due on " + (
        (TODAY() - datetime.timedelta(days=3)).isoformat() + "."
    )


def test_reminders_no_contact_and_signing_soon(make_lead, bureau_editor):
    lead = make_lead(expected_signing_on=TODAY() + datetime.timedelta(days=20))
    services.add_interaction(
        user=bureau_editor,
        lead=lead,
        data={"kind": "call", "date": (TODAY() - datetime.timedelta(days=40)).isoformat()},
    )
    lead.refresh_from_db()
    found = sla.reminders(lead)
    assert "No contact in 40 days." in found
    assert (
        "Signing expected within 30 days (on " + lead.expected_signing_on.isoformat() + ")."
        in found
    )
    assert sla.days_since_contact(lead) == 40


def test_changed_service_level_moves_every_deadline(make_lead):
    lead = make_lead(estimated_investment="5000万元")
    ServiceLevel.objects.filter(kind="first_contact", min_investment_wan=None).update(days=10)
    assert sla.recompute_all() == 1
    lead.refresh_from_db()
    assert lead.due_on == TODAY() + datetime.timedelta(days=10)


def test_chain_target_lead_remembers_its_node(node, bureau_editor, firm, teams):
    from zhaoshang.chains.services import make_lead

    lead = make_lead(user=bureau_editor, node=node, enterprise=firm)
    assert (lead.origin, lead.node, lead.chain, lead.team) == (
        "chain_target",
        node,
        node.chain,
        teams["task"],
    )
    with pytest.raises(InputError):
        make_lead(user=bureau_editor, node=node, enterprise=firm)
