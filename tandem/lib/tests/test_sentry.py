"""What goes to Sentry has no email address, name, answer, token, cookie or local variable."""

from __future__ import annotations

import copy
import json
from typing import Any

import sentry_sdk
from sentry_sdk.transport import Transport

from tandem.lib.sentry import scrub_breadcrumb, scrub_event, scrub_text

EMAIL = "robin.quill@example.org"
TOKEN = "gAAAAABm3kq9XwZf0b7yH2pQvL8sT4nR6cJ1aE5dU"

DJANGO_EVENT: dict[str, Any] = {
    "level": "error",
    "server_name": "web-1.internal",
    "transaction": "/bookings/link/{token}/",
    "request": {
        "url": f"https://tandem.example.org/bookings/link/{TOKEN}/",
        "method": "POST",
        "query_string": f"email={EMAIL}",
        "cookies": {"sessionid": TOKEN},
        "data": {"client_name": "Robin Quill", "sf1": "3"},
        "headers": {
            "Cookie": f"sessionid={TOKEN}",
            "Authorization": f"Bearer {TOKEN}",
            "User-Agent": "Mozilla/5.0",
            "Referer": f"https://tandem.example.org/bookings/link/{TOKEN}/",
        },
    },
    "user": {"id": 42, "email": EMAIL, "username": EMAIL, "ip_address": "203.0.113.9"},
    "extra": {"answers": {"sf1": 3}},
    "exception": {
        "values": [
            {
                "type": "IntegrityError",
                "value": (
                    "duplicate key value violates unique constraint DETAIL: "
                    f"Key (email)=({EMAIL}) already exists; token {TOKEN}"
                ),
                "stacktrace": {
                    "frames": [
                        {
                            "function": "booking_create",
                            "lineno": 10,
                            "vars": {"client_name": "'Robin Quill'", "email": f"'{EMAIL}'"},
                        }
                    ]
                },
            }
        ]
    },
    "breadcrumbs": {
        "values": [
            {
                "category": "query",
                "message": "SELECT * FROM accounts_user WHERE email = %s",
                "data": {"db.params": [EMAIL]},
            },
            {
                "category": "httplib",
                "message": f"GET https://tandem.example.org/bookings/feed/{TOKEN}.ics",
                "data": {"url": f"https://tandem.example.org/bookings/feed/{TOKEN}.ics"},
            },
        ]
    },
}


def test_a_django_error_event_keeps_what_helps_and_loses_every_personal_detail() -> None:
    event = scrub_event(copy.deepcopy(DJANGO_EVENT), {})

    sent = json.dumps(event)
    for secret in (EMAIL, TOKEN, "Robin Quill", "203.0.113.9", "web-1.internal", "sessionid"):
        assert secret not in sent, secret
    assert event["user"] == {"id": 42}
    assert event["request"] == {
        "method": "POST",
        "headers": {"User-Agent": "Mozilla/5.0"},
    }
    assert "vars" not in event["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert event["exception"]["values"][0]["type"] == "IntegrityError"
    assert event["exception"]["values"][0]["value"] == "[scrubbed]"
    assert event["transaction"] == "/bookings/link/{token}/"
    assert [crumb["category"] for crumb in event["breadcrumbs"]["values"]] == ["query", "httplib"]
    assert "data" not in event["breadcrumbs"]["values"][0]


def test_a_breadcrumb_keeps_its_kind_and_drops_its_data() -> None:
    crumb = scrub_breadcrumb(
        {"category": "query", "message": "SELECT 1", "data": {"db.params": [EMAIL]}}, {}
    )

    assert crumb == {"category": "query", "message": "SELECT 1"}


def test_scrub_text_masks_addresses_and_tokens_but_keeps_words() -> None:
    assert scrub_text(f"Could not send to {EMAIL} with {TOKEN}") == (
        "Could not send to [scrubbed] with [scrubbed]"
    )


class _Captured(Transport):
    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.envelopes: list[Any] = []

    def capture_envelope(self, envelope: Any) -> None:
        self.envelopes.append(envelope)


def test_the_sdk_sends_only_the_scrubbed_event() -> None:
    transport = _Captured()
    sentry_sdk.init(
        dsn="https://public@sentry.invalid/1",
        transport=transport,
        default_integrations=False,
        data_collection={"user_info": False, "stack_frame_variables": False},
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )
    try:
        sentry_sdk.set_user({"id": 7, "email": EMAIL})
        sentry_sdk.add_breadcrumb(category="query", message="SELECT %s", data={"p": [EMAIL]})
        # A local variable the SDK must not send (built here so the source lines the SDK
        # sends as context do not hold the name itself).
        client_name = " ".join(["Robin", "Quill"])
        try:
            raise ValueError(f"no account for {EMAIL} ({client_name})")
        except ValueError as error:
            sentry_sdk.capture_exception(error)
        sentry_sdk.flush()
    finally:
        sentry_sdk.set_user(None)
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)

    payloads = [item.payload.get_bytes() for envelope in transport.envelopes for item in envelope]
    sent = b"\n".join(payloads).decode()
    assert '"ValueError"' in sent
    assert EMAIL not in sent
    assert "Robin Quill" not in sent
    assert '"client_name"' not in sent
    assert '"id": 7' in sent or '"id":7' in sent
