"""The weekly digest through Django's e-mail backend (locmem in tests)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from zhaoshang.leads import digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "zhaoshang@example.org"
    mail.outbox = []
    return mail.outbox


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def leads(make_lead, bureau_editor, admin_user, teams):
    bureau_editor.email = "fgw@example.org"
    bureau_editor.save()
    return {
        "overdue": make_lead(title="逾期线索", next_action="回访", next_follow_up=days(-3)),
        "soon": make_lead(title="近期签约", next_action="谈", next_follow_up=days(5),
                          expected_signing_on=days(20)),
        "later": make_lead(title="两月内签约", next_action="谈", next_follow_up=days(5),
                           expected_signing_on=days(45)),
        "far": make_lead(title="远期", next_action="谈", next_follow_up=days(5),
                         expected_signing_on=days(90)),
        "admin": make_lead(title="管理员逾期", user=admin_user, next_action="x",
                           next_follow_up=days(-1)),
    }  # fmt: skip


def test_digest_groups_per_owner_overdue_and_signing_windows(leads):
    found = {d.owner.username: d for d in digest.build_digests()}
    assert set(found) == {"fgw", "admin"}
    fgw = found["fgw"]
    assert [lead.title for lead in fgw.overdue] == ["逾期线索"]
    assert {w: [lead.title for lead in ls] for w, ls in fgw.signing.items()} == {
        30: ["近期签约"], 60: ["两月内签约"]}  # fmt: skip
    assert [lead.title for lead in found["admin"].overdue] == ["管理员逾期"]


def test_digest_sent_through_the_backend_to_owners_with_an_address(leads, mailbox):
    out = io.StringIO()
    call_command("leads", "digest", stdout=out)
    assert len(mailbox) == 1
    message = mailbox[0]
    assert (message.to, message.from_email) == (["fgw@example.org"], "zhaoshang@example.org")
    assert message.subject == "Leads this week: 1 overdue, 2 expected to sign soon"
    assert "逾期线索" in message.body and "was due on" in message.body
    assert "Signing expected within 30 days (1):" in message.body
    assert "远期" not in message.body
    assert out.getvalue().splitlines() == [
        "1 digests sent", "not sent, no e-mail address: admin"]  # fmt: skip


def test_digest_dry_run_sends_nothing(leads, mailbox):
    out = io.StringIO()
    call_command("leads", "digest", "--dry-run", stdout=out)
    assert mailbox == []
    assert "To: fgw@example.org" in out.getvalue()
    assert "dry run: 2 digests, nothing sent" in out.getvalue()


def test_digest_leaves_out_lost_and_quiet_leads(make_lead, bureau_editor, mailbox):
    from zhaoshang.leads import services

    lead = make_lead(title="丢了", next_action="x", next_follow_up=days(-3))
    services.set_lead_status(user=bureau_editor, lead=lead, status="lost", reason="选址外地")
    make_lead(title="正常", next_action="x", next_follow_up=days(3))
    assert digest.build_digests() == []
