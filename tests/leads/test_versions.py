"""Optimistic locking on leads (#16): two people saving the same lead never silently overwrite
each other. Every page write (the edit form, a stage move and the board's drag, status,
hand-over, conversion) carries the version the page was loaded at; a stale one is refused
with the ledger's message and what changed, and nothing is written."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from zhaoshang.core.errors import ConflictError
from zhaoshang.enterprises.models import Lead
from zhaoshang.leads import services
from zhaoshang.leads.models import Referral
from zhaoshang.projects.services import VersionMissing

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def colleague(teams):
    """A second member of the task force: may edit the same leads as the bureau editor."""
    user = UserFactory(username="swj3", role="bureau_editor")
    teams["task"].members.add(user)
    return user


def _form_version(page: str) -> int:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the page carries no version"
    return int(found.group(1))


def _edit_post(lead, version, **changes) -> dict:
    data = {
        "title": lead.title,
        "enterprise": lead.enterprise.name,
        "origin": lead.origin,
        "origin_note": lead.origin_note,
        "estimated_investment": lead.estimated_investment_text,
        "node": str(lead.node_id or ""),
        "unit": "",
        "next_action": lead.next_action,
        "next_follow_up": "",
        "expected_signing_on": "",
        "description": lead.description,
    }
    data.update(changes)
    if version is not None:
        data["version"] = str(version)
    return data


def _v(lead) -> int:
    return Lead.objects.get(pk=lead.pk).version


def test_two_sessions_editing_one_lead_the_second_gets_a_conflict(
    make_lead, bureau_editor, colleague
):
    lead = make_lead(next_action="首次拜访")
    first, second = _client(bureau_editor), _client(colleague)
    url = reverse("leads:edit", args=[lead.pk])
    # both open the edit page at the same version
    v_first = _form_version(first.get(url).content.decode())
    v_second = _form_version(second.get(url).content.decode())
    assert v_first == v_second == lead.version

    saved = first.post(url, _edit_post(lead, v_first, next_action="寄送项目材料"))
    assert saved.status_code == 302
    lead.refresh_from_db()
    assert lead.next_action == "寄送项目材料" and lead.version == v_first + 1

    # the second saves what they typed over the version they opened: refused, nothing lost
    refused = second.post(
        url, _edit_post(lead, v_second, next_action="首次拜访", description="对方CFO来访")
    )
    page = refused.content.decode()
    assert refused.status_code == 409
    assert "changed by someone else after you opened it" in page
    assert f"your version {v_second}, now {v_first + 1}" in page
    # the table shows the field the other changed (theirs) beside what this one typed
    assert "寄送项目材料" in page and "对方CFO来访" in page and 'class="differs"' in page
    assert "Discard my entries and reload the saved lead" in page
    lead.refresh_from_db()
    assert lead.next_action == "寄送项目材料" and lead.description == ""
    assert lead.version == v_first + 1
    # the form now carries the saved version: saving again is a deliberate choice
    assert _form_version(page) == v_first + 1
    again = second.post(url, _edit_post(lead, v_first + 1, description="对方CFO来访"))
    assert again.status_code == 302
    lead.refresh_from_db()
    assert lead.description == "对方CFO来访" and lead.next_action == "寄送项目材料"
    assert lead.version == v_first + 2


def test_edit_without_a_version_is_refused_and_saves_nothing(make_lead, bureau_editor):
    lead = make_lead()
    client = _client(bureau_editor)
    response = client.post(
        reverse("leads:edit", args=[lead.pk]), _edit_post(lead, None, next_action="x")
    )
    assert response.status_code == 422
    assert "version is required" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).next_action == ""


def test_garbled_version_is_refused_not_a_500(make_lead, bureau_editor):
    lead = make_lead()
    client = _client(bureau_editor)
    response = client.post(
        reverse("leads:edit", args=[lead.pk]), {**_edit_post(lead, None), "version": "abc"}
    )
    assert response.status_code == 422 and "version is required" in response.content.decode()
    response = client.post(
        reverse("leads:advance", args=[lead.pk]), {"stage": "contact", "version": "abc"}
    )
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).stage == "lead"


def test_board_drag_with_a_stale_version_is_refused(make_lead, bureau_editor, colleague):
    lead = make_lead()
    board = _client(bureau_editor)
    page = board.get(reverse("leads:board")).content.decode()
    card = page[page.index(f'data-lead="{lead.pk}"') :]
    stale = _form_version(card)
    # meanwhile a colleague records a next action
    services.update_lead(user=colleague, lead=lead, data={"next_action": "电话回访"})
    response = board.post(
        reverse("leads:advance", args=[lead.pk]),
        {"stage": "contact", "back": "board", "version": str(stale)},
        follow=True,
    )
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("leads:board")
    assert "changed by someone else after you opened it" in text
    assert "Nothing of yours was saved." in text
    assert Lead.objects.get(pk=lead.pk).stage == "lead"
    # the reloaded board carries the new version, and the drag then goes through
    card = text[text.index(f'data-lead="{lead.pk}"') :]
    assert _form_version(card) == stale + 1
    board.post(
        reverse("leads:advance", args=[lead.pk]),
        {"stage": "contact", "back": "board", "version": str(stale + 1)},
    )
    assert Lead.objects.get(pk=lead.pk).stage == "contact"


def test_move_without_a_version_is_refused(make_lead, bureau_editor):
    lead = make_lead()
    response = _client(bureau_editor).post(
        reverse("leads:advance", args=[lead.pk]), {"stage": "contact"}, follow=True
    )
    assert "version is required" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).stage == "lead"


def test_status_and_hand_over_with_a_stale_version_write_nothing(
    make_lead, bureau_editor, colleague, teams
):
    lead = make_lead()
    client = _client(bureau_editor)
    stale = _form_version(client.get(reverse("leads:detail", args=[lead.pk])).content.decode())
    services.update_lead(user=colleague, lead=lead, data={"description": "新情况"})
    response = client.post(
        reverse("leads:status", args=[lead.pk]),
        {"s-status": "paused", "s-reason": "预算冻结", "version": str(stale)},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == "active"
    response = client.post(
        reverse("leads:refer", args=[lead.pk]),
        {"r-to_team": str(teams["division"].pk), "r-note": "转外资科", "version": str(stale)},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).team == teams["task"]
    assert not Referral.objects.exists()


def test_every_tracked_save_counts_the_version_up(make_lead, bureau_editor):
    lead = make_lead()
    start = lead.version
    services.add_interaction(
        user=bureau_editor, lead=lead, data={"kind": "call", "date": "2024-01-02"}
    )
    assert _v(lead) == start + 1  # the last contact moved
    services.advance_lead(
        user=bureau_editor, lead=lead, to_stage="contact", expected_version=start + 1
    )
    assert _v(lead) == start + 2


def test_service_keeps_callers_without_a_version_and_checks_one_given(make_lead, bureau_editor):
    lead = make_lead()
    services.update_lead(user=bureau_editor, lead=lead, data={"next_action": "a"})
    with pytest.raises(ConflictError) as caught:
        services.update_lead(
            user=bureau_editor, lead=lead, data={"next_action": "b"}, expected_version=1
        )
    assert caught.value.current_version == 2
    with pytest.raises(VersionMissing):
        services.update_lead(
            user=bureau_editor, lead=lead, data={"next_action": "b"}, expected_version=""
        )
    services.update_lead(
        user=bureau_editor, lead=lead, data={"next_action": "c"}, expected_version=2
    )
    assert Lead.objects.get(pk=lead.pk).next_action == "c"


def test_rights_come_before_the_version(make_lead, leader, other_editor):
    lead = make_lead()
    response = _client(leader).post(
        reverse("leads:advance", args=[lead.pk]), {"stage": "contact", "version": "1"}
    )
    assert response.status_code == 403
    assert _client(leader).get(reverse("leads:edit", args=[lead.pk])).status_code == 403
    response = _client(other_editor).post(
        reverse("leads:edit", args=[lead.pk]), _edit_post(lead, lead.version, next_action="x")
    )
    assert response.status_code == 404
    assert Lead.objects.get(pk=lead.pk).next_action == ""
