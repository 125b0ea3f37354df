"""Time zone names from visitors: only real zone names count, and a bad one never breaks a page.

``ZoneInfo`` opens a file named after the zone, so a folder of the zone database ("Europe"), or
a name longer than a file name may be, raises ``IsADirectoryError`` or ``OSError`` rather than
``ZoneInfoNotFoundError``. The one validator accepts only ``zoneinfo.available_timezones()``.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.booking.models import validate_time_zone
from tandem.booking.tests.helpers import START
from tandem.conftest import client_for

BAD_ZONES = ["Europe", "America", "Etc", "x" * 300, "../../etc/passwd", "Europe/", "\x00"]

pytestmark = pytest.mark.usefixtures("frozen_week")


@pytest.mark.parametrize("name", BAD_ZONES)
def test_the_validator_refuses_anything_but_a_zone_name(name: str) -> None:
    with pytest.raises(ValidationError):
        validate_time_zone(name)


@pytest.mark.parametrize("name", ["Europe/London", "America/New_York", "UTC", "Asia/Kolkata"])
def test_the_validator_accepts_zone_names(name: str) -> None:
    validate_time_zone(name)


@pytest.mark.parametrize("name", BAD_ZONES)
def test_the_book_page_falls_back_to_london_and_says_so(bookable: Any, anonymous, name) -> None:
    profile, _session = bookable

    response = anonymous.get(reverse("booking:book", args=[profile.slug]), {"tz": name})

    assert response.status_code == 200
    assert response.context["zone"] == "Europe/London"
    assert "We do not know the time zone" in response.content.decode()


@pytest.mark.parametrize("name", BAD_ZONES)
def test_the_reschedule_page_falls_back_to_london(booking: Any, client_user: Any, name) -> None:
    response = client_for(client_user).get(
        reverse("booking:reschedule", args=[booking.public_id]), {"tz": name}
    )

    assert response.status_code == 200
    assert response.context["zone"] == "Europe/London"
    assert "We do not know the time zone" in response.content.decode()


@pytest.mark.parametrize("name", BAD_ZONES)
def test_the_slots_api_answers_422(bookable: Any, anonymous, name: str) -> None:
    profile, _session = bookable

    response = anonymous.get(f"/api/v1/therapists/{profile.slug}/slots", {"tz": name})

    assert response.status_code == 422
    assert "is not a time zone name we know" in response.json()["detail"]


@pytest.mark.parametrize("name", BAD_ZONES)
def test_the_booking_api_answers_422(bookable: Any, client_user: Any, name: str) -> None:
    _profile, session = bookable

    response = client_for(client_user).post(
        "/api/v1/bookings",
        {
            "session_type": session.pk,
            "start": START.isoformat(),
            "idempotency_key": str(uuid.uuid4()),
            "time_zone": name,
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "is not a time zone name we know" in response.json()["detail"]
    assert not client_user.bookings.exists()
