"""The lead pages in each language, judged as tests/test_words.py judges every page (its crawl
from "/" stops at 80 pages, which may come before these): no English word of ours on a
Chinese page, no Chinese word of ours on an English page."""

import pytest

from tests.test_words import (  # noqa: F401 - fixtures used by name
    _chinese_page_problems,
    _client,
    _english_page_problems,
    _problems,
    _report,
    catalogue,
    data,
)

pytestmark = pytest.mark.django_db
ROLES = ("fgw", "leader", "jinfeng")


def _pages(client, lead_ids) -> dict[str, str]:
    urls = ["/leads/", "/leads/?overdue=1", "/leads/board/", "/leads/new/"]
    urls += [f"/leads/{pk}/" for pk in lead_ids] + [f"/leads/{pk}/edit/" for pk in lead_ids[:1]]
    # the correction page of an interaction (issue #16: interactions editable)
    from zhaoshang.enterprises.models import Visit

    visit = Visit.objects.filter(lead_id__in=lead_ids, removed_at__isnull=True).first()
    if visit is not None:
        urls.append(f"/leads/{visit.lead_id}/interactions/{visit.pk}/edit/")
    out = {}
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            out[url] = response.content.decode()
    return out


@pytest.mark.parametrize("role", ROLES)
def test_lead_pages_read_in_one_language(demo_once, catalogue, data, role):  # noqa: F811
    from django.contrib.auth import get_user_model

    from zhaoshang.leads.access import leads_visible_to

    user = get_user_model().objects.get(username=role)
    ids = list(leads_visible_to(user).order_by("pk").values_list("pk", flat=True))
    assert ids
    english, chinese = catalogue
    pages = _pages(_client(role, "zh-hans"), ids)
    assert "/leads/board/" in pages and len(pages) >= 4
    problems = _problems(pages, _chinese_page_problems, english, data, "zh")
    assert not problems, _report(problems)
    pages = _pages(_client(role, "en"), ids)
    problems = _problems(pages, _english_page_problems, chinese, data, "en")
    assert not problems, _report(problems)
