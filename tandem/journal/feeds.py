from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from tandem.journal.models import Article, Topic

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    title = "Tandem journal"
    description = "Plain, practical articles on relating, balance and getting help."

    def link(self) -> str:
        return reverse("journal:index")

    def items(self) -> Any:
        return Article.objects.published().select_related("author")[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_author_name(self, item: Article) -> str:
        return item.author.name

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [topic.name for topic in item.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class TopicFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj: Topic) -> str:  # type: ignore[override]
        return f"Tandem journal: {obj.name}"

    def link(self, obj: Topic) -> str:  # type: ignore[override]
        return obj.get_absolute_url()

    def description(self, obj: Topic) -> str:  # type: ignore[override]
        return obj.description or f"Articles on {obj.name.lower()} from the Tandem journal."

    def items(self, obj: Topic) -> Any:  # type: ignore[override]
        return Article.objects.published().filter(topics=obj).select_related("author")[:FEED_LENGTH]


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Topic) -> str:
        return self.description(obj)
