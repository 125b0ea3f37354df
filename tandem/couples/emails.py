"""One function per email, each rendering ``couples/emails/<name>-subject.txt``, ``.txt`` and
``.html``.

These are the only emails about a couple (DESIGN.md section 8): the invitation, that the
couple report is ready, and that the couple check has ended. None mentions answers, results
or safety, and "ended" reads the same whoever left and why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

__all__ = ["couple_ended", "invitation", "report_ready"]


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(name: str, to: str, context: dict[str, Any]) -> None:
    context = {"SITE_NAME": settings.SITE_NAME, **context}
    subject = render_to_string(f"couples/emails/{name}-subject.txt", context)
    text = render_to_string(f"couples/emails/{name}.txt", context)
    html = render_to_string(f"couples/emails/{name}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def invitation(*, to: str, inviter_name: str, token: str, expires_at: Any) -> None:
    """To the invited partner: the link to accept, valid once until ``expires_at``."""
    _send(
        "invitation",
        to,
        {
            "inviter_name": inviter_name,
            "accept_url": _absolute(reverse("couples:join", args=[token])),
            "expires_at": expires_at,
        },
    )


def report_ready(*, to: str, couple_url: str) -> None:
    """To each partner: both have answered and the couple report is ready."""
    _send("report-ready", to, {"couple_url": _absolute(couple_url)})


def couple_ended(*, to: str) -> None:
    """To the partner who stays: the couple check has ended (never who or why)."""
    _send("couple-ended", to, {"couples_url": _absolute(reverse("couples:home"))})
