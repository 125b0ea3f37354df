from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.models import Role, User
from tandem.journal import services, spam
from tandem.journal.forms import CommentForm, ModerationForm, StaffReplyForm, TooFast
from tandem.journal.models import Article, Author, Comment, CommentStatus, Topic
from tandem.journal.tokens import LinkError, read_token

ARTICLES_PER_PAGE = 10
EDITOR_ROLES = {Role.EDITOR, Role.ADMINISTRATOR}


def _public_articles() -> Any:
    # author for the byline, topics for the tags under each title: one query each.
    return Article.objects.published().select_related("author").prefetch_related("topics")


def _get_article_for_reader(slug: str) -> Article:
    """A public article, or 404: drafts and scheduled articles do not exist to the public."""
    # author for the byline and author box; topics and related for links at the foot.
    return get_object_or_404(
        Article.objects.published()
        .select_related("author")
        .prefetch_related("topics", Prefetch("related", queryset=_public_articles())),
        slug=slug,
    )


def _editor(request: HttpRequest) -> User:
    """The signed-in editor, or 403: other people may know the queue exists, not use it."""
    user = request.user
    if not isinstance(user, User) or user.role not in EDITOR_ROLES:
        raise PermissionDenied("Only editors can moderate comments.")
    return user


def _seo(
    request: HttpRequest, *, path: str, title: str, description: str, **extra: Any
) -> dict[str, Any]:
    """Canonical link and OpenGraph tags (templates/journal/_head.html)."""
    return {
        "canonical_url": request.build_absolute_uri(path),
        "og_title": title,
        "og_description": description,
        **extra,
    }


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "journal/index.html",
        {
            "page_obj": _page(request, _public_articles()),
            "topics": Topic.objects.filter(articles__in=Article.objects.published()).distinct(),
            **_seo(
                request,
                path=reverse("journal:index"),
                title="Tandem journal",
                description="Plain, practical reading on how we relate to the people we love, "
                "what balance looks like, and when to ask for help.",
            ),
        },
    )


def _thread(article: Article) -> Any:
    # Approved top-level comments with their approved replies: two queries for the thread.
    return (
        article.comments.approved()
        .filter(parent__isnull=True)
        .prefetch_related(Prefetch("replies", queryset=Comment.objects.approved()))
    )


def _render_article(
    request: HttpRequest,
    article: Article,
    *,
    form: CommentForm | None = None,
    status: int = 200,
    preview: bool = False,
) -> HttpResponse:
    replying_to = None
    if form is None:
        form = CommentForm(article_pk=article.pk, initial=_account_prefill(request))
        reply_pk = request.GET.get("replyto", "")
        if reply_pk.isdigit():
            replying_to = article.comments.approved().filter(pk=int(reply_pk)).first()
            if replying_to is not None:
                form.initial["parent"] = replying_to.pk
    else:
        parent_pk = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
        if parent_pk:
            replying_to = article.comments.approved().filter(pk=parent_pk).first()
    started = form.initial.get("started") if not form.is_bound else form.data.get("started")
    if form.is_bound and not _started_is_usable(form):
        started = form.fresh_started()
    user = request.user
    return render(
        request,
        "journal/article_detail.html",
        {
            "article": article,
            "comments": _thread(article),
            "response_count": article.comments.approved().count(),
            "form": form,
            "started": started,
            "replying_to": replying_to,
            "preview": preview,
            "is_editor": isinstance(user, User) and user.role in EDITOR_ROLES,
            "min_seconds": settings.JOURNAL_COMMENT_MIN_SECONDS,
            "comment_fields": [form["name"], form["email"], form["website"], form["body"]],
            **_seo(
                request,
                path=article.get_absolute_url(),
                title=article.title,
                description=article.summary,
                og_type="article",
                og_image=(
                    request.build_absolute_uri(article.cover_image.url)
                    if article.cover_image
                    else ""
                ),
            ),
        },
        status=status,
    )


def _account_prefill(request: HttpRequest) -> dict[str, str]:
    # Signed in, the comment form starts with the account's name and address: the one
    # address whose comments can appear without waiting (services.post_comment).
    user = request.user
    if not isinstance(user, User):
        return {}
    return {"name": user.name, "email": user.email}


def _started_is_usable(form: CommentForm) -> bool:
    # After "too fast" the same stamp works once the seconds have passed; after a bad or
    # expired stamp the person needs a fresh one.
    errors = form.non_field_errors().as_data() if form.is_bound else []
    return not any(
        "open too long" in str(error.message) or "own page" in str(error.message)
        for error in errors
    )


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_article(request, _get_article_for_reader(slug))


@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    article = _get_article_for_reader(slug)
    if not article.comments_open:
        messages.error(request, "Comments are closed on this article.")
        return redirect(article.get_absolute_url() + "#comments")
    form = CommentForm(request.POST, article_pk=article.pk)
    if not form.is_valid():
        too_fast = any(isinstance(e, TooFast) for e in form.non_field_errors().as_data())
        return _render_article(request, article, form=form, status=429 if too_fast else 400)
    data = form.cleaned_data
    if not spam.allow_comment(email=data["email"], ip=request.META.get("REMOTE_ADDR")):
        form.add_error(
            None,
            "You have sent several comments in the last few minutes. Please wait ten minutes "
            "and try again.",
        )
        return _render_article(request, article, form=form, status=429)
    parent = None
    if data.get("parent"):
        parent = article.comments.approved().filter(pk=data["parent"]).first()
        if parent is None:
            form.add_error(None, "The comment you are replying to is no longer there.")
            return _render_article(request, article, form=form, status=400)
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
    # Shown in the comments section, where the page lands, not at the top out of sight.
    messages.success(
        request,
        "Thank you. Your comment is held for moderation: an editor reads it before it "
        "appears. We have emailed the address you gave a link to delete it.",
        extra_tags="in-place comment-posted",
    )
    return redirect(article.get_absolute_url() + "#comment-posted")


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.annotate(
        article_count=Count(
            "articles", filter=Q(articles__in=Article.objects.published()), distinct=True
        )
    ).filter(article_count__gt=0)
    return render(
        request,
        "journal/topic_list.html",
        {
            "topics": topics,
            **_seo(
                request,
                path=reverse("journal:topics"),
                title="Topics in the Tandem journal",
                description="Articles grouped by topic: ways of relating, boundaries, "
                "attachment, getting help and more.",
            ),
        },
    )


@require_safe
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    articles = _public_articles().filter(topics=topic)
    return render(
        request,
        "journal/topic_detail.html",
        {
            "topic": topic,
            "page_obj": _page(request, articles),
            **_seo(
                request,
                path=topic.get_absolute_url(),
                title=f"{topic.name} · Tandem journal",
                description=topic.description or f"Articles on {topic.name.lower()}.",
            ),
        },
    )


@require_safe
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    articles = _public_articles().filter(author=author)
    return render(
        request,
        "journal/author_detail.html",
        {
            "author": author,
            "page_obj": _page(request, articles),
            **_seo(
                request,
                path=author.get_absolute_url(),
                title=f"{author.name} · Tandem journal",
                description=author.bio[:200] or f"Articles by {author.name}.",
            ),
        },
    )


@require_safe
@login_required
def article_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """An article in any state through the public template, for editors, with a banner."""
    _editor(request)
    article = get_object_or_404(
        Article.objects.select_related("author").prefetch_related("topics", "related"), pk=pk
    )
    response = _render_article(request, article, preview=True)
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


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(
        render_to_string("journal/robots.txt", {"sitemap_url": sitemap_url}),
        content_type="text/plain; charset=utf-8",
    )
