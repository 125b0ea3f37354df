"""Real gunicorn servers for the tests where only the database may stand between requests.

The race tests start two servers on one database, sign clients in without a browser, and send
many API writes at the same instant. These are the pieces they share.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils.crypto import get_random_string

# The answers a request gets: its status and its JSON body.
Outcome = tuple[int, dict[str, Any]]


def signed_in_session(user: Any) -> str:
    """The key of a new session in which ``user`` is signed in, as a browser's cookie holds it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key or ""


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


@contextmanager
def two_gunicorn_servers(env: dict[str, str], *, threads: int) -> Iterator[list[str]]:
    """Start two gunicorn servers (two workers each) with ``env``; yield their base URLs.

    Both are stopped on the way out, killed if they do not stop within ten seconds.
    """
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    processes, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            command = [gunicorn, "tandem.wsgi", "-w", "2", "--threads", str(threads)]
            processes.append(
                subprocess.Popen(
                    [*command, "-b", f"127.0.0.1:{port}"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_until_up(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def post_bookings_together(
    urls: list[str], requests: list[tuple[str, dict[str, Any]]], *, timeout: float
) -> list[Outcome]:
    """POST each (session key, body) to /api/v1/bookings, all at the same instant.

    The requests take turns among ``urls``; each waits up to ``timeout`` seconds for its
    answer. Returns the outcomes in the order they came back.
    """
    start_together = threading.Barrier(len(requests))
    results: list[Outcome] = []
    lock = threading.Lock()

    def post(number: int) -> None:
        session_key, body = requests[number]
        csrf = get_random_string(32)
        request = urllib.request.Request(  # noqa: S310
            urls[number % len(urls)] + "/api/v1/bookings",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
            },
        )
        start_together.wait()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                outcome = (response.status, json.loads(response.read()))
        except urllib.error.HTTPError as error:
            outcome = (error.code, json.loads(error.read() or b"{}"))
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout + 30)
    return results
