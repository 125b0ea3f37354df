"""One function per email, each rendering ``practice/emails/<name>-subject.txt``, ``.txt``
and ``.html``.

These emails name the check and the link, never a score, a result or anything about safety:
an inbox is not a private place.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.accounts.models import User
from tandem.instruments import UnknownInstrument, library
from tandem.lib.mail import absolute_url, templated_email
from tandem.practice.models import DueMeasure

__all__ = ["invitation", "measure_due", "measure_reminder"]


def _send(name: str, to: str, context: dict[str, Any]) -> None:
    templated_email(f"practice/emails/{name}", context, to).send()


def _title(slug: str) -> str:
    try:
        return library.get(slug).title
    except UnknownInstrument:
        return slug


def invitation(*, therapist: User, email: str, token: str) -> None:
    """To someone a therapist invites: a single-use link to sign up and decide what to share."""
    _send(
        "invitation",
        email,
        {
            "therapist_name": therapist.name or therapist.email,
            "accept_url": absolute_url(reverse("practice:invitation", args=[token])),
        },
    )


def _measure(name: str, due: DueMeasure) -> None:
    consent = due.schedule.consent
    _send(
        name,
        consent.client.email,
        {
            "client_name": consent.client.display_name,
            "therapist_name": consent.therapist.name or consent.therapist.email,
            "title": _title(due.schedule.instrument_slug),
            "take_url": absolute_url(
                reverse("assessments:take", args=[due.schedule.instrument_slug])
            ),
            "sharing_url": absolute_url(reverse("practice:sharing")),
        },
    )


def measure_due(due: DueMeasure) -> None:
    """A check the client's therapist asked for is ready to take."""
    _measure("measure-due", due)


def measure_reminder(due: DueMeasure) -> None:
    """The one reminder, a few days later, when the check is still not done."""
    _measure("measure-reminder", due)
