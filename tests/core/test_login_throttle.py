"""Sign-in throttling (issue #13, reproduction 5: "30 wrong passwords, then the right one
accepted, no delay"). Limits: 5 failures per account, 20 per address, 15 minutes."""

from __future__ import annotations

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = (
    "Too many failed sign-in attempts. Try again in 15 minutes, "
    "or ask an administrator to unlock the account."
)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """Each wrong password costs a full PBKDF2 check (0.5 s here); these tests try dozens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def browser(address: str = "127.0.0.1", **headers) -> Client:
    client = Client(REMOTE_ADDR=address, **headers)
    client.cookies["django_language"] = "en"
    return client


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(leader):
    """#13 item 5: after 30 wrong passwords the right one no longer gets in."""
    client = browser()
    answers = [sign_in(client, "leader", f"wrong-{i}").status_code for i in range(30)]

    response = sign_in(client, "leader", PASSWORD)

    assert answers == [200] * 4 + [429] * 26
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_lock_is_per_account_other_accounts_from_the_same_address_sign_in(leader, admin_user):
    client = browser()
    for i in range(6):
        sign_in(client, "leader", f"wrong-{i}")

    other = browser()
    response = sign_in(other, "admin", PASSWORD)

    assert response.status_code == 302
    assert signed_in(other)
    assert sign_in(browser(), "leader", PASSWORD).status_code == 429


def test_lock_per_address_across_user_names(leader):
    """20 failures from one address, 4 per name (each under the account limit), lock the
    address for every account; another address is not affected."""
    attacker = browser("203.0.113.7")
    for name in ["a", "b", "c", "d", "e"]:
        for i in range(4):
            assert sign_in(attacker, name, f"wrong-{i}").status_code in (200, 429)

    refused = sign_in(attacker, "leader", PASSWORD)
    elsewhere = browser("198.51.100.9")
    accepted = sign_in(elsewhere, "leader", PASSWORD)

    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert accepted.status_code == 302 and signed_in(elsewhere)


def test_a_sign_in_forgets_its_own_failures(leader):
    client = browser()
    for i in range(4):
        sign_in(client, "leader", f"wrong-{i}")
    assert sign_in(client, "leader", PASSWORD).status_code == 302
    client.logout()
    for i in range(4):
        sign_in(client, "leader", f"wrong-again-{i}")

    assert sign_in(client, "leader", PASSWORD).status_code == 302


def test_signing_in_to_ones_own_account_keeps_the_count_on_another(leader):
    """axes' own reset would delete every row of the address: four guesses at the leader's
    password, a sign-in to the attacker's own account, four more guesses … for ever."""
    UserFactory(username="mallory", role="leader")
    attacker = browser("203.0.113.7")
    for i in range(4):
        sign_in(attacker, "leader", f"wrong-{i}")
    assert sign_in(attacker, "mallory", PASSWORD).status_code == 302
    attacker.logout()

    assert sign_in(attacker, "leader", "wrong-5").status_code == 429
    assert sign_in(browser(), "leader", PASSWORD).status_code == 429


def test_admin_unlocks_by_deleting_the_access_attempts(leader, admin_user):
    for i in range(5):
        sign_in(browser(), "leader", f"wrong-{i}")
    assert sign_in(browser(), "leader", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(admin_user)
    attempts = list(AccessAttempt.objects.filter(username="leader").values_list("pk", flat=True))

    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )

    assert listing.status_code == 200 and "leader" in listing.content.decode()
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="leader").count() == 0
    assert sign_in(browser(), "leader", PASSWORD).status_code == 302


def test_admin_unlocks_with_the_reset_command(leader):
    for i in range(5):
        sign_in(browser(), "leader", f"wrong-{i}")
    assert sign_in(browser(), "leader", PASSWORD).status_code == 429

    call_command("axes_reset_username", "leader", stdout=open("/dev/null", "w"))

    assert sign_in(browser(), "leader", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(leader, settings):
    from datetime import timedelta

    from django.utils import timezone

    for i in range(5):
        sign_in(browser(), "leader", f"wrong-{i}")
    assert sign_in(browser(), "leader", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(browser(), "leader", PASSWORD).status_code == 302


def test_each_failure_and_the_lockout_are_one_warning_line(leader, caplog):
    caplog.set_level(logging.WARNING)
    client = browser("192.0.2.4")
    for i in range(5):
        sign_in(client, "leader", f"wrong-{i}")
    sign_in(client, "leader", PASSWORD)

    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [re.match(r"AXES: (.*?)(?: by)?:? \{", line).group(1) for line in lines] == [
        "New login failure",
        "Repeated login failure",
        "Repeated login failure",
        "Repeated login failure",
        "Repeated login failure",
        "Locking out",
        "Sign-in refused during lockout",
    ]
    assert all("\n" not in line and 'username: "leader"' in line for line in lines)
    assert all('ip_address: "192.0.2.4"' in line for line in lines)
    assert not any(PASSWORD in line or "wrong-" in line for line in lines)
    assert all(r.exc_info is None for r in caplog.records)


def test_lockout_answers_json_to_an_api_client(leader):
    client = browser(HTTP_ACCEPT="application/json")
    for i in range(5):
        sign_in(client, "leader", f"wrong-{i}")

    response = sign_in(client, "leader", PASSWORD)

    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED}


def test_admin_sign_in_page_is_throttled_too(admin_user):
    client = browser()
    for i in range(5):
        client.post("/admin/login/", {"username": "admin", "password": f"wrong-{i}"})

    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})

    assert response.status_code == 429


# --- the address behind a proxy --------------------------------------------------------------


def test_forwarded_for_is_believed_only_from_the_trusted_proxy(leader, settings):
    settings.TRUSTED_PROXY = "10.0.0.1"
    sign_in(browser("10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20"), "x", "w")
    sign_in(browser("203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.21"), "y", "w")

    recorded = dict(AccessAttempt.objects.values_list("username", "ip_address"))

    assert recorded == {"x": "198.51.100.20", "y": "203.0.113.5"}


def test_behind_a_proxy_that_hides_clients_only_accounts_are_locked(leader, settings):
    """Every sign-in seems to come from the proxy: 25 failures over many names must not lock
    everybody out together."""
    settings.TRUSTED_PROXY = "127.0.0.1"
    proxy = browser("127.0.0.1")
    for i in range(25):
        sign_in(proxy, f"user{i % 6}", "wrong")

    assert sign_in(browser("127.0.0.1"), "leader", PASSWORD).status_code == 302


def test_a_proxy_on_the_same_machine_without_trusted_proxy_locks_only_accounts(leader):
    """nginx on 127.0.0.1 and TRUSTED_PROXY unset: every sign-in comes from 127.0.0.1."""
    proxy = browser("127.0.0.1")
    for i in range(25):
        sign_in(proxy, f"user{i % 6}", "wrong")

    assert sign_in(browser("127.0.0.1"), "leader", PASSWORD).status_code == 302
    assert sign_in(browser("::1"), "user0", "wrong").status_code == 429


# --- other ways in still work ----------------------------------------------------------------


def test_test_client_login_still_works(leader):
    """Django's test client authenticates without a request; axes' own backend would raise."""
    client = Client()

    assert client.login(username="leader", password=PASSWORD) is True
    assert client.get("/").status_code == 200
