"""One function per email, each rendering ``journal/emails/<name>-subject.txt``, ``.txt``
and ``.html``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from tandem.journal.models import Comment, CommentStatus
from tandem.journal.tokens import make_token


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(name: str, to: str, context: dict[str, Any]) -> None:
    context = {"SITE_NAME": settings.SITE_NAME, **context}
    subject = render_to_string(f"journal/emails/{name}-subject.txt", context)
    text = render_to_string(f"journal/emails/{name}.txt", context)
    html = render_to_string(f"journal/emails/{name}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def comment_received(comment: Comment) -> None:
    """To a commenter: we have your comment; here is how to delete it (and stop replies)."""
    _send(
        "comment-received",
        comment.email,
        {
            "comment": comment,
            "article_url": _absolute(comment.article.get_absolute_url()),
            "is_held": comment.status != CommentStatus.APPROVED,
            "delete_url": _absolute(
                reverse("journal:comment_delete", args=[make_token(comment, "delete")])
            ),
            "unsubscribe_url": _absolute(
                reverse("journal:comment_unsubscribe", args=[make_token(comment, "unsubscribe")])
            ),
        },
    )


def reply_posted(*, reply: Comment, parent: Comment) -> None:
    """To a commenter who asked: someone replied to your comment."""
    _send(
        "reply-posted",
        parent.email,
        {
            "reply": reply,
            "parent": parent,
            "reply_url": _absolute(reply.get_absolute_url()),
            "unsubscribe_url": _absolute(
                reverse("journal:comment_unsubscribe", args=[make_token(parent, "unsubscribe")])
            ),
        },
    )
