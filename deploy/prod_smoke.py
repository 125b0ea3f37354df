"""The production stack, rehearsed on one machine without containers (``make prod-smoke``).

It starts its own PostgreSQL cluster (initdb in a temporary folder, on a free port) so it can
stop and restart it safely, its own Redis (or database 16 of the one on 127.0.0.1:6379 when
there is no redis-server binary), and a local SMTP server; runs ``migrate`` and
``collectstatic`` with ``TANDEM_ENV=production`` and freshly made secrets; then starts two
gunicorn servers on two ports (two "hosts" sharing the database, Redis and a media folder)
and two ``db_worker`` processes, and proves, one printed line each:

1. sessions across servers: sign in on A, continue a check on B, finish it on A;
2. no double booking across servers: 50 concurrent attempts at one slot, spread over both
   servers, give exactly one booking;
3. a worker SIGKILLed while sending a booking confirmation: the email is delivered exactly
   once, by the other worker, after ``requeue_stalled_tasks`` (cron's job) hands it over;
4. PostgreSQL stopped: /healthz is 503 and pages are the friendly 503 page with no traceback;
   after it restarts, the same gunicorn processes answer again and a check in progress keeps
   its saved sections;
5. backup and restore: pg_dump, restore into a fresh database, every answer decrypts with the
   same keys; after ``reencrypt_answers`` under a new key they decrypt with the new key alone;
6. login lockout and the per-address login limit hold across both servers (Redis).

Requests carry ``X-Forwarded-Proto: https`` and ``X-Forwarded-For`` as the proxy (Caddy) sets
them. Exits non-zero on the first failed proof; stops everything it started.

    .venv/bin/python deploy/prod_smoke.py [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "tandem.example.org"
ORIGIN = f"https://{HOST}"
SLUG = "relating-styles"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IDEMPOTENCY_INPUT = re.compile(r'name="idempotency_key" value="([^"]+)"')
STALL_SECONDS = 5  # TASKS_STALLED_AFTER_SECONDS for the whole stack
STARTED = time.monotonic()


class ProofFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ProofFailed(message)


def say(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise ProofFailed(f"nothing listened on port {port} within {seconds:.0f} s")


# --- PostgreSQL: a cluster of our own --------------------------------------------------------


class Postgres:
    def __init__(self, folder: Path) -> None:
        versions = sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2])
        )
        if not versions:
            raise SystemExit(
                "PostgreSQL's server binaries are missing (apt-get install postgresql)"
            )
        self.bin = Path(versions[-1])
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"
        # initdb and postgres refuse to run as root: as root, run them as the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, *command], check=check, capture_output=True, text=True, cwd="/"
        )

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--no-instructions",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.folder / "postgres.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        done = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return done.returncode == 0

    def tool(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                str(self.bin / name),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                *args,
            ],
            check=True,
            capture_output=True,
            text=True,
        )

    def query(self, database: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(f"{self.url}/{database}", autocommit=True) as connection:
            return list(connection.execute(sql, params).fetchall())


# --- Redis ------------------------------------------------------------------------------------


def start_redis(folder: Path) -> tuple[str, subprocess.Popen[bytes] | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        return "redis://127.0.0.1:6379/16", None
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    wait_for_port(port)
    return f"redis://127.0.0.1:{port}/0", server


# --- SMTP: a local server that can hold one recipient's message mid-transaction ---------------


class Mailbox:
    """Messages received, and a hold: a RCPT TO for ``hold_address`` waits until released."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.hold_address = ""
        self.held = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == self.hold_address and not self.held.is_set():
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        subject = ""
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("subject:"):
                subject = line.split(":", 1)[1].strip()
                break
        self.messages.append((list(envelope.rcpt_tos), subject))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[str]:
        return [subject for recipients, subject in self.messages if address in recipients]


# --- HTTP as a browser behind the proxy sends it ----------------------------------------------


