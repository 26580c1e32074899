"""Passwords are hashed with Argon2 (Django's recommended hasher, issue #14 "Speed"), and a
user whose password was stored with the previous hasher (PBKDF2) still signs in, their hash
rewritten with Argon2 on that sign-in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(username: str, password: str) -> tuple[Client, object]:
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


def test_new_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert make_password("s3cret-enough").startswith("argon2$argon2id$")
    assert UserFactory(username="new").password.startswith("argon2$")


def test_a_pbkdf2_user_signs_in_and_the_hash_becomes_argon2():
    user = UserFactory(username="old")
    old = PBKDF2PasswordHasher()
    user.password = old.encode(PASSWORD, old.salt())
    user.save(update_fields=["password"])
    assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"

    client, response = sign_in("old", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"  # on to the cockpit
    assert SESSION_KEY in client.session
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone():
    user = UserFactory(username="old")
    old = PBKDF2PasswordHasher()
    user.password = before = old.encode(PASSWORD, old.salt())
    user.save(update_fields=["password"])

    client, response = sign_in("old", "not-the-password")

    assert response.status_code == 200  # the form again, with its error
    assert SESSION_KEY not in client.session
    assert get_user_model().objects.get(pk=user.pk).password == before
