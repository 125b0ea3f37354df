"""One function per email, each rendering ``couples/emails/<name>-subject.txt``, ``.txt`` and
``.html``.

These are the only emails about a couple (DESIGN.md section 8): the invitation, that the
couple report is ready, and that the couple check has ended. None mentions answers, results
or safety, and "ended" reads the same whoever left and why.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.lib.mail import absolute_url, templated_email

__all__ = ["couple_ended", "invitation", "report_ready"]


def _send(name: str, to: str, context: dict[str, Any]) -> None:
    templated_email(f"couples/emails/{name}", context, to).send()


def invitation(*, to: str, inviter_name: str, token: str, expires_at: Any) -> None:
    """To the invited partner: the link to accept, valid once until ``expires_at``."""
    _send(
        "invitation",
        to,
        {
            "inviter_name": inviter_name,
            "accept_url": absolute_url(reverse("couples:join", args=[token])),
            "expires_at": expires_at,
        },
    )


def report_ready(*, to: str, couple_url: str) -> None:
    """To each partner: both have answered and the couple report is ready."""
    _send("report-ready", to, {"couple_url": absolute_url(couple_url)})


def couple_ended(*, to: str) -> None:
    """To the partner who stays: the couple check has ended (never who or why)."""
    _send("couple-ended", to, {"couples_url": absolute_url(reverse("couples:home"))})
