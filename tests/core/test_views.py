import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import JINFENG, PASSWORD
from zhaoshang.core.history import history_for

pytestmark = pytest.mark.django_db


def test_login_lands_on_the_cockpit(client, leader):
    response = client.post("/login/", {"username": "leader", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_password_change(client, leader):
    client.force_login(leader)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Neu-Pass-2024!x",
            "new_password2": "Neu-Pass-2024!x",
        },
    )
    leader.refresh_from_db()
    assert response.status_code == 302
    assert leader.check_password("Neu-Pass-2024!x")


def test_admin_creates_town_editor_with_unit(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("user_create"),
        {
            "username": "leyu",
            "role": "town_editor",
            "unit": "320582104",
            "is_active": "on",
            "password": "Leyu-Editor-2024!",
        },
    )
    user = get_user_model().objects.get(username="leyu")
    assert response.status_code == 302
    assert (user.profile.role, user.profile.unit_id) == ("town_editor", "320582104")
    assert history_for(user).get().changes["role"] == [None, "town_editor"]


def test_admin_reads_the_list_of_users(client, admin_user, leader):
    """/users/ lists every user with their role and unit (it answered 500 before: its
    template was missing)."""
    client.force_login(admin_user)
    client.post(
        reverse("user_create"),
        {
            "username": "leyu",
            "role": "town_editor",
            "unit": "320582104",
            "is_active": "on",
            "password": "Leyu-Editor-2024!",
        },
    )
    response = client.get(reverse("users"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("user_edit", args=[leader.pk]) in page
    assert "leyu" in page and "乐余镇" in page and "镇（区）编辑" in page


def test_town_editor_needs_a_unit(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("user_create"),
        {
            "username": "x",
            "role": "town_editor",
            "is_active": "on",
            "password": "Leyu-Editor-2024!",
        },
    )
    assert list(response.context["form"].errors) == ["unit"]
    assert not get_user_model().objects.filter(username="x").exists()


def test_admin_changes_role_and_unit(client, admin_user, leader):
    client.force_login(admin_user)
    response = client.post(
        reverse("user_edit", args=[leader.pk]),
        {"role": "town_editor", "unit": JINFENG, "is_active": "on"},
    )
    leader.refresh_from_db()
    assert response.status_code == 302
    assert (leader.profile.role, leader.profile.unit_id, leader.username) == (
        "town_editor",
        JINFENG,
        "leader",
    )


@pytest.mark.parametrize("who", ["bureau_editor", "town_editor", "leader"])
def test_only_city_admin_manages_users(client, request, who):
    client.cookies["django_language"] = "en"
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("users"))
    assert response.status_code == 403
    assert "Only the city administrator manages users." in response.content.decode()


def test_404_page_in_product_style(client, leader):
    client.cookies["django_language"] = "en"
    client.force_login(leader)
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in page and 'class="brand"' in page


def test_csrf_failure_page_in_product_style(leader):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    strict.force_login(leader)
    response = strict.post(reverse("password_change"), {"old_password": "x"})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


def test_500_page_is_plain_and_leaks_nothing():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Traceback" not in page
    assert "Something went wrong on the server" in page
