from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tandem.journal.markdown import reading_minutes, render_markdown
from tandem.journal.models import Article, ArticleStatus, Comment
from tandem.journal.tests.conftest import NOW, make_article

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_once_on_save(author):
    article = make_article(author, body="## A heading\n\nSome *emphasis*.")
    stored = Article.objects.values_list("body_html", flat=True).get(pk=article.pk)
    assert "<h2>A heading</h2>" in stored
    assert "<em>emphasis</em>" in stored


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<svg onload=alert(1)>",
    ],
)
def test_article_markdown_is_sanitised(source):
    html = render_markdown(source)
    assert "<script" not in html
    assert "onerror" not in html
    assert "onload" not in html
    assert 'href="javascript:' not in html and "url(javascript" not in html
    assert "<iframe" not in html
    assert "style=" not in html


def test_links_in_articles_get_a_rel_and_level_one_headings_become_two():
    html = render_markdown("# Title\n\n[the checks](/checks/relating-styles/)")
    assert '<a href="/checks/relating-styles/" rel="noopener">' in html
    assert "<h1>" not in html and "<h2>Title</h2>" in html


def test_reading_time_is_words_over_two_hundred_rounded_up():
    assert reading_minutes("word " * 10) == 1
    assert reading_minutes("word " * 401) == 3


def test_published_articles_include_scheduled_ones_only_once_their_time_has_come(author):
    published = make_article(author, slug="published")
    make_article(author, slug="draft", status=ArticleStatus.DRAFT, published_at=None)
    scheduled = make_article(
        author,
        slug="scheduled",
        status=ArticleStatus.SCHEDULED,
        published_at=NOW + dt.timedelta(hours=2),
    )
    with time_machine.travel(NOW, tick=False):
        assert set(Article.objects.published()) == {published}
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        assert set(Article.objects.published()) == {published, scheduled}


def test_publishing_without_a_date_stamps_the_time(author):
    with time_machine.travel(NOW, tick=False):
        article = make_article(author, published_at=None)
    assert article.published_at == NOW


def test_a_scheduled_article_needs_a_time_and_a_cover_needs_a_description(author):
    article = Article(
        title="t", slug="t", summary="s", body="b", author=author, status=ArticleStatus.SCHEDULED
    )
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "published_at" in error.value.message_dict


def test_the_database_refuses_a_public_article_without_a_date(author):
    from django.db import IntegrityError

    article = make_article(author)
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(published_at=None)


def test_comment_email_is_stored_lower_case_with_a_digest(article):
    comment = Comment.objects.create(
        article=article, name="A", email=" Sam@Example.COM ", body="hi"
    )
    assert comment.email == "sam@example.com"
    assert Comment.objects.from_email("SAM@example.com").get() == comment
