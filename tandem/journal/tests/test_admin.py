from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tandem.conftest import client_for
from tandem.journal.models import Article, ArticleStatus

pytestmark = pytest.mark.django_db


def test_an_editor_edits_articles_in_the_admin_with_a_preview_link(editor_user, draft):
    http = client_for(editor_user)
    assert http.get("/admin/journal/article/add/").status_code == 200
    page = http.get(f"/admin/journal/article/{draft.pk}/change/").content.decode()
    assert f'href="/journal/preview/{draft.pk}/"' in page
    assert "selectfilter" in page.lower()


def test_an_editor_writes_a_scheduled_article_in_the_admin(editor_user, author, topic):
    response = client_for(editor_user).post(
        "/admin/journal/article/add/",
        {
            "title": "New piece",
            "slug": "new-piece",
            "summary": "A summary.",
            "body": "Hello <script>x</script>**world**",
            "status": ArticleStatus.SCHEDULED,
            "published_at_0": "2030-01-01",
            "published_at_1": "09:00:00",
            "author": author.pk,
            "topics": [topic.pk],
            "check_slug": "relating-styles",
            "show_directory_callout": "on",
            "comments_open": "on",
            "cover_alt": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="new-piece")
    assert article.body_html == "<p>Hello <strong>world</strong></p>\n"
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_other_roles_cannot_reach_journal_admin(verifier_user, client_user, draft):
    assert client_for(verifier_user).get("/admin/journal/article/").status_code == 403
    assert client_for(client_user).get("/admin/journal/article/").status_code == 302


def test_journal_paths_cannot_be_used_as_article_slugs(author):
    article = Article(title="t", slug="moderation", summary="s", body="b", author=author)
    with pytest.raises(ValidationError):
        article.full_clean()
