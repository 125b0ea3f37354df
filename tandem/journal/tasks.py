from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from tandem.journal import emails
from tandem.journal.models import Comment, CommentStatus


@task(queue_name="email")
def send_comment_received(comment_id: int) -> None:
    """Tell a commenter we have their comment, with the link that deletes it."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or not comment.email or comment.is_staff_reply:
        return
    emails.comment_received(comment)


@task(queue_name="email")
def notify_parent_of_reply(reply_id: int) -> None:
    """Email the parent commenter about an approved reply, once, if they asked for it."""
    # The conditional update claims the reply: a second worker (or a second approval of the
    # same reply) finds reply_notified_at already set and sends nothing.
    claimed = Comment.objects.filter(
        pk=reply_id, status=CommentStatus.APPROVED, reply_notified_at__isnull=True
    ).update(reply_notified_at=timezone.now())
    if not claimed:
        return
    reply = Comment.objects.select_related("article", "parent").get(pk=reply_id)
    parent = reply.parent
    if (
        parent is None
        or not parent.notify_replies
        or not parent.email
        or parent.is_removed
        or parent.status != CommentStatus.APPROVED
        or parent.email_digest == reply.email_digest
    ):
        return
    emails.reply_posted(reply=reply, parent=parent)
