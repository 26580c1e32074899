"""Demo: the seed article stored for review, with the candidates the extractor finds in it.

Idempotent: the article is found by the hash of its text; nothing is done when it exists.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from zhaoshang.core.models import Source
from zhaoshang.demo import facts
from zhaoshang.intel.models import Article
from zhaoshang.intel.services import extract_article, text_hash

SEED_TEXT = Path(__file__).resolve().parent / "data" / "seed_article.txt"


@transaction.atomic
def load_demo() -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    digest = text_hash(text)
    if Article.objects.filter(content_hash=digest).exists():
        return
    data = facts.SOURCES[facts.SEED]
    source, _created = Source.objects.get_or_create(title=data["title"], defaults=data)
    article = Article.objects.create(
        title=data["title"],
        text=text,
        source_url=data["publisher"],
        published_on=None,  # the mirror does not say; the extractor reads the year (2023)
        file_name=SEED_TEXT.name,
        content_hash=digest,
        source=source,
        added_by=get_user_model().objects.filter(username="admin").first(),
    )
    extract_article(article=article)
