"""Load benchmark: finishing the last section of a check and rendering the result.

Runs gunicorn (4 sync workers) against PostgreSQL on loopback and drives 50 concurrent
simulated users with a small thread-per-user HTTP client (standard library only). Each user,
once per iteration:

1. GETs the last section page (the safety questions) of relating-styles, with the four earlier
   sections already answered and saved (seeded beforehand, one fresh anonymous visitor per
   iteration, because finishing a check completes it);
2. POSTs the last section and follows the redirect to the result page.

The measured round trip is step 2: the POST and the result page together. The bare view,
measured in the same run with the same users, is ``/healthz`` (one ``SELECT 1``).

Two phases for each:

- ``paced``: every user waits 0.5-1.5 s between iterations, as real people do; this is the
  phase for latency (p50, p99);
- ``saturated``: no waiting, so the servers are busy all the time; this is the phase for
  throughput, and for the ratio to the bare view.

    .venv/bin/python bench/check_load.py [--users 50] [--iterations 8] [--keep-database]

It creates (and afterwards drops) the database ``tandem_bench_checks``, stops gunicorn and
everything it started by itself, and each phase is bounded in iterations and in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE = "tandem_bench_checks"
SERVER_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
SLUG = "relating-styles"
PHASE_SECONDS = 90.0
CLIENT_PROCESSES = 10  # 5 users per process by default
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def server_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "tandem.settings",
            "DATABASE_URL": DATABASE_URL,
            "TANDEM_ENV": "development",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            # Sessions must outlive the run's pauses.
            "SESSION_IDLE_SECONDS": "3600",
        }
    )
    return environment


# --- Database and seed data (the seed runs in a child process with Django set up) ---------


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DATABASE_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DATABASE_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def seed_visitors(count: int) -> list[str]:
    """``count`` anonymous visitors, each with the four sections before the last answered."""
    done = subprocess.run(
        [str(PYTHON), __file__, "--seed", str(count)],
        env=server_environment(),
        check=True,
        capture_output=True,
        text=True,
    )
    keys: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return keys


def _seed_main(count: int) -> None:
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore

    from tandem.assessments import services
    from tandem.assessments.flow import check_flow
    from tandem.assessments.models import Response, claim_hash
    from tandem.assessments.views import CLAIMS_SESSION_KEY

    flow = check_flow(SLUG)
    keys = []
    rows = []
    sessions = []
    for number in range(count):
        answers = {
            item.id: random.choice(item.response.values)
            for flow_section in flow.sections
            if not flow_section.is_companion
            for item in flow_section.items
        }
        token = services.new_claim_token()
        response = Response(
            anonymous_claim_hash=claim_hash(token),
            instrument_slug=flow.instrument.slug,
            instrument_version=flow.instrument.version,
        )
        response.set_answers(answers)
        rows.append(response)
        session = SessionStore()
        sessions.append((session, response, token))
        if len(rows) == 500 or number == count - 1:
            Response.objects.bulk_create(rows)
            for session, saved, claim in sessions:
                session[CLAIMS_SESSION_KEY] = {str(saved.public_id): claim}
                session.create()
                keys.append(session.session_key)
            rows, sessions = [], []
    print(json.dumps(keys))


# --- The server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "tandem.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "256",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_environment(),
        start_new_session=True,  # its own process group, so stopping it stops its workers
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- A tiny HTTP client -------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    # One connection per request: gunicorn's sync workers close it after each response.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        text = answer.read().decode()
        received = {name.lower(): value for name, value in answer.getheaders()}
        if "set-cookie" in received:
            received["set-cookie"] = "; ".join(answer.headers.get_all("Set-Cookie") or [])
        return answer.status, received, text
    finally:
        connection.close()


def check_iteration(port: int, session_key: str) -> float:
    """GET the last section, then time POSTing it and loading the result."""
    cookie = f"sessionid={session_key}"
    status, headers, page = request(
        port, "GET", f"/checks/{SLUG}/safety/", headers={"Cookie": cookie}
    )
    if status != 200:
        raise RuntimeError(f"section page answered {status}")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    csrf_input = CSRF_INPUT.search(page)
    if not csrf_cookie or not csrf_input:
        raise RuntimeError("no CSRF token on the section page")
    cookie = f"{cookie}; csrftoken={csrf_cookie.group(1)}"
    fields = [("csrfmiddlewaretoken", csrf_input.group(1)), ("_action", "next")]
    fields += [(f"sf{number}", "0") for number in range(1, 7)]
    body = "&".join(f"{name}={value}" for name, value in fields)
    started = time.perf_counter()
    status, headers, _ = request(
        port,
        "POST",
        f"/checks/{SLUG}/safety/",
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    location = headers.get("location", "")
    if status != 302 or "/checks/results/" not in location:
        raise RuntimeError(f"finishing answered {status} {location!r}")
    status, _, page = request(port, "GET", location, headers={"Cookie": cookie})
    elapsed = time.perf_counter() - started
    if status != 200 or "Your plan" not in page:
        raise RuntimeError(f"the result page answered {status}")
    return elapsed


def bare_iteration(port: int, _session_key: str) -> float:
    started = time.perf_counter()
    status, _, _ = request(port, "GET", "/healthz")
    if status != 200:
        raise RuntimeError(f"/healthz answered {status}")
    return time.perf_counter() - started


# --- Running a phase ----------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    timings: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        if not self.timings:
            return f"{self.name:<28} no successful iterations; errors: {self.errors[:3]}"
        ordered = sorted(self.timings)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000
        return (
            f"{self.name:<28} n={len(ordered):>5}  p50={p50:7.1f} ms  p99={p99:7.1f} ms  "
            f"max={ordered[-1] * 1000:7.1f} ms  throughput={self.throughput:7.1f}/s  "
            f"errors={len(self.errors)}"
        )

    @property
    def throughput(self) -> float:
        return len(self.timings) / self.seconds if self.seconds else 0.0

    @property
    def p99_ms(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000


def _run_users(
    port: int,
    work: Callable[[int, str], float],
    assignments: list[list[str]],
    think: tuple[float, float] | None,
    start_at: float,
    deadline: float,
    results: Any,
) -> None:
    """One client process: a thread per user; sends (timings, errors) back when done."""
    # Hand the GIL over quickly, so a reply waiting to be read is not held up behind another
    # thread's parsing: the client should measure the server, not itself.
    sys.setswitchinterval(0.0005)
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user(keys: list[str]) -> None:
        time.sleep(max(0.0, start_at - time.time()))
        if think:
            time.sleep(random.uniform(0, think[1]))  # users arrive spread out, not in a burst
        for key in keys:
            if time.time() > deadline:
                return
            try:
                elapsed = work(port, key)
                with lock:
                    timings.append(elapsed)
            except Exception as exc:  # a benchmark reports failures, it does not stop
                with lock:
                    errors.append(str(exc))
            if think:
                time.sleep(random.uniform(*think))

    threads = [threading.Thread(target=user, args=(keys,)) for keys in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((timings, errors))


def run_phase(
    name: str,
    port: int,
    users: int,
    iterations: int,
    work: Callable[[int, str], float],
    sessions: list[str],
    *,
    think: tuple[float, float] | None,
) -> Phase:
    """``users`` users in CLIENT_PROCESSES processes, ``iterations`` each, bounded in time."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    per_user = [
        sessions[number * iterations : (number + 1) * iterations] or [""] * iterations
        for number in range(users)
    ]
    start_at = time.time() + 1.0
    deadline = start_at + PHASE_SECONDS
    processes = [
        context.Process(
            target=_run_users,
            args=(
                port,
                work,
                per_user[index::CLIENT_PROCESSES],
                think,
                start_at,
                deadline,
                results,
            ),
        )
        for index in range(min(CLIENT_PROCESSES, users))
    ]
    for process in processes:
        process.start()
    phase = Phase(name)
    for _ in processes:
        timings, errors = results.get(timeout=PHASE_SECONDS + 60)
        phase.timings.extend(timings)
        phase.errors.extend(errors)
    for process in processes:
        process.join()
    phase.seconds = time.time() - start_at
    return phase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=8, help="per user and phase")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.seed is not None:
        _seed_main(options.seed)
        return

    users, iterations = options.users, options.iterations
    print(f"Preparing {DATABASE} (PostgreSQL) ...", flush=True)
    recreate_database()
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=server_environment(),
        check=True,
    )
    per_phase = users * iterations
    warm = users
    keys = seed_visitors(warm + 2 * per_phase)
    port = free_port()
    server = start_gunicorn(port)
    try:
        print(f"gunicorn -w 4 on 127.0.0.1:{port}; {users} users, {iterations} iterations each")
        run_phase("warm-up", port, users, 1, check_iteration, keys[:warm], think=None)
        run_phase("warm-up", port, users, 2, bare_iteration, [], think=None)
        paced_keys = keys[warm : warm + per_phase]
        saturated_keys = keys[warm + per_phase :]
        results = [
            run_phase(
                "bare /healthz, paced",
                port,
                users,
                iterations,
                bare_iteration,
                [],
                think=(0.5, 1.5),
            ),
            run_phase(
                "finish + result, paced",
                port,
                users,
                iterations,
                check_iteration,
                paced_keys,
                think=(0.5, 1.5),
            ),
            run_phase(
                "bare /healthz, saturated",
                port,
                users,
                iterations * 4,
                bare_iteration,
                [],
                think=None,
            ),
            run_phase(
                "finish + result, saturated",
                port,
                users,
                iterations,
                check_iteration,
                saturated_keys,
                think=None,
            ),
        ]
    finally:
        stop(server)
        if not options.keep_database:
            drop_database()
    print()
    for phase in results:
        print(phase.line())
    paced_check, saturated_bare, saturated_check = results[1], results[2], results[3]
    ratio = saturated_check.throughput / saturated_bare.throughput
    print()
    print(
        f"Latency goal (paced, p99 < 100 ms): {paced_check.p99_ms:.1f} ms "
        f"-> {'met' if paced_check.p99_ms < 100 else 'missed'}"
    )
    print(
        f"Throughput goal (saturated, finish + result at least half of the bare view): "
        f"{saturated_check.throughput:.1f}/s vs {saturated_bare.throughput:.1f}/s = "
        f"{ratio:.2f} -> {'met' if ratio >= 0.5 else 'missed'}"
    )
    print(
        "Each finish + result round trip is two HTTP requests (POST, then the result page), "
        "plus the section page GET before it, which is not timed."
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
