import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection

from tandem.booking.models import Booking
from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import NOW, START, make_bookable
from tandem.booking.tests.servers import two_gunicorn_servers


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


@pytest.fixture
def postgres_servers(transactional_db: None) -> Iterator[list[str]]:
    """Two gunicorn servers on the PostgreSQL test database; their base URLs.

    Skips the test on any other database (CI runs it with DATABASE_URL).
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    database = connection.settings_dict
    host = database["HOST"] or "127.0.0.1"
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{host}"
        f":{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "DATABASE_POOL_MIN": "1",
        "DATABASE_POOL_MAX": "6",
        "LOG_LEVEL": "WARNING",
    }
    with two_gunicorn_servers(env, threads=4) as urls:
        yield urls
