"""Article Markdown to safe HTML: rendered once when an article is saved, never per request."""

from __future__ import annotations

import math
import re

import nh3
from markdown_it import MarkdownIt

__all__ = ["reading_minutes", "render_markdown"]

# Headings start at h2: the article's title is the page's only h1.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_md = MarkdownIt("commonmark", {"typographer": True}).enable(
    ["replacements", "smartquotes", "table"]
)
_HEADING_ONE = re.compile(r"<(/?)h1>")


def render_markdown(source: str) -> str:
    """Render Markdown to HTML that is safe to show as it is.

    Raw HTML in the source is escaped by nothing but nh3: only the tags above survive, links
    keep http(s), mailto and tel schemes, and every link gets ``rel="noopener"``. A stray
    level-one heading becomes an h2 so the page keeps one h1.

    >>> render_markdown("Hello <script>alert(1)</script>**you**")
    '<p>Hello <strong>you</strong></p>\\n'
    """
    html = _HEADING_ONE.sub(r"<\1h2>", _md.render(source))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )


WORDS_PER_MINUTE = 200


def reading_minutes(source: str) -> int:
    """Minutes an unhurried reader needs, at 200 words a minute, never less than one."""
    words = len(re.findall(r"\w+", source))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
