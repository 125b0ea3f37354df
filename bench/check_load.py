"""Load benchmark: finishing the last section of a check and rendering the result.

Runs gunicorn against PostgreSQL on loopback, with ``DEBUG=false``, and drives 50 concurrent
simulated visitors from one small asyncio client (raw HTTP/1.1 with keep-alive, standard
library only, so the client takes little of the CPU it shares with the server). Each visitor,
once per round trip, is a fresh anonymous visitor whose four earlier sections of
relating-styles are answered and saved (seeded beforehand: finishing a check completes it):

1. GET the last section page (the safety questions);
2. POST it with "See my results";
3. GET the result page the POST redirects to.

That is three requests per round trip, and all three are counted in its requests per second.
The latency goal is on "finish": steps 2 and 3 together, as a person waits for them.

The reference, measured in the same run by the same client on the same gunicorn, is
``/bench/bare`` (``tandem.assessments.bench.bare``, mounted because this script sets
``TANDEM_BENCH_URLS=1``): a view that returns two bytes through the whole middleware stack
(security headers, CSP, sessions, CSRF, authentication, messages, allauth, the MFA check),
requested with a visitor's session cookie, so the stack loads the session (one SELECT) as
on the check's pages. It runs no query of its own.

Sessions: a visitor's session is written at most once a minute
(``tandem.lib.middleware.SessionIdleRefreshMiddleware``). The seeded sessions were last saved
long ago, so each round trip writes its session once, as a real person's does: they spend
more than a minute on the safety questions. The bare view's sessions are written on their
first request and then not again within the run's phases, which is what a page of no work
costs.

Phases, each bounded in time:

- ``paced``: every visitor waits 0.5-1.5 s between round trips, as people do; this is the phase
  for latency (p50, p99);
- ``saturated``: no waiting; this is the phase for throughput (requests per second, counted
  while every visitor is busy) and for the ratio to the bare view.

    .venv/bin/python bench/check_load.py [--users 50] [--seconds 20] [--workers 3]
        [--threads 2] [--servers 1] [--wait-quiet] [--keep-database]

``--servers 2`` starts two gunicorn servers on two ports, each with ``--workers`` processes,
and spreads the visitors over them, as a load balancer would over two hosts.

It creates (and afterwards drops) the database ``tandem_bench_checks`` (or ``$BENCH_DATABASE``),
and stops gunicorn and everything it started by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE = os.environ.get("BENCH_DATABASE", "tandem_bench_checks")  # one per concurrent run
SERVER_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
SLUG = "relating-styles"
SECTION_PATH = f"/checks/{SLUG}/safety/"
BARE_PATH = "/bench/bare"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
QUIET_LOAD = 0.7


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
            "TANDEM_BENCH_URLS": "1",
            "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: no collectstatic here
            # Sessions must outlive the run.
            "SESSION_IDLE_SECONDS": "3600",
        }
    )
    return environment


# --- Database and seed data (the seed runs in a child process with Django set up) ---------


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DATABASE_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(SERVER_DATABASE_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def seed_visitors(count: int) -> list[str]:
    """``count`` anonymous visitors' session keys, each with four sections answered."""
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
    from django.conf import settings
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from tandem.assessments import services
    from tandem.assessments.flow import check_flow
    from tandem.assessments.models import Response, claim_hash
    from tandem.assessments.views.access import CLAIMS_SESSION_KEY

    flow = check_flow(SLUG)
    expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys: list[str] = []
    for start in range(0, count, 500):
        rows, tokens = [], []
        for _ in range(min(500, count - start)):
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
            tokens.append(token)
        Response.objects.bulk_create(rows)
        store = SessionStore()
        sessions = [
            Session(
                session_key=get_random_string(32, VALID_KEY_CHARS),
                session_data=store.encode({CLAIMS_SESSION_KEY: {str(row.public_id): token}}),
                expire_date=expires,
            )
            for row, token in zip(rows, tokens, strict=True)
        ]
        Session.objects.bulk_create(sessions)
        keys.extend(session.session_key for session in sessions)
    print(json.dumps(keys))


# --- The server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "tandem.wsgi",
            "--worker-class",
            "gthread",  # keeps connections alive, as browsers do; sync workers close each
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "10",
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
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not listen within 30 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time of each of these processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())


def postgres_backends() -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        ).fetchall()
    return [int(row[0]) for row in rows]


