"""Editors' pages: an article's preview, the moderation queue, and staff replies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from tandem.accounts.models import User
from tandem.journal import services
from tandem.journal.forms import ModerationForm, StaffReplyForm
from tandem.journal.models import Article, Comment, CommentStatus
from tandem.journal.views.reading import EDITOR_ROLES, render_article


def _editor(request: HttpRequest) -> User:
    """The signed-in editor, or 403: other people may know the queue exists, not use it."""
    user = request.user
    if not isinstance(user, User) or user.role not in EDITOR_ROLES:
        raise PermissionDenied("Only editors can moderate comments.")
    return user


@require_safe
@login_required
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An article in any state through the public template, for editors, with a banner."""
    _editor(request)
    article = get_object_or_404(
        Article.objects.select_related("author").prefetch_related("topics", "related"), pk=pk
    )
    response = render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    editor = _editor(request)
    shown = request.GET.get("status", CommentStatus.PENDING)
    if shown not in (CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.REJECTED):
        shown = CommentStatus.PENDING
    # article for the title beside each comment, parent to show what a reply answers.
    queue = (
        Comment.objects.filter(status=shown, is_removed=False)
        .select_related("article", "parent")
        .order_by("created_at", "pk")
    )
    form = ModerationForm(
        request.POST or None, comment_ids=list(queue.values_list("pk", flat=True))
    )
    if request.method == "POST":
        if form.is_valid():
            count = services.moderate_comments(
                comment_ids=form.cleaned_data["comments"], status=form.status, editor=editor
            )
            label = CommentStatus(form.status).label.lower()
            messages.success(
                request, f"{count} comment{'s' if count != 1 else ''} marked “{label}”."
            )
            return redirect(f"{reverse('journal:moderation')}?status={shown}")
        status_code = 400
    else:
        status_code = 200
    counts = dict(
        Comment.objects.filter(is_removed=False)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return render(
        request,
        "journal/moderation.html",
        {
            "queue": queue,
            "form": form,
            "shown": shown,
            "tabs": [
                (status, CommentStatus(status).label, counts.get(status, 0))
                for status in (CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.REJECTED)
            ],
        },
        status=status_code,
    )


def _get_comment_for_editor(request: HttpRequest, pk: int) -> Comment:
    # article for the page heading, parent to reply to the top of the thread.
    _editor(request)
    return get_object_or_404(
        Comment.objects.select_related("article", "parent"), pk=pk, is_removed=False
    )


@require_http_methods(["GET", "POST"])
@login_required
def staff_reply(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _get_comment_for_editor(request, pk)
    editor = _editor(request)
    form = StaffReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reply = services.post_staff_reply(
            parent=comment, editor=editor, body=form.cleaned_data["body"]
        )
        messages.success(request, "Your reply is published.")
        return redirect(reply.get_absolute_url())
    return render(
        request,
        "journal/staff_reply.html",
        {"comment": comment, "form": form},
        status=400 if form.is_bound else 200,
    )
