"""The practice's cast: the therapist's profile, a client who booked and shares, results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from tandem.accounts.models import User
from tandem.assessments.models import Response
from tandem.booking.models import Booking, BookingStatus, SessionType
from tandem.booking.tests.helpers import make_bookable
from tandem.directory.models import TherapistProfile
from tandem.instruments import library
from tandem.practice.demo import add_booking, add_result
from tandem.practice.models import Consent
from tandem.practice.services import consent_save

CHECK = "healthy-relationship"
# "Now" in these tests: Wednesday 2 June 2027, 12:00 UTC.
NOW = datetime(2027, 6, 2, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bookable(therapist_user: User) -> tuple[TherapistProfile, SessionType]:
    return make_bookable(therapist_user)


def session_on(
    bookable: tuple[TherapistProfile, SessionType],
    client: User,
    start: datetime,
    status: str = BookingStatus.COMPLETED,
) -> Booking:
    profile, session = bookable
    return add_booking(profile, session, client, start, status)


def result(client: User, score: int, when: datetime, *, flagged: bool = False) -> Response:
    return add_result(client, library.get(CHECK), score, when, flagged)


@pytest.fixture
def booked(bookable: Any, client_user: User) -> Booking:
    """The client had a session with the therapist on 10 March 2027, twelve weeks before NOW."""
    return session_on(bookable, client_user, NOW - timedelta(weeks=12))


@pytest.fixture
def consent(booked: Booking, client_user: User, therapist_user: User) -> Consent:
    """The client shares the Healthy Relationship Check from 1 January 2027, new results too."""
    return consent_save(
        client=client_user,
        therapist=therapist_user,
        instruments=[CHECK],
        share_from=datetime(2027, 1, 1).date(),
        auto_share=True,
        share_safety=False,
    )


def share(client: User, therapist: User, **choices: Any) -> Consent:
    """``client`` shares the check from 1 January 2027 with ``therapist``, new results too,
    with ``choices`` (``share_safety``, ``share_couple_report``...) on top."""
    return consent_save(
        client=client,
        therapist=therapist,
        **{
            "instruments": [CHECK],
            "share_from": datetime(2027, 1, 1).date(),
            "auto_share": True,
            "share_safety": False,
            **choices,
        },
    )
