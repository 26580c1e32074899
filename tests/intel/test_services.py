"""Articles in, reviewed facts out."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import EnterpriseFactory, ProjectFactory
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.enterprises.models import EnterpriseAlias, Lead
from zhaoshang.intel import services
from zhaoshang.intel.models import Article, Candidate
from zhaoshang.projects.models import BatchEvent, Project, ProjectSource

TEXT = (
    "1月31日，在张家港保税区，总投资306亿元的盛虹控股集团储能电池超级工厂项目签约，"
    "规划建设60GWh储能电池产能，投产后预计年营收超560亿元。"
    "同日，张家港共有8个项目集中签约，总投资86.6亿元。"
)


@pytest.fixture
def article(bureau_editor):
    article, _created = services.add_article(
        user=bureau_editor, text=TEXT, source_url="https://example.org/a", published_on="2023-02-01"
    )
    return article


def project_candidate(article):
    return article.candidates.get(kind="project")


def test_add_article_stores_text_source_amounts_and_candidates(article):
    c = project_candidate(article)
    assert (
        article.title,
        article.source.url,
        article.published_on,
        [a["text"] for a in article.amounts],
        (c.name, c.investor, c.unit_id, c.event, c.event_date, c.total_investment_wan, c.capacity),
        list(article.candidates.filter(kind="batch").values_list("project_count", flat=True)),
    ) == (
        TEXT.splitlines()[0][:300],
        "https://example.org/a",
        datetime.date(2023, 2, 1),
        ["306亿元", "超560亿元", "86.6亿元"],
        (
            "盛虹控股集团储能电池超级工厂项目",
            "盛虹控股集团",
            "320582403",
            "signed",
            "2023-01-31",
            Decimal("3060000"),
            "60GWh",
        ),
        [8],
    )


def test_add_same_article_again_adds_nothing(article, bureau_editor):
    again, created = services.add_article(user=bureau_editor, text="  " + TEXT + "\n\n")
    assert (again.pk, created, Article.objects.count(), Candidate.objects.count()) == (
        article.pk,
        False,
        1,
        2,
    )


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"text": "   "}, "text"),
        ({"text": "总投资1亿元", "published_on": "2023-13-01"}, "published_on"),
        ({"text": "总投资1亿元", "source_url": "x" * 501}, "source_url"),
        ({"data": b"\x00\x01binary\x00", "file_name": "a.txt"}, "file"),
        ({"data": b"a" * (2 * 1024 * 1024 + 1), "file_name": "big.txt"}, "file"),
    ],
)
def test_add_article_refuses_bad_input_and_writes_nothing(bureau_editor, kwargs, field):
    with pytest.raises(InputError) as exc:
        services.add_article(user=bureau_editor, **kwargs)
    assert (list(exc.value.fields), Article.objects.count()) == ([field], 0)


def test_add_article_reads_a_gbk_file(bureau_editor):
    article, _ = services.add_article(
        user=bureau_editor,
        data="总投资10亿元的华兴光电显示模组项目开工".encode("gbk"),
        file_name="a.txt",
    )
    assert article.candidates.get().name == "华兴光电显示模组项目"


def test_leader_cannot_add_articles(leader):
    with pytest.raises(NotAllowed):
        services.add_article(user=leader, text=TEXT)


def test_accept_as_lead_creates_a_news_lead_with_the_source(article, bureau_editor):
    c = services.accept_as_lead(user=bureau_editor, candidate=project_candidate(article))
    lead = Lead.objects.get()
    assert (
        c.status,
        c.lead_id,
        lead.origin,
        lead.source_id,
        lead.estimated_investment_wan,
        lead.title,
    ) == (
        "accepted",
        lead.pk,
        "news",
        article.source_id,
        Decimal("3060000"),
        "盛虹控股集团储能电池超级工厂项目",
    )


def test_accept_as_project_creates_the_project_with_stage_date_and_source(article, bureau_editor):
    c = services.accept_as_project(user=bureau_editor, candidate=project_candidate(article))
    p = Project.objects.get(pk=c.project_id)
    assert (
        p.name,
        p.unit_id,
        p.stage,
        p.total_investment_wan,
        p.expected_revenue_wan,
        p.expected_revenue_qualifier,
        p.capacity,
        list(p.investors.values_list("name", flat=True)),
        str(p.stage_dates.get(stage="signed").partial("actual")),
        ProjectSource.objects.filter(project=p, source=article.source).exists(),
    ) == (
        "盛虹控股集团储能电池超级工厂项目",
        "320582403",
        "signed",
        Decimal("3060000"),
        Decimal("5600000"),
        "at_least",
        "60GWh",
        ["盛虹控股集团"],
        "2023-01-31",
        True,
    )


def test_accepting_twice_is_refused(article, bureau_editor):
    c = project_candidate(article)
    services.accept_as_lead(user=bureau_editor, candidate=c)
    with pytest.raises(InputError) as exc:
        services.accept_as_project(user=bureau_editor, candidate=c)
    assert (list(exc.value.fields), Project.objects.filter(name=c.name).count()) == (["status"], 0)


def test_accept_as_project_refuses_a_duplicate_name(article, bureau_editor):
    ProjectFactory(name="盛虹控股集团储能电池超级工厂项目")
    with pytest.raises(InputError) as exc:
        services.accept_as_project(user=bureau_editor, candidate=project_candidate(article))
    assert list(exc.value.fields) == ["name"]


def test_town_editor_cannot_accept_a_project_of_another_unit(article, town_editor):
    with pytest.raises(NotAllowed):
        services.accept_as_project(user=town_editor, candidate=project_candidate(article))
    assert project_candidate(article).status == "pending"


def test_matches_find_the_project_by_name_and_by_investor_alias(article):
    zf = EnterpriseFactory(name="盛虹控股集团有限公司")
    EnterpriseAlias.objects.create(enterprise=zf, alias="盛虹控股集团", kind="short")
    by_name = ProjectFactory(
        name="盛虹储能电池超级工厂项目", total_investment_wan=Decimal("1400000")
    )
    by_investor = ProjectFactory(name="新能源电池研究院")
    by_investor.investors.add(zf)
    ProjectFactory(name="完全无关的钢铁项目")
    matches = services.find_matches(project_candidate(article))
    assert {m.project.pk for m in matches} == {by_name.pk, by_investor.pk}


def test_merge_diff_and_merge_take_only_the_chosen_fields(article, bureau_editor):
    project = ProjectFactory(
        name="盛虹储能电池超级工厂", total_investment_wan=Decimal("1400000"), unit_id="320582403"
    )
    c = project_candidate(article)
    diff = {d.key: (d.current, d.proposed, d.differs) for d in services.merge_diff(c, project)}
    services.merge_into_project(
        user=bureau_editor, candidate=c, project=project, fields=["total_investment"]
    )
    project.refresh_from_db()
    c.refresh_from_db()
    assert (
        diff["total_investment"],
        diff["expected_revenue"],
        diff["unit"][2],
        project.total_investment_wan,
        project.expected_revenue_wan,
        c.status,
        c.project_id,
        ProjectSource.objects.filter(project=project, source=article.source).exists(),
    ) == (
        ("140亿元", "306亿元", True),
        ("", "超560亿元", True),
        False,
        Decimal("3060000"),
        None,
        "merged",
        project.pk,
        True,
    )


def test_merge_refuses_unknown_fields(article, bureau_editor):
    project = ProjectFactory()
    with pytest.raises(InputError):
        services.merge_into_project(
            user=bureau_editor,
            candidate=project_candidate(article),
            project=project,
            fields=["name"],
        )


def test_accept_batch_records_the_batch_event_with_its_source(article, bureau_editor):
    c = services.accept_batch(user=bureau_editor, candidate=article.candidates.get(kind="batch"))
    b = BatchEvent.objects.get(pk=c.batch_event_id)
    assert (b.kind, b.declared_project_count, b.declared_total_wan, b.source_id) == (
        "signing",
        8,
        Decimal("866000"),
        article.source_id,
    )


def test_reject_keeps_the_reason(article, bureau_editor):
    c = services.reject_candidate(
        user=bureau_editor, candidate=project_candidate(article), reason="重复"
    )
    assert (c.status, c.decision_note, c.decided_by_id) == ("rejected", "重复", bureau_editor.pk)


def test_reextract_keeps_decided_candidates(article, bureau_editor):
    services.reject_candidate(user=bureau_editor, candidate=project_candidate(article))
    services.extract_article(article=article)
    assert sorted(article.candidates.values_list("kind", "status")) == [
        ("batch", "pending"),
        ("project", "rejected"),
    ]
