"""Lead pages: list with filters and downloads, board moves through the stage gate, the lead's
page and its forms, the enterprise page's panel; bad input answered, never a 500."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.enterprises.models import Lead, Visit
from zhaoshang.leads import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def test_list_filters_and_marks_overdue(en, make_lead, bureau_editor):
    late = make_lead(
        title="逾期线索",
        next_action="回访",
        next_follow_up=timezone.localdate() - datetime.timedelta(days=2),
    )
    make_lead(title="正常线索")
    en.force_login(bureau_editor)
    page = en.get(reverse("leads:list")).content.decode()
    assert "逾期线索" in page and "正常线索" in page and 'class="overdue"' in page
    page = en.get(reverse("leads:list"), {"overdue": "1"}).content.decode()
    assert "逾期线索" in page and "正常线索" not in page
    page = en.get(reverse("leads:list"), {"q": "正常", "mine": "1", "stage": "lead"}).content
    assert "正常线索" in page.decode() and "逾期线索" not in page.decode()
    assert late.pk


@pytest.mark.parametrize("params", [
    {"stage": "nope", "status": "<b>", "team": "x", "owner": "-1", "page": "999", "chain": "'"},
    {"q": "a" * 5000, "overdue": "maybe", "format": "pdf"},
])  # fmt: skip
def test_list_odd_parameters_answer_200(en, make_lead, leader, params):
    make_lead()
    en.force_login(leader)
    assert en.get(reverse("leads:list"), params).status_code == 200
    assert en.get(reverse("leads:board"), params).status_code == 200


def test_csv_and_excel_downloads_hold_the_filtered_leads(en, make_lead, leader):
    make_lead(title="=HYPERLINK(1)")
    make_lead(title="第二条")
    en.force_login(leader)
    response = en.get(reverse("leads:list"), {"format": "csv", "q": "HYPERLINK"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["ID", "Title", "Enterprise"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(1)"]
    assert rows[1][8] == "50000"
    response = en.get(reverse("leads:list"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    data = sheet.to_python()
    assert sorted(r[1] for r in data[1:]) == ["=HYPERLINK(1)", "第二条"]


@pytest.mark.parametrize("rows", [1, 3])
def test_list_and_board_query_counts_are_flat(client, make_lead, leader, rows,
                                              django_assert_num_queries):  # fmt: skip
    for i in range(rows):
        make_lead(title=f"线索{i}")
    client.force_login(leader)
    # session, user, profile, (role) count, page rows, teams, owners, chains; and the rows'
    # firm, owner, team, node, node's chain, chain read by key (`queries.RELATED`; no unit or
    # project here): flat in the number of rows
    with django_assert_num_queries(14):
        assert client.get(reverse("leads:list")).status_code == 200
    # session, user, profile, counts, 5 stages, teams, owners, chains, the csrf-less session;
    # the cards' related rows once for all columns, as on the list
    with django_assert_num_queries(18):
        assert client.get(reverse("leads:board")).status_code == 200


def _v(lead) -> int:
    """The lead's version now, as the page it was posted from shows it."""
    return Lead.objects.get(pk=lead.pk).version


