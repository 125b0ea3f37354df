from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from tandem.conftest import client_for
from tandem.journal.models import Comment, CommentStatus
from tandem.journal.tests.conftest import comment_form, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Send the comment form; what runs after commit (emails) runs before this returns."""

    def send(client, article, **fields):
        data = comment_form(client, article, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/journal/{article.slug}/comments/", data)

    return send


def test_a_first_comment_is_held_for_moderation_and_says_so(post, anonymous, article):
    response = post(anonymous, article)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert comment.held_reason == "first comment from this address"
    page = anonymous.get(response["Location"]).content.decode()
    assert "held for moderation" in page
    assert "This helped me a lot." not in page


def test_a_later_comment_from_a_signed_in_verified_owner_appears_at_once(
    post, article, client_user
):
    make_comment(article, email="casey@example.com")
    casey = client_for(client_user)
    response = post(casey, article, email="CASEY@example.com", body="Me again.")
    comment = Comment.objects.latest("pk")
    assert comment.status == CommentStatus.APPROVED
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = casey.get(article.get_absolute_url()).content.decode()
    assert "Me again." in page and "Your comment is published" in page
    assert mail.outbox[-1].subject == "Your comment on “Saying what you need” is live"


def test_an_anonymous_comment_from_an_approved_address_is_held(post, anonymous, article):
    make_comment(article, email="sam@example.com")
    response = post(anonymous, article, email="SAM@example.com", body="Me again?")
    comment = Comment.objects.latest("pk")
    assert comment.status == CommentStatus.PENDING
    assert "not signed in" in comment.held_reason
    assert response["Location"].endswith("#comment-posted")
    assert "Me again?" not in anonymous.get(article.get_absolute_url()).content.decode()


def _outcome(post, article, email):
    """Everything a visitor who is not signed in can observe about sending a comment."""
    visitor = Client()
    sent_before = len(mail.outbox)
    response = post(visitor, article, email=email, body="Has this address been here before?")
    sent = mail.outbox[sent_before:]
    return {
        "status": response.status_code,
        "location": response["Location"],
        "messages": [(m.level, m.message) for m in get_messages(response.wsgi_request)],
        "emails": [(m.to == [email], m.subject) for m in sent],
        "cookies": sorted(response.cookies),
    }


def test_a_visitor_cannot_tell_whether_an_address_has_commented_before(post, article):
    make_comment(article, email="known@example.com")
    known = _outcome(post, article, "known@example.com")
    unknown = _outcome(post, article, "never-seen@example.com")
    assert known == unknown
    # The "we have a comment from this address" email goes out either way, to the address.
    assert known["status"] == 302 and len(known["emails"]) == 1 and known["emails"][0][0]
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 2


def test_a_signed_in_person_typing_someone_elses_address_is_held(post, article, client_user):
    make_comment(article, email="sam@example.com")
    response = post(client_for(client_user), article, email="sam@example.com", body="As Sam")
    comment = Comment.objects.latest("pk")
    assert comment.status == CommentStatus.PENDING
    assert response["Location"].endswith("#comment-posted")
    held = [(m.level, m.message) for m in get_messages(response.wsgi_request)]
    assert held == _outcome(post, article, "new@example.com")["messages"]


def test_an_unverified_address_on_the_account_does_not_publish_at_once(post, article, client_user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=client_user, email="claimed@example.com", verified=False)
    make_comment(article, email="claimed@example.com")
    post(client_for(client_user), article, email="claimed@example.com")
    assert Comment.objects.latest("pk").status == CommentStatus.PENDING


def test_a_signed_in_owners_first_comment_is_still_held(post, article, client_user):
    post(client_for(client_user), article, email="casey@example.com")
    comment = Comment.objects.get()
    assert (comment.status, comment.held_reason) == (
        CommentStatus.PENDING,
        "first comment from this address",
    )


def test_the_form_is_filled_in_from_the_account_when_signed_in(anonymous, article, client_user):
    page = client_for(client_user).get(article.get_absolute_url()).content.decode()
    assert 'value="casey@example.com"' in page and 'value="Casey Client"' in page
    page = anonymous.get(article.get_absolute_url()).content.decode()
    assert 'name="email" id="id_email" value=""' in page


def test_a_comment_with_a_link_is_held_even_from_a_proven_known_address(post, article, client_user):
    make_comment(article, email="casey@example.com")
    post(client_for(client_user), article, email="casey@example.com", body="See https://x.org")
    comment = Comment.objects.latest("pk")
    assert (comment.status, comment.held_reason) == (CommentStatus.PENDING, "contains a link")


@pytest.mark.parametrize(
    "body",
    ["Cheap viagra here", "a http://a.example b http://b.example c http://c.example"],
)
def test_spam_is_filed_as_spam_and_told_only_that_it_is_held(post, anonymous, article, body):
    response = post(anonymous, article, body=body)
    assert Comment.objects.get().status == CommentStatus.SPAM
    assert "held for moderation" in anonymous.get(response["Location"]).content.decode()
    assert mail.outbox == []


def test_the_honeypot_stops_a_bot(post, anonymous, article):
    response = post(anonymous, article, homepage="http://spam.example")
    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert "Leave this empty" in response.content.decode()


def test_a_form_sent_too_fast_is_refused_with_a_reason(post, anonymous, article, settings):
    settings.JOURNAL_COMMENT_MIN_SECONDS = 60
    response = post(anonymous, article)
    assert response.status_code == 429
    assert "wait a few seconds" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("started", ["", "forged:stamp", "eyJhIjoxLCJ0IjowfQ:1t:bad"])
def test_a_missing_or_forged_start_stamp_is_refused(post, anonymous, article, started):
    response = post(anonymous, article, started=started)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_the_rate_limit_per_address_stops_a_flood(post, anonymous, article, settings):
    settings.JOURNAL_COMMENT_RATE_LIMIT = 2
    for n in range(2):
        assert post(anonymous, article, body=f"Comment {n}").status_code == 302
    response = post(anonymous, article, body="One too many")
    assert response.status_code == 429
    assert "wait ten minutes" in response.content.decode()
    assert Comment.objects.count() == 2


def test_the_rate_limit_per_ip_counts_every_address(post, anonymous, article, settings):
    settings.JOURNAL_COMMENT_RATE_LIMIT = 2
    for n in range(2):
        post(anonymous, article, email=f"person{n}@example.com")
    assert post(anonymous, article, email="third@example.com").status_code == 429


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("email", ""),
        ("email", "not-an-address"),
        ("body", "   "),
        ("website", "javascript:alert(1)"),
        ("website", "ftp://example.com/"),
        ("body", "x" * 5001),
    ],
)
def test_bad_input_is_refused_with_the_error_tied_to_its_field(
    post, anonymous, article, field, value
):
    response = post(anonymous, article, **{field: value})
    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert f'aria-describedby="id_{field}-error' in response.content.decode()


def test_the_email_address_is_never_shown_on_the_page(anonymous, article):
    make_comment(article, email="secret.person@example.com", website="https://site.example")
    page = anonymous.get(article.get_absolute_url()).content.decode()
    assert "secret.person" not in page
    assert 'href="https://site.example" rel="nofollow ugc noopener"' in page


def test_a_reply_to_a_reply_joins_the_top_level_thread(post, anonymous, article):
    top = make_comment(article)
    reply = make_comment(article, parent=top, email="b@example.com")
    post(anonymous, article, parent=str(reply.pk), email="c@example.com")
    assert Comment.objects.latest("pk").parent == top


def test_replying_to_a_comment_that_is_not_public_is_refused(post, anonymous, article):
    hidden = make_comment(article, status=CommentStatus.PENDING)
    response = post(anonymous, article, parent=str(hidden.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_comments_on_a_draft_are_not_found(anonymous, article, draft):
    data = comment_form(anonymous, article)
    assert anonymous.post(f"/journal/{draft.slug}/comments/", data).status_code == 404


def test_a_stamp_from_another_article_is_refused(anonymous, article, author):
    from tandem.journal.tests.conftest import make_article

    other = make_article(author, slug="other")
    data = comment_form(anonymous, article)
    assert anonymous.post(f"/journal/{other.slug}/comments/", data).status_code == 400


def test_the_comment_url_refuses_get(anonymous, article):
    assert anonymous.get(f"/journal/{article.slug}/comments/").status_code == 405


def test_closed_comments_take_no_comment(anonymous, article):
    data = comment_form(anonymous, article)
    article.comments_open = False
    article.save()
    anonymous.post(f"/journal/{article.slug}/comments/", data)
    assert not Comment.objects.exists()


def test_the_address_given_is_emailed_a_delete_link_through_real_smtp(
    post, anonymous, article, smtp_inbox
):
    from tandem.conftest import message_text

    post(anonymous, article, notify_replies="on")
    (message,) = smtp_inbox.wait_for(1)
    text = message_text(message)
    assert message["To"] == "sam@example.com"
    assert "A comment was sent with this email address" in message["Subject"]
    assert "/journal/comments/delete/" in text
    # Anyone can type this address, so the email must make sense to someone who did not write it.
    assert "Did not write this? Someone typed your address into our comment form." in text
    assert "Hello Sam" not in text
    assert "/journal/comments/unsubscribe/" in text
