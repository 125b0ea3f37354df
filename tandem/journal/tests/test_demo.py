from __future__ import annotations

import io
import re

import pytest

from tandem.journal import demo
from tandem.journal.models import Article, Comment, Topic

pytestmark = pytest.mark.django_db

REQUIRED_TOPICS = {
    "ways-of-relating",
    "interdependence",
    "self-esteem",
    "being-alone",
    "listening",
    "boundaries",
    "goals",
    "attachment",
    "couples-counselling",
    "safety",
    "codependency",
    "counterdependency",
}


def _snapshot():
    return (
        list(Article.objects.order_by("pk").values()),
        list(Comment.objects.order_by("pk").values()),
        list(Topic.objects.order_by("pk").values()),
    )


def test_seeding_twice_changes_nothing():
    demo.seed(io.StringIO())
    first = _snapshot()
    demo.seed(io.StringIO())
    assert _snapshot() == first


def test_the_seed_loads_at_least_ten_published_articles_on_every_topic():
    demo.seed(io.StringIO())
    assert Article.objects.published().count() >= 10
    assert set(Topic.objects.values_list("slug", flat=True)) == REQUIRED_TOPICS
    for topic in Topic.objects.all():
        assert topic.articles.exists(), topic.slug


@pytest.mark.parametrize("path", sorted(demo.CONTENT_DIR.glob("*.md")), ids=lambda p: p.stem)
def test_each_article_is_the_right_length_and_links_to_a_check_and_the_directory(path):
    meta, body = demo.read_article_file(path)
    words = len(re.findall(r"\w+", body))
    assert 600 <= words <= 1200, f"{path.name}: {words} words"
    assert re.search(r"\]\(/checks/(relating-styles|healthy-relationship|couple-balance)/\)", body)
    assert "](/therapists/)" in body
    assert set(meta["topics"]) <= REQUIRED_TOPICS


def test_internal_journal_links_in_articles_point_at_real_articles():
    slugs = {demo.read_article_file(p)[0]["slug"] for p in demo.CONTENT_DIR.glob("*.md")}
    for path in demo.CONTENT_DIR.glob("*.md"):
        meta, body = demo.read_article_file(path)
        for target in re.findall(r"\]\(/journal/([\w-]+)/\)", body):
            assert target in slugs, f"{path.name} links to missing article {target}"
        assert set(meta.get("related", [])) <= slugs
