from zhaoshang.intel.demo import load_demo
from zhaoshang.intel.models import Article, Candidate


def test_load_demo_stores_the_seed_article_once(db):
    load_demo()
    load_demo()
    article = Article.objects.get()
    assert (
        article.reference_date,
        len(article.amounts),
        Candidate.objects.filter(kind="project").count() >= 7,
        Candidate.objects.filter(kind="batch").count(),
    ) == ("2023", 17, True, 3)
