from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tandem.journal.models import Comment
from tandem.journal.tests.conftest import make_comment
from tandem.journal.tokens import make_token

pytestmark = pytest.mark.django_db


def test_the_emailed_link_asks_first_then_deletes_the_comment(anonymous, article):
    comment = make_comment(article)
    url = f"/journal/comments/delete/{make_token(comment, 'delete')}/"
    response = anonymous.get(url)
    assert response.status_code == 200
    assert "Delete your comment?" in response.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert anonymous.post(url).status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_deleted_comment_with_replies_keeps_its_place_but_nothing_of_its_writer(
    anonymous, article
):
    comment = make_comment(article, website="https://me.example")
    reply = make_comment(article, parent=comment, email="other@example.com", body="Agreed")
    anonymous.post(f"/journal/comments/delete/{make_token(comment, 'delete')}/")
    comment.refresh_from_db()
    assert comment.is_removed
    assert (comment.name, comment.email, comment.website, comment.body) == (
        "Deleted commenter",
        "",
        "",
        "",
    )
    assert Comment.objects.get(pk=reply.pk).body == "Agreed"
    page = anonymous.get(article.get_absolute_url()).content.decode()
    assert "deleted it" in page and "Agreed" in page


@pytest.mark.parametrize(
    "token",
    ["forged", "eyJjIjoxLCJlIjoiIn0:1vAbCd:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
)
def test_a_forged_delete_link_does_nothing_and_says_so(anonymous, article, token):
    comment = make_comment(article)
    response = anonymous.post(f"/journal/comments/delete/{token}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_tampered_link_for_another_comment_does_nothing(anonymous, article):
    import json

    from django.core import signing

    mine = make_comment(article)
    theirs = make_comment(article, email="them@example.com")
    _, signature = make_token(mine, "delete").split(":", 1)
    payload = json.dumps({"c": theirs.pk, "e": theirs.email_digest}, separators=(",", ":"))
    tampered = f"{signing.b64_encode(payload.encode()).decode()}:{signature}"
    response = anonymous.post(f"/journal/comments/delete/{tampered}/")
    assert response.status_code == 400
    assert Comment.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2


def test_an_unsubscribe_link_cannot_delete(anonymous, article):
    comment = make_comment(article)
    response = anonymous.post(f"/journal/comments/delete/{make_token(comment, 'unsubscribe')}/")
    assert response.status_code == 400
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_an_expired_link_does_nothing(anonymous, article, settings):
    comment = make_comment(article)
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        token = make_token(comment, "delete")
    later = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        days=settings.JOURNAL_EMAIL_LINK_MAX_AGE_DAYS + 1
    )
    with time_machine.travel(later, tick=False):
        response = anonymous.post(f"/journal/comments/delete/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_used_link_says_the_comment_is_gone(anonymous, article):
    comment = make_comment(article)
    url = f"/journal/comments/delete/{make_token(comment, 'delete')}/"
    anonymous.post(url)
    response = anonymous.get(url)
    assert response.status_code == 400 and "already been deleted" in response.content.decode()


def test_the_delete_link_refuses_other_methods(anonymous, article):
    comment = make_comment(article)
    assert (
        anonymous.put(f"/journal/comments/delete/{make_token(comment, 'delete')}/").status_code
        == 405
    )


def test_the_unsubscribe_link_stops_reply_emails(anonymous, article):
    comment = make_comment(article, notify_replies=True)
    url = f"/journal/comments/unsubscribe/{make_token(comment, 'unsubscribe')}/"
    assert anonymous.get(url).status_code == 200
    assert Comment.objects.get(pk=comment.pk).notify_replies
    anonymous.post(url)
    assert not Comment.objects.get(pk=comment.pk).notify_replies
    assert anonymous.post("/journal/comments/unsubscribe/forged/").status_code == 400
