"""Stopping comment spam without a third-party captcha.

Four layers, cheapest first: a honeypot field people never see (forms.CommentForm), a signed
time stamp that refuses forms sent faster than a person reads (forms.CommentForm), a rate
limit per address and per IP in the cache (``allow_comment``), and a look at the text
(``assess``) that holds comments with links and files obvious spam away from the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

from tandem.lib.ratelimit import hit

__all__ = ["Verdict", "allow_comment", "assess"]

_LINK = re.compile(r"(https?://|www\.|\[url|<a\s)", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    is_spam: bool
    has_links: bool
    reason: str


def assess(body: str, *, name: str = "") -> Verdict:
    """Judge a comment's text: spam (banned words, many links), held (any link), or fine."""
    text = f"{name}\n{body}".lower()
    links = len(_LINK.findall(text))
    for word in settings.JOURNAL_COMMENT_BANNED_WORDS:
        if word and word.lower() in text:
            return Verdict(is_spam=True, has_links=links > 0, reason=f"banned word “{word}”")
    if links > settings.JOURNAL_COMMENT_MAX_LINKS:
        return Verdict(is_spam=True, has_links=True, reason=f"{links} links")
    if links:
        return Verdict(is_spam=False, has_links=True, reason="contains a link")
    return Verdict(is_spam=False, has_links=False, reason="")


def _rate_key(kind: str, value: str) -> str:
    # Cache keys show up in dumps, monitoring and Redis MONITOR: keep no raw IP or address
    # there. A plain sha256 of an IP or an email is undone by hashing every candidate, so
    # the hash is keyed with SECRET_KEY (HMAC-SHA256).
    digest = salted_hmac(
        "tandem.journal.comment-rate", value.strip().lower(), algorithm="sha256"
    ).hexdigest()
    return f"journal:comment-rate:{kind}:{digest}"


def allow_comment(*, email: str, ip: str | None) -> bool:
    """Count this attempt; False once the address or the IP passes the limit in the window."""
    limit = settings.JOURNAL_COMMENT_RATE_LIMIT
    window = settings.JOURNAL_COMMENT_RATE_WINDOW_SECONDS
    counts = [hit(_rate_key("email", email), window)]
    if ip:
        counts.append(hit(_rate_key("ip", ip), window))
    return max(counts) <= limit
