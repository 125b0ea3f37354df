"""Benchmark: the caseload page of a therapist with 200 clients and 20 results each.

Builds its own SQLite database in a temporary directory (or uses the empty PostgreSQL
database named by ``--database-url``), fills it, then requests ``/practice/`` as the
therapist through the whole middleware stack and prints the median time and the number of
queries. A quarter of the clients share safety answers, so their latest result is
decrypted, as on a real caseload; each request also writes 200 access-log rows.

The machine may be shared: the load average is printed first, so a slow figure can be read
against it, and the process's CPU time per request is printed beside the wall-clock time.
``--profile`` adds where one request's time goes (cProfile) and its slowest queries.

    .venv/bin/python bench/caseload.py [--runs 15] [--profile] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

CLIENTS = 200
RESULTS = 20
SESSIONS = 12

_parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
_parser.add_argument("--runs", type=int, default=15)
_parser.add_argument("--database-url", default="")
_parser.add_argument(
    "--profile", action="store_true", help="print where one request's time goes (cProfile)"
)
ARGS = _parser.parse_args()

_data = tempfile.mkdtemp(prefix="tandem-bench-caseload-")
os.environ["TANDEM_DATA_DIR"] = _data
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tandem.accounts.models import Role, User  # noqa: E402
from tandem.assessments.models import Response, ResponseStatus  # noqa: E402
from tandem.booking.models import Booking, BookingStatus  # noqa: E402
from tandem.booking.tests.helpers import make_bookable  # noqa: E402
from tandem.instruments import library  # noqa: E402
from tandem.practice.demo import add_result, booking_row  # noqa: E402
from tandem.practice.models import Consent, MeasureSchedule  # noqa: E402

NOW = datetime.now(UTC)


def _build() -> User:
    therapist = User.objects.create_user(
        "bench-therapist@example.invalid", role=Role.THERAPIST, name="Bench Therapist"
    )
    TOTP.activate(therapist, generate_totp_secret())
    profile, session = make_bookable(therapist)
    instrument = library.get("healthy-relationship")
    # A few real, encrypted results to copy: scoring and encrypting 4,000 would measure the
    # engine, not the caseload.
    templates = []
    for target in range(30, 80, 5):
        owner = User.objects.create_user(f"template-{target}@example.invalid")
        templates.append(add_result(owner, instrument, target, NOW, flagged=target == 75))
    clients = User.objects.bulk_create(
        [
            User(email=f"client-{n}@example.invalid", name=f"Client {n:03d}", role=Role.CLIENT)
            for n in range(CLIENTS)
        ]
    )
    responses = []
    bookings = []
    for n, client in enumerate(clients):
        for r in range(RESULTS):
            source = templates[(n + r * (1 + n % 3)) % len(templates)]
            when = NOW - timedelta(weeks=2 * (RESULTS - r))
            responses.append(
                Response(
                    owner=client,
                    instrument_slug=source.instrument_slug,
                    instrument_version=source.instrument_version,
                    status=ResponseStatus.COMPLETED,
                    answers_encrypted=source.answers_encrypted,
                    result_encrypted=source.result_encrypted,
                    scale_scores=source.scale_scores,
                    started_at=when,
                    completed_at=when,
                )
            )
        for s in range(SESSIONS):
            start = (NOW - timedelta(weeks=3 * (SESSIONS - s))).replace(
                hour=8, minute=0, second=0, microsecond=0
            ) + timedelta(minutes=5 * n)
            status = BookingStatus.COMPLETED if s % 5 else BookingStatus.CANCELLED
            bookings.append(booking_row(profile, session, client, start, status))
    Response.objects.bulk_create(responses, batch_size=500)
    Booking.objects.bulk_create(bookings, batch_size=500)
    consents = Consent.objects.bulk_create(
        [
            Consent(
                client=client,
                therapist=therapist,
                source="booked",
                instruments=["healthy-relationship"],
                share_from=(NOW - timedelta(weeks=60)).date(),
                auto_share=True,
                share_safety=n % 4 == 0,
            )
            for n, client in enumerate(clients)
        ]
    )
    MeasureSchedule.objects.bulk_create(
        [
            MeasureSchedule(
                consent=consent,
                instrument_slug="healthy-relationship",
                kind="every_sessions",
                every=6,
                starts_at=NOW - timedelta(weeks=40),
            )
            for consent in consents
        ]
    )
    return therapist


def _profile(http: Client) -> None:
    """The functions one request spends most of its time in, by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(http.get, "/practice/")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(15)
    # The page's three parts: working out the rows, the access log, the template.
    stats.sort_stats("cumulative").print_stats(
        r"progress.py.*\(caseload\)|record_accesses|render_to_string"
    )
    with CaptureQueriesContext(connection) as captured:
        http.get("/practice/")
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]:
        print(f"{float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")


def main() -> None:
    print(f"Load average at the start (1, 5, 15 min): {os.getloadavg()}")
    print(f"Database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    therapist = _build()
    print(
        f"Built {CLIENTS} clients x {RESULTS} results and {SESSIONS} sessions each "
        f"in {time.perf_counter() - started:.1f} s."
    )
    http = Client()
    http.force_login(therapist)
    assert http.get("/practice/").status_code == 200  # warm up: session, MFA check, caches
    timings = []
    cpu = []
    queries = []
    for _ in range(ARGS.runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            started_cpu = time.process_time()
            page = http.get("/practice/")
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert page.status_code == 200 and page.content.count(b"/practice/clients/") == CLIENTS
        queries.append(len(captured))
    if ARGS.profile:
        _profile(http)
    print(
        f"/practice/ with {CLIENTS} clients: median {statistics.median(timings) * 1000:.0f} ms "
        f"(min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f}) over {ARGS.runs} runs; "
        f"{statistics.median(queries):.0f} queries per request."
    )
    # This process's own CPU time (SQLite runs in it too): less moved by other work on a
    # shared machine than the wall-clock time above.
    print(f"CPU time per request: median {statistics.median(cpu) * 1000:.0f} ms.")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(_data, ignore_errors=True)
