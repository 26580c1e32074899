"""Interactions and lead documents corrected and removed (#16): through the services, with
history, with the same right as adding them, refused with clear messages; a removal is soft
(the row stays, marked, in the history) and every read leaves removed ones out."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.history import history_for
from zhaoshang.core.models import ChangeAction
from zhaoshang.enterprises.models import Lead, Visit
from zhaoshang.leads import rules, services
from zhaoshang.leads.models import LeadDocument

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def visited(make_lead, bureau_editor):
    """A lead with two interactions: a visit on 3 March and a call on 1 March."""
    lead = make_lead()
    call = services.add_interaction(user=bureau_editor, lead=lead, data={
        "kind": "call", "date": "2024-03-01", "notes": "电话预约"})  # fmt: skip
    visit = services.add_interaction(user=bureau_editor, lead=lead, data={
        "kind": "visit", "date": "2024-03-03", "notes": "上门拜访", "outcome": "有意向"})  # fmt: skip
    lead.refresh_from_db()
    return lead, visit, call


def _edit_data(visit, **changes) -> dict:
    data = {
        "kind": visit.kind, "date": visit.visited_on.isoformat(), "place": visit.place,
        "our_participants": visit.our_participants,
        "their_participants": visit.their_participants, "notes": visit.summary,
        "outcome": visit.outcome, "next_step": visit.next_step, "next_step_on": "",
        "version": str(visit.version), "reason": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_correct_an_interaction_from_the_page(visited, bureau_editor):
    lead, visit, _call = visited
    client = _client(bureau_editor)
    url = reverse("leads:interaction_edit", args=[lead.pk, visit.pk])
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert url in page  # the lead's page links the correction
    form = client.get(url)
    assert form.status_code == 200 and "上门拜访" in form.content.decode()
    response = client.post(url, _edit_data(
        visit, date="2024-03-05", outcome="签订意向书", next_step="起草协议",
        next_step_on="2099-01-10", reason="日期记错"))  # fmt: skip
    assert response.status_code == 302
    visit.refresh_from_db()
    lead.refresh_from_db()
    assert (visit.visited_on, visit.outcome) == (datetime.date(2024, 3, 5), "签订意向书")
    assert visit.version == 2
    # the lead follows: last contact, and the latest interaction's next step
    assert lead.last_contact_on == datetime.date(2024, 3, 5)
    assert (lead.next_action, lead.next_follow_up) == ("起草协议", datetime.date(2099, 1, 10))
    log = history_for(visit).order_by("-at", "-id").first()
    assert log.reason == "日期记错" and log.changes["outcome"] == ["有意向", "签订意向书"]
    assert "Interaction corrected." in client.get(response.url).content.decode()


def test_bad_correction_names_the_value_and_changes_nothing(visited, bureau_editor):
    lead, visit, _call = visited
    client = _client(bureau_editor)
    url = reverse("leads:interaction_edit", args=[lead.pk, visit.pk])
    response = client.post(url, _edit_data(visit, date="2024-02-30", outcome="x"))
    assert response.status_code == 422 and "2024-02-30" in response.content.decode()
    future = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    response = client.post(url, _edit_data(visit, date=future))
    assert response.status_code == 422 and "is in the future" in response.content.decode()
    response = client.post(url, _edit_data(visit, kind="fax"))
    assert response.status_code == 422
    visit.refresh_from_db()
    assert (visit.visited_on, visit.outcome, visit.version) == (
        datetime.date(2024, 3, 3), "有意向", 1)  # fmt: skip


def test_correction_over_someone_elses_is_a_conflict(visited, bureau_editor):
    lead, visit, _call = visited
    client = _client(bureau_editor)
    url = reverse("leads:interaction_edit", args=[lead.pk, visit.pk])
    services.update_interaction(user=bureau_editor, visit=visit, data={"outcome": "已报价"},
                                expected_version=1)  # fmt: skip
    response = client.post(url, {**_edit_data(visit, outcome="无意向"), "version": "1"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed by someone else" in page and "已报价" in page and "无意向" in page
    assert Visit.objects.get(pk=visit.pk).outcome == "已报价"
    response = client.post(url, {**_edit_data(visit, outcome="无意向"), "version": ""})
    assert response.status_code == 422 and "version is required" in response.content.decode()


def test_remove_an_interaction_soft_with_history(visited, bureau_editor):
    lead, visit, call = visited
    client = _client(bureau_editor)
    response = client.post(
        reverse("leads:interaction_remove", args=[lead.pk, visit.pk]),
        {"version": str(visit.version), "reason": "记在了错误的线索上"},
        follow=True,
    )
    page = response.content.decode()
    assert "Interaction of 2024-03-03 removed." in page
    assert "上门拜访" not in page and "电话预约" in page
    row = Visit.objects.get(pk=visit.pk)  # kept, marked
    assert row.removed_at is not None and row.version == 2
    log = history_for(row).order_by("-at", "-id").first()
    assert log.action == ChangeAction.DELETE and log.reason == "记在了错误的线索上"
    lead.refresh_from_db()
    assert lead.last_contact_on == datetime.date(2024, 3, 1)  # the call is the latest now
    assert [v.pk for v in services.interactions_of(lead)] == [call.pk]
    # the stage gate no longer counts the removed visit as a meeting
    assert "meeting" in [m.key for m in rules.missing_to_advance(lead, "signed")]
    # a removed interaction is not found again
    again = client.post(
        reverse("leads:interaction_remove", args=[lead.pk, visit.pk]), {"version": "2"}
    )
    assert again.status_code == 404
    assert (
        client.get(reverse("leads:interaction_edit", args=[lead.pk, visit.pk])).status_code == 404
    )


def test_remove_with_a_stale_version_keeps_the_interaction(visited, bureau_editor):
    lead, visit, _call = visited
    services.update_interaction(user=bureau_editor, visit=visit, data={"place": "公司总部"},
                                expected_version=1)  # fmt: skip
    response = _client(bureau_editor).post(
        reverse("leads:interaction_remove", args=[lead.pk, visit.pk]),
        {"version": "1"},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).removed_at is None


def test_only_who_may_add_may_correct_or_remove(visited, leader, other_editor, town_editor):
    lead, visit, _call = visited
    edit = reverse("leads:interaction_edit", args=[lead.pk, visit.pk])
    remove = reverse("leads:interaction_remove", args=[lead.pk, visit.pk])
    reader = _client(leader)
    assert reader.get(edit).status_code == 403
    assert reader.post(edit, _edit_data(visit, outcome="x")).status_code == 403
    assert reader.post(remove, {"version": "1"}).status_code == 403
    assert "Correct" not in reader.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    for outsider in (other_editor, town_editor):
        client = _client(outsider)
        assert client.get(edit).status_code == 404
        assert client.post(remove, {"version": "1"}).status_code == 404
    with pytest.raises(NotAllowed):
        services.remove_interaction(user=other_editor, visit=visit, expected_version=1)
    row = Visit.objects.get(pk=visit.pk)
    assert (row.outcome, row.removed_at) == ("有意向", None)


def test_an_interaction_of_another_lead_is_not_reached_through_this_one(
    visited, make_lead, bureau_editor
):
    _lead, visit, _call = visited
    other = make_lead(title="另一条线索")
    client = _client(bureau_editor)
    url = reverse("leads:interaction_edit", args=[other.pk, visit.pk])
    assert client.get(url).status_code == 404


def test_service_refuses_unknown_fields_and_long_reasons(visited, bureau_editor):
    _lead, visit, _call = visited
    with pytest.raises(InputError) as caught:
        services.update_interaction(user=bureau_editor, visit=visit, data={"colour": "red"})
    assert "colour" in caught.value.fields
    with pytest.raises(InputError):
        services.remove_interaction(user=bureau_editor, visit=visit, reason="长" * 400)
    assert Visit.objects.get(pk=visit.pk).removed_at is None


# --------------------------------------------------------------------------- documents


@pytest.fixture
def document(make_lead, bureau_editor, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    lead = make_lead()
    doc = services.add_lead_document(user=bureau_editor, lead=lead, data=b"%PDF-1.4 test",
                                     name="意向书.pdf", title="投资意向书")  # fmt: skip
    return lead, doc


def test_rename_and_remove_a_document(document, bureau_editor, django_capture_on_commit_callbacks):
    from zhaoshang.dossier import files

    lead, doc = document
    client = _client(bureau_editor)
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert reverse("leads:document_remove", args=[lead.pk, doc.pk]) in page
    response = client.post(
        reverse("leads:document_rename", args=[lead.pk, doc.pk]),
        {"title": "<b>投资意向书（签字版）</b>", "version": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "Document renamed." in page
    assert "&lt;b&gt;投资意向书（签字版）&lt;/b&gt;" in page and "<b>投资意向书" not in page
    doc.refresh_from_db()
    assert doc.title == "<b>投资意向书（签字版）</b>" and doc.version == 2
    # an empty title and a stale version are refused naming why
    response = client.post(
        reverse("leads:document_rename", args=[lead.pk, doc.pk]),
        {"title": " ", "version": "2"},
        follow=True,
    )
    assert "意向书.pdf: title is required" in response.content.decode()
    response = client.post(
        reverse("leads:document_remove", args=[lead.pk, doc.pk]), {"version": "1"}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    assert files.path_of(doc.stored_name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("leads:document_remove", args=[lead.pk, doc.pk]),
            {"version": "2", "reason": "传错文件"},
            follow=True,
        )
    page = response.content.decode()
    assert "Removed: 意向书.pdf." in page and "No document yet." in page
    row = LeadDocument.objects.get(pk=doc.pk)
    assert row.removed_at is not None
    assert history_for(row).filter(action=ChangeAction.DELETE, reason="传错文件").exists()
    assert not files.path_of(doc.stored_name).exists()  # the bytes are gone, the record stays
    assert client.get(reverse("leads:document", args=[doc.pk])).status_code == 404


def test_document_changes_need_the_right_to_edit_the_lead(document, leader, other_editor):
    lead, doc = document
    assert _client(leader).post(
        reverse("leads:document_remove", args=[lead.pk, doc.pk]), {"version": "1"}
    ).status_code == 403  # fmt: skip
    assert _client(other_editor).post(
        reverse("leads:document_rename", args=[lead.pk, doc.pk]), {"title": "x", "version": "1"}
    ).status_code == 404  # fmt: skip
    with pytest.raises(NotAllowed):
        services.rename_lead_document(user=leader, document=doc, title="x")
    with pytest.raises(ConflictError):
        services.rename_lead_document(user=lead.owner, document=doc, title="x", expected_version=9)
    row = LeadDocument.objects.get(pk=doc.pk)
    assert (row.title, row.removed_at) == ("投资意向书", None)
    assert Lead.objects.get(pk=lead.pk).documents.count() == 1
