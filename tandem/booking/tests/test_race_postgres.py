"""Fifty people click "book" on the same slot at once, through two running web servers.

Only on PostgreSQL (CI runs it with DATABASE_URL; the postgres_servers fixture skips it
elsewhere): the servers are real gunicorn processes sharing the test database, so the only
thing between the requests is the database itself.
"""

from __future__ import annotations

import uuid

from tandem.booking.models import Booking
from tandem.booking.tests.helpers import soon_bookable
from tandem.booking.tests.servers import (
    post_bookings_together,
    signed_in_session,
)
from tandem.conftest import make_user

REQUESTS = 50


def test_fifty_concurrent_requests_on_two_servers_make_exactly_one_booking(
    postgres_servers: list[str],
) -> None:
    session_type, slot = soon_bookable()
    clients = [make_user(f"racer{n}@example.com", name=f"Racer {n}") for n in range(REQUESTS)]
    payload = {"session_type": session_type.pk, "start": slot.start.isoformat()}
    requests = [
        (signed_in_session(client), {**payload, "idempotency_key": str(uuid.uuid4())})
        for client in clients
    ]

    results = post_bookings_together(postgres_servers, requests, timeout=30)

    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * (REQUESTS - 1), results
    refusals = {payload["detail"] for status, payload in results if status == 409}
    assert refusals == {"That time has just been booked by someone else."}
    assert Booking.objects.filter(starts_at=slot.start).count() == 1
    winner = Booking.objects.get()
    assert winner.client in clients