def test_board_move_is_refused_with_the_missing_fields(en, make_lead, bureau_editor):
    lead = make_lead()
    en.force_login(bureau_editor)
    response = en.post(
        reverse("leads:advance", args=[lead.pk]),
        {"stage": "negotiating", "back": "board", "version": _v(lead)},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("leads:board")
    assert "Cannot move to Negotiating: missing" in page and "an interaction recorded" in page
    assert Lead.objects.get(pk=lead.pk).stage == "lead"
    response = en.post(
        reverse("leads:advance", args=[lead.pk]),
        {"stage": "contact", "back": "board", "version": _v(lead)},
    )
    assert Lead.objects.get(pk=lead.pk).stage == "contact"


def test_leader_cannot_move_or_post(en, make_lead, leader):
    lead = make_lead()
    en.force_login(leader)
    assert (
        en.post(reverse("leads:advance", args=[lead.pk]), {"stage": "contact"}).status_code == 403
    )
    assert (
        en.post(
            reverse("leads:interaction", args=[lead.pk]), {"i-kind": "call", "i-date": "2024-01-01"}
        ).status_code
        == 403
    )
    assert en.get(reverse("leads:create")).status_code == 403
    assert Lead.objects.get(pk=lead.pk).stage == "lead" and Visit.objects.count() == 0


def test_lead_not_visible_is_404(en, make_lead, other_editor):
    lead = make_lead()
    en.force_login(other_editor)
    assert en.get(reverse("leads:detail", args=[lead.pk])).status_code == 404
    assert (
        en.post(reverse("leads:advance", args=[lead.pk]), {"stage": "contact"}).status_code == 404
    )


def test_new_lead_form_bad_amount_names_it_and_saves_nothing(en, bureau_editor, teams):
    en.force_login(bureau_editor)
    response = en.post(
        reverse("leads:create"),
        {"title": "新线索", "estimated_investment": "三十", "next_follow_up": "2024-02-30"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was saved" in page and "三十" in page and "2024-02-30" in page
    assert Lead.objects.count() == 0
    response = en.post(
        reverse("leads:create"),
        {"title": "新线索", "estimated_investment": "3亿元", "team": str(teams["task"].pk)},
    )
    lead = Lead.objects.get()
    assert response.url == reverse("leads:detail", args=[lead.pk])
    assert (lead.team, lead.owner) == (teams["task"], bureau_editor)


def test_detail_shows_gate_timeline_history_and_origin(en, make_lead, bureau_editor):
    lead = make_lead(origin="referral", origin_note="老客户推荐")
    en.force_login(bureau_editor)
    response = en.post(reverse("leads:interaction", args=[lead.pk]), {
        "i-kind": "visit", "i-date": "2024-03-01", "i-notes": "<script>x</script>拜访",
        "i-outcome": "有意向"})  # fmt: skip
    assert response.status_code == 302
    page = en.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;拜访" in page and "<script>x" not in page
    assert "Referral: 老客户推荐" in page
    assert "To move to In contact, the lead still needs:" not in page  # has all for 接洽
    assert "Ready to move to In contact." in page
    assert "History" in page


def test_interaction_form_bad_date_is_422_naming_it(en, make_lead, bureau_editor):
    lead = make_lead()
    en.force_login(bureau_editor)
    response = en.post(
        reverse("leads:interaction", args=[lead.pk]), {"i-kind": "call", "i-date": "2024-02-30"}
    )
    assert response.status_code == 422 and "2024-02-30" in response.content.decode()
    assert Visit.objects.count() == 0


def test_convert_from_the_page_links_both_ways(en, ready_to_sign, bureau_editor):
    services.advance_lead(user=bureau_editor, lead=ready_to_sign, to_stage="signed")
    en.force_login(bureau_editor)
    response = en.post(
        reverse("leads:convert", args=[ready_to_sign.pk]),
        {"c-name": "", "version": _v(ready_to_sign)},
    )
    ready_to_sign.refresh_from_db()
    project = ready_to_sign.project
    assert response.url == reverse("projects:detail", args=[project.code])
    page = en.get(response.url).content.decode()
    assert reverse("leads:detail", args=[ready_to_sign.pk]) in page
    again = en.post(
        reverse("leads:convert", args=[ready_to_sign.pk]),
        {"c-name": "", "version": _v(ready_to_sign)},
    )
    assert again.status_code == 422
    assert f"already became project {project.code}" in again.content.decode()


def test_status_form_needs_a_reason(en, make_lead, bureau_editor):
    lead = make_lead()
    en.force_login(bureau_editor)
    response = en.post(
        reverse("leads:status", args=[lead.pk]), {"s-status": "lost", "version": _v(lead)}
    )
    assert response.status_code == 422 and "Lost needs a reason" in response.content.decode()
    en.post(
        reverse("leads:status", args=[lead.pk]),
        {"s-status": "paused", "s-reason": "预算冻结", "version": _v(lead)},
    )
    assert Lead.objects.get(pk=lead.pk).status == "paused"


def test_upload_keeps_a_pdf_and_refuses_a_program(en, make_lead, bureau_editor, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    lead = make_lead()
    en.force_login(bureau_editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = SimpleUploadedFile("意向书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert (
        en.post(
            reverse("leads:upload", args=[lead.pk]), {"d-title": "投资意向书", "d-file": ok}
        ).status_code
        == 302
    )
    doc = lead.documents.get()
    assert (doc.title, doc.content_type) == ("投资意向书", "application/pdf")
    assert en.get(reverse("leads:document", args=[doc.pk])).status_code == 200
    bad = SimpleUploadedFile("a.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = en.post(reverse("leads:upload", args=[lead.pk]), {"d-file": bad})
    assert response.status_code == 422 and "a.pdf" in response.content.decode()
    assert lead.documents.count() == 1


def test_enterprise_page_lists_its_leads(en, make_lead, bureau_editor, firm, other_editor):
    make_lead(title="瀚储线索")
    en.force_login(bureau_editor)
    page = en.get(reverse("enterprises:detail", args=[firm.pk])).content.decode()
    assert "瀚储线索" in page
    en.force_login(other_editor)
    page = en.get(reverse("enterprises:detail", args=[firm.pk])).content.decode()
    assert "瀚储线索" not in page and "No lead you may see." in page
