"""Reading the journal: articles, topics, authors, and robots.txt."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from tandem.accounts.models import Role, User
from tandem.journal.forms import CommentForm
from tandem.journal.models import Article, Author, Comment, Topic

ARTICLES_PER_PAGE = 10


EDITOR_ROLES = {Role.EDITOR, Role.ADMINISTRATOR}


def _public_articles() -> Any:
    # author for the byline, topics for the tags under each title: one query each.
    return Article.objects.published().select_related("author").prefetch_related("topics")


def get_article_for_reader(slug: str) -> Article:
    """A public article, or 404: drafts and scheduled articles do not exist to the public."""
    # author for the byline and author box; topics and related for links at the foot.
    return get_object_or_404(
        Article.objects.published()
        .select_related("author")
        .prefetch_related("topics", Prefetch("related", queryset=_public_articles())),
        slug=slug,
    )


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


def render_article(
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


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render_article(request, get_article_for_reader(slug))


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


def _listing(
    request: HttpRequest, template: str, owner: Topic | Author, articles: Any, description: str
) -> HttpResponse:
    """A page of a topic's or an author's public articles."""
    return render(
        request,
        template,
        {
            str(owner._meta.model_name): owner,  # "topic" or "author"
            "page_obj": _page(request, articles),
            **_seo(
                request,
                path=owner.get_absolute_url(),
                title=f"{owner.name} · Tandem journal",
                description=description,
            ),
        },
    )


@require_safe
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    articles = _public_articles().filter(topics=topic)
    description = topic.description or f"Articles on {topic.name.lower()}."
    return _listing(request, "journal/topic_detail.html", topic, articles, description)


@require_safe
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    articles = _public_articles().filter(author=author)
    description = author.bio[:200] or f"Articles by {author.name}."
    return _listing(request, "journal/author_detail.html", author, articles, description)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(
        render_to_string("journal/robots.txt", {"sitemap_url": sitemap_url}),
        content_type="text/plain; charset=utf-8",
    )
