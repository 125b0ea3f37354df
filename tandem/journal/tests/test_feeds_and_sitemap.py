from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from tandem.journal.models import ArticleStatus
from tandem.journal.tests.conftest import NOW, make_article

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def mixed(article, draft, author, topic):
    future = make_article(
        author,
        title="Not yet",
        slug="not-yet",
        status=ArticleStatus.SCHEDULED,
        published_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=3),
    )
    future.topics.add(topic)
    draft.topics.add(topic)
    return article


def test_the_atom_feed_parses_and_lists_only_published_articles(anonymous, mixed):
    response = anonymous.get("/journal/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(  # noqa: S314
        response.content
    )
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Saying what you need"]


def test_the_rss_feed_parses_and_lists_only_published_articles(anonymous, mixed):
    root = ET.fromstring(  # noqa: S314
        anonymous.get("/journal/feed/rss/").content
    )
    assert [item.findtext("title") for item in root.iter("item")] == ["Saying what you need"]
    assert root.find("channel/item/link").text.endswith("/journal/saying-what-you-need/")


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_topic_feeds_parse_and_list_only_published_articles(anonymous, mixed, author, kind):
    make_article(author, title="Off topic", slug="off-topic")
    response = anonymous.get(f"/journal/topics/boundaries/feed/{kind}/")
    root = ET.fromstring(  # noqa: S314
        response.content
    )
    text = ET.tostring(root, encoding="unicode")
    assert "Saying what you need" in text
    assert "Off topic" not in text and "Not yet" not in text and "Unfinished" not in text
    assert anonymous.get(f"/journal/topics/nope/feed/{kind}/").status_code == 404


def test_the_sitemap_lists_public_pages_and_published_articles_only(anonymous, mixed):
    root = ET.fromstring(  # noqa: S314
        anonymous.get("/sitemap.xml").content
    )
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {loc.text or "" for loc in root.iter(f"{ns}loc")}
    assert "http://testserver/journal/saying-what-you-need/" in locations
    assert "http://testserver/journal/topics/boundaries/" in locations
    assert "http://testserver/journal/authors/robin-writer/" in locations
    assert {"http://testserver/", "http://testserver/help/"} <= locations
    assert not any("unfinished" in loc or "not-yet" in loc for loc in locations)


def test_robots_txt_keeps_crawlers_out_of_private_places_and_names_the_sitemap(anonymous):
    response = anonymous.get("/robots.txt")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    for path in ("/accounts/", "/my-data/", "/admin/", "/api/"):
        assert f"Disallow: {path}\n" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_a_scheduled_article_joins_the_feed_at_its_time(anonymous, author):
    import time_machine

    make_article(
        author, slug="later", title="Later", status=ArticleStatus.SCHEDULED, published_at=NOW
    )
    with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
        assert b"Later" not in anonymous.get("/journal/feed/atom/").content
    with time_machine.travel(NOW, tick=False):
        assert b"Later" in anonymous.get("/journal/feed/atom/").content
