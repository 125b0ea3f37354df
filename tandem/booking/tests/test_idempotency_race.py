"""Several submits of one booking form at once, with one idempotency key, get one booking.

A double click, a retry after a timeout, a second tab: each sends the same key. Every answer
must be that one booking, never "That time has just been booked by someone else" about the
client's own booking. The requests go to real gunicorn processes, so only the database is
between them: the PostgreSQL test database when DATABASE_URL names one, else an SQLite file
made for the test (pytest's own SQLite test database lives in memory, out of other
processes' reach).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tandem.booking.models import Booking
from tandem.booking.tests.helpers import soon_bookable
from tandem.booking.tests.servers import (
    Outcome,
    post_bookings_together,
    signed_in_session,
    two_gunicorn_servers,
)
from tandem.conftest import make_user

SUBMITS = 6


def _submit_together(urls: list[str], session_key: str, body: dict[str, Any]) -> list[Outcome]:
    return post_bookings_together(urls, [(session_key, body)] * SUBMITS, timeout=60)


def _assert_one_booking(results: list[Any]) -> str:
    assert len(results) == SUBMITS
    assert {status for status, _body in results} == {201}, results
    ids = {body["id"] for _status, body in results}
    assert len(ids) == 1, results
    return ids.pop()


def test_parallel_submits_with_one_key_on_postgresql_return_one_booking(
    postgres_servers: list[str],
) -> None:
    session_type, slot = soon_bookable()
    client = make_user("twice@example.com", name="Twice Clicked")
    body = {
        "session_type": session_type.pk,
        "start": slot.start.isoformat(),
        "idempotency_key": str(uuid.uuid4()),
    }

    booking_id = _assert_one_booking(
        _submit_together(postgres_servers, signed_in_session(client), body)
    )

    assert list(Booking.objects.values_list("public_id", flat=True)) == [uuid.UUID(booking_id)]


_SQLITE_SETUP = """
import json
from tandem.booking.tests.helpers import soon_bookable
from tandem.booking.tests.servers import signed_in_session
from tandem.conftest import make_user
session_type, slot = soon_bookable()
client = make_user("twice@example.com", name="Twice Clicked")
print(json.dumps({"session_type": session_type.pk, "start": slot.start.isoformat(),
                  "session_key": signed_in_session(client)}))
"""


@pytest.fixture
def sqlite_servers(tmp_path: Path) -> Iterator[tuple[list[str], Path, dict[str, Any]]]:
    """Two gunicorn servers on one SQLite file, and what the setup made in it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "TANDEM_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "TANDEM_DATA_DIR": str(tmp_path),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    manage = [sys.executable, "manage.py"]
    run = {"cwd": settings.BASE_DIR, "env": env, "capture_output": True, "text": True}
    migrated = subprocess.run([*manage, "migrate", "--no-input"], timeout=300, **run)  # type: ignore[call-overload]
    assert migrated.returncode == 0, migrated.stderr
    made = subprocess.run([*manage, "shell", "-c", _SQLITE_SETUP], timeout=120, **run)  # type: ignore[call-overload]
    assert made.returncode == 0, made.stderr
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    with two_gunicorn_servers(env, threads=3) as urls:
        yield urls, tmp_path / "tandem.sqlite3", setup


def test_parallel_submits_with_one_key_on_sqlite_return_one_booking(
    sqlite_servers: tuple[list[str], Path, dict[str, Any]],
) -> None:
    urls, database, setup = sqlite_servers
    body = {
        "session_type": setup["session_type"],
        "start": setup["start"],
        "idempotency_key": str(uuid.uuid4()),
    }

    booking_id = _assert_one_booking(_submit_together(urls, setup["session_key"], body))

    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT public_id FROM booking_booking").fetchall()
    assert [uuid.UUID(row[0]) for row in rows] == [uuid.UUID(booking_id)]
