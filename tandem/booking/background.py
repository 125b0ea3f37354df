"""The one seam between booking's services and its background tasks.

Services decide *what* must happen once a change is committed (an email to each person,
reminders before the session, an offer to the next person on the waitlist); ``tasks.py``
decides *how*: django-tasks that load what they need and call the services back. Tasks import
services, so services never import tasks: ``BookingConfig.ready`` connects the tasks' worker
here, and services only ever reach background work through ``worker()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured

__all__ = ["Worker", "connect", "worker"]


@dataclass(frozen=True)
class Worker:
    """What booking's services may ask to be done later."""

    booking_email: Callable[[int, str, str], object]  # booking id, email name, party
    reminders: Callable[[int, datetime, datetime], object]  # booking id, its start, now
    waitlist_offer: Callable[[int], object]  # waitlist entry id


_connected: list[Worker] = []


def connect(new: Worker) -> None:
    """Make ``new`` the worker services hand background work to (once, at start-up)."""
    _connected[:] = [new]


def worker() -> Worker:
    if not _connected:
        raise ImproperlyConfigured(
            "Booking's background worker is not connected: is the app ready?"
        )
    return _connected[0]
