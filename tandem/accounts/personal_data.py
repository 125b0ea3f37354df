"""The registry behind "My data": each app plugs in what it holds about a person.

An app registers a section in its ``AppConfig.ready()``::

    personal_data.register(
        "bookings",
        export=export_bookings,
        erase=erase_bookings,
        title="Your bookings",
        description="Sessions you booked, and your places on waiting lists.",
    )

``title`` and ``description`` are what the "My data" page shows, in people's words.
``export(user)`` returns JSON-serialisable data; ``erase(user)`` removes or anonymises what
the app holds, before the user row itself is deleted. Nothing here knows about other apps,
so a new part of Tandem adds its data to the export and the erasure without touching this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = ["Section", "erase_user", "export_user", "register", "sections"]


@dataclass(frozen=True)
class Section:
    key: str
    export: Callable[[User], Any]
    erase: Callable[[User], None]
    title: str
    description: str


_sections: dict[str, Section] = {}


def register(
    key: str,
    *,
    export: Callable[[User], Any],
    erase: Callable[[User], None],
    title: str = "",
    description: str = "",
) -> None:
    """Add a section. Registering the same key again replaces it (apps reload in tests).

    Without a ``title`` the page shows the key as words ("therapist_profile" becomes
    "Therapist profile"), never a raw identifier.
    """
    _sections[key] = Section(
        key=key,
        export=export,
        erase=erase,
        title=title or key.replace("_", " ").capitalize(),
        description=description,
    )


def sections() -> list[Section]:
    return list(_sections.values())


def export_user(user: User) -> dict[str, Any]:
    """Everything Tandem holds about ``user``, one key per registered section."""
    return {
        "exported_at": timezone.now().isoformat(),
        "format": "tandem-personal-data/1",
        "sections": {section.key: section.export(user) for section in sections()},
    }


def erase_user(user: User) -> None:
    """Erase every section, then the account, in one transaction: all of it or none of it."""
    with transaction.atomic():
        for section in reversed(sections()):
            section.erase(user)
        user.delete()


def export_account(user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # Which kinds of second factor are set up, never their secrets.
        "two_step_verification": [
            {"type": auth.type, "created_at": auth.created_at.isoformat()}
            for auth in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def erase_account_extras(user: User) -> None:
    # Email addresses, authenticators and sessions' data go with the user row (cascade);
    # sessions are ended by the logout that follows erasure.
    return None
