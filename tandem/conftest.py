"""Fixtures every app's tests share: the usual cast, MFA, a real browser, accessibility, mail.

The cast (CONVENTIONS.md): a client, their partner, an unrelated client, a therapist, an
unrelated therapist, an editor, a verifier, an administrator, and an anonymous visitor.
Therapists and staff have MFA set up, because without it they reach nothing (see
RequireMFAForStaffRolesMiddleware); ``without_mfa`` makes one that has not.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from tandem.accounts.models import Role, User

PASSWORD = "a-long-Test-passphrase-42"


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Any) -> Iterator[None]:
    # Rate limits and used TOTP codes live in the cache: start every test with an empty one.
    cache.clear()
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    cache.clear()


def make_user(email: str, *, role: str = Role.CLIENT, name: str = "", mfa: bool = False) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, role=role, name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa:
        enable_mfa(user)
    return user


def enable_mfa(user: User) -> str:
    """Set up TOTP for ``user``; returns the secret, so a test can make valid codes."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _cast_member(email: str, name: str, role: str = Role.CLIENT) -> Any:
    """A fixture for one of the cast; everyone but a client has MFA set up."""

    def member(db: None) -> User:
        return make_user(email, role=role, name=name, mfa=role != Role.CLIENT)

    member.__doc__ = f"{name} <{email}>, {role}."  # what ``pytest --fixtures`` shows
    return pytest.fixture(member)


client_user = _cast_member("casey@example.com", "Casey Client")
partner_user = _cast_member("parker@example.com", "Parker Partner")
unrelated_client_user = _cast_member("uma@example.com", "Uma Unrelated")
therapist_user = _cast_member("theo@example.com", "Theo Therapist", Role.THERAPIST)
unrelated_therapist_user = _cast_member("tara@example.com", "Tara Therapist", Role.THERAPIST)
editor_user = _cast_member("edie@example.com", "Edie Editor", Role.EDITOR)
verifier_user = _cast_member("vera@example.com", "Vera Verifier", Role.VERIFIER)
administrator_user = _cast_member("ada@example.com", "Ada Admin", Role.ADMINISTRATOR)


@pytest.fixture
def anonymous() -> Client:
    """A visitor with no account."""
    return Client()


def client_for(user: User) -> Client:
    """A test client signed in as ``user`` (past every login stage, MFA included)."""
    http = Client()
    http.force_login(user)
    return http


# The API checks CSRF on every write: api_client_for sets this token as the cookie, and
# post_json sends it back in the header, as the site's own pages do.
CSRF_TOKEN = "a" * 32


def api_client_for(user: User) -> Client:
    """``client_for(user)`` holding the CSRF cookie an API write is checked against."""
    http = client_for(user)
    http.cookies["csrftoken"] = CSRF_TOKEN
    return http


def post_json(
    http: Client, path: str, body: dict[str, Any] | None = None, *, csrf: bool = True
) -> Any:
    """POST ``body`` to ``path`` as JSON, with the CSRF header unless ``csrf`` is False."""
    headers = {"X-CSRFToken": CSRF_TOKEN} if csrf else {}
    return http.post(path, body or {}, content_type="application/json", headers=headers)


# --- A real browser ----------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright. Missing: a skip, or a failure in CI."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is not installed (apt-get install -y chromium).")
        pytest.skip("Chromium is not installed; set TANDEM_REQUIRE_BROWSER=1 to fail instead.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A fresh browser tab (its own cookies) whose relative URLs go to the live server."""
    settings.SITE_URL = live_server.url  # so links in emails lead back to this server
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def assert_accessible(page: Any) -> None:
    """Fail on any serious or critical axe-core violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in ("serious", "critical")
    ]
    if violations:
        lines = [f"{page.url}: {len(violations)} serious or critical accessibility problems"]
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"][:3]]
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} {targets}"
            )
        pytest.fail("\n".join(lines))


def browser_login(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def browser_session(page: Any, live_server: Any, user: User) -> None:
    """Give the browser tab the session of ``user``, past every login stage (MFA too)."""
    cookie = django_settings.SESSION_COOKIE_NAME
    session = client_for(user).cookies[cookie].value
    page.context.add_cookies([{"name": cookie, "value": session, "url": live_server.url}])


# --- A real SMTP server ------------------------------------------------------------------


class _Inbox:
    """Messages a local aiosmtpd server received, parsed with the standard library."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[_Inbox]:
    """Django sends through its real SMTP backend to a server on 127.0.0.1."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def message_text(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""
