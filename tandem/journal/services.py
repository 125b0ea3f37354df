"""Journal workflows other code calls: posting and moderating comments, reading lists.

``articles_for_topics`` is the journal's public function for other apps (the check results
page links to related reading with it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.journal import spam
from tandem.journal.models import (
    Article,
    Comment,
    CommentStatus,
    email_digest,
    normalise_email,
)

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = [
    "articles_for_topics",
    "delete_comment_by_commenter",
    "erase_commenter_data",
    "export_commenter_data",
    "moderate_comments",
    "post_comment",
    "post_staff_reply",
    "stop_reply_emails",
]


def articles_for_topics(topic_slugs: Iterable[str], limit: int = 3) -> list[Article]:
    """Published articles on any of ``topic_slugs``, newest first, at most ``limit``.

    >>> [a.slug for a in articles_for_topics(["boundaries", "listening"], limit=2)]
    ['saying-what-you-need', 'listening-without-defending']
    """
    slugs = list(topic_slugs)
    if not slugs or limit <= 0:
        return []
    return list(
        Article.objects.published()
        .filter(topics__slug__in=slugs)
        .distinct()
        .select_related("author")
        .order_by("-published_at", "-pk")[:limit]
    )


def _thread_parent(parent: Comment | None) -> Comment | None:
    # Threads are one reply deep: answering a reply answers the comment it replied to.
    if parent is not None and parent.parent_id is not None:
        return parent.parent
    return parent


def _enqueue_reply_notice(comment: Comment) -> None:
    if comment.parent_id is None or comment.status != CommentStatus.APPROVED:
        return
    from tandem.journal.tasks import notify_parent_of_reply

    transaction.on_commit(lambda: notify_parent_of_reply.enqueue(comment.pk))


def _owns_address(user: User | None, email: str) -> bool:
    """Whether ``user`` is signed in and has proved ``email`` is theirs (allauth verified)."""
    from allauth.account.models import EmailAddress

    if user is None or not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(
        user=user, email__iexact=normalise_email(email), verified=True
    ).exists()


def post_comment(
    *,
    article: Article,
    parent: Comment | None,
    name: str,
    email: str,
    website: str,
    body: str,
    notify_replies: bool,
    user: User | None = None,
) -> Comment:
    """Save a comment with the status it earns, and queue its emails.

    Spam words or many links: spam. Any link: held. It appears at once only when ``user``
    (the signed-in person, if any) has verified ``email`` and that address already has an
    approved comment; everything else is held. An address typed into the form proves
    nothing, so "this address was approved before" alone would let anyone post unread under
    a known commenter's address. Callers must not tell a visitor which way it went unless
    the visitor proved the address (see views.comment_create).
    """
    verdict = spam.assess(body, name=name)
    # Asked every time, so the work done does not depend on whether the address is known.
    known = Comment.objects.from_email(email).approved().exists()
    proven = _owns_address(user, email)
    if verdict.is_spam:
        status, reason = CommentStatus.SPAM, verdict.reason
    elif verdict.has_links:
        status, reason = CommentStatus.PENDING, verdict.reason
    elif not known:
        status, reason = CommentStatus.PENDING, "first comment from this address"
    elif not proven:
        # For the moderator: the address has approved comments, but this writer did not
        # prove it is theirs, so it may be someone else using it.
        status, reason = (
            CommentStatus.PENDING,
            "known address, but not signed in as its owner: check it is really them",
        )
    else:
        status, reason = CommentStatus.APPROVED, ""
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            parent=_thread_parent(parent),
            name=name,
            email=email,
            website=website,
            body=body,
            notify_replies=notify_replies,
            status=status,
            held_reason=reason,
        )
        if status != CommentStatus.SPAM:
            from tandem.journal.tasks import send_comment_received

            pk = comment.pk
            transaction.on_commit(lambda: send_comment_received.enqueue(pk))
        _enqueue_reply_notice(comment)
    return comment


def moderate_comments(*, comment_ids: Iterable[int], status: str, editor: User) -> int:
    """Set ``status`` on the comments; approved replies tell their parent commenter."""
    now = timezone.now()
    with transaction.atomic():
        comments = list(
            Comment.objects.select_for_update()
            .filter(pk__in=list(comment_ids), is_removed=False)
            .exclude(status=status)
        )
        for comment in comments:
            comment.status = status
            comment.moderated_at = now
            comment.moderated_by = editor
            comment.save(update_fields=["status", "moderated_at", "moderated_by"])
            _enqueue_reply_notice(comment)
    return len(comments)


def post_staff_reply(*, parent: Comment, editor: User, body: str) -> Comment:
    """An editor's reply, shown at once with a staff badge. Replying approves the comment."""
    now = timezone.now()
    with transaction.atomic():
        top = _thread_parent(parent)
        assert top is not None
        if top.status != CommentStatus.APPROVED:
            moderate_comments(comment_ids=[top.pk], status=CommentStatus.APPROVED, editor=editor)
            top.refresh_from_db()
        reply = Comment.objects.create(
            article=top.article,
            parent=top,
            name=editor.name or "The Tandem editorial team",
            email=editor.email,
            body=body.strip(),
            status=CommentStatus.APPROVED,
            is_staff_reply=True,
            staff_user=editor,
            moderated_at=now,
            moderated_by=editor,
        )
        _enqueue_reply_notice(reply)
    return reply


def _remove(comment: Comment) -> None:
    # Others' replies hang off a comment; deleting it would take their words with it, so a
    # comment with replies keeps its place with nothing of its writer left.
    if comment.replies.exists():
        comment.remove_personal_data()
    else:
        comment.delete()


def delete_comment_by_commenter(*, comment: Comment) -> None:
    with transaction.atomic():
        _remove(comment)


def stop_reply_emails(*, comment: Comment) -> None:
    Comment.objects.filter(pk=comment.pk).update(notify_replies=False)


def _account_digests(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    # Only addresses the person has proved are theirs: anyone can type any address into the
    # comment form, and My data must not hand out someone else's comments.
    addresses = {user.email} | set(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    return [email_digest(address) for address in addresses if address]


def _comments_of(user: User) -> Any:
    return Comment.objects.filter(
        Q(email_digest__in=_account_digests(user)) | Q(staff_user=user)
    ).select_related("article")


def export_commenter_data(user: User) -> dict[str, Any]:
    return {
        "comments": [
            {
                "article": comment.article.title,
                "url": comment.get_absolute_url(),
                "name": comment.name,
                "email": comment.email,
                "website": comment.website,
                "comment": comment.body,
                "status": comment.status,
                "posted_at": comment.created_at.isoformat(),
                "in_reply_to": comment.parent_id,
                "email_me_replies": comment.notify_replies,
            }
            for comment in _comments_of(user).order_by("created_at", "pk")
        ]
    }


def erase_commenter_data(user: User) -> None:
    # Replies first, so a top-level comment whose only replies were this person's own goes
    # away entirely instead of staying behind as an empty placeholder.
    comments = list(_comments_of(user))
    for comment in sorted(comments, key=lambda c: c.parent_id is None):
        _remove(comment)
