from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tandem.journal.models import Article, ArticleStatus, Author, Comment, CommentStatus, Topic

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _no_wait(settings: Any) -> None:
    # Most tests post at once; the minimum-time rule has its own tests.
    settings.JOURNAL_COMMENT_MIN_SECONDS = 0


@pytest.fixture
def author(db: None) -> Author:
    return Author.objects.create(
        name="Robin Writer", slug="robin-writer", credentials="Editor", bio="Writes things."
    )


@pytest.fixture
def topic(db: None) -> Topic:
    return Topic.objects.create(name="Boundaries", slug="boundaries")


def make_article(author: Author, **fields: Any) -> Article:
    values: dict[str, Any] = {
        "title": "Saying what you need",
        "slug": "saying-what-you-need",
        "summary": "How to ask.",
        "body": "Some **words** about asking.",
        "status": ArticleStatus.PUBLISHED,
        "published_at": NOW - dt.timedelta(days=1),
        "author": author,
    }
    values.update(fields)
    return Article.objects.create(**values)


@pytest.fixture
def article(author: Author, topic: Topic) -> Article:
    article = make_article(author)
    article.topics.add(topic)
    return article


@pytest.fixture
def draft(author: Author) -> Article:
    return make_article(
        author, title="Unfinished", slug="unfinished", status=ArticleStatus.DRAFT, published_at=None
    )


def make_comment(article: Article, **fields: Any) -> Comment:
    values: dict[str, Any] = {
        "article": article,
        "name": "Sam Reader",
        "email": "sam@example.com",
        "body": "Thank you for this.",
        "status": CommentStatus.APPROVED,
    }
    values.update(fields)
    return Comment.objects.create(**values)


def comment_form(client: Any, article: Article, **fields: Any) -> dict[str, str]:
    """The fields a person sends, with the signed start stamp taken from the real page."""
    import re

    page = client.get(article.get_absolute_url()).content.decode()
    match = re.search(r'name="started" value="([^"]+)"', page)
    assert match, "the article page has no comment form"
    data = {
        "name": "Sam Reader",
        "email": "sam@example.com",
        "website": "",
        "body": "This helped me a lot.",
        "started": match.group(1),
        "homepage": "",
    }
    data.update(fields)
    return data
