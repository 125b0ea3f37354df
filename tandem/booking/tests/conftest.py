import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from tandem.booking.models import Booking
from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import NOW, START, make_bookable


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Booking tests make many accounts; the real hasher's deliberate slowness adds nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen_week() -> Iterator[None]:
    """Time stands still at NOW (use with ``pytest.mark.usefixtures("frozen_week")``)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bookable(therapist_user: Any) -> tuple[Any, Any]:
    """The therapist's profile and a 50-minute session type, bookable every day 09:00-17:00."""
    return make_bookable(therapist_user)


@pytest.fixture
def booking(bookable: Any, client_user: Any) -> Booking:
    """The client's confirmed booking at START."""
    _profile, session = bookable
    return booking_create(
        slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
    )