def server_pids(server: subprocess.Popen[bytes], workers: int) -> list[int]:
    """The master's pid and its workers' (waiting for them: gunicorn listens before it forks)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    deadline = time.monotonic() + 30
    found = children.read_text().split()
    while len(found) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
        found = children.read_text().split()
    return [server.pid, *(int(pid) for pid in found)]


# --- A tiny HTTP/1.1 client with keep-alive -----------------------------------------------


class Connection:
    """One visitor's connection, kept open between requests as a browser keeps it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(
        self, method: str, path: str, cookies: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                return await self._exchange(method, path, cookies, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if fresh or attempt == 2:  # a kept-alive connection may have timed out: retry
                    raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, cookies: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method == "POST":
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readuntil(b"\r\n")
        if not status_line:
            raise ConnectionResetError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.split(";", 1)[0]
                cookie_name, _, cookie_value = cookie.partition("=")
                if cookie_value and "max-age=0" not in value.lower():
                    cookies[cookie_name] = cookie_value
            else:
                headers[name] = value
        if "content-length" not in headers:
            raise RuntimeError(f"{path}: no Content-Length (chunked replies are not handled)")
        content = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, content


# --- Round trips ----------------------------------------------------------------------------


@dataclass
class Timings:
    name: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    completions: list[float] = field(default_factory=list)  # when each request completed
    requests: int = 0  # requests completed inside the counting window
    window: float = 0.0
    errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    database_cpu: float = 0.0
    # Each gunicorn process's share of one core: an uneven split means requests queue in
    # one worker while others idle.
    per_process_cpu: list[float] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds)

    @property
    def throughput(self) -> float:
        return self.requests / self.window if self.window else 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def check_round_trip(connection: Connection, session_key: str, record: Timings) -> None:
    cookies = {"sessionid": session_key}
    started = time.perf_counter()
    status, _, page = await connection.request("GET", SECTION_PATH, cookies)
    got_page = time.perf_counter()
    record.completions.append(got_page)
    token = CSRF_INPUT.search(page)
    if status != 200 or token is None or "csrftoken" not in cookies:
        raise RuntimeError(f"the section page answered {status}")
    fields = [("csrfmiddlewaretoken", token.group(1).decode()), ("_action", "next")]
    fields += [(f"sf{number}", "0") for number in range(1, 7)]
    body = "&".join(f"{name}={value}" for name, value in fields).encode()
    status, headers, _ = await connection.request("POST", SECTION_PATH, cookies, body)
    posted = time.perf_counter()
    record.completions.append(posted)
    location = headers.get("location", "")
    if status != 302 or "/checks/results/" not in location:
        raise RuntimeError(f"finishing answered {status} {location!r}")
    status, _, page = await connection.request("GET", location, cookies)
    finished = time.perf_counter()
    record.completions.append(finished)
    if status != 200 or b"Your plan" not in page:
        raise RuntimeError(f"the result page answered {status}")
    record.add("section GET", got_page - started)
    record.add("POST", posted - got_page)
    record.add("result GET", finished - posted)
    record.add("finish (POST + result)", finished - got_page)


async def bare_request(connection: Connection, session_key: str, record: Timings) -> None:
    started = time.perf_counter()
    status, _, content = await connection.request("GET", BARE_PATH, {"sessionid": session_key})
    if status != 200 or content != b"ok":
        raise RuntimeError(f"{BARE_PATH} answered {status}")
    finished = time.perf_counter()
    record.completions.append(finished)
    record.add("bare GET", finished - started)


async def run_phase(
    name: str,
    ports: list[int],
    users: int,
    seconds: float,
    work: str,
    visitors: deque[str],
    bare_sessions: list[str],
    pids: list[int],
    *,
    think: tuple[float, float] | None,
    settle: float = 2.0,
) -> Timings:
    """``users`` visitors for ``seconds`` after ``settle`` seconds of getting going.

    Requests are counted when they complete inside the window, which opens after ``settle``
    and closes with the last request (those under way at the deadline finish).
    Latencies are those of round trips begun inside the window.
    """
    record = Timings(name)
    settling = Timings("settling")
    started = time.perf_counter()
    window_open = started + settle
    deadline = window_open + seconds

    async def visitor(number: int) -> None:
        connection = Connection(ports[number % len(ports)])
        if think:
            await asyncio.sleep(random.uniform(0, think[1]))  # arrivals spread out
        try:
            while time.perf_counter() < deadline:
                target = record if time.perf_counter() >= window_open else settling
                try:
                    if work == "check":
                        if not visitors:
                            record.errors.append("ran out of seeded visitors")
                            return
                        await check_round_trip(connection, visitors.popleft(), target)
                    else:
                        await bare_request(connection, bare_sessions[number], target)
                except Exception as exc:  # a benchmark reports failures, it does not stop
                    record.errors.append(f"{type(exc).__name__}: {exc}")
                    await connection.close()
                if think:
                    await asyncio.sleep(random.uniform(*think))
        finally:
            await connection.close()

    tasks = [asyncio.create_task(visitor(number)) for number in range(users)]
    await asyncio.sleep(max(0.0, window_open - time.perf_counter()))
    client_before, server_before = time.process_time(), cpu_seconds(pids)
    database_before = cpu_seconds(postgres_backends())
    await asyncio.gather(*tasks)
    ended = time.perf_counter()
    database_after = cpu_seconds(postgres_backends())
    completions = [t for t in (*settling.completions, *record.completions) if t >= window_open]
    record.window = (max(completions) if completions else ended) - window_open
    record.requests = len(completions)
    record.client_cpu = (time.process_time() - client_before) / (ended - window_open)
    server_after = cpu_seconds(pids)
    record.server_cpu = cpu_used(server_before, server_after) / (ended - window_open)
    record.per_process_cpu = [
        (used - server_before.get(pid, 0.0)) / (ended - window_open)
        for pid, used in server_after.items()
    ]
    record.database_cpu = cpu_used(database_before, database_after) / (ended - window_open)
    return record


