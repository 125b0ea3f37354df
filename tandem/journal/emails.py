"""One function per email, each rendering ``journal/emails/<name>-subject.txt``, ``.txt``
and ``.html``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.journal.models import Comment, CommentStatus
from tandem.journal.tokens import make_token
from tandem.lib.mail import absolute_url, templated_email


def _send(name: str, to: str, context: dict[str, Any]) -> None:
    templated_email(f"journal/emails/{name}", context, to).send()


def comment_received(comment: Comment) -> None:
    """To a commenter: we have your comment; here is how to delete it (and stop replies)."""
    _send(
        "comment-received",
        comment.email,
        {
            "comment": comment,
            "article_url": absolute_url(comment.article.get_absolute_url()),
            "is_held": comment.status != CommentStatus.APPROVED,
            "delete_url": absolute_url(
                reverse("journal:comment_delete", args=[make_token(comment, "delete")])
            ),
            "unsubscribe_url": absolute_url(
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
            "reply_url": absolute_url(reply.get_absolute_url()),
            "unsubscribe_url": absolute_url(
                reverse("journal:comment_unsubscribe", args=[make_token(parent, "unsubscribe")])
            ),
        },
    )
