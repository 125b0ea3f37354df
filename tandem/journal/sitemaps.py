from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap

from tandem.journal.models import Article, Author, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self) -> Any:
        return Article.objects.published().order_by("pk")

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> Any:
        return Topic.objects.filter(articles__in=Article.objects.published()).distinct()


class AuthorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self) -> Any:
        return Author.objects.filter(articles__in=Article.objects.published()).distinct()


# What tandem/urls.py puts in sitemap.xml from the journal.
sitemaps = {
    "journal": ArticleSitemap,
    "journal-topics": TopicSitemap,
    "journal-authors": AuthorSitemap,
}