class Browser:
    """Cookies kept per person, requests sent to whichever server is named."""

    def __init__(self, client_ip: str = "198.51.100.7") -> None:
        self.cookies: dict[str, str] = {}
        self.client_ip = client_ip

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        sent = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_ip,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urllib.parse.urlencode(form or {})
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = ORIGIN
            sent["Referer"] = ORIGIN + path
        try:
            connection.request(method, path, body=body, headers=sent)
            reply = connection.getresponse()
            content = reply.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val and "max-age=0" not in value.lower():
                    self.cookies[key] = val
                else:
                    self.cookies.pop(key, None)
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, content

    def get(self, port: int, path: str, **kwargs: Any) -> tuple[int, dict[str, str], str]:
        return self.request(port, "GET", path, **kwargs)

    def post_form(
        self, port: int, path: str, fields: dict[str, str], page_port: int | None = None
    ) -> tuple[int, dict[str, str], str]:
        """GET the page (for its CSRF token) then POST the form."""
        status, _, page = self.get(page_port or port, path)
        check(status == 200, f"GET {path} answered {status}")
        token = CSRF_INPUT.search(page)
        check(token is not None, f"no CSRF token on {path}")
        assert token is not None
        return self.request(port, "POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})


def path_of(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- The stack --------------------------------------------------------------------------------


class Stack:
    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self.folder = Path(tempfile.mkdtemp(prefix="tandem-smoke-"))
        os.chmod(self.folder, 0o755)  # the postgres user reaches its data folder through it
        self.postgres = Postgres(self.folder / "pg")
        self.redis_url = ""
        self.redis: subprocess.Popen[bytes] | None = None
        self.mailbox = Mailbox()
        self.smtp: Any = None
        self.servers: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.old_key = ""
        self.environment: dict[str, str] = {}

    def env(self, **overrides: str) -> dict[str, str]:
        return {**self.environment, **overrides}

    def manage(self, *args: str, **overrides: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(**overrides),
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise ProofFailed(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done

    def up(self) -> None:
        from aiosmtpd.controller import Controller
        from cryptography.fernet import Fernet

        self.postgres.init()
        self.postgres.tool("createdb", "tandem")
        self.redis_url, self.redis = start_redis(self.folder)
        smtp_port = free_port()
        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=smtp_port)
        self.smtp.start()
        self.old_key = Fernet.generate_key().decode()
        media = self.folder / "media"  # the shared folder both servers write photos to
        media.mkdir()
        self.environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "DJANGO_SETTINGS_MODULE": "tandem.settings",
            "PYTHONPATH": str(ROOT),
            "TANDEM_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": ORIGIN,
            "SITE_URL": ORIGIN,
            "FIELD_ENCRYPTION_KEYS": self.old_key,
            "DATABASE_URL": f"{self.postgres.url}/tandem",
            "DATABASE_POOL_MIN": "1",
            "DATABASE_POOL_MAX": "6",
            "DATABASE_POOL_TIMEOUT": "2",
            "REDIS_URL": self.redis_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(media),
            "METRICS_TOKEN": secrets.token_urlsafe(32),
            "TASKS_STALLED_AFTER_SECONDS": str(STALL_SECONDS),
            "TRUSTED_PROXY_COUNT": "1",
            "LOG_LEVEL": "WARNING",
        }
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.manage("check", "--deploy", "--fail-level", "WARNING")
        for name in ("A", "B"):
            self.start_server(name)
        for name in ("worker-1", "worker-2"):
            self.start_worker(name)
        for port in self.ports.values():
            wait_for_port(port)

    def start_server(self, name: str) -> None:
        port = free_port()
        metrics_dir = self.folder / f"metrics-{name}"
        metrics_dir.mkdir(exist_ok=True)
        self.ports[name] = port
        self.servers[name] = subprocess.Popen(
            [GUNICORN, "tandem.wsgi", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "-b", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
            cwd=ROOT,
            env=self.env(PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)),
            stdout=open(self.folder / f"gunicorn-{name}.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start_worker(self, name: str) -> None:
        self.workers[name] = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--worker-id", name,
             "--interval", "0.5", "--no-reload"],
            cwd=ROOT,
            env=self.env(),
            stdout=open(self.folder / f"{name}.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def down(self) -> None:
        for process in [*self.servers.values(), *self.workers.values()]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.servers.values(), *self.workers.values()]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self.smtp is not None:
            self.mailbox.release.set()
            self.smtp.stop()
        if self.redis is not None:
            os.killpg(self.redis.pid, signal.SIGTERM)
            self.redis.wait(timeout=15)
        elif self.redis_url:
            subprocess.run(["redis-cli", "-n", "16", "FLUSHDB"], capture_output=True)
        if self.postgres.data.exists() and self.postgres.running():
            self.postgres.stop()
        if self.keep:
            say(f"kept {self.folder} (logs and the stopped cluster)")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    def seed(self) -> dict[str, Any]:
        done = subprocess.run(
            [PYTHON, __file__, "--seed"], cwd=ROOT, env=self.env(), capture_output=True, text=True
        )
        if done.returncode != 0:
            raise ProofFailed(f"seeding failed:\n{done.stderr[-3000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def wait_for_tasks(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            (waiting,) = self.postgres.query(
                "tandem",
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
                "OR (status = 'READY' AND (run_after <= now() OR run_after >= '9999-01-01'))",
            )[0]
            if waiting == 0:
                return
            time.sleep(0.3)
        raise ProofFailed("background tasks did not drain")


# --- Seed data (runs in a child process with Django set up) ------------------------------------


def seed_main() -> None:
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from tandem.accounts.models import User
    from tandem.assessments.flow import check_flow
    from tandem.booking.forms import slot_key
    from tandem.booking.slots import free_slots_for
    from tandem.booking.tests.helpers import make_bookable
    from tandem.conftest import PASSWORD, make_user

    profile, session_type = make_bookable(user=None, minimum_notice_minutes=60)
    now = timezone.now()
    slots = free_slots_for(profile, session_type, now + timedelta(days=2), now + timedelta(days=9))
    person = make_user("sam.rivers@example.org", name="Sam Rivers")
    locked_out = make_user("ali.moss@example.org", name="Ali Moss")
    racers = []
    for number in range(51):
        user = User.objects.create_user(
            email=f"racer{number}@example.org", password=None, name=f"Racer {number}"
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        racers.append({"email": user.email, "session": store.session_key})
    flow = check_flow(SLUG)
    sections = [
        {
            "id": section.id,
            "answers": {
                item.id: str(item.response.values[len(item.response.values) // 2])
                if not section.is_companion
                else str(item.response.values[0])
                for item in section.items
            },
        }
        for section in flow.sections
    ]
    print(
        json.dumps(
            {
                "therapist": profile.slug,
                "therapist_email": profile.user.email,
                "session_type": session_type.pk,
                "slots": [slot_key(slot.start) for slot in slots[:4]],
                "person": {"email": person.email, "password": PASSWORD},
                "locked_out": {"email": locked_out.email, "password": PASSWORD},
                "racers": racers,
                "sections": sections,
            }
        )
    )


def decrypt_main() -> None:
    """Print how many answers and results decrypt with FIELD_ENCRYPTION_KEYS (fails if any
    does not)."""
    import django

    django.setup()
    from tandem.assessments.models import Response
    from tandem.lib import crypto

    texts = 0
    for answers, result in Response.objects.values_list("answers_encrypted", "result_encrypted"):
        for token in (answers, result):
            if token:
                json.loads(crypto.decrypt(token))
                texts += 1
    print(json.dumps({"responses": Response.objects.count(), "ciphertexts": texts}))


# --- The proofs -------------------------------------------------------------------------------


def section_path(section_id: str) -> str:
    return f"/checks/{SLUG}/{section_id}/"


def answer_section(browser: Browser, port: int, section: dict[str, Any]) -> str:
    status, headers, _ = browser.post_form(
        port, section_path(section["id"]), {**section["answers"], "_action": "next"}
    )
    check(status == 302, f"saving section {section['id']} answered {status}")
    return headers.get("location", "")


def sign_in(browser: Browser, port: int, email: str, password: str) -> tuple[int, str]:
    status, _, page = browser.post_form(
        port, "/accounts/login/", {"login": email, "password": password}
    )
    return status, page


def proof_sessions(stack: Stack, seed: dict[str, Any]) -> None:
    a, b = stack.ports["A"], stack.ports["B"]
    person = Browser()
    status, _ = sign_in(person, a, seed["person"]["email"], seed["person"]["password"])
    check(status == 302, f"signing in on A answered {status}")
    sections = seed["sections"]
    for section in sections[:-1]:
        answer_section(person, b, section)
    status, _, page = person.get(b, "/checks/mine/")
    check(status == 200 and "Continue the" in page, f"B did not know the person ({status})")
    result = answer_section(person, a, sections[-1])
    check("/checks/results/" in result, f"finishing on A went to {result!r}")
    status, _, page = person.get(a, path_of(result))
    check(status == 200 and "Your plan" in page, f"the result on A answered {status}")
    status, _, page = person.get(b, path_of(result))
    check(status == 200 and "Your plan" in page, f"the result on B answered {status}")
    print(
        f"PROOF 1 sessions across servers: signed in on A, saved {len(sections) - 1} sections "
        f"on B, finished on A; the result opens on both",
        flush=True,
    )


def proof_no_double_booking(stack: Stack, seed: dict[str, Any]) -> None:
    ports = [stack.ports["A"], stack.ports["B"]]
    slot = seed["slots"][0]
    path = f"/bookings/with/{seed['therapist']}/confirm/"
    query = f"?session={seed['session_type']}&start={urllib.parse.quote(slot)}"
    racers = seed["racers"][:50]
    forms: list[tuple[Browser, int, dict[str, str]]] = []
    for number, racer in enumerate(racers):
        browser = Browser(client_ip=f"198.51.100.{number + 10}")
        browser.cookies["sessionid"] = racer["session"]
        port = ports[number % 2]
        status, _, page = browser.get(port, path + query)
        check(status == 200, f"the booking form answered {status} for racer {number}")
        token, key = CSRF_INPUT.search(page), IDEMPOTENCY_INPUT.search(page)
        check(token is not None and key is not None, "the booking form lacks its hidden fields")
        assert token is not None and key is not None
        fields = {
            "csrfmiddlewaretoken": token.group(1),
            "session": str(seed["session_type"]),
            "start": slot,
            "idempotency_key": key.group(1),
            "client_name": f"Racer {number}",
            "note": "",
        }
        forms.append((browser, ports[(number + 1) % 2], fields))  # post to the other server
    barrier = threading.Barrier(len(forms))
    statuses: list[int] = []

    def attempt(browser: Browser, port: int, fields: dict[str, str]) -> None:
        barrier.wait()
        status, _, _ = browser.request(port, "POST", path, fields, timeout=60)
        statuses.append(status)

    threads = [threading.Thread(target=attempt, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked = statuses.count(302)
    refused = statuses.count(409)
    rows = stack.postgres.query(
        "tandem",
        "SELECT count(*) FROM booking_booking WHERE starts_at = %s "
        "AND status IN ('requested', 'confirmed')",
        _parse_slot(slot),
    )[0][0]
    check(
        booked == 1 and refused == 49 and rows == 1,
        f"50 attempts gave {booked} bookings, {refused} refusals, statuses {sorted(statuses)}, "
        f"{rows} rows",
    )
    print(
        f"PROOF 2 no double booking: 50 concurrent attempts at {slot} over A and B gave "
        f"1 booking and 49 'taken' answers (409); the database holds 1",
        flush=True,
    )


def _parse_slot(slot: str) -> Any:
    from datetime import UTC, datetime

    return datetime.strptime(slot, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)


def proof_worker_killed(stack: Stack, seed: dict[str, Any]) -> None:
    stack.wait_for_tasks()
    racer = seed["racers"][50]
    therapist = seed["therapist_email"]
    before_therapist = len(stack.mailbox.to(therapist))
    stack.mailbox.hold_address = racer["email"]
    browser = Browser(client_ip="198.51.100.201")
    browser.cookies["sessionid"] = racer["session"]
    slot = seed["slots"][1]
    path = f"/bookings/with/{seed['therapist']}/confirm/"
    status, _, page = browser.get(
        stack.ports["B"], path + f"?session={seed['session_type']}&start={urllib.parse.quote(slot)}"
    )
    check(status == 200, f"the booking form answered {status}")
    token, key = CSRF_INPUT.search(page), IDEMPOTENCY_INPUT.search(page)
    assert token is not None and key is not None
    status, _, _ = browser.request(
        stack.ports["B"], "POST", path,
        {"csrfmiddlewaretoken": token.group(1), "session": str(seed["session_type"]),
         "start": slot, "idempotency_key": key.group(1), "client_name": "Racer 50", "note": ""},
    )  # fmt: skip
    check(status == 302, f"booking for the worker proof answered {status}")
    check(stack.mailbox.held.wait(30), "no worker began sending the confirmation")
    rows = stack.postgres.query(
        "tandem",
        "SELECT id, worker_ids FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
        "AND task_path LIKE '%%send_booking_email' AND args_kwargs::text LIKE '%%client%%'",
    )
    check(len(rows) == 1, f"expected one running confirmation task, found {len(rows)}")
    task_id, worker_ids = rows[0]
    victim = worker_ids[-1]
    survivor = next(name for name in stack.workers if name != victim)
    os.killpg(stack.workers[victim].pid, signal.SIGKILL)
    stack.workers[victim].wait()
    stack.mailbox.release.set()  # the SMTP session was cut mid-transaction: nothing delivered
    time.sleep(STALL_SECONDS + 1)
    check(stack.mailbox.to(racer["email"]) == [], "a half-sent message was delivered")
    # What cron does every minute:
    stack.manage("requeue_stalled_tasks")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not stack.mailbox.to(racer["email"]):
        time.sleep(0.2)
    stack.wait_for_tasks()
    time.sleep(2)  # anything doubled would have arrived by now
    received = stack.mailbox.to(racer["email"])
    to_therapist = len(stack.mailbox.to(therapist)) - before_therapist
    (status_row,) = stack.postgres.query(
        "tandem",
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = %s",
        task_id,
    )
    check(
        len(received) == 1 and to_therapist == 1,
        f"the client got {len(received)} and the therapist {to_therapist} confirmation(s)",
    )
    check(
        status_row[0] == "SUCCESSFUL" and status_row[1] == [victim, survivor],
        f"the task ended {status_row}",
    )
    stack.start_worker(victim)  # the supervisor (compose, systemd) restarts the dead worker
    print(
        f"PROOF 3 worker killed mid-send: {victim} SIGKILLed during the SMTP transaction; after "
        f"requeue_stalled_tasks {survivor} sent it: the client got 1 email ({received[0]!r}), "
        f"the therapist 1",
        flush=True,
    )


def proof_database_down(stack: Stack, seed: dict[str, Any]) -> None:
    a, b = stack.ports["A"], stack.ports["B"]
    person = Browser(client_ip="198.51.100.50")
    status, _ = sign_in(person, a, seed["person"]["email"], seed["person"]["password"])
    check(status == 302, f"signing in answered {status}")
    sections = seed["sections"]
    for section in sections[:2]:
        answer_section(person, a, section)
    pids = {name: server.pid for name, server in stack.servers.items()}
    stack.postgres.stop()
    down_started = time.monotonic()
    for name, port in (("A", a), ("B", b)):
        status, _, _ = person.get(port, "/healthz")
        check(status == 503, f"/healthz on {name} answered {status} with the database down")
        status, headers, page = person.get(port, f"/checks/{SLUG}/")
        check(status == 503, f"a page on {name} answered {status} with the database down")
        check(
            "briefly unavailable" in page and "data-quick-exit" in page,
            "the 503 page is not the friendly one",
        )
        check(
            "Traceback" not in page and "OperationalError" not in page,
            "the 503 page shows a traceback",
        )
        check(headers.get("retry-after") == "30", "the 503 page has no Retry-After")
    stack.postgres.start()
    deadline = time.monotonic() + 60
    # Each gunicorn process has its own pool, which reconnects on its own: recovered means
    # several answers in a row from each server are 200, not only the first process asked.
    while time.monotonic() < deadline:
        if all(person.get(port, "/healthz")[0] == 200 for port in (a, b) for _ in range(8)):
            break
        time.sleep(0.5)
    recovered = time.monotonic() - down_started
    check(
        all(person.get(port, "/healthz")[0] == 200 for port in (a, b) for _ in range(8)),
        "no recovery in 60 s",
    )
    check(
        {name: server.pid for name, server in stack.servers.items()} == pids
        and all(server.poll() is None for server in stack.servers.values()),
        "gunicorn was restarted",
    )
    status, _, page = person.get(b, f"/checks/{SLUG}/")
    expected = section_path(sections[2]["id"])
    check(
        status == 200 and expected in page,
        f"the check in progress did not resume at {expected} ({status})",
    )
    for section in sections[2:]:
        last = answer_section(person, b, section)
    check("/checks/results/" in last, "the check could not be finished after the outage")
    restarted = []
    for name, worker in list(stack.workers.items()):
        if worker.poll() is not None:  # a worker exits when the database goes; it is restarted
            restarted.append(name)
            stack.start_worker(name)
    print(
        f"PROOF 4 database down: /healthz 503 and the friendly 503 page (no traceback) on A and "
        f"B; back {recovered:.1f} s after the stop with the same gunicorn processes; the check "
        f"resumed at section 3 of {len(sections)} and finished"
        + (f"; the supervisor restarted {', '.join(restarted)}" if restarted else ""),
        flush=True,
    )


def proof_backup_restore(stack: Stack) -> None:
    from cryptography.fernet import Fernet

    dump = stack.folder / "tandem.dump"
    stack.postgres.tool("pg_dump", "--format=custom", "--file", str(dump), "tandem")
    stack.postgres.tool("createdb", "tandem_restored")
    stack.postgres.tool("pg_restore", "--no-owner", "--dbname", "tandem_restored", str(dump))
    restored = f"{stack.postgres.url}/tandem_restored"
    original = _decrypt_all(stack, stack.env())
    same_keys = _decrypt_all(stack, stack.env(DATABASE_URL=restored))
    check(
        same_keys == original and original["ciphertexts"] > 0,
        f"restored {same_keys} against the original {original}",
    )
    new_key = Fernet.generate_key().decode()
    stack.manage(
        "reencrypt_answers",
        DATABASE_URL=restored,
        FIELD_ENCRYPTION_KEYS=f"{new_key},{stack.old_key}",
    )
    new_only = _decrypt_all(stack, stack.env(DATABASE_URL=restored, FIELD_ENCRYPTION_KEYS=new_key))
    check(new_only == original, f"after rotation the new key alone read {new_only}")
    old_only = subprocess.run(
        [PYTHON, __file__, "--decrypt"],
        cwd=ROOT,
        env=stack.env(DATABASE_URL=restored, FIELD_ENCRYPTION_KEYS=stack.old_key),
        capture_output=True,
        text=True,
    )
    check(old_only.returncode != 0, "the retired key still reads the rotated answers")
    print(
        f"PROOF 5 backup and restore: pg_dump ({dump.stat().st_size // 1024} KiB) restored into a "
        f"fresh database; {original['ciphertexts']} ciphertexts of {original['responses']} "
        f"responses decrypt with the same key; after reencrypt_answers the new key alone reads "
        f"them all and the old key none",
        flush=True,
    )


def _decrypt_all(stack: Stack, environment: dict[str, str]) -> dict[str, int]:
    done = subprocess.run(
        [PYTHON, __file__, "--decrypt"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise ProofFailed(f"decrypting failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def proof_rate_limits(stack: Stack, seed: dict[str, Any]) -> None:
    a, b = stack.ports["A"], stack.ports["B"]
    email, password = seed["locked_out"]["email"], seed["locked_out"]["password"]
    # Five wrong passwords for one address, alternating servers and addresses of origin.
    for attempt in range(5):
        status, page = sign_in(
            Browser(client_ip=f"203.0.113.{attempt + 1}"),
            (a, b)[attempt % 2],
            email,
            "wrong-pass-1",
        )
        check(status == 200 and "Too many" not in page, f"wrong password {attempt + 1}: {status}")
    locked = Browser(client_ip="203.0.113.99")
    status, page = sign_in(locked, b, email, password)
    check(
        status != 302 and "Too many failed login attempts" in page,
        f"the right password after 5 failures elsewhere answered {status}",
    )
    check(locked.get(b, "/checks/mine/")[0] == 302, "the locked-out person got in")
    # Ten failed logins a minute from one address of origin, to any accounts, on any server.
    origin = "192.0.2.44"
    for attempt in range(10):
        status, page = sign_in(
            Browser(client_ip=origin), (a, b)[attempt % 2], f"nobody{attempt}@example.org", "x" * 12
        )
        check("Too many" not in page, f"failure {attempt + 1} from one address was refused early")
    status, page = sign_in(
        Browser(client_ip=origin), a, seed["person"]["email"], seed["person"]["password"]
    )
    check(status != 302, f"the 11th login from one address answered {status}")
    check(
        sign_in(
            Browser(client_ip="192.0.2.45"), b, seed["person"]["email"], seed["person"]["password"]
        )[0]
        == 302,
        "a login from another address was refused",
    )
    print(
        "PROOF 6 shared rate limits: 5 wrong passwords over A and B lock the address out on B "
        "(even with the right password); 10 failures from one visitor address over A and B "
        "refuse its 11th login on A, while another address still signs in",
        flush=True,
    )


def proof_metrics(stack: Stack) -> None:
    token = stack.environment["METRICS_TOKEN"]
    status, _, _ = Browser().get(stack.ports["A"], "/metrics")
    check(status == 401, f"/metrics without the token answered {status}")
    status, _, text = Browser().get(
        stack.ports["A"], "/metrics", headers={"Authorization": f"Bearer {token}"}
    )
    check(status == 200, f"/metrics with the token answered {status}")
    for name in (
        "tandem_http_request_duration_seconds_bucket",
        'tandem_bookings{status="confirmed"} 2.0',
        "tandem_checks_completed 2.0",
        'tandem_task_queue_depth{queue="email"}',
    ):
        check(name in text, f"/metrics lacks {name}")
    status, _, body = Browser().get(stack.ports["B"], "/readyz")
    check(status == 200, f"/readyz answered {status}: {body}")
    print(
        "METRICS and readiness: /metrics needs the bearer token and reports latency by route, "
        "queue depth, bookings and checks from both servers' processes; /readyz ok",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--decrypt", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.seed:
        seed_main()
        return
    if options.decrypt:
        decrypt_main()
        return

    say(f"{os.cpu_count()} CPUs; load average {Path('/proc/loadavg').read_text().split()[:3]}")
    stack = Stack(keep=options.keep)
    failed = False
    try:
        stack.up()
        say(
            f"stack up: PostgreSQL on {stack.postgres.port}, {stack.redis_url}, gunicorn A on "
            f"{stack.ports['A']} and B on {stack.ports['B']}, 2 workers"
        )
        seed = stack.seed()
        proof_sessions(stack, seed)
        proof_no_double_booking(stack, seed)
        proof_worker_killed(stack, seed)
        proof_database_down(stack, seed)
        proof_backup_restore(stack)
        proof_metrics(stack)
        proof_rate_limits(stack, seed)
    except Exception as failure:  # any failure, a proof's or the rehearsal's own, fails the run
        failed = True
        if isinstance(failure, ProofFailed):
            print(f"FAILED: {failure}", flush=True)
        else:
            import traceback

            print("FAILED:", "".join(traceback.format_exception(failure)), flush=True)
        for log in sorted(stack.folder.glob("*.log")):
            print(f"--- last lines of {log.name}")
            print("\n".join(log.read_text(errors="replace").splitlines()[-15:]))
    finally:
        stack.down()
    say("prod-smoke " + ("FAILED" if failed else "passed"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
