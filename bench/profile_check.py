"""Where the time goes when a person finishes a check: a profile and a wall-clock breakdown.

Runs in one process, without a server: Django's test client sends the same three requests as
``bench/check_load.py`` (GET the last section, POST it with "See my results", GET the result)
through the whole middleware stack, against PostgreSQL, with ``DEBUG=false``. For each request
kind it prints the mean wall time split into:

- the database (every query, timed around the driver's execute, connection set-up included);
- the session (loading and saving it, outside the queries it runs);
- encryption (Fernet encrypt and decrypt of answers and results);
- template rendering (outside what the templates' own queries and decryption take);
- the chart SVG;
- the rest (Python in views, middleware, forms, scoring).

Then the ``--top`` functions by cumulative time from cProfile over all round trips.

    .venv/bin/python bench/profile_check.py [--round-trips 200] [--top 25]

It creates (and afterwards drops) the database ``tandem_bench_profile``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_DATABASE", "tandem_bench_profile")

import check_load  # noqa: E402

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Clock:
    """Wall time per kind of work, with nested kinds subtracted from the kind around them."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []  # [start, time taken by nested kinds]

    @contextmanager
    def kind(self, name: str) -> Iterator[None]:
        self._stack.append([time.perf_counter(), 0.0])
        try:
            yield
        finally:
            start, nested = self._stack.pop()
            spent = time.perf_counter() - start
            self.totals[name] += spent - nested
            if self._stack:
                self._stack[-1][1] += spent

    def wrap(self, owner: Any, attribute: str, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.kind(name):
                return original(*args, **kwargs)

        setattr(owner, attribute, timed)


def instrument(clock: Clock) -> None:
    """Put the clock around each kind of work."""
    from django.contrib.sessions.backends import db as session_db
    from django.db import connections
    from django.template import base as template_base

    from tandem.assessments import charts
    from tandem.lib import crypto

    def database(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        with clock.kind("database"):
            return execute(sql, params, many, context)

    for connection in connections.all():
        connection.execute_wrappers.append(database)
    clock.wrap(session_db.SessionStore, "load", "session")
    clock.wrap(session_db.SessionStore, "save", "session")
    clock.wrap(crypto, "encrypt", "encryption")
    clock.wrap(crypto, "decrypt", "encryption")
    clock.wrap(template_base.Template, "render", "templates")
    clock.wrap(charts, "profile_chart_svg", "chart SVG")


@contextmanager
def whole(clock: Clock) -> Iterator[None]:
    """Time a whole request (not a kind: the kinds inside it are not taken off)."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        clock.totals["request"] += time.perf_counter() - start
        clock.totals["cpu"] += time.process_time() - cpu


def round_trip(client: Any, clock_by_request: dict[str, Clock], section: str) -> None:
    with whole(clock_by_request["section GET"]):
        page = client.get(section)
    token = CSRF_INPUT.search(page.content.decode())
    if page.status_code != 200 or token is None:
        raise SystemExit(f"the section page answered {page.status_code}")
    data = {"csrfmiddlewaretoken": token.group(1), "_action": "next"}
    data.update({f"sf{number}": "0" for number in range(1, 7)})
    with whole(clock_by_request["POST"]):
        posted = client.post(section, data)
    if posted.status_code != 302:
        raise SystemExit(f"finishing answered {posted.status_code}")
    with whole(clock_by_request["result GET"]):
        result = client.get(posted["Location"])
    if result.status_code != 200 or b"Your plan" not in result.content:
        raise SystemExit(f"the result page answered {result.status_code}")


def profile(round_trips: int, top: int, keys: list[str]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    clocks = {name: Clock() for name in ("section GET", "POST", "result GET")}
    active = {"clock": clocks["section GET"]}

    class Switch(Clock):
        """One clock that hands each kind to the current request's clock."""

        @contextmanager
        def kind(self, name: str) -> Iterator[None]:
            with active["clock"].kind(name):
                yield

    instrument(Switch())

    class Routed(dict[str, Clock]):
        def __getitem__(self, name: str) -> Clock:
            active["clock"] = dict.__getitem__(self, name)
            return active["clock"]

    routed = Routed(clocks)
    section = check_load.SECTION_PATH
    # Warm up: imports, template loading, the first connection.
    for key in keys[:5]:
        client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        round_trip(client, {name: Clock() for name in clocks}, section)

    def run(batch: list[str], profiler: cProfile.Profile | None = None) -> float:
        started = time.perf_counter()
        for key in batch:
            client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
            client.cookies[settings.SESSION_COOKIE_NAME] = key
            if profiler:
                profiler.enable()
            round_trip(client, routed, section)
            if profiler:
                profiler.disable()
        return time.perf_counter() - started

    # The reference: the bare view (a visitor's session loaded, no work), CPU and wall.
    bare = Clock()
    for key in keys[5 : 5 + round_trips]:
        client = Client(HTTP_HOST="localhost")
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        client.get(check_load.BARE_PATH)  # the session's first write is not the reference
        with whole(bare):
            reply = client.get(check_load.BARE_PATH)
        if reply.content != b"ok":
            raise SystemExit(f"{check_load.BARE_PATH} answered {reply.status_code}")

    # First the breakdown, without the profiler's overhead; then the profile, on other visitors.
    elapsed = run(keys[5 : 5 + round_trips])
    breakdown = {name: dict(clock.totals) for name, clock in clocks.items()}
    profiler = cProfile.Profile()
    run(keys[5 + round_trips : 5 + 2 * round_trips], profiler)
    for name, clock in clocks.items():
        clock.totals = defaultdict(float, breakdown[name])

    print(
        f"{round_trips} round trips in {elapsed:.2f} s in one thread; load average "
        f"{os.getloadavg()[0]:.2f}; database {settings.DATABASES['default']['ENGINE']}"
    )
    kinds = ["database", "session", "encryption", "templates", "chart SVG"]
    print(f"\nmean wall time per request, ms: {'  '.join(f'{k:>10}' for k in kinds)}      rest")
    for name, clock in clocks.items():
        total = clock.totals["request"] / round_trips * 1000
        parts = [clock.totals[kind] / round_trips * 1000 for kind in kinds]
        rest = total - sum(parts)
        print(
            f"  {name:<12} {total:6.1f}  = "
            + "  ".join(f"{part:10.1f}" for part in parts)
            + f"  {rest:8.1f}"
        )
    cpu = {name: clock.totals["cpu"] / round_trips * 1000 for name, clock in clocks.items()}
    bare_cpu = bare.totals["cpu"] / round_trips * 1000
    print(
        "\nCPU of this process per request, ms: "
        + ", ".join(f"{name} {value:.2f}" for name, value in cpu.items())
        + f"; bare view {bare_cpu:.2f} (wall {bare.totals['request'] / round_trips * 1000:.2f})"
    )
    mean_check = sum(cpu.values()) / len(cpu)
    print(
        f"mean check request / bare view, in CPU: {mean_check / bare_cpu:.2f}x, so a CPU-bound "
        f"server finishes checks at about {bare_cpu / mean_check:.2f} of the bare view's rate"
    )
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    print("\n" + text.getvalue().split("\n", 3)[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inside:
        keys = check_load.seed_visitors(2 * options.round_trips + 5)
        profile(options.round_trips, options.top, keys)
        return
    check_load.recreate_database()
    try:
        environment = check_load.server_environment()
        subprocess.run(
            [str(check_load.PYTHON), "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        subprocess.run(
            [str(check_load.PYTHON), __file__, "--inside", *sys.argv[1:]],
            cwd=ROOT,
            env=environment,
            check=True,
        )
    finally:
        check_load.drop_database()


if __name__ == "__main__":
    main()
