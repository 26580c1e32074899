"""News pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PASSWORD
from zhaoshang.intel import services
from zhaoshang.intel.models import Article

TEXT = (
    "1月31日，总投资306亿元的盛虹储能电池超级工厂项目签约。张家港共有8个项目参会，总投资86.6亿元。"
)


@pytest.fixture
def client_for(client):
    def login(user):
        client.login(username=user.username, password=PASSWORD)
        return client

    return login


def add(user, n):
    for i in range(n):
        services.add_article(user=user, text=f"第{i}篇：{TEXT}", published_on="2023-02-01")


@pytest.mark.parametrize("rows", [1, 3])
def test_article_list_query_count_does_not_grow(
    client_for, bureau_editor, django_assert_max_num_queries, rows
):
    add(bureau_editor, rows)
    c = client_for(bureau_editor)
    with django_assert_max_num_queries(8):
        response = c.get(reverse("intel:articles"))
    assert (response.status_code, response.content.decode().count('href="/intel/articles/')) == (
        200,
        rows,
    )


@pytest.mark.parametrize("rows", [1, 3])
def test_candidate_queue_query_count_does_not_grow(
    client_for, bureau_editor, django_assert_max_num_queries, rows
):
    add(bureau_editor, rows)
    c = client_for(bureau_editor)
    with django_assert_max_num_queries(8):
        response = c.get(reverse("intel:queue"))
    assert (response.status_code, response.content.decode().count("#candidate-")) == (200, rows * 2)


def test_paste_stores_the_article_and_shows_highlighted_spans(client_for, bureau_editor):
    c = client_for(bureau_editor)
    response = c.post(
        reverse("intel:new"),
        {"text": TEXT, "source_url": "张家港日报", "published_on": "2023-02-01"},
        follow=True,
    )
    page = response.content.decode()
    assert (
        Article.objects.count(),
        '<mark class="role-total_investment"' in page,
        '<mark class="role-batch_total_investment"' in page,
        "盛虹储能电池超级工厂项目" in page,
    ) == (1, True, True, True)


def test_upload_of_a_binary_file_shows_the_message(client_for, bureau_editor):
    c = client_for(bureau_editor)
    upload = SimpleUploadedFile("x.txt", b"\x00\x01\x02" * 100)
    response = c.post(reverse("intel:new"), {"file": upload})
    assert (
        response.status_code,
        "binary" in response.content.decode(),
        Article.objects.count(),
    ) == (200, True, 0)


def test_pasting_nothing_shows_the_message(client_for, bureau_editor):
    response = client_for(bureau_editor).post(reverse("intel:new"), {"text": " "})
    assert (response.status_code, Article.objects.count()) == (200, 0)


def test_accept_as_project_no_longer_creates_in_one_click(client_for, bureau_editor):
    """Issue #15: the old one-click post (a unit only) now meets the review form, which
    needs the project's fields; nothing is created until they are saved (tests/intel/
    test_adopt.py covers the form)."""
    article, _ = services.add_article(user=bureau_editor, text=TEXT, published_on="2023-02-01")
    candidate = article.candidates.get(kind="project")
    c = client_for(bureau_editor)
    response = c.post(reverse("intel:project", args=[candidate.pk]), {"unit": "320582403"})
    candidate.refresh_from_db()
    assert (
        response.status_code,
        sorted(response.context["form"].errors),
        candidate.status,
        candidate.project_id,
    ) == (200, ["name", "nature", "stage"], "pending", None)


def test_leader_sees_the_article_but_cannot_decide(client_for, bureau_editor, leader):
    article, _ = services.add_article(user=bureau_editor, text=TEXT)
    candidate = article.candidates.get(kind="project")
    c = client_for(leader)
    page = c.get(reverse("intel:article", args=[article.pk])).content.decode()
    c.post(reverse("intel:reject", args=[candidate.pk]), follow=True)
    candidate.refresh_from_db()
    assert ("Accept as project" in page or "采纳为项目" in page, candidate.status) == (
        False,
        "pending",
    )


def test_merge_page_shows_differences_and_merges(client_for, bureau_editor):
    from tests.factories import ProjectFactory

    project = ProjectFactory(name="盛虹储能电池超级工厂项目一期")
    article, _ = services.add_article(user=bureau_editor, text=TEXT)
    candidate = article.candidates.get(kind="project")
    c = client_for(bureau_editor)
    page = c.get(
        reverse("intel:merge", args=[candidate.pk]), {"project": project.code}
    ).content.decode()
    c.post(
        reverse("intel:merge", args=[candidate.pk]),
        {"project": project.code, "version": project.version, "fields": ["total_investment"]},
    )
    candidate.refresh_from_db()
    project.refresh_from_db()
    assert ("306亿元" in page, candidate.status, project.total_investment_wan) == (
        True,
        "merged",
        3060000,
    )


def test_admin_lists_and_opens_articles_and_candidates(client_for, admin_user):
    article, _ = services.add_article(user=admin_user, text=TEXT)
    c = client_for(admin_user)
    candidate = article.candidates.first()
    assert [
        c.get(reverse("admin:intel_article_changelist")).status_code,
        c.get(reverse("admin:intel_article_change", args=[article.pk])).status_code,
        c.get(reverse("admin:intel_candidate_changelist")).status_code,
        c.get(reverse("admin:intel_candidate_change", args=[candidate.pk])).status_code,
    ] == [200, 200, 200, 200]
