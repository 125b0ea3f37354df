"""Constraints several apps' models declare the same way."""

from __future__ import annotations

from django.db import models

__all__ = ["one_of_choices"]


def one_of_choices(
    field: str, choices: type[models.Choices], *, name: str
) -> models.CheckConstraint:
    """A check that ``field`` holds one of ``choices``' values.

    ``choices=`` on a field is checked only by forms and ``full_clean``; this makes the
    database refuse any other value too, whatever wrote it.
    Example: ``one_of_choices("status", BookingStatus, name="booking_status_valid")``.
    """
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
