from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from tandem.journal import services
from tandem.journal.models import Article, Author, Comment, CommentStatus, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # A raw id, not a search box: editors must not browse the list of user accounts.
    raw_id_fields = ["user"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "author", "preview_link"]
    list_filter = ["status", "topics", "author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["author", "related"]
    readonly_fields = ["preview_link", "reading_minutes", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "preview_link"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "author", "updated_at", "reading_minutes"],
                "description": "Drafts are never public. A scheduled article appears by itself "
                "at its time; a published one straight away.",
            },
        ),
        (
            "Topics and links",
            {"fields": ["topics", "related", "check_slug", "show_directory_callout"]},
        ),
        ("Cover image", {"fields": ["cover_image", "cover_alt"]}),
        ("Comments", {"fields": ["comments_open"]}),
    ]

    @admin.display(description="Preview")
    def preview_link(self, article: Article) -> str:
        if not article.pk:
            return "Save the article to preview it."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as readers will see it</a>',
            reverse("journal:preview", args=[article.pk]),
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "article", "status", "held_reason", "is_staff_reply", "created_at"]
    list_filter = ["status", "is_staff_reply"]
    search_fields = ["name", "body", "article__title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    raw_id_fields = ["parent", "staff_user"]
    readonly_fields = ["created_at", "moderated_at", "moderated_by", "held_reason"]
    actions = ["approve", "reject", "mark_spam"]

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], status: str) -> None:
        count = services.moderate_comments(
            comment_ids=list(queryset.values_list("pk", flat=True)),
            status=status,
            editor=request.user,  # type: ignore[arg-type]
        )
        self.message_user(request, f"{count} comment(s) updated.", messages.SUCCESS)

    @admin.action(description="Approve selected comments")
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, CommentStatus.APPROVED)

    @admin.action(description="Reject selected comments")
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, CommentStatus.REJECTED)

    @admin.action(description="Mark selected comments as spam")
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, CommentStatus.SPAM)
