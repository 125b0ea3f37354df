"""Signed links in comment emails: delete my comment, stop telling me about replies.

The token names the comment and the digest of its address, signed with the site's secret and
a salt per purpose, and expires. A forged, altered, expired or reused-for-another-purpose
token opens nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from tandem.journal.models import Comment

__all__ = ["LinkError", "make_token", "read_token"]

SALTS = {
    "delete": "tandem.journal.comment-delete",
    "unsubscribe": "tandem.journal.comment-unsubscribe",
}


class LinkError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def make_token(comment: Comment, purpose: str) -> str:
    return signing.dumps({"c": comment.pk, "e": comment.email_digest}, salt=SALTS[purpose])


def read_token(token: str, purpose: str) -> Comment:
    """The comment a token names, or LinkError saying in plain words why not."""
    max_age = settings.JOURNAL_EMAIL_LINK_MAX_AGE_DAYS * 86400
    try:
        payload = signing.loads(token, salt=SALTS[purpose], max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkError("This link has expired.") from error
    except signing.BadSignature as error:
        raise LinkError("This link is not valid. Please use the link from your email.") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int):
        raise LinkError("This link is not valid. Please use the link from your email.")
    comment = (
        Comment.objects.select_related("article")
        .filter(pk=payload["c"], email_digest=payload.get("e"), is_removed=False)
        .exclude(email_digest="")
        .first()
    )
    if comment is None:
        raise LinkError("This comment has already been deleted.")
    return comment
