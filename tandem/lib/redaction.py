"""Keep the tokens of emailed links out of the logs.

Several addresses hold the only key to something: a booking's cancel and move links, a
therapist's calendar feed, a comment's delete and unsubscribe links, allauth's password reset
and email confirmation keys. Django writes the path of every refused request to the log
(``django.request``, ``django.security.csrf``, ``django.server``), and a log is read by more
people, and kept longer, than an inbox. ``RedactTokens`` is a filter on the log handlers
(settings.LOGGING) that replaces those path segments with ``[redacted]``.
"""

from __future__ import annotations

import logging
import re

__all__ = ["TOKEN_PATHS", "RedactTokens", "redact_tokens"]

# Path prefixes whose next segment is a secret. A test walks the URLconf, so a new route with
# a <token> or <key> in its path fails until it is listed here.
TOKEN_PATHS = (
    "bookings/link/",
    "bookings/feed/",
    "journal/comments/delete/",
    "journal/comments/unsubscribe/",
    "accounts/password/reset/key/",
    "accounts/confirm-email/",
    "practice/invitations/",
    "couples/join/",
)

_TOKEN_IN_PATH = re.compile(
    "(/(?:" + "|".join(re.escape(prefix) for prefix in TOKEN_PATHS) + r"))"
    # The token ends at the next slash, query, quote or space; "continue/" is the token-free
    # page the booking links redirect to.
    r"(?!continue/)[^/?#\s'\"]+"
)


def redact_tokens(text: str) -> str:
    """``text`` with the secret segment of every token-bearing path replaced.

    >>> redact_tokens("Forbidden (CSRF cookie not set.): /bookings/link/cancel.eyJiIjoi/")
    'Forbidden (CSRF cookie not set.): /bookings/link/[redacted]/'
    """
    return _TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message (its format and arguments) with the tokens redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
