"""Seams for parts of Tandem built on top of booking (couples).

Booking never imports couples: the couples app plugs in here from its ``AppConfig.ready()``::

    from tandem.booking import hooks
    hooks.register_couple_partner(current_partner)

``current_partner(user)`` returns the partner ``user`` is in a current couple with, or None.
When a client books a session type for couples, the partner is recorded on the booking and
gets its emails, reminders and room link. Until something registers, nobody is added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = ["couple_partner", "register_couple_partner"]

PartnerOf = Callable[["User"], "User | None"]
_partner_of: PartnerOf | None = None


def register_couple_partner(partner_of: PartnerOf | None) -> None:
    """Record partners on couple bookings with ``partner_of`` (``None`` withdraws it)."""
    global _partner_of
    _partner_of = partner_of


def couple_partner(user: User) -> User | None:
    return _partner_of(user) if _partner_of is not None else None
