"""Counting requests in the shared cache, for limits that allauth's rate limits do not cover
(they count only POSTs, and a PDF report is a GET)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.crypto import salted_hmac

__all__ = ["hit", "over_limit"]


def hit(key: str, window: int) -> int:
    """Count one more event for ``key`` in a window of ``window`` seconds; returns the count.

    ``add()`` only sets a missing key, so the window starts at the first event and is not
    pushed forward by later ones; ``incr()`` is atomic on Redis, the database cache and in
    the local-memory cache.
    """
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def over_limit(scope: str, who: str, limits: list[tuple[int, int]]) -> bool:
    """Count an event of ``who`` in every ``(most, seconds)`` window; True when any is over.

    ``who`` (an account, a session, an IP) is kept in the cache only as an HMAC keyed with
    SECRET_KEY, so cache dumps and monitoring show no identifier.
    """
    digest = salted_hmac(f"tandem.ratelimit.{scope}", who, algorithm="sha256").hexdigest()
    return any(hit(f"rl:{scope}:{seconds}:{digest}", seconds) > most for most, seconds in limits)
