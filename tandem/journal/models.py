from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tandem.journal.markdown import reading_minutes, render_markdown
from tandem.lib.constraints import one_of_choices


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="One or two sentences for the topic page.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("journal:topic", args=[self.slug])


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    photo = models.ImageField(upload_to="journal/authors/", blank=True)
    credentials = models.CharField(
        max_length=200, blank=True, help_text="Qualifications or role, e.g. “Editor, Tandem”."
    )
    bio = models.TextField(blank=True, help_text="A short paragraph, plain text.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_author",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("journal:author", args=[self.slug])


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: datetime | None = None) -> ArticleQuerySet:
        """What the public may read: published, or scheduled with its time come."""
        now = now or timezone.now()
        return self.filter(
            Q(status=ArticleStatus.PUBLISHED)
            | Q(status=ArticleStatus.SCHEDULED, published_at__lte=now)
        )


# Paths under /journal/ that are not articles (see urls.py).
RESERVED_SLUGS = frozenset({"feed", "topics", "authors", "moderation", "preview", "comments"})


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences: shown in lists, feeds and search results."
    )
    body = models.TextField(help_text="Markdown. Start headings at ## (the title is the only #).")
    body_html = models.TextField(editable=False, default="")
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="articles")
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it goes public. Needed for scheduled articles; set for you on publishing.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    cover_image = models.ImageField(upload_to="journal/covers/", blank=True)
    cover_alt = models.CharField(
        "cover image description",
        max_length=250,
        blank=True,
        help_text="What the image shows, for people who cannot see it.",
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=False)
    check_slug = models.SlugField(
        "check to suggest",
        max_length=80,
        blank=True,
        help_text="Slug of the check this article points to, e.g. relating-styles.",
    )
    show_directory_callout = models.BooleanField("suggest finding a therapist", default=True)
    comments_open = models.BooleanField(default=True)

    objects: ClassVar[ArticleQuerySet] = ArticleQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            one_of_choices("status", ArticleStatus, name="journal_article_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ArticleStatus.DRAFT) | Q(published_at__isnull=False),
                name="journal_article_public_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="journal_article_pub_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status == ArticleStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = render_markdown(self.body)
        self.reading_minutes = reading_minutes(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "reading_minutes"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("journal:article", args=[self.slug])

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "This address is used by the journal itself."})
        if self.status == ArticleStatus.SCHEDULED and not self.published_at:
            raise ValidationError({"published_at": "A scheduled article needs a time."})
        if self.cover_image and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": "Describe the cover image."})

    def is_public(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.status == ArticleStatus.PUBLISHED:
            return True
        return (
            self.status == ArticleStatus.SCHEDULED
            and self.published_at is not None
            and self.published_at <= now
        )

    @property
    def was_updated(self) -> bool:
        """Worth saying "updated": more than a day after publication."""
        if self.published_at is None:
            return False
        return (self.updated_at - self.published_at).total_seconds() > 86400


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


class CommentQuerySet(models.QuerySet["Comment"]):
    def approved(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.APPROVED)

    def from_email(self, email: str) -> CommentQuerySet:
        return self.filter(email_digest=email_digest(email))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_digest(email: str) -> str:
    # A stable lookup key for "has this address commented before?" and for My data. The
    # address itself is kept (replies are emailed to it), but never shown publicly.
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    # One level deep: a reply's parent is always a top-level comment (see services.post_comment).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254, blank=True)
    email_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    website = models.URLField(max_length=200, blank=True)
    body = models.TextField(max_length=5000)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    held_reason = models.CharField(max_length=120, blank=True)
    is_staff_reply = models.BooleanField(default=False)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_replies",
    )
    notify_replies = models.BooleanField(default=False)
    # Set when the parent commenter has been told about this reply; claimed with a
    # conditional update so two workers never send the same email.
    reply_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_removed = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects: ClassVar[CommentQuerySet] = CommentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            one_of_choices("status", CommentStatus, name="journal_comment_status_valid"),
        ]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="journal_comment_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.article}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        self.email_digest = email_digest(self.email) if self.email else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def remove_personal_data(self) -> None:
        """Keep the place in the thread (others replied to it) but nothing of the person."""
        self.name = "Deleted commenter"
        self.email = ""
        self.website = ""
        self.body = ""
        self.notify_replies = False
        self.is_removed = True
        self.save()
