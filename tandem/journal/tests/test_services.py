from __future__ import annotations

import pytest

from tandem.accounts import personal_data
from tandem.journal.models import ArticleStatus, Comment, Topic
from tandem.journal.services import articles_for_topics
from tandem.journal.tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_articles_for_topics_returns_published_articles_newest_first(author, topic):
    import datetime as dt

    other = Topic.objects.create(name="Listening", slug="listening")
    old = make_article(author, slug="old", published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    new = make_article(author, slug="new", published_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    draft = make_article(author, slug="d", status=ArticleStatus.DRAFT, published_at=None)
    old.topics.add(topic)
    new.topics.add(topic, other)
    draft.topics.add(topic)
    assert articles_for_topics(["boundaries", "listening"]) == [new, old]
    assert articles_for_topics(["boundaries"], limit=1) == [new]
    assert articles_for_topics([]) == []
    assert articles_for_topics(["no-such-topic"]) == []


def test_my_data_exports_the_comments_written_from_the_account_address(article, client_user):
    make_comment(article, email="CASEY@example.com", body="Mine", notify_replies=True)
    make_comment(article, email="someone@example.com", body="Not mine")
    exported = personal_data.export_user(client_user)["sections"]["journal"]
    assert [c["comment"] for c in exported["comments"]] == ["Mine"]
    assert exported["comments"][0]["email_me_replies"] is True


def test_unverified_addresses_do_not_claim_comments(article, client_user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=client_user, email="claimed@example.com", verified=False)
    make_comment(article, email="claimed@example.com", body="Someone else's")
    exported = personal_data.export_user(client_user)["sections"]["journal"]
    assert exported["comments"] == []


def test_erasure_deletes_comments_and_blanks_those_others_replied_to(article, client_user):
    alone = make_comment(article, email="casey@example.com", body="Alone")
    answered = make_comment(article, email="casey@example.com", body="Answered")
    reply = make_comment(article, parent=answered, email="other@example.com", body="Reply")
    own_reply = make_comment(article, parent=answered, email="casey@example.com")
    other = make_comment(article, email="someone@example.com")
    personal_data.erase_user(client_user)
    assert not Comment.objects.filter(pk__in=[alone.pk, own_reply.pk]).exists()
    answered.refresh_from_db()
    assert answered.is_removed and answered.email == "" and answered.body == ""
    assert Comment.objects.filter(pk__in=[reply.pk, other.pk]).count() == 2
    assert not Comment.objects.filter(email="casey@example.com").exists()
