from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tandem.conftest import client_for
from tandem.journal.models import ArticleStatus, Author
from tandem.journal.tests.conftest import NOW, make_article, make_comment

pytestmark = pytest.mark.django_db


def test_the_index_lists_published_articles_only(anonymous, article, draft):
    response = anonymous.get("/journal/")
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert draft.title not in response.content.decode()


def test_an_article_page_shows_the_article_its_author_box_and_seo_tags(anonymous, article):
    response = anonymous.get("/journal/saying-what-you-need/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>words</strong>" in page
    assert "About the author" in page and "Robin Writer" in page
    assert '<link rel="canonical" href="http://testserver/journal/saying-what-you-need/">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta name="description" content="How to ask.">' in page


def test_a_draft_is_not_found_by_the_public_nor_by_a_signed_in_client(
    anonymous, draft, client_user
):
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    assert client_for(client_user).get(draft.get_absolute_url()).status_code == 404


def test_a_scheduled_article_appears_at_its_time(anonymous, author):
    scheduled = make_article(
        author,
        slug="soon",
        status=ArticleStatus.SCHEDULED,
        published_at=NOW + dt.timedelta(hours=1),
    )
    with time_machine.travel(NOW, tick=False):
        assert anonymous.get(scheduled.get_absolute_url()).status_code == 404
        assert "soon" not in anonymous.get("/journal/").content.decode()
    with time_machine.travel(NOW + dt.timedelta(hours=1, seconds=1), tick=False):
        assert anonymous.get(scheduled.get_absolute_url()).status_code == 200


def test_article_pages_refuse_writes(anonymous, article):
    assert anonymous.post(article.get_absolute_url()).status_code == 405


def test_the_comment_count_counts_approved_responses_only(anonymous, article):
    make_comment(article)
    make_comment(article, email="other@example.com", status="pending")
    page = anonymous.get(article.get_absolute_url()).content.decode()
    assert "1 response to" in page


def test_topic_pages_list_their_published_articles(anonymous, article, draft, topic):
    draft.topics.add(topic)
    response = anonymous.get("/journal/topics/boundaries/")
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert draft.title not in response.content.decode()
    assert anonymous.get("/journal/topics/no-such-topic/").status_code == 404
    assert "Boundaries" in anonymous.get("/journal/topics/").content.decode()


def test_author_pages_show_credentials_bio_and_published_articles(anonymous, article, draft):
    response = anonymous.get("/journal/authors/robin-writer/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Writes things." in page and "Editor" in page
    assert article.title in page and draft.title not in page
    assert anonymous.get("/journal/authors/nobody/").status_code == 404


def test_call_outs_link_to_the_directory_only_when_it_exists(anonymous, article):
    from django.urls import NoReverseMatch, reverse

    page = anonymous.get(article.get_absolute_url()).content.decode()
    try:
        directory = reverse("directory:search")
    except NoReverseMatch:
        assert "Find a therapist</a>" not in page.split("journal-callouts")[-1]
    else:
        assert f'href="{directory}"' in page


def test_preview_shows_a_draft_to_editors_with_a_banner(editor_user, draft):
    response = client_for(editor_user).get(f"/journal/preview/{draft.pk}/")
    assert response.status_code == 200
    assert "Preview." in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_preview_is_refused_to_visitors_and_non_editors(
    anonymous, draft, client_user, therapist_user, verifier_user
):
    assert anonymous.get(f"/journal/preview/{draft.pk}/").status_code == 302
    for user in (client_user, therapist_user, verifier_user):
        assert client_for(user).get(f"/journal/preview/{draft.pk}/").status_code == 403


def test_author_with_a_user_keeps_working_when_the_user_goes(author, client_user):
    author.user = client_user
    author.save()
    client_user.delete()
    assert Author.objects.get(pk=author.pk).user is None