# --- Report -------------------------------------------------------------------------------


def report_lines(phase: Timings) -> list[str]:
    lines = [
        f"{phase.name}: {phase.requests} requests in {phase.window:.1f} s = "
        f"{phase.throughput:.1f} req/s; CPU (of one core): client {phase.client_cpu:.0%}, "
        f"gunicorn {phase.server_cpu:.0%} "
        f"({' + '.join(f'{share:.0%}' for share in phase.per_process_cpu)}), "
        f"PostgreSQL {phase.database_cpu:.0%}; "
        f"errors {len(phase.errors)}" + (f" (first: {phase.errors[0]})" if phase.errors else "")
    ]
    for kind, values in phase.samples.items():
        lines.append(
            f"    {kind:<24} n={len(values):>6}  p50={statistics.median(values) * 1000:7.1f} ms"
            f"  p99={percentile(values, 0.99) * 1000:7.1f} ms"
            f"  max={max(values) * 1000:7.1f} ms"
        )
    return lines


def wait_until_quiet(max_wait: float) -> None:
    waited = 0.0
    while True:
        load = float(Path("/proc/loadavg").read_text().split()[0])
        if load < QUIET_LOAD or waited >= max_wait:
            print(
                f"1-minute load average {load:.2f}" + (" (not quiet)" if load >= QUIET_LOAD else "")
            )
            return
        print(f"1-minute load average {load:.2f}: waiting for a quieter machine ...", flush=True)
        time.sleep(60)
        waited += 60


async def bench(
    options: argparse.Namespace, ports: list[int], pids: list[int], keys: list[str]
) -> None:
    users, seconds = options.users, options.seconds
    bare_sessions, visitors = keys[:users], deque(keys[users:])
    # Warm every worker: templates, the instrument library, the pools, the articles cache.
    await run_phase("warm-up", ports, users, 3, "bare", visitors, bare_sessions, pids, think=None)
    await run_phase("warm-up", ports, users, 3, "check", visitors, bare_sessions, pids, think=None)
    phases = []
    for name, work, think in (
        ("bare view, paced", "bare", (0.5, 1.5)),
        ("check, paced", "check", (0.5, 1.5)),
        ("bare view, saturated", "bare", None),
        ("check, saturated", "check", None),
    ):
        phase = await run_phase(
            name, ports, users, seconds, work, visitors, bare_sessions, pids, think=think
        )
        phases.append(phase)
        print("\n".join(report_lines(phase)), flush=True)
    paced_check, saturated_bare, saturated_check = phases[1], phases[2], phases[3]
    finish_p99 = percentile(paced_check.samples["finish (POST + result)"], 0.99) * 1000
    ratio = saturated_check.throughput / saturated_bare.throughput
    print()
    print(
        f"Latency goal (paced, finish = POST + result, p99 < 100 ms): {finish_p99:.1f} ms "
        f"-> {'met' if finish_p99 < 100 else 'missed'}"
    )
    print(
        f"Throughput goal (saturated, check requests at least half the bare view's): "
        f"{saturated_check.throughput:.1f} req/s "
        f"({saturated_check.throughput / 3:.1f} round trips of 3 requests) vs "
        f"{saturated_bare.throughput:.1f} req/s = {ratio:.2f} "
        f"-> {'met' if ratio >= 0.5 else 'missed'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="per measured phase")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn process")
    parser.add_argument("--servers", type=int, default=1, help="gunicorn servers (ports)")
    parser.add_argument(
        "--wait-quiet",
        action="store_true",
        help=f"first wait (up to 10 minutes) for a 1-minute load average below {QUIET_LOAD}",
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.seed is not None:
        _seed_main(options.seed)
        return

    print(f"Preparing {DATABASE} (PostgreSQL) ...", flush=True)
    recreate_database()
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=server_environment(),
        check=True,
    )
    # Enough visitors for the warm-up and both check phases at up to 300 round trips a second.
    keys = seed_visitors(options.users + int(300 * (options.seconds + 10)))
    ports = [free_port() for _ in range(options.servers)]
    servers = [start_gunicorn(port, options.workers, options.threads) for port in ports]
    try:
        if options.wait_quiet:
            wait_until_quiet(600)
        else:
            print(f"1-minute load average {Path('/proc/loadavg').read_text().split()[0]}")
        print(
            f"{len(servers)} gunicorn server(s), gthread, {options.workers} workers x "
            f"{options.threads} threads each on 127.0.0.1:{','.join(map(str, ports))}, "
            f"{os.cpu_count()} CPUs; {options.users} users, {options.seconds:.0f} s per phase\n",
            flush=True,
        )
        pids = [pid for server in servers for pid in server_pids(server, options.workers)]
        asyncio.run(bench(options, ports, pids, keys))
    finally:
        for server in servers:
            stop(server)
        if not options.keep_database:
            drop_database()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
