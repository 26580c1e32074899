import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's default language. A request leaves the language it
    chose active in the thread (Django's LocaleMiddleware), so without this a test that
    reads messages outside a request would depend on what ran before it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role="city_admin")


@pytest.fixture
def bureau_editor(db):
    return UserFactory(username="fgw", role="bureau_editor")


@pytest.fixture
def town_editor(db):
    """Town editor for 锦丰镇 (320582103), one administration with 冶金工业园 (320582406)."""
    return UserFactory(username="jinfeng", role="town_editor", unit_code="320582103")


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", role="leader")


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def user_model():
    return get_user_model()
