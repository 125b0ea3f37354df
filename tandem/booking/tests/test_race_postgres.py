"""Fifty people click "book" on the same slot at once, through two running web servers.

Only on PostgreSQL (CI runs it with DATABASE_URL): the servers are real gunicorn processes
sharing the test database, so the only thing between the requests is the database itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from tandem.booking.models import Booking
from tandem.booking.slots import free_slots_for
from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the race test runs against PostgreSQL"
)

REQUESTS = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server at {url} exited with {process.returncode}.")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The server at {url} did not start.")


@pytest.fixture
def two_servers(transactional_db: None) -> Iterator[list[str]]:
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
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    processes, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(
                [gunicorn, "tandem.wsgi", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
        for url_, process in zip(urls, processes, strict=True):
            _wait_until_up(url_, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _signed_in_cookie(user: Any) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key or ""


def test_fifty_concurrent_requests_on_two_servers_make_exactly_one_booking(
    two_servers: list[str],
) -> None:
    profile, session_type = make_bookable(minimum_notice_minutes=60)
    now = timezone.now()
    slot = free_slots_for(profile, session_type, now, now + timedelta(days=7))[0]
    clients = [make_user(f"racer{n}@example.com", name=f"Racer {n}") for n in range(REQUESTS)]
    sessions = [_signed_in_cookie(client) for client in clients]
    payload = {"session_type": session_type.pk, "start": slot.start.isoformat()}
    start_together = threading.Barrier(REQUESTS)
    results: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()

    def post(number: int) -> None:
        csrf = get_random_string(32)
        request = urllib.request.Request(  # noqa: S310
            two_servers[number % 2] + "/api/v1/bookings",
            data=json.dumps({**payload, "idempotency_key": str(uuid.uuid4())}).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Cookie": f"sessionid={sessions[number]}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
            },
        )
        start_together.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                outcome = (response.status, json.loads(response.read()))
        except urllib.error.HTTPError as error:
            outcome = (error.code, json.loads(error.read() or b"{}"))
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * (REQUESTS - 1), results
    refusals = {payload["detail"] for status, payload in results if status == 409}
    assert refusals == {"That time has just been booked by someone else."}
    assert Booking.objects.filter(starts_at=slot.start).count() == 1
    winner = Booking.objects.get()
    assert winner.client in clients
