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


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (users, the seed's facts, each app's demo data) loaded once per test module.

    Loading it takes seconds; a module whose every database test starts from the demo shares
    one load. The load runs inside an outer transaction that is rolled back when the module
    ends; each test's own transaction (pytest-django's `db`) is a savepoint inside it, so
    what a test changes is rolled back to the loaded demo before the next test. Use it only
    in a module where every database test wants the demo (a test there that does not ask for
    it still sees it) and none needs `transactional_db`.
    """
    from django.db import transaction

    from zhaoshang.core.management.commands.demo import app_demo_hooks
    from zhaoshang.demo.load import ensure_users, load_facts

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_users(tmp_path_factory.mktemp("demo"))
            load_facts()
            for hook in app_demo_hooks("load_demo"):
                hook()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def fresh():
    """The per-process figure cache (`core.figcache`) empty before and after the test."""
    from zhaoshang.core import figcache

    figcache.clear()
    yield
    figcache.clear()
