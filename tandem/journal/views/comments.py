"""Readers' comments: posting one, and the emailed links that delete it or stop replies."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.journal import services, spam
from tandem.journal.forms import CommentForm, TooFast
from tandem.journal.models import Comment, CommentStatus
from tandem.journal.tokens import LinkError, read_token
from tandem.journal.views.reading import get_article_for_reader, render_article


@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_article_for_reader(slug)
    if not article.comments_open:
        messages.error(request, "Comments are closed on this article.")
        return redirect(article.get_absolute_url() + "#comments")
    form = CommentForm(request.POST, article_pk=article.pk)
    if not form.is_valid():
        too_fast = any(isinstance(e, TooFast) for e in form.non_field_errors().as_data())
        return render_article(request, article, form=form, status=429 if too_fast else 400)
    data = form.cleaned_data
    if not spam.allow_comment(email=data["email"], ip=request.META.get("REMOTE_ADDR")):
        form.add_error(
            None,
            "You have sent several comments in the last few minutes. Please wait ten minutes "
            "and try again.",
        )
        return render_article(request, article, form=form, status=429)
    parent = None
    if data.get("parent"):
        parent = article.comments.approved().filter(pk=data["parent"]).first()
        if parent is None:
            form.add_error(None, "The comment you are replying to is no longer there.")
            return render_article(request, article, form=form, status=400)
    user = request.user
    comment = services.post_comment(
        article=article,
        parent=parent,
        name=data["name"],
        email=data["email"],
        website=data["website"],
        body=data["body"],
        notify_replies=data["notify_replies"],
        user=user if isinstance(user, User) else None,
    )
    # Only someone signed in with this verified address can be published at once, so only
    # they see a different answer. Everyone else gets this one, word for word, whatever the
    # address's history (and spam is told the same: naming the rule teaches spammers).
    if comment.status == CommentStatus.APPROVED:
        messages.success(request, "Thank you. Your comment is published.")
        return redirect(comment.get_absolute_url())
    messages.success(
        request,
        "Thank you. Your comment is held for moderation: an editor reads it before it "
        "appears. We have emailed the address you gave a link to delete it.",
    )
    return redirect(article.get_absolute_url() + "#comments")


def _comment_from_link(
    request: HttpRequest, token: str, purpose: str
) -> tuple[Comment | None, HttpResponse | None]:
    """The comment an emailed link names, or the page that says why the link does nothing."""
    try:
        return read_token(token, purpose), None
    except LinkError as error:
        return None, render(
            request, "journal/link_invalid.html", {"reason": error.message}, status=400
        )


@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, token: str) -> HttpResponse:
    """Delete one's own comment from the emailed link. GET asks; only POST deletes, because
    mail scanners open links."""
    comment, refusal = _comment_from_link(request, token, "delete")
    if comment is None:
        assert refusal is not None
        return refusal
    if request.method == "POST":
        article = comment.article
        services.delete_comment_by_commenter(comment=comment)
        messages.success(request, "Your comment has been deleted.")
        if article.is_public():
            return redirect(article.get_absolute_url() + "#comments")
        return redirect("journal:index")
    return render(request, "journal/comment_delete.html", {"comment": comment})


@require_http_methods(["GET", "POST"])
def comment_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    comment, refusal = _comment_from_link(request, token, "unsubscribe")
    if comment is None:
        assert refusal is not None
        return refusal
    if request.method == "POST":
        services.stop_reply_emails(comment=comment)
        messages.success(request, "Done. We will not email you about replies to this comment.")
        return redirect("journal:index")
    return render(request, "journal/comment_unsubscribe.html", {"comment": comment})
