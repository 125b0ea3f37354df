from __future__ import annotations

import pytest
from django.core import mail

from tandem.conftest import client_for
from tandem.journal.models import Comment, CommentStatus
from tandem.journal.tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(article):
    return [
        make_comment(article, name=f"Person {n}", email=f"p{n}@example.com", status="pending")
        for n in range(3)
    ]


def test_the_queue_shows_held_comments_to_an_editor(editor_user, held):
    response = client_for(editor_user).get("/journal/moderation/")
    page = response.content.decode()
    assert response.status_code == 200
    assert all(comment.name in page for comment in held)
    assert "Waiting for moderation (3)" in page


def test_an_administrator_may_moderate_too(administrator_user, held):
    assert client_for(administrator_user).get("/journal/moderation/").status_code == 200


def test_the_queue_sends_visitors_to_sign_in(anonymous, held):
    response = anonymous.get("/journal/moderation/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    anonymous.post("/journal/moderation/", {"action": "approve", "comments": [held[0].pk]})
    assert Comment.objects.get(pk=held[0].pk).status == CommentStatus.PENDING


def test_non_editors_cannot_moderate(client_user, therapist_user, verifier_user, held):
    for user in (client_user, therapist_user, verifier_user):
        http = client_for(user)
        assert http.get("/journal/moderation/").status_code == 403
        response = http.post(
            "/journal/moderation/", {"action": "approve", "comments": [held[0].pk]}
        )
        assert response.status_code == 403
    assert Comment.objects.get(pk=held[0].pk).status == CommentStatus.PENDING


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "approved"), ("reject", "rejected"), ("spam", "spam")],
)
def test_an_editor_moderates_in_bulk(editor_user, held, action, status):
    response = client_for(editor_user).post(
        "/journal/moderation/", {"action": action, "comments": [held[0].pk, held[1].pk]}
    )
    assert response.status_code == 302
    assert [Comment.objects.get(pk=c.pk).status for c in held] == [status, status, "pending"]
    assert Comment.objects.get(pk=held[0].pk).moderated_by == editor_user


@pytest.mark.parametrize(
    "data",
    [{"action": "approve"}, {"action": "publish", "comments": ["1"]}, {"comments": ["999999"]}],
)
def test_bad_moderation_input_changes_nothing(editor_user, held, data):
    response = client_for(editor_user).post("/journal/moderation/", data)
    assert response.status_code == 400
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}


def test_an_approved_reply_emails_a_parent_who_asked(
    editor_user, article, django_capture_on_commit_callbacks
):
    parent = make_comment(article, notify_replies=True)
    reply = make_comment(
        article, parent=parent, name="Alex", email="alex@example.com", status="pending"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(editor_user).post(
            "/journal/moderation/", {"action": "approve", "comments": [reply.pk]}
        )
    (message,) = mail.outbox
    assert message.to == ["sam@example.com"]
    assert "Alex replied" in message.subject
    assert "/journal/comments/unsubscribe/" in message.body


def test_the_reply_email_goes_once_and_only_to_those_who_asked(
    editor_user, article, django_capture_on_commit_callbacks
):
    from tandem.journal.tasks import notify_parent_of_reply

    wants = make_comment(article, notify_replies=True)
    does_not = make_comment(article, email="quiet@example.com")
    first = make_comment(article, parent=wants, email="a@example.com")
    second = make_comment(article, parent=does_not, email="b@example.com")
    for reply in (first, first, second):
        notify_parent_of_reply.call(reply.pk)
    assert len(mail.outbox) == 1


def test_an_editor_replies_with_a_staff_badge_and_approves_the_comment(
    editor_user, held, anonymous
):
    http = client_for(editor_user)
    assert http.get(f"/journal/moderation/{held[0].pk}/reply/").status_code == 200
    response = http.post(f"/journal/moderation/{held[0].pk}/reply/", {"body": "Thank you."})
    assert response.status_code == 302
    reply = Comment.objects.get(parent=held[0])
    assert reply.is_staff_reply and reply.status == CommentStatus.APPROVED
    assert Comment.objects.get(pk=held[0].pk).status == CommentStatus.APPROVED
    page = anonymous.get(held[0].article.get_absolute_url()).content.decode()
    assert "Tandem team</span>" in page and "Thank you." in page


def test_staff_replies_are_refused_to_non_editors_and_empty_replies(client_user, editor_user, held):
    url = f"/journal/moderation/{held[0].pk}/reply/"
    assert client_for(client_user).post(url, {"body": "Hi"}).status_code == 403
    assert client_for(editor_user).post(url, {"body": ""}).status_code == 400
    assert client_for(editor_user).post("/journal/moderation/999999/reply/").status_code == 404
    assert not Comment.objects.filter(is_staff_reply=True).exists()


def test_the_admin_actions_moderate_too(administrator_user, held):
    response = client_for(administrator_user).post(
        "/admin/journal/comment/",
        {"action": "approve", "_selected_action": [held[0].pk]},
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=held[0].pk).status == CommentStatus.APPROVED
